"""The one place a domain error becomes a friendly, translated line with a way forward."""

from __future__ import annotations

from bot.domain.errors import DomainError, InvalidInput
from conversations.context import Context


def reply_error(ctx: Context, error: DomainError) -> None:
    """Tell the person what went wrong; invalid input also says how to leave."""
    text = ctx.tr._(error.message, **error.params)
    if isinstance(error, InvalidInput):
        text = ctx.tr._(
            "{problem}\nSilakan coba lagi, atau ketik /batal untuk berhenti.", problem=text
        )
    ctx.reply(text)
