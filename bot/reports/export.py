"""CSV and JSON exports of a report, for operators and other tools (`paket-bot report`).

CSV holds one table, the proposals (a CSV file has one table); JSON holds the figures and
every table, keyed by column codes, with dates written as ISO text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date, datetime
from typing import Any

from bot.domain.reports.figures import Figures
from bot.domain.reports.tables import LABEL, Tables
from bot.i18n import Translator
from bot.reports import CONFIDENTIAL

# A text starting with one of these is a formula to a spreadsheet program opening the CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(tables: Tables, tr: Translator) -> bytes:
    """The proposals table as CSV (UTF-8 with a BOM, so spreadsheet programs read it right).

    Texts that would start a formula get a leading apostrophe (as OWASP advises for CSV
    injection): a judul typed as `=HYPERLINK(…)` shows as that text, it does not run.
    """
    table = tables.tables[0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([tr._(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                tr._(c.labels[str(v)])
                if c.kind == LABEL and c.labels and str(v) in c.labels
                else _inert(_plain(v))
                for c, v in zip(table.columns, row, strict=True)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_json(figures: Figures, tables: Tables, tr: Translator) -> bytes:
    """Figures and tables as one JSON object, marked confidential."""
    data: dict[str, Any] = {
        "confidential": tr._(CONFIDENTIAL),
        "period": {"from": figures.period.first.isoformat(), "to": figures.period.last.isoformat()},
        "figures": dataclasses.asdict(figures),
        "tables": {
            t.key: [
                {c.key: _plain(v) for c, v in zip(t.columns, row, strict=True)} for row in t.rows
            ]
            for t in tables.tables
        },
    }
    data["figures"].pop("period")
    return json.dumps(data, ensure_ascii=False, indent=1, default=_plain).encode("utf-8")


def _inert(value: Any) -> Any:
    """A text that cannot start a formula (numbers, dates and labels pass unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value
