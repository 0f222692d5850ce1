"""/ide: the ideas sent to a BKM, as its members see them; a draft from one, or a reason why not.

See `conversations.ideas` for the whole flow's diagram and for the buttons' routing.
"""

from __future__ import annotations

from bot.domain import ideas
from bot.domain.errors import DomainError
from bot.domain.ideas import IdeaView
from bot.domain.proposals.lifecycle import status_label
from bot.domain.text_fit import shorten
from bot.i18n import Msgid, Translator
from bot.ui import Button, FileRef, Keyboard, keyboard
from conversations import proposal_form_ask
from conversations.context import Context
from conversations.errors import reply_error
from storage.idea_models import IdeaStatus

DECLINE_FLOW = "idea_no"  # a koordinator writing why an idea is not taken up: reason, confirm


def _idea_buttons(tr: Translator, item: IdeaView) -> Keyboard:
    rows: list[list[Button]] = []
    if item.has_photo:
        rows.append([Button(tr._("📷 Lihat foto"), data=f"idea:photo:{item.id}")])
    if item.may_draft:
        rows.append([Button(tr._("📝 Jadikan usulan"), data=f"idea:draft:{item.id}")])
    if item.may_decline:
        rows.append([Button(tr._("✋ Tidak dilanjutkan"), data=f"idea:no:{item.id}")])
    rows.append([Button(tr._("◀️ Kembali ke daftar"), data="idea:list")])
    return keyboard(*rows)


def status_text(tr: Translator, item: IdeaView) -> str:
    """ "Dijadikan usulan · PKT-2026-0042 · Diajukan", or the plain status."""
    label = tr._(ideas.STATUS_LABELS.get(item.status, item.status))
    if item.proposal_code and item.proposal_status:
        return tr._(
            "{label} · {code} · {status}",
            label=label,
            code=item.proposal_code,
            status=Msgid(status_label(item.proposal_status)),
        )
    if item.status == IdeaStatus.PROPOSED.value:
        return tr._("{label} · draf sedang disusun", label=label)
    return label


def _render(tr: Translator, item: IdeaView) -> str:
    lines = [
        tr._("💡 <b>Ide untuk {bkm}</b>", bkm=item.bkm),
        tr._("<i>{text}</i>", text=item.text),
        "",
        tr._("Dari: {author}", author=item.author),
    ]
    if item.created_at is not None:
        lines.append(tr._("Dikirim: {when}", when=tr.short_datetime(item.created_at)))
    lines.append(tr._("Status: {status}", status=status_text(tr, item)))
    if item.reason:
        lines.append(tr._("Alasan: {reason}", reason=item.reason))
    return "\n".join(lines)


async def cmd_ideas(ctx: Context) -> None:
    """`/ide`: the ideas sent to the reader's BKM."""
    await bkm_list(ctx, edit=False)


async def bkm_list(ctx: Context, *, edit: bool) -> None:
    assert ctx.actor is not None
    items = await ideas.bkm_ideas(ctx.session, ctx.actor)
    if not items:
        ctx.reply(ctx.tr._("Belum ada ide dari warga untuk BKM Bapak/Ibu."), edit=edit)
        return
    waiting = sum(item.status == IdeaStatus.NEW.value for item in items)
    lines = [
        ctx.tr.n_(
            "<b>Ide warga</b>: {n} menunggu tanggapan.",
            "<b>Ide warga</b>: {n} menunggu tanggapan.",
            waiting,
        ),
        "",
    ]
    rows = []
    for number, item in enumerate(items, start=1):
        lines.append(
            ctx.tr._(
                "{number}. <i>{text}</i> — {author} · {status}",
                number=number,
                text=short(item.text),
                author=item.author,
                status=status_text(ctx.tr, item),
            )
        )
        rows.append(Button(f"{number}. {short(item.text, 30)}", data=f"idea:v:{item.id}"))
    lines += ["", ctx.tr._("Silakan pilih ide untuk melihat rinciannya.")]
    ctx.reply("\n".join(lines), keyboard(*rows), edit=edit)


