"""The event loop the bot process runs on (EVENT_LOOP): uvloop by default, or asyncio's own.

Every update is a handful of Bot API calls and database round trips: the loop's own work (its
callbacks, timers, sockets) and aiohttp's transports are a large part of an update's CPU.
uvloop does that work in C; the conversations, the frameworks and the drivers run unchanged on
either loop. Where uvloop is not installed (it does not build on Windows) asyncio's loop runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def loop_factory(name: str) -> LoopFactory | None:
    """The factory of the loop called `name`; None means asyncio's default loop."""
    if name != "uvloop":
        return None
    try:
        import uvloop
    except ImportError:
        log.warning("EVENT_LOOP=uvloop, but uvloop is not installed: running on asyncio's loop")
        return None
    return uvloop.new_event_loop


def run_on(name: str, main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a new loop of the kind `name`, as asyncio.run does."""
    with asyncio.Runner(loop_factory=loop_factory(name)) as runner:
        return runner.run(main)
