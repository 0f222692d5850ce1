"""The package on its own: a wheel built from this tree speaks English without `make`.

Builds a wheel from a copy of the tree, installs it (no index, no dependencies) into a fresh
virtualenv that borrows the dev environment's installed libraries, and runs the installed
`paket-bot` there, from a directory where the checkout cannot be imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the build needs: the packages, the catalogs' sources and the build configuration.
SOURCES = ("bot", "conversations", "storage", "locales", "pyproject.toml", "setup.py",
           "MANIFEST.in", "README.md")  # fmt: skip


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of this tree (the checkout itself stays untouched)."""
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", dist, src, cwd=src)  # fmt: skip
    (built,) = dist.glob("paket_bot-*.whl")
    return built


def test_the_wheel_holds_compiled_catalogs(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "locales/en/LC_MESSAGES/messages.mo" in names
    assert "locales/id/LC_MESSAGES/messages.mo" in names


def test_an_installed_wheel_speaks_english_and_indonesian(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
             cwd=tmp_path).strip()
    )  # fmt: skip
    # The dependencies come from the dev environment; a plain path line in a .pth file does not
    # run that environment's own .pth files, so its editable install of this checkout stays out.
    (site / "dev_libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "-q", wheel, cwd=tmp_path)  # fmt: skip
    where = _run(python, "-c", "import bot; print(bot.__file__)", cwd=tmp_path)
    assert where.startswith(str(venv)), where

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TELEGRAM_BOT_TOKEN")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'paket.db'}"
    said = {}
    for locale in ("en", "id"):
        done = subprocess.run(
            [str(venv / "bin" / "paket-bot"), "bkm", "list", "--kota", "Atlantis"],
            cwd=tmp_path, env=env | {"DEFAULT_LOCALE": locale},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
        said[locale] = done.stderr.strip()
    assert "City Atlantis was not found." in said["en"]
    assert "Kota Atlantis tidak ditemukan." in said["id"]
