"""Build hook: compile the Babel catalogs into the wheel, so `pip install .` speaks English too.

Everything else about the package lives in pyproject.toml. The compiled catalogs (.mo) are not
kept in git (make compiles them for a checkout); a wheel has no make, so `build_py` compiles
each `locales/<lang>/LC_MESSAGES/messages.po` into the build tree at `locales/`, beside `bot/`,
where `bot.i18n.LOCALES_DIR` looks for them.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "locales"


class BuildPyWithCatalogs(build_py):
    """`build_py`, then the catalogs compiled next to the packages."""

    def run(self) -> None:
        super().run()
        # Imported here: babel is a build requirement, not needed to read this file.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(SOURCE.glob("*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib) / "locales" / po_path.relative_to(SOURCE)
            target = target.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po:
                catalog = read_po(po)
            # Fuzzy (unreviewed) entries stay out, as with `make i18n-compile`.
            with target.open("wb") as mo:
                write_mo(mo, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
