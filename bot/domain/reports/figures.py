"""The figures of a report, each from one aggregate query (GROUP BY), never row by row.

With 50,000 proposals the summary must come back in a few seconds, so nothing here loads a
proposal: counts and sums come from the database, and the median from at most two rows of an
ordered list of day counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, cast, literal
from sqlalchemy import Date as DateType
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.announcements.frame import STOPPED_ERROR
from bot.domain.proposals.steps import FUNDING
from bot.domain.reports.period import Period
from bot.domain.reports.scope import Scope
from storage.announcement_models import Announcement, AnnouncementAck
from storage.committee_models import CommitteeDecision
from storage.meeting_models import Meeting, MeetingInvitee, Rsvp
from storage.models import Bkm, Kelurahan, Kota, Outbox, OutboxStatus, Proposal, ProposalPartner

SOURCES = tuple(s.code for s in FUNDING)
# The area lines in the chat summary; the spreadsheet has every BKM.
TOP_AREAS = 5


@dataclass(frozen=True)
class AreaCount:
    bkm: str
    kelurahan: str
    proposals: int


@dataclass(frozen=True)
class PartnerFigures:
    channelled: int = 0  # partner rows: one per proposal and partner
    pledged: int = 0
    declined: int = 0
    waiting: int = 0
    pledged_amount: int = 0


@dataclass(frozen=True)
class MeetingFigures:
    held: int = 0  # scheduled meetings that began within the period (and by now)
    invited: int = 0
    answered: int = 0  # RSVPs given, either way
    coming: int = 0  # RSVP "hadir"
    marked: int = 0  # invitees whose attendance the organiser recorded
    attended: int = 0

    @property
    def rsvp_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.marked if self.marked else None


@dataclass(frozen=True)
class AnnouncementFigures:
    sent: int = 0  # announcements that went out
    recipients: int = 0
    delivered: int = 0
    unreachable: int = 0
    waiting: int = 0
    acknowledged: int = 0


@dataclass(frozen=True)
class Figures:
    period: Period
    proposals: int
    by_status: dict[str, int]
    by_jenis: dict[str, int]
    areas: tuple[AreaCount, ...]  # every BKM with a proposal, most first
    requested: int  # anggaran total (RAB)
    approved: int
    disbursed: int
    sources: dict[str, int]  # funding source code → rupiah (requested lines)
    partners: PartnerFigures
    decided: int  # proposals with a committee decision
    median_days: float | None  # submission → first decision
    meetings: MeetingFigures
    announcements: AnnouncementFigures

    @property
    def empty(self) -> bool:
        return not (self.proposals or self.meetings.held or self.announcements.sent)


def in_period(column: Any, period: Period) -> ColumnElement[bool]:
    start, end = period.bounds()
    return (column >= start) & (column < end)


def proposal_ids(where: ColumnElement[bool]) -> Any:
    """The ids of the proposals `where` picks, as a subquery for a table joined to them.

    Not correlated with the outer query: the visibility rule holds its own EXISTS over
    proposal_event, which would otherwise bind to the outer proposal_event (the timeline).
    """
    return select(Proposal.id).where(where).correlate(None)


def _sum(column: Any) -> ColumnElement[int]:
    return func.coalesce(func.sum(column), 0)


async def compute(session: AsyncSession, scope: Scope, period: Period, now: datetime) -> Figures:
    """Every figure of the report for `period`, as `scope` may see it."""
    where = scope.proposals() & in_period(col(Proposal.submitted_at), period)
    money = (
        await session.exec(
            select(
                func.count(col(Proposal.id)),
                _sum(Proposal.anggaran_total),
                _sum(Proposal.approved_amount),
                _sum(Proposal.disbursed_amount),
                *(_sum(getattr(Proposal, f"dana_{code}")) for code in SOURCES),
            ).where(where)
        )
    ).one()
    count, requested, approved, disbursed, *sources = (int(v or 0) for v in money)
    decided, median = await _median_days(session, where)
    return Figures(
        period=period,
        proposals=count,
        by_status=await _grouped(session, col(Proposal.status), where),
        by_jenis=await _grouped(session, func.coalesce(Proposal.jenis, ""), where),
        areas=await _areas(session, where),
        requested=requested,
        approved=approved,
        disbursed=disbursed,
        sources=dict(zip(SOURCES, sources, strict=True)),
        partners=await _partners(session, where),
        decided=decided,
        median_days=median,
        meetings=await _meetings(session, scope, period, now),
        announcements=await _announcements(session, scope, period),
    )


async def _grouped(session: AsyncSession, key: Any, where: ColumnElement[bool]) -> dict[str, int]:
    stmt = select(key, func.count()).where(where).group_by(key)
    return {str(k): int(n) for k, n in (await session.exec(stmt)).all()}


async def _areas(session: AsyncSession, where: ColumnElement[bool]) -> tuple[AreaCount, ...]:
    n = func.count(col(Proposal.id))
    stmt = (
        select(Bkm.name, Kelurahan.name, n)
        .join(Bkm, col(Bkm.id) == col(Proposal.bkm_id))
        .join(Kelurahan, col(Kelurahan.id) == col(Bkm.kelurahan_id))
        .where(where)
        .group_by(col(Bkm.id), col(Bkm.name), col(Kelurahan.name))
        .order_by(n.desc(), col(Bkm.name))
    )
    return tuple(AreaCount(b, k, int(c)) for b, k, c in (await session.exec(stmt)).all())


async def _partners(session: AsyncSession, where: ColumnElement[bool]) -> PartnerFigures:
    stmt = (
        select(ProposalPartner.answer, func.count(), _sum(ProposalPartner.pledged_amount))
        .where(col(ProposalPartner.proposal_id).in_(proposal_ids(where)))
        .group_by(col(ProposalPartner.answer))
    )
    rows = {a: (int(n), int(s)) for a, n, s in (await session.exec(stmt)).all()}
    pledged, amount = rows.get("pledged", (0, 0))
    declined = rows.get("declined", (0, 0))[0]
    waiting = rows.get(None, (0, 0))[0]
    total = sum(n for n, _ in rows.values())
    return PartnerFigures(total, pledged, declined, waiting, amount)


def _days_to_decision(
    session: AsyncSession, decided_on: ColumnElement[object]
) -> ColumnElement[int]:
    """Whole days from the submission (its date in the kota's zone) to the decision's date."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        local = func.timezone(Kota.timezone, Proposal.submitted_at)
        return cast(decided_on - cast(local, DateType), Integer)  # type: ignore[operator]
    # SQLite has no zones: Indonesia's three are fixed offsets (no daylight saving).
    hours = case(
        (col(Kota.timezone) == "Asia/Makassar", 8), (col(Kota.timezone) == "Asia/Jayapura", 9),
        else_=7,
    )  # fmt: skip
    shifted = func.date(Proposal.submitted_at, literal("+") + cast(hours, String) + " hours")
    return cast(func.julianday(decided_on) - func.julianday(shifted), Integer)


async def _median_days(
    session: AsyncSession, where: ColumnElement[bool]
) -> tuple[int, float | None]:
    """How many were decided, and the median days to the first decision (two rows read)."""
    first = (
        select(
            CommitteeDecision.proposal_id,
            func.min(CommitteeDecision.meeting_date).label("decided_on"),
        )
        .group_by(col(CommitteeDecision.proposal_id))
        .subquery()
    )
    days = _days_to_decision(session, first.c.decided_on).label("days")
    base = (
        select(days)
        .select_from(Proposal)
        .join(first, first.c.proposal_id == col(Proposal.id))
        .join(Kota, col(Kota.id) == col(Proposal.kota_id))
        .where(where)
    )
    n = int((await session.exec(select(func.count()).select_from(base.subquery()))).one())
    if not n:
        return 0, None
    middle = base.order_by(days).offset((n - 1) // 2).limit(1 if n % 2 else 2)
    values = [int(v) for v in (await session.exec(middle)).all()]
    return n, sum(values) / len(values)


async def _meetings(
    session: AsyncSession, scope: Scope, period: Period, now: datetime
) -> MeetingFigures:
    where = scope.meetings() & in_period(col(Meeting.starts_at), period)
    where = where & (col(Meeting.starts_at) <= now)
    held = int((await session.exec(select(func.count()).select_from(Meeting).where(where))).one())
    if not held:
        return MeetingFigures()

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return _sum(case((condition, 1), else_=0))

    stmt = (
        select(  # type: ignore[call-overload]
            func.count(col(MeetingInvitee.id)),
            flag(col(MeetingInvitee.rsvp).is_not(None)),
            flag(col(MeetingInvitee.rsvp) == Rsvp.YES.value),
            flag(col(MeetingInvitee.attended).is_not(None)),
            flag(col(MeetingInvitee.attended).is_(True)),
        )
        .join(Meeting, col(Meeting.id) == col(MeetingInvitee.meeting_id))
        .where(where)
    )
    invited, answered, coming, marked, attended = (
        int(v or 0) for v in (await session.exec(stmt)).one()
    )
    return MeetingFigures(held, invited, answered, coming, marked, attended)


def unreachable_row() -> ColumnElement[bool]:
    """An outbox row that never reached its person (not one dropped because the author stopped)."""
    status, error = col(Outbox.status), func.coalesce(Outbox.error, "")
    return (status == OutboxStatus.FAILED.value) | (
        (status == OutboxStatus.DROPPED.value) & (error != STOPPED_ERROR)
    )


def announcement_topic() -> ColumnElement[str]:
    """ "announcement:<id>": the topic of an announcement's outbox rows (frame.topic in SQL)."""
    return literal("announcement:") + cast(col(Announcement.id), String)


async def _announcements(
    session: AsyncSession, scope: Scope, period: Period
) -> AnnouncementFigures:
    where = scope.announcements() & in_period(col(Announcement.started_at), period)
    sent = int(
        (await session.exec(select(func.count()).select_from(Announcement).where(where))).one()
    )
    if not sent:
        return AnnouncementFigures()
    status = col(Outbox.status)
    lost = unreachable_row()
    waiting = status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value])
    rows = (
        select(
            func.count(col(Outbox.id)),
            _sum(case((status == OutboxStatus.SENT.value, 1), else_=0)),
            _sum(case((lost, 1), else_=0)),
            _sum(case((waiting, 1), else_=0)),
        )
        .join(Announcement, col(Outbox.topic) == announcement_topic())
        .where(where)
    )
    recipients, delivered, unreachable, pending = (
        int(v or 0) for v in (await session.exec(rows)).one()
    )
    acks = select(func.count(col(AnnouncementAck.id))).join(
        Announcement, col(Announcement.id) == col(AnnouncementAck.announcement_id)
    )
    acknowledged = int((await session.exec(acks.where(where))).one())
    return AnnouncementFigures(sent, recipients, delivered, unreachable, pending, acknowledged)
