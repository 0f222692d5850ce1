"""Ideas: a warga or relawan suggests something to their BKM; the BKM takes it up or not.

```mermaid
stateDiagram-v2
    [*] --> baru: suggest (warga, anggota or koordinator of the BKM)
    baru --> dijadikan_usulan: start_draft (anggota or koordinator): a proposal draft, prefilled
    baru --> tidak_dilanjutkan: decline with a reason (koordinator)
    dijadikan_usulan --> dijadikan_usulan: the proposal is submitted (the author is told its code)
```

The author is told at each step, in their own language, through the outbox. Permissions are
checked here: a BKM's ideas are seen by its members and koordinators (and the author sees their
own), never by another BKM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit, outbox
from bot.domain.actors import Actor, koordinators, people_with_grant, timezone_of
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.permissions import Act, holds
from bot.domain.plain_text import refuse_nik
from bot.domain.proposals import form
from bot.domain.proposals.lifecycle import status_label
from bot.domain.proposals.steps import StepContext
from bot.domain.proposals.steps import step as form_step
from bot.i18n import N_, Msgid, Translator
from bot.ui import Button, keyboard
from storage.idea_models import Idea, IdeaStatus
from storage.models import Bkm, Person, Proposal, Role, RoleGrant

TEXT_MIN, TEXT_MAX = 10, 500
REASON_MIN_WORDS = 3
MAX_LISTED = 10
# Who may suggest to a BKM: anyone who belongs to it.
SUGGESTERS = (Role.WARGA, Role.ANGGOTA, Role.KOORDINATOR)
MEMBERS = (Role.ANGGOTA, Role.KOORDINATOR)

STATUS_LABELS = {
    IdeaStatus.NEW.value: N_("Menunggu BKM"),
    IdeaStatus.PROPOSED.value: N_("Dijadikan usulan"),
    IdeaStatus.NOT_PURSUED.value: N_("Tidak dilanjutkan"),
}
NOT_YOURS = N_("Maaf, ide ini tidak ditemukan atau bukan untuk BKM Bapak/Ibu.")


@dataclass(frozen=True)
class IdeaView:
    """An idea as its readers see it."""

    id: int
    bkm: str
    text: str
    author: str
    has_photo: bool
    photo_file_id: str | None
    status: str
    created_at: datetime | None
    reason: str | None
    proposal_code: str | None
    proposal_status: str | None
    may_draft: bool  # the reader may start a proposal from it now
    may_decline: bool


# --- suggesting ------------------------------------------------------------------------------


def suggest_bkms(actor: Actor) -> set[int]:
    """The BKMs `actor` may send an idea to."""
    return actor.bkm_ids(*SUGGESTERS)


def clean_text(raw: str) -> str:
    """An idea's text: trimmed, line breaks kept, 10–500 characters."""
    text = "\n".join(" ".join(line.split()) for line in (raw or "").splitlines()).strip()
    if len(text) < TEXT_MIN or len(text) > TEXT_MAX:
        raise InvalidInput(
            N_("Mohon tulis ide dalam {min} sampai {max} huruf: apa masalahnya dan di mana."),
            min=TEXT_MIN,
            max=TEXT_MAX,
        )
    refuse_nik(text)
    return text


