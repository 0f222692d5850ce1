"""The live progress message of an announcement, kept up to date while it is sent.

Every INTERVAL_SECONDS one pass asks the domain which progress messages show something out of
date (bot/domain/announcements/progress.py: counts changed, or the sending ended and the
message should become the report), edits each in place with editMessageText, and records what
it now shows. So a message is edited at most once per pass, and only when its text changed.

- What each message shows is kept on its announcement, so a restarted bot picks up where it
  stopped: it edits the same message on, and a finished one becomes its report.
- The edits go through the edge (bot/runtime/edge.py), so through the same pacer as every
  other call: they never add to a 429. Should one come back anyway, the pass ends early and
  the next one tries again. "message is not modified" (the author pressed 🔄 Perbarui and
  got the same text) counts as shown. A message that can no longer be edited (deleted,
  or the author blocked the bot) is closed, so it is not tried forever.
- Only the process running the outbox sender edits (its leadership), so two processes never
  edit the same message at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace

from bot.domain.announcements import progress
from bot.domain.announcements.progress import Edit
from bot.domain.clock import Clock
from bot.runtime.edge import Blocked, Edge, Refused, SlowDown, Trouble
from storage.db import Database, is_unavailable

log = logging.getLogger(__name__)
# Telegram tolerates edits far more often, but a person reads a count every few seconds.
INTERVAL_SECONDS = 3.0


class ProgressReporter:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        edge: Edge,
        *,
        send_rate: float,
        leads: Callable[[], bool] = lambda: True,
        interval_seconds: float = INTERVAL_SECONDS,
    ) -> None:
        self.db, self.clock, self.edge = db, clock, edge
        self.send_rate, self.leads, self.interval_seconds = send_rate, leads, interval_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="announcement-progress")

    async def stop(self) -> None:
        """Let a pass in flight finish (its edits recorded), then stop."""
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            if self.leads():
                try:
                    await self.run_once()
                except Exception as error:  # one bad pass must not end the updates
                    level = logging.WARNING if is_unavailable(error) else logging.ERROR
                    log.log(
                        level, "announcement progress pass failed; trying again", exc_info=error
                    )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval_seconds)

    async def run_once(self) -> int:
        """One pass: edit every out-of-date progress message; returns how many were shown."""
        async with self.db.transaction() as session:
            edits = await progress.due_updates(session, self.clock, send_rate=self.send_rate)
        shown: list[Edit] = []
        for edit in edits:
            try:
                await self.edge.edit_text(edit.chat_id, edit.message_id, edit.text, edit.buttons)
            except SlowDown:  # the pacer now pauses; the rest wait for the next pass
                break
            except Refused as error:
                if not error.not_modified:  # deleted, or too old: it cannot be edited again
                    log.warning("progress of announcement %s: %s", edit.announcement_id, error)
                    edit = replace(edit, final=True)
            except Blocked:  # the author blocked the bot: nobody to show it to
                edit = replace(edit, final=True)
            except Trouble as error:  # network trouble: the next pass tries again
                log.info("progress of announcement %s not edited: %s", edit.announcement_id, error)
                continue
            shown.append(edit)
        if shown:
            async with self.db.transaction() as session:
                for edit in shown:
                    await progress.record_shown(session, edit)
        return len(shown)
