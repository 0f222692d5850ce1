"""Router throughput: how many updates a second one bot process answers for a registered person.

Each round is one whole update as the runtime hands it over: the duplicate check, loading
the person, their roles and dialog, the handler, and the commit (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.ui import Incoming
from tests.bench.chat import Chat, command, press

Report = Callable[[str, float, str], None]
ROUNDS = 300
WARMUP = 20


def _report_rate(benchmark: Any, report: Report) -> None:
    # The median: other work on a shared machine skews the mean. No stats when run once.
    if benchmark.stats is not None:
        report("updates_per_s", round(1 / benchmark.stats.stats.median), "updates/s")


def _throughput(benchmark: Any, report: Report, chat: Chat, incoming: Incoming) -> None:
    assert chat.send(incoming).replies  # the update is really answered, not refused
    benchmark.pedantic(chat.send, args=(incoming,), rounds=ROUNDS, warmup_rounds=WARMUP)
    _report_rate(benchmark, report)


def test_router_help_command(benchmark: Any, report: Report, chat: Chat) -> None:
    """/bantuan: the command list and the menu, built from the person's roles."""
    _throughput(benchmark, report, chat, command("bantuan"))


def test_router_menu_button(benchmark: Any, report: Report, chat: Chat) -> None:
    """The "✉️ Undang" menu button: permission check, the BKM lookup, role buttons."""
    _throughput(benchmark, report, chat, press("menu:undang"))


def test_router_repeated_update(benchmark: Any, report: Report, chat: Chat) -> None:
    """A redelivered update (Telegram retries): found in processed_update, nothing else done."""
    again = replace(command("bantuan"), update_id=1_000_000)
    assert chat.run(chat.router.handle(again)).replies  # the first delivery is answered

    def redeliver() -> None:
        assert not chat.run(chat.router.handle(again)).replies

    benchmark.pedantic(redeliver, rounds=ROUNDS, warmup_rounds=WARMUP)
    _report_rate(benchmark, report)
