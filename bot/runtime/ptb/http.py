"""The Bot API's HTTP client: aiohttp behind python-telegram-bot's request interface.

Every reply is one to three Bot API calls, and PTB's default client (httpx, through httpcore
and anyio) spends 0.7–0.9 ms of CPU on each; aiohttp spends about 0.2 ms on the same call
(measured against the simulator, docs/benchmarks.md). After the database, the HTTP client was
the largest cost of an update. PTB keeps its parsing, retries and error mapping: this class
only moves bytes (`BaseRequest.do_request`), as PTB's own HTTPXRequest does.

Timeouts mean what they mean in PTB: connect (plus waiting for a free pooled connection),
read (between two chunks of the answer). aiohttp has no write timeout; a stalled upload is
caught by the read timeout that follows it.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's defaults (ApplicationBuilder, HTTPXRequest).
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with at most `pool_size` connections."""

    def __init__(
        self,
        pool_size: int,
        *,
        read_timeout: float | None = READ_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._shut_down = False

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (inside the running event loop, as aiohttp requires)."""
        self._shut_down = False
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        self._shut_down = True
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,  # a float, None, or "not given"
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request; PTB turns the status and body into a result or an error."""
        if self._shut_down:
            raise RuntimeError("This AiohttpRequest is shut down")
        if self._session is None:  # used before initialize(), as PTB's httpx client may be
            await self.initialize()
        assert self._session is not None
        timeout = self._timeout(read_timeout, connect_timeout, pool_timeout)
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _timeout(self, read: object, connect: object, pool: object) -> aiohttp.ClientTimeout:
        read_s = _given(read, self._read_timeout)
        connect_s = _given(connect, self._connect_timeout)
        pool_s = _given(pool, self._pool_timeout)
        # aiohttp's `connect` covers waiting for a pooled connection and opening a new one.
        waiting = None if connect_s is None or pool_s is None else connect_s + pool_s
        return aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect_s, sock_read=read_s
        )


def _given(value: object, default: float | None) -> float | None:
    """A timeout PTB passed (seconds, or None for none), else ours (BaseRequest.DEFAULT_NONE)."""
    if value is None or isinstance(value, int | float):
        return value
    return default


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields (JSON-encoded values, as PTB sends them), multipart when there are files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (file_name, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form
