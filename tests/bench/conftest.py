"""Benchmark fixtures: an event loop of our own, a router for a registered koordinator.

pytest-benchmark times plain functions, so each benchmark drives the async code with
`loop.run_until_complete` on a loop it owns. The shared `db` fixture lives on
pytest-asyncio's loop, and pooled connections (asyncpg's above all) must stay on the loop
that opened them, so the database here is built, used and disposed on our loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from bot.domain.clock import FrozenClock
from conversations.context import Services
from conversations.features import build_routes
from conversations.router import Router
from storage.db import Database
from tests.bench.chat import Chat, seed_koordinator

T = TypeVar("T")


@pytest.fixture
def full_run(benchmark: Any) -> None:
    """Skip under --benchmark-disable (plain `pytest`): this one takes seconds even run once."""
    if benchmark.disabled:
        pytest.skip("a long benchmark: run it with `make bench`")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.close()


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run one coroutine to completion on the benchmark's loop."""
    return loop.run_until_complete


@pytest.fixture
def bench_db(database_url: str, loop: asyncio.AbstractEventLoop) -> Iterator[Database]:
    """A fresh migrated database (SQLite, or TEST_DATABASE_URL), on the benchmark's loop."""
    database = Database(database_url)
    yield database
    loop.run_until_complete(database.dispose())


@pytest.fixture
def chat(bench_db: Database, clock: FrozenClock, run: Callable[..., Any]) -> Chat:
    """The koordinator of BKM A, registered, in front of the router with every feature."""
    run(seed_koordinator(bench_db, clock))
    router = Router(Services(db=bench_db, clock=clock), build_routes())
    return Chat(router, run)


@pytest.fixture
def report(benchmark: Any, capsys: pytest.CaptureFixture[str]) -> Callable[[str, float, str], None]:
    """Record a derived figure in the benchmark's extra_info and show it even under capture."""

    def record(key: str, value: float, unit: str) -> None:
        benchmark.extra_info[key] = value
        with capsys.disabled():
            print(f"\n  {benchmark.name}: {value:,} {unit}")

    return record
