"""The committee that decides (Panitia Kemitraan): its name, its decisions, and how they read.

Imports nothing of the life cycle's writing side (events, notify), so the notifications, the
views and the decision use case can all read decisions from here.

Every message about a decision names the committee and the meeting's date:
"Diputuskan dalam rapat Panitia Kemitraan Kota Bandung, 12 Januari 2027."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import areas
from bot.i18n import Translator
from storage.committee_models import CommitteeDecision
from storage.meeting_models import Meeting, MeetingMinutes
from storage.models import Kota


def kind_of(kota: Kota) -> str:
    """ "kota" or "kabupaten" (a view carries the kind as a plain value)."""
    return areas.kota_kind(kota).value


def area_name(tr: Translator, name: str, kind: str = "kota") -> str:
    """ "Kota Bandung" / "Kabupaten Bogor" from plain values (see areas.area_name)."""
    return areas.area_name(tr, Kota(name=name, kind=areas.kota_kind(kind).value))


def committee_name(tr: Translator, label: str, kota: Kota) -> str:
    """ "Panitia Kemitraan Kota Bandung": the label the kota set, and the area."""
    return committee_of(tr, label, kota.name, kind_of(kota))


def committee_of(tr: Translator, label: str, name: str, kind: str) -> str:
    """The same, from plain values (a view carries no table rows)."""
    return tr._("{committee} {area}", committee=label, area=area_name(tr, name, kind))


def decided_line(tr: Translator, decision: CommitteeDecision, kota: Kota) -> str:
    """ "Diputuskan dalam rapat Panitia Kemitraan Kota Bandung, 12 Januari 2027." """
    return decided_on(tr, committee_name(tr, decision.committee, kota), decision.meeting_date)


def decided_on(tr: Translator, committee: str, day: date) -> str:
    """ "Diputuskan dalam rapat {committee}, {date}." from a committee's full name."""
    return tr._(
        "Diputuskan dalam rapat {committee}, {date}.", committee=committee, date=tr.date(day)
    )


async def latest(session: AsyncSession, proposal_id: int) -> CommitteeDecision | None:
    """The proposal's latest decision (a waitlisted proposal may be decided again later)."""
    stmt = (
        select(CommitteeDecision)
        .where(CommitteeDecision.proposal_id == proposal_id)
        .order_by(col(CommitteeDecision.id).desc())
    )
    return (await session.exec(stmt)).first()


async def all_of(session: AsyncSession, proposal_id: int) -> list[CommitteeDecision]:
    """A proposal's decisions, the first first (a waitlisted one may be decided again)."""
    stmt = (
        select(CommitteeDecision)
        .where(CommitteeDecision.proposal_id == proposal_id)
        .order_by(col(CommitteeDecision.id))
    )
    return list((await session.exec(stmt)).all())


@dataclass(frozen=True)
class MeetingRef:
    """The committee meeting a decision links to, with its minutes (berita acara)."""

    id: int
    title: str
    day: date
    minutes: tuple[MeetingMinutes, ...]


async def meeting_ref(
    session: AsyncSession, decision: CommitteeDecision | None
) -> MeetingRef | None:
    """The linked meeting and its minutes, if the decision names one."""
    if decision is None or decision.meeting_id is None:
        return None
    meeting = await session.get(Meeting, decision.meeting_id)
    if meeting is None:
        return None
    stmt = (
        select(MeetingMinutes)
        .where(MeetingMinutes.meeting_id == meeting.id)
        .order_by(col(MeetingMinutes.id))
    )
    minutes: Sequence[MeetingMinutes] = (await session.exec(stmt)).all()
    return MeetingRef(meeting.id or 0, meeting.title or "", decision.meeting_date, tuple(minutes))
