"""One update, whatever the framework: route it, send the replies, answer the button.

Each runtime turns its update into an `Incoming` and calls these (through `edge.Handlers`);
nothing here knows which framework runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial
from typing import TYPE_CHECKING

from bot.i18n import Translator, normalise_locale
from bot.runtime.edge import Edge, EdgeError, Handlers
from bot.runtime.replies import retrying, send_replies, update_chat_menu
from bot.ui import Incoming, Response
from storage.db import is_dropped_connection, is_unavailable

if TYPE_CHECKING:
    from bot.runtime.app import Runtime

log = logging.getLogger(__name__)
# While the database is out of reach an update is tried again after these waits (seconds),
# the last one repeating until it returns.
OUTAGE_BACKOFF = (0.25, 0.5, 1.0, 2.0, 4.0)


def handlers_for(runtime: Runtime, edge: Edge) -> Handlers:
    async def handle(incoming: Incoming, pressed: int | None, callback_id: str | None) -> None:
        await handle_update(runtime, edge, incoming, pressed, callback_id)

    async def failed(error: BaseException, incoming: Incoming | None, callback: str | None) -> None:
        await handle_failure(runtime, edge, error, incoming, callback)

    async def wait(incoming: Incoming) -> None:
        await ask_to_wait(edge, incoming)

    return Handlers(handle, failed, wait)


async def handle_update(
    runtime: Runtime,
    edge: Edge,
    incoming: Incoming,
    pressed_message_id: int | None,
    callback_id: str | None,
) -> None:
    """Every update goes through the router; replies are sent after its transaction commits."""
    routed = await _route_until_stored(runtime, edge, incoming, callback_id)
    if routed is None:
        return
    response, answered = routed
    if answered:  # the outage notice already stopped the spinner: a second answer is refused
        callback_id = None
    if response.repeated:
        # Telegram delivered it again: the first delivery answered it, stopped the spinner and
        # took the pressed message's buttons away (again, Telegram would refuse with 400).
        return
    try:
        await send_replies(
            edge,
            incoming.chat_id,
            response.replies,
            None if response.keep_pressed else pressed_message_id,
            pressed_is_text=incoming.pressed_is_text,
        )
        if response.command_menu is not None:
            await update_chat_menu(edge, incoming.chat_id, response.command_menu)
    finally:
        if callback_id is not None:
            # Always answer, or the button keeps spinning; answering last means the spinner
            # stops when the answer is on screen.
            with contextlib.suppress(EdgeError):
                await retrying(partial(edge.answer_callback, callback_id, response.toast))


async def _route_until_stored(
    runtime: Runtime, edge: Edge, incoming: Incoming, callback_id: str | None
) -> tuple[Response, bool] | None:
    """Route the update, waiting out a database outage; None if the bot stops meanwhile.

    The framework confirmed the update to Telegram when it fetched it, so Telegram will not
    deliver it again: this call is its only copy. It holds the update (and, by the chat's
    line, that person's later ones, in order) and tries again until the database answers;
    the transaction that failed stored nothing, so nothing is done twice. The person is told
    once that the service has trouble, and the button's spinner is stopped at once (the
    second value says so).
    """
    told = False
    for attempt in range(1_000_000):
        try:
            response = await runtime.router.handle(incoming)
        except Exception as error:
            if not is_unavailable(error):
                raise
            if attempt == 0 and is_dropped_connection(error):
                # The database restarted since this connection was opened; the pool has let
                # go of its old connections, and nothing was stored: run it again at once.
                log.info("database connection dropped; update %s runs again", incoming.update_id)
                continue
            if runtime.stopping.is_set():
                # Shutting down during an outage: nothing can store it. Logged with its id.
                log.error(
                    "database unavailable at shut-down; update %s not handled", incoming.update_id
                )
                return None
            log.warning("database unavailable (%s); update %s waits", error, incoming.update_id)
            if not told:
                told = True
                await _tell_outage(edge, incoming, callback_id)
            delay = OUTAGE_BACKOFF[min(attempt, len(OUTAGE_BACKOFF) - 1)]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(runtime.stopping.wait(), delay)
            continue
        return response, told and callback_id is not None
    return None


async def _tell_outage(edge: Edge, incoming: Incoming, callback_id: str | None) -> None:
    if callback_id is not None:
        with contextlib.suppress(EdgeError):
            await edge.answer_callback(callback_id)
    if not incoming.private:
        return
    tr = Translator(normalise_locale(incoming.language_code))
    with contextlib.suppress(EdgeError):
        await edge.send_text(
            incoming.chat_id,
            tr._("Maaf, layanan sedang ada gangguan. Silakan coba beberapa saat lagi."),
        )


async def handle_failure(
    runtime: Runtime,
    edge: Edge,
    error: BaseException,
    incoming: Incoming | None,
    callback_id: str | None,
) -> None:
    """Log first, tell the operator (rate-limited), then apologise; never show a trace."""
    log.error("error while handling an update", exc_info=error)
    if runtime.alerts is not None and isinstance(error, Exception):
        await runtime.alerts.report(error)
    if callback_id is not None:
        with contextlib.suppress(EdgeError):
            await edge.answer_callback(callback_id)
    if incoming is None or not incoming.private:
        return
    tr = Translator(normalise_locale(incoming.language_code))
    with contextlib.suppress(EdgeError):
        await edge.send_text(
            incoming.chat_id,
            tr._(
                "Maaf, terjadi gangguan saat memproses pesan Bapak/Ibu. Isian sebelumnya tetap "
                "tersimpan. Silakan coba beberapa saat lagi, atau ketik /bantuan."
            ),
        )


async def ask_to_wait(edge: Edge, incoming: Incoming) -> None:
    """Someone sends faster than we can answer: say so once; every message is still answered."""
    if not incoming.private:
        return
    tr = Translator(normalise_locale(incoming.language_code))
    await edge.send_text(
        incoming.chat_id,
        tr._("Mohon tunggu sebentar… Semua pesan Bapak/Ibu akan dijawab berurutan."),
    )
