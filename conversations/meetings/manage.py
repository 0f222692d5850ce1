"""The organiser's buttons on a meeting: 🔁 Ubah waktu, ✖️ Batalkan rapat, 🔔 Ingatkan, and the
way to attendance and minutes (in `attendance`).

`mt:m:{id}:{verb}[:{arg}]`. Rescheduling asks the new time (typed like the form's, or a quick
button), shows back what it read, and changes nothing until confirmed. Cancelling asks an
optional reason, then confirms. The dialog holds what was read in between, so a restart
between the question and the confirmation loses nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.meetings import access, callbacks, dates, nudge, schedule
from bot.i18n import N_, Html, Translator
from bot.ui import Button, Keyboard, keyboard
from conversations.context import Context
from conversations.errors import reply_error
from conversations.meetings import attendance
from conversations.meetings.view import cmd_meetings, show_meeting
from storage.meeting_models import Meeting, MeetingStatus

WHEN_FLOW = "meeting_when"
CANCEL_FLOW = "meeting_cancel"
CONFIRM = "confirm"  # dialog step: the answer was read, the confirmation button waits
TYPE_IT = N_("Mohon ketik jawabannya sebagai pesan teks.")
SAME_TIME = N_("Waktu itu sama dengan jadwal sekarang. Mohon tulis waktu yang baru.")

Verb = Callable[[Context, int, list[str]], Awaitable[None]]


async def on_manage(ctx: Context, parts: list[str]) -> None:
    """`mt:m:{id}:{verb}[:{arg}]`."""
    try:
        meeting_id, verb = int(parts[2]), parts[3]
    except (IndexError, ValueError):
        meeting_id, verb = 0, ""
    handler = _VERBS.get(verb)
    if handler is None:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    await handler(ctx, meeting_id, parts[4:])


async def _upcoming(ctx: Context, meeting_id: int) -> Meeting:
    """A meeting this person may change, not begun and not cancelled."""
    assert ctx.actor is not None
    meeting = await access.load_managed(ctx.session, ctx.actor, meeting_id)
    access.ensure_upcoming(meeting, ctx.clock)
    return meeting


async def _in_kota_zone(ctx: Context, meeting: Meeting) -> Translator:
    """The organiser's language in the meeting's zone: where a typed time is read."""
    kota = await access.kota_of(ctx.session, meeting)
    return Translator(ctx.tr.locale, kota.timezone)


def _own_dialog(ctx: Context, flow: str, meeting_id: int) -> bool:
    dialog = ctx.dialog
    return (
        dialog is not None and dialog.flow == flow and dialog.data.get("meeting_id") == meeting_id
    )


async def _stop(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """⬅️ Batal / Jangan batalkan: nothing changes; the meeting again."""
    if _own_dialog(ctx, WHEN_FLOW, meeting_id) or _own_dialog(ctx, CANCEL_FLOW, meeting_id):
        await ctx.end_dialog()
    ctx.reply(ctx.tr._("Baik, tidak ada yang diubah."))
    await show_meeting(ctx, meeting_id)


# --- 🔁 reschedule ----------------------------------------------------------------------------


def _when_question(tr: Translator, meeting: Meeting) -> tuple[str, Keyboard]:
    assert meeting.id is not None and meeting.starts_at is not None
    text = tr._(
        "🔁 <b>Ubah waktu rapat</b>: {title}\nSekarang: {when}\nKapan waktu yang baru? Silakan "
        "tulis tanggal dan jamnya, misalnya “15/12 09.00” atau “Senin depan 10:00”, atau pilih "
        "tombol.", title=meeting.title or "", when=Html(dates.format_when(tr, meeting.starts_at)),
    )  # fmt: skip
    quick = [
        Button(dates.quick_label(tr, q), data=callbacks.manage(meeting.id, "whenq", q.code))
        for q in dates.QUICK_TIMES
    ]
    stop = Button(tr._("⬅️ Batal"), data=callbacks.manage(meeting.id, "stop"))
    return text, keyboard(quick[:2], quick[2:], stop)


async def _ask_when(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """🔁 Ubah waktu: ask the new start."""
    meeting = await _upcoming(ctx, meeting_id)
    await ctx.start_dialog(WHEN_FLOW, meeting_id=meeting_id)
    ctx.reply(*_when_question(await _in_kota_zone(ctx, meeting), meeting))


async def on_when_typed(ctx: Context) -> None:
    """The new time, typed while the question waits (or instead of confirming the last one)."""
    assert ctx.dialog is not None
    if ctx.incoming.kind != "text":
        reply_error(ctx, InvalidInput(TYPE_IT))
        return
    await _read_when(ctx, int(ctx.dialog.data.get("meeting_id", 0)), ctx.incoming.text)


async def _quick_when(ctx: Context, meeting_id: int, args: list[str]) -> None:
    await _read_when(ctx, meeting_id, args[0] if args else "")


async def _read_when(ctx: Context, meeting_id: int, typed: str) -> None:
    """Read the new time in the meeting's zone and show it back with a confirm button."""
    meeting = await _upcoming(ctx, meeting_id)
    tr = await _in_kota_zone(ctx, meeting)
    try:
        when = dates.read_when(typed, now=ctx.clock.now(), timezone=tr.timezone)
        if when == meeting.starts_at:
            raise InvalidInput(SAME_TIME)
    except InvalidInput as error:
        reply_error(ctx, error)
        await ctx.start_dialog(WHEN_FLOW, meeting_id=meeting_id)
        ctx.reply(*_when_question(tr, meeting))
        return
    # Kept as an unambiguous date in the kota's zone: "besok" must not move at midnight.
    local = when.astimezone(ZoneInfo(tr.timezone))
    await ctx.start_dialog(WHEN_FLOW, CONFIRM, meeting_id=meeting_id,
                           when=f"{local:%d/%m/%Y %H.%M}")  # fmt: skip
    assert meeting.starts_at is not None
    ctx.reply(
        tr._("Waktu baru: <b>{new}</b>\nSemula: {old}\nSemua peserta akan diberi tahu sekali, "
             "dengan berkas kalender yang baru; jawaban mereka tetap tersimpan. Kirim perubahan "
             "ini?", new=Html(dates.format_when(tr, when)),
             old=Html(dates.format_when(tr, meeting.starts_at))),
        keyboard([Button(tr._("✅ Ya, ubah waktunya"), data=callbacks.manage(meeting_id, "whenok")),
                  Button(tr._("⬅️ Batal"), data=callbacks.manage(meeting_id, "stop"))]),
    )  # fmt: skip


