"""A mitra's answer to a proposal channelled to it: a pledge, or a decline with a reason.

Each partner's answer is its own ProposalPartner record and its own timeline line. The same
answer again is a no-op. A partner may change its answer while the proposal is still open to
answers (a budget can change); the record holds the latest answer and the timeline keeps every
one, so nothing said is lost.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.money import MAX_RUPIAH
from bot.domain.proposals import access, notify
from bot.domain.proposals.events import Outcome, add_event, clean_note
from bot.domain.proposals.lifecycle import MITRA_MAY_ANSWER, ProposalStatus, status_label
from bot.domain.proposals.queries import mitra_queue as mitra_queue
from bot.i18n import N_
from storage.models import Mitra, ProposalPartner

PLEDGED = "pledged"
DECLINED = "declined"


async def _partner_row(
    session: AsyncSession, actor: Actor, proposal_id: int, mitra_id: int | None
) -> ProposalPartner:
    """The record of the actor's mitra on this proposal (which one, when they review several)."""
    mine = actor.mitra_ids() if mitra_id is None else actor.mitra_ids() & {mitra_id}
    rows = (
        await session.exec(
            select(ProposalPartner).where(ProposalPartner.proposal_id == proposal_id)
        )
    ).all()
    ours = [row for row in rows if row.mitra_id in mine]
    if not ours:
        raise NotAllowed(N_("Maaf, usulan ini tidak disalurkan kepada mitra Bapak/Ibu."))
    if len(ours) > 1:
        raise InvalidInput(N_("Mohon pilih dulu atas nama mitra yang mana Bapak/Ibu menjawab."))
    return ours[0]


def _answer(pledge: int | None, decline_reason: str | None) -> tuple[str, int | None, str | None]:
    if (pledge is None) == (decline_reason is None):
        raise InvalidInput(N_("Mohon pilih: menyatakan dukungan dana, atau menolak dengan alasan."))
    if pledge is not None:
        if not 0 < pledge <= MAX_RUPIAH:
            raise InvalidInput(N_("Jumlah dukungan harus lebih dari nol."))
        return PLEDGED, pledge, None
    return DECLINED, None, clean_note(decline_reason, required=True)


async def answer_as_mitra(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    pledge: int | None,
    decline_reason: str | None,
    mitra_id: int | None = None,
) -> Outcome:
    """Record this mitra's pledge (rupiah) or decline (reason required); tell the BKM."""
    # Locked: the same answer sent twice at once is recorded and told once, and an answer
    # never slips in beside a status change that closes the proposal to answers.
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    partner = await _partner_row(session, actor, proposal_id, mitra_id)
    answer, amount, note = _answer(pledge, decline_reason)
    if (partner.answer, partner.pledged_amount, partner.note) == (answer, amount, note):
        return Outcome(proposal, changed=False)
    if ProposalStatus(proposal.status) not in MITRA_MAY_ANSWER:
        raise InvalidTransition(
            N_("Maaf, usulan ini sedang berstatus {status}, jadi belum atau tidak lagi dapat "
               "dijawab."),
            status=status_label(proposal.status),
        )  # fmt: skip
    mitra = await session.get_one(Mitra, partner.mitra_id)
    partner.answer, partner.pledged_amount, partner.note = answer, amount, note
    partner.answered_by_label, partner.answered_at = f"mitra:{mitra.name}", clock.now()
    session.add(partner)
    add_event(
        session, clock, proposal, from_status=proposal.status, to_status=proposal.status,
        actor=actor, label=partner.answered_by_label, note=note, amount=amount,
    )  # fmt: skip
    audit.record(
        session, clock, actor, f"proposal.mitra_{answer}", "proposal", proposal.id,
        code=proposal.code, mitra=mitra.name, amount=amount, note=note,
    )  # fmt: skip
    await notify.partner_answered(session, clock, actor, proposal, partner, mitra)
    return Outcome(proposal, changed=True)


__all__ = ["answer_as_mitra", "mitra_queue"]