async def show(ctx: Context, idea_id: int, *, edit: bool) -> None:
    assert ctx.actor is not None
    item = await ideas.view(ctx.session, ctx.actor, idea_id)
    ctx.reply(_render(ctx.tr, item), _idea_buttons(ctx.tr, item), edit=edit)


async def photo(ctx: Context, idea_id: int) -> None:
    assert ctx.actor is not None
    item = await ideas.view(ctx.session, ctx.actor, idea_id)
    if item.photo_file_id is None:
        ctx.toast(ctx.tr._("Ide ini tidak punya foto."))
        return
    caption = ctx.tr._("Foto ide untuk {bkm}", bkm=item.bkm)
    ctx.reply(caption, attachment=FileRef(item.photo_file_id, "photo"))


async def draft(ctx: Context, idea_id: int) -> None:
    """Start the proposal from the idea and open the form at its next question."""
    assert ctx.actor is not None
    proposal = await ideas.start_draft(ctx.session, ctx.clock, ctx.actor, idea_id)
    ctx.reply(
        ctx.tr._(
            "📝 Draf usulan dibuat dari ide ini; judul dan uraian sudah diisi dari kata-kata "
            "warga dan dapat diubah di ringkasan. Pengirim ide sudah diberi tahu."
        ),
        edit=True,
    )
    await proposal_form_ask.bind(ctx, proposal)
    await proposal_form_ask.ask(ctx, proposal)


async def ask_reason(ctx: Context, idea_id: int) -> None:
    assert ctx.actor is not None
    item = await ideas.view(ctx.session, ctx.actor, idea_id)
    if not item.may_decline:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    await ctx.start_dialog(DECLINE_FLOW, "reason", idea_id=idea_id)
    ctx.reply(
        ctx.tr._(
            "Mengapa ide ini tidak dilanjutkan? Alasan ini akan dibaca pengirimnya, jadi mohon "
            "tulis dalam beberapa kata yang jelas dan sopan. Ketik /batal untuk berhenti."
        )
    )


async def on_reason(ctx: Context) -> None:
    """A free message while writing the reason: the reason, or anything at the confirmation."""
    assert ctx.dialog is not None
    if ctx.dialog.step == "reason" and ctx.incoming.kind == "text":
        try:
            reason = ideas.clean_reason(ctx.incoming.text)
        except DomainError as error:
            reply_error(ctx, error)
            return
        await ctx.update_dialog("confirm", reason=reason)
    elif ctx.dialog.step == "reason":
        ctx.reply(ctx.tr._("Mohon ketik alasannya sebagai teks."))
        return
    ctx.reply(
        ctx.tr._(
            "Alasan yang akan dikirim kepada pengirim ide:\n<i>{reason}</i>\n\nKirim?",
            reason=str(ctx.dialog.data.get("reason", "")),
        ),
        keyboard(
            [Button(ctx.tr._("✅ Kirim alasan"), data="idea:nosend")],
            [Button(ctx.tr._("✏️ Ubah"), data="idea:noredo")],
        ),
    )


async def decline(ctx: Context) -> None:
    assert ctx.actor is not None
    dialog = ctx.dialog
    if dialog is None or dialog.flow != DECLINE_FLOW or dialog.step != "confirm":
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    await ideas.decline(
        ctx.session,
        ctx.clock,
        ctx.actor,
        int(dialog.data["idea_id"]),
        reason=str(dialog.data.get("reason", "")),
    )
    await ctx.end_dialog()
    ctx.reply(ctx.tr._("Baik. Pengirim ide sudah diberi tahu alasannya."), edit=True)


def short(text: str, limit: int = 60) -> str:
    """One line within `limit` UTF-16 units (as Telegram counts), "…" when cut."""
    return shorten(" ".join(text.split()), limit)
