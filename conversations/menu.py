"""The main menu and /bantuan: what this person's roles allow, as buttons and as a list."""

from __future__ import annotations

from bot.domain.actors import ROLE_LABELS, Actor
from bot.i18n import Html, Translator
from bot.ui import Button, Keyboard
from conversations.commands import COMMANDS, allowed, available
from conversations.context import Context
from storage.models import Role


def role_label(tr: Translator, role: Role) -> str:
    return tr._(ROLE_LABELS[role])


def roles_text(tr: Translator, actor: Actor) -> Html:
    """ "Koordinator BKM (BKM Sukamaju), Fasilitator (Bandung)"."""
    parts = []
    for grant in actor.grants:
        label = role_label(tr, grant.role)
        parts.append(
            tr._("{role} ({scope})", role=label, scope=grant.scope_name)
            if grant.scope_name
            else label
        )
    return Html(", ".join(parts))


def menu_keyboard(tr: Translator, actor: Actor | None) -> Keyboard:
    """Two buttons a row: big enough for thumbs on a small phone."""
    buttons = [
        Button(tr._(c.menu_label), data=f"menu:{c.key}")
        for c in COMMANDS
        if c.in_menu and allowed(c, actor)
    ]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def show_menu(ctx: Context, intro: str | None = None) -> None:
    ctx.reply(
        intro or ctx.tr._("Silakan pilih yang ingin Bapak/Ibu lakukan:"),
        menu_keyboard(ctx.tr, ctx.actor),
    )


async def cmd_menu(ctx: Context) -> None:
    show_menu(ctx)


async def cmd_help(ctx: Context) -> None:
    """List the commands this person may use, in their language."""
    tr = ctx.tr
    lines = [tr._("<b>Bantuan PAKET Bot</b>"), ""]
    actor = ctx.actor if ctx.registered else None
    for command in available(actor):
        lines.append(
            tr._(
                "/{command} — {description}",
                command=command.name_for(tr.locale),
                description=tr._(command.description),
            )
        )
    lines.append("")
    if actor is None:
        lines.append(
            tr._(
                "Bapak/Ibu belum terdaftar. Mohon buka tautan undangan dari fasilitator "
                "atau koordinator BKM (Badan Keswadayaan Masyarakat) Bapak/Ibu."
            )
        )
    else:
        lines.append(tr._("Bapak/Ibu terdaftar sebagai: {roles}.", roles=roles_text(tr, actor)))
        lines.append(
            tr._(
                "Ketik /batal kapan saja untuk berhenti; isian yang sudah dikirim tetap tersimpan."
            )
        )
    ctx.reply("\n".join(lines), menu_keyboard(tr, actor) if actor else ())