async def suggest(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    bkm_id: int,
    text: str,
    photo_file_id: str | None = None,
) -> Idea:
    """Store an idea for the BKM and tell its members and koordinators."""
    if not holds(actor, Act.IDEA_SUGGEST, bkm_id=bkm_id):
        raise NotAllowed(N_("Maaf, Bapak/Ibu hanya dapat mengirim ide ke BKM Bapak/Ibu sendiri."))
    bkm = await session.get(Bkm, bkm_id)
    if bkm is None:
        raise NotFound()
    idea = Idea(
        bkm_id=bkm_id, kota_id=bkm.kota_id, author_id=actor.person_id, text=clean_text(text),
        photo_file_id=photo_file_id or None, created_at=clock.now(),
    )  # fmt: skip
    session.add(idea)
    await session.flush()
    audit.record(session, clock, actor, "idea.suggest", "idea", idea.id, bkm=bkm.name)
    for person in await _bkm_members(session, bkm_id):
        if person.id == actor.person_id:
            continue
        tr = await _translator(session, person)
        text_ = tr._(
            "💡 Ide baru dari warga untuk {bkm}:\n<i>{text}</i>\n\nDari: {author}",
            bkm=bkm.name, text=_short(idea.text), author=actor.name,
        )  # fmt: skip
        buttons = keyboard(Button(tr._("Lihat ide"), data=f"idea:v:{idea.id}"))
        outbox.enqueue(session, clock, person, kind="idea.new", text=text_, buttons=buttons)
    return idea


# --- reading ---------------------------------------------------------------------------------


def _may_see_bkm(actor: Actor, bkm_id: int) -> bool:
    return holds(actor, Act.IDEA_SEE, bkm_id=bkm_id)


def _may_decline(actor: Actor, idea: Idea) -> bool:
    return holds(actor, Act.IDEA_DECLINE, bkm_id=idea.bkm_id)


async def _load(session: AsyncSession, actor: Actor, idea_id: int, *, lock: bool = False) -> Idea:
    stmt = select(Idea).where(Idea.id == idea_id)
    if lock:
        stmt = stmt.with_for_update()
    idea = (await session.exec(stmt)).first()
    if idea is None or not holds(actor, Act.IDEA_SEE, bkm_id=idea.bkm_id, owner_id=idea.author_id):
        raise NotFound(NOT_YOURS)  # another BKM's idea reads as one that does not exist
    return idea


async def bkm_ideas(session: AsyncSession, actor: Actor) -> list[IdeaView]:
    """The ideas sent to the reader's BKM(s): those waiting first, then the newest."""
    bkm_ids = actor.bkm_ids(*MEMBERS)
    if not bkm_ids:
        raise NotAllowed(
            N_("Maaf, hanya anggota atau koordinator BKM yang dapat melihat ide warga.")
        )
    waiting_first = (col(Idea.status) != IdeaStatus.NEW.value, col(Idea.id).desc())
    stmt = select(Idea).where(col(Idea.bkm_id).in_(bkm_ids)).order_by(*waiting_first)
    ideas = (await session.exec(stmt.limit(MAX_LISTED))).all()
    return [await _view(session, actor, idea) for idea in ideas]


async def own_ideas(session: AsyncSession, actor: Actor) -> list[IdeaView]:
    """The ideas the reader sent, newest first, with what became of each."""
    stmt = (
        select(Idea)
        .where(Idea.author_id == actor.person_id)
        .order_by(col(Idea.id).desc())
        .limit(MAX_LISTED)
    )
    return [await _view(session, actor, idea) for idea in (await session.exec(stmt)).all()]


async def view(session: AsyncSession, actor: Actor, idea_id: int) -> IdeaView:
    """One idea, if the reader is a member of its BKM or its author."""
    return await _view(session, actor, await _load(session, actor, idea_id))


async def _view(session: AsyncSession, actor: Actor, idea: Idea) -> IdeaView:
    assert idea.id is not None
    bkm = await session.get_one(Bkm, idea.bkm_id)
    author = await session.get(Person, idea.author_id) if idea.author_id else None
    proposal = await session.get(Proposal, idea.proposal_id) if idea.proposal_id else None
    new = _open(idea)
    return IdeaView(
        id=idea.id, bkm=bkm.name, text=idea.text,
        author=(author.name if author and author.name else "-"),
        has_photo=idea.photo_file_id is not None, photo_file_id=idea.photo_file_id,
        status=idea.status if not new else IdeaStatus.NEW.value, created_at=idea.created_at, reason=idea.reason,
        proposal_code=proposal.code if proposal else None,
        proposal_status=proposal.status if proposal else None,
        may_draft=new and _may_see_bkm(actor, idea.bkm_id),
        may_decline=new and _may_decline(actor, idea),
    )  # fmt: skip


