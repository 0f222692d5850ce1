"""After the meeting: ✔️ Catat kehadiran (a checklist, pre-ticked from ✅ Hadir) and
📎 Berita acara (photos or PDFs of the minutes, sent one after another, then ✅ Selesai).

The checklist is one message edited in place: `mt:att:{id}:{person}:{0|1}` carries the wanted
state, so a double tap changes nothing; 💾 Simpan fixes the list. The minutes are a small
dialog: every photo or PDF sent is kept at once (a lost signal loses nothing).
"""

from __future__ import annotations

from bot.domain.errors import InvalidInput
from bot.domain.meetings import access, attendance, callbacks
from bot.domain.meetings.attendance import AttendanceSheet
from bot.i18n import Translator
from bot.ui import Button, Keyboard, keyboard
from conversations.context import Context
from conversations.errors import reply_error

MINUTES_FLOW = "meeting_minutes"


def checklist(tr: Translator, title: str, sheet: AttendanceSheet) -> tuple[str, Keyboard]:
    """Every invitee with a tick, how many are ticked, and the buttons to save or go back."""
    lines = [
        tr._("✔️ <b>Daftar hadir</b>: {title}", title=title),
        tr._("Tekan nama untuk menandai hadir (✅) atau tidak hadir (▫️), lalu tekan "
             "💾 Simpan daftar hadir."),
        tr._("Hadir: {present} dari {total} orang.", present=sheet.present,
             total=len(sheet.lines)),
    ]  # fmt: skip
    if sheet.confirmed:
        lines.append(tr._("Daftar ini sudah pernah disimpan; perubahan perlu disimpan lagi."))
    mid = sheet.meeting_id
    rows = [
        Button(f"{'✅' if line.present else '▫️'} {line.name}",
               data=callbacks.attendance(mid, line.person_id, not line.present))
        for line in sheet.lines
    ]  # fmt: skip
    rows.append(Button(tr._("💾 Simpan daftar hadir"), data=callbacks.manage(mid, "attok")))
    rows.append(Button(tr._("⬅️ Kembali"), data=callbacks.view(mid)))
    return "\n".join(lines), keyboard(*rows)


async def _title(ctx: Context, meeting_id: int) -> str:
    return (await access.load(ctx.session, meeting_id)).title or ""


async def show_checklist(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """✔️ Catat kehadiran: the checklist, as a new message."""
    assert ctx.actor is not None
    sheet = await attendance.attendance_sheet(ctx.session, ctx.clock, ctx.actor, meeting_id)
    ctx.reply(*checklist(ctx.tr, await _title(ctx, meeting_id), sheet))


async def on_tick(ctx: Context, parts: list[str]) -> None:
    """`mt:att:{id}:{person}:{0|1}`: tick or untick one invitee, the checklist edited in place."""
    assert ctx.actor is not None
    try:
        meeting_id, person_id, present = int(parts[2]), int(parts[3]), parts[4] == "1"
    except (IndexError, ValueError):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    sheet = await attendance.mark_attendance(
        ctx.session, ctx.clock, ctx.actor, meeting_id, person_id=person_id, present=present
    )
    text, buttons = checklist(ctx.tr, await _title(ctx, meeting_id), sheet)
    ctx.reply(text, buttons, edit=True)


async def confirm(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """💾 Simpan daftar hadir: the ticks as they stand become the record."""
    assert ctx.actor is not None
    sheet = await attendance.confirm_attendance(ctx.session, ctx.clock, ctx.actor, meeting_id)
    tr = ctx.tr
    lines = [
        tr._("✅ Daftar hadir rapat <b>{title}</b> tersimpan: {present} dari {total} orang hadir.",
             title=await _title(ctx, meeting_id), present=sheet.present, total=len(sheet.lines))
    ]  # fmt: skip
    if names := [line.name for line in sheet.lines if line.present]:
        lines.append(tr._("Hadir: {names}", names=", ".join(names)))
    view = Button(tr._("🗓 Lihat rapat"), data=callbacks.manage(meeting_id, "open"))
    ctx.reply("\n".join(lines), keyboard(view), edit=True)


# --- the minutes (berita acara) ---------------------------------------------------------------


def _done_button(tr: Translator, meeting_id: int) -> Keyboard:
    return keyboard(Button(tr._("✅ Selesai"), data=callbacks.manage(meeting_id, "mindone")))


async def ask_minutes(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """📎 Berita acara: ask for photos or PDFs; each one sent is kept at once."""
    assert ctx.actor is not None
    meeting = await access.load_managed(ctx.session, ctx.actor, meeting_id)
    access.ensure_begun(meeting, ctx.clock)
    kept = len(await attendance.minutes_files(ctx.session, meeting_id))
    await ctx.start_dialog(MINUTES_FLOW, meeting_id=meeting_id)
    tr = ctx.tr
    lines = [
        tr._("📎 <b>Berita acara</b>: {title}", title=meeting.title or ""),
        tr._("Silakan kirim foto atau berkas PDF berita acara rapat. Boleh lebih dari satu; "
             "tekan ✅ Selesai bila sudah."),
    ]  # fmt: skip
    if kept:
        lines.append(tr.n_("Sudah tersimpan: {n} berkas.", "Sudah tersimpan: {n} berkas.", kept))
    ctx.reply("\n".join(lines), _done_button(tr, meeting_id))


async def on_minutes_file(ctx: Context) -> None:
    """A photo or PDF sent while the minutes are asked for: kept, and counted."""
    assert ctx.actor is not None and ctx.dialog is not None
    meeting_id = int(ctx.dialog.data.get("meeting_id", 0))
    file = ctx.incoming.file
    try:
        if ctx.incoming.kind != "file" or file is None:
            raise InvalidInput(attendance.PHOTO_OR_PDF)
        count = await attendance.add_minutes(
            ctx.session, ctx.clock, ctx.actor, meeting_id, kind=file.kind, file_id=file.file_id,
            file_name=file.file_name, mime_type=file.mime_type,
        )  # fmt: skip
    except InvalidInput as error:
        reply_error(ctx, error)
        return
    text = ctx.tr.n_(
        "📎 Berita acara diterima: {n} berkas. Kirim lagi bila masih ada, atau tekan ✅ Selesai.",
        "📎 Berita acara diterima: {n} berkas. Kirim lagi bila masih ada, atau tekan ✅ Selesai.",
        count,
    )
    ctx.reply(text, _done_button(ctx.tr, meeting_id))


async def minutes_done(ctx: Context, meeting_id: int, args: list[str]) -> None:
    """✅ Selesai: the minutes dialog ends; say how many files the minutes have."""
    assert ctx.actor is not None
    meeting = await access.load_managed(ctx.session, ctx.actor, meeting_id)
    dialog = ctx.dialog
    if dialog and dialog.flow == MINUTES_FLOW and dialog.data.get("meeting_id") == meeting_id:
        await ctx.end_dialog()
    kept = len(await attendance.minutes_files(ctx.session, meeting_id))
    text = ctx.tr.n_(
        "Terima kasih. Berita acara rapat <b>{title}</b> tersimpan: {n} berkas.",
        "Terima kasih. Berita acara rapat <b>{title}</b> tersimpan: {n} berkas.",
        kept, title=meeting.title or "",
    )  # fmt: skip
    view = Button(ctx.tr._("🗓 Lihat rapat"), data=callbacks.manage(meeting_id, "open"))
    ctx.reply(text, keyboard(view))
