"""Bot API errors as the fake server reports them (same codes and wording as Telegram)."""

from __future__ import annotations

from typing import Any


class TelegramError(Exception):
    """An error answer of the Bot API: HTTP status == error_code, plus a description."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> TelegramError:
    """400 with Telegram's "Bad Request: " prefix."""
    return TelegramError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> TelegramError:
    """403 with Telegram's "Forbidden: " prefix."""
    return TelegramError(403, f"Forbidden: {reason}")


def conflict(reason: str) -> TelegramError:
    """409 with Telegram's "Conflict: " prefix."""
    return TelegramError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> TelegramError:
    """429 carrying parameters.retry_after in whole seconds."""
    return TelegramError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


UNAUTHORIZED = (401, "Unauthorized")
NOT_FOUND = (404, "Not Found")
