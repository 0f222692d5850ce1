"""Writing an announcement: text, audience, when, preview, confirm. Each step one message."""

from __future__ import annotations

from bot.domain.announcements import compose, limits, publish, queries
from bot.domain.announcements.frame import FRAME_ROOM
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.meetings.dates import format_when
from bot.domain.quiet_hours import quiet_end
from bot.i18n import Translator
from bot.ui import Button, keyboard
from conversations.announcements import report
from conversations.context import Context
from conversations.errors import reply_error
from storage.announcement_models import Announcement
from storage.models import Kota

FLOW = "announce"
BODY, WHEN = "isi", "waktu"


async def ask_body(ctx: Context) -> None:
    """➕ Buat pengumuman: open (or resume) the draft and ask for its text."""
    assert ctx.actor is not None
    draft = await compose.start(ctx.session, ctx.clock, ctx.actor)
    await ctx.start_dialog(FLOW, BODY, announcement_id=draft.id)
    limit = limits.body_limit(with_file=False, frame_length=FRAME_ROOM)
    ctx.reply(
        ctx.tr._("Silakan tulis isi pengumuman dalam satu pesan (paling banyak {limit} "
                 "karakter). Ketik /batal untuk berhenti.", limit=ctx.tr.number(limit))
    )  # fmt: skip


async def on_message(ctx: Context) -> None:
    """A typed message while composing: the text, or a time for a scheduled one."""
    assert ctx.actor is not None and ctx.dialog is not None
    announcement_id = int(ctx.dialog.data.get("announcement_id", 0))
    try:
        if ctx.incoming.kind != "text":
            raise InvalidInput(limits.EMPTY)
        if ctx.dialog.step == WHEN:
            draft = await compose.set_send_at(
                ctx.session, ctx.clock, ctx.actor, announcement_id, ctx.incoming.text
            )
            await _show_when(ctx, draft)
            await preview(ctx, draft)
            return
        if ctx.dialog.step != BODY:
            ctx.reply(ctx.tr._("Mohon pilih salah satu tombol di bawah pesan sebelumnya."))
            return
        draft = await compose.set_body(
            ctx.session, ctx.clock, ctx.actor, announcement_id, ctx.incoming.text
        )
    except DomainError as error:
        reply_error(ctx, error)
        return
    await ask_audience(ctx, draft)


async def ask_audience(ctx: Context, draft: Announcement) -> None:
    """One button per audience the author may address."""
    assert ctx.actor is not None
    options = await compose.options(ctx.session, ctx.actor, draft)
    rows = [Button(o.text(ctx.tr), data=f"an:aud:{draft.id}:{o.code}") for o in options]
    ctx.reply(ctx.tr._("Kepada siapa pengumuman ini dikirim?"), keyboard(*rows))


async def ask_when(ctx: Context, draft: Announcement) -> None:
    ctx.reply(
        ctx.tr._("Kapan pengumuman ini dikirim?"),
        keyboard(
            Button(ctx.tr._("▶️ Kirim sekarang"), data=f"an:now:{draft.id}"),
            Button(ctx.tr._("🕒 Jadwalkan"), data=f"an:later:{draft.id}"),
        ),
    )


async def _show_when(ctx: Context, draft: Announcement) -> None:
    """A typed time shown back as read, in the kota's zone."""
    assert draft.send_at is not None
    kota = await ctx.session.get_one(Kota, draft.kota_id)
    when = format_when(Translator(ctx.tr.locale, kota.timezone), draft.send_at)
    ctx.reply(ctx.tr._("Dijadwalkan: {when}.", when=when))


