"""The conversation benchmark still runs end to end, in both modes (a check; no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.bench.load.processes import REPO


def test_quick_run_reports_both_bots_in_both_modes_with_no_lost_replies(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.load", "--quick", "--people", "3", "--seconds", "1.5",
         "--warmup", "0.4", "--latency", "0", "--results", str(tmp_path),
         "--logs", str(tmp_path / "logs")],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    capacity, latency = out.index("Capacity: 3 people in a closed loop"), out.index("Latency: ")
    assert "pausing a random 0.1–0.3 s before every action" in out[latency:]
    for table in (out[capacity:latency], out[latency:]):
        assert "| paket | 0 |" in table and "| ptb-echo | 0 |" in table
    assert "| ptb-echo-aiohttp | 0 |" in out[capacity:latency]
    assert "ratio at 0 ms ≥ 0.6 (capacity)" in out and "p99 at 0 ms < 250 ms (think time)" in out
    assert "× ptb-echo-aiohttp" in out and "SEND_RATE=1000 " in out
    (saved,) = tmp_path.glob("*.json")
    runs = json.loads(saved.read_text())["runs"]
    assert [(r["mode"], r["bot"], r["latency_ms"], r["people"]) for r in runs] == [
        ("capacity", "paket", 0, 3),
        ("capacity", "ptb-echo", 0, 3),
        ("capacity", "ptb-echo-aiohttp", 0, 3),
        ("latency", "paket", 0, 3),
        ("latency", "ptb-echo", 0, 3),
    ]
    assert [r["think_s"] for r in runs] == [None, None, None, [0.1, 0.3], [0.1, 0.3]]
    assert all(r["lost"] == 0 and r["off_script"] == 0 and r["answered"] > 0 for r in runs)
    if Path("/proc/self/status").exists():
        assert all(r["peak_rss_mb"] > 0 for r in runs)
    assert (tmp_path / saved.name.replace(".json", ".md")).exists()
    assert len(list((tmp_path / "logs").glob("bench-*.log"))) == 5  # each bot's output kept


def test_repeat_runs_every_bot_once_per_set_and_judges_the_median(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.load", "--quick", "--people", "2", "--seconds", "1",
         "--warmup", "0.3", "--latency", "0", "--bots", "paket,ptb-echo", "--modes", "capacity",
         "--repeat", "2", "--results", str(tmp_path), "--logs", str(tmp_path / "logs")],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(run 2 of 2)" in done.stderr
    assert "× ptb-echo (median of 2 runs: " in done.stdout
    (saved,) = tmp_path.glob("*.json")
    runs = json.loads(saved.read_text())["runs"]
    assert [(r["bot"], r["repeat"]) for r in runs] == [
        ("paket", 1), ("ptb-echo", 1), ("paket", 2), ("ptb-echo", 2)
    ]  # fmt: skip
