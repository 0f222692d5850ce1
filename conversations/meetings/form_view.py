"""What the meeting form looks like: its questions, its summary, and their buttons.

Pure rendering: plain values in, (text, keyboard) out; `form_ask` loads the data. Values in
words come from the domain's `queries.summary` (already HTML-safe, so they go in as `Html`).
Button labels are plain text, never HTML: a name typed by someone goes in as it is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.meetings import audience, callbacks, dates, durations
from bot.domain.meetings.audience import AudienceOption
from bot.domain.meetings.form import Position
from bot.domain.meetings.steps import FLOW, STEPS, SUMMARY, Step, StepKind
from bot.domain.meetings.views import SummaryLine
from bot.i18n import Html, Translator, escape
from bot.ui import Button, Keyboard, Request, keyboard
from storage.meeting_models import Meeting

DASH = Html("—")


@dataclass(frozen=True)
class Shown:
    """What a question or the summary shows besides the meeting's own columns."""

    lines: Sequence[SummaryLine] = ()  # every field in words (queries.summary)
    options: Sequence[AudienceOption] = ()  # the audiences this organiser may invite
    default_offsets: Sequence[int] = ()  # minutes: the service's reminders (REMINDER_OFFSETS)
    invited: int = 0  # how many people the chosen audience names now

    def value(self, step: str) -> str | None:
        """The answer of `step` in words (HTML-safe), None while unanswered."""
        return next((line.value for line in self.lines if line.step == step), None)


def bold(text: str) -> Html:
    """`text` in bold (escaped unless it is already Html)."""
    return Html(f"<b>{escape(text)}</b>")


def rows(buttons: list[Button], per_row: int) -> list[list[Button]]:
    """Buttons `per_row` to a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _plain(text: str) -> str:
    """A translated label as a button shows it (buttons are not HTML)."""
    return html.unescape(text)


# --- one question -----------------------------------------------------------------------------


def question(
    tr: Translator, meeting: Meeting, where: Position, shown: Shown
) -> tuple[str, Keyboard]:
    """The question the form stands at: progress, prompt, current answer, and its buttons."""
    assert where.step is not None
    step = where.step
    lines: list[str] = []
    if step.in_flow:
        lines.append(tr._("<i>Pertanyaan {number} dari {total}</i>",
                          number=FLOW.index(step.name) + 1, total=len(FLOW)))  # fmt: skip
    lines.append(bold(tr._(step.prompt)))
    current = shown.value(step.name)
    if step.name == "pengingat" and current is None:
        current = durations.format_offsets(tr, shown.default_offsets)
    if current is not None:
        lines.append(tr._("Isian sekarang: <b>{value}</b>", value=Html(current)))
    if where.editing:
        lines.append(tr._("Jawaban baru menggantikan isian sekarang."))
    return "\n".join(lines), question_buttons(tr, meeting, where, shown)


def _choices(tr: Translator, meeting: Meeting, step: Step, shown: Shown) -> list[list[Button]]:
    """The one-tap answers of a step, the current one ticked."""
    if step.kind == StepKind.CHOICE:
        found = [(c.code, tr._(c.label), meeting.kind == c.code) for c in step.choices]
        return [[_answer(meeting, step, code, label, on)] for code, label, on in found]
    if step.kind == StepKind.WHEN:
        quick = [(q.code, dates.quick_label(tr, q), False) for q in dates.QUICK_TIMES]
        return rows([_answer(meeting, step, *q) for q in quick], 2)
    if step.kind == StepKind.DURATION:
        lengths = [
            (
                c.code,
                durations.format_duration(tr, c.minutes),
                meeting.duration_minutes == c.minutes,
            )
            for c in durations.DURATION_CHOICES
        ]
        return rows([_answer(meeting, step, *d) for d in lengths], 3)
    if step.kind == StepKind.AUDIENCE:
        held = audience.of_meeting(meeting)
        picked = held.code if held else None
        return [
            [_answer(meeting, step, o.code, o.text(tr), o.code == picked)] for o in shown.options
        ]
    if step.kind == StepKind.REMINDERS:
        return [
            [_answer(meeting, step, durations.offsets_code(o), durations.format_offsets(tr, o),
                     meeting.reminder_minutes == list(o))]
            for o in durations.OFFSET_CHOICES
        ]  # fmt: skip
    return []


def _answer(meeting: Meeting, step: Step, code: str, label: str, chosen: bool) -> Button:
    assert meeting.id is not None
    text = ("✅ " if chosen else "") + _plain(label)
    return Button(text, data=callbacks.form(meeting.id, "ans", step.name, code))


def question_buttons(tr: Translator, meeting: Meeting, where: Position, shown: Shown) -> Keyboard:
    """The choices, then Kembali (to the summary when editing) and Lewati where optional."""
    assert where.step is not None and meeting.id is not None
    step, mid = where.step, meeting.id
    grid = _choices(tr, meeting, step, shown)
    last: list[Button] = []
    if where.editing or not step.in_flow:
        last.append(
            Button(tr._("⬅️ Kembali ke ringkasan"), data=callbacks.form(mid, "back", step.name))
        )
    elif FLOW.index(step.name) > 0:
        last.append(Button(tr._("⬅️ Kembali"), data=callbacks.form(mid, "back", step.name)))
    if step.optional and step.in_flow:
        last.append(Button(tr._("Lewati ➡️"), data=callbacks.form(mid, "skip", step.name)))
    if last:
        grid.append(last)
    return keyboard(*grid)


def location_request(tr: Translator) -> tuple[str, Keyboard]:
    """The phone's "send my location" button (a reply keyboard, so a message of its own)."""
    return (
        tr._("Tekan tombol <b>📍 Kirim lokasi</b> di bawah untuk mengirim titik lokasi."),
        keyboard(Button(tr._("📍 Kirim lokasi"), request=Request.LOCATION)),
    )


