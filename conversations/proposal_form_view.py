"""What the proposal form looks like: its questions, its summary, and their buttons.

Pure rendering: plain values in, (text, keyboard) out; the handlers in `proposal_form` load
the data. Every value a person typed goes into a translated message as a `str` parameter, so
the translator escapes it exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.proposals import callbacks
from bot.domain.proposals.form import Position
from bot.domain.proposals.form_lists import MitraOption
from bot.domain.proposals.lifecycle import ProposalStatus
from bot.domain.proposals.steps import (
    APBD_KOTA,
    FUNDING,
    FUNDING_FIELDS,
    READY,
    SOURCES_BY_CODE,
    STEPS,
    SUMMARY,
    Step,
    StepKind,
    applicable,
    choice_label,
    choices_for,
    chosen_sources,
    funding_gap,
    funding_sum,
    label_of,
    prompt_of,
    question_number,
)
from bot.domain.proposals.views import ProposalView
from bot.domain.text_fit import cut, shorten
from bot.i18n import N_, Html, Translator, escape
from bot.ui import Button, Keyboard, Request, keyboard
from storage.models import MitraKind, Proposal

TYPED = (StepKind.TEXT, StepKind.MONEY, StepKind.COUNT, StepKind.DATE)
FILED = (StepKind.FILE, StepKind.DATE_OR_FILE)  # a photo or document is (also) an answer
MITRA_KINDS = {
    MitraKind.DINAS.value: N_("Dinas"),
    MitraKind.KELOMPOK_PEDULI.value: N_("Kelompok Peduli"),
}
DASH = Html("—")
# How much of a typed value (the uraian, the fasilitator's note) the summary shows.
SUMMARY_VALUE_SHOWN = 500


@dataclass(frozen=True)
class Extras:
    """What a question shows besides the proposal's own fields."""

    mitra: Sequence[MitraOption] = ()
    attachments: int = 0
    kota_kind: str = "kota"  # "kota" | "kabupaten": "APBD kota" or "APBD kabupaten"
    today: date | None = None  # in the kota: example dates in prompts are in the future


def bold(text: str) -> Html:
    """`text` in bold (escaped unless it is already Html)."""
    return Html(f"<b>{escape(text)}</b>")


