"""A mitra's answer to a proposal channelled to it: a support plan, or a decline with a reason.

A mitra's answer is a plan, not a commitment ("rencana dukungan"): in cash (an amount), in kind
(described, with an optional estimated value), or from next year's budget (tahun anggaran, with
the year and the amount). Each partner's answer is its own ProposalPartner record and its own
timeline line. The same answer again is a no-op. A partner may change its answer while its
answer can still matter — until the proposal is finished, not approved or withdrawn; a
disbursement does not close it — but turning a plan into a decline must be confirmed first.
A decline's reason is checked by `check_decline` (nothing written) so the chat can show it back
as the BKM will read it before `answer_as_mitra` records it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.money import MAX_RUPIAH
from bot.domain.permissions import Act, holds
from bot.domain.proposals import access, money_notify
from bot.domain.proposals.disbursement import SMALLEST_PLAUSIBLE
from bot.domain.proposals.events import Outcome, add_event, clean_note
from bot.domain.proposals.lifecycle import MITRA_MAY_ANSWER, ProposalStatus, status_label
from bot.domain.proposals.queries import mitra_queue as mitra_queue
from bot.i18n import N_
from storage.models import Mitra, MitraKind, Proposal, ProposalPartner

PLEDGED = "pledged"
DECLINED = "declined"
CASH, IN_KIND, NEXT_BUDGET = "cash", "in_kind", "next_budget"
PLAN_KINDS = (CASH, IN_KIND, NEXT_BUDGET)
# A budget plan names a coming budget year: this one (a revised APBD) up to a few years ahead.
YEARS_AHEAD = 3

SWITCH_TO_DECLINE = N_(
    "{mitra} sebelumnya menyatakan rencana dukungan untuk usulan ini. Mohon konfirmasi dulu "
    "bahwa rencana itu dibatalkan."
)

# proposal_partner.note and .plan_description hold 500 characters (PostgreSQL enforces it).
PARTNER_TEXT_MAX = 500


@dataclass(frozen=True)
class SupportPlan:
    """What a mitra plans to give: `amount` is the cash, the estimated value, or the budget."""

    kind: str
    amount: int | None = None
    description: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class DeclineCheck:
    """A decline as it would be recorded: the cleaned reason, and the plan it would replace."""

    mitra: str
    reason: str
    replaces_plan: bool


@dataclass(frozen=True)
class PledgeDoubt:
    """Why an amount is asked about before it is recorded, and the likelier readings."""

    over_asked: bool
    asked: int
    readings: tuple[int, ...]


def asked_of(proposal: Proposal, mitra_kind: str) -> int:
    """What the proposal asks of a mitra of this kind (its funding line), not the total."""
    if mitra_kind == MitraKind.DINAS:
        return (proposal.dana_apbd_kota or 0) + (proposal.dana_apbd_provinsi or 0)
    return proposal.dana_kelompok_peduli or 0


def pledge_doubt(amount: int, *, asked: int, total: int) -> PledgeDoubt | None:
    """None when `amount` looks meant; else why to ask ("100 juta" on an Rp8.000.000 proposal)."""
    ceiling = asked or total
    small = amount < SMALLEST_PLAUSIBLE
    over = bool(ceiling) and amount > ceiling
    if not small and not over:
        return None
    readings = tuple(
        amount * factor
        for factor in (1_000, 1_000_000)
        if small and SMALLEST_PLAUSIBLE <= amount * factor <= (ceiling or MAX_RUPIAH)
    )
    return PledgeDoubt(over_asked=over, asked=asked, readings=readings)


async def _partner_row(
    session: AsyncSession, actor: Actor, proposal_id: int, mitra_id: int | None
) -> ProposalPartner:
    """The record of the actor's mitra on this proposal (which one, when they review several)."""
    rows = (
        await session.exec(
            select(ProposalPartner).where(ProposalPartner.proposal_id == proposal_id)
        )
    ).all()
    # The permission table's PROPOSAL_ANSWER row; when answering is open is the caller's check.
    ours = [
        row
        for row in rows
        if mitra_id in (None, row.mitra_id)
        and holds(actor, Act.PROPOSAL_ANSWER, mitra_ids={row.mitra_id}, reviewed=True)
    ]
    if not ours:
        raise NotAllowed(N_("Maaf, usulan ini tidak disalurkan kepada mitra Bapak/Ibu."))
    if len(ours) > 1:
        raise InvalidInput(N_("Mohon pilih dulu atas nama mitra yang mana Bapak/Ibu menjawab."))
    return ours[0]


