"""Erasing a person everywhere: their own rows, and every copy of their identity in others'.

A name, a Telegram id or a phone number travels: into messages sent to others ("Bu Siti
cannot be reached", "Bu Siti joined with your invite"), audit details, labels, ideas, form
answers. Listing each place by hand forgets the next one somebody adds, so `scrub_identity`
walks every text and JSON column of every table (SQLModel's metadata) and replaces each whole
occurrence. Only the area tables are left alone: a BKM or a kota may share a word with a
person's name ("BKM Sejahtera", Pak Sejahtera), and renaming a BKM would corrupt the record of
everyone in it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, String, Table, Text, TypeDecorator, cast, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.announcement_models
import storage.committee_models
import storage.idea_models
import storage.meeting_models
import storage.money_models  # noqa: F401 (every table's module, so the metadata is complete)

# Stored instead of the erased value: language-neutral, as it lands inside texts of any language.
ERASED = "—"
# Names of places, not of people (see the module's docstring); `person` is wiped by the caller.
_KEPT_TABLES = frozenset({"kota", "kelurahan", "bkm", "mitra", "person", "alembic_version"})
# A name shorter than this is too likely to be an ordinary word or part of a code.
_MIN_TOKEN = 3
# The placeholder people.register_with_invite stores when Telegram gave no usable name: a word
# in every role list ("Warga / relawan"), not anyone's name.
_NOT_A_NAME = frozenset({"Warga"})


def identity_tokens(name: str, telegram_id: int | None, phone: str | None) -> list[str]:
    """The strings that identify the person, as stored and as escaped into HTML messages."""
    tokens: list[str] = []
    name = "" if name.strip() in _NOT_A_NAME else name.strip()
    for value in (name, str(telegram_id) if telegram_id else "", (phone or "").strip()):
        if len(value) >= _MIN_TOKEN:
            tokens += [value, html.escape(value, quote=False)]
    return sorted(set(tokens), key=len, reverse=True)  # the longest first: "Siti Aminah", "Siti"


def pattern(tokens: list[str]) -> re.Pattern[str]:
    # Whole occurrences only: erasing "Ani" must not turn "Daniel" into "D—el", and a Telegram
    # id must not be cut out of a longer number.
    return re.compile(
        "|".join(rf"(?<![\w]){re.escape(t)}(?![\w])" for t in tokens), flags=re.UNICODE
    )


def _scrub_value(value: Any, pattern: re.Pattern[str], telegram_id: int | None) -> Any:
    """`value` (text, or a JSON document) with every identity token replaced."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and telegram_id is not None and value == telegram_id:
        return None
    if isinstance(value, dict):
        return {k: _scrub_value(v, pattern, telegram_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_value(v, pattern, telegram_id) for v in value]
    return value


def text_columns(table: Table) -> Iterable[tuple[str, bool]]:
    """(column name, is JSON) for every column of `table` that holds text."""
    for column in table.columns:
        # SQLModel's own string type (AutoString) is a decorator around String: look inside.
        kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
        if isinstance(kind, JSON):
            yield column.name, True
        elif isinstance(kind, String):  # Text and Unicode too
            yield column.name, False


def scrubbed_tables() -> list[Table]:
    """Every table whose text may hold a copy of a person's identity."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in _KEPT_TABLES]


async def scrub_identity(
    session: AsyncSession, name: str, telegram_id: int | None, phone: str | None
) -> int:
    """Replace the person's name, Telegram id and phone in every text column; rows changed.

    Each table is first narrowed in SQL, one pass over it for all its text columns (LIKE, on
    the JSON text for JSON columns, in both the plain and the JSON-escaped spelling), so only
    rows that may hold a token are read and rewritten.
    """
    tokens = identity_tokens(name, telegram_id, phone)
    if not tokens:
        return 0
    whole = pattern(tokens)
    spellings = sorted({s for t in tokens for s in (t, json.dumps(t)[1:-1])})
    changed = 0
    for table in scrubbed_tables():
        columns = list(text_columns(table))
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        found = or_(
            *(
                _as_text(table.c[name_], is_json).contains(s, autoescape=True)
                for name_, is_json in columns
                for s in spellings
            )
        )
        selected = [table.c[name_] for name_, _ in columns]
        for row in (await session.exec(select(*keys, *selected).where(found))).all():  # type: ignore[call-overload]
            key, values = row[: len(keys)], row[len(keys) :]
            clean = {
                name_: after
                for (name_, _), before in zip(columns, values, strict=True)
                if (after := _scrub_value(before, whole, telegram_id)) != before
            }
            if not clean:
                continue  # a token inside a longer word: nothing to erase
            where = [k == v for k, v in zip(keys, key, strict=True)]
            await session.exec(update(table).where(*where).values(clean))  # type: ignore[call-overload]
            changed += 1
    return changed


def _as_text(column: ColumnElement[Any], is_json: bool) -> ColumnElement[Any]:
    return cast(column, Text) if is_json else column