# --- what the BKM does with it ---------------------------------------------------------------


async def start_draft(session: AsyncSession, clock: Clock, actor: Actor, idea_id: int) -> Proposal:
    """Start a proposal draft from the idea (judul and uraian prefilled) and tell the author.

    The draft is made by the form's own `start_or_resume_draft`, so its rules hold (one open
    draft per author and BKM, eligibility). A draft the member already began is not overwritten:
    they are asked to finish or discard it first. A second tap returns the same draft.
    """
    idea = await _load(session, actor, idea_id, lock=True)
    if not _may_see_bkm(actor, idea.bkm_id):
        raise NotAllowed(N_("Maaf, hanya anggota atau koordinator BKM yang dapat menyusun usulan."))
    if idea.status == IdeaStatus.PROPOSED.value and idea.proposal_id is not None:
        proposal = await session.get(Proposal, idea.proposal_id)
        if proposal is not None and proposal.author_id == actor.person_id:
            return proposal  # a double tap
    if not _open(idea):
        raise InvalidTransition(N_("Ide ini sudah ditanggapi."))
    proposal = await form.start_or_resume_draft(session, clock, actor, idea.bkm_id)
    if proposal.judul is not None or proposal.uraian is not None:
        raise InvalidTransition(
            N_(
                "Bapak/Ibu masih punya draf usulan “{judul}”. Mohon selesaikan atau hapus draf itu "
                "dulu (ketik /usulan), lalu buka ide ini lagi."
            ),
            judul=proposal.judul or "-",
        )
    await _prefill(session, clock, actor, proposal, idea)
    idea.status, idea.proposal_id = IdeaStatus.PROPOSED.value, proposal.id
    _decided(idea, clock, actor)
    session.add(idea)
    audit.record(session, clock, actor, "idea.draft", "idea", idea.id, proposal=proposal.id)
    await _tell_author(
        session, clock, idea,
        N_("📝 Ide Bapak/Ibu “{text}” sedang disusun menjadi usulan oleh {bkm}. Kami kabari lagi "
           "ketika usulannya diajukan."),
    )  # fmt: skip
    return proposal


async def _prefill(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal, idea: Idea
) -> None:
    """Put the idea's words where the form would ask for them; the member edits them later.

    Each value passes the form's own validator (text it would refuse, e.g. too short, is left
    for the member to type). When the form stands at the title, the title goes through the
    form's `answer_step`, so it moves on exactly as after a typed title (past the uraian it
    now holds).
    """
    assert proposal.id is not None
    ctx = StepContext(proposal=proposal, today=clock.now().date())
    proposal.uraian = _valid("uraian", idea.text, ctx)
    title = _valid("judul", _title(idea.text), ctx)
    if title is not None and proposal.step == "judul":
        await form.answer_step(session, clock, actor, proposal.id, step="judul", value=title)
        return
    proposal.judul = title
    session.add(proposal)


def _valid(step_name: str, value: str, ctx: StepContext) -> str | None:
    """`value` as the form would store it at `step_name`, or None when it would refuse it."""
    validate = form_step(step_name).validate
    if validate is None:
        return None
    try:
        return str(validate(value, ctx))
    except InvalidInput:
        return None


