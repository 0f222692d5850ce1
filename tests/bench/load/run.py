"""One run: a fresh simulator, the bot as a child process, N people for a fixed time."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.simulator import Simulator
from tests.bench.load import processes
from tests.bench.load.people import (
    Mailbox,
    Person,
    Recorder,
    Think,
    echo_round,
    paket_round,
    play,
)
from tests.bench.load.report import AIOGRAM_ECHO, BARE_AIOHTTP, CAPACITY, LATENCY, OURS, RunResult
from tests.bench.load.seed import FIRST_ID
from tests.bench.load.stores import Store

TOKEN = "777000:BENCH-token-not-secret"
# Messages a second the simulator lets all chats together have: out of reach (see
# report.GLOBAL_LIMIT_NOTE). Per-chat limits stay on. Our bot gets the most SEND_RATE allows.
GLOBAL_RATE = 100_000
SEND_RATE = 1000
START_WITHIN = 90.0  # seconds for the bot to answer its first message (imports, migrations)
PROBE_ID = FIRST_ID - 1  # not registered: our bot still answers /bantuan


class HarnessError(Exception):
    """The run could not measure anything: the bot did not start, or died."""


@dataclass(frozen=True)
class Plan:
    """What every run does."""

    people: int
    seconds: float
    warmup: float
    workdir: Path  # a temporary folder: databases, and the bots' working directory
    log_dir: Path | None = None  # where the bots' output goes (the system temp dir if None)
    think: Think | None = None  # None: capacity (a closed loop); else latency as people feel it
    stores: dict[str, Store] | None = None  # the seeded databases our bot runs on, by kind

    @property
    def mode(self) -> str:
        return CAPACITY if self.think is None else LATENCY


async def run(
    bot: str, latency: float, plan: Plan, runtime: str = "ptb", store: str = "sqlite"
) -> RunResult:
    """Measure `bot` at `latency` seconds per Bot API call (ours on `runtime` and `store`)."""
    where = f"-{runtime}-{store}" if bot == OURS else ""
    folder = plan.workdir / f"{bot}{where}-{round(latency * 1000)}ms-{plan.mode}"
    folder.mkdir(parents=True)
    url = ""
    async with Simulator(token=TOKEN, bot_username="paket_bench_bot", latency=latency) as sim:
        sim.set_limits(global_per_second=GLOBAL_RATE, global_burst=GLOBAL_RATE)
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_SERVER": sim.url, "LOG_LEVEL": "WARNING"}
        if bot == OURS:
            assert plan.stores is not None and store in plan.stores, f"no {store} store prepared"
            url = await plan.stores[store].fresh()
            env |= {"DATABASE_URL": url, "SEND_RATE": str(SEND_RATE), "BOT_RUNTIME": runtime}
            command = processes.paket_command()
        elif bot == AIOGRAM_ECHO:
            command = processes.aiogram_echo_command()
        else:
            if bot == BARE_AIOHTTP:
                env["ECHO_TRANSPORT"] = "aiohttp"
            command = processes.echo_command()
        mailbox = Mailbox(sim)
        processes.write_bytecode()  # not timed: an installed bot has its bytecode
        began = time.monotonic()
        child = await processes.start(f"{bot}{where}", command, env, folder, plan.log_dir)
        try:
            await _until_ready(sim, mailbox, child, "/bantuan")
            startup = round(time.monotonic() - began, 2)
            recorder, cpu = await _load(sim, mailbox, child, bot, plan)
            peak = child.peak_rss_mb()
        finally:
            code = await child.stop()
            if url:
                await plan.stores[store].release(url)  # type: ignore[index]
        result = _result(bot, latency, plan, sim, child, recorder, (peak, *cpu), code)
    result.startup_s = startup
    if bot == OURS:
        result.runtime, result.store = runtime, store
    return result


async def _until_ready(sim: Simulator, mailbox: Mailbox, child: processes.Child, text: str) -> None:
    """One message from a probe user; the bot is up once it answers."""
    probe = sim.user(PROBE_ID, first_name="Probe", language_code="id")
    await probe.send(text)
    deadline = time.monotonic() + START_WITHIN
    while await mailbox.next(probe, 0.5) is None:
        if child.exited() is not None:
            raise HarnessError(f"the bot exited with {child.exited()}:\n{child.tail()}")
        if time.monotonic() > deadline:
            raise HarnessError(f"the bot did not answer within {START_WITHIN:.0f} s")


async def _load(
    sim: Simulator, mailbox: Mailbox, child: processes.Child, bot: str, plan: Plan
) -> tuple[Recorder, tuple[float | None, float]]:
    """Everyone at once: warm-up, then the measured window, then finish in flight.

    With think time each person's first action, too, waits a random pause, so the crowd does
    not start in step.
    """
    start = time.monotonic() + plan.warmup
    recorder = Recorder(start=start, end=start + plan.seconds)
    round_ = paket_round if bot == OURS else echo_round
    people = [
        Person(sim.user(FIRST_ID + i, first_name=f"Warga {FIRST_ID + i}", language_code="id"),
               mailbox, recorder, think=plan.think, rng=random.Random(FIRST_ID + i))
        for i in range(plan.people)
    ]  # fmt: skip
    cpu, *_ = await asyncio.gather(
        _cpu_in_window(child, recorder), *(play(p, round_) for p in people)
    )
    if child.exited() is not None:
        raise HarnessError(f"the bot died during the run ({child.exited()}):\n{child.tail()}")
    return recorder, cpu


async def _cpu_in_window(child: processes.Child, recorder: Recorder) -> tuple[float | None, float]:
    """CPU used by the bot and by this harness while measuring, in % of one core."""
    await asyncio.sleep(max(0.0, recorder.start - time.monotonic()))
    bot, own, began = child.cpu_seconds(), time.process_time(), time.monotonic()
    await asyncio.sleep(max(0.0, recorder.end - time.monotonic()))
    bot_after, elapsed = child.cpu_seconds(), time.monotonic() - began
    bot_share = None if bot is None or bot_after is None else (bot_after - bot) / elapsed * 100
    own_share = (time.process_time() - own) / elapsed * 100
    return None if bot_share is None else round(bot_share, 1), round(own_share, 1)


def _result(
    bot: str,
    latency: float,
    plan: Plan,
    sim: Simulator,
    child: processes.Child,
    recorder: Recorder,
    usage: tuple[float | None, float | None, float],
    code: int,
) -> RunResult:
    """The figures, and notes on anything that went wrong besides speed."""
    peak, cpu, harness_cpu = usage
    codes = Counter(code for _, code, _ in sim.errors)
    problems, examples = child.problems()
    notes = list(recorder.examples)
    others = [f"{m} → {c} {d}" for m, c, d in sim.errors if c != 429]
    if others:
        notes.append(f"{len(others)} Bot API error(s) besides 429, e.g. {others[:3]}")
    if problems:
        notes.append(f"{problems} error line(s) in {child.log}, e.g. {examples[:3]}")
    if code not in (0, -2):  # -2: ended by the SIGINT we sent
        notes.append(f"exited with {code} after SIGINT")
    return RunResult.measure(
        bot, latency, plan.people, recorder, mode=plan.mode,
        think_s=None if plan.think is None else [plan.think.low, plan.think.high],
        rate_limited=codes[429], peak_rss_mb=peak,
        cpu_percent=cpu, harness_cpu_percent=harness_cpu, log=str(child.log),
        log_problems=problems, notes=notes,
    )  # fmt: skip
