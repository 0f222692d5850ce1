"""reply_markup: validated like Telegram, normalised for storage and comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.simulator.errors import bad_request
from bot.simulator.models import SimButton

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_MAX_BUTTONS = 100
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://")


@dataclass
class Markup:
    """A parsed reply_markup."""

    inline: list[list[dict[str, Any]]] | None = None
    keyboard: list[list[dict[str, Any]]] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    remove: bool = False
    force_reply: bool = False

    def inline_json(self) -> dict[str, Any] | None:
        """What Telegram echoes in Message.reply_markup (only inline keyboards)."""
        return {"inline_keyboard": self.inline} if self.inline else None

    def sim_buttons(self) -> list[list[SimButton]]:
        """Inline keyboard as SimButtons."""
        return [
            [SimButton(b["text"], b.get("callback_data"), b.get("url"), b) for b in row]
            for row in self.inline or []
        ]


def parse_reply_markup(value: Any) -> Markup | None:
    """Validate a decoded reply_markup; None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return Markup(inline=_inline_rows(value["inline_keyboard"]))
    if "keyboard" in value:
        options = {k: v for k, v in value.items() if k != "keyboard" and v is not None}
        return Markup(keyboard=_keyboard_rows(value["keyboard"]), options=options)
    if value.get("remove_keyboard"):
        return Markup(remove=True)
    if value.get("force_reply"):
        return Markup(force_reply=True, options=dict(value))
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(value: Any, field_name: str, kind: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{field_name}" of the {kind} must be an Array of Arrays')
    if sum(len(row) for row in value) > _MAX_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    return value


def _inline_rows(value: Any) -> list[list[dict[str, Any]]]:
    rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
    return [[_inline_button(b) for b in row] for row in rows if row]


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    clean = {k: v for k, v in button.items() if v is not None}
    actions = [k for k in _INLINE_ACTIONS if k in clean]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must have exactly one "
            "optional field"
        )
    if "callback_data" in clean:
        data = clean["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in clean:
        url = clean["url"]
        if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES) or " " in url:
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return clean


def _keyboard_rows(value: Any) -> list[list[dict[str, Any]]]:
    rows = _rows(value, "keyboard", "ReplyKeyboardMarkup")
    result = []
    for row in rows:
        buttons = []
        for button in row:
            clean = {"text": button} if isinstance(button, str) else button
            if not isinstance(clean, dict) or not isinstance(clean.get("text"), str):
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            if not clean["text"].strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            buttons.append({k: v for k, v in clean.items() if v is not None})
        if buttons:
            result.append(buttons)
    return result
