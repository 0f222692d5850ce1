"""The layers point one way: storage ← domain ← conversations ← runtime.

The chat framework (python-telegram-bot, aiogram) lives only in bot/runtime/ and bot/simulator/;
everything below stays framework-free so it can be tested on its own and survive a change of
framework. Checked twice: by reading every import statement, and by importing the layers in a
fresh interpreter (which also catches an import smuggled in through another module).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("telegram", "aiogram")
# Modules that pull the framework in: no framework-free module may import them either.
FRAMEWORK_EDGE = ("bot.runtime", "bot.simulator", "bot.demo", "bot.cli")

FRAMEWORK_FREE = [
    *sorted((ROOT / "bot" / "domain").rglob("*.py")),
    *sorted((ROOT / "storage").rglob("*.py")),
    ROOT / "bot" / "i18n.py",
    ROOT / "bot" / "ui.py",
    *sorted((ROOT / "conversations").rglob("*.py")),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file, with relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from ..y import z
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _is_under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", FRAMEWORK_FREE, ids=_relative)
def test_framework_free_layers_do_not_import_the_framework(path: Path) -> None:
    bad = sorted(m for m in _imports(path) if _is_under(m, FRAMEWORKS + FRAMEWORK_EDGE))
    assert not bad, f"{_relative(path)} imports {bad}: keep the framework in bot/runtime/"


@pytest.mark.parametrize("path", sorted((ROOT / "storage").rglob("*.py")), ids=_relative)
def test_storage_is_the_bottom_layer(path: Path) -> None:
    bad = sorted(m for m in _imports(path) if _is_under(m, ("bot", "conversations")))
    assert not bad, f"{_relative(path)} imports {bad}: storage must not know the layers above"


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "domain").rglob("*.py")), ids=_relative)
def test_domain_does_not_know_the_chat(path: Path) -> None:
    bad = sorted(m for m in _imports(path) if _is_under(m, ("conversations",)))
    assert not bad, f"{_relative(path)} imports {bad}: the domain must not know conversations"


def test_importing_the_framework_free_layers_loads_no_framework() -> None:
    modules = [
        _module_name(p)
        for p in FRAMEWORK_FREE
        if "migrations" not in p.parts  # Alembic scripts run only inside Alembic
    ]
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"framework loaded by the lower layers: {done.stdout}"


RUNTIME = ROOT / "bot" / "runtime"
# Each framework package may import its own framework only; the rest of bot/runtime neither.
RUNTIME_OWNERS = {RUNTIME / "ptb": ("telegram",), RUNTIME / "aiogram": ("aiogram",)}


def _allowed_framework(path: Path) -> tuple[str, ...]:
    for package, frameworks in RUNTIME_OWNERS.items():
        if package in path.parents:
            return frameworks
    return ()


@pytest.mark.parametrize("path", sorted(RUNTIME.rglob("*.py")), ids=_relative)
def test_only_a_runtime_package_knows_its_framework(path: Path) -> None:
    allowed = _allowed_framework(path)
    frameworks = tuple(f for f in FRAMEWORKS if f not in allowed)
    other_runtimes = tuple(
        _module_name(p / "__init__.py") for p in RUNTIME_OWNERS if p not in path.parents
    )
    # app.py chooses the runtime: it may name both packages (imported lazily, one at a time).
    if path.name == "app.py" and path.parent == RUNTIME:
        other_runtimes = ()
    bad = sorted(m for m in _imports(path) if _is_under(m, frameworks + other_runtimes))
    assert not bad, f"{_relative(path)} imports {bad}: only bot/runtime/<framework>/ may"


def test_one_runtime_loads_without_the_other() -> None:
    probe = (
        "import sys\n"
        "from bot.config import load_settings\n"
        "from bot.runtime.app import make_frontend\n"
        "from bot.runtime.pacing import Pacer\n"
        "s = load_settings(telegram_bot_token='123456:ABCDEFGH', bot_runtime='{runtime}', _env_file=None)\n"
        "make_frontend(s, Pacer(1))\n"
        "print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'telegram', 'aiogram'}}))\n"
    )
    for runtime, framework in (("ptb", "telegram"), ("aiogram", "aiogram")):
        done = subprocess.run(
            [sys.executable, "-c", probe.format(runtime=runtime)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == repr([framework]), f"{runtime}: {done.stdout}"
