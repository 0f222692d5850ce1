"""Reading meetings: my upcoming meetings, one meeting, the organiser's view with RSVP counts,
a draft's summary, and the minutes of a BKM's meetings (for the proposal form)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.meetings import access, audience, dates, durations, notify
from bot.domain.meetings.audience import AudienceOption
from bot.domain.meetings.kinds import AudienceKind, kind_label
from bot.domain.meetings.steps import STEPS, Step, stored_value
from bot.domain.meetings.views import (
    MeetingDetail,
    MeetingItem,
    MinutesFile,
    OrganiserView,
    ReminderLine,
    RsvpCounts,
    SummaryLine,
)
from bot.i18n import Translator, escape
from storage.meeting_models import (
    Meeting,
    MeetingInvitee,
    MeetingMinutes,
    MeetingReminder,
    MeetingStatus,
    Rsvp,
)
from storage.models import Bkm, Person, Role

# Longer than any meeting (durations.MAX_DURATION): a meeting begun this long ago has ended.
_LONGEST = timedelta(minutes=durations.MAX_DURATION)


async def upcoming(
    session: AsyncSession, clock: Clock, actor: Actor, *, limit: int = 10
) -> list[MeetingItem]:
    """Scheduled meetings not yet over that `actor` is invited to or organises, soonest first."""
    invited = select(MeetingInvitee.meeting_id).where(MeetingInvitee.person_id == actor.person_id)
    stmt = (
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED.value,
            col(Meeting.starts_at) > clock.now() - _LONGEST,
            or_(col(Meeting.id).in_(invited), col(Meeting.organiser_id) == actor.person_id),
        )
        .order_by(col(Meeting.starts_at))
    )
    items = []
    for meeting in (await session.exec(stmt)).all():
        ends_at = access.ends_at(meeting)
        assert meeting.id is not None and meeting.starts_at is not None and ends_at is not None
        if ends_at <= clock.now():
            continue
        my = await _my_invitee(session, meeting.id, actor)
        items.append(
            MeetingItem(
                meeting.id, meeting.kind, meeting.title or "", meeting.starts_at, ends_at,
                meeting.place or "", meeting.status, my.rsvp if my else None,
                meeting.organiser_id == actor.person_id,
            )
        )  # fmt: skip
    return items[:limit]


async def _my_invitee(
    session: AsyncSession, meeting_id: int, actor: Actor
) -> MeetingInvitee | None:
    stmt = select(MeetingInvitee).where(
        MeetingInvitee.meeting_id == meeting_id, MeetingInvitee.person_id == actor.person_id
    )
    return (await session.exec(stmt)).first()


async def meeting_detail(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int
) -> MeetingDetail:
    """One scheduled or cancelled meeting, for an invitee or someone who may manage it."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.status == MeetingStatus.DRAFT.value:
        raise NotFound(access.NOT_FOUND)
    mine = await _my_invitee(session, meeting_id, actor)
    manager = access.may_manage(actor, meeting)
    if mine is None and not manager:
        raise NotFound(access.NOT_FOUND)
    ends_at = access.ends_at(meeting)
    assert meeting.starts_at is not None and ends_at is not None
    begun = meeting.starts_at <= clock.now()
    scheduled = meeting.status == MeetingStatus.SCHEDULED.value
    return MeetingDetail(
        info=await notify.info_of(session, meeting), status=meeting.status, ends_at=ends_at,
        my_rsvp=mine.rsvp if mine else None, can_rsvp=mine is not None and scheduled and not begun,
        can_manage=manager and scheduled, begun=begun,
    )  # fmt: skip


async def organiser_view(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int
) -> OrganiserView:
    """Counts (hadir / berhalangan / belum menjawab), who has not answered, the reminders."""
    meeting = await access.load_managed(session, actor, meeting_id)
    stmt = (
        select(MeetingInvitee, Person)
        .join(Person, col(Person.id) == col(MeetingInvitee.person_id))
        .where(MeetingInvitee.meeting_id == meeting_id)
        .order_by(col(Person.name), col(Person.id))
    )
    rows = (await session.exec(stmt)).all()
    answers = [invitee.rsvp for invitee, _ in rows]
    counts = RsvpCounts(
        yes=answers.count(Rsvp.YES.value), no=answers.count(Rsvp.NO.value),
        unanswered=answers.count(None),
        unanswered_names=tuple(p.name for i, p in rows if i.rsvp is None),
    )  # fmt: skip
    reminder_rows = await session.exec(
        select(MeetingReminder)
        .where(MeetingReminder.meeting_id == meeting_id)
        .order_by(col(MeetingReminder.offset_minutes).desc())
    )
    files = await session.exec(
        select(MeetingMinutes.id).where(MeetingMinutes.meeting_id == meeting_id)
    )
    return OrganiserView(
        detail=await meeting_detail(session, clock, actor, meeting_id),
        audience=await audience.describe_meeting(session, meeting), counts=counts,
        reminders=tuple(
            ReminderLine(r.offset_minutes, r.due_at, r.status)  # type: ignore[arg-type]
            for r in reminder_rows.all()
        ),
        minutes_files=len(files.all()), attendance_confirmed=meeting.attendance_at is not None,
    )  # fmt: skip