def answered(tr: Translator, step: Step, answer: str) -> str:
    """A question after its button was pressed: the prompt and the answer, buttons gone."""
    return tr._("{prompt}\n✅ <b>{answer}</b>", prompt=tr._(step.prompt), answer=Html(answer))


def understood(tr: Translator, step: Step, value: str) -> str:
    """A typed answer shown back as the bot read it ("Waktu: Senin, 15 Desember 2026, …")."""
    return tr._("✅ {label}: <b>{value}</b>", label=tr._(step.label), value=Html(value))


# --- the summary ------------------------------------------------------------------------------


def summary(tr: Translator, shown: Shown) -> str:
    """Every field in words, the reminders (the service's default if none chosen), who is asked."""
    lines = [bold(tr._("Ringkasan undangan rapat")), ""]
    for step in STEPS:
        value = shown.value(step.name)
        if step.name == "pengingat" and value is None:
            default = durations.format_offsets(tr, shown.default_offsets)
            value = tr._("{offsets} (bawaan)", offsets=Html(default))
        if value is None:
            value = DASH if step.optional else tr._("<i>belum diisi</i>")
        lines.append(tr._("<b>{label}:</b> {value}", label=tr._(step.label), value=Html(value)))
    lines += ["", tr.n_(
        "Undangan akan dikirim kepada {n} orang, lengkap dengan tombol jawaban kehadiran dan "
        "berkas kalender. Mohon periksa lagi, lalu tekan 📤 Kirim undangan.",
        "Undangan akan dikirim kepada {n} orang, lengkap dengan tombol jawaban kehadiran dan "
        "berkas kalender. Mohon periksa lagi, lalu tekan 📤 Kirim undangan.",
        shown.invited,
    )]  # fmt: skip
    return "\n".join(lines)


def summary_buttons(tr: Translator, meeting_id: int, *, fields: bool = False) -> Keyboard:
    """Send, edit, delete; with `fields`, a grid of the fields to edit instead."""
    if fields:
        grid = [
            Button(tr._(s.label), data=callbacks.form(meeting_id, "edit", s.name)) for s in STEPS
        ]
        back = Button(
            tr._("⬅️ Kembali ke ringkasan"), data=callbacks.form(meeting_id, "sum", SUMMARY)
        )
        return keyboard(*rows(grid, 2), back)
    return keyboard(
        Button(tr._("📤 Kirim undangan"), data=callbacks.form(meeting_id, "send", SUMMARY)),
        [
            Button(tr._("✏️ Ubah isian"), data=callbacks.form(meeting_id, "fields", SUMMARY)),
            Button(tr._("🗑 Hapus draf"), data=callbacks.form(meeting_id, "del", "end")),
        ],
    )
