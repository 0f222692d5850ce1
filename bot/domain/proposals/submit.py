"""Submitting, resubmitting after revision, and withdrawing: the BKM's side of the life cycle."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit, ideas
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.proposals import access, form_store, notify
from bot.domain.proposals.eligible import ensure_eligible
from bot.domain.proposals.events import Outcome, change_status, clean_note, ensure_source, is_repeat
from bot.domain.proposals.lifecycle import Action, ProposalStatus, is_koordinator_of
from bot.domain.proposals.steps import READY, SUMMARY, Step, funding_gap, funding_sum
from bot.i18n import N_, Rupiah
from storage.models import Bkm, Kota, Proposal, ProposalCounter

CODE_FORMAT = "PKT-{year}-{number:04d}"


class Submitted(StrEnum):
    SUBMITTED = "submitted"  # a koordinator submitted: it has its code now
    ALREADY = "already"  # it had been submitted before: same code, nothing changed
    READY = "ready"  # an anggota finished it: the koordinator(s) were asked to submit


@dataclass(frozen=True)
class SubmitResult:
    result: Submitted
    proposal: Proposal

    @property
    def code(self) -> str | None:
        """The tracking code (None while the draft waits for a koordinator)."""
        return self.proposal.code


class IncompleteProposal(InvalidInput):
    """Required steps are missing; `steps` lists them in form order."""

    def __init__(self, missing: list[Step]) -> None:
        super().__init__(
            N_("Mohon lengkapi dulu: {fields}."), fields=", ".join(s.label for s in missing)
        )
        self.steps = [s.name for s in missing]


async def submit(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int
) -> SubmitResult:
    """Submit a draft (koordinator), or hand it to the koordinator(s) (anggota).

    One sent back for revision is resubmitted; one submitted before answers ALREADY (also when
    a second tap, on another device or process, arrives while the first is being stored: the
    row lock makes it wait and then find the proposal submitted, with its code).
    """
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    if proposal.status == ProposalStatus.NEEDS_REVISION.value:
        return await resubmit(session, clock, actor, proposal_id)
    if proposal.status != ProposalStatus.DRAFT.value:
        return SubmitResult(Submitted.ALREADY, proposal)
    proposal = await access.load_editable(session, actor, proposal_id)
    kota = await access.kota_of(session, proposal)
    await ensure_ready(session, clock, proposal, kota)
    if not is_koordinator_of(actor, proposal):
        return await _hand_to_koordinator(session, clock, actor, proposal)
    proposal.code = await next_code(session, access.today_in(kota, clock).year)
    proposal.submitted_at = clock.now()
    proposal.step = SUMMARY
    await change_status(session, clock, actor, proposal, action=Action.SUBMIT)
    # A warga whose idea this proposal grew from hears its code.
    await ideas.proposal_submitted(session, clock, proposal)
    return SubmitResult(Submitted.SUBMITTED, proposal)


async def _hand_to_koordinator(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal
) -> SubmitResult:
    if proposal.step != READY:  # a second tap does not ask the koordinator twice
        proposal.step = READY
        proposal.updated_at = clock.now()
        session.add(proposal)
        audit.record(session, clock, actor, "proposal.ready", "proposal", proposal.id)
        await notify.draft_ready(session, clock, actor, proposal)
    return SubmitResult(Submitted.READY, proposal)


async def ensure_ready(session: AsyncSession, clock: Clock, proposal: Proposal, kota: Kota) -> None:
    """The checks before a proposal leaves the BKM: eligibility, completeness, money, dates.

    The berita acara (minutes of the BKM meeting that adopted it) is a required step, so a
    proposal without it is refused here as incomplete.
    """
    await ensure_eligible(session, clock, await session.get_one(Bkm, proposal.bkm_id))
    if missing := await form_store.missing_steps(session, proposal):
        raise IncompleteProposal(missing)
    _ensure_funding_adds_up(proposal)
    if await form_store.needs_dinas(session, proposal):
        raise form_store.dinas_needed(kota.kind)
    assert proposal.jadwal_mulai is not None and proposal.jadwal_selesai is not None
    if proposal.jadwal_selesai < proposal.jadwal_mulai:
        raise InvalidInput(N_("Tanggal selesai tidak boleh sebelum tanggal mulai."))


def _ensure_funding_adds_up(proposal: Proposal) -> None:
    gap = funding_gap(proposal)
    if gap == 0:
        return
    params = {
        "sum": Rupiah(funding_sum(proposal)),
        "total": Rupiah(proposal.anggaran_total or 0),
        "diff": Rupiah(abs(gap)),
    }
    if gap > 0:
        raise InvalidInput(
            N_("Jumlah sumber dana ({sum}) masih kurang {diff} dari anggaran total ({total})."),
            **params,
        )
    raise InvalidInput(
        N_("Jumlah sumber dana ({sum}) lebih {diff} dari anggaran total ({total})."), **params
    )


async def next_code(session: AsyncSession, year: int) -> str:
    """The next tracking code of `year`, in one atomic upsert (no two callers get the same)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = ProposalCounter.__table__  # type: ignore[attr-defined]
    stmt = (
        dialect.insert(table)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    number = (await session.exec(stmt)).scalar_one()  # type: ignore[call-overload]
    return CODE_FORMAT.format(year=year, number=number)


async def resubmit(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int
) -> SubmitResult:
    """After revision: submit again as the next version (the timeline keeps both)."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    resubmitted = proposal.status == ProposalStatus.SUBMITTED.value and proposal.version > 1
    if resubmitted and await is_repeat(session, proposal, Action.RESUBMIT, None, None):
        return SubmitResult(Submitted.ALREADY, proposal)
    proposal = await access.load_editable(session, actor, proposal_id)
    ensure_source(proposal, Action.RESUBMIT)
    kota = await access.kota_of(session, proposal)
    await ensure_ready(session, clock, proposal, kota)
    if not is_koordinator_of(actor, proposal):
        return await _hand_to_koordinator(session, clock, actor, proposal)
    proposal.version += 1
    proposal.submitted_at = clock.now()
    proposal.step = SUMMARY
    await change_status(session, clock, actor, proposal, action=Action.RESUBMIT)
    return SubmitResult(Submitted.SUBMITTED, proposal)


async def withdraw(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    reason: str | None = None,
) -> Outcome:
    """A koordinator withdraws a proposal before a decision (→ dibatalkan)."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    if not is_koordinator_of(actor, proposal):
        raise NotAllowed(N_("Maaf, hanya koordinator BKM yang dapat menarik usulan."))
    note = clean_note(reason, required=False)
    if await is_repeat(session, proposal, Action.WITHDRAW, note, None):
        return Outcome(proposal, changed=False)
    ensure_source(proposal, Action.WITHDRAW)
    await change_status(session, clock, actor, proposal, action=Action.WITHDRAW, note=note)
    return Outcome(proposal, changed=True)
