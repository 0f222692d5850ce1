"""Route one update to the handler that owns it, inside one transaction.

Order matters:
1. an update id seen before is dropped (Telegram delivers at least once);
2. group chats, edited messages, voice notes and media we cannot read get a short answer on
   purpose;
3. commands (either language), then button presses by their prefix;
4. a person in the middle of onboarding or of a multi-step flow continues it;
5. free text that names a tracking code answers with its status; anything else shows the menu.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import ModuleType

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor, Writer, writer_from_rows, writer_of, writer_statement
from bot.domain.clock import Clock
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.outbox import QUEUED_FLAG, mark_reachable
from bot.domain.reachability import person_unreachable
from bot.i18n import Translator
from bot.ui import Incoming, Response
from conversations import callback_data, commands, invite, language, menu, onboarding
from conversations.context import Context, Services
from conversations.errors import reply_error
from storage.models import Person, ProcessedUpdate

log = logging.getLogger(__name__)
UPDATE_MEMORY = timedelta(hours=48)

Handler = Callable[[Context], Awaitable[None]]
CallbackHandler = Callable[[Context, list[str]], Awaitable[None]]
TextHook = Callable[[Context], Awaitable[bool]]


@dataclass
class Routes:
    """Every feature's entry points, merged from the feature modules."""

    commands: dict[str, Handler] = field(default_factory=dict)
    callbacks: dict[str, CallbackHandler] = field(default_factory=dict)
    dialogs: dict[str, Handler] = field(default_factory=dict)
    text_hooks: list[TextHook] = field(default_factory=list)

    def include(self, module: ModuleType) -> None:
        """Take a module's COMMANDS / CALLBACKS / DIALOGS / TEXT_HOOKS tables."""
        self.commands.update(getattr(module, "COMMANDS", {}))
        self.callbacks.update(getattr(module, "CALLBACKS", {}))
        self.dialogs.update(getattr(module, "DIALOGS", {}))
        self.text_hooks.extend(getattr(module, "TEXT_HOOKS", []))


async def _cmd_cancel(ctx: Context) -> None:
    flow = ctx.dialog.flow if ctx.dialog is not None else None
    await ctx.end_dialog()
    if ctx.registered:
        # remove_keyboard: a phone-keyboard question (the map pin) may still show its button.
        if flow == "proposal":
            text = ctx.tr._(
                "Baik, dibatalkan. Isian yang sudah dikirim tetap tersimpan sebagai draf."
            )
        elif flow == "meeting":
            text = ctx.tr._(
                "Baik, dibatalkan. Isian rapat yang sudah dikirim tetap tersimpan sebagai draf; "
                "ketik /rapatbaru untuk melanjutkan."
            )
        elif flow is not None:
            text = ctx.tr._("Baik, dibatalkan.")
        else:
            text = ctx.tr._("Tidak ada isian yang perlu dibatalkan.")
        ctx.reply(text, remove_keyboard=True)
        menu.show_menu(ctx)
    else:
        ctx.reply(ctx.tr._("Baik, dibatalkan."))


def core_routes() -> Routes:
    routes = Routes(
        commands={
            "start": onboarding.cmd_start,
            "menu": menu.cmd_menu,
            "bantuan": menu.cmd_help,
            "bahasa": language.cmd_language,
            "batal": _cmd_cancel,
            "undang": invite.cmd_invite,
        },
        callbacks={
            "ob": onboarding.on_callback,
            "lang": language.on_callback,
            "inv": invite.on_callback,
        },
    )
    return routes


