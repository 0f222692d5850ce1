"""The draft form: start or resume, answer a step, skip, go back, edit from the summary.

```mermaid
stateDiagram-v2
    [*] --> judul: start_or_resume_draft
    judul --> jenis: answer_step
    jenis --> komponen
    komponen --> more: … every step in steps.STEPS, skip_step on optional ones
    more --> ringkasan: the last step answered or skipped
    ringkasan --> ubah_X: edit_field(X)
    ubah_X --> ringkasan: answer_step / skip_step / go_back
    ringkasan --> siap: submit by an anggota (handed to the koordinator)
```

`Proposal.step` is where the form stands: a step name, "ringkasan" (the summary), "siap" (an
anggota's draft handed to the koordinator) or "ubah:<step>" (editing from the summary). Every
answer is stored at once, so a person picks up exactly there after days or a restart. Each call
names the step it answers: a button from an older message, or a double tap, finds the form
elsewhere; the same answer again is then a no-op, a different one raises StaleStep.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import access, form_notify, form_store
from bot.domain.proposals.eligible import ensure_eligible
from bot.domain.proposals.events import add_event
from bot.domain.proposals.lifecycle import ProposalStatus
from bot.domain.proposals.steps import (
    EDIT_PREFIX,
    READY,
    STEPS,
    STEPS_BY_NAME,
    SUMMARY,
    Step,
    StepContext,
    StepKind,
    applicable,
)
from bot.domain.proposals.steps import step as find_step
from bot.i18n import N_
from storage.models import (
    Bkm,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalPartner,
    Role,
)

NOT_A_MEMBER = N_("Maaf, hanya anggota atau koordinator BKM yang dapat menyusun usulan.")


@dataclass(frozen=True)
class Position:
    """Where the form stands: the question to ask, or the summary (`step` None)."""

    step: Step | None
    editing: bool = False  # came from the summary and goes back there after the answer
    ready: bool = False  # an anggota handed the draft to the koordinator(s)

    @property
    def name(self) -> str:
        """The step name, or "ringkasan" / "siap" at the summary (for callback data)."""
        if self.step is not None:
            return self.step.name
        return READY if self.ready else SUMMARY


class StaleStep(InvalidTransition):
    """An answer for a question the form has moved past (an old button); re-ask `position`."""

    default_message = N_("Pertanyaan itu sudah dijawab. Silakan lanjut di pertanyaan paling bawah.")

    def __init__(self, position: Position) -> None:
        super().__init__()
        self.position = position


def position(proposal: Proposal) -> Position:
    """Decode `proposal.step`."""
    if proposal.step == READY:
        return Position(None, ready=True)
    if proposal.step.startswith(EDIT_PREFIX):
        return Position(STEPS_BY_NAME[proposal.step.removeprefix(EDIT_PREFIX)], editing=True)
    return Position(STEPS_BY_NAME.get(proposal.step))


async def load_form(session: AsyncSession, actor: Actor, proposal_id: int) -> Proposal:
    """A proposal whose form `actor` may fill now; read `position(it)` to know what to ask."""
    return await access.load_editable(session, actor, proposal_id)


async def _context(session: AsyncSession, clock: Clock, proposal: Proposal) -> StepContext:
    kota = await access.kota_of(session, proposal)
    return StepContext(proposal=proposal, today=access.today_in(kota, clock), kota_kind=kota.kind)


async def start_or_resume_draft(
    session: AsyncSession, clock: Clock, actor: Actor, bkm_id: int | None = None
) -> Proposal:
    """The author's open draft for the BKM if there is one ("resume"), else a new draft."""
    bkms = actor.bkm_ids(Role.ANGGOTA, Role.KOORDINATOR)
    if bkm_id is None:
        if len(bkms) > 1:
            raise InvalidInput(N_("Bapak/Ibu terdaftar di beberapa BKM. Mohon pilih BKM-nya."))
        bkm_id = next(iter(bkms), None)
    if bkm_id is None or (bkm_id not in bkms and not actor.is_admin):
        raise NotAllowed(NOT_A_MEMBER)
    bkm = await session.get(Bkm, bkm_id)
    if bkm is None:
        raise NotFound()
    # Before the first question: a BKM that may not take part learns it now, not at the end.
    await ensure_eligible(session, clock, bkm)
    existing = (
        await session.exec(
            select(Proposal)
            .where(
                Proposal.author_id == actor.person_id,
                Proposal.bkm_id == bkm_id,
                Proposal.status == ProposalStatus.DRAFT.value,
            )
            .order_by(col(Proposal.id).desc())
        )
    ).first()
    if existing is not None:
        return existing
    return await _new_draft(session, clock, actor, bkm)


async def _new_draft(session: AsyncSession, clock: Clock, actor: Actor, bkm: Bkm) -> Proposal:
    assert bkm.id is not None
    proposal = Proposal(
        bkm_id=bkm.id, kota_id=bkm.kota_id, author_id=actor.person_id,
        status=ProposalStatus.DRAFT.value, step=STEPS[0].name,
        created_at=clock.now(), updated_at=clock.now(),
    )  # fmt: skip
    session.add(proposal)
    await session.flush()
    add_event(session, clock, proposal, from_status=None, to_status=proposal.status, actor=actor)
    audit.record(session, clock, actor, "proposal.draft", "proposal", proposal.id, bkm=bkm.name)
    return proposal


