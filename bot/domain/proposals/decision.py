"""The committee's decision on a proposal, recorded by its secretary.

In PAKET the three pillars decide together in the kota's committee (Panitia Kemitraan): the
fasilitator checks and verifies, but does not decide. A decision (approve with the BLM PAKET
amount, waitlist, not approved) is recorded only by the committee's secretary — a fasilitator
or a panitia member holding the `sekretaris` grant for the kota — with the date of the committee
meeting and, optionally, the meeting itself (its minutes are then shown with the decision).

Each decision is a `CommitteeDecision` row beside the status change, its timeline line and its
audit row, all in one transaction; every message about it names the committee and the date.
A repeat of the same decision (a double tap, a redelivered update) records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.permissions import Act
from bot.domain.proposals import access
from bot.domain.proposals.events import (
    Outcome,
    change_status,
    clean_note,
    ensure_source,
    is_repeat,
)
from bot.domain.proposals.lifecycle import (
    Action,
    ProposalStatus,
    ensure_independent,
    is_secretary_of,
    target_status,
)
from bot.i18n import N_, Rupiah
from storage.committee_models import CommitteeDecision
from storage.meeting_models import Meeting, MeetingStatus
from storage.models import Kota, Proposal

OUTCOMES = (Action.APPROVE, Action.WAITLIST, Action.REJECT)
# The kind of meeting (bot/domain/meetings/kinds.py) where the committee decides.
COMMITTEE_MEETING = "panitia"
# How far back a committee meeting is offered to link (older ones can still be typed as a date).
RECENT_DAYS = 120

ONLY_SECRETARY = N_(
    "Maaf, keputusan Panitia Kemitraan hanya dapat dicatat oleh sekretaris Panitia Kemitraan "
    "kota usulan ini."
)
FUTURE_DATE = N_("Tanggal rapat tidak boleh setelah hari ini. Mohon tulis tanggal rapat Panitia.")
BEFORE_SUBMISSION = N_(
    "Tanggal rapat tidak boleh sebelum usulan diajukan ({date}). Mohon periksa tanggalnya."
)
NOT_A_COMMITTEE_MEETING = N_("Maaf, rapat itu bukan rapat Panitia Kemitraan kota usulan ini.")


@dataclass(frozen=True)
class CommitteeMeeting:
    """A held committee meeting the secretary may link a decision to."""

    id: int
    title: str
    day: date  # in the kota's time zone


def ensure_secretary(actor: Actor, proposal: Proposal) -> None:
    """Only the secretary of the proposal's kota committee (or the operator) records decisions."""
    ensure_independent(actor, proposal, Act.PROPOSAL_APPROVE)
    if not is_secretary_of(actor, proposal):
        raise NotAllowed(ONLY_SECRETARY)


async def load_for_decision(
    session: AsyncSession, actor: Actor, proposal_id: int, *, for_update: bool = False
) -> Proposal:
    """The proposal, when `actor` may record its committee's decision (visible, secretary)."""
    proposal = await access.load_visible(session, actor, proposal_id, for_update=for_update)
    ensure_secretary(actor, proposal)
    return proposal


async def recent_meetings(
    session: AsyncSession, clock: Clock, proposal: Proposal
) -> list[CommitteeMeeting]:
    """The kota's committee meetings already begun in the last months, newest first."""
    kota = await session.get_one(Kota, proposal.kota_id)
    now = clock.now()
    stmt = (
        select(Meeting)
        .where(
            Meeting.kota_id == proposal.kota_id,
            Meeting.kind == COMMITTEE_MEETING,
            Meeting.status == MeetingStatus.SCHEDULED.value,
            col(Meeting.starts_at) <= now,
            col(Meeting.starts_at) >= now - timedelta(days=RECENT_DAYS),
        )
        .order_by(col(Meeting.starts_at).desc())
        .limit(5)
    )
    zone = ZoneInfo(kota.timezone)
    return [
        CommitteeMeeting(m.id, m.title or "", m.starts_at.astimezone(zone).date())
        for m in (await session.exec(stmt)).all()
        if m.id is not None and m.starts_at is not None
    ]


async def _meeting_day(
    session: AsyncSession, clock: Clock, proposal: Proposal, meeting_id: int
) -> date:
    """The local date of a linked meeting: a held committee meeting of the proposal's kota."""
    held = {m.id: m for m in await recent_meetings(session, clock, proposal)}
    if meeting_id not in held:
        raise InvalidInput(NOT_A_COMMITTEE_MEETING)
    return held[meeting_id].day