def clean_plan(plan: SupportPlan, this_year: int) -> SupportPlan:
    """The plan as recorded: each kind with what it needs, and nothing it does not."""
    if plan.kind not in PLAN_KINDS:
        raise InvalidInput(N_("Mohon pilih bentuk dukungan: dana tunai, barang/jasa, atau "
                              "anggaran tahun depan."))  # fmt: skip
    amount = plan.amount
    if amount is not None and not 0 < amount <= MAX_RUPIAH:
        raise InvalidInput(N_("Jumlah dukungan harus lebih dari nol."))
    if plan.kind == IN_KIND:
        # Not `required=True`: "20 sak semen" is short but says exactly what is given.
        description = clean_note(plan.description, required=False, most=PARTNER_TEXT_MAX) or ""
        if len(description.split()) < 2:
            raise InvalidInput(N_("Mohon jelaskan barang atau jasanya dalam beberapa kata, "
                                  "misalnya “20 sak semen dan 2 tukang selama 5 hari”."))  # fmt: skip
        return SupportPlan(IN_KIND, amount, description)
    if amount is None:
        raise InvalidInput(N_("Jumlah dukungan harus lebih dari nol."))
    if plan.kind == NEXT_BUDGET:
        if plan.year is None or not this_year <= plan.year <= this_year + YEARS_AHEAD:
            raise InvalidInput(N_("Mohon pilih tahun anggaran antara {first} dan {last}."),
                               first=this_year, last=this_year + YEARS_AHEAD)  # fmt: skip
        return SupportPlan(NEXT_BUDGET, amount, year=plan.year)
    return SupportPlan(CASH, amount)


def _ensure_open(proposal: Proposal) -> None:
    if ProposalStatus(proposal.status) not in MITRA_MAY_ANSWER:
        raise InvalidTransition(
            N_("Maaf, usulan ini sedang berstatus {status}, jadi belum atau tidak lagi dapat "
               "dijawab."),
            status=status_label(proposal.status),
        )  # fmt: skip


async def check_decline(
    session: AsyncSession,
    actor: Actor,
    proposal_id: int,
    *,
    reason: str | None,
    mitra_id: int | None = None,
) -> DeclineCheck:
    """Check a decline before it is shown back for confirmation (nothing is written).

    Refused as `answer_as_mitra` would refuse it: a proposal not channelled to this mitra, one
    closed to answers, or a reason of fewer than a few words.
    """
    proposal = await access.load_visible(session, actor, proposal_id)
    partner = await _partner_row(session, actor, proposal_id, mitra_id)
    _ensure_open(proposal)
    clean = clean_note(reason, required=True, most=PARTNER_TEXT_MAX) or ""
    mitra = await session.get_one(Mitra, partner.mitra_id)
    return DeclineCheck(mitra.name, clean, replaces_plan=partner.answer == PLEDGED)


async def answer_as_mitra(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    plan: SupportPlan | None = None,
    pledge: int | None = None,
    decline_reason: str | None = None,
    mitra_id: int | None = None,
    drop_plan: bool = False,
) -> Outcome:
    """Record this mitra's support plan or decline; tell the BKM and the fasilitators.

    `pledge` is a cash plan. A decline that replaces a plan needs `drop_plan=True`: the chat
    asks first, so a plan is never dropped by a stray tap.
    """
    if pledge is not None and plan is None:
        plan = SupportPlan(CASH, pledge)
    if (plan is None) == (decline_reason is None):
        raise InvalidInput(N_("Mohon pilih: menyatakan rencana dukungan, atau menolak dengan "
                              "alasan."))  # fmt: skip
    # Locked: the same answer sent twice at once is recorded and told once, and an answer
    # never slips in beside a status change that closes the proposal to answers.
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    partner = await _partner_row(session, actor, proposal_id, mitra_id)
    mitra = await session.get_one(Mitra, partner.mitra_id)
    new: tuple[str, str | None, int | None, str | None, int | None, str | None]
    if plan is not None:
        plan = clean_plan(plan, clock.now().year)
        new = (PLEDGED, plan.kind, plan.amount, plan.description, plan.year, None)
    else:
        reason = clean_note(decline_reason, required=True, most=PARTNER_TEXT_MAX)
        new = (DECLINED, None, None, None, None, reason)
    old = (partner.answer, partner.plan_kind, partner.pledged_amount, partner.plan_description,
           partner.plan_year, partner.note)  # fmt: skip
    if old == new:
        return Outcome(proposal, changed=False)
    _ensure_open(proposal)
    if partner.answer == PLEDGED and new[0] == DECLINED and not drop_plan:
        raise InvalidInput(SWITCH_TO_DECLINE, mitra=mitra.name)
    (partner.answer, partner.plan_kind, partner.pledged_amount, partner.plan_description,
     partner.plan_year, partner.note) = new  # fmt: skip
    partner.answered_by_label, partner.answered_at = f"mitra:{mitra.name}", clock.now()
    session.add(partner)
    event = add_event(
        session, clock, proposal, from_status=proposal.status, to_status=proposal.status,
        actor=actor, label=partner.answered_by_label, note=partner.note or partner.plan_description,
        amount=partner.pledged_amount,
    )  # fmt: skip
    event.kind = f"plan_{partner.plan_kind}" if partner.answer == PLEDGED else "decline"
    audit.record(
        session, clock, actor, f"proposal.mitra_{partner.answer}", "proposal", proposal.id,
        code=proposal.code, mitra=mitra.name, plan=partner.plan_kind,
        amount=partner.pledged_amount, description=partner.plan_description,
        year=partner.plan_year, note=partner.note, replaced=old[0],
    )  # fmt: skip
    await money_notify.partner_answered(session, clock, actor, proposal, partner, mitra)
    return Outcome(proposal, changed=True)


__all__ = [
    "DeclineCheck",
    "SupportPlan",
    "answer_as_mitra",
    "asked_of",
    "check_decline",
    "mitra_queue",
    "pledge_doubt",
]
