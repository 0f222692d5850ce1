"""The one place that wires PAKET Bot together.

Start-up, in order: settings → database (migrations applied) → services → router with every
feature's routes → the runtime's frontend (python-telegram-bot or aiogram, BOT_RUNTIME) asks
Telegram who it is → bot commands per language (sent while the rest starts) → outbox
sender → announcement progress messages → reminder scheduler → polling or webhook.
Shut-down runs in reverse.

Only `make_frontend` knows that two frameworks exist; everything it wires is written against
`bot.runtime.edge`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from dataclasses import dataclass, field, replace
from functools import partial

from bot.config import Settings, parse_offsets, parse_quiet_hours
from bot.domain.clock import Clock, SystemClock
from bot.i18n import SUPPORTED, Translator
from bot.runtime.alerts import OperatorAlerts
from bot.runtime.dispatch import handlers_for
from bot.runtime.edge import Edge, Frontend, Webhook
from bot.runtime.event_loop import run_on
from bot.runtime.pacing import Pacer
from bot.runtime.progress import ProgressReporter
from bot.runtime.replies import retrying
from bot.runtime.scheduler import ReminderScheduler
from bot.runtime.sender import Sender
from bot.runtime.startup import mask_token_in_logs, wait_for_telegram
from conversations import commands
from conversations.context import ChatSettings, Services
from conversations.features import build_routes
from conversations.router import Router, forget_old_updates
from storage.db import Database

log = logging.getLogger(__name__)
POLL_TIMEOUT = 10
WEBHOOK_PATH = "telegram"


@dataclass
class Runtime:
    """What handling an update reaches: services and router, and what runs beside them."""

    services: Services
    router: Router
    pacer: Pacer
    sender: Sender | None = None
    scheduler: ReminderScheduler | None = None
    progress: ProgressReporter | None = None
    # Pages to OPERATOR_CHAT_ID, rate-limited and grouped; None when no operator chat is set.
    alerts: OperatorAlerts | None = None
    # Set when the process stops: an update waiting out a database outage gives up.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


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


def make_frontend(settings: Settings, pacer: Pacer) -> Frontend:
    """The chosen framework's connection to TELEGRAM_API_SERVER; the other is never imported."""
    assert settings.token, "the bot needs TELEGRAM_BOT_TOKEN"
    args = (settings.token, settings.telegram_api_server, pacer)
    if settings.bot_runtime == "aiogram":
        from bot.runtime.aiogram.frontend import AiogramFrontend

        return AiogramFrontend(*args, concurrency=settings.max_concurrent_updates)
    from bot.runtime.ptb.frontend import PtbFrontend

    return PtbFrontend(*args, concurrency=settings.max_concurrent_updates)


def operator_alerts(edge: Edge, chat_id: int | None) -> OperatorAlerts | None:
    if not chat_id:
        return None
    return OperatorAlerts(partial(edge.send_text, chat_id))


def webhook_of(settings: Settings) -> Webhook | None:
    """Where to listen and what to tell Telegram; None when the bot should long-poll."""
    if not (settings.webhook_url and settings.webhook_secret):
        return None
    return Webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        path=WEBHOOK_PATH,
        url=settings.webhook_url + "/" + WEBHOOK_PATH,
        secret=settings.webhook_secret.get_secret_value(),
    )


async def set_default_menus(edge: Edge) -> None:
    """The default "/" menu per language: what anyone may use before registering.

    Registered people get their own per-chat menu (see replies.update_chat_menu). The calls
    go at once, not one after another: each is a round trip to Telegram before the bot starts
    receiving.
    """
    calls = []
    for locale in SUPPORTED:
        menu = commands.default_menu(Translator(locale))
        # Retried on 5xx and timeouts: a passing failure must not stop the bot from starting.
        calls.append(retrying(partial(edge.set_default_menu, menu, locale)))
        if locale == "id":  # Indonesian for every other Telegram language too
            calls.append(retrying(partial(edge.set_default_menu, menu, "")))
    await asyncio.gather(*calls)


