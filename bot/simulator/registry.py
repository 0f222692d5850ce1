"""The table of Bot API methods the fake server answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.simulator.params import Params

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

Handler = Callable[["Simulator", Params], Awaitable[Any]]


@dataclass
class Method:
    """A registered method: its canonical name and implementation."""

    name: str
    handler: Handler


@dataclass
class Described:
    """A result that Telegram sends with a description ("Webhook was set")."""

    result: Any
    description: str


# Telegram matches method names case-insensitively.
METHODS: dict[str, Method] = {}


def method(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more method names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = Method(name, handler)
        return handler

    return register
