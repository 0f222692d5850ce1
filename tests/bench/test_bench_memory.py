"""Memory: what handling 500 updates costs at its peak, and that nothing piles up afterwards.

tracemalloc counts Python allocations only (not SQLite's own cache), which is what a leak
in our code or in a session left open would grow.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

from tests.bench.chat import Chat, command, press

Report = Callable[[str, float, str], None]
UPDATES = 500
# Retained memory may move a little (SQLAlchemy's statement cache, interned strings);
# a leak of even 1 KiB per update would add about 500 KiB per batch, caught well below this.
MAX_GROWTH_KIB = 2 * 1024


def _conversation(chat: Chat, count: int) -> None:
    """A registered person's everyday traffic: /bantuan and menu buttons, alternating."""
    for i in range(count // 2):
        chat.send(command("bantuan"))
        chat.send(press("menu:undang" if i % 2 else "menu:bahasa"))


def _retained() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_router_memory_500_updates(
    benchmark: Any, chat: Chat, report: Report, full_run: None
) -> None:
    """Peak memory of 500 updates, then a leak check over 500 more."""
    _conversation(chat, 50)  # warm up: catalogs, compiled statements, the connection pool
    tracemalloc.start()
    try:
        before = _retained()
        benchmark.pedantic(_conversation, args=(chat, UPDATES), rounds=1)
        peak = tracemalloc.get_traced_memory()[1] - before
        after_first = _retained()
        _conversation(chat, UPDATES)
        growth = _retained() - after_first
    finally:
        tracemalloc.stop()
    report("peak_kib", round(peak / 1024), f"KiB peak above baseline over {UPDATES} updates")
    report("growth_kib", round(growth / 1024), f"KiB retained after {UPDATES} more updates")
    assert growth / 1024 < MAX_GROWTH_KIB, f"{growth / 1024:.0f} KiB retained: a leak?"
