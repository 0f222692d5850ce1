"""The operator's command line, `paket-bot`: set up areas, people and invites; run the bot.

    paket-bot run | demo                        runtime.py
    paket-bot db upgrade                        runtime.py
    paket-bot kota|mitra add|list|rename|retire areas.py
    paket-bot bkm add|level|list|rename|retire  bkm.py
    paket-bot user grant|list|revoke            people.py
    paket-bot invite [list|revoke]              invites.py
    paket-bot privacy requests                  privacy.py
    paket-bot report                            report.py

What every command shares (settings, one transaction as SYSTEM, text or --json output,
one-line errors) lives in common.py.
"""

from __future__ import annotations

import sys

import typer

from bot.cli import areas, bkm, invites, people, privacy, report, runtime
from bot.cli.common import fail, group
from bot.cli.common import say as _
from bot.i18n import N_

__all__ = ["app", "main"]

app = group(N_("PAKET Bot: jalankan bot dan atur kota, BKM, mitra, peran, dan undangan."))

# Order matters only for `paket-bot --help`: commands first, then the groups.
app.command(
    help=N_(
        "Migrasikan basis data, lalu jalankan bot; tanpa TELEGRAM_BOT_TOKEN, demo yang dijalankan."
    )
)(runtime.run)
app.command(
    help=N_(
        "Ngobrol dengan bot sungguhan di terminal ini, sebagai pengguna demo, lewat Telegram tiruan."
    )
)(runtime.demo)
app.command(
    help=N_("Tulis laporan untuk satu periode: angka, grafik, atau tabel (rahasia: RAHASIA).")
)(report.report)
app.add_typer(runtime.db_app, name="db")
app.add_typer(areas.kota_app, name="kota")
app.add_typer(bkm.bkm_app, name="bkm")
app.add_typer(areas.mitra_app, name="mitra")
app.add_typer(people.user_app, name="user")
app.add_typer(invites.invite_app, name="invite")
app.add_typer(privacy.privacy_app, name="privacy")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: a mistyped command line ends in one line, not a usage block."""
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="paket-bot", standalone_mode=False)
    except typer.Abort:
        typer.echo(_("Dibatalkan."), err=True)
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
        message = _usage_message(exc)
        if ctx is not None:
            message = _("{reason} Coba `{command} --help`.", reason=message,
                          command=ctx.command_path)  # fmt: skip
        fail("--json" in args, message)
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _usage_message(exc: Exception) -> str:
    """Click's usage errors in the operator's language (Click's own text is English).

    The common three are said in our words; any other keeps Click's detail inside our line.
    """
    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    if getattr(param, "param_type_name", "") == "argument":
        name = getattr(param, "metavar", None) or getattr(param, "human_readable_name", "")
    else:
        name = "/".join(getattr(param, "opts", ()) or ())
    if kind == "MissingParameter" and name:
        return _("{option} wajib diisi.", option=name)
    if kind == "NoSuchOption":
        option = getattr(exc, "option_name", "")
        possible = ", ".join(getattr(exc, "possibilities", None) or ())
        if possible:
            return _("Pilihan {option} tidak dikenal (mungkin {possible}).", option=option,
                     possible=possible)  # fmt: skip
        return _("Pilihan {option} tidak dikenal.", option=option)
    if kind == "BadParameter" and name:
        return _("Nilai untuk {option} tidak sah.", option=name)
    detail = exc.format_message().rstrip(".") + "."  # type: ignore[attr-defined]
    return _("Perintah tidak dapat dibaca: {detail}", detail=detail)
