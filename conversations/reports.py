"""/laporan (/report): a short summary for a period, then a chart or a spreadsheet on request.

```mermaid
stateDiagram-v2
    [*] --> choose: /laporan
    choose --> summary: Bulan ini / Bulan lalu / Tahun ini
    choose --> range: Ketik rentang tanggal
    range --> range: not two dates, or backwards (says why)
    range --> summary: two dates
    summary --> chart: 📊 (a PNG, as a photo)
    summary --> sheet: 📥 (an .xlsx, as a document)
```

A file is read and drawn after the update's transaction has committed
(`Context.after_commit`), in a read-only session: on SQLite a spreadsheet of tens of thousands
of proposals would otherwise hold the one write turn, and every other chat would wait for it.
The summary's figures come back in about a second and are computed in the transaction.

The period travels in the buttons' data (`rp:c:20260301-20260331`), so a chart asked for a
day later is still the chart of the summary it sits under. Files are drawn in a worker thread
(`asyncio.to_thread`): the event loop goes on serving other chats meanwhile.
"""

from __future__ import annotations

import asyncio
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.reports import figures, period, tables
from bot.domain.reports.scope import Scope, scope_for
from bot.i18n import N_, Translator
from bot.reports import file_name, summary
from bot.ui import Button, FileRef, Keyboard, Reply, keyboard
from conversations.context import Context

FLOW = "report"
PREFIX = "rp"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_DATA = N_("Belum ada data untuk periode ini ({period}). Silakan pilih periode lain.")
PRESET_LABELS = {
    period.THIS_MONTH: N_("Bulan ini"),
    period.LAST_MONTH: N_("Bulan lalu"),
    period.THIS_YEAR: N_("Tahun ini"),
}

# --- keyboards -------------------------------------------------------------------------------


def _periods(ctx: Context) -> Keyboard:
    presets = [
        Button(ctx.tr._(label), data=f"{PREFIX}:p:{key}") for key, label in PRESET_LABELS.items()
    ]
    return keyboard(presets, Button(ctx.tr._("✏️ Ketik rentang tanggal"), data=f"{PREFIX}:range"))


def _files(ctx: Context, chosen: period.Period) -> Keyboard:
    return keyboard(
        [
            Button(ctx.tr._("📊 Grafik"), data=f"{PREFIX}:c:{chosen.key}"),
            Button(ctx.tr._("📥 Spreadsheet"), data=f"{PREFIX}:x:{chosen.key}"),
        ],
        Button(ctx.tr._("🗓 Periode lain"), data=f"{PREFIX}:again"),
    )


# --- handlers --------------------------------------------------------------------------------


def _scope(ctx: Context) -> Scope:
    return scope_for(ctx.actor)  # NotAllowed for anyone without a reporting role


async def cmd_report(ctx: Context) -> None:
    """Ask for the period."""
    _scope(ctx)
    await ctx.end_dialog()
    ctx.reply(ctx.tr._("📊 <b>Laporan</b>\nUntuk periode apa?"), _periods(ctx))


async def on_callback(ctx: Context, parts: list[str]) -> None:
    """`rp:p:<preset>`, `rp:range`, `rp:again`, `rp:c:<period>`, `rp:x:<period>`."""
    scope = _scope(ctx)
    action, arg = parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""
    zone = ctx.tr.timezone
    if action == "p":
        today = today_in_zone(ctx)
        await _summary(ctx, scope, period.preset(arg, today=today, timezone=zone))
    elif action == "range":
        await ctx.start_dialog(FLOW, "range")
        ctx.reply(ctx.tr._("Silakan ketik tanggal awal dan akhir.\n{hint}",
                           hint=ctx.tr._(period.RANGE_HINT)))  # fmt: skip
    elif action == "again":
        await cmd_report(ctx)
    elif action in ("c", "x"):
        await _file(ctx, scope, period.from_key(arg, zone), chart=action == "c")
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


def today_in_zone(ctx: Context) -> date:
    """Today's date where the person is (their kota's zone)."""
    return ctx.clock.now().astimezone(ZoneInfo(ctx.tr.timezone)).date()


async def on_range(ctx: Context) -> None:
    """The typed range: a summary, or why it cannot be read (the question stays open)."""
    scope = _scope(ctx)
    try:
        chosen = period.parse_range(ctx.incoming.text, timezone=ctx.tr.timezone)
    except InvalidInput as error:
        ctx.reply(
            ctx.tr._("{problem}\nSilakan coba lagi, atau ketik /batal untuk berhenti.",
                     problem=ctx.tr._(error.message, **error.params))
        )  # fmt: skip
        return
    await ctx.end_dialog()
    await _summary(ctx, scope, chosen)


async def _summary(ctx: Context, scope: Scope, chosen: period.Period) -> None:
    found = await figures.compute(ctx.session, scope, chosen, ctx.clock.now())
    if found.empty:
        when = summary.period_text(found, ctx.tr)
        ctx.reply(ctx.tr._(NO_DATA, period=when), _periods(ctx))
        return
    ctx.reply(summary.message(found, ctx.tr), _files(ctx, chosen))


async def _file(ctx: Context, scope: Scope, chosen: period.Period, *, chart: bool) -> None:
    """Checked now (who asks, which period); read and drawn after the commit (see below)."""
    db, now, tr = ctx.services.db, ctx.clock.now(), ctx.tr

    async def draw() -> list[Reply]:
        # Outside the update's transaction, in a read-only session: on SQLite a long export
        # would otherwise hold the one write turn and everyone else's chats would wait.
        async with db.reading() as session:
            found = await figures.compute(session, scope, chosen, now)
            if found.empty:
                return [Reply(tr._(NO_DATA, period=summary.period_text(found, tr)), _periods(ctx))]
            rows = None if chart else await tables.build(session, scope, chosen, now)
        caption = tr._(
            "🔒 RAHASIA · Laporan {period}. Mohon tidak diteruskan.",
            period=summary.period_text(found, tr),
        )
        if rows is None:
            png = await asyncio.to_thread(_chart, found, tr)
            attachment = FileRef("", "photo", file_name(tr, chosen.key, "png"), "image/png",
                                 content=png)  # fmt: skip
        else:
            xlsx = await asyncio.to_thread(_workbook, found, rows, tr)
            attachment = FileRef("", "document", file_name(tr, chosen.key, "xlsx"), XLSX,
                                 content=xlsx)  # fmt: skip
        return [Reply(caption, attachment=attachment)]

    ctx.after_commit(draw)


# matplotlib and XlsxWriter are imported on first use, in the worker thread: together they add
# tens of megabytes and half a second to every bot process, most of which never draws a chart.


def _chart(found: figures.Figures, tr: Translator) -> bytes:
    from bot.reports import chart

    return chart.render(found, tr)


def _workbook(found: figures.Figures, rows: tables.Tables, tr: Translator) -> bytes:
    from bot.reports import workbook

    return workbook.render(found, rows, tr)


COMMANDS = {"laporan": cmd_report}
CALLBACKS = {PREFIX: on_callback}
DIALOGS = {FLOW: on_range}