class BotProcess:
    """The bot inside an existing event loop: tests, the demo, and `run()` for production."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.database_url, pool_size=settings.database_pool_size)
        # One view of Telegram's limits for replies and the outbox; a 429'd reply is sent again.
        pacer = Pacer(settings.send_rate)
        self.frontend = make_frontend(settings, pacer)
        self.edge = self.frontend.edge
        self.connected = False
        services = Services(db=self.db, clock=clock or SystemClock(), chat=chat_settings(settings))
        self.runtime = Runtime(
            services,
            Router(services, build_routes()),
            pacer,
            alerts=operator_alerts(self.edge, settings.operator_chat_id),
        )

    async def connect(self, *, attempts: int | None = None) -> None:
        """Ask Telegram who we are, retrying until it answers (see startup.wait_for_telegram)."""
        username = await wait_for_telegram(
            self.frontend.connect,
            server=self.frontend.server,
            token=self.settings.token or "",
            attempts=attempts,
        )
        services = self.runtime.services
        services.chat = replace(services.chat, bot_username=username)
        self.connected = True

    async def start(self, *, poll_timeout: int = 2) -> None:
        """Connect (unless done), start the sender, progress and reminders, then receive."""
        if not self.connected:
            await self.connect()
        # The default menus are round trips to Telegram that receiving does not wait for: they
        # go out while the rest starts (deleteWebhook, the first getUpdates), and start()
        # returns once they are set, as before.
        menus = asyncio.create_task(set_default_menus(self.edge), name="default-menus")
        try:
            await self._start_serving(poll_timeout)
        except BaseException:
            menus.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await menus
            raise
        await menus

    async def _start_serving(self, poll_timeout: int) -> None:
        runtime, services = self.runtime, self.runtime.services
        async with services.db.transaction() as session:
            await forget_old_updates(session, services.clock)
        sender = runtime.sender = Sender(services.db, services.clock, self.edge, runtime.pacer)
        services.wake_sender = sender.wake
        sender.start()
        # The authors' live announcement progress, edited in place by the process that sends.
        runtime.progress = ProgressReporter(
            services.db,
            services.clock,
            self.edge,
            send_rate=services.chat.send_rate,
            leads=lambda: sender.leading,
        )
        runtime.progress.start()
        # Due meeting reminders become outbox rows; safe in every process (each claimed once).
        runtime.scheduler = ReminderScheduler(
            services.db,
            services.clock,
            quiet_hours=services.chat.quiet_hours,
            send_rate=services.chat.send_rate,
            wake_sender=sender.wake,
        )
        runtime.scheduler.start()
        await self.frontend.start(
            handlers_for(runtime, self.edge), webhook_of(self.settings), poll_timeout
        )

    async def stop(self) -> None:
        """Stop receiving (finishing what was taken), then everything else in reverse."""
        runtime = self.runtime
        runtime.stopping.set()
        await self.frontend.stop()
        if runtime.scheduler is not None:
            await runtime.scheduler.stop()
        if runtime.progress is not None:
            await runtime.progress.stop()
        if runtime.sender is not None:
            await runtime.sender.stop()
        if runtime.alerts is not None:
            await runtime.alerts.close()
        await self.frontend.close()
        await runtime.services.db.dispose()


def run(settings: Settings) -> None:
    """Production entry: reach Telegram, then poll or serve the webhook until stopped.

    The database is migrated already: `paket-bot run` does that first, where a failure ends in
    one line (bot/cli/runtime.py), and checking again here cost a second engine at start-up.
    """
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    assert settings.token, "run needs TELEGRAM_BOT_TOKEN"
    # Every Bot API URL carries the token: the frameworks log them at DEBUG.
    mask_token_in_logs(settings.token)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request is noise anyway
    run_on(settings.event_loop, _serve(settings))


async def _serve(settings: Settings) -> None:
    process = BotProcess(settings)
    try:
        await process.connect()
        await process.start(poll_timeout=POLL_TIMEOUT)
    except BaseException:
        await process.frontend.close()
        raise
    # What start-up built (modules, mappers, catalogs) lives as long as the process: keep it out
    # of the collector's full passes, which would otherwise walk all of it every few seconds.
    gc.freeze()
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(signum, stopped.set)
    log.info(
        "PAKET Bot is running (%s runtime, %s loop); stop with Ctrl+C",
        settings.bot_runtime,
        type(loop).__module__.partition(".")[0],  # "uvloop", or "asyncio" (EVENT_LOOP)
    )
    try:
        await stopped.wait()
    finally:
        log.info("stopping: finishing the updates and sends in flight")
        await process.stop()
