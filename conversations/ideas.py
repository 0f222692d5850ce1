"""/usul_ide: a warga sends an idea to their BKM; /ide: the BKM's members see and act on ideas.

```mermaid
stateDiagram-v2
    [*] --> text: /usul_ide, 💡 Usul ide (a BKM picked first if there are several)
    text --> photo: idea typed (a photo with a caption skips to the preview)
    photo --> preview: photo sent, or Lewati
    preview --> text: ✏️ Ubah
    preview --> [*]: ✅ Kirim ke BKM (members told)
    [*] --> list: /ide, 💡 Ide warga
    list --> idea: an idea's button
    idea --> form: 📝 Jadikan usulan (the proposal form, judul and uraian filled in)
    idea --> reason: ✋ Tidak dilanjutkan (koordinator)
    reason --> confirm: a few words typed
    confirm --> [*]: ✅ Kirim alasan (the author told)
```

The flow's place and answers live in the `dialog` row, so a dropped signal loses nothing. The
members' side (list, view, draft, reason) is `conversations.idea_review`; every `idea:` button
is routed here.
"""

from __future__ import annotations

from bot.domain import ideas
from bot.domain.errors import DomainError
from bot.i18n import Translator
from bot.ui import Button, Keyboard, keyboard
from conversations import idea_review as review
from conversations.context import Context
from conversations.errors import reply_error
from conversations.menu import show_menu
from storage.models import Bkm

FLOW = "idea"  # a warga writing an idea: steps text, photo, preview

# --- keyboards -------------------------------------------------------------------------------


def _preview_buttons(tr: Translator) -> Keyboard:
    return keyboard(
        [Button(tr._("✅ Kirim ke BKM"), data="idea:send")],
        [Button(tr._("✏️ Ubah"), data="idea:redo")],
    )


# --- a warga writes an idea ------------------------------------------------------------------


async def cmd_suggest(ctx: Context) -> None:
    """`/usul_ide`: pick the BKM if there are several, then ask for the idea."""
    assert ctx.actor is not None
    bkm_ids = sorted(ideas.suggest_bkms(ctx.actor))
    if not bkm_ids:
        ctx.reply(ctx.tr._("Maaf, Bapak/Ibu belum terdaftar di BKM mana pun."))
        return
    if len(bkm_ids) == 1:
        await _ask_text(ctx, bkm_ids[0])
        return
    rows = []
    for bkm_id in bkm_ids:
        bkm = await ctx.session.get_one(Bkm, bkm_id)
        rows.append(Button(bkm.name, data=f"idea:bkm:{bkm_id}"))
    ctx.reply(ctx.tr._("Untuk BKM mana ide ini?"), keyboard(*rows))


async def _ask_text(ctx: Context, bkm_id: int) -> None:
    bkm = await ctx.session.get_one(Bkm, bkm_id)
    await ctx.start_dialog(FLOW, "text", bkm_id=bkm_id)
    ctx.reply(
        ctx.tr._(
            "Silakan ketik ide Bapak/Ibu untuk <b>{bkm}</b> dalam beberapa kalimat: apa masalahnya, "
            "di mana, dan apa usulnya. Boleh juga kirim satu foto dengan keterangan.\n"
            "Mohon tidak menulis NIK warga. Ketik /batal untuk berhenti.",
            bkm=bkm.name,
        ),
        keyboard(Button(ctx.tr._("📋 Ide saya"), data="idea:mine")),
    )


async def on_message(ctx: Context) -> None:
    """A free message while writing an idea: the text, a photo, or anything at the preview."""
    assert ctx.dialog is not None
    step, inc = ctx.dialog.step, ctx.incoming
    photo = inc.file.file_id if inc.file is not None and inc.file.kind == "photo" else None
    if step == "text" and (inc.kind == "text" or photo):
        await _receive_text(ctx, inc.text, photo)
    elif step == "photo" and photo:
        await ctx.update_dialog("preview", photo=photo)
        await _preview(ctx)
    elif step == "photo":
        ctx.reply(
            ctx.tr._("Mohon kirim satu foto, atau tekan Lewati."),
            keyboard(Button(ctx.tr._("Lewati"), data="idea:skip")),
        )
    elif step == "preview":
        await _preview(ctx)
    else:
        ctx.reply(ctx.tr._("Mohon ketik idenya sebagai teks."))


async def _receive_text(ctx: Context, text: str, photo: str | None) -> None:
    if photo and not text.strip():
        await ctx.update_dialog(photo=photo)  # the photo first: the words may follow
        ctx.reply(ctx.tr._("Foto diterima. Sekarang mohon ketik idenya."))
        return
    try:
        clean = ideas.clean_text(text)
    except DomainError as error:
        reply_error(ctx, error)
        return
    assert ctx.dialog is not None
    if photo or ctx.dialog.data.get("photo"):
        await ctx.update_dialog("preview", text=clean, **({"photo": photo} if photo else {}))
        await _preview(ctx)
        return
    await ctx.update_dialog("photo", text=clean)
    ctx.reply(
        ctx.tr._("Terima kasih. Ada foto pendukung? Silakan kirim satu foto, atau tekan Lewati."),
        keyboard(Button(ctx.tr._("Lewati"), data="idea:skip")),
    )


