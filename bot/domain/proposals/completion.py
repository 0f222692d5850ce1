"""Marking the work finished ("Tandai kegiatan selesai"): files first, and the money accounted for.

Finishing needs a progress photo at 0 %, 50 % and 100 % and the LPJ. When less than the
approved amount was disbursed, it needs a reason of a few words and an explicit confirmation,
because after it no tranche can be recorded. The partners' window to answer closes with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.proposals import access, money_notify
from bot.domain.proposals.attachments import missing_stages, progress_files
from bot.domain.proposals.disbursement import clean_reason, remaining
from bot.domain.proposals.events import Outcome, change_status, ensure_source
from bot.domain.proposals.lifecycle import (
    ACTS,
    Action,
    ProposalStatus,
    ensure_independent,
    may_act,
)
from bot.i18n import N_, Rupiah

NEEDS_FILES = N_(
    "Sebelum kegiatan ditandai selesai, mohon lampirkan dulu foto kemajuan 0%, 50%, 100%, "
    "serta LPJ."
)
NEEDS_REASON = N_(
    "Dana belum seluruhnya dicairkan ({disbursed} dari {approved}). Mohon tulis alasannya dan "
    "konfirmasi sebelum kegiatan ditandai selesai."
)


@dataclass(frozen=True)
class FinishCheck:
    """What stands between the proposal and "selesai"."""

    missing: tuple[str, ...]  # stage codes without a file
    disbursed: int
    approved: int

    @property
    def shortfall(self) -> int:
        return max(0, self.approved - self.disbursed)


async def check_finish(session: AsyncSession, actor: Actor, proposal_id: int) -> FinishCheck:
    """What finishing needs now (nothing is written); refused when finishing is not open."""
    proposal = await access.load_visible(session, actor, proposal_id)
    ensure_independent(actor, proposal, ACTS[Action.FINISH])
    if not may_act(actor, proposal, Action.FINISH):
        raise NotAllowed()
    ensure_source(proposal, Action.FINISH)
    files = await progress_files(session, proposal_id)
    return FinishCheck(
        missing_stages(files), proposal.disbursed_amount, proposal.approved_amount or 0
    )


async def finish(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    reason: str | None = None,
    confirmed: bool = False,
) -> Outcome:
    """dilaksanakan → selesai, once the files are in and the money is accounted for."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    ensure_independent(actor, proposal, ACTS[Action.FINISH])
    if not may_act(actor, proposal, Action.FINISH):
        raise NotAllowed()
    if proposal.status == ProposalStatus.COMPLETED:
        return Outcome(proposal, changed=False)  # a double tap
    ensure_source(proposal, Action.FINISH)
    if missing_stages(await progress_files(session, proposal_id)):
        raise InvalidTransition(NEEDS_FILES)
    note = None
    if remaining(proposal):
        if not confirmed or not reason:
            raise InvalidInput(
                NEEDS_REASON, disbursed=Rupiah(proposal.disbursed_amount),
                approved=Rupiah(proposal.approved_amount or 0),
            )  # fmt: skip
        note = clean_reason(reason)
    await change_status(
        session, clock, actor, proposal, action=Action.FINISH, note=note,
        disbursed=proposal.disbursed_amount, approved=proposal.approved_amount,
    )  # fmt: skip
    await money_notify.answers_closed(session, clock, actor, proposal)
    return Outcome(proposal, changed=True)
