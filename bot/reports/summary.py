"""The report's words: the short chat message, and the same figures as label/value pairs.

The chat message is one screen: counts by status, Tridaya and BKM, the money and its sources,
partners, days to a decision, meetings, announcements, and that it is confidential.
"""

from __future__ import annotations

from bot.domain.proposals.lifecycle import STATUS_LABELS, ProposalStatus
from bot.domain.proposals.steps import FUNDING, JENIS
from bot.domain.reports.figures import TOP_AREAS, Figures
from bot.i18n import Html, Translator, escape

JENIS_SHORT = {c.code: c.label for c in JENIS}


def period_text(figures: Figures, tr: Translator) -> str:
    return f"{tr.date(figures.period.first)} – {tr.date(figures.period.last)}"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _statuses(figures: Figures, tr: Translator) -> str:
    return " · ".join(
        f"{tr._(STATUS_LABELS[s])} {tr.number(figures.by_status[s.value])}"
        for s in ProposalStatus
        if figures.by_status.get(s.value)
    )


def _jenis(figures: Figures, tr: Translator) -> str:
    return " · ".join(
        f"{tr._(c.label).split(' (')[0]} {tr.number(figures.by_jenis[c.code])}"
        for c in JENIS
        if figures.by_jenis.get(c.code)
    )


def _areas(figures: Figures, tr: Translator) -> str:
    shown = " · ".join(
        f"{escape(a.bkm)} ({escape(a.kelurahan)}) {tr.number(a.proposals)}"
        for a in figures.areas[:TOP_AREAS]
    )
    more = len(figures.areas) - TOP_AREAS
    if more > 0:
        shown += " " + tr.n_("dan {n} BKM lainnya", "dan {n} BKM lainnya", more)
    return shown


def _sources(figures: Figures, tr: Translator) -> str:
    total = sum(figures.sources.values())
    return " · ".join(
        f"{tr._(s.label)} {_percent(figures.sources[s.code], total)}"
        for s in FUNDING
        if figures.sources.get(s.code)
    )


def message(figures: Figures, tr: Translator) -> str:
    """The summary as HTML for the chat (every name escaped)."""
    lines = [
        tr._("📊 <b>Laporan {period}</b> · RAHASIA", period=Html(period_text(figures, tr))),
        "",
        tr._("<b>Usulan: {n}</b>", n=tr.number(figures.proposals)),
    ]
    if figures.proposals:
        lines += [
            tr._("Status: {list}", list=Html(_statuses(figures, tr))),
            tr._("Tridaya: {list}", list=Html(_jenis(figures, tr))),
            tr._("BKM: {list}", list=Html(_areas(figures, tr))),
            tr._(
                "💰 Diminta {requested} · disetujui {approved} · tersalurkan {disbursed}",
                requested=tr.money(figures.requested),
                approved=tr.money(figures.approved),
                disbursed=tr.money(figures.disbursed),
            ),
            tr._("Sumber dana: {list}", list=Html(_sources(figures, tr) or "–")),
        ]
        p = figures.partners
        if p.channelled:
            lines.append(
                tr._(
                    "🤝 Mitra: {pledged} mendukung ({amount}) · {declined} menolak · "
                    "{waiting} belum menjawab",
                    pledged=tr.number(p.pledged),
                    amount=tr.money(p.pledged_amount),
                    declined=tr.number(p.declined),
                    waiting=tr.number(p.waiting),
                )
            )
        if figures.median_days is not None:
            lines.append(
                tr._(
                    "⏱ Median {days} hari dari pengajuan sampai keputusan Panitia "
                    "({n} usulan diputuskan)",
                    days=_days(figures.median_days),
                    n=tr.number(figures.decided),
                )
            )
    m = figures.meetings
    if m.held:
        lines.append(
            tr._(
                "📅 Rapat: {held} diadakan · menjawab undangan {rsvp} · hadir {present}",
                held=tr.number(m.held),
                rsvp=_percent(m.answered, m.invited),
                present=_percent(m.attended, m.marked),
            )
        )
    a = figures.announcements
    if a.sent:
        lines.append(
            tr._(
                "📢 Pengumuman: {sent} dikirim · {delivered} dari {recipients} terkirim · "
                "{unreachable} tidak terjangkau · {acks} sudah dibaca",
                sent=tr.number(a.sent),
                delivered=tr.number(a.delivered),
                recipients=tr.number(a.recipients),
                unreachable=tr.number(a.unreachable),
                acks=tr.number(a.acknowledged),
            )
        )
    lines += ["", tr._("🔒 Rahasia: hanya untuk tugas Bapak/Ibu. Mohon tidak diteruskan.")]
    return "\n".join(lines)


def _days(value: float) -> str:
    return f"{value:g}".replace(".", ",") if value != int(value) else str(int(value))


def summary_lines(figures: Figures, tr: Translator) -> list[tuple[str, object]]:
    """The main figures as (label, value) pairs: the spreadsheet's first sheet, the CLI's text."""
    m, a, p = figures.meetings, figures.announcements, figures.partners
    rows: list[tuple[str, object]] = [
        (tr._("Periode"), period_text(figures, tr)),
        (tr._("Usulan"), figures.proposals),
        *(
            (tr._(STATUS_LABELS[s]), figures.by_status[s.value])
            for s in ProposalStatus
            if figures.by_status.get(s.value)
        ),
        *((tr._(c.label), figures.by_jenis[c.code]) for c in JENIS if figures.by_jenis.get(c.code)),
        (tr._("Anggaran diminta (Rp)"), figures.requested),
        (tr._("Disetujui (Rp)"), figures.approved),
        (tr._("Tersalurkan (Rp)"), figures.disbursed),
        *((tr._(s.label) + " (Rp)", figures.sources.get(s.code, 0)) for s in FUNDING),
        (tr._("Mitra mendukung"), p.pledged),
        (tr._("Mitra menolak"), p.declined),
        (tr._("Mitra belum menjawab"), p.waiting),
        (tr._("Median hari sampai keputusan"), figures.median_days),
        (tr._("Rapat diadakan"), m.held),
        (tr._("Undangan rapat"), m.invited),
        (tr._("Menjawab undangan"), m.answered),
        (tr._("Hadir"), m.attended),
        (tr._("Pengumuman dikirim"), a.sent),
        (tr._("Penerima pengumuman"), a.recipients),
        (tr._("Terkirim"), a.delivered),
        (tr._("Tidak terjangkau"), a.unreachable),
        (tr._("Sudah dibaca"), a.acknowledged),
    ]
    return rows
