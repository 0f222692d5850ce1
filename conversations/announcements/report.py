"""/umumkan: the list with counts, one report (🔄 Perbarui), stop, cancel; ✅ Sudah dibaca."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from bot.domain.announcements import compose, progress, publish, queries
from bot.domain.errors import DomainError
from bot.ui import Button, keyboard
from conversations.context import Context

STATUS_LABELS = progress.STATUS_LABELS


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
    """The report: delivered, unreachable by name and BKM, stopped, waiting, read — the same
    text as the live progress message (bot/domain/announcements/progress.py)."""
    assert ctx.actor is not None
    found = await compose.load(ctx.session, ctx.actor, announcement_id)
    p = await queries.progress(ctx.session, ctx.clock, found)
    shown = progress.text(ctx.tr, p, ctx.services.chat.send_rate)
    ctx.reply(shown, progress.buttons(ctx.tr, found.id or 0, found.status), edit=edit)


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
