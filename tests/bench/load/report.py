"""Figures of each run, the comparison table, the targets, and the results files."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.load.people import Recorder
from tests.bench.load.processes import REPO

OURS, BARE = "paket", "ptb-echo"
# The same bare bot on our HTTP client (aiohttp): for reference, not a target.
BARE_AIOHTTP = "ptb-echo-aiohttp"
# A bare aiogram 3 bot (Dispatcher, polling, handle_as_tasks): the other floor.
AIOGRAM_ECHO = "aiogram-echo"
BOTS = (OURS, BARE, BARE_AIOHTTP, AIOGRAM_ECHO)
FLOORS = (BARE, AIOGRAM_ECHO)  # our throughput is shown as a ratio of each
RUNTIMES = ("ptb", "aiogram")
# Capacity: a closed loop without think time (how many updates a second a bot answers).
# Latency: people who think between actions (what a crowd of real people feels).
CAPACITY, LATENCY = "capacity", "latency"
# Ours / the bare PTB bot, in updates per second, at every latency (capacity runs), by runtime.
MIN_RATIO = {"ptb": 0.6, "aiogram": 1.0}
P99_LIMIT_MS = {0: 250, 100: 600}  # ours, by Bot API latency in ms: think-time runs
PEAK_RSS_LIMIT_MB = 150  # ours, with the whole database (10,000 people) behind it
STARTUP_LIMIT_S = 3.0  # ours: process start to the first answered update
GLOBAL_LIMIT_NOTE = (
    "Flood control: the simulator's per-chat limits stay on; its global bucket is raised to "
    "100,000 msg/s and our bot runs with SEND_RATE=1000 (the most it allows), because "
    "Telegram's ~30 msg/s overall would cap every bot at 30 replies/s and this would measure "
    "nothing but that limit (the e2e tests keep the global limit on; the pace under it is a "
    "broadcast benchmark's)."
)


@dataclass
class RunResult:
    """One bot at one latency: what the people saw and what the process used."""

    bot: str
    latency_ms: int
    people: int
    seconds: float
    updates_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    answered: int
    lost: int
    off_script: int  # conversations that went another way than the script expects
    rate_limited: int  # 429 answers the simulator gave
    peak_rss_mb: float | None
    cpu_percent: float | None  # the bot process, of one core, while measuring
    harness_cpu_percent: float  # this process (simulator and people), the same way
    rounds: int  # rounds completed, warm-up included (ours: /status, /usulan, 2 questions)
    log: str  # the bot's stdout and stderr
    log_problems: int  # ERROR / CRITICAL / Traceback lines in it
    mode: str = CAPACITY  # CAPACITY or LATENCY
    think_s: list[float] | None = None  # [low, high] seconds of thinking before each action
    notes: list[str] = field(default_factory=list)
    runtime: str = ""  # ours: BOT_RUNTIME (ptb | aiogram); a bare bot: its framework
    store: str = ""  # ours: sqlite | postgres; "" for a bare bot
    startup_s: float | None = None  # process start to the first answered update
    repeat: int = 1  # which repetition of the whole set of runs (--repeat) this one belongs to

    @classmethod
    def measure(cls, bot: str, latency: float, people: int, recorder: Recorder, **rest: object):
        """Updates/s from answers that arrived in the window; latencies of updates sent in it."""
        window = recorder.end - recorder.start
        arrived = [f for s, f in recorder.samples if recorder.start <= f <= recorder.end]
        waits = sorted(
            (f - s) * 1000 for s, f in recorder.samples if recorder.start <= s < recorder.end
        )
        return cls(
            bot=bot, latency_ms=round(latency * 1000), people=people, seconds=window,
            updates_per_s=round(len(arrived) / window, 2), p50_ms=_percentile(waits, 0.50),
            p99_ms=_percentile(waits, 0.99), answered=len(arrived), lost=recorder.lost,
            off_script=recorder.off_script, rounds=recorder.rounds,
            **rest,  # type: ignore[arg-type]
        )  # fmt: skip


def _percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return None
    return round(values[max(0, math.ceil(p * len(values)) - 1)], 1)


def _framework(bot: str) -> str:
    return "aiogram" if bot == AIOGRAM_ECHO else "ptb"


def ratios(
    results: list[RunResult],
    latency_ms: int,
    bare: str = BARE,
    runtime: str = "ptb",
    store: str = "sqlite",
) -> list[float]:
    """Our updates/s (on `runtime` and `store`) over a bare bot's, at one latency, capacity:
    one ratio per repetition, each of ours over the bare bot's run of the same repetition
    (minutes apart, so a machine whose speed drifts moves both)."""
    found = []
    for ours in _ours_all(results, latency_ms, CAPACITY, runtime, store):
        bare_run = next(
            (
                r
                for r in results
                if (r.bot, r.latency_ms, r.mode, r.repeat)
                == (bare, latency_ms, CAPACITY, ours.repeat)
            ),
            None,
        )
        if bare_run is not None and bare_run.updates_per_s:
            found.append(ours.updates_per_s / bare_run.updates_per_s)
    return found


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _spread(values: list[float], digits: int) -> str:
    """ " (median of 3 runs: 0.81–1.02)" when there were several, else nothing."""
    if len(values) < 2:
        return ""
    return f" (median of {len(values)} runs: {min(values):,.{digits}f}–{max(values):,.{digits}f})"


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(results: list[RunResult]) -> str:
    """The results as a Markdown table; our rows show their ratio to each floor (the floor's
    run of the same repetition)."""
    lines = [
        "| bot | latency ms | runtime | store | updates/s | p50 ms | p99 ms | peak RSS MB | CPU % "
        f"| 429s | lost | start s | × {BARE} | × {AIOGRAM_ECHO} | run |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        shown = ["", ""]
        if r.bot == OURS:
            same_run = [x for x in results if x.repeat == r.repeat]
            for i, floor in enumerate(FLOORS):
                value = _median(ratios(same_run, r.latency_ms, floor, r.runtime, r.store))
                shown[i] = _num(value, 2) if value is not None else ""
        lines.append(
            f"| {r.bot} | {r.latency_ms} | {r.runtime or _framework(r.bot)} | {r.store or '–'} | "
            f"{_num(r.updates_per_s, 1)} | {_num(r.p50_ms)} | {_num(r.p99_ms)} | "
            f"{_num(r.peak_rss_mb, 1)} | {_num(r.cpu_percent)} | {r.rate_limited} | {r.lost} | "
            f"{_num(r.startup_s, 1)} | {shown[0]} | {shown[1]} | {r.repeat} |"
        )
    return "\n".join(lines)


@dataclass
class Target:
    """One target of the issue, its figure in this run, and whether it is met."""

    area: str  # "conversation", "broadcast", "reminders", "memory", "start-up"
    name: str
    figure: str
    met: bool | None  # None: not measured in this run

    def line(self) -> str:
        verdict = "not measured" if self.met is None else ("met" if self.met else "NOT met")
        return f"- {self.name}: {self.figure} — {verdict}"


def combos(results: list[RunResult]) -> list[tuple[str, str]]:
    """(runtime, store) of our runs, in the order they ran."""
    seen: dict[tuple[str, str], None] = {}
    for r in results:
        if r.bot == OURS:
            seen[(r.runtime, r.store)] = None
    return list(seen)


def target_list(results: list[RunResult]) -> list[Target]:
    """Each target with its figure and whether it is met (targets are reported, not enforced).

    The ratio is judged on the capacity runs, p99 on the think-time runs: a closed loop
    without pauses makes every wait about people / throughput, whatever the bot does.
    """
    found = []
    latencies = sorted({r.latency_ms for r in results})
    for runtime, store in combos(results):
        where = f"{runtime} on {store}"
        minimum = MIN_RATIO.get(runtime, MIN_RATIO["ptb"])
        for latency in latencies:
            paired = ratios(results, latency, BARE, runtime, store)
            if paired:
                value = statistics.median(paired)
                found.append(Target("conversation",
                    f"{where}: ratio at {latency} ms ≥ {minimum} (capacity)",
                    f"{value:.2f} × {BARE}{_spread(paired, 2)}", value >= minimum))  # fmt: skip
            limit = P99_LIMIT_MS.get(latency)
            if limit is None or not _ours_all(results, latency, None, runtime, store):
                continue
            name = f"{where}: p99 at {latency} ms < {limit} ms (think time)"
            thinking = _ours_all(results, latency, LATENCY, runtime, store)
            p99s = [r.p99_ms for r in thinking if r.p99_ms is not None]
            if not thinking:
                found.append(Target("conversation", name, "no think-time run", None))
                continue
            p99 = statistics.median(p99s) if p99s else None
            met = p99 is not None and p99 < limit and not any(r.lost for r in thinking)
            found.append(Target("conversation", name, _num(p99) + _spread(p99s, 0), met))
        runs = [r for r in results if (r.bot, r.runtime, r.store) == (OURS, runtime, store)]
        peaks = [r.peak_rss_mb for r in runs if r.peak_rss_mb is not None]
        if peaks:
            found.append(Target("memory", f"{where}: peak RSS < {PEAK_RSS_LIMIT_MB} MB",
                                f"{max(peaks):.1f} MB", max(peaks) < PEAK_RSS_LIMIT_MB))  # fmt: skip
        starts = [r.startup_s for r in runs if r.startup_s is not None]
        if starts:
            found.append(Target("start-up", f"{where}: start-up < {STARTUP_LIMIT_S:g} s "
                                "(process start to the first answered update, slowest run)",
                                f"{max(starts):.2f} s", max(starts) < STARTUP_LIMIT_S))  # fmt: skip
    return found


def targets(results: list[RunResult]) -> list[str]:
    """The targets as report lines."""
    return [t.line() for t in target_list(results)]


def references(results: list[RunResult]) -> list[str]:
    """Our capacity beside the bare bot on our own HTTP client: not a target, a measure."""
    lines = []
    for runtime, store in combos(results):
        for latency in sorted({r.latency_ms for r in results}):
            value = _median(ratios(results, latency, BARE_AIOHTTP, runtime, store))
            if value is not None:
                lines.append(
                    f"- {runtime} on {store} at {latency} ms: {value:.2f} × {BARE_AIOHTTP}"
                )
    return lines


def _ours_all(
    results: list[RunResult], latency_ms: int, mode: str | None, runtime: str, store: str
) -> list[RunResult]:
    return [
        r
        for r in results
        if (r.bot, r.latency_ms, r.runtime, r.store) == (OURS, latency_ms, runtime, store)
        and (mode is None or r.mode == mode)
    ]


def machine() -> dict[str, object]:
    """Where and on what code the run happened."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": _postgres_version(),
        "memory_mb": _memory_mb(),
        "system": platform.platform(),
    }