class Router:
    def __init__(self, services: Services, routes: Routes) -> None:
        self.services = services
        self.routes = routes

    async def handle(self, incoming: Incoming) -> Response:
        """Handle one update; replies are returned only after the transaction committed."""
        db = self.services.db
        sender: _Sender | None = None
        try:
            async with db.transaction() as session:
                writer = await self._claim(session, incoming)
                if writer is None:
                    return Response(repeated=True)
                ctx = await self._context(session, incoming, writer)
                sender = _Sender.of(ctx)
                before = _MenuInputs.of(ctx)
                await self._dispatch(ctx)
                response = ctx.response
                response.outbox_touched = bool(session.info.get(QUEUED_FLAG))
                after = _MenuInputs.of(ctx)
                if after != before and after.menu() != before.menu():
                    response.command_menu = after.menu()
        except DomainError as error:
            # Roll back whatever the handler half-did, then remember the update and explain.
            async with db.transaction() as session:
                if sender is None:
                    writer = await self._claim(session, incoming)
                    if writer is None:
                        return Response(repeated=True)
                    ctx = await self._context(session, incoming, writer)
                else:
                    if not await claim_update(
                        session, self.services.clock, incoming.update_id, postgres=db.is_postgres
                    ):
                        return Response(repeated=True)
                    ctx = await self._context_again(session, incoming, sender)
                reply_error(ctx, error)
                response = ctx.response
                response.keep_pressed = isinstance(error, InvalidInput)
        if response.outbox_touched:
            self.services.wake_sender()
        for job in response.later:
            response.replies.extend(await job())
        return response

    async def _claim(self, session: AsyncSession, incoming: Incoming) -> Writer | None:
        services = self.services
        return await claim_and_read_writer(
            session, services.clock, incoming, postgres=services.db.is_postgres,
            default_tz=services.chat.default_timezone,
        )  # fmt: skip

    async def _context(self, session: AsyncSession, incoming: Incoming, writer: Writer) -> Context:
        chat = self.services.chat
        person, dialog, actor = writer.person, writer.dialog, writer.actor
        locale = (
            (person.locale if person else None) or incoming.language_code or chat.default_locale
        )
        tr = Translator(locale, actor.timezone if actor else chat.default_timezone)
        if person is not None and incoming.kind != "blocked":
            await mark_reachable(session, person)
        return Context(self.services, session, incoming, person, actor, tr, dialog=dialog)

    async def _context_again(
        self, session: AsyncSession, incoming: Incoming, sender: _Sender
    ) -> Context:
        """The context for explaining a domain error, with the roles and language read first.

        The rollback took the first attempt's rows, but not what they said: only the person
        is read again (by id), to mark them reachable as the first attempt did.
        """
        person = None
        if sender.person_id is not None:
            person = await session.get(Person, sender.person_id)
            if person is not None and incoming.kind != "blocked":
                await mark_reachable(session, person)
        return Context(self.services, session, incoming, person, sender.actor, sender.tr)

    async def _dispatch(self, ctx: Context) -> None:
        inc = ctx.incoming
        if not inc.private:
            if inc.kind == "command":
                ctx.reply(
                    ctx.tr._(
                        "Mohon gunakan PAKET Bot lewat chat pribadi: @{bot}",
                        bot=ctx.services.chat.bot_username,
                    )
                )
            return
        if inc.kind in ("blocked", "unblocked"):
            await _membership_changed(ctx)
            return
        if inc.kind == "edited":
            ctx.reply(
                ctx.tr._(
                    "Maaf, pesan yang diubah tidak dibaca. Silakan kirim jawaban sebagai pesan baru."
                )
            )
            return
        if inc.kind == "voice":
            # Whatever question is open stays open: the person is asked to type the answer.
            ctx.reply(ctx.tr._("Maaf, pesan suara belum bisa dibaca; mohon ketik jawabannya."))
            return
        if inc.kind == "command":
            await self._command(ctx)
        elif inc.kind == "callback":
            await self._callback(ctx)
        else:
            await self._message(ctx)

    async def _command(self, ctx: Context) -> None:
        command = commands.lookup(ctx.incoming.command or "")
        handler = self.routes.commands.get(command.key) if command else None
        if command is None or handler is None:
            ctx.reply(
                ctx.tr._(
                    "Maaf, perintah itu tidak dikenal. Ketik /bantuan untuk melihat daftar perintah."
                )
            )
            return
        if not command.public and not ctx.registered:
            await self._not_registered(ctx)
            return
        if not commands.allowed(command, ctx.actor):
            ctx.reply(
                ctx.tr._(
                    "Maaf, perintah ini tidak tersedia untuk peran Bapak/Ibu. Ketik /bantuan untuk melihat yang tersedia."
                )
            )
            return
        await handler(ctx)

    async def _callback(self, ctx: Context) -> None:
        # Forged or malformed data never reaches a handler (callback_data.py says why).
        parsed = callback_data.parse(ctx.incoming.callback_data)
        if parsed is None:
            ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
            return
        parts = parsed
        if parts[0] == "menu" and len(parts) > 1:
            # Menu buttons are the commands, with the same permission checks.
            ctx.incoming = _as_command(ctx.incoming, parts[1])
            await self._command(ctx)
            return
        # A feature may own a whole prefix ("f") or one verb under a shared prefix ("p:view").
        handler = self.routes.callbacks.get(":".join(parts[:2])) or self.routes.callbacks.get(
            parts[0]
        )
        if handler is None:
            ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
            return
        if parts[0] not in {"ob", "lang", "priv"} and not ctx.registered:
            await self._not_registered(ctx)
            return
        await handler(ctx, parts)

    async def _message(self, ctx: Context) -> None:
        person = ctx.person
        if person is not None and person.onboarding_step == "name_input":
            await onboarding.on_name_typed(ctx)
            return
        if person is not None and person.onboarding_step:
            await onboarding.resume(ctx)
            return
        if not ctx.registered:
            await self._not_registered(ctx)
            return
        if ctx.dialog is not None and ctx.dialog.flow in self.routes.dialogs:
            await self.routes.dialogs[ctx.dialog.flow](ctx)
            return
        if ctx.incoming.kind == "other":
            ctx.reply(ctx.tr._("Maaf, saya hanya dapat membaca teks, tombol, foto, dan dokumen."))
            return
        for hook in self.routes.text_hooks:
            if await hook(ctx):
                return
        menu.show_menu(ctx, ctx.tr._("Maaf, saya belum mengerti. Silakan pilih dari menu:"))

    async def _not_registered(self, ctx: Context) -> None:
        if ctx.person is not None and ctx.person.onboarding_step:
            await onboarding.resume(ctx)
            return
        ctx.reply(
            ctx.tr._(
                "Bapak/Ibu belum terdaftar. Mohon buka tautan undangan dari fasilitator atau "
                "koordinator BKM Bapak/Ibu. Ketik /bantuan untuk keterangan."
            )
        )


