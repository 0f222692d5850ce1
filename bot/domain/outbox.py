"""The outbox: every message sent unprompted is a row written in the causing transaction.

The sender (bot/runtime/sender.py) drains it; this module holds the framework-free half:
enqueue, claim, and the outcome of each attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, exists, func, insert, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.clock import Clock
from bot.domain.text_fit import CAPTION_LIMIT, TEXT_LIMIT, cut
from bot.ui import Button, Keyboard
from storage.models import Outbox, OutboxPriority, OutboxStatus, Person

MAX_ATTEMPTS = 8
QUEUED_FLAG = "outbox_queued"
# A row claimed longer ago than this belonged to a sender that died mid-send: send it again.
# Resending risks one duplicate message; not resending risks losing a status change. A
# duplicate is the lesser harm, and the window is one HTTP call long.
STALE_CLAIM = timedelta(minutes=2)
# Rows per INSERT when queueing many: big enough to be quick, small enough that the event loop
# serves a waiting chat between two.
BULK_CHUNK = 500
_T = TypeVar("_T")


def keyboard_to_json(buttons: Keyboard) -> list[list[dict[str, str]]]:
    return [
        [
            {k: v for k, v in (("label", b.label), ("data", b.data), ("url", b.url)) if v}
            for b in row
        ]
        for row in buttons
    ]


def keyboard_from_json(rows: Sequence[Sequence[dict[str, str]]]) -> Keyboard:
    return tuple(
        tuple(Button(b["label"], data=b.get("data"), url=b.get("url")) for b in row) for row in rows
    )


def reachable(person: Person) -> bool:
    """Whether unprompted messages may go to `person` (known chat, not gone, consent kept)."""
    # Consent withdrawn: no further messages (bot/domain/privacy.py).
    return not (
        person.telegram_id is None
        or person.deleted_at
        or person.unreachable_at
        or person.withdrawn_at
    )


def enqueue(
    session: AsyncSession,
    clock: Clock,
    person: Person,
    *,
    kind: str,
    text: str,
    buttons: Keyboard = (),
    not_before: datetime | None = None,
    topic: str | None = None,
    file_name: str | None = None,
    file_content: bytes | None = None,
    priority: OutboxPriority = OutboxPriority.PROMPT,
    media_kind: str | None = None,
    media_file_id: str | None = None,
) -> Outbox | None:
    """Queue `text` for `person` in the caller's transaction; skip people we cannot reach.

    `topic` ("meeting:17") lets the cause find its unsent rows again. `file_content` (a
    calendar file named `file_name`) goes as a second row right after the text: one Bot API
    call per row, so a retry never sends the text twice, and the text is not bound by the
    1,024-character caption limit. `priority` picks the lane: PROMPT (status changes,
    reminders, invitations, notices) is claimed ahead of every BULK row (broadcasts), so a
    broadcast of thousands never makes a status change wait behind it. `media_file_id` (a
    photo or document already on Telegram, of `media_kind`) goes in the same call as the
    text, which is then its caption: one call, so a recipient never gets one without the other.
    """
    if not reachable(person):
        return None
    letter = Letter(person, text, buttons, not_before or clock.now())
    media = Media(media_kind, media_file_id)
    row = Outbox(**_values(clock, letter, kind=kind, topic=topic, priority=priority, media=media))
    session.add(row)
    if file_content is not None:
        document = Outbox(**_values(clock, letter._replace(text="", buttons=()), kind=kind,
                                    topic=topic, priority=priority, media=Media()))  # fmt: skip
        document.file_name, document.file_content = file_name, file_content
        session.add(document)
    # The router reads this after commit to wake the sender at once instead of at its next poll.
    session.info[QUEUED_FLAG] = True
    return row


class Letter(NamedTuple):
    """One message planned for one person (`enqueue_many`)."""

    person: Person
    text: str
    buttons: Keyboard
    not_before: datetime


class Media(NamedTuple):
    """A photo or document already on Telegram, sent by file id with the text as caption."""

    kind: str | None = None
    file_id: str | None = None


async def enqueue_many(
    session: AsyncSession,
    clock: Clock,
    letters: Sequence[Letter],
    *,
    kind: str,
    topic: str | None,
    priority: OutboxPriority,
    media: Media = Media(),
) -> int:
    """Queue one row per letter in the caller's transaction, as plain INSERTs; returns the count.

    A broadcast queues thousands of rows: built as ORM objects they took 3–7 s of CPU on the
    event loop (SQLModel validates each one), holding every chat meanwhile. Rows go in
    chunks, and the loop serves others between two chunks. Letters to people who cannot be
    reached (`reachable`) are skipped, as `enqueue` skips them.
    """
    table = Outbox.__table__  # type: ignore[attr-defined]
    queued = 0
    for chunk in _chunks([letter for letter in letters if reachable(letter.person)]):
        rows = [
            _values(clock, letter, kind=kind, topic=topic, priority=priority, media=media)
            for letter in chunk
        ]
        await session.exec(insert(table), params=rows)  # type: ignore[call-overload]
        queued += len(rows)
        await asyncio.sleep(0)
    if queued:
        session.info[QUEUED_FLAG] = True
    return queued


async def record_dropped(
    session: AsyncSession, clock: Clock, people: Sequence[Person], *, kind: str, topic: str,
    priority: OutboxPriority, error: str,
) -> None:  # fmt: skip
    """A row per person that was never sent (`error` says why), so reports can name them."""
    table = Outbox.__table__  # type: ignore[attr-defined]
    for chunk in _chunks(people):
        rows = [
            {**_values(clock, Letter(person, "", (), clock.now()), kind=kind, topic=topic,
                       priority=priority, media=Media()),
             "chat_id": person.telegram_id or 0, "status": OutboxStatus.DROPPED.value,
             "error": error}
            for person in chunk
        ]  # fmt: skip
        await session.exec(insert(table), params=rows)  # type: ignore[call-overload]
        await asyncio.sleep(0)


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), BULK_CHUNK):
        yield items[start : start + BULK_CHUNK]


def _values(
    clock: Clock,
    letter: Letter,
    *,
    kind: str,
    topic: str | None,
    priority: OutboxPriority,
    media: Media,
) -> dict[str, Any]:
    """Every column of a new row, so a plain INSERT and an ORM object hold the same."""
    # The last guard on what is sent unprompted: too long, and Telegram would refuse it for good.
    limit = CAPTION_LIMIT if media.file_id is not None else TEXT_LIMIT
    return {
        "priority": int(priority),
        "person_id": letter.person.id,
        "chat_id": letter.person.telegram_id,
        "kind": kind,
        "text": cut(letter.text, limit),
        "buttons": keyboard_to_json(letter.buttons),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": letter.not_before,
        "created_at": clock.now(),
        "topic": topic,
        "media_kind": media.kind if media.file_id is not None else None,
        "media_file_id": media.file_id,
        "file_name": None,
        "file_content": None,
    }


def _ahead(other: Any, row: Any) -> ColumnElement[bool]:
    """Whether `other` comes before `row` in their chat's line.

    Rows already tried (waiting for a quiet chat or a retry) keep their place in the order
    they were queued, before any row not yet tried; rows not yet tried stand at their planned
    time, so one held for the morning by quiet hours lets one due now go first.
    """
    other_tried, row_tried = col(other.claimed_at).is_not(None), col(row.claimed_at).is_not(None)
    earlier = col(other.next_attempt_at) < col(row.next_attempt_at)
    same_time = col(other.next_attempt_at) == col(row.next_attempt_at)
    older = col(other.id) < col(row.id)
    return (other_tried & (~row_tried | older)) | (
        ~other_tried & ~row_tried & (earlier | (same_time & older))
    )


async def claim_due(
    session: AsyncSession, clock: Clock, *, limit: int, postgres: bool
) -> list[Outbox]:
    """Claim up to `limit` due rows, prompt lane first, then oldest first.

    Only the first open row of each chat is claimable, so each person receives unprompted
    messages in order and a batch holds at most one row per chat (see `_ahead` for the line).
    A chat's row in flight (status sending) stands first in its line, so a claim made while
    other sends are under way never takes a second row of the same chat.

    The lanes order the claim, never one chat's line: a chat's first row counts in the most
    urgent lane of any open row of that chat. A koordinator who is also in a broadcast and
    gets a status change meanwhile is served in the prompt lane: the announcement queued
    before it first, then the status change, both at once rather than at the broadcast's end.
    """
    now = clock.now()
    open_statuses = [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
    due = (col(Outbox.status) == OutboxStatus.PENDING.value) & (col(Outbox.next_attempt_at) <= now)
    stale = (col(Outbox.status) == OutboxStatus.SENDING.value) & (
        col(Outbox.claimed_at) <= now - STALE_CLAIM
    )
    other = aliased(Outbox)
    first_of_chat = ~exists().where(
        col(other.chat_id) == col(Outbox.chat_id),
        col(other.status).in_(open_statuses),
        _ahead(other, Outbox),
    )
    same_chat = aliased(Outbox)
    lane = (
        select(func.min(same_chat.priority))
        .where(
            col(same_chat.chat_id) == col(Outbox.chat_id),
            col(same_chat.status).in_(open_statuses),
        )
        .scalar_subquery()
    )
    stmt = (
        select(Outbox).where(due | stale, first_of_chat).order_by(lane, col(Outbox.id)).limit(limit)
    )
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list((await session.exec(stmt)).all())
    for row in rows:
        row.status, row.claimed_at = OutboxStatus.SENDING.value, now
        row.attempts += 1
        session.add(row)
    # The router reads this after commit to wake the sender at once instead of at its next poll.
    session.info[QUEUED_FLAG] = True
    return rows


async def mark_sent(session: AsyncSession, clock: Clock, row_id: int, message_id: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(col(Outbox.id) == row_id)
        .values(
            status=OutboxStatus.SENT.value, sent_at=clock.now(), message_id=message_id, error=None
        )
    )


async def mark_retry(
    session: AsyncSession, clock: Clock, row: Outbox, error: str, delay: float
) -> None:
    """Try again after `delay` seconds, or give up after MAX_ATTEMPTS."""
    failed = row.attempts >= MAX_ATTEMPTS
    await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(col(Outbox.id) == row.id)
        .values(
            status=(OutboxStatus.FAILED if failed else OutboxStatus.PENDING).value,
            next_attempt_at=clock.now() + timedelta(seconds=delay),
            error=error[:500],
        )
    )


async def release(session: AsyncSession, clock: Clock, row: Outbox, delay: float) -> None:
    """Put a claimed row back untouched (rate limited: not the row's fault)."""
    await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(col(Outbox.id) == row.id)
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=max(row.attempts - 1, 0),
            next_attempt_at=clock.now() + timedelta(seconds=delay),
        )
    )


async def mark_unreachable(session: AsyncSession, clock: Clock, chat_id: int, error: str) -> None:
    """The person blocked the bot: remember it and drop everything still queued for them."""
    person = (await session.exec(select(Person).where(Person.telegram_id == chat_id))).first()
    if person is not None and person.unreachable_at is None:
        person.unreachable_at = clock.now()
        session.add(person)
    await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(
            col(Outbox.chat_id) == chat_id,
            col(Outbox.status).in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
        )
        .values(status=OutboxStatus.DROPPED.value, error=error[:500])
    )


async def mark_reachable(session: AsyncSession, person: Person) -> None:
    """A person who wrote to the bot again can be reached again."""
    if person.unreachable_at is not None:
        person.unreachable_at = None
        session.add(person)