async def _send_now(ctx: Context, draft: Announcement, *, night_ok: bool) -> None:
    """Now — but at night in the kota, first ask: now, or when quiet hours end?"""
    assert ctx.actor is not None
    kota = await ctx.session.get_one(Kota, draft.kota_id)
    end = quiet_end(ctx.clock.now(), kota.timezone, ctx.services.chat.quiet_hours)
    if end is not None and not night_ok:
        clock = format_when(Translator(ctx.tr.locale, kota.timezone), end)
        ctx.reply(
            ctx.tr._("Sekarang sudah larut malam di {kota}. Kirim sekarang, atau {when}?",
                     kota=kota.name, when=clock),
            keyboard(
                Button(ctx.tr._("▶️ Kirim sekarang"), data=f"an:force:{draft.id}"),
                Button(ctx.tr._("🌅 Kirim pagi nanti"), data=f"an:dawn:{draft.id}"),
            ),
        )  # fmt: skip
        return
    await compose.set_send_at(ctx.session, ctx.clock, ctx.actor, draft.id or 0, None)
    await preview(ctx, draft)


async def preview(ctx: Context, draft: Announcement) -> None:
    """The message exactly as recipients see it, then the count and the time it takes."""
    await ctx.update_dialog(step="")
    people = await compose.recipients(ctx.session, draft)
    seconds = int(queries.eta(len(people), ctx.services.chat.send_rate).total_seconds())
    ctx.reply(await publish.preview(ctx.session, draft, ctx.tr))
    audience = (await compose.describe_audience(ctx.session, draft)).text(ctx.tr)
    summary = ctx.tr.n_(
        "Pratinjau di atas akan diterima {n} orang ({audience}).",
        "Pratinjau di atas akan diterima {n} orang ({audience}).",
        len(people), audience=audience,
    )  # fmt: skip
    pace = report.duration(ctx.tr, seconds)
    ctx.reply(
        ctx.tr._("{summary}\nPengiriman memakan waktu {duration} pada kecepatan saat ini.",
                 summary=summary, duration=pace),
        keyboard(
            Button(ctx.tr._("✅ Kirim"), data=f"an:ok:{draft.id}"),
            Button(ctx.tr._("🗑 Hapus draf"), data=f"an:del:{draft.id}"),
        ),
    )  # fmt: skip


async def on_button(ctx: Context, parts: list[str]) -> None:
    """Every `an:` button except ✅ Sudah dibaca."""
    assert ctx.actor is not None
    verb = parts[1] if len(parts) > 1 else ""
    if verb == "new":
        await ask_body(ctx)
        return
    try:
        announcement_id = int(parts[2])
        await _press(ctx, verb, announcement_id, ":".join(parts[3:]))
    except (IndexError, ValueError):  # a forged or outdated button; domain errors roll back
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


async def _press(ctx: Context, verb: str, announcement_id: int, arg: str) -> None:
    assert ctx.actor is not None
    session, clock, actor = ctx.session, ctx.clock, ctx.actor
    if verb in report.VERBS:
        await report.VERBS[verb](ctx, announcement_id)
        return
    draft = await compose.load_draft(session, actor, announcement_id)
    await ctx.start_dialog(FLOW, "", announcement_id=announcement_id)
    if verb == "aud":
        await compose.set_audience(session, clock, actor, announcement_id, arg)
        await ask_when(ctx, draft)
    elif verb in ("now", "force"):
        await _send_now(ctx, draft, night_ok=verb == "force")
    elif verb == "dawn":
        kota = await session.get_one(Kota, draft.kota_id)
        compose.set_send_time(
            draft, clock, quiet_end(clock.now(), kota.timezone, ctx.services.chat.quiet_hours)
        )
        await preview(ctx, draft)
    elif verb == "later":
        await ctx.update_dialog(step=WHEN)
        ctx.reply(ctx.tr._("Silakan ketik waktunya, misalnya: besok 09.00 atau Senin 14.00."))
    elif verb == "ok":
        await publish.confirm(session, clock, actor, announcement_id,
                              quiet=ctx.services.chat.quiet_hours)  # fmt: skip
        await ctx.end_dialog()
        await report.show(ctx, announcement_id)
    elif verb == "del":
        await compose.discard(session, actor, announcement_id)
        await ctx.end_dialog()
        ctx.reply(ctx.tr._("Draf pengumuman dihapus."))
    else:
        raise ValueError(verb)
