"""Figures of each run, the comparison table, the targets, and the results files."""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.load.people import Recorder
from tests.bench.load.processes import REPO

OURS, BARE = "paket", "ptb-echo"
# The same bare bot on our HTTP client (aiohttp): for reference, not a target.
BARE_AIOHTTP = "ptb-echo-aiohttp"
# Capacity: a closed loop without think time (how many updates a second a bot answers).
# Latency: people who think between actions (what a crowd of real people feels).
CAPACITY, LATENCY = "capacity", "latency"
MIN_RATIO = 0.6  # ours / bare, in updates per second, at every latency: capacity runs
P99_LIMIT_MS = {0: 250, 100: 600}  # ours, by Bot API latency in ms: think-time runs
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


def ratio(results: list[RunResult], latency_ms: int, bare: str = BARE) -> float | None:
    """Our updates/s over a bare bot's, at one latency, in the capacity runs."""
    by_bot = {r.bot: r for r in results if r.latency_ms == latency_ms and r.mode == CAPACITY}
    if OURS not in by_bot or bare not in by_bot or not by_bot[bare].updates_per_s:
        return None
    return by_bot[OURS].updates_per_s / by_bot[bare].updates_per_s


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(results: list[RunResult]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| bot | latency ms | updates/s | p50 ms | p99 ms | peak RSS MB | CPU % | 429s | lost "
        "| ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        shown = ratio(results, r.latency_ms) if r.bot == OURS else None
        lines.append(
            f"| {r.bot} | {r.latency_ms} | {_num(r.updates_per_s, 1)} | {_num(r.p50_ms)} | "
            f"{_num(r.p99_ms)} | {_num(r.peak_rss_mb, 1)} | {_num(r.cpu_percent)} | "
            f"{r.rate_limited} | {r.lost} | "
            f"{_num(shown, 2) if shown is not None else ''} |"
        )
    return "\n".join(lines)


def targets(results: list[RunResult]) -> list[str]:
    """Each target with its figure and whether it is met (targets are reported, not enforced).

    The ratio is judged on the capacity runs, p99 on the think-time runs: a closed loop
    without pauses makes every wait about people / throughput, whatever the bot does.
    """
    lines = []
    for latency in sorted({r.latency_ms for r in results}):
        value = ratio(results, latency)
        if value is not None:
            lines.append(_target(f"ratio at {latency} ms ≥ {MIN_RATIO} (capacity)",
                                 value >= MIN_RATIO, f"{value:.2f}"))  # fmt: skip
        limit = P99_LIMIT_MS.get(latency)
        if limit is None or not any(r.bot == OURS and r.latency_ms == latency for r in results):
            continue
        ours = _ours(results, latency, LATENCY)
        name = f"p99 at {latency} ms < {limit} ms (think time)"
        if ours is None:
            lines.append(f"- {name}: not measured (no think-time run)")
            continue
        met = ours.p99_ms is not None and ours.p99_ms < limit and not ours.lost
        lines.append(_target(name, met, _num(ours.p99_ms)))
    return lines


def references(results: list[RunResult]) -> list[str]:
    """Our capacity beside the bare bot on our own HTTP client: not a target, a measure."""
    lines = []
    for latency in sorted({r.latency_ms for r in results}):
        value = ratio(results, latency, BARE_AIOHTTP)
        if value is not None:
            lines.append(f"- at {latency} ms: {value:.2f} × {BARE_AIOHTTP}")
    return lines


def _ours(results: list[RunResult], latency_ms: int, mode: str) -> RunResult | None:
    found = (r for r in results if (r.bot, r.latency_ms, r.mode) == (OURS, latency_ms, mode))
    return next(found, None)


def _target(name: str, met: bool, figure: str) -> str:
    return f"- {name}: {figure} — {'met' if met else 'NOT met'}"


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
        "system": platform.platform(),
    }


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
        f"{about['cores']} cores ({about['cpu']}), Python {about['python']}, SQLite "
        f"{about['sqlite']}, load average before the run {about['load_average']}",
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
            f"For reference, the ratio to {BARE_AIOHTTP}, the bare bot on the HTTP client our "
            "bot uses (aiohttp; PTB's default is httpx):",
            *refs,
        ]
    parts += ["", GLOBAL_LIMIT_NOTE]
    for r in results:
        for note in r.notes:
            parts.append(f"{r.bot} at {r.latency_ms} ms ({r.mode}): {note}")
    return "\n".join(parts)


def save(folder: Path, results: list[RunResult], about: dict[str, object], text: str) -> Path:
    """Write `<date>-<commit>.md` and `.json` into `folder`; returns the .md path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{str(about['date'])[:10]}-{about['commit']}"
    (folder / f"{stem}.md").write_text(text + "\n")
    data = {"machine": about, "runs": [asdict(r) for r in results]}
    (folder / f"{stem}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return folder / f"{stem}.md"
