"""`python -m tests.bench.broadcast`: a broadcast through the real bot's outbox and sender.

The bot runs in this process against the Bot API simulator with Telegram's limits on, on a
fresh migrated SQLite file. One bulk outbox row per recipient is queued at once; meanwhile a
status notification (prompt lane) is queued every half second for someone else. Reported per
latency (seconds per Bot API call): the pace of unprompted messages (the broadcast and the
status notifications, which share the global bucket) after the pacer's first burst, as a
share of SEND_RATE, the 429s Telegram answered, and how long the status notifications took
from their commit to Telegram's acceptance (p50, p99).

Exits 0 whether or not a target is met; the numbers go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.domain import outbox
from bot.domain.clock import SystemClock
from bot.runtime.app import BotProcess
from bot.simulator import Simulator
from bot.simulator.params import Params
from bot.simulator.registry import METHODS, Method
from storage.db import Database, upgrade
from storage.models import OutboxPriority, Person

TOKEN = "123456:BENCH-TOKEN-abcdef"
FIRST_ID = 400_000
STATUS_FIRST_ID = 390_000
ANNOUNCEMENT = "Pengumuman: rapat warga hari Sabtu"
STATUS_EVERY = 0.5  # seconds between two status notifications during the broadcast


@dataclass
class Result:
    latency: float
    recipients: int
    pace: float
    achieved: float
    rate_limited: int
    status_p50: float
    status_p99: float
    seconds: float


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run_once(latency: float, recipients: int, folder: Path) -> Result:
    url = f"sqlite:///{folder / f'broadcast-{int(latency * 1000)}ms.db'}"
    await asyncio.to_thread(upgrade, url)
    accepted: dict[tuple[int, str], float] = {}
    original = METHODS["sendmessage"]

    async def recording(sim: Simulator, p: Params) -> Any:
        result = await original.handler(sim, p)
        accepted[(result["chat"]["id"], result["text"])] = asyncio.get_running_loop().time()
        return result

    METHODS["sendmessage"] = Method(original.name, recording)
    clock, db = SystemClock(), Database(url)
    try:
        async with Simulator(token=TOKEN, bot_username="paket_bench_bot") as sim:
            sim.latency = latency
            settings = load_settings(
                telegram_bot_token=TOKEN,
                telegram_api_server=sim.url,
                database_url=url,
                _env_file=None,
            )
            ids = range(FIRST_ID, FIRST_ID + recipients)
            status_ids = range(STATUS_FIRST_ID, STATUS_FIRST_ID + recipients)
            for telegram_id in [*ids, *status_ids]:
                sim.user(telegram_id).chat.known = True
            async with db.transaction() as s:
                people = [Person(telegram_id=i, name=f"Warga {i}", locale="id") for i in ids]
                others = [Person(telegram_id=i, name=f"Koor {i}", locale="id") for i in status_ids]
                s.add_all([*people, *others])
            bot = BotProcess(settings, clock)
            await bot.start()
            try:
                loop = asyncio.get_running_loop()
                started = loop.time()
                async with db.transaction() as s:
                    for person in people:
                        outbox.enqueue(
                            s, clock, person, kind="announcement", text=ANNOUNCEMENT,
                            priority=OutboxPriority.BULK,
                        )  # fmt: skip
                bot.runtime.sender.wake()
                queued: dict[int, float] = {}

                def broadcast_done() -> int:
                    return sum(1 for (_c, t) in accepted if t == ANNOUNCEMENT)

                for other in others:
                    if broadcast_done() >= recipients:
                        break
                    await asyncio.sleep(STATUS_EVERY)
                    async with db.transaction() as s:
                        outbox.enqueue(s, clock, other, kind="proposal.status", text="Status")
                    assert other.telegram_id is not None
                    queued[other.telegram_id] = loop.time()
                    bot.runtime.sender.wake()
                while broadcast_done() < recipients or any(  # noqa: ASYNC110
                    (chat, "Status") not in accepted for chat in queued
                ):
                    await asyncio.sleep(0.05)
                seconds = loop.time() - started
                pace = bot.runtime.pacer.rate
                # Every unprompted message counts: the status notifications share the pace.
                times = sorted(accepted.values())
                steady = times[int(pace) :]
                achieved = (len(steady) - 1) / (steady[-1] - steady[0])
                delays = [accepted[(chat, "Status")] - at for chat, at in queued.items()]
                rate_limited = sum(1 for _m, code, _d in sim.errors if code == 429)
            finally:
                await bot.stop()
    finally:
        METHODS["sendmessage"] = original
        await db.dispose()
    return Result(
        latency, recipients, pace, achieved, rate_limited,
        statistics.median(delays), _percentile(delays, 0.99), seconds,
    )  # fmt: skip


def table(results: list[Result]) -> str:
    lines = [
        "| latency per call | recipients | pace (after the first burst) | share of SEND_RATE "
        "| 429s | status notification p50 / p99 | broadcast took |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.latency * 1000:.0f} ms | {r.recipients} | {r.achieved:.1f}/s of {r.pace:.0f}/s "
            f"| {r.achieved / r.pace:.0%} | {r.rate_limited} "
            f"| {r.status_p50:.2f} s / {r.status_p99:.2f} s | {r.seconds:.0f} s |"
        )
    return "\n".join(lines)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.broadcast", description=__doc__)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--latency", default="0,0.1", help="seconds per Bot API call, comma list")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for latency in (float(x) for x in args.latency.split(",")):
            results.append(await run_once(latency, args.recipients, Path(folder)))
            print(table(results[-1:]).splitlines()[-1], flush=True)
    print("\n" + table(results))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
