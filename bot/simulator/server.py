"""HTTP side of the fake Bot API: routes, parameter decoding, Telegram-shaped answers."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

# Importing the method modules fills the registry.
from bot.simulator import api_chat, api_edits, api_files, api_send, api_updates  # noqa: F401
from bot.simulator.errors import TelegramError
from bot.simulator.files import MAX_UPLOAD
from bot.simulator.params import read_params
from bot.simulator.registry import METHODS, Described

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

# Room for multipart overhead on top of the largest file a bot may upload.
_MAX_BODY = MAX_UPLOAD + 1024 * 1024


def _answer(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
    )


def _error(code: int, description: str) -> web.Response:
    return _answer(code, {"ok": False, "error_code": code, "description": description})


class SimServer:
    """aiohttp application bound to one Simulator."""

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._runner: web.AppRunner | None = None

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        return app

    async def start(self, host: str, port: int) -> str:
        """Listen; returns the root URL."""
        # handler_cancellation: a long poll whose client went away must end, as on Telegram.
        self._runner = web.AppRunner(self._app(), handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        return f"http://{host}:{bound}"

    async def stop(self) -> None:
        """Close the listener and open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _method(self, request: web.Request) -> web.Response:
        sim = self._sim
        if sim.latency > 0:
            await asyncio.sleep(sim.latency)
        if request.match_info["token"] != sim.token:
            return _error(401, "Unauthorized")
        entry = METHODS.get(request.match_info["method"].lower())
        if entry is None:
            return _error(404, "Not Found")
        try:
            params = await read_params(request)
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "Request Entity Too Large")
        except TelegramError as exc:
            sim.calls.append((entry.name, {}))
            return self._failed(entry.name, exc)
        fault = sim.faults.draw(entry.name) if sim.faults is not None else None
        if fault is not None:
            stalled = await self._before(fault)
            if stalled is not None:
                return stalled
        sim.calls.append((entry.name, params.values))
        try:
            result = await entry.handler(sim, params)
        except TelegramError as exc:
            return self._failed(entry.name, exc)
        if fault == "lost":  # done, but the answer never reaches the client
            await self._stall()
        body: dict[str, Any] = {"ok": True}
        if isinstance(result, Described):
            body.update(result=result.result, description=result.description)
        else:
            body["result"] = result
        return _answer(200, body)

    async def _before(self, fault: str) -> web.Response | None:
        """An injected fault that strikes before the call is handled (see `faults`)."""
        faults = self._sim.faults
        assert faults is not None
        if fault == "error":
            return _error(*faults.status())
        if fault == "timeout":
            await self._stall()
        return None

    async def _stall(self) -> web.Response:
        """Hang until the client gives up (this handler is then cancelled)."""
        faults = self._sim.faults
        await asyncio.sleep(faults.stall_seconds if faults is not None else 0)
        # A client more patient than the stall: it gets what a gateway would say.
        raise web.HTTPGatewayTimeout()

    def _failed(self, method: str, exc: TelegramError) -> web.Response:
        self._sim.errors.append((method, exc.code, exc.description))
        self._sim.signal.fire()
        return _answer(exc.code, exc.payload())

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self._sim.token:
            return _error(401, "Unauthorized")
        stored = self._sim.files.by_path(request.match_info["path"])
        if stored is None:
            return _error(404, "Not Found")
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