def _title(text: str) -> str:
    """The idea's first sentence, cut at a word to fit a proposal title (100 characters)."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].rstrip(".!? ")
    if len(first) <= 100:
        return first
    return first[:97].rsplit(" ", 1)[0] + "…"


def clean_reason(raw: str) -> str:
    """A reason the author will read: a few words, not "x" or "ok"."""
    reason = " ".join((raw or "").split())
    if len(reason.split()) < REASON_MIN_WORDS or len(reason) > 500:
        raise InvalidInput(
            N_("Mohon tulis alasannya dalam beberapa kata (paling sedikit {n} kata)."),
            n=REASON_MIN_WORDS,
        )
    refuse_nik(reason)
    return reason


async def decline(
    session: AsyncSession, clock: Clock, actor: Actor, idea_id: int, *, reason: str
) -> Idea:
    """The koordinator decides not to take the idea up; the author is told why."""
    idea = await _load(session, actor, idea_id, lock=True)
    if not _may_decline(actor, idea):
        raise NotAllowed(
            N_("Maaf, hanya koordinator BKM yang dapat memutuskan ide tidak dilanjutkan.")
        )
    clean = clean_reason(reason)
    if idea.status == IdeaStatus.NOT_PURSUED.value and idea.reason == clean:
        return idea  # a double tap
    if not _open(idea):
        raise InvalidTransition(N_("Ide ini sudah ditanggapi."))
    idea.status, idea.reason = IdeaStatus.NOT_PURSUED.value, clean
    _decided(idea, clock, actor)
    session.add(idea)
    audit.record(session, clock, actor, "idea.decline", "idea", idea.id)
    await _tell_author(
        session, clock, idea,
        N_("Ide Bapak/Ibu “{text}” tidak dilanjutkan oleh {bkm}.\nAlasan: {reason}\n\nTerima kasih "
           "sudah berbagi ide; silakan kirim ide lain kapan saja dengan /usul_ide."),
        reason=clean,
    )  # fmt: skip
    return idea


async def proposal_submitted(session: AsyncSession, clock: Clock, proposal: Proposal) -> None:
    """Tell the author of the idea behind `proposal` its code and status, once.

    Called in the transaction that submits the proposal (bot/domain/proposals/submit.py).
    """
    if proposal.id is None or proposal.code is None:
        return
    stmt = select(Idea).where(
        Idea.proposal_id == proposal.id, col(Idea.told_submitted_at).is_(None)
    )
    for idea in (await session.exec(stmt)).all():
        idea.told_submitted_at = clock.now()
        session.add(idea)
        await _tell_author(
            session, clock, idea,
            N_("✅ Usulan dari ide Bapak/Ibu “{text}” sudah diajukan oleh {bkm} dengan kode {code}. "
               "Status: {status}."),
            code=proposal.code, status=Msgid(status_label(proposal.status)),
        )  # fmt: skip


def _open(idea: Idea) -> bool:
    """Waiting for the BKM: new, or its draft was discarded (the link went with the draft)."""
    return idea.status == IdeaStatus.NEW.value or (
        idea.status == IdeaStatus.PROPOSED.value and idea.proposal_id is None
    )


def _decided(idea: Idea, clock: Clock, actor: Actor) -> None:
    idea.decided_at, idea.decided_by_label = clock.now(), actor.label


async def _tell_author(
    session: AsyncSession, clock: Clock, idea: Idea, message: str, **params: object
) -> None:
    author = await session.get(Person, idea.author_id) if idea.author_id else None
    if author is None:
        return
    bkm = await session.get_one(Bkm, idea.bkm_id)
    tr = await _translator(session, author)
    text = tr._(message, text=_short(idea.text), bkm=bkm.name, **params)
    outbox.enqueue(session, clock, author, kind="idea.outcome", text=text)


async def _bkm_members(session: AsyncSession, bkm_id: int) -> list[Person]:
    """Koordinators first, then members, once each."""
    people = await koordinators(session, bkm_id)
    people += await people_with_grant(
        session, (RoleGrant.role == Role.ANGGOTA.value) & (RoleGrant.bkm_id == bkm_id)
    )
    return list({p.id: p for p in people}.values())


async def _translator(session: AsyncSession, person: Person) -> Translator:
    assert person.id is not None
    return Translator(person.locale or "id", await timezone_of(session, person.id, "Asia/Jakarta"))


def _short(text: str, limit: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rsplit(" ", 1)[0] + "…"
