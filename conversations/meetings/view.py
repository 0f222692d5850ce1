"""/rapat (/meetings): my meetings, and one meeting as its invitee or organiser sees it.

An invitee sees the details and their answer, changeable until the meeting begins. Whoever may
manage it (the organiser, a fasilitator of its kota, an admin) also sees the counts, who has not
answered yet, and the buttons to reschedule, cancel, remind, and (once begun) record
attendance and the minutes. The list and a meeting replace each other in the same message.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import permissions
from bot.domain.meetings import callbacks, queries
from bot.domain.meetings.invitations import details
from bot.domain.meetings.kinds import rsvp_label
from bot.domain.meetings.views import MeetingDetail, MeetingItem, OrganiserView
from bot.domain.text_fit import shorten
from bot.i18n import Html, Translator
from bot.ui import Button, Keyboard, keyboard
from conversations.context import Context
from storage.meeting_models import MeetingStatus, Rsvp

NAMES_SHOWN = 800  # of those who have not answered, on the organiser's card

CHOSEN = "👉 "  # marks the answer given, on the RSVP buttons


def rsvp_keyboard(
    tr: Translator, meeting_id: int, chosen: str | None, *, in_view: bool = False
) -> list[Button]:
    """✅ Hadir / ❌ Berhalangan with the answer given marked (pressing the other changes it)."""
    row = []
    for value, attending in ((Rsvp.YES, True), (Rsvp.NO, False)):
        label = (CHOSEN if chosen == value.value else "") + tr._(rsvp_label(value))
        row.append(Button(label, data=callbacks.rsvp(meeting_id, attending, in_view=in_view)))
    return row


# --- the list ---------------------------------------------------------------------------------


def _item(tr: Translator, number: int, item: MeetingItem) -> str:
    if item.organising:
        answer = tr._("Bapak/Ibu pengundangnya")
    else:
        answer = tr._("Jawaban Bapak/Ibu: {answer}", answer=tr._(rsvp_label(item.my_rsvp)))
    return tr._("{number}. <b>{title}</b>\n🕘 {when}\n{answer}", number=number, title=item.title,
                when=Html(tr.short_datetime(item.starts_at)), answer=answer)  # fmt: skip


def meeting_list(
    tr: Translator, upcoming: list[MeetingItem], held: list[MeetingItem], *, caller: bool
) -> tuple[str, Keyboard]:
    """Upcoming meetings (and, for organisers, those held lately), one button each."""
    everything = [*upcoming, *held]
    parts: list[str] = [tr._("🗓 <b>Rapat Bapak/Ibu</b>")]
    if not upcoming:
        parts.append(tr._("Belum ada rapat yang akan datang untuk Bapak/Ibu."))
    parts += [_item(tr, n, item) for n, item in enumerate(upcoming, 1)]
    if held:
        parts.append(tr._("<b>Sudah berlangsung</b> (untuk mencatat kehadiran dan berita acara):"))
        parts += [_item(tr, n, item) for n, item in enumerate(held, len(upcoming) + 1)]
    hints = []
    if everything:
        hints.append(tr._("Silakan pilih rapat untuk melihat rinciannya atau mengubah jawaban."))
    if caller:
        hints.append(tr._("Ketik /rapatbaru untuk mengundang rapat baru."))
    if hints:
        parts.append("\n".join(hints))
    buttons = [
        Button(f"{n}. {item.title}", data=callbacks.view(item.id))
        for n, item in enumerate(everything, 1)
    ]
    return "\n\n".join(parts), keyboard(*buttons)


async def cmd_meetings(ctx: Context, *, edit: bool = False) -> None:
    """`/rapat`: my upcoming meetings with my answer; an organiser's recent ones too."""
    assert ctx.actor is not None
    caller = permissions.may_call_meetings(ctx.actor)
    upcoming = await queries.upcoming(ctx.session, ctx.clock, ctx.actor)
    held = await queries.held(ctx.session, ctx.clock, ctx.actor) if caller else []
    text, buttons = meeting_list(ctx.tr, upcoming, held, caller=caller)
    ctx.reply(text, buttons, edit=edit)


# --- one meeting ------------------------------------------------------------------------------


