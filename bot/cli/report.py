"""`paket-bot report`: the /laporan report from the shell, as XLSX, CSV, JSON or PNG.

    paket-bot report --kota Bandung --from 2026-01-01 --to 2026-12-31 --format xlsx --out FILE

The operator reports as the admin (every kota, or the one named), in DEFAULT_LOCALE; dates are
read in the kota's zone (DEFAULT_TIMEZONE without --kota). The figures are read in one
transaction; the file is drawn after it, so the database is not held while it is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import CliError, JsonFlag, emit, in_store, reporting, translator
from bot.cli.common import say as _
from bot.config import load_settings
from bot.domain import areas
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from bot.domain.money import parse_date
from bot.domain.reports import figures, period, tables
from bot.domain.reports.scope import scope_for
from bot.i18n import N_
from bot.reports import export, file_name

FORMATS = ("xlsx", "csv", "json", "png")

Kota = Annotated[
    str | None, typer.Option("--kota", help=N_("Hanya kota ini (bawaan: semua kota)."))
]
From = Annotated[str, typer.Option("--from", help=N_("Hari pertama, YYYY-MM-DD."))]
To = Annotated[str, typer.Option("--to", help=N_("Hari terakhir, YYYY-MM-DD."))]
Format = Annotated[str, typer.Option("--format", help=N_("xlsx, csv, json, atau png."))]
Out = Annotated[
    Path | None,
    typer.Option("--out", help=N_("Berkas yang ditulis (bawaan: nama RAHASIA-… di folder ini).")),
]


def report(
    first: From,
    last: To,
    kota: Kota = None,
    fmt: Format = "xlsx",
    out: Out = None,
    as_json: JsonFlag = False,
) -> None:
    """Write the report for a period: figures, chart or tables (confidential: RAHASIA)."""
    with reporting(as_json):
        if fmt not in FORMATS:
            raise CliError(N_("--format harus salah satu dari: {list}."), list=", ".join(FORMATS))
        settings = load_settings()
        start, end = parse_date(first), parse_date(last)

        async def op(s: AsyncSession, clock: Clock) -> tuple[Any, Any, str]:
            the_kota = await areas.find_kota(s, kota) if kota else None
            zone = the_kota.timezone if the_kota else settings.default_timezone
            chosen = period.between(start, end, zone)
            kotas = frozenset({the_kota.id}) if the_kota and the_kota.id else None
            scope = scope_for(SYSTEM, kotas)
            found = await figures.compute(s, scope, chosen, clock.now())
            rows = None if fmt == "png" else await tables.build(s, scope, chosen, clock.now())
            return found, rows, zone

        found, rows, zone = in_store(settings, op)
        tr = translator(zone)
        if found.empty:
            emit(as_json, _("Belum ada data untuk periode ini."), written=None, empty=True)
            return
        data = _render(fmt, found, rows, tr)
        target = out or Path(file_name(tr, found.period.key, fmt))
        target.write_bytes(data)
        emit(
            as_json,
            _("RAHASIA: laporan {first} – {last} ditulis ke {file} ({n} usulan).",
                first=tr.date(found.period.first), last=tr.date(found.period.last),
                file=str(target), n=found.proposals),
            written=str(target), proposals=found.proposals, bytes=len(data),
        )  # fmt: skip


def _render(fmt: str, found: figures.Figures, rows: tables.Tables | None, tr: Any) -> bytes:
    # matplotlib and XlsxWriter only when a file asks for them: every `paket-bot` command,
    # `run` included, imports this module, and they cost tens of MB and a second to load.
    if fmt == "png":
        from bot.reports import chart

        return chart.render(found, tr)
    assert rows is not None
    if fmt == "csv":
        return export.to_csv(rows, tr)
    if fmt == "json":
        return export.to_json(found, rows, tr)
    from bot.reports import workbook

    return workbook.render(found, rows, tr)
