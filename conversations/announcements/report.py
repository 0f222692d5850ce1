"""/umumkan: the list with counts, one report (🔄 Perbarui), stop, cancel; ✅ Sudah dibaca."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from bot.domain.announcements import compose, publish, queries
from bot.domain.errors import DomainError
from bot.i18n import N_, Translator
from bot.ui import Button, keyboard
from conversations.context import Context
from storage.announcement_models import AnnouncementStatus as Status

STATUS_LABELS = {
    Status.DRAFT.value: N_("Draf"),
    Status.SCHEDULED.value: N_("Terjadwal"),
    Status.SENDING.value: N_("Sedang dikirim"),
    Status.SENT.value: N_("Terkirim"),
    Status.CANCELLED.value: N_("Dibatalkan"),
    Status.STOPPED.value: N_("Dihentikan"),
}


def duration(tr: Translator, seconds: int) -> str:
    """ "sekitar 40 detik" / "sekitar 3 menit"."""
    if seconds < 60:
        return tr.n_("sekitar {n} detik", "sekitar {n} detik", max(seconds, 1))
    return tr.n_("sekitar {n} menit", "sekitar {n} menit", -(-seconds // 60))


async def cmd_announce(ctx: Context) -> None:
    """`/umumkan`: past and scheduled announcements with their counts, and ➕ a new one."""
    assert ctx.actor is not None
    listed = await queries.listing(ctx.session, ctx.clock, ctx.actor)
    rows = [Button(ctx.tr._("➕ Buat pengumuman"), data="an:new")]
    lines: list[str] = [ctx.tr._("📢 <b>Pengumuman</b>")]
    for p in listed:
        a = p.announcement
        lines.append(
            ctx.tr._("#{id} · {status} · terkirim {sent}/{total} · dibaca {acks}",
                     id=a.id, status=ctx.tr._(STATUS_LABELS[a.status]), sent=p.sent,
                     total=p.total, acks=p.acks)
        )  # fmt: skip
        rows.append(Button(ctx.tr._("📊 Pengumuman #{id}", id=a.id), data=f"an:rep:{a.id}"))
    if not listed:
        lines.append(ctx.tr._("Belum ada pengumuman."))
    ctx.reply("\n".join(lines), keyboard(*rows))


async def show(ctx: Context, announcement_id: int, *, edit: bool = False) -> None:
    """The report: delivered, unreachable by name and BKM, stopped, waiting, read."""
    assert ctx.actor is not None
    found = await compose.load(ctx.session, ctx.actor, announcement_id)
    p = await queries.progress(ctx.session, ctx.clock, found)
    tr = ctx.tr
    lines: list[str] = [
        tr._("📢 <b>Pengumuman #{id}</b> · {status}", id=found.id,
             status=tr._(STATUS_LABELS[found.status])),
        tr._("✅ Terkirim: {sent} · ⚠️ Tidak terjangkau: {failed} · ⏳ Menunggu: {pending}",
             sent=p.sent, failed=p.failed, pending=p.pending),
    ]  # fmt: skip
    if found.status == Status.SCHEDULED.value and found.send_at is not None:
        lines.append(tr._("Dijadwalkan: {when}.", when=tr.datetime(found.send_at)))
    if p.pending:
        seconds = int(queries.eta(p.pending, ctx.services.chat.send_rate).total_seconds())
        lines.append(tr._("Perkiraan selesai: {duration}.", duration=duration(tr, seconds)))
    if p.stopped:
        lines.append(tr._("⏹ Tidak dikirim karena dihentikan: {n}", n=p.stopped))
    lines.append(tr._("👁 Sudah dibaca: {acks}", acks=p.acks))
    if p.unreachable:
        lines.append(tr._("Tidak dapat dihubungi (mohon dikunjungi atau ditelepon):"))
        lines += [f"• {html.escape(u.name)} ({html.escape(', '.join(u.bkms) or '-')})"
                  for u in p.unreachable]  # fmt: skip
    ctx.reply("\n".join(lines), keyboard(*_actions(tr, found.id or 0, found.status)), edit=edit)


def _actions(tr: Translator, announcement_id: int, status: str) -> list[Button]:
    rows = [Button(tr._("🔄 Perbarui"), data=f"an:rep:{announcement_id}")]
    if status == Status.SENDING.value:
        rows.append(Button(tr._("⏹ Hentikan pengiriman"), data=f"an:stop:{announcement_id}"))
    if status == Status.SCHEDULED.value:
        rows.append(Button(tr._("✖️ Batalkan jadwal"), data=f"an:cancel:{announcement_id}"))
    return rows


async def on_refresh(ctx: Context, announcement_id: int) -> None:
    await show(ctx, announcement_id, edit=True)


async def on_stop(ctx: Context, announcement_id: int) -> None:
    assert ctx.actor is not None
    dropped = await publish.stop(ctx.session, ctx.clock, ctx.actor, announcement_id)
    ctx.reply(ctx.tr._("Pengiriman dihentikan. {n} pesan tidak jadi dikirim.", n=dropped))
    await show(ctx, announcement_id)


async def on_cancel(ctx: Context, announcement_id: int) -> None:
    assert ctx.actor is not None
    await publish.cancel(ctx.session, ctx.clock, ctx.actor, announcement_id)
    ctx.reply(ctx.tr._("Jadwal pengumuman dibatalkan."))
    await show(ctx, announcement_id)


VERBS: dict[str, Callable[[Context, int], Awaitable[None]]] = {
    "rep": on_refresh,
    "stop": on_stop,
    "cancel": on_cancel,
}


async def on_ack(ctx: Context, parts: list[str]) -> None:
    """✅ Sudah dibaca: recorded once; the button stays so a second press just confirms."""
    assert ctx.actor is not None
    try:
        first = await publish.acknowledge(ctx.session, ctx.clock, ctx.actor, int(parts[2]))
    except (IndexError, ValueError, DomainError):
        ctx.toast(html.unescape(ctx.tr._("Tombol ini sudah tidak berlaku.")))
        return
    if first:
        ctx.toast(html.unescape(ctx.tr._("Terima kasih, tanda sudah dibaca tercatat.")))
    else:
        ctx.toast(html.unescape(ctx.tr._("Sudah tercatat sebelumnya. Terima kasih.")))
