"""Operator alerts: the first error pages at once, the rest of a burst arrive as one summary.

Anyone who can make the bot fail could otherwise page the operator once per message, and a
real outage (the database gone) would bury the operator's chat under identical pages. So at
most one alert per `window` seconds goes out; errors in between are counted by kind and sent
together when the window ends. Text is cut before it is escaped, never after: a cut escaped
string can end inside `&amp;` and Telegram refuses the whole page as invalid HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
DETAIL_CHARS = 300  # of one error's repr, before escaping
MAX_KINDS = 10  # distinct errors listed in one summary; the rest are counted
MESSAGE_LIMIT = 4096


def describe(error: BaseException) -> str:
    """One line that tells errors apart: type and message, cut to DETAIL_CHARS."""
    text = " ".join(repr(error).split())
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def first_alert(detail: str) -> str:
    return f"⚠️ PAKET Bot error: <code>{html.escape(detail)}</code>"


def summary_alert(counts: Counter[str], window: float) -> str:
    """The errors of one window, most frequent first, as many as fit one message."""
    total = sum(counts.values())
    head = f"⚠️ PAKET Bot: {total} more error(s) in the last {window:.0f} s"
    lines, shown = [head], _utf16(head)
    kinds = counts.most_common()
    for listed, (detail, count) in enumerate(kinds):
        line = f"• {count}× {detail}"
        # Telegram counts the text without tags, in UTF-16 units; keep room for the last line.
        if listed == MAX_KINDS or shown + 1 + _utf16(line) > MESSAGE_LIMIT - 40:
            lines.append(f"• … and {len(kinds) - listed} other kind(s)")
            break
        lines.append(f"• {count}× <code>{html.escape(detail)}</code>")
        shown += 1 + _utf16(line)
    return "\n".join(lines)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class OperatorAlerts:
    """Rate-limited, grouped pages to the operator's chat."""

    def __init__(
        self,
        send: Callable[[str], Awaitable[object]],
        *,
        window: float = WINDOW_SECONDS,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._window = window
        self._now = now
        self._last_sent: float | None = None
        self._pending: Counter[str] = Counter()
        self._flush_task: asyncio.Task[None] | None = None

    async def report(self, error: BaseException) -> None:
        """Page now if the window is free; otherwise count it for the next summary."""
        detail = describe(error)
        now = self._now()
        if self._last_sent is None or now - self._last_sent >= self._window:
            self._last_sent = now
            await self._deliver(first_alert(detail))
            return
        self._pending[detail] += 1
        if self._flush_task is None or self._flush_task.done():
            delay = self._window - (now - self._last_sent)
            self._flush_task = asyncio.create_task(self._flush_after(delay))

    async def _flush_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.flush()

    async def flush(self) -> None:
        """Send what was counted since the last page (shut-down calls this too)."""
        if not self._pending:
            return
        counts, self._pending = self._pending, Counter()
        self._last_sent = self._now()
        await self._deliver(summary_alert(counts, self._window))

    async def close(self) -> None:
        if self._flush_task is not None and not self._flush_task.done():
            self._flush_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flush_task
        await self.flush()

    async def _deliver(self, text: str) -> None:
        try:
            await self._send(text)
        except Exception:  # a lost page must never raise inside the error handler
            log.warning("could not page the operator", exc_info=True)
