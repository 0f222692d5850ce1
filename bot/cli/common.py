"""What every `paket-bot` command shares: settings, the store, output, and one-line errors.

A data command loads the settings, brings the database to the latest migration (a no-op at
head, so a fresh machine works), runs one domain operation in one transaction as the operator
(`SYSTEM`), and prints one line, or one JSON object with `--json`. Bad input ends in one clear
line and exit code 1, never a traceback.

Every line is in one language, the operator's (DEFAULT_LOCALE), from the same Babel catalogs
as the bot's messages: `say()` is the CLI's `tr._`. It does not HTML-escape, since a terminal
shows text, not Telegram markup.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.core import TyperGroup

from bot.config import Settings, SettingsError, load_settings
from bot.domain.clock import Clock, SystemClock
from bot.domain.errors import DomainError
from bot.i18n import N_, Html, Msgid, Translator, normalise_locale
from storage.db import Database, migrate
from storage.models import Kota

T = TypeVar("T")
Operation = Callable[[AsyncSession, Clock], Awaitable[T]]

JsonFlag = Annotated[bool, typer.Option("--json", help=N_("Cetak satu objek JSON, bukan teks."))]
KotaFilter = Annotated[str | None, typer.Option("--kota", help=N_("Hanya kota ini."))]


def group(help_text: str) -> typer.Typer:
    """A command group that prints plain help and plain errors (operators pipe them).

    `help_text`, like every help text of the CLI, is an Indonesian msgid marked with `N_`:
    `LocalisedGroup` shows it in the operator's language.
    """
    return typer.Typer(
        cls=LocalisedGroup,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


class LocalisedGroup(TyperGroup):
    """A group whose help texts (msgids) are translated before it runs: `--help` speaks the
    operator's language. Typer builds the command tree afresh for each run, and only the
    root's `main` is called, so the whole tree is translated there, in the DEFAULT_LOCALE of
    the moment."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        localise_help(self)
        return super().main(*args, **kwargs)


def localise_help(command: Any) -> None:
    """Translate the help of `command`, its options and arguments, and every subcommand."""
    tr = translator()
    pending = [command]
    while pending:
        current = pending.pop()
        # Click makes `--help` itself on first use, once per command: made here, it is ours.
        help_option = current.get_help_option(typer.Context(current))
        if help_option is not None:
            help_option.help = N_("Tampilkan bantuan ini lalu keluar.")
        for item in (current, help_option, *getattr(current, "params", ())):
            # The msgid is kept, so translating the same tree twice starts from it again.
            msgid = getattr(item, "_help_msgid", None) or getattr(item, "help", None)
            if msgid:
                item._help_msgid = msgid
                item.help = str(tr._(msgid))
        pending.extend(getattr(current, "commands", {}).values())


class CliError(Exception):
    """Bad operator input caught by the CLI itself: a msgid and its placeholders."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


# --- the operator's language -----------------------------------------------------------------


def operator_locale() -> str:
    """DEFAULT_LOCALE; read from the environment alone when the settings themselves are bad."""
    try:
        return load_settings().default_locale
    except SettingsError:
        return normalise_locale(os.environ.get("DEFAULT_LOCALE"))


# One command's translators, by zone: reading the settings for every line of a long list
# would cost a millisecond a line. Set by `reporting()` for the length of one command only,
# since tests (and a long-lived caller) change DEFAULT_LOCALE between commands.
_TRANSLATORS: ContextVar[dict[str, Translator] | None] = ContextVar("translators", default=None)


def translator(timezone: str = "Asia/Jakarta") -> Translator:
    """The operator's translator; `timezone` for times shown in a kota's zone."""
    cache = _TRANSLATORS.get()
    if cache is None:
        return Translator(operator_locale(), timezone)
    if timezone not in cache:
        cache[timezone] = Translator(operator_locale(), timezone)
    return cache[timezone]


def say(msgid: str, /, **params: Any) -> str:
    """`msgid` in the operator's language, placeholders filled, nothing escaped."""
    return str(translator()._(msgid, **_unescaped(params)))


def say_n(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The plural-aware `say`."""
    return str(translator().n_(singular, plural, n, **_unescaped(params)))


# The extraction keyword is `_`: CLI modules import `say as _` so their literals are found.
_ = say


def _unescaped(params: dict[str, Any]) -> dict[str, Any]:
    # Html passes through the translator unescaped; Msgid must stay a Msgid to be translated.
    return {
        k: Html(v) if isinstance(v, str) and not isinstance(v, Msgid | Html) else v
        for k, v in params.items()
    }


# --- output and errors -----------------------------------------------------------------------


def emit(as_json: bool, text: str, **data: Any) -> None:
    """Print the outcome: `text`, or `{"ok": true, **data}` with --json."""
    if as_json:
        typer.echo(json.dumps({"ok": True, **data}, ensure_ascii=False, default=str))
    else:
        typer.echo(text)


def fail(as_json: bool, message: str) -> None:
    """Print a failure: "Kesalahan: ..." on stderr, or `{"ok": false, ...}` with --json."""
    if as_json:
        typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    else:
        typer.echo(_("Kesalahan: {reason}", reason=message), err=True)


def listing(
    as_json: bool, key: str, rows: list[dict[str, Any]], line: Callable[..., str], empty: str
) -> None:
    """Print one line per row, or `empty` (already said) when there are none."""
    text = "\n".join(line(r) for r in rows) if rows else empty
    emit(as_json, text, **{key: rows})


def describe(exc: Exception) -> str:
    """One line for any failure: domain errors with their params filled, the rest summarised."""
    if isinstance(exc, DomainError | CliError):
        try:
            return say(exc.message, **exc.params)
        except (KeyError, IndexError, ValueError):
            return say(exc.message)
    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        return _("Kesalahan basis data: {detail}", detail=_first_line(cause))
    if isinstance(exc, SettingsError):
        return str(exc)  # names the setting and pydantic's reason, which has no catalog
    if isinstance(exc, ConnectionError):
        return _("Tidak dapat tersambung: {detail}", detail=_first_line(exc))
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@contextmanager
def reporting(as_json: bool) -> Iterator[None]:
    """Turn every failure into one line (or a JSON object) and exit code 1."""
    translators = _TRANSLATORS.set({})
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        fail(as_json, describe(exc))
        raise typer.Exit(1) from None
    finally:
        _TRANSLATORS.reset(translators)


# --- the store -------------------------------------------------------------------------------


def in_store(settings: Settings, operation: Operation[T]) -> T:
    """Migrate (cheap at head), then run `operation` in one transaction as the operator."""
    migrate(settings.database_url)
    return asyncio.run(_transaction(settings.database_url, operation))


async def _transaction(url: str, operation: Operation[T]) -> T:
    db = Database(url)
    try:
        async with db.transaction() as session:
            return await operation(session, SystemClock())
    finally:
        await db.dispose()


async def kota_name(s: AsyncSession, kota_id: int | None) -> str | None:
    """The name of kota `kota_id`, for views; None when there is none."""
    return (await s.get_one(Kota, kota_id)).name if kota_id is not None else None
