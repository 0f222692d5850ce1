"""The parts of `make bench` added for issue #10, at tiny sizes: checks, never timings."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.bench import __main__ as bench_main
from tests.bench import broadcast, reminders
from tests.bench.load import report
from tests.bench.load.people import CODE
from tests.bench.load.processes import REPO
from tests.bench.load.report import AIOGRAM_ECHO, BARE, CAPACITY, LATENCY, OURS, RunResult
from tests.bench.load.seed import Scale
from tests.bench.load.stores import SQLITE, Store

ABOUT = {
    "date": "2026-11-30 12:00 UTC", "commit": "abc1234", "dirty": False, "cpu": "Test CPU",
    "cores": 2, "load_average": [0.1, 0.1, 0.1], "python": "3.11", "sqlite": "3.40",
    "system": "Linux", "postgres": "", "memory_mb": 1024,
}  # fmt: skip


def _run(bot: str, latency_ms: int, mode: str, rate: float, **rest: object) -> RunResult:
    fields: dict[str, object] = {
        "bot": bot, "latency_ms": latency_ms, "people": 3, "seconds": 1.0,
        "updates_per_s": rate, "p50_ms": 10.0, "p99_ms": 100.0, "answered": 10, "lost": 0,
        "off_script": 0, "rate_limited": 0, "peak_rss_mb": 100.0, "cpu_percent": 50.0,
        "harness_cpu_percent": 5.0, "rounds": 2, "log": "", "log_problems": 0, "mode": mode,
        "startup_s": 1.0,
    }  # fmt: skip
    fields.update(rest)
    return RunResult(**fields)  # type: ignore[arg-type]


def _runs() -> list[RunResult]:
    return [
        _run(OURS, 0, CAPACITY, 70.0, runtime="ptb", store="sqlite"),
        _run(OURS, 0, CAPACITY, 90.0, runtime="aiogram", store="sqlite", peak_rss_mb=200.0),
        _run(BARE, 0, CAPACITY, 100.0),
        _run(AIOGRAM_ECHO, 0, CAPACITY, 140.0),
        _run(OURS, 0, LATENCY, 20.0, runtime="ptb", store="sqlite", p99_ms=300.0),
        _run(OURS, 0, LATENCY, 20.0, runtime="aiogram", store="sqlite", startup_s=4.0),
    ]


def test_targets_judge_each_runtime_against_the_bare_ptb_bot():
    found = {t.name: t for t in report.target_list(_runs())}
    ptb = found["ptb on sqlite: ratio at 0 ms ≥ 0.6 (capacity)"]
    aiogram = found["aiogram on sqlite: ratio at 0 ms ≥ 1.0 (capacity)"]
    assert (ptb.figure, ptb.met) == ("0.70 × ptb-echo", True)
    assert (aiogram.figure, aiogram.met) == ("0.90 × ptb-echo", False)
    assert found["ptb on sqlite: p99 at 0 ms < 250 ms (think time)"].met is False
    assert found["aiogram on sqlite: p99 at 0 ms < 250 ms (think time)"].met is True
    assert found["aiogram on sqlite: peak RSS < 150 MB"].met is False
    assert found["ptb on sqlite: peak RSS < 150 MB"].met is True
    slow = "aiogram on sqlite: start-up < 3 s (process start to the first answered update, "
    assert found[slow + "slowest run)"].met is False


def test_table_shows_our_ratio_to_each_floor():
    table = report.table([r for r in _runs() if r.mode == CAPACITY])
    assert "| paket | 0 | ptb | sqlite | 70.0 |" in table
    assert table.splitlines()[2].endswith("| 0.70 | 0.50 | 1 |")  # 70/100 and 70/140, run 1
    assert "| aiogram-echo | 0 | aiogram | – |" in table


def _repeated() -> list[RunResult]:
    """Three sets of runs on a machine whose speed drifts: both bots slower in the second."""
    sets = ((70.0, 100.0, 300.0), (45.0, 50.0, 120.0), (66.0, 110.0, 200.0))
    runs = []
    for repeat, (ours, bare, p99) in enumerate(sets, start=1):
        where = {"runtime": "ptb", "store": "sqlite", "repeat": repeat}
        runs += [
            _run(OURS, 0, CAPACITY, ours, **where),
            _run(BARE, 0, CAPACITY, bare, repeat=repeat),
            _run(OURS, 0, LATENCY, 20.0, p99_ms=p99, startup_s=float(repeat), **where),
        ]
    return runs


def test_repeated_runs_are_judged_on_the_median_of_each_set_against_its_own_floor():
    found = {t.name: t for t in report.target_list(_repeated())}
    # 0.70, 0.90 and 0.60: each of ours over the bare bot's run of the same set.
    ratio = found["ptb on sqlite: ratio at 0 ms ≥ 0.6 (capacity)"]
    assert ratio.figure == "0.70 × ptb-echo (median of 3 runs: 0.60–0.90)" and ratio.met
    p99 = found["ptb on sqlite: p99 at 0 ms < 250 ms (think time)"]
    assert p99.figure == "200 (median of 3 runs: 120–300)" and p99.met
    slowest = "ptb on sqlite: start-up < 3 s (process start to the first answered update, "
    assert found[slowest + "slowest run)"].figure == "3.00 s"  # the slowest, not the median
    rows = report.table([r for r in _repeated() if r.mode == CAPACITY]).splitlines()[2:]
    shown = [[cell.strip() for cell in row.split("|")[-4:-1]] for row in rows]
    mine = [cells for row, cells in zip(rows, shown, strict=True) if row.startswith("| paket")]
    # Each of ours over the floor's run of its own set; no aiogram echo ran.
    assert mine == [["0.70", "", "1"], ["0.90", "", "2"], ["0.60", "", "3"]]


def test_a_second_run_of_the_day_does_not_overwrite_the_first(tmp_path: Path):
    assert report.free_stem(tmp_path, "2026-11-30-abc") == "2026-11-30-abc"
    (tmp_path / "2026-11-30-abc.md").write_text("")
    assert report.free_stem(tmp_path, "2026-11-30-abc") == "2026-11-30-abc-2"


def test_codes_are_found_in_a_status_list():
    listed = "1. PKT-2026-0001 · Jalan\n2. PKT-2003-0042 · Lama"
    assert CODE.findall(listed) == ["PKT-2026-0001", "PKT-2003-0042"]


def test_the_store_seeds_at_scale_once_and_copies_per_run(tmp_path: Path):
    async def scenario() -> tuple[dict[str, int], str]:
        store = Store(SQLITE, tmp_path, players=20, scale=Scale(people=45, proposals=60))
        url = await store.fresh()
        db = Database(url)
        counts = {}
        async with db.engine.begin() as c:
            for table in ("person", "role_grant", "bkm", "proposal"):
                counts[table] = (await c.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
        await db.dispose()
        await store.release(url)
        await store.close()
        return counts, url

    counts, url = asyncio.run(scenario())
    kept = Path(url.removeprefix("sqlite:///")).exists()
    # 20 players, 25 more people, and the fasilitator; 2 BKMs of players, 2 more of 20.
    assert counts == {"person": 46, "role_grant": 47, "bkm": 3, "proposal": 60}
    assert not kept


def test_the_one_table_has_every_part_and_is_saved(tmp_path: Path):
    chat = broadcast.Result(
        latency_ms=100, recipients=300, runtime="ptb", store="sqlite", send_rate=25.0,
        achieved=24.0, broadcast_rate=20.0, rate_limited=0, seconds=14.0, chat_people=10,
        chat_answered=30, chat_p50_ms=100.0, chat_p99_ms=600.0, chat_lost=0,
        status_p50_s=0.1, status_p99_s=0.2,
    )  # fmt: skip
    due = reminders.Result(
        meetings=50, invitees=4, messages=200, runtime="ptb", store="sqlite", send_rate=25.0,
        queued_after_s=10.0, last_sent_after_s=11.0, sent=200, floor_s=8.0, rate_limited=0,
        finished=True,
    )  # fmt: skip
    settings = {CAPACITY: "capacity runs", LATENCY: "latency runs"}
    found = {"conversation": (_runs(), settings), "broadcast": [chat], "reminders": [due]}
    text_ = bench_main.render(found, ABOUT, 60.0)
    assert (
        "| broadcast | broadcast ptb on sqlite at 100 ms: pace ≥ 90% of SEND_RATE | 96% | yes |"
        in text_
    )
    assert "chat p99 < 500 ms | 600 ms | **no** |" in text_
    assert "last of 200 reminders sent after its due time" in text_
    assert "## Conversation" in text_ and "## Broadcast" in text_ and "## Reminders" in text_
    saved = bench_main.save(tmp_path, found, ABOUT, text_)
    data = json.loads(saved.with_suffix(".json").read_text())
    assert saved.name == "2026-11-30-abc1234.md"
    assert set(data) == {"machine", "targets", "conversation", "broadcast", "reminders"}
    assert data["machine"]["cores"] == 2


def test_our_aiogram_runtime_and_the_bare_aiogram_bot_run_under_load(
    tmp_path: Path, request: pytest.FixtureRequest
):
    """Two processes started and stopped (about 15 s): under `make bench` only."""
    options = request.config.option
    if options.benchmark_disable and not options.benchmark_enable:
        pytest.skip("starts two bots: run it with `make bench`")
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.load", "--quick", "--people", "2", "--seconds", "1",
         "--warmup", "0.3", "--latency", "0", "--modes", "capacity", "--bots",
         f"{OURS},{AIOGRAM_ECHO}", "--runtime", "aiogram", "--db-people", "30",
         "--db-proposals", "40", "--no-save", "--logs", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| paket | 0 | aiogram | sqlite |" in done.stdout
    assert "| aiogram-echo | 0 | aiogram | – |" in done.stdout
    assert "30 people and 40 proposals in the database" in done.stdout
