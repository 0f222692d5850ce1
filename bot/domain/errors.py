"""The domain's one error hierarchy. The chat layer maps each to a friendly, translated line."""

from __future__ import annotations

from typing import Any

from bot.i18n import N_


class DomainError(Exception):
    """Base: `message` is an untranslated (Indonesian) msgid, `params` fill its placeholders."""

    default_message = N_("Maaf, permintaan Bapak/Ibu tidak dapat diproses.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.message = message or self.default_message
        self.params = params
        super().__init__(self.message)


class NotFound(DomainError):
    default_message = N_("Maaf, data yang Bapak/Ibu cari tidak ditemukan.")


class NotAllowed(DomainError):
    default_message = N_("Maaf, Bapak/Ibu tidak memiliki izin untuk tindakan ini.")


class InvalidTransition(DomainError):
    default_message = N_("Maaf, tindakan ini tidak dapat dilakukan pada status saat ini.")


class InvalidInput(DomainError):
    default_message = N_("Maaf, isian tersebut belum sesuai.")
