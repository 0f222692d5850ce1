"""Scheduling a meeting: invitations in each reader's language and zone with a calendar file,
RSVP, the organiser's counts, reschedule, cancel, attendance and minutes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.meetings import attendance, queries, rsvp, schedule
from bot.domain.meetings.dates import PAST
from storage.meeting_models import Meeting
from tests.domain import factories as f
from tests.domain import meeting_factories as mf

TOMORROW_14_WIB = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)


def _row(world, rows, who):
    return next(r for r in rows if r.person_id == world.people[who])


async def _rsvp(db, clock, world, who, meeting_id, attending):
    person = await f.actor(db, world.base, who)
    async with db.transaction() as s:
        return await rsvp.answer(s, clock, person, meeting_id, attending=attending)


async def test_everyone_in_the_audience_is_invited_in_their_language_and_zone(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    rows = await f.outbox_rows(db, kind="meeting.invitation")
    assert mf.names(world, [r.person_id for r in rows]) == mf.SUKAMAJU
    assert mf.names(world, [i.person_id for i in await mf.invitees(db, meeting_id)]) == mf.SUKAMAJU
    koordinator = _row(world, rows, "koordinator")
    assert "<b>Rapat persiapan usulan</b>" in koordinator.text
    assert "Rapat BKM" in koordinator.text
    assert "Selasa, 3 Maret 2026, pukul 14.00 WIB" in koordinator.text
    assert "Balai RW 05, Jl. Sukamaju No. 1" in koordinator.text
    assert "Membahas rencana kegiatan &amp; pembagian tugas" in koordinator.text  # escaped
    assert '<a href="https://maps.google.com/?q=-6.900000,107.600000">' in koordinator.text
    assert "Orang 201" in koordinator.text  # the organiser, by name
    assert "Tuesday, 3 March 2026, 14:00 WIB" in _row(world, rows, "anggota").text  # English
    assert "pukul 15.00 WITA" in _row(world, rows, "anggota_mks").text  # Makassar
    assert koordinator.buttons == [
        [
            {"label": "✅ Hadir", "data": f"mt:rsvp:{meeting_id}:y"},
            {"label": "❌ Berhalangan", "data": f"mt:rsvp:{meeting_id}:n"},
        ]
    ]
    assert all(r.topic == f"meeting:{meeting_id}" for r in rows)


async def test_the_calendar_file_carries_the_right_instant(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    files = await f.outbox_rows(db, kind="meeting.invitation", files=True)
    assert len(files) == len(mf.SUKAMAJU)  # each invitation is followed by its calendar file
    for row in files:
        assert row.file_name == f"rapat-{meeting_id}.ics"
        assert row.file_content is not None
        event = next(iter(Calendar.from_ical(row.file_content).walk("VEVENT")))
        assert event.decoded("dtstart") == TOMORROW_14_WIB
        assert event.decoded("dtend") == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
        assert str(event["summary"]) == "Rapat persiapan usulan"
        assert str(event["location"]) == "Balai RW 05, Jl. Sukamaju No. 1"
        assert "&" in str(event["description"]) and "&amp;" not in str(event["description"])
        assert str(event["uid"]) == f"rapat-{meeting_id}@paket-bot"


async def test_scheduling_twice_is_a_no_op_and_a_past_time_is_refused(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.schedule(
            s, clock, organiser, meeting_id, default_offsets=mf.DEFAULT_OFFSETS, quiet_hours=None
        )
    assert len(await f.outbox_rows(db, kind="meeting.invitation")) == len(mf.SUKAMAJU)

    late = await mf.compose(db, clock, world, "fasilitator_jpr", peserta="role:koordinator")
    clock.advance(days=2)  # the draft waited at its summary past its own start
    jpr = await f.actor(db, world.base, "fasilitator_jpr")
    with pytest.raises(InvalidInput) as caught:
        async with db.transaction() as s:
            await schedule.schedule(
                s, clock, jpr, late, default_offsets=mf.DEFAULT_OFFSETS, quiet_hours=None
            )
    assert caught.value.message == PAST
    assert (await mf.load(db, late)).status == "draf"
    assert await mf.invitees(db, late) == []


async def test_rsvp_counts_and_who_has_not_answered(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    await _rsvp(db, clock, world, "koordinator", meeting_id, True)
    await _rsvp(db, clock, world, "anggota", meeting_id, False)
    await _rsvp(db, clock, world, "anggota", meeting_id, True)  # changed the answer
    again = await _rsvp(db, clock, world, "anggota", meeting_id, True)
    assert not again.changed and again.rsvp == "hadir"
    await _rsvp(db, clock, world, "warga", meeting_id, False)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        view = await queries.organiser_view(s, clock, organiser, meeting_id)
    assert (view.counts.yes, view.counts.no, view.counts.unanswered) == (2, 1, 3)
    assert sorted(view.counts.unanswered_names) == ["Andi Makassar", "Orang 103", "Orang 104"]
    assert [r.offset_minutes for r in view.reminders] == [1440, 60]
    assert view.audience is not None and view.audience.code == f"bkm:{world.bkm}"


async def test_rsvp_refused_when_cancelled_begun_or_not_invited(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    with pytest.raises(NotFound):
        await _rsvp(db, clock, world, "mitra", meeting_id, True)
    clock.set(TOMORROW_14_WIB)
    with pytest.raises(InvalidTransition):
        await _rsvp(db, clock, world, "koordinator", meeting_id, True)
    clock.set(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.cancel(s, clock, organiser, meeting_id, quiet_hours=None)
    with pytest.raises(InvalidTransition):
        await _rsvp(db, clock, world, "koordinator", meeting_id, True)


async def test_reschedule_tells_everyone_once_and_keeps_rsvps(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world, quiet=(21, 6))
    await _rsvp(db, clock, world, "koordinator", meeting_id, True)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.reschedule(
            s, clock, organiser, meeting_id, when="lusa 09.00", quiet_hours=None
        )
    moved = await f.outbox_rows(db, kind="meeting.rescheduled")
    assert mf.names(world, [r.person_id for r in moved]) == mf.SUKAMAJU
    text = _row(world, moved, "koordinator").text
    assert "Semula: Selasa, 3 Maret 2026, pukul 14.00 WIB" in text
    assert "Menjadi: Rabu, 4 Maret 2026, pukul 09.00 WIB" in text
    assert "✅ Hadir" in text and "konfirmasi ulang" in text
    rsvps = {i.person_id: i.rsvp for i in await mf.invitees(db, meeting_id)}
    assert rsvps[world.people["koordinator"]] == "hadir"  # kept
    moved_file = (await f.outbox_rows(db, kind="meeting.rescheduled", files=True))[0]
    assert moved_file.id == moved[0].id + 1  # the new calendar file right after the notice
    event = next(iter(Calendar.from_ical(moved_file.file_content).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
    assert int(event["sequence"]) == 1
    # The invitations were still queued: dropped, the notice carries everything. Nothing
    # about the old time stays in the queue.
    invitations = await f.outbox_rows(db, kind="meeting.invitation")
    assert {r.status for r in invitations} == {"dropped"}


async def test_cancel_tells_everyone_and_stops_everything(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    await _rsvp(db, clock, world, "anggota2", meeting_id, False)
    organiser = await f.actor(db, world.base, "fasilitator")
    for _ in range(2):  # a double tap: one notice each
        async with db.transaction() as s:
            await schedule.cancel(
                s,
                clock,
                organiser,
                meeting_id,
                quiet_hours=None,
                reason="Balai RW dipakai <hajatan>",
            )
    cancelled = await f.outbox_rows(db, kind="meeting.cancelled")
    assert mf.names(world, [r.person_id for r in cancelled]) == mf.SUKAMAJU  # decliners too
    assert "Alasan: Balai RW dipakai &lt;hajatan&gt;" in cancelled[0].text
    assert {r.status for r in await mf.reminders(db, meeting_id)} == {"cancelled"}
    with pytest.raises(InvalidTransition):
        async with db.transaction() as s:
            await schedule.reschedule(s, clock, organiser, meeting_id, when="b09", quiet_hours=None)


async def test_only_the_organiser_or_a_fasilitator_of_the_kota_manages(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world, "koordinator")
    invited = await f.actor(db, world.base, "anggota")
    stranger = await f.actor(db, world.base, "koordinator_mks")
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await schedule.cancel(s, clock, invited, meeting_id, quiet_hours=None)
    with pytest.raises(NotFound):
        async with db.transaction() as s:
            await schedule.cancel(s, clock, stranger, meeting_id, quiet_hours=None)
    fasilitator = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.reschedule(s, clock, fasilitator, meeting_id, when="l14", quiet_hours=None)


async def test_bad_reschedule_changes_nothing(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    organiser = await f.actor(db, world.base, "fasilitator")
    before = (await mf.load(db, meeting_id)).model_dump()
    for when, duration in (("31/2 09.00", None), ("besok 09.00", "0"), ("kemarin", None)):
        with pytest.raises(InvalidInput):
            async with db.transaction() as s:
                await schedule.reschedule(
                    s, clock, organiser, meeting_id, when=when, duration=duration, quiet_hours=None
                )
    assert (await mf.load(db, meeting_id)).model_dump() == before
    assert await f.outbox_rows(db, kind="meeting.rescheduled") == []


async def test_attendance_is_pre_ticked_from_hadir_and_recorded_after_the_start(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    await _rsvp(db, clock, world, "koordinator", meeting_id, True)
    await _rsvp(db, clock, world, "anggota", meeting_id, True)
    organiser = await f.actor(db, world.base, "fasilitator")
    with pytest.raises(InvalidTransition):
        async with db.transaction() as s:
            await attendance.attendance_sheet(s, clock, organiser, meeting_id)
    clock.set(TOMORROW_14_WIB)
    async with db.transaction() as s:
        sheet = await attendance.attendance_sheet(s, clock, organiser, meeting_id)
    assert mf.names(world, [line.person_id for line in sheet.lines if line.present]) == [
        "anggota",
        "koordinator",
    ]
    async with db.transaction() as s:
        await attendance.mark_attendance(
            s, clock, organiser, meeting_id, person_id=world.people["anggota"], present=False
        )
        await attendance.mark_attendance(
            s, clock, organiser, meeting_id, person_id=world.people["warga"], present=True
        )
        sheet = await attendance.confirm_attendance(s, clock, organiser, meeting_id)
    assert sheet.confirmed and sheet.present == 2
    marked = {i.person_id: i.attended for i in await mf.invitees(db, meeting_id)}
    assert marked[world.people["warga"]] is True and marked[world.people["anggota"]] is False


async def test_minutes_are_kept_and_offered_to_the_bkms_proposals(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    organiser = await f.actor(db, world.base, "fasilitator")
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    async with db.transaction() as s:
        add = attendance.add_minutes
        await add(s, clock, organiser, meeting_id, kind="photo", file_id="PHOTO-1")
        count = await add(
            s, clock, organiser, meeting_id, kind="document", file_id="DOC-1",
            file_name="berita-acara.pdf", mime_type="application/pdf",
        )  # fmt: skip
        assert count == 2
        assert await add(s, clock, organiser, meeting_id, kind="photo", file_id="PHOTO-1") == 2
    with pytest.raises(InvalidInput):
        async with db.transaction() as s:
            await attendance.add_minutes(
                s, clock, organiser, meeting_id, kind="document", file_id="X",
                file_name="notulen.docx", mime_type="application/msword",
            )  # fmt: skip
    member = await f.actor(db, world.base, "anggota")
    async with db.transaction() as s:
        files = await queries.bkm_minutes(s, member, world.bkm)
    assert [(m.file_id, m.meeting_id) for m in files] == [
        ("PHOTO-1", meeting_id),
        ("DOC-1", meeting_id),
    ]
    outsider = await f.actor(db, world.base, "koordinator_mks")
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await queries.bkm_minutes(s, outsider, world.bkm)


async def test_my_upcoming_meetings(db, clock):
    world = await mf.seed(db, clock)
    first = await mf.scheduled(db, clock, world)
    second = await mf.scheduled(db, clock, world, "koordinator", waktu="Senin depan 10:00")
    member = await f.actor(db, world.base, "anggota2")
    async with db.transaction() as s:
        items = await queries.upcoming(s, clock, member)
        detail = await queries.meeting_detail(s, clock, member, first)
    assert [i.id for i in items] == [first, second]
    assert detail.can_rsvp and not detail.can_manage and detail.my_rsvp is None
    koordinator = await f.actor(db, world.base, "koordinator")
    async with db.transaction() as s:
        mine = await queries.upcoming(s, clock, koordinator)
    assert [(i.id, i.organising) for i in mine] == [(first, False), (second, True)]
    clock.set(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))  # the first has ended
    async with db.transaction() as s:
        assert [i.id for i in await queries.upcoming(s, clock, member)] == [second]
        assert (await s.get_one(Meeting, first)).status == "terjadwal"
