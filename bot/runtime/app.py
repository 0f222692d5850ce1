"""The one place that wires PAKET Bot together.

Start-up, in order: settings → database (migrations applied) → services → router with every
feature's routes → PTB application (handlers, error handler) → bot commands per language →
outbox sender → reminder scheduler → polling or webhook. Shut-down runs in reverse.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ParseMode
from telegram.ext import Application, TypeHandler

from bot.config import Settings, parse_offsets, parse_quiet_hours
from bot.domain.clock import Clock, SystemClock
from bot.i18n import SUPPORTED, Translator
from bot.runtime.alerts import OperatorAlerts
from bot.runtime.handlers import ask_to_wait, on_error, on_update
from bot.runtime.http import AiohttpRequest
from bot.runtime.ordering import ChatOrderedUpdateProcessor
from bot.runtime.pacing import TelegramPacer
from bot.runtime.scheduler import ReminderScheduler
from bot.runtime.sender import Sender
from bot.runtime.startup import check_telegram, mask_token_in_logs, wait_for_telegram
from conversations import commands
from conversations.context import ChatSettings, Services
from conversations.features import build_routes
from conversations.router import Router, forget_old_updates
from storage.db import Database, upgrade

log = logging.getLogger(__name__)
POLL_TIMEOUT = 10
WEBHOOK_PATH = "telegram"


@dataclass
class Runtime:
    """What the handlers reach through `bot_data`."""

    services: Services
    router: Router
    pacer: TelegramPacer
    sender: Sender | None = None
    scheduler: ReminderScheduler | None = None
    # Pages to OPERATOR_CHAT_ID, rate-limited and grouped; None when no operator chat is set.
    alerts: OperatorAlerts | None = None


def chat_settings(settings: Settings) -> ChatSettings:
    return ChatSettings(
        notice_version=settings.privacy_notice_version,
        default_locale=settings.default_locale,
        default_timezone=settings.default_timezone,
        invite_valid_days=settings.invite_valid_days,
        reminder_offsets=parse_offsets(settings.reminder_offsets),
        quiet_hours=parse_quiet_hours(settings.quiet_hours),
        send_rate=settings.send_rate,
    )


def build_application(settings: Settings, db: Database, clock: Clock) -> Application:  # type: ignore[type-arg]
    """The PTB application with every handler registered, pointed at TELEGRAM_API_SERVER."""
    assert settings.token, "build_application needs TELEGRAM_BOT_TOKEN"
    root = settings.telegram_api_server
    # Each person's updates in order, different people's at once (bounded).
    processor = ChatOrderedUpdateProcessor(settings.max_concurrent_updates)
    # One view of Telegram's limits for replies and the outbox; a 429'd reply is sent again.
    pacer = TelegramPacer(settings.send_rate)
    application = (
        Application.builder()
        .token(settings.token)
        .base_url(root + "/bot")
        .base_file_url(root + "/file/bot")
        .concurrent_updates(processor)
        .rate_limiter(pacer)
        # aiohttp, not PTB's default httpx: a third of the CPU per call (bot/runtime/http.py).
        # Enough connections for every update in flight plus the sender; the poller its own.
        .request(AiohttpRequest(settings.max_concurrent_updates + 8))
        .get_updates_request(AiohttpRequest(1))
        .post_init(_on_start)
        .post_shutdown(_on_stop)
        .build()
    )
    processor.on_backlog = partial(ask_to_wait, application.bot)
    services = Services(db=db, clock=clock, chat=chat_settings(settings))
    runtime = Runtime(
        services,
        Router(services, build_routes()),
        pacer,
        alerts=operator_alerts(application.bot, settings.operator_chat_id),
    )
    application.bot_data["runtime"] = runtime
    application.add_handler(TypeHandler(Update, on_update))
    application.add_error_handler(on_error)
    return application


def operator_alerts(bot: Bot, chat_id: int | None) -> OperatorAlerts | None:
    if not chat_id:
        return None
    return OperatorAlerts(partial(bot.send_message, chat_id, parse_mode=ParseMode.HTML))


async def _on_start(application: Application) -> None:  # type: ignore[type-arg]
    runtime: Runtime = application.bot_data["runtime"]
    runtime.services.chat = replace(runtime.services.chat, bot_username=application.bot.username)
    await set_commands(application)
    async with runtime.services.db.transaction() as session:
        await forget_old_updates(session, runtime.services.clock)
    runtime.sender = Sender(
        runtime.services.db, runtime.services.clock, application.bot, runtime.pacer
    )
    runtime.services.wake_sender = runtime.sender.wake
    runtime.sender.start()
    # Due meeting reminders become outbox rows; safe in every process (each claimed once).
    runtime.scheduler = ReminderScheduler(
        runtime.services.db,
        runtime.services.clock,
        quiet_hours=runtime.services.chat.quiet_hours,
        wake_sender=runtime.sender.wake,
    )
    runtime.scheduler.start()


async def _on_stop(application: Application) -> None:  # type: ignore[type-arg]
    runtime: Runtime = application.bot_data["runtime"]
    if runtime.scheduler is not None:
        await runtime.scheduler.stop()
    if runtime.sender is not None:
        await runtime.sender.stop()
    if runtime.alerts is not None:
        await runtime.alerts.close()
    await runtime.services.db.dispose()


async def set_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The default "/" menu per language: what anyone may use before registering.

    Registered people get their own per-chat menu (see handlers.update_chat_menu).
    """
    for locale in SUPPORTED:
        listed = [
            BotCommand(name, text) for name, text in commands.default_menu(Translator(locale))
        ]
        await application.bot.set_my_commands(
            listed, scope=BotCommandScopeDefault(), language_code=locale
        )
        if locale == "id":  # Indonesian for every other Telegram language too
            await application.bot.set_my_commands(listed, scope=BotCommandScopeDefault())


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Where to listen and what to tell Telegram; empty when the bot should long-poll."""
    if not (settings.webhook_url and settings.webhook_secret):
        return {}
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": WEBHOOK_PATH,
        "webhook_url": settings.webhook_url + "/" + WEBHOOK_PATH,
        "secret_token": settings.webhook_secret.get_secret_value(),
    }


class BotProcess:
    """Run the bot inside an existing event loop (tests and the demo); `run()` is for production."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.database_url, concurrency=settings.max_concurrent_updates)
        self.application = build_application(settings, self.db, clock or SystemClock())

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data["runtime"]  # type: ignore[no-any-return]

    async def start(self) -> None:
        app = self.application
        await wait_for_telegram(app.bot)
        await app.initialize()
        await _on_start(app)
        await app.start()
        assert app.updater is not None
        webhook = webhook_options(self.settings)
        if webhook:
            await app.updater.start_webhook(**webhook, allowed_updates=Update.ALL_TYPES)
        else:
            await app.updater.start_polling(
                poll_interval=0, timeout=2, allowed_updates=Update.ALL_TYPES
            )

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await _on_stop(app)
        await app.shutdown()


def run(settings: Settings) -> None:
    """Production entry: migrate, then poll (default) or serve the webhook until stopped."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    assert settings.token, "run needs TELEGRAM_BOT_TOKEN"
    # Every Bot API URL carries the token: PTB logs them at DEBUG, httpx each request at INFO.
    mask_token_in_logs(settings.token)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request is noise anyway
    asyncio.run(check_telegram(settings.token, settings.telegram_api_server))
    upgrade(settings.database_url)
    db = Database(settings.database_url, concurrency=settings.max_concurrent_updates)
    application = build_application(settings, db, SystemClock())
    webhook = webhook_options(settings)
    # What start-up built (modules, mappers, catalogs) lives as long as the process: keep it out
    # of the collector's full passes, which would otherwise walk all of it every few seconds.
    gc.freeze()
    if webhook:
        application.run_webhook(**webhook, allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT)