def check_meeting_date(proposal: Proposal, kota: Kota, clock: Clock, day: date) -> date:
    """A meeting date is not in the future and not before the proposal was submitted."""
    zone = ZoneInfo(kota.timezone)
    if day > clock.now().astimezone(zone).date():
        raise InvalidInput(FUTURE_DATE)
    if proposal.submitted_at is not None:
        submitted = proposal.submitted_at.astimezone(zone).date()
        if day < submitted:
            # Day first, as both languages here write a date typed in figures.
            raise InvalidInput(
                BEFORE_SUBMISSION, date=f"{submitted.day}/{submitted.month}/{submitted.year}"
            )
    return day


def check_amount(proposal: Proposal, amount: int | None) -> int:
    """An approved amount: above zero, at most the proposal's total budget."""
    if amount is None or amount <= 0:
        raise InvalidInput(N_("Jumlah yang disetujui harus lebih dari nol."))
    if amount > (proposal.anggaran_total or 0):
        raise InvalidInput(
            N_("Jumlah yang disetujui tidak boleh lebih dari anggaran total ({total})."),
            total=Rupiah(proposal.anggaran_total or 0),
        )
    return amount


async def record(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    outcome: Action,
    meeting_date: date | None = None,
    meeting_id: int | None = None,
    amount: int | None = None,
    note: str | None = None,
) -> Outcome:
    """Record the committee's decision: approve (amount), waitlist (note), reject (reason).

    The meeting's date is typed, or taken from the linked committee meeting (today, when a
    script gives neither).
    """
    if outcome not in OUTCOMES:
        raise InvalidInput(N_("Mohon pilih keputusan Panitia."))
    proposal = await load_for_decision(session, actor, proposal_id, for_update=True)
    kota = await session.get_one(Kota, proposal.kota_id)
    if meeting_id is not None:
        meeting_date = await _meeting_day(session, clock, proposal, meeting_id)
    if meeting_date is None:  # the chat always asks; a script may mean "decided today"
        meeting_date = clock.now().astimezone(ZoneInfo(kota.timezone)).date()
    check_meeting_date(proposal, kota, clock, meeting_date)
    if outcome == Action.APPROVE:
        amount, note = check_amount(proposal, amount), None
    else:
        amount = None
        note = clean_note(note, required=outcome == Action.REJECT)
    if await is_repeat(session, proposal, outcome, note, amount):
        return Outcome(proposal, changed=False)
    ensure_source(proposal, outcome)
    if outcome == Action.APPROVE:
        proposal.approved_amount = amount
    decision = CommitteeDecision(
        proposal_id=proposal_id, outcome=target_status(outcome, ProposalStatus(proposal.status)).value,
        amount=amount, note=note,
        committee=kota.committee_label, meeting_date=meeting_date, meeting_id=meeting_id,
        recorded_by=actor.person_id, recorded_by_label=actor.label, recorded_at=clock.now(),
    )  # fmt: skip
    session.add(decision)  # before the status change: its notifications read the decision
    event = await change_status(
        session, clock, actor, proposal, action=outcome, note=note, amount=amount,
        meeting_date=meeting_date.isoformat(), meeting_id=meeting_id,
    )  # fmt: skip
    await session.flush()  # the event's id, to link the decision to its timeline line
    decision.event_id = event.id
    return Outcome(proposal, changed=True)


async def approve(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    amount: int,
    meeting_date: date | None = None,
    meeting_id: int | None = None,
) -> Outcome:
    """The committee approved, with the BLM PAKET amount (→ disetujui)."""
    return await record(
        session, clock, actor, proposal_id, outcome=Action.APPROVE, amount=amount,
        meeting_date=meeting_date, meeting_id=meeting_id,
    )  # fmt: skip


async def waitlist(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    note: str | None = None,
    meeting_date: date | None = None,
    meeting_id: int | None = None,
) -> Outcome:
    """Good, but no funds yet: it may be approved later (→ daftar_tunggu)."""
    return await record(
        session, clock, actor, proposal_id, outcome=Action.WAITLIST, note=note,
        meeting_date=meeting_date, meeting_id=meeting_id,
    )  # fmt: skip


async def reject(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    reason: str,
    meeting_date: date | None = None,
    meeting_id: int | None = None,
) -> Outcome:
    """Not approved, with the reason the BKM will read (→ ditolak)."""
    return await record(
        session, clock, actor, proposal_id, outcome=Action.REJECT, note=reason,
        meeting_date=meeting_date, meeting_id=meeting_id,
    )  # fmt: skip
