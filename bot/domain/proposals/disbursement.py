"""Disbursement in tranches (tahap 1/2/3), recorded by the fasilitator in a ledger.

```mermaid
stateDiagram-v2
    disetujui --> dana_cair: tahap 1
    dana_cair --> dana_cair: tahap 2, 3 · correction
    dilaksanakan --> dilaksanakan: a later tahap · correction
    dilaksanakan --> selesai: see completion.finish (no tahap after it)
```

Each tranche is a `Disbursement` row; the total never exceeds the approved amount, and what is
left is said whenever an amount is refused. A wrong entry is never edited: `correct_tranche`
adds a row with the difference, the entry it corrects and the reason, and tells the BKM.
Amounts are checked for plausibility (`readings`) so the chat can ask "Rp10? Maksud Bapak/Ibu
Rp10.000.000?" before anything is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.permissions import Act
from bot.domain.proposals import access, money_notify
from bot.domain.proposals.events import Outcome, add_event, change_status, clean_note, ensure_source
from bot.domain.proposals.lifecycle import (
    Action,
    ProposalStatus,
    ensure_independent,
    is_fasilitator_of,
    status_label,
)
from bot.i18n import N_, Rupiah
from storage.models import Proposal
from storage.money_models import Disbursement

S = ProposalStatus
MAX_TRANCHES = 3
# Below this no disbursement is meant as typed: "10" is 10 juta or 10 ribu, not ten rupiah.
SMALLEST_PLAUSIBLE = 1_000
# An amount a thousand times smaller than what is left is most likely missing "juta" or "ribu".
FAR_BELOW = 1_000
CORRECTABLE = (S.DISBURSED, S.IN_PROGRESS)

ONLY_FASILITATOR = N_("Maaf, hanya fasilitator kota usulan ini yang dapat mencatat pencairan dana.")
OVER_REMAINING = N_(
    "Jumlah itu melebihi sisa dana yang disetujui. Sisa yang dapat dicairkan: {remaining}."
)
REASON_MAX = 500


@dataclass(frozen=True)
class TrancheView:
    """One tranche as it stands after its corrections."""

    number: int
    amount: int
    at: datetime | None
    corrected: bool


@dataclass(frozen=True)
class TranchePlan:
    """What recording an amount now would do: which tranche, and what would be left."""

    proposal_id: int
    tranche: int
    amount: int
    remaining_after: int
    readings: tuple[int, ...]  # other readings when the amount looks mistyped, else ()


def remaining(proposal: Proposal) -> int:
    """What is still to be disbursed of the approved amount."""
    return max(0, (proposal.approved_amount or 0) - proposal.disbursed_amount)


def readings(amount: int, left: int) -> tuple[int, ...]:
    """Likelier amounts when `amount` looks mistyped (×1.000, ×1.000.000), else ().

    "10" with Rp25.000.000 left reads as Rp10.000.000; only readings that fit what is left and
    are not themselves implausible are offered.
    """
    if amount >= SMALLEST_PLAUSIBLE and amount * FAR_BELOW > left:
        return ()
    return tuple(
        amount * factor
        for factor in (1_000, 1_000_000)
        if amount * factor <= left and amount * factor * FAR_BELOW > left
    )


def clean_reason(reason: str | None) -> str:
    """A reason of a few words (`clean_note` refuses "x" or "ok"), short enough for the ledger."""
    text = clean_note(reason, required=True) or ""
    if len(text) > REASON_MAX:
        raise InvalidInput(N_("Alasan paling banyak {max} huruf."), max=REASON_MAX)
    return text


async def ledger(session: AsyncSession, proposal_id: int) -> list[Disbursement]:
    """Every entry of the proposal's ledger, oldest first."""
    stmt = (
        select(Disbursement)
        .where(Disbursement.proposal_id == proposal_id)
        .order_by(col(Disbursement.id))
    )
    return list((await session.exec(stmt)).all())


def tranches(entries: list[Disbursement]) -> tuple[TrancheView, ...]:
    """The tranches of a ledger, in order, each summed with its corrections."""
    by_number: dict[int, list[Disbursement]] = {}
    for entry in entries:
        by_number.setdefault(entry.tranche, []).append(entry)
    return tuple(
        TrancheView(n, sum(e.amount for e in rows), rows[0].at, len(rows) > 1)
        for n, rows in sorted(by_number.items())
    )