async def answer_step(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, step: str, value: object
) -> Proposal:
    """Validate and store the answer to `step`, then move to the next question.

    `value` is the text typed, a choice code, a (latitude, longitude) pair, a list of mitra ids
    (or None to confirm the partners selected), or None to finish the attachments.
    """
    proposal = await access.load_editable(session, actor, proposal_id)
    the_step = find_step(step)
    ctx = await _context(session, clock, proposal)
    where = position(proposal)
    if where.step is None or where.step.name != the_step.name:
        if await form_store.same_answer(session, proposal, the_step, value, ctx):
            return proposal
        raise StaleStep(where)
    lists = await form_store.filled_lists(session, proposal_id)  # before the row changes
    await form_store.store(session, proposal, the_step, value, ctx)
    _advance(session, clock, proposal, the_step, where, lists)
    audit.record(session, clock, actor, "proposal.answer", "proposal", proposal.id, step=step)
    await form_notify.edited_by_other(session, clock, actor, proposal, the_step)
    return proposal


async def skip_step(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, step: str
) -> Proposal:
    """ "Lewati" on an optional step: a money line or HOK left empty becomes 0."""
    proposal = await access.load_editable(session, actor, proposal_id)
    where = position(proposal)
    if where.step is None or where.step.name != step:
        return proposal  # an old button: nothing to skip here any more
    if not where.step.optional:
        raise InvalidInput(N_("Bagian ini wajib diisi, jadi tidak dapat dilewati."))
    lists = await form_store.filled_lists(session, proposal_id)  # before the row changes
    if where.step.kind == StepKind.COUNT and getattr(proposal, step) is None:
        setattr(proposal, step, 0)  # HOK left empty: none given, and the question is done
    _advance(session, clock, proposal, where.step, where, lists)
    audit.record(session, clock, actor, "proposal.skip", "proposal", proposal.id, step=step)
    return proposal


def _advance(
    session: AsyncSession,
    clock: Clock,
    proposal: Proposal,
    done: Step,
    where: Position,
    lists: set[str],
) -> None:
    """Next: the next step that applies and still has no answer, else the summary.

    After an edit from the summary, only a question the edit made necessary is asked (a new
    jenis needs its komponen, a newly ticked source its amount), still as an edit; then the
    summary. `lists` (form_store.filled_lists) is read before the answer is stored: reading it
    after would flush the half-changed row first, one UPDATE for the answer and one for the
    step. Storing `done` changes no list but its own, and `done` is never the next step.
    """
    answered = form_store.answered_fields(proposal) | lists | {done.name}
    if where.editing:
        needed = (s.name for s in applicable(proposal) if not s.optional and s.name not in answered)
        following = next(needed, None)
        proposal.step = EDIT_PREFIX + following if following else SUMMARY
    else:
        later = [s.name for s in applicable(proposal)]
        later = later[later.index(done.name) + 1 :] if done.name in later else later
        proposal.step = next((name for name in later if name not in answered), SUMMARY)
    _touch(session, clock, proposal)


def _touch(session: AsyncSession, clock: Clock, proposal: Proposal) -> None:
    proposal.updated_at = clock.now()
    session.add(proposal)


async def go_back(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, step: str
) -> Proposal:
    """ "Kembali" pressed while at `step`: the previous question (an edit returns to the summary)."""
    proposal = await access.load_editable(session, actor, proposal_id)
    where = position(proposal)
    if where.name != step:
        return proposal  # a second tap: already moved
    asked = [s.name for s in applicable(proposal)]
    if where.editing:
        proposal.step = SUMMARY
    elif where.step is None:
        proposal.step = asked[-1]
    elif where.step.name in asked and (index := asked.index(where.step.name)) > 0:
        proposal.step = asked[index - 1]
    _touch(session, clock, proposal)
    return proposal


async def edit_field(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, step: str
) -> Proposal:
    """From the summary, ask `step` again; its answer leads back to the summary."""
    proposal = await access.load_editable(session, actor, proposal_id)
    the_step = find_step(step)
    where = position(proposal)
    if not (where.step is None or where.editing):
        raise StaleStep(where)
    proposal.step = EDIT_PREFIX + the_step.name
    _touch(session, clock, proposal)
    return proposal


async def discard_draft(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int
) -> None:
    """Delete a draft that was never submitted (a submitted one is withdrawn instead)."""
    proposal = await access.load_editable(session, actor, proposal_id)
    if proposal.status != ProposalStatus.DRAFT.value:
        raise InvalidTransition(access.NOT_EDITABLE)
    for model in (ProposalPartner, ProposalAttachment, ProposalEvent):
        await session.exec(  # type: ignore[call-overload]
            delete(model).where(col(model.proposal_id) == proposal_id)
        )
    await session.delete(proposal)
    audit.record(session, clock, actor, "proposal.discard", "proposal", proposal_id)
