"""Fill the Indonesian catalog: its msgids ARE the Indonesian text, so every msgstr = msgid.

Run by `make i18n-extract` after `pybabel update`. A plural entry gets its plural msgid
(Indonesian has one form, and it must carry `{n}`). Fuzzy flags from pybabel's guessing are
cleared, since the copy is exact. To change Indonesian wording, change the msgid in the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent / "id" / "LC_MESSAGES" / "messages.po"


def fill(catalog: Catalog) -> int:
    """Copy msgid to msgstr for every message; return how many changed."""
    changed = 0
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.id, tuple | list):
            wanted: str | tuple[str, ...] = tuple(message.id[1] for _ in range(catalog.num_plurals))
        else:
            wanted = message.id
        if message.string != wanted or message.fuzzy or message.previous_id:
            message.string = wanted
            message.flags.discard("fuzzy")
            message.previous_id = []
            changed += 1
    catalog.fuzzy = False
    return changed


def main(path: Path = CATALOG) -> None:
    with path.open("rb") as f:
        catalog = read_po(f, locale="id")
    changed = fill(catalog)
    with path.open("wb") as f:
        write_po(f, catalog, include_previous=True)
    print(f"{path}: {changed} message(s) filled", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CATALOG)
