"""What every `paket-bot` command shares: settings, the store, output, and one-line errors.

A data command loads the settings, brings the database to the latest migration (a no-op at
head, so a fresh machine works), runs one domain operation in one transaction as the operator
(`SYSTEM`), and prints one line, or one JSON object with `--json`. Bad input ends in one clear
line and exit code 1, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings, SettingsError
from bot.domain.clock import Clock, SystemClock
from bot.domain.errors import DomainError
from storage.db import Database, upgrade
from storage.models import Kota

T = TypeVar("T")
Operation = Callable[[AsyncSession, Clock], Awaitable[T]]

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
KotaFilter = Annotated[str | None, typer.Option("--kota", help="Only this kota.")]


def group(help_text: str) -> typer.Typer:
    """A command group that prints plain help and plain errors (operators pipe them)."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


class CliError(Exception):
    """Bad operator input caught by the CLI itself, before any domain call."""


# --- output and errors -----------------------------------------------------------------------


def emit(as_json: bool, text: str, **data: Any) -> None:
    """Print the outcome: `text`, or `{"ok": true, **data}` with --json."""
    if as_json:
        typer.echo(json.dumps({"ok": True, **data}, ensure_ascii=False, default=str))
    else:
        typer.echo(text)


def fail(as_json: bool, message: str) -> None:
    """Print a failure: "Error: ..." on stderr, or `{"ok": false, ...}` on stdout with --json."""
    if as_json:
        typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    else:
        typer.echo(f"Error: {message}", err=True)


def listing(as_json: bool, key: str, rows: list[dict[str, Any]], line: Callable[..., str]) -> None:
    """Print one line per row, or say that there are none yet."""
    text = "\n".join(line(r) for r in rows) if rows else f"No {key} registered yet."
    emit(as_json, text, **{key: rows})


def describe(exc: Exception) -> str:
    """One line for any failure: domain errors with their params filled, the rest summarised."""
    if isinstance(exc, DomainError):
        try:
            return exc.message.format(**exc.params)
        except (KeyError, IndexError, ValueError):
            return exc.message
    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        return f"database error: {_first_line(cause)}"
    if isinstance(exc, CliError | SettingsError):
        return str(exc)
    if isinstance(exc, ConnectionError):
        return f"cannot connect: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@contextmanager
def reporting(as_json: bool) -> Iterator[None]:
    """Turn every failure into one line (or a JSON object) and exit code 1."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        fail(as_json, describe(exc))
        raise typer.Exit(1) from None


# --- the store -------------------------------------------------------------------------------


def in_store(settings: Settings, operation: Operation[T]) -> T:
    """Migrate (cheap at head), then run `operation` in one transaction as the operator."""
    upgrade(settings.database_url)
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
