"""Announcements: compose, send now or later, acknowledge once, stop, cancel, report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.domain import outbox
from bot.domain.announcements import compose, limits, publish, queries
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.outbox import mark_sent, mark_unreachable
from storage.announcement_models import Announcement, AnnouncementStatus
from storage.models import OutboxPriority, Person
from tests.domain import factories as f

KOORDINATORS_BANDUNG = ["koordinator", "koordinator2", "koordinator_awal"]
QUIET = (21, 6)


async def _draft(db, clock, world, who="fasilitator", body="Rapat besar Sabtu ini.", **kw):
    actor = await f.actor(db, world, who)
    async with db.transaction() as s:
        draft = await compose.start(s, clock, actor)
        await compose.set_body(s, clock, actor, draft.id, body)
        await compose.set_audience(
            s, clock, actor, draft.id, kw.get("audience", "role:koordinator")
        )
        await compose.set_send_at(s, clock, actor, draft.id, kw.get("when"))
        assert draft.id is not None
        return actor, draft.id


async def _confirm(db, clock, actor, announcement_id):
    async with db.transaction() as s:
        return (await publish.confirm(s, clock, actor, announcement_id, quiet=QUIET)).status


async def _progress(db, clock, announcement_id):
    async with db.transaction() as s:
        return await queries.progress(s, clock, await s.get_one(Announcement, announcement_id))


def _names(world, person_ids):
    by_id = {v: k for k, v in world.people.items()}
    return sorted(by_id[p] for p in person_ids)


async def test_send_now_queues_one_framed_row_per_recipient_in_their_language(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:  # one koordinator reads English
        person = await s.get_one(Person, world.people["koordinator2"])
        person.locale = "en"
    actor, ann = await _draft(db, clock, world, body="Rapat <besar> & penting 🎉")
    assert await _confirm(db, clock, actor, ann) == AnnouncementStatus.SENDING
    rows = await f.outbox_rows(db, kind="announcement")
    assert _names(world, [r.person_id for r in rows]) == KOORDINATORS_BANDUNG
    assert {r.topic for r in rows} == {f"announcement:{ann}"}
    assert {r.priority for r in rows} == {OutboxPriority.BULK.value}
    by = {r.person_id: r for r in rows}
    indonesian = by[world.people["koordinator"]]
    assert indonesian.text.startswith("📢 <b>Pengumuman dari Fasilitator Kota Bandung</b>")
    assert "Rapat &lt;besar&gt; &amp; penting 🎉" in indonesian.text
    assert indonesian.buttons[0][0]["data"] == f"an:ack:{ann}"
    assert by[world.people["koordinator2"]].text.endswith("Rapat &lt;besar&gt; &amp; penting 🎉")


async def test_text_over_the_limit_is_refused_with_the_count(db, clock):
    world = await f.seed(db, clock)
    actor = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        draft = await compose.start(s, clock, actor)
        with pytest.raises(InvalidInput) as refused:
            await compose.set_body(s, clock, actor, draft.id, "😀" * 2100)
    assert refused.value.params["count"] == 4200
    assert limits.utf16_length("😀a") == 3
    with pytest.raises(InvalidInput):
        limits.check_body("x" * 1025, with_file=True)


async def test_a_koordinator_announces_only_to_their_own_bkm(db, clock):
    world = await f.seed(db, clock)
    actor = await f.actor(db, world, "koordinator")
    async with db.transaction() as s:
        draft = await compose.start(s, clock, actor)
        with pytest.raises(NotAllowed):
            await compose.set_audience(s, clock, actor, draft.id, "role:koordinator")
        with pytest.raises(NotAllowed):
            await compose.set_audience(s, clock, actor, draft.id, f"bkm:{world.bkm_awal}")
        await compose.set_audience(s, clock, actor, draft.id, f"bkm:{world.bkm}")
    anggota = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):
            await compose.start(s, clock, anggota)


async def test_acknowledged_once_and_only_by_a_recipient(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _draft(db, clock, world)
    await _confirm(db, clock, actor, ann)
    reader = await f.actor(db, world, "koordinator")
    async with db.transaction() as s:
        assert await publish.acknowledge(s, clock, reader, ann) is True
    async with db.transaction() as s:
        assert await publish.acknowledge(s, clock, reader, ann) is False
    stranger = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        with pytest.raises(NotFound):
            await publish.acknowledge(s, clock, stranger, ann)
    assert (await _progress(db, clock, ann)).acks == 1


async def test_report_counts_sent_and_names_the_unreachable_then_stop_drops_the_rest(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _draft(db, clock, world)
    await _confirm(db, clock, actor, ann)
    rows = {r.person_id: r for r in await f.outbox_rows(db, kind="announcement")}
    async with db.transaction() as s:
        await mark_sent(s, clock, rows[world.people["koordinator"]].id, 11)
        await mark_unreachable(s, clock, 103, "Forbidden: bot was blocked by the user")
    progress = await _progress(db, clock, ann)
    assert (progress.sent, progress.failed, progress.pending) == (1, 1, 1)
    assert [(u.name, u.bkms) for u in progress.unreachable] == [("Orang 103", ("BKM Sukamaju",))]
    async with db.transaction() as s:
        assert await publish.stop(s, clock, actor, ann) == 1
    progress = await _progress(db, clock, ann)
    assert (progress.sent, progress.failed, progress.stopped, progress.pending) == (1, 1, 1, 0)
    assert progress.announcement.status == AnnouncementStatus.STOPPED
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition):
            await publish.stop(s, clock, actor, ann)


async def test_sending_becomes_sent_when_nothing_is_left(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _draft(db, clock, world, audience=f"bkm:{world.bkm_awal}")
    await _confirm(db, clock, actor, ann)
    (row,) = await f.outbox_rows(db, kind="announcement")
    async with db.transaction() as s:
        await mark_sent(s, clock, row.id, 5)
    progress = await _progress(db, clock, ann)
    assert progress.done and progress.announcement.status == AnnouncementStatus.SENT
    assert queries.eta(100, 25.0).total_seconds() == 4


async def test_scheduled_starts_when_due_in_quiet_hours_and_can_be_cancelled(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _draft(db, clock, world, when="besok 22.00")
    assert await _confirm(db, clock, actor, ann) == AnnouncementStatus.SCHEDULED
    assert await f.outbox_rows(db, kind="announcement") == []
    clock.set(datetime(2026, 3, 3, 15, 0, tzinfo=UTC))  # 22.00 WIB: quiet hours
    async with db.transaction() as s:
        assert (
            await publish.start_due_announcements(s, clock, postgres=db.is_postgres, quiet=QUIET)
            == 3
        )
    rows = await f.outbox_rows(db, kind="announcement")
    assert {r.next_attempt_at for r in rows} == {datetime(2026, 3, 3, 23, 0, tzinfo=UTC)}
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition):
            await publish.cancel(s, clock, actor, ann)
    _, later = await _draft(db, clock, world, when="besok 09.00")
    await _confirm(db, clock, actor, later)
    async with db.transaction() as s:
        await publish.cancel(s, clock, actor, later)
        listed = await queries.listing(s, clock, actor)
    assert [p.announcement.status for p in listed] == ["dibatalkan", "mengirim"]
    async with db.transaction() as s:
        found = (await s.exec(select(Announcement).where(Announcement.id == later))).one()
    assert found.status == AnnouncementStatus.CANCELLED


async def test_many_recipients_are_queued_in_chunks_each_in_their_language(db, clock, monkeypatch):
    """The rows of a big audience go in several INSERTs (two people per chunk here): each
    recipient still gets their own language and the sender's order, and someone known to be
    unreachable is kept as a dropped row that the report names."""
    monkeypatch.setattr(outbox, "BULK_CHUNK", 2)
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        (await s.get_one(Person, world.people["koordinator2"])).locale = "en"
        (await s.get_one(Person, world.people["koordinator_awal"])).unreachable_at = clock.now()
    actor, ann = await _draft(db, clock, world, audience="kota")
    assert await _confirm(db, clock, actor, ann) == AnnouncementStatus.SENDING
    rows = await f.outbox_rows(db, kind="announcement")
    sendable = [r for r in rows if r.status == "pending"]
    assert len(sendable) > 2  # more than one chunk
    by = {r.person_id: r for r in sendable}
    assert by[world.people["koordinator2"]].text.startswith(
        "📢 <b>Announcement from the Facilitator of Bandung City</b>"
    )
    assert by[world.people["koordinator"]].text.startswith(
        "📢 <b>Pengumuman dari Fasilitator Kota Bandung</b>"
    )
    assert {r.buttons[0][0]["data"] for r in sendable} == {f"an:ack:{ann}"}
    assert {r.next_attempt_at for r in sendable} == {clock.now()}
    assert [r.id for r in sendable] == sorted(r.id for r in sendable)
    dropped = [r for r in rows if r.status == "dropped"]
    assert [r.person_id for r in dropped] == [world.people["koordinator_awal"]]
    progress = await _progress(db, clock, ann)
    assert progress.announcement.recipients == len(sendable)
    assert [u.name for u in progress.unreachable] == ["Orang 105"]
