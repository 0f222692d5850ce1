"""The conversation benchmark still runs end to end (a check that it works; no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.bench.load.processes import REPO


def test_quick_run_reports_both_bots_with_no_lost_replies(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.load", "--quick", "--people", "3", "--seconds", "2",
         "--warmup", "0.5", "--latency", "0", "--results", str(tmp_path),
         "--logs", str(tmp_path / "logs")],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| paket | 0 |" in done.stdout and "| ptb-echo | 0 |" in done.stdout
    assert "ratio at 0 ms" in done.stdout and "SEND_RATE=1000" in done.stdout
    (saved,) = tmp_path.glob("*.json")
    runs = json.loads(saved.read_text())["runs"]
    assert [(r["bot"], r["latency_ms"], r["people"]) for r in runs] == [
        ("paket", 0, 3),
        ("ptb-echo", 0, 3),
    ]
    assert all(r["lost"] == 0 and r["off_script"] == 0 for r in runs)
    if Path("/proc/self/status").exists():
        assert all(r["peak_rss_mb"] > 0 for r in runs)
    assert (tmp_path / saved.name.replace(".json", ".md")).exists()
    assert len(list((tmp_path / "logs").glob("bench-*.log"))) == 2  # each bot's output kept
