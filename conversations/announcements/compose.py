"""Writing an announcement: text (and perhaps one photo or document), audience (one, or several
BKMs ticked), when, preview, confirm. Each step one message, each answer saved on the draft."""

from __future__ import annotations

from bot.domain.announcements import audience, compose, limits, progress, publish, queries
from bot.domain.announcements.frame import FRAME_ROOM
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.meetings.dates import format_when
from bot.domain.quiet_hours import quiet_end
from bot.i18n import Translator
from bot.ui import Button, FileRef, keyboard
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
    caption = limits.body_limit(with_file=True, frame_length=FRAME_ROOM)
    ctx.reply(
        ctx.tr._("Silakan tulis isi pengumuman dalam satu pesan (paling banyak {limit} "
                 "huruf). Ketik /batal untuk berhenti.", limit=ctx.tr.number(limit))
        + "\n"
        + ctx.tr._("Bapak/Ibu juga dapat melampirkan satu foto atau dokumen: kirim dengan "
                   "keterangannya, atau kirim sesudah teks tadi. Teks bersama foto atau dokumen "
                   "paling banyak {limit} huruf.", limit=ctx.tr.number(caption))
    )  # fmt: skip


async def on_message(ctx: Context) -> None:
    """A typed message while composing: the text, or a time for a scheduled one."""
    assert ctx.actor is not None and ctx.dialog is not None
    announcement_id = int(ctx.dialog.data.get("announcement_id", 0))
    try:
        if ctx.incoming.kind == "file" and ctx.dialog.step == BODY:
            draft = await _attach(ctx, announcement_id)
            await ask_audience(ctx, draft)
            return
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


async def _attach(ctx: Context, announcement_id: int) -> Announcement:
    """A photo or document: its caption (or the text typed before) must fit a caption."""
    assert ctx.actor is not None and ctx.incoming.file is not None
    file = ctx.incoming.file
    return await compose.set_file(
        ctx.session, ctx.clock, ctx.actor, announcement_id,
        kind=file.kind, file_id=file.file_id, caption=ctx.incoming.text,
    )  # fmt: skip


async def ask_audience(ctx: Context, draft: Announcement) -> None:
    """One button per audience the author may address; several BKMs when there are several."""
    assert ctx.actor is not None
    options = await compose.options(ctx.session, ctx.actor, draft)
    rows = [Button(o.text(ctx.tr), data=f"an:aud:{draft.id}:{o.code}") for o in options]
    if sum(o.code.startswith("bkm:") for o in options) > 1:
        rows.append(Button(ctx.tr._(audience.SEVERAL_LABEL), data=f"an:many:{draft.id}"))
    question: str = ctx.tr._("Kepada siapa pengumuman ini dikirim?")
    if draft.file_id is not None:
        question = ctx.tr._("Foto atau dokumen tersimpan.") + "\n" + question
    ctx.reply(question, keyboard(*rows))


async def ask_bkms(ctx: Context, draft: Announcement, *, edit: bool = False) -> None:
    """A tick button per BKM of the author's area, ➡️ Lanjut under them."""
    assert ctx.actor is not None
    choices = await audience.choices(ctx.session, ctx.actor, draft)
    rows = [
        Button(("☑️ " if c.ticked else "⬜ ") + c.name, data=f"an:tick:{draft.id}:{c.bkm_id}")
        for c in choices
    ]
    rows.append(Button(ctx.tr._("➡️ Lanjut"), data=f"an:ticked:{draft.id}"))
    ticked = sum(c.ticked for c in choices)
    ctx.reply(
        ctx.tr.n_("Centang BKM yang menerima pengumuman ini ({n} dipilih), lalu tekan Lanjut.",
                  "Centang BKM yang menerima pengumuman ini ({n} dipilih), lalu tekan Lanjut.",
                  ticked),
        keyboard(*rows), edit=edit,
    )  # fmt: skip


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
    shown = await publish.preview(ctx.session, draft, ctx.tr)
    if draft.file_id is not None and draft.file_kind is not None:  # as recipients get it
        ctx.reply(shown, attachment=FileRef(draft.file_id, draft.file_kind))
    else:
        ctx.reply(shown)
    audience = (await compose.describe_audience(ctx.session, draft)).text(ctx.tr)
    summary = ctx.tr.n_(
        "Pratinjau di atas akan diterima {n} orang ({audience}).",
        "Pratinjau di atas akan diterima {n} orang ({audience}).",
        len(people), audience=audience,
    )  # fmt: skip
    pace = progress.duration(ctx.tr, seconds)
    ctx.reply(
        ctx.tr._("{summary}\nPengiriman memakan waktu {duration} pada kecepatan saat ini.",
                 summary=summary, duration=pace),
        keyboard(
            Button(ctx.tr._("✅ Kirim"), data=f"an:ok:{draft.id}"),
            Button(ctx.tr._("🗑 Hapus draf"), data=f"an:del:{draft.id}"),
        ),
    )  # fmt: skip


async def _confirm(ctx: Context, announcement_id: int) -> None:
    """✅ Kirim: scheduled → its report; now → the live progress message follows at once."""
    assert ctx.actor is not None
    chat = ctx.services.chat
    sent = await publish.confirm(ctx.session, ctx.clock, ctx.actor, announcement_id,
                                 quiet=chat.quiet_hours, send_rate=chat.send_rate)  # fmt: skip
    await ctx.end_dialog()
    if sent.started_at is None:
        await report.show(ctx, announcement_id)
        return
    ctx.reply(
        ctx.tr.n_("✅ Pengumuman #{id} mulai dikirim kepada {n} orang. Kemajuannya tampil di "
                  "pesan berikut, yang memperbarui dirinya sendiri.",
                  "✅ Pengumuman #{id} mulai dikirim kepada {n} orang. Kemajuannya tampil di "
                  "pesan berikut, yang memperbarui dirinya sendiri.",
                  sent.recipients, id=sent.id),
        edit=True,
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
    elif verb == "many":
        await ask_bkms(ctx, await compose.start_several(session, clock, actor, announcement_id))
    elif verb == "tick":
        draft = await compose.toggle_bkm(session, clock, actor, announcement_id, int(arg))
        await ask_bkms(ctx, draft, edit=True)
    elif verb == "ticked":
        await compose.finish_several(session, clock, actor, announcement_id)
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
        await _confirm(ctx, announcement_id)
    elif verb == "del":
        await compose.discard(session, actor, announcement_id)
        await ctx.end_dialog()
        ctx.reply(ctx.tr._("Draf pengumuman dihapus."))
    else:
        raise ValueError(verb)