async def _preview(ctx: Context, *, edit: bool = False) -> None:
    assert ctx.dialog is not None
    bkm = await ctx.session.get_one(Bkm, int(ctx.dialog.data["bkm_id"]))
    photo = ctx.dialog.data.get("photo")
    ctx.reply(
        ctx.tr._(
            "Ide untuk <b>{bkm}</b>:\n<i>{text}</i>\n{photo}\n\nKirim ke BKM?",
            bkm=bkm.name,
            text=str(ctx.dialog.data.get("text", "")),
            photo=ctx.tr._("📷 Dengan satu foto.") if photo else ctx.tr._("Tanpa foto."),
        ),
        _preview_buttons(ctx.tr),
        edit=edit,
    )


async def _send(ctx: Context) -> None:
    assert ctx.actor is not None
    dialog = ctx.dialog
    if dialog is None or dialog.flow != FLOW or dialog.step != "preview":
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    bkm_id = int(dialog.data["bkm_id"])
    await ideas.suggest(
        ctx.session,
        ctx.clock,
        ctx.actor,
        bkm_id=bkm_id,
        text=str(dialog.data.get("text", "")),
        photo_file_id=dialog.data.get("photo"),
    )
    await ctx.end_dialog()
    bkm = await ctx.session.get_one(Bkm, bkm_id)
    ctx.reply(
        ctx.tr._(
            "Terima kasih! Ide Bapak/Ibu sudah dikirim ke {bkm}. Bapak/Ibu akan diberi kabar "
            "apakah ide ini dijadikan usulan.",
            bkm=bkm.name,
        ),
        edit=True,
    )
    show_menu(ctx)


async def _own_list(ctx: Context) -> None:
    assert ctx.actor is not None
    mine = await ideas.own_ideas(ctx.session, ctx.actor)
    if not mine:
        ctx.reply(ctx.tr._("Bapak/Ibu belum pernah mengirim ide."))
        return
    lines = [ctx.tr._("<b>Ide Bapak/Ibu</b>"), ""]
    for item in mine:
        lines.append(
            ctx.tr._(
                "• <i>{text}</i> — {status}",
                text=review.short(item.text),
                status=review.status_text(ctx.tr, item),
            )
        )
        if item.reason:
            # Every idea ever sent, each with its reason: shortened, so the list stays one message.
            lines.append(ctx.tr._("  Alasan: {reason}", reason=review.short(item.reason, 160)))
    ctx.reply("\n".join(lines))


# --- buttons ---------------------------------------------------------------------------------


async def on_callback(ctx: Context, parts: list[str]) -> None:
    """`idea:bkm:ID`, `idea:skip`, `idea:send`, `idea:redo`, `idea:mine`, `idea:list`,
    `idea:v:ID`, `idea:photo:ID`, `idea:draft:ID`, `idea:no:ID`, `idea:nosend`, `idea:noredo`."""
    action = parts[1] if len(parts) > 1 else ""
    idea_id = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    dialog = ctx.dialog
    # A domain error is left to the router: it rolls back the whole update before explaining.
    if action == "bkm" and idea_id is not None:
        assert ctx.actor is not None
        if idea_id not in ideas.suggest_bkms(ctx.actor):
            ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
            return
        await _ask_text(ctx, idea_id)
    elif action == "skip" and dialog is not None and dialog.flow == FLOW and dialog.step != "text":
        await ctx.update_dialog("preview")
        await _preview(ctx)
    elif action == "send":
        await _send(ctx)
    elif action == "redo" and dialog is not None and dialog.flow == FLOW:
        await ctx.update_dialog("text", text="", photo=None)
        ctx.reply(ctx.tr._("Silakan ketik ulang idenya."))
    elif action == "mine":
        await _own_list(ctx)
    elif action == "list":
        await review.bkm_list(ctx, edit=True)
    elif action == "v" and idea_id is not None:
        await review.show(ctx, idea_id, edit=False)
    elif action == "photo" and idea_id is not None:
        await review.photo(ctx, idea_id)
    elif action == "draft" and idea_id is not None:
        await review.draft(ctx, idea_id)
    elif action == "no" and idea_id is not None:
        await review.ask_reason(ctx, idea_id)
    elif action == "nosend":
        await review.decline(ctx)
    elif action == "noredo" and dialog is not None and dialog.flow == review.DECLINE_FLOW:
        await ctx.update_dialog("reason", reason="")
        ctx.reply(ctx.tr._("Silakan ketik ulang alasannya."))
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


COMMANDS = {"usul_ide": cmd_suggest, "ide": review.cmd_ideas}
CALLBACKS = {"idea": on_callback}
DIALOGS = {FLOW: on_message, review.DECLINE_FLOW: review.on_reason}
