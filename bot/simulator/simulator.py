"""The Simulator: a fake Bot API server plus the simulated people who talk to the bot."""

from __future__ import annotations

import copy
import time
from types import TracebackType
from typing import Any

from bot.simulator.driver import SimGroup, SimUser
from bot.simulator.errors import bad_request, forbidden
from bot.simulator.faults import Faults
from bot.simulator.files import FileStore
from bot.simulator.limits import Limits, RateLimiter
from bot.simulator.server import SimServer
from bot.simulator.state import CallbackQuery, Chat, Signal, UpdateQueue, UserInfo
from bot.simulator.webhook import WebhookConfig, WebhookDeliverer

_DEFAULT = Limits()


class Simulator:
    """Fake Telegram for one bot token; see the package docstring for a tour."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "paket_bot",
        bot_first_name: str = "PAKET Bot",
        *,
        strict_html: bool = True,
        privacy_mode: bool = True,
        callback_timeout: float = 15.0,
        limits: Limits | None = _DEFAULT,
        first_update_id: int = 1,
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.bot = UserInfo(
            id=int(token.split(":", 1)[0]),
            first_name=bot_first_name,
            username=bot_username,
            is_bot=True,
        )
        self.strict_html = strict_html
        # Seconds each Bot API call takes before it is answered, as over a real network
        # (Telegram is 50-300 ms away). A long poll waits this long on top of its timeout.
        self.latency = latency
        self.privacy_mode = privacy_mode
        self.callback_timeout = callback_timeout
        self.files = FileStore()
        self.updates = UpdateQueue(first_update_id)
        self.chats: dict[int, Chat] = {}
        self.blocked: set[int] = set()
        self.queries: dict[str, CallbackQuery] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[tuple[str, int, str]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.limiter = RateLimiter(Limits(**vars(limits)) if limits else None)
        self.signal = Signal()
        self.webhook: WebhookConfig | None = None
        # Seeded 5xx and timeouts on some calls (set_faults); None: every call answers.
        self.faults: Faults | None = None
        self.poller: object | None = None  # the pending getUpdates request, if any
        self._deliverer: WebhookDeliverer | None = None
        self._users: dict[int, SimUser] = {}
        self._groups: dict[int, SimGroup] = {}
        self._server = SimServer(self)
        self.url = ""

    # -- life cycle ---------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 = any free port); returns the root URL."""
        self.url = await self._server.start(host, port)
        return self.url

    async def stop(self) -> None:
        """Stop webhook delivery and the HTTP server."""
        await self.set_webhook(None)
        await self._server.stop()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- people and chats -----------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone: str | None = None,
    ) -> SimUser:
        """The simulated person with this id: created on first use, the same object after."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        info = UserInfo(user_id, first_name or f"User{user_id}", last_name, username, language_code)
        self.chats[user_id] = Chat(id=user_id, type="private", user=info)
        user = self._users[user_id] = SimUser(self, info, phone)
        return user

    def group(self, chat_id: int, title: str = "Group") -> SimGroup:
        """A group chat the bot is a member of ("supergroup" for -100... ids)."""
        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        self.chats[chat_id] = Chat(id=chat_id, type=kind, title=title, known=True)
        group = self._groups[chat_id] = SimGroup(self, chat_id)
        return group

    def find_user(self, user_id: int) -> SimUser | None:
        """The SimUser with this id, if created."""
        return self._users.get(user_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403 from now on."""
        if user_id not in self.blocked:
            self.blocked.add(user_id)
            self._member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        """The user unblocks (restarts) the bot."""
        if user_id in self.blocked:
            self.blocked.discard(user_id)
            self._member_update(user_id, "kicked", "member")

    def _member_update(self, user_id: int, old: str, new: str) -> None:
        user = self.user(user_id)
        bot = self.bot.to_json()
        payload = {
            "chat": self.chats[user_id].to_json(),
            "from": user.info.to_json(),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot}
            | ({"until_date": 0} if old == "kicked" else {}),
            "new_chat_member": {"status": new, "user": bot}
            | ({"until_date": 0} if new == "kicked" else {}),
        }
        self.enqueue("my_chat_member", payload, user_id)

    # -- settings -----------------------------------------------------------------------

    def set_limits(
        self,
        limits: Limits | None = _DEFAULT,
        *,
        per_chat_per_second: float | None = None,
        per_chat_burst: int | None = None,
        global_per_second: float | None = None,
        global_burst: int | None = None,
        per_group_per_minute: float | None = None,
        per_group_burst: int | None = None,
        human_pause: float | None = None,
    ) -> None:
        """Replace flood-control settings (``set_limits(None)`` turns it off); resets buckets."""
        if limits is None:
            self.limiter = RateLimiter(None)
            return
        values = dict(vars(limits))
        overrides = {
            "per_chat_per_second": per_chat_per_second,
            "per_chat_burst": per_chat_burst,
            "global_per_second": global_per_second,
            "global_burst": global_burst,
            "per_group_per_minute": per_group_per_minute,
            "per_group_burst": per_group_burst,
            "human_pause": human_pause,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        self.limiter = RateLimiter(Limits(**values))

    def set_faults(self, faults: Faults | None) -> None:
        """Answer some calls with 5xx or not at all, as `faults` draws them (None: never)."""
        self.faults = faults

    async def set_webhook(self, config: WebhookConfig | None) -> None:
        """Switch between getUpdates (None) and webhook delivery."""
        if self._deliverer is not None:
            await self._deliverer.stop()
            self._deliverer = None
        self.webhook = config
        if config is not None:
            self._deliverer = WebhookDeliverer(self, config)
            self._deliverer.start()
        self.signal.fire()

    # -- helpers for the API handlers and the driver ------------------------------------

    def now(self) -> float:
        """Monotonic clock (usable outside the event loop, e.g. in sim.block())."""
        return time.monotonic()

    def touch(self, chat_id: int) -> None:
        """Note activity in a chat (for wait_idle)."""
        chat = self.chats.get(chat_id)
        if chat is not None:
            chat.last_touch = self.now()
        self.signal.fire()

    def enqueue(self, kind: str, payload: dict[str, Any], chat_id: int | None) -> int:
        """Queue an update for the bot; returns its update_id."""
        update_id = self.updates.push(kind, copy.deepcopy(payload), chat_id)
        if chat_id is not None:
            self.touch(chat_id)
        self.signal.fire()
        return update_id

    def chat_for_bot(self, chat_id: int | str) -> Chat:
        """The chat a method targets; 400 if the bot may not know it, 403 if blocked."""
        chat: Chat | None = None
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        if chat is None or not chat.known:
            raise bad_request("chat not found")
        self.touch(chat.id)
        if chat.type == "private" and chat.id in self.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to ``method`` (case-insensitive), in order."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def assert_no_errors(self) -> None:
        """Fail if any Bot API call the bot made was answered with an error."""
        assert not self.errors, f"Bot API errors: {self.errors}"
