"""Webhook mode: POST each update to the bot's URL, in order, retrying until it answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.simulator.state import PendingUpdate

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

_FIRST_RETRY = 0.1  # seconds; Telegram waits longer, tests should not
_MAX_RETRY = 2.0


@dataclass
class WebhookConfig:
    """What setWebhook registered, plus the last delivery error for getWebhookInfo."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int, allowed: list[str] | None) -> dict[str, Any]:
        """WebhookInfo JSON."""
        data: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.ip_address:
            data["ip_address"] = self.ip_address
        if self.last_error_date:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        if allowed:
            data["allowed_updates"] = allowed
        return data


class WebhookDeliverer:
    """Background task that pushes pending updates to the webhook URL."""

    def __init__(self, sim: Simulator, config: WebhookConfig) -> None:
        self._sim = sim
        self._config = config
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin delivering."""
        self._task = asyncio.create_task(self._run(), name="sim-webhook")

    async def stop(self) -> None:
        """Stop delivering; undelivered updates stay queued."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _next(self) -> PendingUpdate | None:
        queue = self._sim.updates
        queue.drop_disallowed()
        return queue.pending[0] if queue.pending else None

    async def _run(self) -> None:
        delay = _FIRST_RETRY
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                await self._sim.signal.wait_until(lambda: self._next() is not None, 3600)
                update = self._next()
                if update is None:
                    continue
                if await self._post(session, update):
                    delay = _FIRST_RETRY
                    update.delivered = True
                    # A 2xx answer confirms the update, like a higher getUpdates offset.
                    self._sim.updates.confirm(update.update_id + 1)
                    if update.chat_id is not None:
                        self._sim.touch(update.chat_id)
                else:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, _MAX_RETRY)

    async def _post(self, session: aiohttp.ClientSession, update: PendingUpdate) -> bool:
        headers = {"Content-Type": "application/json"}
        if self._config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._config.secret_token
        try:
            async with session.post(
                self._config.url, data=json.dumps(update.body), headers=headers
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = (
                "Connection refused" if isinstance(exc, aiohttp.ClientConnectorError) else str(exc)
            )
        self._config.last_error_date = int(time.time())
        self._config.last_error_message = error or "Connection failed"
        return False
