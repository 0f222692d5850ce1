"""The bot's identity and settings, chat info, callback answers, chat actions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.simulator.errors import bad_request
from bot.simulator.html_check import utf16_len
from bot.simulator.params import Params
from bot.simulator.registry import method

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_OLD_QUERY = "query is too old and response timeout expired or query ID is invalid"
_NO_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


@method("getMe")
async def get_me(sim: Simulator, p: Params) -> dict[str, Any]:
    """The bot's own User object."""
    return {
        **sim.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": not sim.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("answerCallbackQuery")
async def answer_callback_query(sim: Simulator, p: Params) -> bool:
    """Answer a button press once, in time, with at most 200 characters."""
    query_id = p.string("callback_query_id")
    if not query_id:
        raise bad_request('parameter "callback_query_id" is required')
    text = p.string("text") or ""
    if utf16_len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query = sim.queries.get(query_id)
    if query is None or query.answered or sim.now() - query.created > sim.callback_timeout:
        raise bad_request(_OLD_QUERY)
    query.answered = True
    sim.touch(query.chat_id)
    user = sim.find_user(query.user_id)
    if user is not None:
        user.callback_answers.append(
            {
                "text": p.string("text"),
                "show_alert": p.flag("show_alert"),
                "url": p.string("url"),
                "cache_time": p.integer("cache_time"),
                "data": query.data,
                "message_id": query.message_id,
            }
        )
    return True


@method("sendChatAction")
async def send_chat_action(sim: Simulator, p: Params) -> bool:
    """'typing…' and friends; recorded per chat."""
    chat = sim.chat_for_bot(p.chat_id())
    action = p.string("action") or ""
    if action not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    return True


@method("getChat")
async def get_chat(sim: Simulator, p: Params) -> dict[str, Any]:
    """ChatFullInfo with the fields PTB requires."""
    chat = sim.chat_for_bot(p.chat_id())
    return {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": _NO_GIFTS,
    }


@method("getChatMember")
async def get_chat_member(sim: Simulator, p: Params) -> dict[str, Any]:
    """Members are whoever the simulator knows; the bot is an administrator of groups."""
    chat = sim.chat_for_bot(p.chat_id())
    user_id = p.require_int("user_id")
    if user_id == sim.bot.id:
        status = "member" if chat.type == "private" else "administrator"
        return {"status": status, "user": sim.bot.to_json()}
    user = sim.find_user(user_id)
    if user is None:
        raise bad_request("user not found")
    left = chat.type == "private" and chat.id != user_id
    return {"status": "left" if left else "member", "user": user.info.to_json()}


def _commands_key(p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {}
    kind = scope.get("type", "default") if isinstance(scope, dict) else "default"
    if isinstance(scope, dict) and "chat_id" in scope:  # chat scopes are per chat: "chat:42"
        kind = f"{kind}:{scope['chat_id']}"
    return kind, p.string("language_code") or ""


@method("setMyCommands")
async def set_my_commands(sim: Simulator, p: Params) -> bool:
    """Store the command list for (scope type, language)."""
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    clean = []
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        description = str(command.get("description", "")) if isinstance(command, dict) else ""
        if not _COMMAND.fullmatch(name.lstrip("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name.lstrip("/"), "description": description})
    sim.commands[_commands_key(p)] = clean
    return True


@method("getMyCommands")
async def get_my_commands(sim: Simulator, p: Params) -> list[dict[str, str]]:
    """The list stored for exactly this scope and language."""
    return sim.commands.get(_commands_key(p), [])


@method("deleteMyCommands")
async def delete_my_commands(sim: Simulator, p: Params) -> bool:
    """Forget the list for this scope and language."""
    sim.commands.pop(_commands_key(p), None)
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(sim: Simulator, p: Params) -> bool:
    """Store the menu button for a chat (or the default one)."""
    button = p.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
        raise bad_request("can't parse menu button JSON object")
    chat_id = p.get("chat_id")
    if chat_id is not None:
        chat_id = sim.chat_for_bot(chat_id).id
    sim.menu_buttons[chat_id] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(sim: Simulator, p: Params) -> dict[str, Any]:
    """The stored menu button; "commands" when none was set."""
    chat_id = p.get("chat_id")
    return sim.menu_buttons.get(chat_id) or sim.menu_buttons.get(None) or {"type": "commands"}


def _register_bot_text(field: str, limit: int, suffix: str) -> None:
    """setMy<suffix> / getMy<suffix>: the bot's description, short description or name."""

    @method(f"setMy{suffix}")
    async def set_text(sim: Simulator, p: Params) -> bool:
        value = p.string(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        sim.bot_texts[(field, p.string("language_code") or "")] = value
        return True

    @method(f"getMy{suffix}")
    async def get_text(sim: Simulator, p: Params) -> dict[str, str]:
        value = sim.bot_texts.get((field, p.string("language_code") or ""), "")
        if field == "name" and not value:
            value = sim.bot.first_name
        return {field: value}


_register_bot_text("description", 512, "Description")
_register_bot_text("short_description", 120, "ShortDescription")
_register_bot_text("name", 64, "Name")
