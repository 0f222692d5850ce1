"""The organiser reminds the invitees who have not answered: once an hour at most, only before
the meeting, only by those who may manage it; and the list of meetings held lately."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidTransition, NotAllowed
from bot.domain.meetings import nudge, queries, rsvp, schedule
from tests.domain import factories as f
from tests.domain import meeting_factories as mf


async def _nudge(db, clock, who, world, meeting_id) -> nudge.NudgeResult:
    organiser = await f.actor(db, world.base, who)
    async with db.transaction() as s:
        return await nudge.remind_unanswered(s, clock, organiser, meeting_id, quiet_hours=None)


async def test_only_the_silent_invitees_are_reminded_with_the_rsvp_buttons(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    for who, attending in (("anggota", True), ("warga", False)):
        person = await f.actor(db, world.base, who)
        async with db.transaction() as s:
            await rsvp.answer(s, clock, person, meeting_id, attending=attending)

    result = await _nudge(db, clock, "fasilitator", world, meeting_id)
    rows = await f.outbox_rows(db, kind=nudge.NUDGE)
    silent = sorted(set(mf.SUKAMAJU) - {"anggota", "warga"})
    assert (result.queued, result.recently) == (len(silent), 0)
    assert mf.names(world, [r.person_id for r in rows]) == silent
    koordinator = next(r for r in rows if r.person_id == world.people["koordinator"])
    assert "Pengingat rapat" in koordinator.text and "belum menjawab" in koordinator.text
    assert "Selasa, 3 Maret 2026, pukul 14.00 WIB" in koordinator.text
    assert koordinator.buttons[0][0]["data"] == f"mt:rsvp:{meeting_id}:y"
    assert all(r.topic == f"meeting:{meeting_id}" for r in rows)
    assert all(r.file_content is None for r in await f.outbox_rows(db, kind=nudge.NUDGE))


async def test_a_second_press_within_the_hour_reminds_nobody_again(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    first = await _nudge(db, clock, "fasilitator", world, meeting_id)
    again = await _nudge(db, clock, "fasilitator", world, meeting_id)
    assert (again.queued, again.recently) == (0, first.queued)
    clock.advance(hours=1, minutes=1)
    later = await _nudge(db, clock, "fasilitator", world, meeting_id)
    assert later.queued == first.queued
    assert len(await f.outbox_rows(db, kind=nudge.NUDGE)) == 2 * first.queued


async def test_only_a_manager_may_remind_and_only_before_the_meeting(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    with pytest.raises(NotAllowed):
        await _nudge(db, clock, "koordinator", world, meeting_id)  # invited, not the organiser
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        await schedule.cancel(s, clock, organiser, meeting_id, quiet_hours=None)
    with pytest.raises(InvalidTransition):
        await _nudge(db, clock, "fasilitator", world, meeting_id)
    assert await f.outbox_rows(db, kind=nudge.NUDGE) == []


async def test_meetings_held_lately_are_listed_for_who_may_manage_them(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.scheduled(db, clock, world)
    organiser = await f.actor(db, world.base, "fasilitator")
    invitee = await f.actor(db, world.base, "koordinator")
    async with db.transaction() as s:
        assert await queries.held(s, clock, organiser) == []
    clock.advance(days=1, hours=7, minutes=1)  # tomorrow 16.01: the 14.00-16.00 meeting is over
    async with db.transaction() as s:
        (item,) = await queries.held(s, clock, organiser)
        assert (item.id, item.organising) == (meeting_id, True)
        assert await queries.held(s, clock, invitee) == []
        assert await queries.upcoming(s, clock, organiser) == []
    clock.advance(days=31)
    async with db.transaction() as s:
        assert await queries.held(s, clock, organiser) == []
