"""Sending messages: the checks every send method shares, then sendMessage and sendLocation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.simulator.errors import bad_request, too_many_requests
from bot.simulator.limits import LIMITED_METHODS
from bot.simulator.markup import Markup, parse_reply_markup
from bot.simulator.models import SimMessage
from bot.simulator.params import Params
from bot.simulator.registry import method
from bot.simulator.state import Chat
from bot.simulator.text_format import check_caption, check_message_text, format_text

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator


def formatted(sim: Simulator, p: Params, field: str, entities_field: str) -> tuple[str, list[Any]]:
    """Plain text and entities of a text/caption parameter, parsed per parse_mode."""
    text = p.string(field) or ""
    entities = p.get(entities_field)
    return format_text(text, p.string("parse_mode"), entities, strict=sim.strict_html)


def caption_fields(sim: Simulator, p: Params) -> tuple[dict[str, Any], str]:
    """Caption fields for a media message, checked; returns (content, caption as sent)."""
    plain, entities = formatted(sim, p, "caption", "caption_entities")
    check_caption(plain)
    content: dict[str, Any] = {}
    if plain:
        content["caption"] = plain
        if entities:
            content["caption_entities"] = entities
    return content, p.string("caption") or ""


def _reply_target(chat: Chat, p: Params) -> dict[str, Any] | None:
    """The message being replied to, from reply_parameters or reply_to_message_id."""
    params = p.get("reply_parameters") or {}
    message_id = params.get("message_id") if isinstance(params, dict) else None
    message_id = message_id or p.integer("reply_to_message_id")
    if not message_id:
        return None
    target = chat.messages.get(int(message_id))
    if target is None:
        lenient = p.flag("allow_sending_without_reply") or params.get("allow_sending_without_reply")
        if lenient:
            return None
        raise bad_request("message to be replied not found")
    return {k: v for k, v in target.items() if k != "reply_to_message"}


def open_send(sim: Simulator, name: str, p: Params) -> tuple[Chat, dict[str, Any] | None]:
    """Target chat, blocked check, reply target and flood control; returns (chat, replied)."""
    chat = sim.chat_for_bot(p.chat_id())
    reply_to = _reply_target(chat, p)
    if name in LIMITED_METHODS:
        retry_after = sim.limiter.acquire(chat.id, sim.now())
        if retry_after is not None:
            raise too_many_requests(retry_after)
    return chat, reply_to


def store_message(
    sim: Simulator,
    chat: Chat,
    reply_to: dict[str, Any] | None,
    content: dict[str, Any],
    message: SimMessage,
    markup: Markup | None,
) -> dict[str, Any]:
    """Give the message its id, keep it in the chat; returns its JSON."""
    if reply_to is not None:
        content["reply_to_message"] = reply_to
    if markup is not None and markup.inline_json():
        content["reply_markup"] = markup.inline_json()
    raw = chat.new_message(sim.bot.to_json(), content)
    message.message_id = raw["message_id"]
    message.chat_id = chat.id
    message.raw = raw
    if markup is not None:
        message.buttons = markup.sim_buttons()
        message.reply_keyboard = markup.keyboard
        message.remove_keyboard = markup.remove
        message.force_reply = markup.force_reply
        if markup.keyboard is not None:
            chat.reply_keyboard = markup.keyboard
            chat.one_time_keyboard = bool(markup.options.get("one_time_keyboard"))
        elif markup.remove:
            chat.reply_keyboard = None
    chat.bot_messages[message.message_id] = message
    chat.log.append(message)
    sim.touch(chat.id)
    return raw


@method("sendMessage")
async def send_message(sim: Simulator, p: Params) -> dict[str, Any]:
    """A text message."""
    p.chat_id()
    plain, entities = formatted(sim, p, "text", "entities")
    check_message_text(plain)
    markup = parse_reply_markup(p.get("reply_markup"))
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    message = SimMessage(
        0,
        0,
        text=plain,
        parse_mode=p.string("parse_mode"),
        entities=entities,
        html=p.string("text") or "",
    )
    chat, reply_to = open_send(sim, "sendMessage", p)
    return store_message(sim, chat, reply_to, content, message, markup)


@method("sendLocation")
async def send_location(sim: Simulator, p: Params) -> dict[str, Any]:
    """A map point."""
    p.chat_id()
    lat, lon = p.get("latitude"), p.get("longitude")
    if not isinstance(lat, float | int) or not -90 <= lat <= 90:
        raise bad_request("wrong latitude specified")
    if not isinstance(lon, float | int) or not -180 <= lon <= 180:
        raise bad_request("wrong longitude specified")
    markup = parse_reply_markup(p.get("reply_markup"))
    location = {"latitude": float(lat), "longitude": float(lon)}
    message = SimMessage(0, 0, location=location, kind="location")
    chat, reply_to = open_send(sim, "sendLocation", p)
    return store_message(sim, chat, reply_to, {"location": location}, message, markup)
