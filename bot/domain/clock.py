"""Injectable time, so tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until moved (tests)."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


class ShiftedClock:
    """Real time moved by an offset: it runs on by itself, and tests can jump it ahead.

    The running bot keeps its timers (the reminder job, the sender's polls) in real seconds
    while `now()` can be hours later, so an end-to-end test reaches tomorrow's reminder
    without sleeping until tomorrow.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, **delta: float) -> None:
        self._offset += timedelta(**delta)

    def set(self, when: datetime) -> None:
        """From now on, time runs on from `when`."""
        self._offset = when.astimezone(UTC) - datetime.now(UTC)
