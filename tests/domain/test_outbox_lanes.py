"""The outbox's lanes: prompt rows (status changes, reminders) are claimed ahead of bulk rows
(broadcasts), without ever changing the order of one person's messages."""

from __future__ import annotations

from bot.domain import outbox
from storage.db import Database
from storage.models import Outbox, OutboxPriority, Person

BULK = OutboxPriority.BULK


async def _people(db: Database, count: int, first: int = 1000) -> list[Person]:
    async with db.transaction() as s:
        people = [
            Person(telegram_id=first + i, name=f"Warga {i}", locale="id") for i in range(count)
        ]
        s.add_all(people)
    return people


async def _queue(db, clock, person: Person, text: str, priority=OutboxPriority.PROMPT) -> None:
    async with db.transaction() as s:
        assert outbox.enqueue(s, clock, person, kind="t", text=text, priority=priority)


async def _claim(db: Database, clock, limit: int, *, sent: bool = True) -> list[Outbox]:
    async with db.transaction() as s:
        rows = await outbox.claim_due(s, clock, limit=limit, postgres=db.is_postgres)
        for row in rows if sent else ():
            assert row.id is not None
            await outbox.mark_sent(s, clock, row.id, message_id=row.id)
    return rows


async def test_enqueue_defaults_to_the_prompt_lane(db, clock):
    (person,) = await _people(db, 1)
    async with db.transaction() as s:
        row = outbox.enqueue(s, clock, person, kind="t", text="status")
        bulk = outbox.enqueue(s, clock, person, kind="t", text="kabar", priority=BULK)
    assert row is not None and row.priority == OutboxPriority.PROMPT
    assert bulk is not None and bulk.priority == BULK


async def test_a_prompt_row_is_claimed_ahead_of_a_queued_broadcast(db, clock):
    *members, koordinator = await _people(db, 41)
    for member in members:
        await _queue(db, clock, member, "pengumuman", BULK)
    await _queue(db, clock, koordinator, "status berubah")
    first = await _claim(db, clock, 4)
    assert [r.text for r in first] == ["status berubah"] + ["pengumuman"] * 3
    assert [r.chat_id for r in first[1:]] == [m.telegram_id for m in members[:3]]  # oldest first


async def test_a_person_in_the_broadcast_keeps_their_order_and_is_served_promptly(db, clock):
    *members, koordinator = await _people(db, 41)
    for member in [*members, koordinator]:
        await _queue(db, clock, member, "pengumuman", BULK)
    await _queue(db, clock, koordinator, "status berubah")  # queued after their announcement
    # The koordinator's line is announcement, then status change; their line is in the prompt
    # lane, so the announcement is claimed first of all, ahead of 40 older bulk rows.
    first = await _claim(db, clock, 1)
    assert [(r.chat_id, r.text) for r in first] == [(koordinator.telegram_id, "pengumuman")]
    second = await _claim(db, clock, 1)
    assert [(r.chat_id, r.text) for r in second] == [(koordinator.telegram_id, "status berubah")]


async def test_a_claim_while_a_chat_has_a_row_in_flight_skips_that_chat(db, clock):
    siti, budi = await _people(db, 2)
    await _queue(db, clock, siti, "satu")
    in_flight = await _claim(db, clock, 5, sent=False)  # out to Telegram, not answered yet
    assert [r.text for r in in_flight] == ["satu"]
    await _queue(db, clock, siti, "dua")
    await _queue(db, clock, budi, "halo", BULK)
    assert [r.text for r in await _claim(db, clock, 5, sent=False)] == ["halo"]
    async with db.transaction() as s:
        assert in_flight[0].id is not None
        await outbox.mark_sent(s, clock, in_flight[0].id, message_id=1)
    assert [r.text for r in await _claim(db, clock, 5)] == ["dua"]


async def test_many_rows_in_the_bulk_lane_skip_who_cannot_be_reached(db, clock, monkeypatch):
    """A broadcast's plain INSERTs skip the same people `enqueue` skips, across chunks, and
    its rows are claimed in the bulk lane, in the order given."""
    monkeypatch.setattr(outbox, "BULK_CHUNK", 2)
    people = await _people(db, 5)
    people[1].withdrawn_at = clock.now()  # consent withdrawn: no further messages
    people[3].unreachable_at = clock.now()  # blocked the bot
    letters = [outbox.Letter(p, f"kabar {i}", (), clock.now()) for i, p in enumerate(people)]
    async with db.transaction() as s:
        queued = await outbox.enqueue_many(
            s, clock, letters, kind="announcement", topic="announcement:1", priority=BULK
        )
    assert queued == 3
    claimed = await _claim(db, clock, 10)
    assert [(r.chat_id, r.text, r.priority) for r in claimed] == [
        (1000, "kabar 0", BULK), (1002, "kabar 2", BULK), (1004, "kabar 4", BULK)
    ]  # fmt: skip
