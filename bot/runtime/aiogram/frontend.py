"""aiogram's Dispatcher as a `Frontend`: polling or webhook, with the shared per-chat order
(an outer middleware on every update) and pacer (a session middleware on every call)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import TelegramObject, Update

from bot.runtime.aiogram.edge import AiogramEdge, PacingMiddleware, translated
from bot.runtime.aiogram.session import KeptModelsSession
from bot.runtime.edge import Edge, Handlers, Webhook
from bot.runtime.incoming import chat_of, read_update
from bot.runtime.ordering import ChatLines
from bot.runtime.pacing import Pacer

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)
# One Bot API call, all told (aiogram has no separate connect and read timeouts). PTB's are
# 5 s each; aiogram's default of 60 s would leave a send hanging a minute on a bad network.
CALL_TIMEOUT_SECONDS = 10
Next = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class AiogramFrontend:
    def __init__(self, token: str, server: str, pacer: Pacer, *, concurrency: int) -> None:
        self.server = server
        # Enough connections for every update in flight, the sender and the poller.
        session = KeptModelsSession(
            api=TelegramAPIServer.from_base(server),
            limit=concurrency + 9,
            timeout=CALL_TIMEOUT_SECONDS,
        )
        session.middleware(PacingMiddleware(pacer))
        self.bot = Bot(token, session=session)
        self.edge: Edge = AiogramEdge(self.bot)
        # aiogram starts a task per update; the lines give each chat one slot, in order.
        self.lines = ChatLines(concurrency, on_backlog=self._ask_to_wait)
        # No aiogram FSM: dialog state lives in our database (its middleware would only cost).
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.update.outer_middleware(self._in_order)
        for observer in (
            self.dispatcher.message,
            self.dispatcher.edited_message,
            self.dispatcher.callback_query,
            self.dispatcher.my_chat_member,
        ):
            observer.register(self._on_event)
        self.handlers: Handlers | None = None
        self.username = ""
        self._polling: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self._taken: set[asyncio.Task[Any]] = set()  # updates being handled (their lines too)

    async def connect(self) -> str:
        async with translated():
            me = await self.bot.me()  # getMe, cached by aiogram
        self.username = me.username or ""
        return self.username

    async def start(self, handlers: Handlers, webhook: Webhook | None, poll_timeout: int) -> None:
        self.handlers = handlers
        kinds = self.dispatcher.resolve_used_update_types()
        if webhook is not None:
            await self._serve_webhook(webhook, kinds)
            return
        async with translated():
            await self.bot.delete_webhook()  # as PTB's polling does: one way to get updates
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                polling_timeout=poll_timeout,
                allowed_updates=kinds,
                handle_signals=False,  # the process (bot.runtime.app) owns the signals
                close_bot_session=False,  # closed in close(), after the sender has stopped
            ),
            name="aiogram-polling",
        )

    async def _serve_webhook(self, webhook: Webhook, kinds: list[str]) -> None:
        # Imported here: aiohttp's server is start-up time a polling bot need not spend.
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler
        from aiohttp import web

        app = web.Application()
        SimpleRequestHandler(
            self.dispatcher, self.bot, secret_token=webhook.secret, handle_in_background=True
        ).register(app, path="/" + webhook.path)
        self._web = web.AppRunner(app)
        await self._web.setup()
        await web.TCPSite(self._web, webhook.listen, webhook.port).start()
        async with translated():
            await self.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, allowed_updates=kinds
            )

    async def feed(self, raw: dict[str, Any]) -> None:
        """As polling does: the update is handled in its own task, this returns at once."""
        update = Update.model_validate(raw, context={"bot": self.bot})
        task = asyncio.create_task(self.dispatcher.feed_update(self.bot, update))
        self._taken.add(task)
        task.add_done_callback(self._taken.discard)

    async def stop(self) -> None:
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):  # already stopped
                await self.dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self._taken:  # finish what was taken, as PTB's application does
            await asyncio.wait(self._taken)

    async def close(self) -> None:
        await self.bot.session.close()

    async def _in_order(self, handler: Next, update: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self._taken.add(task)
            task.add_done_callback(self._taken.discard)
        await self.lines.run(chat_of(update), handler(update, data), update)

    async def _on_event(self, event: object, event_update: Update) -> None:
        read = read_update(event_update, self.username)
        if read is None or self.handlers is None:
            return
        try:
            await self.handlers.handle(read.incoming, read.pressed_message_id, read.callback_id)
        except Exception as error:  # aiogram would only log it: apologise and page as PTB does
            await self.handlers.failed(error, read.incoming, read.callback_id)

    async def _ask_to_wait(self, update: Any) -> None:
        read = read_update(update, self.username)
        if read is not None and self.handlers is not None:
            await self.handlers.ask_to_wait(read.incoming)
