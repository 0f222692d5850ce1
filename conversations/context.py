"""What a conversation handler gets: the update, the person, a translator, and a reply list.

A `Context` lives for one update and one database transaction. Handlers add replies to it;
the runtime sends them after the transaction has committed, so nothing is promised to the
person that the database does not hold.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import HELD_ROWS, Actor, hold
from bot.domain.clock import Clock
from bot.domain.text_fit import CAPTION_LIMIT, TEXT_LIMIT, cut
from bot.i18n import Translator
from bot.ui import FileRef, Incoming, Keyboard, Reply, Response
from storage.db import Database
from storage.models import Dialog, Person


@dataclass(frozen=True)
class ChatSettings:
    """The few settings conversations need (kept apart from the runtime's Settings)."""

    bot_username: str = "paket_bot"
    notice_version: str = "2026-11"
    default_locale: str = "id"
    default_timezone: str = "Asia/Jakarta"
    invite_valid_days: int = 14
    # Default reminder offsets before a meeting, longest first (REMINDER_OFFSETS).
    reminder_offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    # Quiet hours in each person's zone, (start, end) hours; None: none (QUIET_HOURS).
    quiet_hours: tuple[int, int] | None = (21, 6)
    # Messages a second the sender may send (SEND_RATE): an announcement's duration estimate.
    send_rate: float = 25.0


@dataclass
class Services:
    """Long-lived collaborators, built once in the app wiring."""

    db: Database
    clock: Clock
    chat: ChatSettings = field(default_factory=ChatSettings)
    # Called after a transaction that queued outbox rows has committed.
    wake_sender: Callable[[], None] = lambda: None


@dataclass
class Context:
    services: Services
    session: AsyncSession
    incoming: Incoming
    person: Person | None
    actor: Actor | None
    tr: Translator
    response: Response = field(default_factory=Response)
    dialog: Dialog | None = None
    # The router reads the dialog of every known person: None then means there is none.
    _no_dialog: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._no_dialog = self.person is not None and self.dialog is None
        _hold_rows_for_the_update(self.session)

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def registered(self) -> bool:
        """Consented, finished onboarding, and holds at least one role."""
        return (
            self.person is not None
            and self.actor is not None
            and self.person.onboarding_step is None
            and bool(self.actor.grants)
        )

    def reply(
        self,
        text: str,
        buttons: Keyboard = (),
        *,
        edit: bool = False,
        remove_keyboard: bool = False,
        attachment: FileRef | None = None,
    ) -> None:
        # The last guard: a view that forgot a limit still arrives, cut with "…", never refused.
        text = cut(text, CAPTION_LIMIT if attachment is not None else TEXT_LIMIT)
        self.response.add(
            Reply(text, buttons, edit=edit, remove_keyboard=remove_keyboard, attachment=attachment)
        )

    def edit_buttons(self, buttons: Keyboard) -> None:
        """Change only the buttons of the message whose button was pressed."""
        self.response.add(Reply("", buttons, edit=True, keep_text=True))

    def toast(self, text: str) -> None:
        self.response.toast = text

    def after_commit(self, job: Callable[[], Awaitable[list[Reply]]]) -> None:
        """Run `job` once this update's transaction has committed; its replies follow.

        For slow work that only reads (drawing a report): inside the transaction it would hold
        SQLite's one write turn, and everyone else's updates would wait for it. The job opens
        its own `services.db.reading()` session. It runs once: a crash before it finishes loses
        only this answer, which the person can ask for again.
        """
        self.response.later.append(job)

    # --- dialog state (where the person is in a multi-step flow) ------------------------------

    async def start_dialog(self, flow: str, step: str = "", **data: Any) -> Dialog:
        dialog = self.dialog
        if dialog is None and not self._no_dialog:
            dialog = await self.session.get(Dialog, self.incoming.user_id)
        if dialog is None:
            dialog = Dialog(telegram_id=self.incoming.user_id, flow=flow)
        dialog.flow, dialog.step, dialog.data = flow, step, dict(data)
        dialog.updated_at = self.clock.now()
        self.session.add(dialog)
        self.dialog = dialog
        return dialog

    def in_flow(self, flow: str, *steps: str, **data: Any) -> bool:
        """Whether the open dialog is `flow`, at one of `steps` (any, if none given), holding
        these `data` values — e.g. the same proposal a pressed button names."""
        d = self.dialog
        return (
            d is not None
            and d.flow == flow
            and (not steps or d.step in steps)
            and all(d.data.get(key) == value for key, value in data.items())
        )

    async def update_dialog(self, step: str | None = None, **data: Any) -> None:
        assert self.dialog is not None
        if step is not None:
            self.dialog.step = step
        self.dialog.data = {**self.dialog.data, **data}
        self.dialog.updated_at = self.clock.now()
        self.session.add(self.dialog)

    async def end_dialog(self) -> None:
        if self.dialog is not None:
            await self.session.delete(self.dialog)
            self.dialog = None
            self._no_dialog = False  # the row is gone only when the session flushes


def _hold_rows_for_the_update(session: AsyncSession) -> None:
    """Keep every row this update reads until its transaction ends.

    The session's identity map refers to rows weakly, so a BKM or kota read by one step and
    dropped is read again from the database by the next: an update looks them up many times.
    """
    sync = session.sync_session
    if not sync.info.get(_HOLDING):
        sync.info[_HOLDING] = True
        hold(session, *sync.identity_map.values())
        _listen_once()


_HOLDING = "holding_rows"


@cache
def _listen_once() -> None:
    """One listener on every session, not one per update (adding a listener is not free)."""
    event.listen(Session, "loaded_as_persistent", _hold_loaded)


def _hold_loaded(session: Session, instance: object) -> None:
    if session.info.get(_HOLDING):  # a session of an update
        session.info.setdefault(HELD_ROWS, []).append(instance)