async def _membership_changed(ctx: Context) -> None:
    """The person blocked (or unblocked) the bot: stop queueing for them at once, or resume."""
    if ctx.person is None:
        return
    if ctx.incoming.kind == "blocked":
        await person_unreachable(ctx.session, ctx.clock, ctx.incoming.chat_id, "blocked the bot")
    # "unblocked": _context() already marked the person reachable.


@dataclass(frozen=True)
class _Sender:
    """Who sent an update, as plain values that outlive a rolled-back transaction."""

    person_id: int | None
    actor: Actor | None
    tr: Translator

    @classmethod
    def of(cls, ctx: Context) -> _Sender:
        return cls(ctx.person.id if ctx.person else None, ctx.actor, ctx.tr)


@dataclass(frozen=True)
class _MenuInputs:
    """What this person's "/" menu is made of; handlers may change roles or language.

    Comparing these before and after an update is cheaper than building the menu twice.
    """

    actor: Actor | None  # None: not registered (or deleted)
    locale: str
    tr: Translator = field(compare=False)

    @classmethod
    def of(cls, ctx: Context) -> _MenuInputs:
        registered = ctx.registered and ctx.person is not None and ctx.person.deleted_at is None
        return cls(ctx.actor if registered else None, ctx.tr.locale, ctx.tr)

    def menu(self) -> tuple[tuple[str, str], ...]:
        return commands.menu_for(self.actor, self.tr)


# INSERT … ON CONFLICT DO NOTHING in each database's dialect, built once: every update runs it
# (building a statement and its cache key costs about as much CPU as executing it).
_CLAIM = {
    # The table, not the model: given parameters, an ORM insert becomes a bulk insert.
    postgres: insert(ProcessedUpdate.__table__)  # type: ignore[attr-defined]
    .values(update_id=bindparam("update_id"), at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["update_id"])
    for postgres, insert in ((True, pg_insert), (False, sqlite_insert))
}


async def claim_update(
    session: AsyncSession, clock: Clock, update_id: int, *, postgres: bool
) -> bool:
    """Record `update_id` as handled; False when it was handled (or is being handled) already.

    One INSERT … ON CONFLICT DO NOTHING: when two processes get the same update at once, the
    second waits on the first's row lock and then finds it, instead of both handling it.
    """
    stmt = _CLAIM[postgres]
    result = await session.exec(stmt, params={"update_id": update_id, "at": clock.now()})  # type: ignore[call-overload]
    return bool(result.rowcount)


# On PostgreSQL the claim and the writer are one statement: a round trip fewer on every
# update. A data-modifying WITH runs once, whatever reads it; the SELECT counts the row it
# inserted (1), or none when the update was claimed before (0).
_CLAIMED = _CLAIM[True].returning(col(ProcessedUpdate.update_id)).cte("claimed")
_CLAIM_AND_WRITER = writer_statement(
    select(func.count().label("claimed")).select_from(_CLAIMED).subquery("claim")
)


async def claim_and_read_writer(
    session: AsyncSession, clock: Clock, incoming: Incoming, *, postgres: bool, default_tz: str
) -> Writer | None:
    """Claim the update (as `claim_update`) and read who wrote it; None if claimed before."""
    if not postgres:
        if not await claim_update(session, clock, incoming.update_id, postgres=False):
            return None
        return await writer_of(session, incoming.user_id, default_tz)
    params = {"update_id": incoming.update_id, "at": clock.now(), "telegram_id": incoming.user_id}
    rows = (await session.exec(_CLAIM_AND_WRITER, params=params)).all()  # type: ignore[call-overload]
    if not rows[0][0]:
        return None
    return writer_from_rows(session, [row[1:] for row in rows], default_tz)


async def forget_old_updates(session: AsyncSession, clock: Clock) -> None:
    """Telegram keeps an update for 24 hours at most: older ids can never come back."""
    cutoff = clock.now() - UPDATE_MEMORY
    await session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < cutoff))  # type: ignore[call-overload]


def _as_command(incoming: Incoming, name: str) -> Incoming:
    return replace(incoming, kind="command", command=name, args=())
