"""Method parameters from any encoding the Bot API accepts, normalised to Python values."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.simulator.errors import bad_request

# In query strings and forms every value is a string; Telegram decodes by field type.
_INT_FIELDS = frozenset(
    {
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "max_connections",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
        "from_chat_id",
        "duration",
    }
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "allow_paid_broadcast",
        "show_caption_above_media",
    }
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "menu_button",
        "media",
        "results",
        "message_ids",
    }
)


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    """Decoded parameters of one call, plus uploaded file parts by field name."""

    values: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """Value or default."""
        value = self.values.get(name)
        return default if value is None else value

    def string(self, name: str, default: str | None = None) -> str | None:
        """String value (numbers are accepted, as Telegram does)."""
        value = self.values.get(name)
        return default if value is None else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        """Integer value."""
        value = self.values.get(name)
        return default if value is None else _to_int(name, value)

    def require_int(self, name: str) -> int:
        """Integer value that must be present."""
        value = self.integer(name)
        if value is None:
            raise bad_request(f'parameter "{name}" is required')
        return value

    def flag(self, name: str) -> bool:
        """Boolean value; absent means False."""
        return bool(self.values.get(name))

    def chat_id(self) -> int | str:
        """chat_id as int, or '@username' string."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        return value  # type: ignore[no-any-return]

    def file_ref(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (direct or attach://) or a file_id/URL string."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.uploads.get(value[len("attach://") :])
        return value if isinstance(value, str) else None


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise bad_request(f'field "{name}" must be of type Integer') from None


def normalise(name: str, value: Any) -> Any:
    """Decode one field the way the Bot API does for its declared type."""
    if name == "chat_id":
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return value
    if not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value) if value else None
        except ValueError:
            if name == "reply_markup":
                raise bad_request("can't parse reply keyboard markup JSON object") from None
            raise bad_request(f"can't parse {name} JSON object") from None
    if name in _INT_FIELDS:
        return _to_int(name, value)
    if name in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            raise bad_request(f'field "{name}" must be of type Number') from None
    if name in _BOOL_FIELDS:
        return value.lower() in ("true", "1", "yes")
    return value


async def read_params(request: web.Request) -> Params:
    """Collect parameters from the query string and a form, multipart or JSON body."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    ctype = request.content_type
    if request.can_read_body:
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request") from None
            if isinstance(body, dict):
                raw.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    uploads[key] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    raw[key] = value
    values = {k: normalise(k, v) for k, v in raw.items()}
    return Params(values, uploads)