async def summary(
    session: AsyncSession, tr: Translator, actor: Actor, meeting_id: int
) -> list[SummaryLine]:
    """The draft's fields in words, in the organiser's language (the kota's zone for times)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.organiser_id != actor.person_id:
        raise NotFound(access.NOT_FOUND)
    kota = await access.kota_of(session, meeting)
    tr = Translator(tr.locale, kota.timezone)
    option = await audience.describe_meeting(session, meeting)
    return [
        SummaryLine(step.name, tr._(step.label), _summary_value(tr, meeting, step, option))
        for step in STEPS
    ]


def _summary_value(
    tr: Translator, meeting: Meeting, step: Step, option: AudienceOption | None
) -> str | None:
    """One field in words, HTML-safe; None while it has no answer."""
    held = stored_value(meeting, step)
    if step.name == "peserta":
        return option.text(tr) if option else None
    if held is None:
        return None
    if step.name == "jenis":
        return tr._(kind_label(meeting.kind))
    if step.name == "waktu" and meeting.starts_at is not None:
        return dates.format_when(tr, meeting.starts_at)
    if step.name == "durasi" and meeting.duration_minutes is not None:
        return durations.format_duration(tr, meeting.duration_minutes)
    if step.name == "lokasi":
        return f"{meeting.latitude:.5f}, {meeting.longitude:.5f}"
    if step.name == "pengingat" and meeting.reminder_minutes is not None:
        return durations.format_offsets(tr, meeting.reminder_minutes)
    return escape(str(held))


async def bkm_minutes(
    session: AsyncSession, actor: Actor, bkm_id: int, *, limit: int = 30
) -> list[MinutesFile]:
    """The minutes files of meetings held for BKM `bkm_id`, newest meeting first.

    For the proposal form's attachment step: members of the BKM, its kota's fasilitators and
    admins may read them.
    """
    bkm = await session.get(Bkm, bkm_id)
    if bkm is None:
        raise NotFound(access.NOT_FOUND)
    member = bkm_id in actor.bkm_ids(Role.ANGGOTA, Role.KOORDINATOR)
    if not (member or actor.is_admin or bkm.kota_id in actor.kota_ids(Role.FASILITATOR)):
        raise NotAllowed()
    stmt = (
        select(MeetingMinutes, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingMinutes.meeting_id))
        .where(
            Meeting.audience_kind == AudienceKind.BKM.value,
            Meeting.audience_bkm_id == bkm_id,
            Meeting.status == MeetingStatus.SCHEDULED.value,
        )
        .order_by(col(Meeting.starts_at).desc(), col(MeetingMinutes.id))
        .limit(limit)
    )
    return [
        MinutesFile(
            m.id or 0,
            meeting.id or 0,
            meeting.title or "",
            meeting.starts_at,  # type: ignore[arg-type]
            m.kind,
            m.file_id,
            m.file_name,
        )
        for m, meeting in (await session.exec(stmt)).all()
    ]


async def held(
    session: AsyncSession, clock: Clock, actor: Actor, *, days: int = 30, limit: int = 10
) -> list[MeetingItem]:
    """Meetings over in the last `days` that `actor` may manage (attendance, minutes), newest first."""
    stmt = (
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED.value,
            col(Meeting.starts_at) <= clock.now(),
            col(Meeting.starts_at) > clock.now() - timedelta(days=days),
        )
        .order_by(col(Meeting.starts_at).desc())
    )
    if not actor.is_admin:
        kotas = actor.kota_ids(Role.FASILITATOR)
        stmt = stmt.where(
            or_(col(Meeting.organiser_id) == actor.person_id, col(Meeting.kota_id).in_(kotas))
        )
    items = []
    for meeting in (await session.exec(stmt)).all():
        ends_at = access.ends_at(meeting)
        assert meeting.id is not None and meeting.starts_at is not None and ends_at is not None
        if ends_at > clock.now():
            continue  # still going: listed with the upcoming ones
        items.append(
            MeetingItem(
                meeting.id, meeting.kind, meeting.title or "", meeting.starts_at, ends_at,
                meeting.place or "", meeting.status, None,
                meeting.organiser_id == actor.person_id,
            )
        )  # fmt: skip
    return items[:limit]