async def _reschedule(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """✅ Ya, ubah waktunya: move the meeting; everyone hears it once."""
    assert ctx.actor is not None
    if not (_own_dialog(ctx, WHEN_FLOW, meeting_id) and ctx.dialog and ctx.dialog.step == CONFIRM):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    try:
        meeting = await schedule.reschedule(
            ctx.session, ctx.clock, ctx.actor, meeting_id, when=ctx.dialog.data["when"],
            quiet_hours=ctx.services.chat.quiet_hours,
        )  # fmt: skip
    except InvalidInput:  # the time passed while the question waited: read it again, say why
        await _read_when(ctx, meeting_id, ctx.dialog.data["when"])
        return
    await ctx.end_dialog()
    assert meeting.starts_at is not None
    tr = await _in_kota_zone(ctx, meeting)
    ctx.reply(
        tr._("✅ Waktu rapat <b>{title}</b> sudah diubah menjadi {when}. Semua peserta sudah "
             "diberi tahu.", title=meeting.title or "",
             when=Html(dates.format_when(tr, meeting.starts_at))),
        keyboard(Button(tr._("🗓 Lihat rapat"), data=callbacks.manage(meeting_id, "open"))),
    )  # fmt: skip


# --- ✖️ cancel --------------------------------------------------------------------------------


async def _ask_reason(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """✖️ Batalkan rapat: ask an optional reason, told to everyone invited."""
    meeting = await _upcoming(ctx, meeting_id)
    await ctx.start_dialog(CANCEL_FLOW, meeting_id=meeting_id)
    tr = ctx.tr
    ctx.reply(
        tr._("✖️ <b>Batalkan rapat</b>: {title}\nMohon tulis alasan pembatalan secara singkat; "
             "alasan ini disampaikan kepada semua peserta. Bila tidak ingin menulis alasan, "
             "tekan Tanpa alasan.", title=meeting.title or ""),
        keyboard([Button(tr._("Tanpa alasan"), data=callbacks.manage(meeting_id, "noreason")),
                  Button(tr._("⬅️ Jangan batalkan"), data=callbacks.manage(meeting_id, "stop"))]),
    )  # fmt: skip


async def on_reason_typed(ctx: Context) -> None:
    """The reason, typed while the question waits."""
    assert ctx.dialog is not None
    reason = " ".join(ctx.incoming.text.split()) if ctx.incoming.kind == "text" else ""
    if not reason:
        reply_error(ctx, InvalidInput(TYPE_IT))
        return
    if len(reason) > schedule.REASON_MAX:
        reply_error(ctx, InvalidInput(schedule.REASON_TOO_LONG, max=schedule.REASON_MAX))
        return
    await _confirm_cancel(ctx, int(ctx.dialog.data.get("meeting_id", 0)), reason)


async def _no_reason(ctx: Context, meeting_id: int, args: list[str]) -> None:
    await _confirm_cancel(ctx, meeting_id, None)


async def _confirm_cancel(ctx: Context, meeting_id: int, reason: str | None) -> None:
    meeting = await _upcoming(ctx, meeting_id)
    await ctx.start_dialog(CANCEL_FLOW, CONFIRM, meeting_id=meeting_id, reason=reason)
    tr = await _in_kota_zone(ctx, meeting)
    assert meeting.starts_at is not None
    lines = [tr._("Yakin membatalkan rapat <b>{title}</b>, {when}?", title=meeting.title or "",
                  when=Html(dates.format_when(tr, meeting.starts_at)))]  # fmt: skip
    if reason:
        lines.append(tr._("Alasan: {note}", note=reason))
    lines.append(tr._("Semua peserta akan diberi tahu sekali."))
    yes = Button(tr._("✖️ Ya, batalkan rapat"), data=callbacks.manage(meeting_id, "cancelok"))
    no = Button(tr._("⬅️ Jangan batalkan"), data=callbacks.manage(meeting_id, "stop"))
    ctx.reply("\n".join(lines), keyboard([yes, no]))


async def _cancel(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """✖️ Ya, batalkan rapat: call it off; everyone hears it once."""
    assert ctx.actor is not None
    meeting = await access.load_managed(ctx.session, ctx.actor, meeting_id)
    dialog = ctx.dialog if _own_dialog(ctx, CANCEL_FLOW, meeting_id) else None
    if meeting.status == MeetingStatus.CANCELLED.value or dialog is None or dialog.step != CONFIRM:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    reason = dialog.data.get("reason")
    await schedule.cancel(ctx.session, ctx.clock, ctx.actor, meeting_id,
                          quiet_hours=ctx.services.chat.quiet_hours, reason=reason)  # fmt: skip
    await ctx.end_dialog()
    ctx.reply(ctx.tr._("✅ Rapat <b>{title}</b> sudah dibatalkan. Semua peserta sudah diberi tahu.",
                       title=meeting.title or ""))  # fmt: skip


# --- 🔔 remind the silent ones, and the way around ----------------------------------------------


async def _nudge(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """🔔 Ingatkan yang belum menjawab: one reminder each, now (at most once an hour)."""
    assert ctx.actor is not None
    result = await nudge.remind_unanswered(ctx.session, ctx.clock, ctx.actor, meeting_id,
                                           quiet_hours=ctx.services.chat.quiet_hours)  # fmt: skip
    tr = ctx.tr
    if result.queued:
        text = tr.n_("🔔 Pengingat sudah dikirim kepada {n} orang yang belum menjawab.",
                     "🔔 Pengingat sudah dikirim kepada {n} orang yang belum menjawab.",
                     result.queued)  # fmt: skip
    elif result.recently:
        text = tr._("Peserta yang belum menjawab sudah diingatkan dalam satu jam terakhir. Mohon "
                    "tunggu sebentar sebelum mengingatkan lagi.")  # fmt: skip
    else:
        text = tr._("Semua peserta sudah menjawab. Tidak ada yang perlu diingatkan.")
    await show_meeting(ctx, meeting_id, edit=True)  # the counts, as they are now
    ctx.reply(text)


async def _list(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """⬅️ Daftar rapat: the list, in place of the meeting."""
    await cmd_meetings(ctx, edit=True)


async def _open(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """🗓 Lihat rapat under a confirmation: the meeting as a new message."""
    await show_meeting(ctx, meeting_id)


_VERBS: dict[str, Verb] = {
    "when": _ask_when,
    "whenq": _quick_when,
    "whenok": _reschedule,
    "cancel": _ask_reason,
    "noreason": _no_reason,
    "cancelok": _cancel,
    "stop": _stop,
    "nudge": _nudge,
    "list": _list,
    "open": _open,
    "att": attendance.show_checklist,
    "attok": attendance.confirm,
    "min": attendance.ask_minutes,
    "mindone": attendance.minutes_done,
}
