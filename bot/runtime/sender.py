"""The paced sender: drains the outbox within Telegram's limits.

One loop for every unprompted message: notifications, reminders, invitations and broadcasts.
Its calls go through the edge and the bot's pacer like the replies do, so both share one view of
Telegram's limits: the global bucket (SEND_RATE) and each chat's recent messages (an
unprompted message waits until its chat is quiet).

- A pipeline, not batches: up to IN_FLIGHT rows are out at once, and as sends finish the
  loop claims more, so the pace never waits for the slowest send of a batch. At 100 ms a
  call the pacer, not the round trip, sets the pace.
- Lanes: the claim takes prompt rows (status changes, reminders) before bulk rows
  (broadcasts), and it claims only as many rows as there are free slots, so a status change
  queued during a broadcast of thousands waits behind at most IN_FLIGHT sends.
- Per chat in order: a chat's row in flight stands first in its line (outbox.claim_due), so
  a chat never has two rows out at once.
- Outcomes: 429 → the row goes back untouched and the pacer pauses (everything, or that
  chat); 403 → the person is unreachable and their queued rows are dropped, never retried;
  5xx, timeouts and other network trouble → retried with backoff (2 s, 4 s, … up to
  MAX_ATTEMPTS). A timeout is ambiguous (Telegram may have delivered it): the row is sent
  again, so a timeout can cause one duplicate — the same one-call window as a crash
  mid-send (docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.domain import outbox
from bot.domain.clock import Clock
from bot.domain.reachability import person_unreachable
from bot.runtime.edge import Blocked, Edge, EdgeError, Lane, Refused, SlowDown
from bot.runtime.leader import Leadership
from bot.runtime.pacing import Pacer
from bot.ui import FileRef
from storage.db import Database, is_unavailable
from storage.models import Outbox

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 1.0
FOLLOWER_RETRY_SECONDS = 5.0
STOP_GRACE_SECONDS = 5.0
# A chat that just had a burst is looked at again after this long.
CHAT_QUIET_SECONDS = 1.0
# Rows out at once (waiting for the pacer or for Telegram's answer). At 100 ms a call, 25/s
# needs 3 in flight; more only lets a burst through. It also bounds how many bulk rows a
# prompt row queued during a broadcast can find ahead of it: IN_FLIGHT / SEND_RATE seconds.
IN_FLIGHT = 16
# While busy, claim again once this many slots are free: fewer, larger claim transactions.
CLAIM_WHEN_FREE = 4
# Backoff for network trouble: 2 s, 4 s, 8 s … capped.
MAX_BACKOFF_SECONDS = 300


class Sender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        edge: Edge,
        pacer: Pacer,
    ) -> None:
        self.db, self.clock, self.edge, self.pacer = db, clock, edge, pacer
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._leadership = Leadership(db)
        self._stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()
        # Whether this process ran the sender at its last look (the progress messages follow).
        self.leading = False

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Finish the rows in flight (rows not yet sent go back), then stop."""
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
        woken = True
        try:
            while not self._stopping:
                free = IN_FLIGHT - len(self._in_flight)
                if self._wake.is_set():  # remembered until a claim, even with no slot free now
                    self._wake.clear()
                    woken = True
                claimed = exhausted = 0
                if free >= CLAIM_WHEN_FREE or (free and (woken or not self._in_flight)):
                    woken = False
                    if not await self._leads():
                        continue
                    try:
                        claimed = await self._claim(free)
                    except Exception as error:
                        _log_failure(error, "outbox sender failed; retrying")
                    exhausted = claimed < free
                if claimed and not exhausted:
                    continue  # more may be due: claim again once slots free up
                await self._wait(IDLE_POLL_SECONDS)
            if self._in_flight:
                await asyncio.wait(self._in_flight)
        finally:
            for task in self._in_flight:
                task.cancel()

    async def _leads(self) -> bool:
        """Whether this process runs the sender; a follower waits and asks again later."""
        try:
            self.leading = await self._leadership.is_leader()
        except Exception as error:
            # The database is out of reach (PostgreSQL refuses connections): the loop must
            # outlive the outage, or nothing queued would ever be sent again.
            _log_failure(error, "outbox sender cannot reach the database; retrying")
            self.leading = False
        if self.leading:
            return True
        await self._wait(FOLLOWER_RETRY_SECONDS)
        return False

    async def _wait(self, seconds: float) -> None:
        """Until a send finishes (its slot frees, its chat's next row may be due), a wake,
        or `seconds` pass."""
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait(
                {waker, *self._in_flight}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waker.cancel()

    async def _claim(self, limit: int) -> int:
        """Claim up to `limit` due rows (prompt lane first) and start sending each."""
        async with self.db.transaction() as session:
            rows = await outbox.claim_due(
                session, self.clock, limit=limit, postgres=self.db.is_postgres
            )
        for row in rows:
            task = asyncio.create_task(self._one(row), name=f"outbox-{row.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(rows)

    async def drain_once(self, batch: int = IN_FLIGHT) -> bool:
        """Claim due rows, send them and wait for all; True when any was claimed (tests)."""
        claimed = await self._claim(batch)
        if self._in_flight:
            await asyncio.wait(self._in_flight)
        return bool(claimed)

    async def _one(self, row: Outbox) -> None:
        if self._stopping:
            async with self.db.transaction() as session:
                await outbox.release(session, self.clock, row, 0)
            return
        try:
            await self._deliver(row)
        except Exception:  # one row's surprise must not stop the others
            log.exception("outbox row %s failed unexpectedly", row.id)

    async def _send(self, row: Outbox) -> int:
        """One call per row: a text, a file (a calendar invitation), or a photo or document
        already on Telegram (an announcement's, by its file id); the text is the caption."""
        buttons = outbox.keyboard_from_json(row.buttons)
        lane = Lane(outbox=True, priority=row.priority)
        if row.media_file_id is not None:
            media = FileRef(row.media_file_id, row.media_kind or "document")
            return await self.edge.send_file(
                row.chat_id, media, row.text or None, buttons, lane=lane
            )
        if row.file_content is not None:
            upload = FileRef("", "document", row.file_name or "file", content=row.file_content)
            return await self.edge.send_file(
                row.chat_id, upload, row.text or None, buttons, lane=lane
            )
        return await self.edge.send_text(row.chat_id, row.text, buttons, lane=lane)

    async def _deliver(self, row: Outbox) -> None:
        """Try one row once and record what happened."""
        if not self.pacer.chat_is_quiet(row.chat_id):
            async with self.db.transaction() as session:
                await outbox.release(session, self.clock, row, CHAT_QUIET_SECONDS)
            return
        try:
            message_id = await self._send(row)
        except SlowDown as error:
            async with self.db.transaction() as session:
                await outbox.release(session, self.clock, row, error.seconds)
            return
        except Blocked as error:
            async with self.db.transaction() as session:
                await person_unreachable(session, self.clock, row.chat_id, str(error))
            return
        except Refused as error:  # will never succeed as it is: keep it for the operator
            log.error("outbox row %s refused: %s", row.id, error)
            row.attempts = outbox.MAX_ATTEMPTS
            async with self.db.transaction() as session:
                await outbox.mark_retry(session, self.clock, row, str(error), 0)
            return
        except EdgeError as error:
            # 5xx, a timeout, a dropped connection, and anything else Telegram answers.
            # Retried with backoff; after a timeout Telegram may have delivered it, and the
            # retry sends it again (one possible duplicate).
            async with self.db.transaction() as session:
                await outbox.mark_retry(
                    session, self.clock, row, str(error), min(2**row.attempts, MAX_BACKOFF_SECONDS)
                )
            return
        assert row.id is not None
        async with self.db.transaction() as session:
            await outbox.mark_sent(session, self.clock, row.id, message_id)


def _log_failure(error: Exception, message: str) -> None:
    """A database outage is expected and retried (a warning); anything else is a bug."""
    if is_unavailable(error):
        log.warning("%s: %s", message, error)
    else:
        log.error(message, exc_info=error)
