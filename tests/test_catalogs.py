"""The translation gate: every message in the code is translated, keeping its placeholders and
HTML tags, in both catalogs. Extraction runs fresh from the source, exactly as
`make i18n-extract` does, so a new string without a translation fails here."""

from __future__ import annotations

import io
import re
import shlex
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
PLURAL_FORMS = {"id": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
# The tags Telegram's HTML parse mode knows; a translation must keep the same ones.
TAG = re.compile(
    r"<(/?)(b|strong|i|em|u|ins|s|strike|del|code|pre|a|blockquote|tg-spoiler)(?:\s[^>]*)?>"
)


def _keywords() -> list[str]:
    """The `-k` options of `make i18n-extract`, read from the Makefile so both stay in step."""
    line = next(
        ln for ln in (ROOT / "Makefile").read_text().splitlines() if ln.startswith("BABEL_KEYWORDS")
    )
    return shlex.split(line.split(":=", 1)[1])


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> list[Message]:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    command += [*_keywords(), "-o", str(pot), "."]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with pot.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def _catalog(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:  # an unbalanced brace: format() would fail at run time too
        return {f"<unparsable: {exc}>"}


def _tags(text: str) -> Counter[tuple[str, str]]:
    return Counter((close, name) for close, name in TAG.findall(text))


def test_source_has_messages(source_messages: list[Message]) -> None:
    assert source_messages, "pybabel found no messages: check babel.cfg and BABEL_KEYWORDS"


@pytest.mark.parametrize("lang", sorted(PLURAL_FORMS))
def test_catalog_parses_with_the_right_header(lang: str) -> None:
    catalog = _catalog(lang)
    assert catalog.plural_forms == PLURAL_FORMS[lang]
    assert not catalog.fuzzy, "a fuzzy header makes pybabel compile skip the whole catalog"
    assert not [e for e in catalog.check() if e[1]], "babel reports errors in the catalog"
    write_mo(io.BytesIO(), catalog)  # compiles


@pytest.mark.parametrize("lang", sorted(PLURAL_FORMS))
def test_every_message_is_translated(lang: str, source_messages: list[Message]) -> None:
    catalog = _catalog(lang)
    problems = []
    for source in source_messages:
        entry = catalog.get(source.id, context=source.context)
        forms = _forms(entry.string) if entry else ()
        if entry is None:
            problems.append(f"missing: {source.id!r} (run make i18n-extract)")
        elif entry.fuzzy:
            problems.append(f"fuzzy (needs review): {source.id!r}")
        elif not forms or not all(forms):
            problems.append(f"untranslated: {source.id!r}")
    assert not problems, f"{lang}: {len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", sorted(PLURAL_FORMS))
def test_translations_keep_placeholders_and_tags(lang: str) -> None:
    problems = []
    for entry in _catalog(lang):
        if not entry.id or entry.fuzzy:
            continue
        original = _forms(entry.id)[-1]  # for a plural entry: the plural msgid
        for form in (f for f in _forms(entry.string) if f):
            # A singular form may say "one" instead of {n}; every other placeholder must stay.
            if _placeholders(form) - {"n"} != _placeholders(original) - {"n"}:
                problems.append(f"placeholders differ: {original!r} -> {form!r}")
            if _tags(form) != _tags(original):
                problems.append(f"HTML tags differ: {original!r} -> {form!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_indonesian_text_is_the_msgid() -> None:
    """msgids are the Indonesian text: change wording in the code, then make i18n-extract."""
    stale = [
        entry.id
        for entry in _catalog("id")
        if entry.id and entry.string and set(_forms(entry.string)) != {_forms(entry.id)[-1]}
    ]
    assert not stale, "run: python locales/fill_id.py\n" + "\n".join(map(repr, stale))