async def _load(session: AsyncSession, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, locked: a tranche reads the total, then writes it."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    ensure_independent(actor, proposal, Act.PROPOSAL_DISBURSE)
    if not is_fasilitator_of(actor, proposal):
        raise NotAllowed(ONLY_FASILITATOR)
    return proposal


def _refuse_over(proposal: Proposal, amount: int) -> None:
    if amount <= 0:
        raise InvalidInput(N_("Jumlah dana yang dicairkan harus lebih dari nol."))
    if amount > remaining(proposal):
        raise InvalidInput(OVER_REMAINING, remaining=Rupiah(remaining(proposal)))


async def plan_tranche(
    session: AsyncSession, actor: Actor, proposal_id: int, *, amount: int
) -> TranchePlan:
    """Check an amount before it is shown back for confirmation (nothing is written)."""
    proposal = await _load(session, actor, proposal_id)
    ensure_source(proposal, Action.DISBURSE)
    number = len(tranches(await ledger(session, proposal_id))) + 1
    if number > MAX_TRANCHES:
        raise InvalidTransition(N_("Ketiga tahap pencairan sudah dicatat."))
    _refuse_over(proposal, amount)
    left = remaining(proposal)
    return TranchePlan(proposal_id, number, amount, left - amount, readings(amount, left))


async def record_tranche(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    amount: int,
    tranche: int,
) -> Outcome:
    """Record tahap `tranche` (1, 2, 3); the total never exceeds the approved amount.

    The same tranche again with the same amount (a double tap) is a no-op. Two recordings at
    once take turns on the proposal's row lock, so the second sees the first.
    """
    proposal = await _load(session, actor, proposal_id)
    done = tranches(await ledger(session, proposal_id))
    if 1 <= tranche <= len(done):
        if done[tranche - 1].amount == amount:
            return Outcome(proposal, changed=False)
        raise InvalidTransition(N_("Tahap {n} sudah dicatat sebelumnya."), n=tranche)
    if tranche != len(done) + 1 or tranche > MAX_TRANCHES:
        raise InvalidInput(N_("Tahap berikutnya adalah tahap {n}."), n=len(done) + 1)
    ensure_source(proposal, Action.DISBURSE)
    _refuse_over(proposal, amount)
    session.add(
        Disbursement(
            proposal_id=proposal_id, tranche=tranche, amount=amount, recorded_by=actor.person_id,
            recorded_by_label=actor.label, at=clock.now(),
        )
    )  # fmt: skip
    proposal.disbursed_amount += amount
    await change_status(
        session, clock, actor, proposal, action=Action.DISBURSE, amount=amount, tranche=tranche
    )
    return Outcome(proposal, changed=True)


async def correct_tranche(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    tranche: int,
    amount: int,
    reason: str,
) -> Outcome:
    """Tahap `tranche` was really `amount`: add a correcting entry (the difference) with why."""
    proposal = await _load(session, actor, proposal_id)
    if S(proposal.status) not in CORRECTABLE:
        raise InvalidTransition(
            N_("Pencairan tidak dapat dikoreksi lagi: usulan sudah berstatus {status}."),
            status=status_label(proposal.status),
        )
    entries = await ledger(session, proposal_id)
    current = {t.number: t for t in tranches(entries)}.get(tranche)
    if current is None:
        raise InvalidInput(N_("Tahap {n} belum dicatat."), n=tranche)
    if amount == current.amount:
        return Outcome(proposal, changed=False)
    clean = clean_reason(reason)
    if amount < 0:
        raise InvalidInput(N_("Jumlah tidak boleh negatif."))
    difference = amount - current.amount
    if difference > remaining(proposal):
        left = remaining(proposal) + current.amount
        raise InvalidInput(
            N_("Tahap {n} paling banyak {most}: jumlah seluruhnya tidak boleh melebihi dana yang "
               "disetujui."),
            n=tranche, most=Rupiah(left),
        )  # fmt: skip
    corrected = [e for e in entries if e.tranche == tranche][-1]
    session.add(
        Disbursement(
            proposal_id=proposal_id, tranche=tranche, amount=difference,
            recorded_by=actor.person_id, recorded_by_label=actor.label, at=clock.now(),
            corrects_id=corrected.id, reason=clean,
        )
    )  # fmt: skip
    proposal.disbursed_amount += difference
    proposal.updated_at = clock.now()
    session.add(proposal)
    event = add_event(session, clock, proposal, from_status=proposal.status,
                      to_status=proposal.status, actor=actor, note=clean, amount=difference)  # fmt: skip
    event.kind = "correction"
    audit.record(
        session, clock, actor, "proposal.disbursement_corrected", "proposal", proposal.id,
        code=proposal.code, tranche=tranche, old_amount=current.amount, new_amount=amount,
        difference=difference, corrects_id=corrected.id, reason=clean,
    )  # fmt: skip
    await money_notify.tranche_corrected(
        session, clock, actor, proposal, tranche=tranche, old=current.amount, new=amount,
        reason=clean,
    )  # fmt: skip
    return Outcome(proposal, changed=True)