def _state(tr: Translator, detail: MeetingDetail, now: datetime) -> str | None:
    if detail.status == MeetingStatus.CANCELLED.value:
        return tr._("❌ <b>Rapat ini sudah dibatalkan.</b>")
    if detail.ends_at <= now:
        return tr._("✔️ Rapat ini sudah selesai.")
    if detail.begun:
        return tr._("▶️ Rapat ini sedang berlangsung.")
    return None


def _board_lines(tr: Translator, board: OrganiserView) -> list[str]:
    """The organiser's counts and who has not answered; attendance and minutes once begun."""
    counts = board.counts
    lines: list[str] = [
        tr._("<b>Jawaban peserta</b> ({invited} diundang): ✅ hadir {yes} · ❌ berhalangan {no} "
             "· belum menjawab {silent}", invited=counts.invited, yes=counts.yes, no=counts.no,
             silent=counts.unanswered)
    ]  # fmt: skip
    if counts.unanswered_names:
        # Hundreds invited (every BKM of a kota): the start of the list, the card still fits.
        names = shorten(", ".join(counts.unanswered_names), NAMES_SHOWN)
        lines.append(tr._("Belum menjawab: {names}", names=names))
    if board.detail.begun:
        lines.append(
            tr._("Daftar hadir: sudah dicatat.")
            if board.attendance_confirmed
            else tr._("Daftar hadir: belum dicatat.")
        )
        lines.append(tr.n_("Berita acara: {n} berkas.", "Berita acara: {n} berkas.",
                           board.minutes_files))  # fmt: skip
    return lines


def card(tr: Translator, detail: MeetingDetail, board: OrganiserView | None, now: datetime) -> str:
    """One meeting: its details, its state, my answer, and (to a manager) the counts."""
    lines = [tr._("📅 <b>Rapat</b>"), *details(tr, detail.info), ""]
    if state := _state(tr, detail, now):
        lines.append(state)
    if detail.can_rsvp or detail.my_rsvp is not None:
        lines.append(
            tr._("Jawaban Bapak/Ibu: <b>{answer}</b>", answer=tr._(rsvp_label(detail.my_rsvp)))
        )
    if detail.can_rsvp:
        lines.append(tr._("Jawaban dapat diubah sampai rapat dimulai."))
    if board is not None:
        lines += ["", *_board_lines(tr, board)]
    return "\n".join(lines)


def card_buttons(tr: Translator, detail: MeetingDetail, board: OrganiserView | None) -> Keyboard:
    """Answer; reschedule, cancel, remind before it begins; attendance and minutes after."""
    mid = detail.info.id
    rows: list[list[Button]] = []
    if detail.can_rsvp:
        rows.append(rsvp_keyboard(tr, mid, detail.my_rsvp, in_view=True))
    if board is not None and not detail.begun:
        when = Button(tr._("🔁 Ubah waktu"), data=callbacks.manage(mid, "when"))
        rows.append([when, Button(tr._("✖️ Batalkan rapat"), data=callbacks.manage(mid, "cancel"))])
        if board.counts.unanswered:
            label = tr._("🔔 Ingatkan yang belum menjawab")
            rows.append([Button(label, data=callbacks.manage(mid, "nudge"))])
    elif board is not None:
        present = Button(tr._("✔️ Catat kehadiran"), data=callbacks.manage(mid, "att"))
        rows.append([present, Button(tr._("📎 Berita acara"), data=callbacks.manage(mid, "min"))])
    rows.append([Button(tr._("⬅️ Daftar rapat"), data=callbacks.manage(mid, "list"))])
    return keyboard(*rows)


async def show_meeting(ctx: Context, meeting_id: int, *, edit: bool = False) -> None:
    """One meeting as this person may see it, with what they may do now."""
    assert ctx.actor is not None
    detail = await queries.meeting_detail(ctx.session, ctx.clock, ctx.actor, meeting_id)
    board = None
    if detail.can_manage:
        board = await queries.organiser_view(ctx.session, ctx.clock, ctx.actor, meeting_id)
    text = card(ctx.tr, detail, board, ctx.clock.now())
    ctx.reply(text, card_buttons(ctx.tr, detail, board), edit=edit)


async def on_view(ctx: Context, parts: list[str]) -> None:
    """`mt:view:{id}`: the meeting, in place of the list it was picked from."""
    try:
        meeting_id = int(parts[2])
    except (IndexError, ValueError):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    await show_meeting(ctx, meeting_id, edit=True)
