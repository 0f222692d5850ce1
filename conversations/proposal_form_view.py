"""What the proposal form looks like: its questions, its summary, and their buttons.

Pure rendering: plain values in, (text, keyboard) out; the handlers in `proposal_form` load
the data. Every value a person typed goes into a translated message as a `str` parameter, so
the translator escapes it exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.proposals import callbacks
from bot.domain.proposals.form import Position
from bot.domain.proposals.form_lists import MitraOption
from bot.domain.proposals.lifecycle import ProposalStatus
from bot.domain.proposals.steps import (
    FUNDING_FIELDS,
    READY,
    STEP_NAMES,
    STEPS,
    SUMMARY,
    Step,
    StepKind,
    choice_label,
    choices_for,
    funding_gap,
    funding_sum,
)
from bot.domain.proposals.views import ProposalView
from bot.i18n import N_, Html, Translator, escape
from bot.ui import Button, Keyboard, Request, keyboard
from storage.models import MitraKind, Proposal

TYPED = (StepKind.TEXT, StepKind.MONEY, StepKind.COUNT, StepKind.DATE)
MITRA_KINDS = {
    MitraKind.DINAS.value: N_("Dinas"),
    MitraKind.KELOMPOK_PEDULI.value: N_("Kelompok Peduli"),
}
DASH = Html("—")


@dataclass(frozen=True)
class Extras:
    """What a question shows besides the proposal's own fields."""

    mitra: Sequence[MitraOption] = ()
    attachments: int = 0


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


def question(
    tr: Translator, proposal: Proposal, where: Position, extras: Extras
) -> tuple[str, Keyboard]:
    """The question the form stands at: progress, prompt, current answer, and its buttons."""
    assert where.step is not None and proposal.id is not None
    step = where.step
    lines = [
        tr._(
            "<i>Pertanyaan {number} dari {total}</i>",
            number=STEP_NAMES.index(step.name) + 1,
            total=len(STEPS),
        ),
        bold(tr._(step.prompt)),
    ]
    current = value_of(tr, step, proposal, extras)
    if step.kind == StepKind.FILES:
        if current is not None:
            lines.append(tr._("📎 Lampiran diterima: {count}.", count=current))
    elif step.kind == StepKind.MULTI and not extras.mitra:
        lines.append(
            tr._("Belum ada mitra yang terdaftar di kota ini. Mohon hubungi fasilitator kota.")
        )
    elif current is not None:
        lines.append(tr._("Isian sekarang: <b>{value}</b>", value=current))
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
    elif step.kind == StepKind.FILES and extras.attachments:
        rows.append([Button(tr._("✅ Selesai"), data=callbacks.form(pid, "done", step.name))])
    last: list[Button] = []
    if where.editing or STEP_NAMES.index(step.name) > 0:
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
    label = f"{'✅' if option.selected else '▫️'} {option.name} ({kind})"
    # The wanted state rides in the button, so a double tap changes nothing.
    wanted = 0 if option.selected else 1
    return Button(label, data=callbacks.form(pid, "sel", str(option.id), wanted))


def location_request(tr: Translator) -> tuple[str, Keyboard]:
    """The phone's "send my location" button (a reply keyboard, so a message of its own)."""
    return (
        tr._("Tekan tombol <b>📍 Kirim lokasi</b> di bawah untuk mengirim titik lokasi."),
        keyboard(Button(tr._("📍 Kirim lokasi"), request=Request.LOCATION)),
    )


def answered(tr: Translator, step: Step, answer: str) -> str:
    """A question after its button was pressed: the prompt and the answer, buttons gone."""
    return tr._("{prompt}\n✅ <b>{answer}</b>", prompt=tr._(step.prompt), answer=answer)


# --- the summary ------------------------------------------------------------------------------


def summary(
    tr: Translator, proposal: Proposal, view: ProposalView, extras: Extras, *, koordinator: bool
) -> str:
    """Every field in plain words, the funding check, and the fasilitator's note if any."""
    status = tr._(view.status_label)
    heading = tr._("<i>{bkm} · {status}</i>", bkm=view.bkm_name, status=status)
    if view.version > 1:
        heading = tr._("<i>{bkm} · {status} · versi {version}</i>", bkm=view.bkm_name,
                       status=status, version=view.version)  # fmt: skip
    lines: list[str] = [bold(tr._("Ringkasan usulan")), heading]
    if note := revision_note(view):
        lines.append(tr._("📝 <b>Catatan fasilitator:</b> {note}", note=note))
    lines.append("")
    for step in STEPS:
        if step.name in FUNDING_FIELDS:
            continue
        lines.append(_field_line(tr, step, proposal, extras))
        if step.name == "anggaran_total":
            lines += _funding_lines(tr, proposal)
    if view.status == ProposalStatus.DRAFT and view.step == READY:
        waiting = (
            tr._("📨 Draf ini disusun anggota BKM dan menunggu Bapak/Ibu ajukan.")
            if koordinator
            else tr._("⏳ Draf ini sudah dikirim ke koordinator BKM dan menunggu diajukan.")
        )
        lines += ["", waiting]
    return "\n".join(lines)


def _field_line(tr: Translator, step: Step, proposal: Proposal, extras: Extras) -> str:
    value = value_of(tr, step, proposal, extras)
    if value is None:
        value = DASH if step.optional else tr._("<i>belum diisi</i>")
    return tr._("<b>{label}:</b> {value}", label=tr._(step.label), value=value)


def _funding_lines(tr: Translator, proposal: Proposal) -> list[str]:
    """The funding lines given (non-zero), their sum, and whether it meets the total."""
    by_name = {s.name: s for s in STEPS}
    lines: list[str] = [bold(tr._("Sumber dana:"))]
    for name in FUNDING_FIELDS:
        amount = getattr(proposal, name)
        if amount:
            lines.append(tr._("• {label}: {amount}", label=tr._(by_name[name].label),
                              amount=tr.money(amount)))  # fmt: skip
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
    tr: Translator, view: ProposalView, *, koordinator: bool, fields: bool = False
) -> Keyboard:
    """Send (or submit), edit, delete; with `fields`, a grid of the fields to edit instead."""
    pid = view.id
    if fields:
        grid = [Button(tr._(s.label), data=callbacks.form(pid, "edit", s.name)) for s in STEPS]
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


def missing_buttons(tr: Translator, pid: int, names: Sequence[str]) -> Keyboard:
    """One "fill this in" button per missing field, after a refused submit."""
    labels = {s.name: tr._(s.label) for s in STEPS}
    buttons = [Button(f"✏️ {labels[n]}", data=callbacks.form(pid, "edit", n)) for n in names]
    return keyboard(*_rows(buttons))