def _rows(buttons: list[Button], per_row: int = 2) -> list[list[Button]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


# --- values -----------------------------------------------------------------------------------


def value_of(tr: Translator, step: Step, proposal: Proposal, extras: Extras) -> str | None:
    """A step's answer in plain words (None: no answer yet); user text stays a plain str."""
    if step.kind == StepKind.MULTI:
        names = [m.name for m in extras.mitra if m.selected]
        return ", ".join(names) or None
    if step.kind == StepKind.FILES:
        return tr.n_("{n} berkas", "{n} berkas", extras.attachments) if extras.attachments else None
    if step.kind == StepKind.LOCATION:
        if proposal.latitude is None or proposal.longitude is None:
            return None
        return Html(f"{proposal.latitude:.5f}, {proposal.longitude:.5f}")
    if step.kind == StepKind.TICKS:
        names = [tr._(label_of_source(c, extras.kota_kind)) for c in chosen_sources(proposal)]
        return Html(", ".join(names)) if names else None
    if step.kind == StepKind.FILE:
        return tr._("📎 terlampir") if proposal.berita_acara_file_id else None
    if step.kind == StepKind.DATE_OR_FILE:
        if proposal.lurah_tanggal is not None:
            return tr._("Ya, {date}", date=tr.date(proposal.lurah_tanggal))
        return tr._("Ya, surat terlampir 📎") if proposal.lurah_file_id else None
    value = getattr(proposal, step.name)
    if value is None:
        return None
    if step.kind == StepKind.CHOICE:
        label = choice_label(step.name, value)
        return tr._(label) if label else str(value)
    if step.kind == StepKind.MONEY:
        return tr.money(value)
    if step.kind == StepKind.COUNT:
        return tr.number(value)
    if step.kind == StepKind.DATE:
        return tr.date(value)
    return str(value)


# --- one question -----------------------------------------------------------------------------


def label_of_source(code: str, kota_kind: str) -> str:
    """The msgid naming a funding source ("APBD kabupaten" in a kabupaten)."""
    source = SOURCES_BY_CODE[code]
    if kota_kind == "kabupaten" and source.kabupaten_label:
        return source.kabupaten_label
    return source.label


def prompt(tr: Translator, step: Step, extras: Extras) -> str:
    """A step's prompt in the area's words, with example dates from the kota's today."""
    today = extras.today or date.today()
    return tr._(
        prompt_of(step, extras.kota_kind),
        contoh=tr.date(today + timedelta(days=30 if step.name == "jadwal_mulai" else 120)),
        hari_ini=tr.date(today),
    )


def question(
    tr: Translator, proposal: Proposal, where: Position, extras: Extras
) -> tuple[str, Keyboard]:
    """The question the form stands at: progress, prompt, current answer, and its buttons."""
    assert where.step is not None and proposal.id is not None
    step = where.step
    number, total = question_number(proposal, step)
    lines = [
        tr._("<i>Pertanyaan {number} dari {total}</i>", number=number, total=total),
        bold(prompt(tr, step, extras)),
    ]
    current = value_of(tr, step, proposal, extras)
    if step.kind == StepKind.FILES:
        if current is not None:
            lines.append(tr._("📎 Lampiran diterima: {count}.", count=current))
    elif step.kind == StepKind.MULTI and not extras.mitra:
        lines.append(
            tr._("Belum ada mitra yang terdaftar di kota ini. Mohon hubungi fasilitator kota.")
        )
    elif step.kind == StepKind.TICKS:
        pass  # the ticks on the buttons show the answer
    elif current is not None:
        lines.append(tr._("Isian sekarang: <b>{value}</b>", value=current))
    if step.kind == StepKind.MONEY and step.name in FUNDING_FIELDS:
        left = funding_gap(proposal) + (getattr(proposal, step.name) or 0)
        lines.append(tr._("Sisa anggaran yang belum terisi: {amount}", amount=tr.money(left)))
    if step.kind == StepKind.MULTI and APBD_KOTA in chosen_sources(proposal):
        lines.append(
            tr._("Karena ada dana {apbd}, mohon pilih juga Dinas-nya.",
                 apbd=tr._(label_of_source(APBD_KOTA, extras.kota_kind)))
        )  # fmt: skip
    if where.editing:
        lines.append(tr._("Jawaban baru menggantikan isian sekarang."))
    return "\n".join(lines), _question_buttons(tr, proposal, where, extras)


def _question_buttons(
    tr: Translator, proposal: Proposal, where: Position, extras: Extras
) -> Keyboard:
    assert where.step is not None and proposal.id is not None
    step, pid = where.step, proposal.id
    rows: list[list[Button]] = []
    if step.kind == StepKind.CHOICE:
        rows += _rows(
            [
                Button(
                    ("✅ " if getattr(proposal, step.name) == c.code else "") + tr._(c.label),
                    data=callbacks.form(pid, "ans", step.name, c.code),
                )
                for c in choices_for(step, proposal)
            ]
        )
    elif step.kind == StepKind.MULTI:
        rows += [[_mitra_button(tr, pid, m)] for m in extras.mitra]
        rows.append([Button(tr._("✅ Selesai"), data=callbacks.form(pid, "done", step.name))])
    elif step.kind == StepKind.TICKS:
        ticked = set(chosen_sources(proposal))
        rows += _rows(
            [
                Button(
                    f"{'✅' if s.code in ticked else '▫️'} "
                    + tr._(label_of_source(s.code, extras.kota_kind)),
                    data=callbacks.form(pid, "tick", s.code, 0 if s.code in ticked else 1),
                )
                for s in FUNDING
            ]
        )
        rows.append([Button(tr._("✅ Selesai"), data=callbacks.form(pid, "done", step.name))])
    elif step.kind == StepKind.FILES and extras.attachments:
        rows.append([Button(tr._("✅ Selesai"), data=callbacks.form(pid, "done", step.name))])
    last: list[Button] = []
    if where.editing or question_number(proposal, step)[0] > 1:
        label = tr._("⬅️ Kembali ke ringkasan") if where.editing else tr._("⬅️ Kembali")
        last.append(Button(label, data=callbacks.form(pid, "back", step.name)))
    if step.optional and not (step.kind == StepKind.FILES and extras.attachments):
        last.append(Button(tr._("Lewati ➡️"), data=callbacks.form(pid, "skip", step.name)))
    if last:
        rows.append(last)
    return keyboard(*rows)


def _mitra_button(tr: Translator, pid: int, option: MitraOption) -> Button:
    # A button label is plain text, not HTML: the partner's name goes in as it is.
    kind = tr._(MITRA_KINDS.get(option.kind, option.kind))
    # "·", not brackets: the English kind carries its own ("Government office (Dinas)").
    label = f"{'✅' if option.selected else '▫️'} {option.name} · {kind}"
    # The wanted state rides in the button, so a double tap changes nothing.
    wanted = 0 if option.selected else 1
    return Button(label, data=callbacks.form(pid, "sel", str(option.id), wanted))


def location_request(tr: Translator) -> tuple[str, Keyboard]:
    """The phone's "send my location" button (a reply keyboard, so a message of its own)."""
    return (
        tr._("Tekan tombol <b>📍 Kirim lokasi</b> di bawah untuk mengirim titik lokasi."),
        keyboard(Button(tr._("📍 Kirim lokasi"), request=Request.LOCATION)),
    )


def answered(tr: Translator, step: Step, answer: str, extras: Extras) -> str:
    """A question after its button was pressed: the prompt and the answer, buttons gone."""
    return tr._("{prompt}\n✅ <b>{answer}</b>", prompt=prompt(tr, step, extras), answer=answer)


# --- the summary ------------------------------------------------------------------------------


def summary(
    tr: Translator,
    proposal: Proposal,
    view: ProposalView,
    extras: Extras,
    *,
    koordinator: bool,
    owner: str | None = None,
) -> str:
    """Every field in plain words, the funding check, and the fasilitator's note if any."""
    status = tr._(view.status_label)
    heading = tr._("<i>{bkm} · {status}</i>", bkm=view.bkm_name, status=status)
    if view.version > 1:
        heading = tr._("<i>{bkm} · {status} · versi {version}</i>", bkm=view.bkm_name,
                       status=status, version=view.version)  # fmt: skip
    lines: list[str] = [bold(tr._("Ringkasan usulan")), heading]
    if note := revision_note(view):
        note = shorten(note, SUMMARY_VALUE_SHOWN)
        lines.append(tr._("📝 <b>Catatan fasilitator:</b> {note}", note=note))
    if owner:
        lines.append(owner)
    lines.append("")
    for step in applicable(proposal):
        if step.name in FUNDING_FIELDS or step.kind == StepKind.TICKS:
            continue
        lines.append(_field_line(tr, step, proposal, extras))
        if step.name == "anggaran_total":
            lines += _funding_lines(tr, proposal, extras.kota_kind)
    if view.status == ProposalStatus.DRAFT and view.step == READY:
        waiting = (
            tr._("📨 Draf ini disusun anggota BKM dan menunggu Bapak/Ibu ajukan.")
            if koordinator
            else tr._("⏳ Draf ini sudah dikirim ke koordinator BKM dan menunggu diajukan.")
        )
        lines += ["", waiting]
    return cut("\n".join(lines))  # still too long (dozens of partners): cut, buttons kept


def summary_shortened(view: ProposalView) -> bool:
    """True when the summary shows a value only in part (📖 Baca selengkapnya shows it whole)."""
    values = [view.uraian, revision_note(view), ", ".join(p.name for p in view.partners)]
    return any(v and shorten(v, SUMMARY_VALUE_SHOWN) != v for v in values)


def _field_line(tr: Translator, step: Step, proposal: Proposal, extras: Extras) -> str:
    value = value_of(tr, step, proposal, extras)
    if value is not None and not isinstance(value, Html):
        # A long uraian (2,000 characters, maybe all emoji) would push the summary, and with
        # it "Ajukan", past Telegram's limit: the summary shows the start of it.
        value = shorten(value, SUMMARY_VALUE_SHOWN)
    if value is None:
        value = DASH if step.optional else tr._("<i>belum diisi</i>")
    label = tr._(label_of(step, extras.kota_kind))
    return tr._("<b>{label}:</b> {value}", label=label, value=value)


def _funding_lines(tr: Translator, proposal: Proposal, kota_kind: str) -> list[str]:
    """The funding lines of the chosen sources, their sum, and whether it meets the total."""
    lines: list[str] = [bold(tr._("Sumber dana:"))]
    for code in chosen_sources(proposal):
        amount = getattr(proposal, SOURCES_BY_CODE[code].field)
        shown = tr.money(amount) if amount is not None else tr._("<i>belum diisi</i>")
        lines.append(tr._("• {label}: {amount}", label=tr._(label_of_source(code, kota_kind)),
                          amount=shown))  # fmt: skip
        if code == "swadaya_natura" and proposal.swadaya_hok:
            lines.append(tr._("• Swadaya tenaga: {hok} HOK", hok=tr.number(proposal.swadaya_hok)))
    lines.append(tr._("• Jumlah: {amount}", amount=tr.money(funding_sum(proposal))))
    if proposal.anggaran_total is not None:
        gap = funding_gap(proposal)
        if gap == 0:
            lines.append(tr._("✅ Sumber dana sama dengan anggaran total."))
        elif gap > 0:
            lines.append(tr._("⚠️ Sumber dana masih kurang {amount} dari anggaran total.",
                              amount=tr.money(gap)))  # fmt: skip
        else:
            lines.append(tr._("⚠️ Sumber dana lebih {amount} dari anggaran total.",
                              amount=tr.money(-gap)))  # fmt: skip
    return lines


def revision_note(view: ProposalView) -> str | None:
    """The fasilitator's note when the proposal was sent back for revision."""
    if view.status != ProposalStatus.NEEDS_REVISION:
        return None
    sent_back = [
        e
        for e in view.timeline
        if e.kind == "status" and e.to_status == ProposalStatus.NEEDS_REVISION.value
    ]
    return sent_back[-1].note if sent_back else None


def summary_buttons(
    tr: Translator,
    view: ProposalView,
    *,
    koordinator: bool,
    fields: bool = False,
    proposal: Proposal | None = None,
    kota_kind: str = "kota",
) -> Keyboard:
    """Send (or submit), edit, delete; with `fields`, a grid of the fields to edit instead.

    The grid holds only the questions this proposal is asked (given `proposal`).
    """
    pid = view.id
    if fields:
        shown = applicable(proposal) if proposal is not None else list(STEPS)
        grid = [
            Button(tr._(label_of(s, kota_kind)), data=callbacks.form(pid, "edit", s.name))
            for s in shown
        ]
        back = Button(tr._("⬅️ Kembali ke ringkasan"), data=callbacks.form(pid, "sum", SUMMARY))
        return keyboard(*_rows(grid), back)
    revision = view.status == ProposalStatus.NEEDS_REVISION
    rows: list[Button | list[Button]] = []
    if koordinator:
        label = tr._("📨 Ajukan ulang") if revision else tr._("📨 Ajukan")
        rows.append(Button(label, data=callbacks.form(pid, "submit", view.step)))
    elif view.step != READY:
        label = tr._("📨 Kirim ke koordinator")
        rows.append(Button(label, data=callbacks.form(pid, "submit", view.step)))
    edit = Button(tr._("✏️ Ubah isian"), data=callbacks.form(pid, "fields", SUMMARY))
    if view.status == ProposalStatus.DRAFT:
        rows.append([edit, Button(tr._("🗑 Hapus draf"), data=callbacks.form(pid, "del", "end"))])
    else:
        rows.append(edit)
    return keyboard(*rows)


def missing_buttons(
    tr: Translator, pid: int, names: Sequence[str], kota_kind: str = "kota"
) -> Keyboard:
    """One "fill this in" button per missing field, after a refused submit."""
    labels = {s.name: tr._(label_of(s, kota_kind)) for s in STEPS}
    buttons = [Button(f"✏️ {labels[n]}", data=callbacks.form(pid, "edit", n)) for n in names]
    return keyboard(*_rows(buttons))
