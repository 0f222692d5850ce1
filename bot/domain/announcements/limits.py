"""Telegram's length limits, counted the way Telegram counts: UTF-16 code units."""

from __future__ import annotations

from bot.domain.errors import InvalidInput
from bot.domain.plain_text import refuse_nik
from bot.i18n import N_

TEXT_LIMIT = 4096  # a message
CAPTION_LIMIT = 1024  # the caption of a photo or document

TOO_LONG = N_(
    "Maaf, pengumuman ini terlalu panjang: {count} huruf, paling banyak {limit}. "
    "Mohon persingkat lalu kirim lagi."
)
TOO_LONG_CAPTION = N_(
    "Maaf, teks untuk foto atau dokumen ini terlalu panjang: {count} huruf, paling banyak "
    "{limit}. Mohon persingkat lalu kirim lagi."
)
EMPTY = N_("Mohon tulis isi pengumuman sebagai pesan teks, atau kirim satu foto atau dokumen.")


def utf16_length(text: str) -> int:
    """Characters as Telegram counts them (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def body_limit(*, with_file: bool, frame_length: int = 0) -> int:
    """How many characters the body may have, the frame put around it counted."""
    return (CAPTION_LIMIT if with_file else TEXT_LIMIT) - frame_length


def check_body(text: str, *, with_file: bool, frame_length: int = 0) -> str:
    """The body as written, or InvalidInput with the count when Telegram would refuse it.

    `frame_length` is the longest frame put around it, so the whole message fits.
    """
    body = text.strip()
    if not body and not with_file:
        raise InvalidInput(EMPTY)
    limit = body_limit(with_file=with_file, frame_length=frame_length)
    count = utf16_length(body)
    if count > limit:
        raise InvalidInput(TOO_LONG_CAPTION if with_file else TOO_LONG, count=count, limit=limit)
    refuse_nik(body)  # a broadcast reaches hundreds: never a NIK
    return body
