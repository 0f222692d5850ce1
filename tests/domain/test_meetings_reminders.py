"""Reminders: exactly once per person per reminder, late but before the start, missed after it,
none for those who declined, quiet hours, and reminders that follow a reschedule or a cancel."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.meetings import reminders, rsvp, schedule
from bot.domain.meetings.reminders import enqueue_due_reminders
from storage.db import Database, upgrade
from tests.conftest import PG_URL
from tests.domain import factories as f
from tests.domain import meeting_factories as mf

START = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # besok 14.00 WIB
DAY_BEFORE = START - timedelta(hours=24)  # 2 March 14.00 WIB
HOUR_BEFORE = START - timedelta(hours=1)
NIGHT = (21, 6)


async def _tick(db, clock, quiet=None) -> reminders.ReminderRun:
    async with db.transaction() as s:
        return await enqueue_due_reminders(s, clock, postgres=db.is_postgres, quiet_hours=quiet)


async def _reminder_rows(db):
    return await f.outbox_rows(db, kind="meeting.reminder")


async def test_each_reminder_reaches_each_invitee_exactly_once(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    assert (await _tick(db, clock)).done == 0  # nothing due yet
    clock.set(DAY_BEFORE)
    first, second = await _tick(db, clock), await _tick(db, clock)
    assert (first.done, first.queued, second.done, second.queued) == (1, 6, 0, 0)
    rows = await _reminder_rows(db)
    assert mf.names(world, [r.person_id for r in rows]) == mf.SUKAMAJU
    assert len(await mf.deliveries(db)) == len(mf.SUKAMAJU)
    koordinator = next(r for r in rows if r.person_id == world.people["koordinator"])
    assert "Selasa, 3 Maret 2026, pukul 14.00 WIB" in koordinator.text
    assert "terlambat" not in koordinator.text
    assert koordinator.buttons[0][0]["data"] == f"mt:rsvp:{meeting_id}:y"
    clock.set(HOUR_BEFORE)
    await _tick(db, clock)
    await _tick(db, clock)
    assert len(await _reminder_rows(db)) == 2 * len(mf.SUKAMAJU)
    assert {r.status for r in await mf.reminders(db, meeting_id)} == {"done"}


async def test_those_who_declined_get_no_reminder(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    for who, attending in (("warga", False), ("anggota", True)):
        person = await f.actor(db, world.base, who)
        async with db.transaction() as s:
            await rsvp.answer(s, clock, person, meeting_id, attending=attending)
    clock.set(DAY_BEFORE)
    await _tick(db, clock)
    rows = await _reminder_rows(db)
    assert "warga" not in mf.names(world, [r.person_id for r in rows])
    anggota = next(r for r in rows if r.person_id == world.people["anggota"])
    assert "You have said you will attend" in anggota.text  # anggota reads English


async def test_a_late_reminder_goes_if_the_meeting_has_not_begun_and_says_so(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    clock.set(START - timedelta(minutes=30))  # the bot was down through both due times
    run = await _tick(db, clock)
    assert (run.done, run.missed) == (2, 0)
    rows = await _reminder_rows(db)
    assert len(rows) == 2 * len(mf.SUKAMAJU)
    assert all("terlambat" in r.text or "this reminder is late" in r.text for r in rows)
    assert all(r.next_attempt_at == clock.now() for r in rows)
    assert {r.status for r in await mf.reminders(db, meeting_id)} == {"done"}


async def test_a_reminder_found_after_the_start_is_recorded_as_missed(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    clock.set(START + timedelta(minutes=1))
    run = await _tick(db, clock)
    assert (run.done, run.missed, run.queued) == (0, 2, 0)
    assert await _reminder_rows(db) == []
    assert {r.status for r in await mf.reminders(db, meeting_id)} == {"missed"}


async def test_a_reminder_in_quiet_hours_waits_for_06_00_in_each_zone(db, clock):
    world = await mf.seed(db, clock)
    # Wednesday 09.00 WIB, reminded ten hours before: Tuesday 23.00 WIB (Wed 00.00 WITA).
    await mf.scheduled(db, clock, world, waktu="lusa 09.00", offsets=(timedelta(hours=10),))
    clock.set(datetime(2026, 3, 3, 16, 0, tzinfo=UTC))
    await _tick(db, clock, NIGHT)
    rows = await _reminder_rows(db)
    wib_row = next(r for r in rows if r.person_id == world.people["koordinator"])
    wita_row = next(r for r in rows if r.person_id == world.people["anggota_mks"])
    assert wib_row.next_attempt_at == datetime(2026, 3, 3, 23, 0, tzinfo=UTC)  # 06.00 WIB
    assert wita_row.next_attempt_at == datetime(2026, 3, 3, 22, 0, tzinfo=UTC)  # 06.00 WITA


async def test_unless_the_meeting_is_before_the_quiet_hours_end(db, clock):
    world = await mf.seed(db, clock)
    # Wednesday 05.30 WIB, reminded at Tuesday 23.00 WIB: it goes at once.
    await mf.scheduled(
        db, clock, world, waktu="lusa 05.30", offsets=(timedelta(hours=6, minutes=30),)
    )
    clock.set(datetime(2026, 3, 3, 16, 0, tzinfo=UTC))
    await _tick(db, clock, NIGHT)
    rows = {r.person_id: r.next_attempt_at for r in await _reminder_rows(db)}
    makassar = rows.pop(world.people["anggota_mks"])
    assert rows and set(rows.values()) == {clock.now()}
    # In Makassar the meeting is at 06.30 WITA: that reminder still waits for 06.00 WITA.
    assert makassar == datetime(2026, 3, 3, 22, 0, tzinfo=UTC)


async def test_invitations_sent_at_night_wait_for_the_morning(db, clock):
    world = await mf.seed(db, clock)
    clock.set(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # 22.00 WIB
    await mf.scheduled(db, clock, world, waktu="lusa 09.00", quiet=NIGHT)
    rows = await f.outbox_rows(db, kind="meeting.invitation")
    koordinator = next(r for r in rows if r.person_id == world.people["koordinator"])
    assert koordinator.next_attempt_at == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)


async def test_reminders_follow_a_reschedule_and_none_go_for_the_old_time(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:  # from Tuesday 14.00 to Thursday 14.00 WIB
        await schedule.reschedule(
            s, clock, organiser, meeting_id, when="5/3 14.00", quiet_hours=None
        )
    new_start = START + timedelta(days=2)
    due = {r.offset_minutes: r.due_at for r in await mf.reminders(db, meeting_id)}
    assert due == {1440: new_start - timedelta(hours=24), 60: new_start - timedelta(hours=1)}
    for moment in (DAY_BEFORE, HOUR_BEFORE):  # the old due times: nothing
        clock.set(moment)
        assert (await _tick(db, clock)).done == 0
    clock.set(new_start - timedelta(hours=24))
    await _tick(db, clock)
    await _tick(db, clock)
    assert len(await _reminder_rows(db)) == len(mf.SUKAMAJU)


async def test_a_queued_reminder_is_dropped_when_the_meeting_moves(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(
        db, clock, world, waktu="lusa 09.00", offsets=(timedelta(hours=10),)
    )
    clock.set(datetime(2026, 3, 3, 16, 0, tzinfo=UTC))  # 23.00 WIB: queued for 06.00
    await _tick(db, clock, NIGHT)
    assert len(await mf.deliveries(db)) == len(mf.SUKAMAJU)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.reschedule(
            s, clock, organiser, meeting_id, when="Senin depan 09.00", quiet_hours=NIGHT
        )
    assert {r.status for r in await _reminder_rows(db)} == {"dropped"}
    assert await mf.deliveries(db) == []
    (reminder,) = await mf.reminders(db, meeting_id)
    assert reminder.status == "pending"
    assert reminder.due_at == datetime(2026, 3, 9, 2, 0, tzinfo=UTC) - timedelta(hours=10)


async def test_cancel_drops_reminders(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    clock.set(DAY_BEFORE)
    await _tick(db, clock, NIGHT)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.cancel(s, clock, organiser, meeting_id, quiet_hours=None)
    statuses = {r.offset_minutes: r.status for r in await mf.reminders(db, meeting_id)}
    assert statuses == {1440: "done", 60: "cancelled"}
    clock.set(HOUR_BEFORE)
    assert (await _tick(db, clock)).done == 0
    assert len(await _reminder_rows(db)) == len(mf.SUKAMAJU)  # only the day-before one


@pytest.mark.skipif(not PG_URL, reason="concurrent claimers need PostgreSQL")
async def test_two_concurrent_claimers_deliver_each_reminder_once(db, clock, database_url):
    world = await mf.seed(db, clock)
    for _ in range(3):
        await mf.scheduled(db, clock, world, "koordinator")
        await mf.scheduled(db, clock, world)
    clock.set(START - timedelta(minutes=30))  # six meetings, two reminders each, all due
    one, two = Database(database_url), Database(database_url)
    try:

        async def claimer(database: Database) -> int:
            done = 0
            for _ in range(6):
                async with database.transaction() as s:
                    run = await enqueue_due_reminders(
                        s, clock, postgres=True, quiet_hours=None, limit=2
                    )
                done += run.done
                await asyncio.sleep(0)
            return done

        counts = await asyncio.gather(claimer(one), claimer(two))
    finally:
        await one.dispose()
        await two.dispose()
    assert sum(counts) == 12
    delivered = [(d.reminder_id, d.person_id) for d in await mf.deliveries(db)]
    assert len(delivered) == len(set(delivered)) == 3 * 5 + 3 * 6 + 3 * 5 + 3 * 6


async def test_the_scheduler_job_queues_due_reminders_and_wakes_the_sender(db, clock):
    from bot.runtime.scheduler import ReminderScheduler

    world = await mf.seed(db, clock)
    await mf.scheduled(db, clock, world)
    clock.set(DAY_BEFORE)
    woken = asyncio.Event()
    job = ReminderScheduler(
        db, clock, quiet_hours=NIGHT, wake_sender=woken.set, interval_seconds=0.05
    )
    job.start()
    try:
        await asyncio.wait_for(woken.wait(), 10)
    finally:
        await job.stop()
    assert len(await _reminder_rows(db)) == len(mf.SUKAMAJU)
    assert (await job.run_once()).done == 0  # nothing left: no second reminder


async def test_stopping_the_job_lets_the_run_in_flight_finish(db, clock, monkeypatch):
    from bot.runtime import scheduler

    entered, finished = asyncio.Event(), []

    async def slow_run(*_args, **_kwargs) -> reminders.ReminderRun:
        entered.set()
        await asyncio.sleep(0.3)  # mid-transaction when stop() is called
        finished.append(True)
        return reminders.ReminderRun(done=1)

    monkeypatch.setattr(scheduler, "enqueue_due_reminders", slow_run)
    job = scheduler.ReminderScheduler(db, clock, quiet_hours=None, interval_seconds=60)
    job.start()
    await asyncio.wait_for(entered.wait(), 10)
    await job.stop()
    assert finished == [True]  # APScheduler's own shutdown would have cancelled it


async def test_stopping_lets_a_checkpoint_in_flight_finish(clock, monkeypatch, caplog, tmp_path):
    """Seen in a benchmark: a bot stopped mid-checkpoint logged the cancelled job as an ERROR.

    On a SQLite database of its own whichever store the suite runs on: only SQLite has the
    checkpoint job.
    """
    from bot.runtime import scheduler

    url = f"sqlite+aiosqlite:///{tmp_path / 'checkpoint.db'}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    entered, finished = asyncio.Event(), []

    async def slow_checkpoint() -> None:
        entered.set()
        await asyncio.sleep(0.3)  # on its thread when stop() is called
        finished.append(True)

    monkeypatch.setattr(scheduler, "CHECKPOINT_SECONDS", 0.05)
    monkeypatch.setattr(db, "checkpoint", slow_checkpoint)
    job = scheduler.ReminderScheduler(db, clock, quiet_hours=None, interval_seconds=60)
    job.start()
    await asyncio.wait_for(entered.wait(), 10)
    await job.stop()
    await db.dispose()
    assert finished == [True]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_long_run_is_not_reported_as_skipped_runs(db, clock, monkeypatch, caplog):
    """While one run works through a big batch, the next runs fall due and are skipped: as
    designed (one instance), so not a warning every interval in the operator's log."""
    from bot.runtime import scheduler

    finished = []

    async def slow_run(*_args, **_kwargs) -> reminders.ReminderRun:
        await asyncio.sleep(0.5)  # ten intervals long
        finished.append(True)
        return reminders.ReminderRun()

    monkeypatch.setattr(scheduler, "enqueue_due_reminders", slow_run)
    job = scheduler.ReminderScheduler(db, clock, quiet_hours=None, interval_seconds=0.05)
    job.start()
    await asyncio.sleep(0.7)
    await job.stop()
    assert finished  # the long run happened (and others fell due meanwhile)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_one_pass_of_the_job_queues_every_due_reminder_not_one_batch(db, clock, monkeypatch):
    """More due than one batch holds: the pass keeps claiming (in short transactions)."""
    from bot.runtime import scheduler

    monkeypatch.setattr(scheduler, "BATCH", 2)  # six meetings × two reminders, batches of 2
    claims: list[int] = []
    claim = scheduler.enqueue_due_reminders

    async def counted(*args, **kwargs):
        run = await claim(*args, **kwargs)
        claims.append(run.done)
        return run

    monkeypatch.setattr(scheduler, "enqueue_due_reminders", counted)
    world = await mf.seed(db, clock)
    for _ in range(3):
        await mf.scheduled(db, clock, world, "koordinator")
        await mf.scheduled(db, clock, world)
    clock.set(START - timedelta(minutes=30))
    job = scheduler.ReminderScheduler(db, clock, quiet_hours=None)
    assert (await job.run_once()).done == 12
    assert claims == [2, 2, 2, 2, 2, 2, 0]  # each batch its own short transaction
    assert (await job.run_once()).done == 0
