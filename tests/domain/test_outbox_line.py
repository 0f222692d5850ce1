"""Each chat's line in the outbox: messages in order, except that one held for the morning (quiet
hours) does not hold back one that is due now; a row already tried keeps its place."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.domain import outbox
from storage.db import Database
from storage.models import Outbox, Person


async def _person(db: Database) -> Person:
    async with db.transaction() as s:
        person = Person(telegram_id=901, name="Siti", locale="id")
        s.add(person)
    return person


async def _queue(db: Database, clock, person: Person, text: str, *, hours: float = 0, **file):
    async with db.transaction() as s:
        row = outbox.enqueue(
            s, clock, person, kind="test", text=text,
            not_before=clock.now() + timedelta(hours=hours), **file,
        )  # fmt: skip
        assert row is not None
    return row


async def _claim(db: Database, clock, *, sent: bool = True) -> list[str]:
    """Claim what is due (and mark it sent, unless `sent` is False)."""
    async with db.transaction() as s:
        rows = await outbox.claim_due(s, clock, limit=10, postgres=db.is_postgres)
        for row in rows if sent else ():
            assert row.id is not None
            await outbox.mark_sent(s, clock, row.id, message_id=row.id)
    return [r.text or f"file {r.file_name}" for r in rows]


async def _release(db: Database, clock, text: str, seconds: float) -> None:
    async with db.transaction() as s:
        rows = (await s.exec(select(Outbox).where(Outbox.text == text))).all()
        await outbox.release(s, clock, rows[0], seconds)


async def test_a_message_held_for_the_morning_lets_one_due_now_go_first(db, clock):
    person = await _person(db)
    await _queue(db, clock, person, "besok pagi", hours=7)  # quiet hours: 06.00
    await _queue(db, clock, person, "sekarang")  # a reminder for a meeting at 05.30
    assert await _claim(db, clock) == ["sekarang"]
    assert await _claim(db, clock) == []  # the morning one waits; one row per chat in flight
    clock.advance(hours=8)
    assert await _claim(db, clock) == ["besok pagi"]


async def test_messages_due_together_keep_their_order_and_one_tried_keeps_its_place(db, clock):
    person = await _person(db)
    await _queue(db, clock, person, "undangan", file_name="rapat-1.ics", file_content=b"ics")
    await _queue(db, clock, person, "berikutnya")
    assert await _claim(db, clock, sent=False) == ["undangan"]
    await _release(db, clock, "undangan", 30)  # its chat was busy: again in 30 s
    assert await _claim(db, clock) == []  # neither the calendar file nor the next overtakes it
    clock.advance(seconds=31)
    assert await _claim(db, clock) == ["undangan"]
    assert await _claim(db, clock) == ["file rapat-1.ics"]
    assert await _claim(db, clock) == ["berikutnya"]
