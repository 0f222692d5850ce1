"""Factories for meeting tests: the proposal world plus a Makassar (WITA) member of BKM Sukamaju,
and helpers to compose and schedule a meeting through the real form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM, Actor
from bot.domain.meetings import form, schedule
from bot.domain.quiet_hours import QuietHours
from storage.db import Database
from storage.meeting_models import Meeting, MeetingInvitee, MeetingReminder, ReminderDelivery
from storage.models import Person, Role
from tests.domain import factories as f

DEFAULT_OFFSETS = (timedelta(hours=24), timedelta(hours=1))
SKIP = f.SKIP


@dataclass
class MeetingWorld:
    base: f.World
    bkm_mks: int  # a BKM in Makassar (WITA)

    @property
    def people(self) -> dict[str, int]:
        return self.base.people

    def __getattr__(self, name: str):  # kota, bkm, … of the proposal world
        if name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)


async def seed(db: Database, clock) -> MeetingWorld:
    """The proposal world, plus "anggota_mks": first registered in Makassar (so WITA), and
    also an anggota of BKM Sukamaju (Bandung)."""
    base = await f.seed(db, clock)
    async with db.transaction() as s:
        await areas.add_kota(s, clock, SYSTEM, name="Makassar", timezone="Asia/Makassar")
        mks = await areas.add_bkm(
            s, clock, SYSTEM, name="BKM Tallo", kota="Makassar", kelurahan="Tallo"
        )
        person = Person(telegram_id=551, name="Andi Makassar", locale="id")
        s.add(person)
        await s.flush()
        await people.grant_role(s, clock, SYSTEM, telegram_id=551, role=Role.ANGGOTA, bkm=mks)
        sukamaju = await areas.find_bkm(s, "BKM Sukamaju")
        await people.grant_role(s, clock, SYSTEM, telegram_id=551, role=Role.ANGGOTA, bkm=sukamaju)
        assert person.id is not None and mks.id is not None
        base.people["anggota_mks"] = person.id
    return MeetingWorld(base, mks.id)


# Everyone registered with BKM Sukamaju, as the BKM audience names them.
SUKAMAJU = ["anggota", "anggota2", "anggota_mks", "koordinator", "koordinator2", "warga"]


def answers(world: MeetingWorld, **overrides: object) -> dict[str, object]:
    """A complete, valid meeting form: tomorrow 14.00, two hours, BKM Sukamaju."""
    base: dict[str, object] = {
        "jenis": "bkm",
        "judul": "Rapat persiapan usulan",
        "waktu": "besok 14.00",
        "durasi": SKIP,
        "tempat": "Balai RW 05, Jl. Sukamaju No. 1",
        "lokasi": (-6.9, 107.6),
        "agenda": "Membahas rencana kegiatan & pembagian tugas",
        "peserta": f"bkm:{world.bkm}",
    }
    base.update(overrides)
    return base


async def fill(
    db: Database, clock, who: Actor, meeting_id: int, values: dict[str, object], until: str = ""
) -> None:
    """Answer (or skip) every question until the summary (or step `until`)."""
    for _ in range(20):
        async with db.transaction() as s:
            meeting = await form.load_draft(s, who, meeting_id)
            where = form.position(meeting)
            if where.step is None or where.step.name == until:
                return
            name = where.step.name
            if values.get(name, SKIP) is SKIP:
                await form.skip_step(s, clock, who, meeting_id, step=name)
            else:
                await form.answer_step(s, clock, who, meeting_id, step=name, value=values[name])
    raise AssertionError("the form never reached its summary")


async def compose(
    db: Database, clock, world: MeetingWorld, who: str = "fasilitator", **over
) -> int:
    """A complete draft by `who`, at the summary."""
    organiser = await f.actor(db, world.base, who)
    async with db.transaction() as s:
        meeting = await form.start_or_resume(s, clock, organiser)
        assert meeting.id is not None
        meeting_id = meeting.id
    await fill(db, clock, organiser, meeting_id, answers(world, **over))
    return meeting_id


async def scheduled(
    db: Database,
    clock,
    world: MeetingWorld,
    who: str = "fasilitator",
    *,
    offsets=DEFAULT_OFFSETS,
    quiet: QuietHours = None,
    **over,
) -> int:
    """A meeting composed and scheduled by `who`."""
    meeting_id = await compose(db, clock, world, who, **over)
    organiser = await f.actor(db, world.base, who)
    async with db.transaction() as s:
        await schedule.schedule(
            s, clock, organiser, meeting_id, default_offsets=offsets, quiet_hours=quiet
        )
    return meeting_id


async def load(db: Database, meeting_id: int) -> Meeting:
    async with db.transaction() as s:
        return await s.get_one(Meeting, meeting_id)


async def invitees(db: Database, meeting_id: int) -> list[MeetingInvitee]:
    async with db.transaction() as s:
        stmt = select(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting_id)
        return list((await s.exec(stmt)).all())


async def reminders(db: Database, meeting_id: int) -> list[MeetingReminder]:
    async with db.transaction() as s:
        stmt = select(MeetingReminder).where(MeetingReminder.meeting_id == meeting_id)
        return sorted((await s.exec(stmt)).all(), key=lambda r: -r.offset_minutes)


async def deliveries(db: Database) -> list[ReminderDelivery]:
    async with db.transaction() as s:
        return list((await s.exec(select(ReminderDelivery))).all())


def names(world: MeetingWorld, person_ids) -> list[str]:
    """The seeded names of `person_ids`, sorted."""
    by_id = {v: k for k, v in world.people.items()}
    return sorted(by_id[p] for p in person_ids)
