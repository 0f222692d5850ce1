"""Meetings for the reminder tests, made through the domain use cases a chat flow calls.

The /rapatbaru conversation has its own tests; here a meeting is composed and scheduled the
way that flow does it (form → schedule), and what people received is read from the
simulator: invitations (text, then the .ics file), reminders, notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM, Actor, actor_for, person_by_telegram
from bot.domain.clock import Clock
from bot.domain.meetings import form, schedule
from bot.domain.quiet_hours import QuietHours
from bot.simulator import Simulator, SimUser
from bot.simulator.models import SimMessage
from storage.db import Database
from storage.meeting_models import MeetingInvitee, MeetingReminder
from storage.models import Consent, Role
from tests.domain.meeting_factories import fill

DEFAULT_OFFSETS = (timedelta(hours=24), timedelta(hours=1))
WIB = ZoneInfo("Asia/Jakarta")


async def actor_of(db: Database, telegram_id: int) -> Actor:
    async with db.transaction() as s:
        person = await person_by_telegram(s, telegram_id)
        assert person is not None, f"no person with Telegram id {telegram_id}"
        return await actor_for(s, person)


async def bkm_id(db: Database, name: str) -> int:
    async with db.transaction() as s:
        bkm = await areas.find_bkm(s, name)
        assert bkm.id is not None
        return bkm.id


async def schedule_meeting(
    db: Database,
    clock: Clock,
    organiser: int,
    *,
    bkm: str,
    when: str,
    title: str = "Rapat persiapan usulan",
    offsets: Sequence[int] | None = None,
    default_offsets: Sequence[timedelta] = DEFAULT_OFFSETS,
    quiet_hours: QuietHours = None,
) -> int:
    """Compose a meeting for everyone in `bkm` as the organiser would, and schedule it.

    `when` is typed as a person would ("besok 14.00"), read in the organiser's kota zone;
    `offsets` (minutes before the start) are chosen from the summary, else the defaults apply.
    """
    actor = await actor_of(db, organiser)
    async with db.transaction() as s:
        meeting = await form.start_or_resume(s, clock, actor)
        assert meeting.id is not None
        meeting_id = meeting.id
    answers: dict[str, object] = {
        "jenis": "bkm",
        "judul": title,
        "waktu": when,
        "tempat": "Balai RW 05, Jl. Sukamaju No. 1",
        "lokasi": (-6.9, 107.6),
        "agenda": "Membahas rencana kegiatan & pembagian tugas",
        "peserta": f"bkm:{await bkm_id(db, bkm)}",
    }
    await fill(db, clock, actor, meeting_id, answers)
    async with db.transaction() as s:
        if offsets is not None:  # "Pengingat" from the summary
            await form.edit_field(s, clock, actor, meeting_id, step="pengingat")
            await form.answer_step(
                s, clock, actor, meeting_id, step="pengingat", value=list(offsets)
            )
        await schedule.schedule(
            s, clock, actor, meeting_id, default_offsets=default_offsets, quiet_hours=quiet_hours
        )
    return meeting_id


async def person_id(db: Database, telegram_id: int) -> int:
    actor = await actor_of(db, telegram_id)
    assert actor.person_id is not None
    return actor.person_id


async def invitees(db: Database, meeting_id: int) -> list[MeetingInvitee]:
    async with db.transaction() as s:
        stmt = select(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting_id)
        return list((await s.exec(stmt)).all())


async def reminder_rows(db: Database, meeting_id: int) -> dict[int, MeetingReminder]:
    """The meeting's reminders by offset in minutes."""
    async with db.transaction() as s:
        stmt = select(MeetingReminder).where(MeetingReminder.meeting_id == meeting_id)
        return {r.offset_minutes: r for r in (await s.exec(stmt)).all()}


async def seed_person(
    db: Database,
    clock: Clock,
    telegram_id: int,
    name: str,
    role: Role,
    *,
    bkm: str | None = None,
    kota: str | None = None,
) -> None:
    """A person who registered earlier (consent given, onboarding done), like the demo's."""
    async with db.transaction() as s:
        await people.grant_role(
            s, clock, SYSTEM, telegram_id=telegram_id, role=role,
            bkm=await areas.find_bkm(s, bkm) if bkm else None,
            kota=await areas.find_kota(s, kota) if kota else None,
        )  # fmt: skip
        person = await person_by_telegram(s, telegram_id)
        assert person is not None and person.id is not None
        person.name, person.locale, person.onboarding_step = name, "id", None
        s.add(person)
        s.add(Consent(person_id=person.id, notice_version="test", decision="given", at=clock.now()))


def local(when: datetime) -> str:
    """A moment as typed in Bandung: "3/12/2026 14.05"."""
    at = when.astimezone(WIB)
    return f"{at.day}/{at.month}/{at.year} {at:%H.%M}"


# What people read: each kind of meeting message starts with its own line.
def invitations(user: SimUser) -> list[SimMessage]:
    return [m for m in user.inbox if m.text.startswith("📅 Undangan rapat")]


def reminders(user: SimUser) -> list[SimMessage]:
    return [m for m in user.inbox if m.text.startswith("⏰ Pengingat rapat")]


def calendar_files(user: SimUser) -> list[SimMessage]:
    return [m for m in user.inbox if (m.document or {}).get("file_name", "").endswith(".ics")]


def calendar_event(sim: Simulator, message: SimMessage) -> Event:
    """The one event of an .ics document the bot sent, parsed as a calendar app would."""
    assert message.document is not None, f"not a document: {message}"
    stored = sim.files.get(message.document["file_id"])
    assert stored is not None
    (event,) = Calendar.from_ical(stored.data).walk("VEVENT")
    return event
