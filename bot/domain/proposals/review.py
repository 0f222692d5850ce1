"""The fasilitator's side of the life cycle: check, review, decide, disburse, follow up.

Each action checks that the actor is a fasilitator of the proposal's kota (an admin may act
anywhere) and that the life cycle has the move. A repeat of the same action (a double-tapped
button, a redelivered update) returns `changed=False` and records nothing.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.money import format_rupiah
from bot.domain.proposals import access
from bot.domain.proposals.events import (
    Outcome,
    audit_rows,
    change_status,
    clean_note,
    ensure_source,
    is_repeat,
)
from bot.domain.proposals.lifecycle import Action, is_fasilitator_of
from bot.domain.proposals.queries import review_queue as review_queue
from bot.domain.proposals.steps import SUMMARY
from bot.i18n import N_
from storage.models import Proposal

ONLY_FASILITATOR = N_("Maaf, hanya fasilitator kota usulan ini yang dapat melakukan tindakan ini.")


async def _load_for_review(session: AsyncSession, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, locked: every action here checks its status (and tranches), then writes."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    if not is_fasilitator_of(actor, proposal):
        raise NotAllowed(ONLY_FASILITATOR)
    return proposal


async def _act(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    action: Action,
    *,
    note: str | None = None,
    amount: int | None = None,
) -> Outcome:
    proposal = await _load_for_review(session, actor, proposal_id)
    if await is_repeat(session, proposal, action, note, amount):
        return Outcome(proposal, changed=False)
    ensure_source(proposal, action)
    if action == Action.APPROVE:
        assert amount is not None
        proposal.approved_amount = amount
    await change_status(session, clock, actor, proposal, action=action, note=note, amount=amount)
    return Outcome(proposal, changed=True)


async def check(session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int) -> Outcome:
    """Open a submitted proposal for the completeness check (diajukan → diperiksa)."""
    return await _act(session, clock, actor, proposal_id, Action.CHECK)


async def complete(session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int) -> Outcome:
    """It is complete: put it under review and channel it to its mitra (→ ditinjau)."""
    return await _act(session, clock, actor, proposal_id, Action.COMPLETE)


async def request_revision(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, note: str
) -> Outcome:
    """Send it back to the BKM with a note saying what to fix (→ perlu_perbaikan)."""
    clean = clean_note(note, required=True)
    outcome = await _act(session, clock, actor, proposal_id, Action.REVISE, note=clean)
    if outcome.changed:
        outcome.proposal.step = SUMMARY  # the BKM edits from the summary, then resubmits
    return outcome


async def approve(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, amount: int
) -> Outcome:
    """Approve with an amount, at most the proposal's total budget (→ disetujui)."""
    proposal = await _load_for_review(session, actor, proposal_id)
    if amount <= 0:
        raise InvalidInput(N_("Jumlah yang disetujui harus lebih dari nol."))
    if amount > (proposal.anggaran_total or 0):
        raise InvalidInput(
            N_("Jumlah yang disetujui tidak boleh lebih dari anggaran total ({total})."),
            total=format_rupiah(proposal.anggaran_total or 0),
        )
    return await _act(session, clock, actor, proposal_id, Action.APPROVE, amount=amount)


async def waitlist(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, note: str | None = None
) -> Outcome:
    """Good, but no funds yet: it may be approved later (→ daftar_tunggu)."""
    clean = clean_note(note, required=False)
    return await _act(session, clock, actor, proposal_id, Action.WAITLIST, note=clean)


async def reject(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, reason: str
) -> Outcome:
    """Not approved, with the reason the BKM will read (→ ditolak)."""
    clean = clean_note(reason, required=True)
    return await _act(session, clock, actor, proposal_id, Action.REJECT, note=clean)


async def disburse(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    amount: int,
    tranche: int,
) -> Outcome:
    """Record tranche number `tranche` (1, 2, …); the total never exceeds the approved amount.

    Recording the same tranche again with the same amount is a no-op. Two recordings at once
    take turns on the proposal's row lock, so the second sees the first's tranche and total.
    """
    proposal = await _load_for_review(session, actor, proposal_id)
    assert proposal.id is not None
    earlier = await audit_rows(session, proposal.id, "proposal.disburse")
    if 1 <= tranche <= len(earlier):
        if earlier[tranche - 1].detail.get("amount") == amount:
            return Outcome(proposal, changed=False)
        raise InvalidTransition(N_("Tahap {n} sudah dicatat sebelumnya."), n=tranche)
    if tranche != len(earlier) + 1:
        raise InvalidInput(N_("Tahap berikutnya adalah tahap {n}."), n=len(earlier) + 1)
    ensure_source(proposal, Action.DISBURSE)
    _check_tranche(proposal, amount)
    proposal.disbursed_amount += amount
    await change_status(
        session, clock, actor, proposal, action=Action.DISBURSE, amount=amount, tranche=tranche
    )
    return Outcome(proposal, changed=True)


def _check_tranche(proposal: Proposal, amount: int) -> None:
    if amount <= 0:
        raise InvalidInput(N_("Jumlah dana yang disalurkan harus lebih dari nol."))
    remaining = (proposal.approved_amount or 0) - proposal.disbursed_amount
    if amount > remaining:
        raise InvalidInput(
            N_("Jumlah itu melebihi sisa dana yang disetujui ({remaining})."),
            remaining=format_rupiah(remaining),
        )


async def start(session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int) -> Outcome:
    """The work has begun (dana_cair → dilaksanakan)."""
    return await _act(session, clock, actor, proposal_id, Action.START)


async def finish(session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int) -> Outcome:
    """The work is done (dilaksanakan → selesai)."""
    return await _act(session, clock, actor, proposal_id, Action.FINISH)


__all__ = [
    "approve",
    "check",
    "complete",
    "disburse",
    "finish",
    "reject",
    "request_revision",
    "review_queue",
    "start",
    "waitlist",
]
