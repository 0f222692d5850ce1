"""/status: the proposals a person may see, one proposal in full, and codes typed in free text.

```mermaid
stateDiagram-v2
    [*] --> list: /status, 📋 Status usulan
    list --> list: ◀️ ▶️ (edited in place)
    list --> proposal: a proposal's button (edited in place, with ◀️ back)
    [*] --> proposal: /status CODE, "gimana PKT-2026-0042?", Lihat usulan (a notification)
    proposal --> list: ◀️ Kembali ke daftar
    proposal --> [*]: an action button (see proposal_actions), ✏️ Perbaiki (the form)
```

An unknown code and a code this person may not see answer with the same words: the domain's
`get_view` raises the same NotFound for both.
"""

from __future__ import annotations

from bot.domain.errors import DomainError
from bot.domain.proposals import queries
from bot.domain.proposals.queries import find_codes
from bot.ui import FileRef
from conversations import proposal_lists as pl
from conversations import proposal_views as pv
from conversations.context import Context
from conversations.errors import reply_error
from conversations.proposal_action_input import leave_review_dialog
from conversations.proposal_views import short
from storage.models import Role

PER_PAGE = 5
MAX_CODES_IN_TEXT = 3
MAX_TYPED_CODE = 30


# --- the list ---------------------------------------------------------------------------------


async def cmd_status(ctx: Context) -> None:
    """`/status` lists; `/status CODE [CODE …]` shows each proposal named."""
    await leave_review_dialog(ctx)
    if ctx.incoming.args:
        typed = " ".join(ctx.incoming.args)
        codes = find_codes(typed)
        if len(codes) > 1:
            await _show_each(ctx, codes)
        else:
            # The "not found" answer repeats what was typed: a code's worth, not 4,000 characters.
            await show_proposal(ctx, codes[0] if codes else short(typed, MAX_TYPED_CODE))
        return
    await show_list(ctx, 1, edit=False)


async def on_list(ctx: Context, parts: list[str]) -> None:
    """`p:list:{page}`: another page, or back from a proposal, in place."""
    await leave_review_dialog(ctx)
    page = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
    await show_list(ctx, page, edit=True)


async def show_list(ctx: Context, page: int, *, edit: bool) -> None:
    assert ctx.actor is not None
    tr = ctx.tr
    found = await queries.visible_proposals(ctx.session, ctx.actor, page=page, per_page=PER_PAGE)
    if not found.total:
        text = tr._("Belum ada usulan yang dapat Bapak/Ibu lihat.")
        if ctx.actor.has(Role.ANGGOTA, Role.KOORDINATOR):
            text = tr._("{text}\nSilakan ketik /usulan untuk membuat usulan baru.", text=text)
        ctx.reply(text, edit=edit)
        return
    first = (found.page - 1) * found.per_page + 1
    lines: list[str] = [
        tr.n_(
            "<b>Usulan yang dapat Bapak/Ibu lihat</b>: {n} usulan, terbaru di atas.",
            "<b>Usulan yang dapat Bapak/Ibu lihat</b>: {n} usulan, terbaru di atas.",
            found.total,
        )
    ]
    if found.pages > 1:
        lines.append(tr._("Halaman {page} dari {pages}", page=found.page, pages=found.pages))
    lines.append("")
    wide = ctx.actor.has(Role.FASILITATOR, Role.MITRA)
    lines += [
        pl.list_line(tr, first + i, item, with_bkm=wide) for i, item in enumerate(found.items)
    ]
    lines += ["", tr._("Silakan pilih usulan untuk melihat rinciannya.")]
    pager = pl.pager(tr, "list", found.page, found.pages)
    buttons = pl.list_keyboard(tr, found.items, first, f"l{found.page}", pager)
    ctx.reply("\n".join(lines), buttons, edit=edit)


# --- one proposal -----------------------------------------------------------------------------


async def on_view(ctx: Context, parts: list[str]) -> None:
    """`p:view:{code}[:{origin}]`: opened from a list it replaces the list; else a new message."""
    await leave_review_dialog(ctx)
    code = parts[2] if len(parts) > 2 else ""
    origin = parts[3] if len(parts) > 3 else ""
    await show_proposal(ctx, code, origin=origin, edit=bool(origin))


async def show_proposal(ctx: Context, code: str, *, origin: str = "", edit: bool = False) -> None:
    """One proposal with the buttons of what this person may do now (NotFound escapes)."""
    assert ctx.actor is not None
    view = await queries.get_view(ctx.session, ctx.actor, code)
    buttons = pv.view_keyboard(ctx.tr, view, ctx.actor.mitra_ids(), origin)
    ctx.reply(pv.render(ctx.tr, view), buttons, edit=edit)


async def on_full(ctx: Context, parts: list[str]) -> None:
    """`p:full:{id}`: 📖 Baca selengkapnya, the values the view shortened, in full."""
    assert ctx.actor is not None
    view = await queries.view_by_id(ctx.session, ctx.actor, int(parts[2]))
    for text in pv.render_full(ctx.tr, view):
        ctx.reply(text)


async def on_files(ctx: Context, parts: list[str]) -> None:
    """`p:files:{code}`: send the proposal's photos and PDFs, each with its name as caption."""
    assert ctx.actor is not None
    view = await queries.get_view(ctx.session, ctx.actor, parts[2] if len(parts) > 2 else "")
    if not view.attachments:
        ctx.toast(ctx.tr._("Usulan ini tidak punya lampiran."))
        return
    for number, item in enumerate(view.attachments, start=1):
        caption = ctx.tr._(
            "Lampiran {number} dari {total}, usulan {code}: {name}",
            number=number,
            total=len(view.attachments),
            code=view.code or "",
            name=item.file_name or ctx.tr._("foto"),
        )
        ctx.reply(caption, attachment=FileRef(item.file_id, item.kind, item.file_name))


async def on_text(ctx: Context) -> bool:
    """Free text naming tracking codes ("gimana PKT-2026-0042?") answers with their status."""
    codes = find_codes(ctx.incoming.text)
    if not codes:
        return False
    await _show_each(ctx, codes)
    return True


async def _show_each(ctx: Context, codes: list[str]) -> None:
    """One message per code named (a few at most), each answered even if another is unknown."""
    for code in codes[:MAX_CODES_IN_TEXT]:
        try:
            await show_proposal(ctx, code)
        except DomainError as error:  # one unknown code does not hide the others
            reply_error(ctx, error)


COMMANDS = {"status": cmd_status}
CALLBACKS = {"p:list": on_list, "p:view": on_view, "p:files": on_files, "p:full": on_full}
TEXT_HOOKS = [on_text]
