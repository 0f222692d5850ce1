"""`python -m tests.bench.reports`: the report of a kota with 50,000 proposals (issue #12).

The same database the conversation benchmark builds (10,000 people, 50,000 proposals, all in
one kota; tests.bench.load.seed), on SQLite. As the kota's fasilitator, for this year: the
summary's figures (aggregate SQL, answered in the chat while the person waits), the rows behind
the spreadsheet, the .xlsx and the chart (both drawn after the commit, in a worker thread).
Target: the summary within a few seconds (5 s); the files have none but must not block anyone
(they do not hold the write turn: conversations/reports.py).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.actors import actor_for, person_by_telegram
from bot.domain.reports import figures, period, tables
from bot.domain.reports.scope import scope_for
from bot.i18n import Translator
from storage.db import Database
from tests.bench.load import seed

SUMMARY_TARGET_S = 5.0


@dataclass(frozen=True)
class ReportRun:
    proposals: int  # in the database
    counted: int  # in the report
    summary_s: float
    rows_s: float
    xlsx_s: float
    chart_s: float
    xlsx_bytes: int

    @property
    def met(self) -> bool:
        return self.summary_s <= SUMMARY_TARGET_S


async def measure(proposals: int, folder: Path) -> ReportRun:
    url = f"sqlite:///{folder / 'reports.db'}"
    await seed.build(url, 200, seed.Scale(people=10_000, proposals=proposals))
    db = Database(url)
    try:
        async with db.reading() as s:
            person = await person_by_telegram(s, seed.FASILITATOR_ID)
            assert person is not None
            actor = await actor_for(s, person)
        now = datetime.now(UTC)
        chosen = period.preset(period.THIS_YEAR, today=now.date(), timezone="Asia/Jakarta")
        scope = scope_for(actor)
        began = time.perf_counter()
        async with db.reading() as s:
            found = await figures.compute(s, scope, chosen, now)
        summary_s = time.perf_counter() - began
        began = time.perf_counter()
        async with db.reading() as s:
            rows = await tables.build(s, scope, chosen, now)
        rows_s = time.perf_counter() - began
    finally:
        await db.dispose()
    from bot.reports import chart, workbook

    tr = Translator("id")
    began = time.perf_counter()
    xlsx = await asyncio.to_thread(workbook.render, found, rows, tr)
    xlsx_s = time.perf_counter() - began
    began = time.perf_counter()
    await asyncio.to_thread(chart.render, found, tr)
    chart_s = time.perf_counter() - began
    return ReportRun(proposals, found.proposals, summary_s, rows_s, xlsx_s, chart_s, len(xlsx))


def table(run: ReportRun) -> str:
    verdict = "yes" if run.met else "**no**"
    return "\n".join([
        "| proposals in the database | in the report | summary (target 5 s) | spreadsheet rows "
        "| .xlsx | chart |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {run.proposals:,} | {run.counted:,} | {run.summary_s:.2f} s ({verdict}) | "
        f"{run.rows_s:.2f} s | {run.xlsx_s:.1f} s ({run.xlsx_bytes / 1e6:.1f} MB) | "
        f"{run.chart_s:.2f} s |",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.reports", description=__doc__)
    parser.add_argument("--proposals", type=int, default=50_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paket-bench-reports-") as folder:
        print(table(asyncio.run(measure(args.proposals, Path(folder)))))


if __name__ == "__main__":
    main()
