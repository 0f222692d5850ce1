"""`paket-bot run|demo|db upgrade`: bring the database up to date and start the bot."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from bot.cli.common import CliError, JsonFlag, emit, group, reporting
from bot.cli.common import say as _
from bot.config import Settings, load_settings
from bot.i18n import N_
from storage.db import head_revision, migrate, revision_of, upgrade

db_app = group(N_("Basis data."))


def run(as_json: JsonFlag = False) -> None:
    """Migrate the database, then run the bot; without TELEGRAM_BOT_TOKEN run the demo."""
    with reporting(as_json):
        settings = load_settings()
        migrate(settings.database_url)
        if not settings.token:
            text = _("TELEGRAM_BOT_TOKEN belum diisi: demo yang dijalankan.")
            emit(as_json, text, mode="demo")
            _run_demo(settings)
            return
        # Imported here: PTB is heavy, and the operator's data commands never need it.
        from bot.runtime.app import run as run_bot
        from bot.runtime.startup import TelegramStartupError

        mode = "webhook" if settings.webhook_url else "polling"
        emit(as_json, _("PAKET Bot dijalankan ({mode}); hentikan dengan Ctrl+C.", mode=mode),
             mode=mode)  # fmt: skip
        try:
            run_bot(settings)
        except TelegramStartupError as error:  # a refused token: one line, no traceback
            raise CliError(error.msgid, **error.params) from None


def demo(
    reset: Annotated[
        bool, typer.Option("--reset", help=N_("Hapus dulu data demo dan mulai dari awal."))
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Chat with the real bot in this terminal, as demo users, over a simulated Telegram."""
    with reporting(as_json):
        settings = load_settings()
        migrate(settings.database_url)
        emit(as_json, _("Demo dimulai."), mode="demo", reset=reset)
        _run_demo(settings, reset=reset)


def _run_demo(settings: Settings, *, reset: bool = False) -> None:
    # Imported here for the same reason as the bot: it pulls in PTB and the simulator.
    from bot.demo import run_demo

    run_demo(settings, reset=reset)


@db_app.command(
    "upgrade", help=N_("Jalankan semua migrasi yang tertunda dan cetak revisi saat ini.")
)
def db_upgrade(as_json: JsonFlag = False) -> None:
    """Apply every pending migration and print the current revision."""
    with reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        head = head_revision()
        revision = asyncio.run(revision_of(settings.database_url))
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        text = (
            _("Basis data {where} pada revisi {revision} (terbaru).", where=where,
                revision=revision)
            if revision == head
            else _("Basis data {where} pada revisi {revision}.", where=where, revision=revision)
        )  # fmt: skip
        emit(
            as_json,
            text,
            database=where,
            revision=revision,
            head=head,
        )
