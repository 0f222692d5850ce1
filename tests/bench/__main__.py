"""`python -m tests.bench`: the whole benchmark of issue #10 in one command, one table.

    conversation  200 people (/status, opening a proposal, part of the form) on each runtime
                  (ptb, aiogram) and store (sqlite, postgres), 10,000 people and 50,000
                  proposals in the database, at 0 and 100 ms per call, capacity and latency
                  runs; beside the bare PTB and aiogram echo bots (tests.bench.load)
    broadcast     an announcement to 10,000 people, limits on, 50 people chatting meanwhile,
                  at 0 and 100 ms per call (tests.bench.broadcast)
    reminders     2,000 meetings × 10 invitees falling due at once (tests.bench.reminders)
    reports       a kota's report with 50,000 proposals: summary, rows, .xlsx, chart
                  (tests.bench.reports)
    start-up      process start to the first answered update, and peak memory, from the
                  conversation runs (large database)

Prints every target with its figure and whether it is met, then each part's table, and writes
them to bench/results/<date>-<commit>.md and .json with the machine described. `--quick`
shrinks every size (a check that it all still works, not a figure); `--parts` picks parts.
Exits 0 whatever the figures; 1 when the harness itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from tests.bench import broadcast, reminders, reports
from tests.bench.load import __main__ as load_main
from tests.bench.load import report
from tests.bench.load.processes import REPO
from tests.bench.load.report import AIOGRAM_ECHO, BARE, BARE_AIOHTTP, OURS, Target
from tests.bench.load.run import HarnessError

PARTS = ("conversation", "broadcast", "reminders", "reports")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="tiny sizes: does it all still run?")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"any of {', '.join(PARTS)}")
    parser.add_argument("--runtime", default="ptb,aiogram", help="our runtimes (conversation)")
    parser.add_argument("--store", default="sqlite,postgres", help="our stores (conversation)")
    parser.add_argument("--latency", default="0,0.1", help="seconds per Bot API call")
    parser.add_argument("--people", type=int, help="conversation: simulated people (200)")
    parser.add_argument("--seconds", type=float, help="conversation: measured s per run (20)")
    parser.add_argument("--modes", default="capacity,latency", help="conversation modes")
    parser.add_argument("--repeat", type=int, default=1,
                        help="conversation: every run this many times, judged on the median")  # fmt: skip
    parser.add_argument("--reference", action="store_true",
                        help=f"conversation: also {BARE_AIOHTTP} (PTB echo on aiohttp)")  # fmt: skip
    parser.add_argument("--recipients", type=int, help="broadcast: recipients (10,000)")
    parser.add_argument("--broadcast-runtime", default="ptb", help="broadcast: runtime(s)")
    parser.add_argument("--meetings", type=int, help="reminders: meetings (2,000)")
    parser.add_argument("--invitees", type=int, help="reminders: invitees per meeting (10)")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument("--logs", type=Path, help="where the bots' output goes (a new temp dir)")
    args = parser.parse_args(argv)
    args.part_list = [p.strip() for p in args.parts.split(",") if p.strip()]
    if unknown := set(args.part_list) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    args.latencies = [float(x) for x in args.latency.split(",") if x.strip()]
    if args.recipients is None:
        args.recipients = 300 if args.quick else 10_000
    if args.meetings is None:
        args.meetings = 50 if args.quick else 2_000
    if args.invitees is None:
        args.invitees = 4 if args.quick else 10
    return args


def load_args(args: argparse.Namespace, logs: Path) -> argparse.Namespace:
    bots = [OURS, BARE, AIOGRAM_ECHO] + ([BARE_AIOHTTP] if args.reference else [])
    argv = ["--bots", ",".join(bots), "--runtime", args.runtime, "--store", args.store,
            "--latency", args.latency, "--modes", args.modes, "--logs", str(logs)]  # fmt: skip
    argv += ["--quick"] if args.quick else []
    argv += ["--people", str(args.people)] if args.people else []
    argv += ["--seconds", str(args.seconds)] if args.seconds else []
    argv += ["--repeat", str(args.repeat)]
    return load_main.parse(argv)


async def measure(args: argparse.Namespace, workdir: Path, logs: Path) -> dict[str, object]:
    found: dict[str, object] = {}
    if "conversation" in args.part_list:
        conversation = load_args(args, logs)
        found["conversation"] = (
            await load_main.measure(conversation, workdir / "load", logs),
            load_main.describe(conversation),
        )
    if "broadcast" in args.part_list:
        results = []
        for runtime in [r.strip() for r in args.broadcast_runtime.split(",") if r.strip()]:
            folder = workdir / f"broadcast-{runtime}"
            folder.mkdir(parents=True)
            results += await broadcast.measure(
                args.latencies, args.recipients, runtime=runtime, folder=folder,
                chatters=10 if args.quick else 50,
            )  # fmt: skip
        found["broadcast"] = results
    if "reminders" in args.part_list:
        folder = workdir / "reminders"
        folder.mkdir(parents=True)
        found["reminders"] = await reminders.measure(
            args.meetings, args.invitees, folder=folder, people=500 if args.quick else 10_000
        )
    if "reports" in args.part_list:
        folder = workdir / "reports"
        folder.mkdir(parents=True)
        found["reports"] = [await reports.measure(2_000 if args.quick else 50_000, folder)]
    return found


def summary(found: dict[str, object]) -> list[Target]:
    """Every target of the issue, as measured here."""
    targets: list[Target] = []
    if "conversation" in found:
        runs, _ = found["conversation"]  # type: ignore[misc]
        targets += report.target_list(runs)
    for name, figure, met in broadcast.targets(found.get("broadcast", [])):  # type: ignore[arg-type]
        targets.append(Target("broadcast", name, figure, met))
    for r in found.get("reminders", []):  # type: ignore[attr-defined]
        last = "not done" if r.last_sent_after_s is None else f"{r.last_sent_after_s:,.1f} s"
        targets.append(Target("reminders", f"last of {r.messages:,} reminders sent after its due "
                              f"time (no target; floor at SEND_RATE {r.floor_s:,.0f} s)", last,
                              None if r.last_sent_after_s is None else True))  # fmt: skip
    for r in found.get("reports", []):  # type: ignore[attr-defined]
        targets.append(Target("reports", f"summary of a kota with {r.proposals:,} proposals "
                              f"within {reports.SUMMARY_TARGET_S:.0f} s", f"{r.summary_s:.2f} s",
                              r.met))  # fmt: skip
    return targets


def render(found: dict[str, object], about: dict[str, object], took: float) -> str:
    dirty = " (with uncommitted changes)" if about["dirty"] else ""
    targets = summary(found)
    met = sum(1 for t in targets if t.met is True and t.area != "reminders")
    judged = sum(1 for t in targets if t.met is not None and t.area != "reminders")
    parts = [
        f"# make bench, {about['date']}, commit {about['commit']}{dirty}",
        "",
        report.describe_machine(about),
        f"The whole run took {took / 60:.1f} min.",
        "",
        f"## Targets ({met} of {judged} met)",
        "",
        "| area | target | figure | met |",
        "|---|---|---|---|",
    ]
    for t in targets:
        verdict = "–" if t.met is None or t.area == "reminders" else ("yes" if t.met else "**no**")
        parts.append(f"| {t.area} | {t.name} | {t.figure} | {verdict} |")
    if "conversation" in found:
        runs, settings = found["conversation"]  # type: ignore[misc]
        parts += ["", "## Conversation", ""]
        for mode, title in (("capacity", "Capacity"), ("latency", "Latency")):
            chosen = [r for r in runs if r.mode == mode]
            if chosen:
                parts += [f"{title}: {settings[mode]}", "", report.table(chosen), ""]
        if refs := report.references(runs):
            parts += [f"Against {BARE_AIOHTTP} (reference):", *refs, ""]
        parts += [report.GLOBAL_LIMIT_NOTE]
        for r in runs:
            for note in r.notes:
                where = f" {r.runtime} on {r.store}" if r.bot == OURS else ""
                parts.append(f"- {r.bot}{where} at {r.latency_ms} ms ({r.mode}): {note}")
    if "broadcast" in found:
        parts += ["", "## Broadcast", "", broadcast.table(found["broadcast"]),  # type: ignore[arg-type]
                  "", f"Limits on (30/s overall, 1/s per chat); people chatting: `/status`, "
                  f"each pausing {broadcast.CHAT_THINK} before every action."]  # fmt: skip
    if "reminders" in found:
        parts += ["", "## Reminders", "", reminders.table(found["reminders"]),  # type: ignore[arg-type]
                  "", "The scheduler runs every 5 s; one run claims batch after batch of 20 until none is due."]  # fmt: skip
    if "reports" in found:
        parts += ["", "## Reports", "", reports.table(found["reports"][0])]  # type: ignore[index]
    return "\n".join(parts)


def save(folder: Path, found: dict[str, object], about: dict[str, object], text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = report.free_stem(folder, f"{str(about['date'])[:10]}-{about['commit']}")
    (folder / f"{stem}.md").write_text(text + "\n")
    data: dict[str, object] = {"machine": about, "targets": [asdict(t) for t in summary(found)]}
    if "conversation" in found:
        runs, settings = found["conversation"]  # type: ignore[misc]
        data["conversation"] = {"settings": settings, "runs": [asdict(r) for r in runs]}
    for part in ("broadcast", "reminders", "reports"):
        if part in found:
            data[part] = [asdict(r) for r in found[part]]  # type: ignore[attr-defined]
    (folder / f"{stem}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return folder / f"{stem}.md"


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    about = report.machine()
    logs = args.logs or Path(tempfile.mkdtemp(prefix="paket-bench-logs-"))
    logs.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="paket-bench-") as workdir:
        try:
            found = asyncio.run(measure(args, Path(workdir), logs))
        except (HarnessError, broadcast.Unfinished) as error:
            print(f"benchmark harness failed: {error}", file=sys.stderr)
            return 1
    text = render(found, about, time.monotonic() - began)
    print(text)
    print(f"\nEach bot's output (stdout and stderr) is in {logs}")
    if not args.no_save:
        print(f"saved {save(args.results, found, about, text)}")
    failed = 0
    if "conversation" in found:
        runs, _ = found["conversation"]  # type: ignore[misc]
        failed += sum(r.lost + r.off_script for r in runs)
    failed += sum(not r.finished for r in found.get("reminders", []))  # type: ignore[attr-defined]
    if failed:
        print("benchmark harness failed: lost replies, off-script conversations or unsent "
              "reminders; see the notes above", file=sys.stderr)  # fmt: skip
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
