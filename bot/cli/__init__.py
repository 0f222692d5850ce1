"""The operator's command line, `paket-bot`: set up areas, people and invites; run the bot.

    paket-bot run | demo | invite          runtime.py, people.py
    paket-bot db upgrade                   runtime.py
    paket-bot kota|bkm|mitra add|list      areas.py (and `bkm level`)
    paket-bot user grant                   people.py

What every command shares (settings, one transaction as SYSTEM, text or --json output,
one-line errors) lives in common.py.
"""

from __future__ import annotations

import sys

import typer

from bot.cli import areas, people, runtime
from bot.cli.common import fail, group

__all__ = ["app", "main"]

app = group("PAKET Bot: run the bot and set up kota, BKM, partners, roles and invites.")

# Order matters only for `paket-bot --help`: commands first, then the groups.
app.command()(runtime.run)
app.command()(runtime.demo)
app.command()(people.invite)
app.add_typer(runtime.db_app, name="db")
app.add_typer(areas.kota_app, name="kota")
app.add_typer(areas.bkm_app, name="bkm")
app.add_typer(areas.mitra_app, name="mitra")
app.add_typer(people.user_app, name="user")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: a mistyped command line ends in one line, not a usage block."""
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="paket-bot", standalone_mode=False)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except Exception as exc:
        # Click's usage errors (missing option, bad integer...) carry an exit code and a message.
        exit_code = getattr(exc, "exit_code", None)
        if not isinstance(exit_code, int) or not hasattr(exc, "format_message"):
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # prints the help, as intended
            sys.exit(exit_code)
        ctx = getattr(exc, "ctx", None)
        hint = f" Try '{ctx.command_path} --help'." if ctx is not None else ""
        fail("--json" in args, exc.format_message().rstrip(".") + "." + hint)
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)
