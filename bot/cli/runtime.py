"""`paket-bot run|demo|db upgrade`: bring the database up to date and start the bot."""

from __future__ import annotations

import asyncio

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.cli.common import CliError, JsonFlag, emit, group, reporting
from bot.config import Settings, load_settings
from storage.db import Database, alembic_config, upgrade

db_app = group("The database.")


def run(as_json: JsonFlag = False) -> None:
    """Migrate the database, then run the bot; without TELEGRAM_BOT_TOKEN run the demo."""
    with reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        if not settings.token:
            emit(as_json, "TELEGRAM_BOT_TOKEN is not set: starting the demo instead.", mode="demo")
            _run_demo(settings)
            return
        # Imported here: PTB is heavy, and the operator's data commands never need it.
        from bot.runtime.app import run as run_bot
        from bot.runtime.startup import TelegramStartupError

        mode = "webhook" if settings.webhook_url else "polling"
        emit(as_json, f"Starting PAKET Bot ({mode}); stop with Ctrl+C.", mode=mode)
        try:
            run_bot(settings)
        except TelegramStartupError as error:  # a refused token: one line, no traceback
            raise CliError(str(error)) from None


def demo(as_json: JsonFlag = False) -> None:
    """Chat with the real bot in this terminal, as demo users, over a simulated Telegram."""
    with reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        emit(as_json, "Starting the demo.", mode="demo")
        _run_demo(settings)


def _run_demo(settings: Settings) -> None:
    # Imported here for the same reason as the bot: it pulls in PTB and the simulator.
    from bot.demo import run_demo

    run_demo(settings)


@db_app.command("upgrade")
def db_upgrade(as_json: JsonFlag = False) -> None:
    """Apply every pending migration and print the current revision."""
    with reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
        revision = asyncio.run(_current_revision(settings.database_url))
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        latest = " (latest)." if revision == head else "."
        emit(
            as_json,
            f"Database {where} is at revision {revision}{latest}",
            database=where,
            revision=revision,
            head=head,
        )


async def _current_revision(url: str) -> str | None:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await db.dispose()
