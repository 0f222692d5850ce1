"""The outbox: every message sent unprompted is a row written in the causing transaction.

The sender (bot/runtime/sender.py) drains it; this module holds the framework-free half:
enqueue, claim, and the outcome of each attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, func, update
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
    if person.telegram_id is None or person.deleted_at or person.unreachable_at:
        return None
    if person.withdrawn_at:  # consent withdrawn: no further messages (bot/domain/privacy.py)
        return None
    due = not_before or clock.now()
    row = _row(clock, person, kind, due, topic, priority)
    # The last guard on what is sent unprompted: too long, and Telegram would refuse it for good.
    limit = CAPTION_LIMIT if media_file_id is not None else TEXT_LIMIT
    row.text, row.buttons = cut(text, limit), keyboard_to_json(buttons)
    if media_file_id is not None:
        row.media_kind, row.media_file_id = media_kind, media_file_id
    session.add(row)
    if file_content is not None:
        document = _row(clock, person, kind, due, topic, priority)
        document.file_name, document.file_content = file_name, file_content
        session.add(document)
    # The router reads this after commit to wake the sender at once instead of at its next poll.
    session.info[QUEUED_FLAG] = True
    return row


def _row(
    clock: Clock,
    person: Person,
    kind: str,
    due: datetime,
    topic: str | None,
    priority: OutboxPriority,
) -> Outbox:
    assert person.telegram_id is not None
    return Outbox(
        priority=int(priority),
        person_id=person.id,
        chat_id=person.telegram_id,
        kind=kind,
        text="",
        next_attempt_at=due,
        created_at=clock.now(),
        topic=topic,
    )


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
