"""/bahasa: switch between Bahasa Indonesia and English at any time."""

from __future__ import annotations

from bot.domain import people
from bot.i18n import SUPPORTED, Translator
from bot.ui import Button, keyboard
from conversations.context import Context
from conversations.menu import show_menu

# Each language names itself, so a person who cannot read the current one still finds theirs.
LANGUAGE_NAMES = {"id": "🇮🇩 Bahasa Indonesia", "en": "🇬🇧 English"}
# The same names without the flag, where a language is shown rather than chosen ("Data saya").
PLAIN_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def language_name(code: str | None) -> str:
    """ "Bahasa Indonesia" / "English" for a stored locale code; "-" when none is stored."""
    return PLAIN_NAMES.get(code or "", code or "-")


def ask_language(ctx: Context, prefix: str = "lang") -> None:
    """Language buttons; onboarding passes its own callback prefix to finish after the choice."""
    ctx.reply(
        ctx.tr._("Silakan pilih bahasa / Please choose a language:"),
        keyboard([Button(LANGUAGE_NAMES[code], data=f"{prefix}:{code}") for code in SUPPORTED]),
    )


async def switch_language(ctx: Context, code: str) -> None:
    """Store the choice and speak it from this reply on."""
    assert ctx.person is not None
    await people.set_locale(ctx.session, ctx.clock, ctx.person, code)
    ctx.tr = Translator(code, ctx.tr.timezone)
    ctx.reply(ctx.tr._("Bahasa diubah ke Bahasa Indonesia."), edit=True)


async def cmd_language(ctx: Context) -> None:
    ask_language(ctx)


async def on_callback(ctx: Context, parts: list[str]) -> None:
    """`lang:id` / `lang:en`."""
    code = parts[1] if len(parts) > 1 else ""
    if code not in SUPPORTED or ctx.person is None:
        if code in SUPPORTED:
            ctx.tr = Translator(code, ctx.tr.timezone)
            ctx.toast(ctx.tr._("Mohon buka tautan undangan untuk mendaftar terlebih dahulu."))
        else:
            ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    await switch_language(ctx, code)
    if ctx.registered:
        show_menu(ctx)
