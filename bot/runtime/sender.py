"""The paced sender: drains the outbox within Telegram's limits.

One loop for every unprompted message (notifications now; reminders and broadcasts later).
Its calls go through the bot's TelegramPacer like the replies do, so both share one view of
Telegram's limits: the global bucket (SEND_RATE) and each chat's recent messages (an
unprompted message waits until its chat is quiet). A 429 re-queues the row and pauses; a 403
marks the person unreachable; network trouble retries with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ExtBot

from bot.domain import outbox
from bot.domain.clock import Clock
from bot.domain.reachability import person_unreachable
from bot.runtime.leader import Leadership
from bot.runtime.pacing import OUTBOX, TelegramPacer, retry_seconds
from bot.runtime.render import markup
from storage.db import Database
from storage.models import Outbox

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 1.0
FOLLOWER_RETRY_SECONDS = 5.0
STOP_GRACE_SECONDS = 5.0
# A chat that just had a burst is looked at again after this long.
CHAT_QUIET_SECONDS = 1.0
# Sends awaiting Telegram's answer at once: at 100 ms a call, 25/s needs at least 3.
IN_FLIGHT = 16


class Sender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        bot: ExtBot,  # type: ignore[type-arg]
        pacer: TelegramPacer,
    ) -> None:
        self.db, self.clock, self.bot, self.pacer = db, clock, bot, pacer
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._leadership = Leadership(db)
        self._stopping = False

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Finish the rows in flight, put the rest of the batch back, then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE_SECONDS)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        await self._leadership.release()

    async def _run(self) -> None:
        while not self._stopping:
            if not await self._leadership.is_leader():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), FOLLOWER_RETRY_SECONDS)
                self._wake.clear()
                continue
            try:
                sent_any = await self.drain_once()
            except Exception:
                log.exception("outbox sender failed; retrying")
                sent_any = False
            if not sent_any:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
                self._wake.clear()

    async def drain_once(self, batch: int = 100) -> bool:
        """Claim due rows and try each once, several in flight; True when any was claimed.

        A batch holds at most one row per chat (see outbox.claim_due), so its rows can go out
        side by side without one chat's messages overtaking each other. Telegram is far away:
        waiting for each answer before the next send would cap the pace at 1/latency.
        """
        async with self.db.transaction() as session:
            rows = await outbox.claim_due(
                session, self.clock, limit=batch, postgres=self.db.is_postgres
            )
        in_flight = asyncio.Semaphore(IN_FLIGHT)

        async def one(row: Outbox) -> None:
            async with in_flight:
                if self._stopping:
                    async with self.db.transaction() as session:
                        await outbox.release(session, self.clock, row, 0)
                    return
                try:
                    await self._deliver(row)
                except Exception:  # one row's surprise must not stop the others
                    log.exception("outbox row %s failed unexpectedly", row.id)

        await asyncio.gather(*(one(row) for row in rows))
        return bool(rows)

    async def _send(self, row: Outbox) -> Message:
        """One call per row: a text, or a file (a calendar invitation) with the text as caption."""
        keyboard = markup(outbox.keyboard_from_json(row.buttons))
        if row.file_content is not None:
            return await self.bot.send_document(
                row.chat_id,
                InputFile(row.file_content, filename=row.file_name or "file"),
                caption=row.text or None,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                rate_limit_args={"lane": OUTBOX},
            )
        return await self.bot.send_message(
            row.chat_id,
            row.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            rate_limit_args={"lane": OUTBOX},
        )

    async def _deliver(self, row: Outbox) -> None:
        """Try one row once and record what happened."""
        if not self.pacer.chat_is_quiet(row.chat_id):
            async with self.db.transaction() as session:
                await outbox.release(session, self.clock, row, CHAT_QUIET_SECONDS)
            return
        try:
            message = await self._send(row)
        except RetryAfter as error:
            delay = retry_seconds(error)
            async with self.db.transaction() as session:
                await outbox.release(session, self.clock, row, delay)
            return
        except Forbidden as error:
            async with self.db.transaction() as session:
                await person_unreachable(session, self.clock, row.chat_id, str(error))
            return
        except BadRequest as error:  # will never succeed as it is: keep it for the operator
            log.error("outbox row %s refused: %s", row.id, error)
            row.attempts = outbox.MAX_ATTEMPTS
            async with self.db.transaction() as session:
                await outbox.mark_retry(session, self.clock, row, str(error), 0)
            return
        except NetworkError as error:
            async with self.db.transaction() as session:
                await outbox.mark_retry(
                    session, self.clock, row, str(error), min(2**row.attempts, 300)
                )
            return
        assert row.id is not None
        async with self.db.transaction() as session:
            await outbox.mark_sent(session, self.clock, row.id, message.message_id)
