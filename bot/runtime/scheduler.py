"""The reminder scheduler: every few seconds, due meeting reminders become outbox rows.

An APScheduler 3 `AsyncIOScheduler` runs one job on the bot's event loop: open a transaction,
`enqueue_due_reminders`, commit, then wake the outbox sender so the reminders go out at once.
Every process may run it: a reminder is claimed by one transaction only (SKIP LOCKED on
PostgreSQL, the single writer on SQLite) and each (reminder, person) is delivered once, so no
leader election is needed here. Wiring (bot/runtime/app.py, after the sender is started):

    runtime.scheduler = ReminderScheduler(db, clock, quiet_hours=chat.quiet_hours,
                                          wake_sender=runtime.sender.wake)
    runtime.scheduler.start()              # and `await runtime.scheduler.stop()` on shut-down
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.domain import privacy
from bot.domain.announcements.publish import DEFAULT_SEND_RATE, start_due_announcements
from bot.domain.clock import Clock
from bot.domain.meetings.reminders import BATCH, ReminderRun, enqueue_due_reminders
from bot.domain.quiet_hours import QuietHours
from storage.db import Database, is_unavailable

log = logging.getLogger(__name__)
# Reminders are due to the minute; a few seconds late is unnoticeable and cheap to poll.
INTERVAL_SECONDS = 5
# Full batches claimed in one pass at most (BATCH reminders each), so one pass stays bounded.
MAX_BATCHES_PER_RUN = 50
JOB_ID = "meeting-reminders"
# Consent withdrawn longer ago than the retention period: erased within the hour.
HOUSEKEEPING_JOB_ID = "privacy-retention"
HOUSEKEEPING_SECONDS = 3600
# The first passes wait this long after start-up (reminders: or one interval, if shorter): run
# at once, on a cold process (statements compiled on first use) they held up the updates
# waiting at start-up by about 0.3 s.
FIRST_REMINDERS_AFTER = timedelta(seconds=1)
FIRST_HOUSEKEEPING_AFTER = timedelta(minutes=1)
# SQLite's log copied into the database file (storage.db.Database.checkpoint) this often: at a
# hundred updates a second the log grows about a megabyte a second.
CHECKPOINT_JOB_ID = "sqlite-checkpoint"
CHECKPOINT_SECONDS = 5


class _ExpectedSkips(logging.Filter):
    """Drops APScheduler's "skipped: maximum number of running instances" warnings.

    A run still in flight when the next falls due is expected here: one run works through
    every due batch (20,000 reminders take about 20 s), and the job allows one instance on
    purpose. APScheduler would warn about it every interval meanwhile.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances" not in str(record.msg)


# APScheduler's own messages, through a logger of ours so the filter touches no other scheduler.
_apscheduler_log = logging.getLogger(f"{__name__}.apscheduler")
_apscheduler_log.addFilter(_ExpectedSkips())


class ReminderScheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        quiet_hours: QuietHours,
        send_rate: float = DEFAULT_SEND_RATE,
        wake_sender: Callable[[], None] = lambda: None,
        interval_seconds: float = INTERVAL_SECONDS,
    ) -> None:
        self.db, self.clock, self.quiet_hours = db, clock, quiet_hours
        self.send_rate = send_rate  # for a started announcement's first "time left"
        self.wake_sender = wake_sender
        self.interval_seconds = interval_seconds
        self._scheduler: AsyncIOScheduler | None = None
        self._running = asyncio.Lock()  # stop() waits for a run in flight
        self._checkpointing = asyncio.Lock()  # and for a checkpoint

    def start(self) -> None:
        """Start the jobs on the running event loop; the first reminder pass comes in a second."""
        self._scheduler = AsyncIOScheduler(timezone=UTC, logger=_apscheduler_log)
        now = datetime.now(UTC)
        first = min(FIRST_REMINDERS_AFTER, timedelta(seconds=self.interval_seconds))
        self._scheduler.add_job(
            self.run_once, "interval", seconds=self.interval_seconds, id=JOB_ID,
            max_instances=1, coalesce=True, next_run_time=now + first,
        )  # fmt: skip
        self._scheduler.add_job(
            self.housekeeping, "interval", seconds=HOUSEKEEPING_SECONDS, id=HOUSEKEEPING_JOB_ID,
            max_instances=1, coalesce=True, next_run_time=now + FIRST_HOUSEKEEPING_AFTER,
        )  # fmt: skip
        if not self.db.is_postgres:
            self._scheduler.add_job(
                self.checkpoint, "interval", seconds=CHECKPOINT_SECONDS, id=CHECKPOINT_JOB_ID,
                max_instances=1, coalesce=True,
            )  # fmt: skip
        self._scheduler.start()

    async def stop(self) -> None:
        """No new runs; let the one in flight commit."""
        if self._scheduler is not None:
            # APScheduler's shutdown cancels a run in flight (mid-transaction): pause, let the
            # run finish, and only then shut down.
            self._scheduler.pause()
            async with self._running, self._checkpointing:
                self._scheduler.shutdown(wait=False)
            self._scheduler = None
        async with self._running:
            pass

    async def housekeeping(self) -> int:
        """Erase people whose withdrawal is older than the retention the notice promised."""
        async with self._running:
            try:
                async with self.db.transaction() as session:
                    erased = await privacy.erase_expired_withdrawals(session, self.clock)
            except Exception:
                log.exception("privacy retention failed; trying again at the next run")
                return 0
        if erased:
            log.info("privacy: erased %s people whose consent was withdrawn long ago", erased)
        return erased

    async def checkpoint(self) -> None:
        """SQLite's log into the database file, on a thread (commits never sync the file)."""
        # Held so that stop() waits for it: cancelled by APScheduler's shutdown, it was logged
        # as an error. A lock of its own: a long reminder run does not hold it up.
        async with self._checkpointing:
            try:
                await self.db.checkpoint()
            except Exception as error:  # the next run tries again; the log only grows meanwhile
                log.warning("SQLite checkpoint failed: %s", error)

    async def run_once(self) -> ReminderRun:
        """One pass: claim what is due, queue it, wake the sender. Errors are logged, not raised.

        Claims go in batches of BATCH, each its own short transaction (other updates take their
        turns between them), for as long as batches come back full: 2,000 meetings falling due
        in the same minute are queued in this pass, not one batch per interval.
        """
        total = ReminderRun()
        async with self._running:
            for _ in range(MAX_BATCHES_PER_RUN):
                try:
                    async with self.db.transaction() as session:
                        run = await enqueue_due_reminders(
                            session, self.clock, postgres=self.db.is_postgres,
                            quiet_hours=self.quiet_hours, limit=BATCH,
                        )  # fmt: skip
                        started = await start_due_announcements(
                            session, self.clock, postgres=self.db.is_postgres,
                            quiet=self.quiet_hours, send_rate=self.send_rate,
                        )  # fmt: skip
                except Exception as error:
                    # An outage is expected and retried; only other failures are bugs to page.
                    level = logging.WARNING if is_unavailable(error) else logging.ERROR
                    log.log(
                        level, "meeting reminders failed; trying again at the next run",
                        exc_info=error,
                    )  # fmt: skip
                    break
                total += run
                if run.queued or started:
                    self.wake_sender()  # the sender starts on this batch while we claim more
                if run.done + run.missed < BATCH:
                    break
        if total.done or total.missed:
            log.info(
                "reminders: %s done, %s missed, %s messages", total.done, total.missed, total.queued
            )
        return total
