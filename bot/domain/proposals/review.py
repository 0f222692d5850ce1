"""The fasilitator's side of the life cycle: check, verify, ask for revision, disburse, follow up.

The decision itself is the committee's, recorded by its secretary: see `decision` (its
`approve`, `waitlist` and `reject` are re-exported here for older callers).

Each action checks that the actor is a fasilitator of the proposal's kota (an admin may act
anywhere) and that the life cycle has the move. A repeat of the same action (a double-tapped
button, a redelivered update) returns `changed=False` and records nothing.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import NotAllowed
from bot.domain.permissions import Act
from bot.domain.proposals import access
from bot.domain.proposals.completion import finish as finish  # files and money first
from bot.domain.proposals.decision import approve as approve
from bot.domain.proposals.decision import reject as reject
from bot.domain.proposals.decision import waitlist as waitlist
from bot.domain.proposals.disbursement import record_tranche as disburse  # the tranche ledger
from bot.domain.proposals.events import (
    Outcome,
    change_status,
    clean_note,
    ensure_source,
    is_repeat,
)
from bot.domain.proposals.lifecycle import Action, ensure_independent, is_fasilitator_of
from bot.domain.proposals.queries import review_queue as review_queue
from bot.domain.proposals.steps import SUMMARY
from bot.i18n import N_
from storage.models import Proposal

ONLY_FASILITATOR = N_("Maaf, hanya fasilitator kota usulan ini yang dapat melakukan tindakan ini.")


async def _load_for_review(session: AsyncSession, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, locked: every action here checks its status (and tranches), then writes."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    ensure_independent(actor, proposal, Act.PROPOSAL_CHECK)
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


async def start(session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int) -> Outcome:
    """The work has begun (dana_cair → dilaksanakan)."""
    return await _act(session, clock, actor, proposal_id, Action.START)


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
