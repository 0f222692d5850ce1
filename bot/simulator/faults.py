"""Seeded fault injection: the fake Bot API answers some calls with 5xx or not at all.

Real Telegram sometimes answers 500/502 or lets a request hang until the client gives up.
`Faults` decides, call by call and repeatably (one seeded random generator), which calls
fail and how:

- "error": 500 or 502 before the call does anything, as Telegram's front end does when a
  back end is away. A retry is always safe.
- "timeout": the request hangs before it is handled; the client's own timeout ends it (the
  server's handler is cancelled when the client goes away). Nothing happened, so a retry is
  safe too.
- "lost": the call takes effect, then its answer never comes (the client times out). This is
  the one case where a retry of a send shows the message twice; it is off unless asked for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# The long poll is left alone by default: the frameworks retry it on their own, and faults
# there only slow every test down without telling anything about the bot.
DEFAULT_EXEMPT = frozenset({"getupdates"})


@dataclass
class Faults:
    """Which calls fail, drawn from `seed`; `injected` records each (method, kind)."""

    rate: float = 0.1
    seed: int = 0
    timeout_share: float = 0.3  # of the faults, how many hang instead of answering 5xx
    lost_share: float = 0.0  # of the faults, how many take effect and then hang
    stall_seconds: float = 12.0  # longer than either runtime's call timeout (5 s, 10 s)
    exempt: frozenset[str] = DEFAULT_EXEMPT
    only: frozenset[str] | None = None  # when set, only these methods (lower case) may fail
    injected: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self, method: str) -> str | None:
        """The fault for this call of `method` ("error", "timeout", "lost"), or None."""
        name = method.lower()
        if name in self.exempt or (self.only is not None and name not in self.only):
            return None
        if self._random.random() >= self.rate:
            return None
        roll = self._random.random()
        if roll < self.lost_share:
            kind = "lost"
        elif roll < self.lost_share + self.timeout_share:
            kind = "timeout"
        else:
            kind = "error"
        self.injected.append((method, kind))
        return kind

    def status(self) -> tuple[int, str]:
        """The 5xx an "error" fault answers with."""
        return (
            (500, "Internal Server Error") if self._random.random() < 0.5 else (502, "Bad Gateway")
        )
