"""The report's chart: proposals by status and by Tridaya, rupiah by funding source.

Drawn with matplotlib's Agg canvas directly (no pyplot: its global state is not safe in a
worker thread). Portrait, 1080 × 1350 pixels: it fills a small phone's screen, and the
bars are horizontal so the labels stay readable without turning the phone.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.domain.proposals.lifecycle import STATUS_LABELS, ProposalStatus
from bot.domain.proposals.steps import FUNDING, JENIS
from bot.domain.reports.figures import Figures
from bot.i18n import Translator
from bot.reports import CONFIDENTIAL

WIDTH, HEIGHT = 1080, 1350
DPI = 150
_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00")


def render(figures: Figures, tr: Translator) -> bytes:
    """The PNG of `figures`, labelled in `tr`'s language."""
    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    status, jenis, money = fig.subplots(3, 1, gridspec_kw={"height_ratios": [3, 1.4, 2.4]})
    period = f"{tr.date(figures.period.first)} – {tr.date(figures.period.last)}"
    title = tr._("Laporan {period} · {secret}", period=period, secret=tr._(CONFIDENTIAL))
    fig.suptitle(title, fontsize=11)

    statuses = [s for s in ProposalStatus if figures.by_status.get(s.value)]
    _bars(
        status,
        [tr._(STATUS_LABELS[s]) for s in statuses],
        [figures.by_status[s.value] for s in statuses],
        tr._("Usulan menurut status"),
        _COLOURS[0],
        tr.number,
    )
    kinds = [c for c in JENIS if figures.by_jenis.get(c.code)]
    _bars(
        jenis,
        [tr._(c.label).split(" (")[0] for c in kinds],  # "Ekonomi", not the whole explanation
        [figures.by_jenis[c.code] for c in kinds],
        tr._("Usulan menurut Tridaya"),
        _COLOURS[1],
        tr.number,
    )
    sources = [s for s in FUNDING if figures.sources.get(s.code)]
    _bars(
        money,
        [tr._(s.label) for s in sources],
        [figures.sources[s.code] for s in sources],
        tr._("Rupiah menurut sumber dana"),
        _COLOURS[2],
        tr.money,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _bars(ax, labels, values, title, colour, show) -> None:  # type: ignore[no-untyped-def]
    """One horizontal bar chart, largest on top, each bar with its value written beside it."""
    ax.set_title(title, fontsize=13, loc="left")
    if not values:
        ax.text(0.5, 0.5, "–", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    order = sorted(range(len(values)), key=lambda i: values[i])
    ys = range(len(order))
    ax.barh(list(ys), [values[i] for i in order], color=colour)
    ax.set_yticks(list(ys), [labels[i] for i in order], fontsize=11)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    top = max(values)
    ax.set_xlim(0, top * 1.45)
    for y, i in zip(ys, order, strict=True):
        ax.text(values[i] + top * 0.02, y, show(values[i]), va="center", fontsize=11)
