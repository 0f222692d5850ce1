"""python-telegram-bot's Application as a `Frontend`: polling or webhook, PTB's processor and
rate limiter carrying the shared per-chat order and pacer."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, TypeHandler

from bot.runtime.edge import Edge, Handlers, Lane, Webhook
from bot.runtime.incoming import read_update
from bot.runtime.pacing import Pacer
from bot.runtime.ptb.edge import PtbEdge, translated
from bot.runtime.ptb.http import AiohttpRequest
from bot.runtime.ptb.limiter import PtbRateLimiter
from bot.runtime.ptb.processor import ChatOrderedUpdateProcessor

log = logging.getLogger(__name__)


class TolerantBot(ExtBot[Lane]):
    """PTB's bot, except that an update PTB cannot read is skipped instead of stalling.

    PTB parses a whole getUpdates batch at once; one update it cannot read (a newer Bot API
    field, a malformed object) fails the batch, and its updater asks for the same batch again,
    forever: nobody is answered any more. Here the batch is read again one update at a time and
    an unreadable one becomes an empty Update with its id (logged), which the handler ignores
    and which moves the offset past it.
    """

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            return await self._readable(kwargs.get("offset"), kwargs.get("allowed_updates"))

    async def _readable(self, offset: int | None, allowed: Any) -> tuple[Update, ...]:
        data = {"offset": offset, "timeout": 0, "allowed_updates": allowed}
        raw = await self._post("getUpdates", data)
        read: list[Update] = []
        for item in raw if isinstance(raw, list) else []:
            try:
                update = Update.de_json(item, self)
            except Exception:
                log.warning("skipped update %s: python-telegram-bot cannot read it",
                            item.get("update_id"), exc_info=True)  # fmt: skip
                update = Update(int(item["update_id"]))
            if update is not None:
                read.append(update)
        return tuple(read)


class PtbFrontend:
    def __init__(self, token: str, server: str, pacer: Pacer, *, concurrency: int) -> None:
        self.server = server
        # Enough connections for every update in flight plus the sender; the poller its own.
        self._requests = (AiohttpRequest(concurrency + 8), AiohttpRequest(1))
        self.processor = ChatOrderedUpdateProcessor(concurrency, on_backlog=self._ask_to_wait)
        bot = TolerantBot(
            token,
            base_url=server + "/bot",
            base_file_url=server + "/file/bot",
            # aiohttp, not PTB's default httpx: a third of the CPU per call (ptb/http.py).
            request=self._requests[0],
            get_updates_request=self._requests[1],
            rate_limiter=PtbRateLimiter(pacer),
        )
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            Application.builder().bot(bot).concurrent_updates(self.processor).build()
        )
        self.edge: Edge = PtbEdge(self.application.bot)
        self.handlers: Handlers | None = None
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)

    async def connect(self) -> str:
        async with translated():
            await self.application.bot.initialize()  # getMe, cached for the application
        return self.application.bot.username

    async def start(self, handlers: Handlers, webhook: Webhook | None, poll_timeout: int) -> None:
        self.handlers = handlers
        app = self.application
        await app.initialize()
        await app.start()
        assert app.updater is not None
        if webhook is not None:
            await app.updater.start_webhook(
                listen=webhook.listen,
                port=webhook.port,
                url_path=webhook.path,
                webhook_url=webhook.url,
                secret_token=webhook.secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await app.updater.start_polling(
                poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )

    async def feed(self, raw: dict[str, Any]) -> None:
        """Hand the application an update as Telegram would (a redelivery, in tests)."""
        await self.application.update_queue.put(Update.de_json(raw, self.application.bot))

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for the updates being handled, queued ones included

    async def close(self) -> None:
        await self.application.shutdown()
        # Also when getMe never succeeded: PTB then shuts nothing down, the sessions are open.
        for request in self._requests:
            await request.shutdown()

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        read = read_update(update, context.bot.username)
        if read is not None and self.handlers is not None:
            await self.handlers.handle(read.incoming, read.pressed_message_id, read.callback_id)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if self.handlers is None or context.error is None:
            return
        read = read_update(update, context.bot.username) if isinstance(update, Update) else None
        incoming = read.incoming if read is not None else None
        await self.handlers.failed(context.error, incoming, read.callback_id if read else None)

    async def _ask_to_wait(self, update: Any) -> None:
        read = read_update(update, self.application.bot.username)
        if read is not None and self.handlers is not None:
            await self.handlers.ask_to_wait(read.incoming)