def _memory_mb() -> int | None:
    with contextlib.suppress(OSError):  # not Linux: the machine line leaves memory out
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return None


def _postgres_version() -> str:
    """The server's version, from psql when it is installed (else "")."""
    try:
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
            capture_output=True, text=True, check=False, timeout=5,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def render(results: list[RunResult], about: dict[str, object], settings: dict[str, str]) -> str:
    """The whole report, as printed and as saved; `settings` describes each mode's runs."""
    dirty = " (with uncommitted changes)" if about["dirty"] else ""
    parts = [
        f"Conversation throughput, {about['date']}, commit {about['commit']}{dirty}",
        describe_machine(about),
    ]
    for mode, title in ((CAPACITY, "Capacity"), (LATENCY, "Latency")):
        runs = [r for r in results if r.mode == mode]
        if runs:
            parts += ["", f"{title}: {settings[mode]}", "", table(runs)]
    parts += [
        "",
        "Targets (reported, never enforced): the ratio on the capacity runs, p99 on the "
        "think-time runs.",
        *targets(results),
    ]
    if refs := references(results):
        parts += [
            "",
            f"For reference, the ratio to {BARE_AIOHTTP}, the bare PTB bot on the HTTP client "
            "our PTB runtime uses (aiohttp; PTB's default is httpx):",
            *refs,
        ]
    parts += ["", GLOBAL_LIMIT_NOTE]
    for r in results:
        for note in r.notes:
            where = f" {r.runtime} on {r.store}" if r.bot == OURS else ""
            parts.append(f"{r.bot}{where} at {r.latency_ms} ms ({r.mode}): {note}")
    return "\n".join(parts)


def describe_machine(about: dict[str, object]) -> str:
    """One line: cores, CPU, memory, Python, databases, load."""
    memory = f", {about['memory_mb']:,} MB RAM" if about.get("memory_mb") else ""
    postgres = f", PostgreSQL {about['postgres']}" if about.get("postgres") else ""
    return (
        f"{about['cores']} cores ({about['cpu']}){memory}, {about.get('system', '')}, Python "
        f"{about['python']}, SQLite {about['sqlite']}{postgres}, load average before the run "
        f"{about['load_average']}"
    )


def free_stem(folder: Path, stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3`... when a run of the same day and commit is there."""
    n, found = 1, stem
    while (folder / f"{found}.md").exists() or (folder / f"{found}.json").exists():
        n += 1
        found = f"{stem}-{n}"
    return found


def save(folder: Path, results: list[RunResult], about: dict[str, object], text: str) -> Path:
    """Write `<date>-<commit>.md` and `.json` into `folder`; returns the .md path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = free_stem(folder, f"{str(about['date'])[:10]}-{about['commit']}")
    (folder / f"{stem}.md").write_text(text + "\n")
    data = {"machine": about, "runs": [asdict(r) for r in results]}
    (folder / f"{stem}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return folder / f"{stem}.md"
