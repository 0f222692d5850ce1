"""Translations and formatting through Babel: the only place user text is turned into words.

Message ids are the Indonesian text (the service language by law): a string missing from the
English catalog falls back to Indonesian, never to a code. Placeholders are named
(`{name}`); every `str` value passed to a placeholder is HTML-escaped here, once, so no caller
can forget it. Pass `Html(...)` for a value that is already safe markup.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SUPPORTED = ("id", "en")
DEFAULT_LOCALE = "id"

# Babel locale used for formatting: id_ID gives "Rp1.500.000" without decimals.
_FORMAT_LOCALE = {"id": "id_ID", "en": "en_ID"}
# Numbers and clock times follow the reader's language, not the region: en_ID groups
# thousands with dots ("1.000") and writes "14.28", which an English reader takes for decimals.
_NUMBER_LOCALE = {"id": "id_ID", "en": "en"}
_CLOCK = {"id": "HH.mm", "en": "HH:mm"}


def rupiah(amount: int, locale: str = "id") -> str:
    """Rp1.500.000 in Indonesian, Rp1,500,000 in English: no decimals, the reader's grouping.

    Babel's IDR currency format adds ",00" sen; the number alone, prefixed, is what people write.
    """
    sign = "-" if amount < 0 else ""
    number = format_decimal(abs(amount), locale=_NUMBER_LOCALE.get(locale[:2], "id_ID"))
    return f"{sign}Rp{number}"


_TZ_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated when shown)."""
    return message


class Msgid(str):
    """A message id passed as a placeholder value: translated when the message is shown.

    Lets the domain name a status or a role in an error without knowing the reader's language.
    """

    __slots__ = ()


class Rupiah(int):
    """An amount passed as a placeholder value: written as the reader writes rupiah.

    Lets the domain put an amount in an error without knowing the reader's language
    ("Rp10.000.000" in Indonesian, "Rp10,000,000" in English).
    """

    __slots__ = ()


class Number(int):
    """A count passed as a placeholder value: grouped as the reader groups ("100.000" /
    "100,000")."""

    __slots__ = ()


class Html(str):
    """A string that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def paragraphs(*parts: Html | None) -> Html:
    """Translated paragraphs as one message (those given), a blank line between them."""
    return Html("\n\n".join(part for part in parts if part))


def escape(value: object) -> str:
    """HTML-escape user text for Telegram's HTML parse mode (keeps emoji intact)."""
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


def normalise_locale(code: str | None) -> str:
    """Map a Telegram language_code (e.g. "en-US") to a supported locale, default Indonesian."""
    if not code:
        return DEFAULT_LOCALE
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else DEFAULT_LOCALE


@cache
def _catalog(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALES_DIR), [locale], domain=DOMAIN)


class Translator:
    """Translates and formats for one locale and one time zone."""

    def __init__(self, locale: str = DEFAULT_LOCALE, timezone: str = "Asia/Jakarta") -> None:
        self.locale = normalise_locale(locale)
        self.timezone = timezone
        self._catalog = _catalog(self.locale)

    def _(self, message: str, **params: Any) -> Html:
        """Translate `message` and fill its named placeholders (str values HTML-escaped).

        The result is `Html`: passing it into another message does not escape it twice.
        """
        return self._fill(self._catalog.gettext(message), params)

    def n_(self, singular: str, plural: str, n: int, **params: Any) -> Html:
        """Plural-aware translation; `n` is available to the message as `{n}`."""
        text = self._catalog.ngettext(singular, plural, n)
        return self._fill(text, {"n": self.number(n), **params})

    def _fill(self, text: str, params: Mapping[str, Any]) -> Html:
        if not params:
            return Html(text)
        return Html(text.format(**{k: self._param(v) for k, v in params.items()}))

    def _param(self, value: Any) -> Any:
        """A placeholder value as shown: a Msgid translated, a date or an amount written out, a
        string escaped."""
        if isinstance(value, Msgid):
            return escape(self._catalog.gettext(value))
        if isinstance(value, Rupiah):
            return self.money(value)
        if isinstance(value, Number):
            return self.number(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return self.date(value)  # "3 Maret 2026" / "3 March 2026"
        return escape(value) if isinstance(value, str) else value

    # --- formatting --------------------------------------------------------------------------

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(_FORMAT_LOCALE[self.locale])

    def money(self, amount: int) -> str:
        """Rupiah as the reader writes it: Rp1.500.000 / Rp1,500,000 (no decimals)."""
        return Html(rupiah(amount, self.locale))

    def number(self, value: int) -> str:
        """ "1.000" / "1,000"."""
        return Html(format_decimal(value, locale=_NUMBER_LOCALE[self.locale]))

    def date(self, value: dt.date) -> str:
        """ "3 Maret 2026" / "3 March 2026"."""
        return Html(format_date(value, "d MMMM y", locale=_FORMAT_LOCALE[self.locale]))

    def datetime(self, value: dt.datetime) -> str:
        """ "Senin, 3 Maret 2026, pukul 09.00 WIB" in this person's time zone."""
        zone = ZoneInfo(self.timezone)
        day = format_datetime(
            value, "EEEE, d MMMM y", tzinfo=zone, locale=_FORMAT_LOCALE[self.locale]
        )
        clock = format_datetime(
            value, _CLOCK[self.locale], tzinfo=zone, locale=_FORMAT_LOCALE[self.locale]
        )
        zone_name = _TZ_ABBREVIATIONS.get(self.timezone, self.timezone)
        return Html(self._("{day}, pukul {time} {zone}", day=day, time=clock, zone=zone_name))

    def short_datetime(self, value: dt.datetime) -> str:
        """ "3 Mar 2026 09.00 WIB" / "3 Mar 2026 09:00 WIB", for timelines and lists."""
        zone = ZoneInfo(self.timezone)
        text = format_datetime(
            value, f"d MMM y {_CLOCK[self.locale]}", tzinfo=zone, locale=_FORMAT_LOCALE[self.locale]
        )
        return Html(f"{text} {_TZ_ABBREVIATIONS.get(self.timezone, self.timezone)}")
