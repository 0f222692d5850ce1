"""Settings from the environment and `.env`, validated once in `main()`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.zones import parse_zone
from bot.i18n import SUPPORTED

DEFAULT_DATABASE_URL = "sqlite:///" + str(Path("data") / "paket.db")


class Settings(BaseSettings):
    """Every setting PAKET Bot reads. See `.env.example` for what each one means."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    # Which Telegram framework runs the bot: python-telegram-bot (default) or aiogram 3.
    bot_runtime: Literal["ptb", "aiogram"] = "ptb"
    # The bot process's event loop: uvloop (less CPU per update) or asyncio's own.
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    telegram_api_server: str = "https://api.telegram.org"
    # Used in invite links before the bot has asked Telegram for its own name (CLI, offline).
    telegram_bot_username: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL connections this process keeps open (one holds the sender's leadership lock).
    # Each update holds one only while it reads and writes, a few milliseconds, so a few serve
    # MAX_CONCURRENT_UPDATES people; each costs memory here and a server process there.
    database_pool_size: int = Field(default=10, ge=2, le=100)
    default_locale: str = "id"
    default_timezone: str = "Asia/Jakarta"
    # Webhook mode is on when WEBHOOK_URL is set; otherwise the bot long-polls.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    invite_valid_days: int = Field(default=14, ge=1, le=365)
    privacy_notice_version: str = "2026-11"
    log_level: str = "INFO"
    # Chat id (a group or a person) that hears about unexpected errors.
    operator_chat_id: int | None = None
    # Updates of different people handled at once (one person's always in order).
    max_concurrent_updates: int = Field(default=32, ge=1, le=1024)
    # Messages per second the bot sends in all (replies and everything unprompted share it);
    # Telegram allows about 30. Per chat about 1/s is kept for unprompted messages.
    send_rate: float = Field(default=25.0, gt=0, le=1000)
    # Before a meeting, reminders go out this long before it starts (h = hours, m = minutes).
    reminder_offsets: str = "24h,1h"
    # Nothing unprompted between these hours in the person's own zone ("21-6": 21.00-06.00).
    quiet_hours: str = "21-6"

    @field_validator("telegram_api_server", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or len(secret) < 5:
            raise ValueError("must look like 123456789:ABC... (from @BotFather)")
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED:
            raise ValueError(f"must be one of {', '.join(SUPPORTED)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        # Indonesia keeps three zones; anything else would date messages in a foreign clock.
        zone = parse_zone(value)
        if zone is None:
            raise ValueError(
                "must be one of Indonesia's zones: WIB (Asia/Jakarta), WITA (Asia/Makassar) "
                "or WIT (Asia/Jayapura)"
            )
        return zone

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("must be an sqlite:/// or postgresql:// URL")
        return value

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets(cls, value: str) -> str:
        parse_offsets(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        return self

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def parse_offsets(value: str) -> tuple[timedelta, ...]:
    """ "24h,1h,30m" → the offsets, longest first; ValueError names what is wrong."""
    offsets: list[timedelta] = []
    for part in (p.strip().lower() for p in value.split(",")):
        number, unit = part[:-1], part[-1:]
        if not number.isdecimal() or unit not in ("h", "m") or int(number) <= 0:
            raise ValueError("must list offsets like 24h,1h or 30m (hours or minutes)")
        offsets.append(
            timedelta(hours=int(number)) if unit == "h" else timedelta(minutes=int(number))
        )
    if not offsets or max(offsets) > timedelta(days=14):
        raise ValueError("must list offsets like 24h,1h (at most 14 days before)")
    return tuple(sorted(set(offsets), reverse=True))


def parse_quiet_hours(value: str) -> tuple[int, int] | None:
    """ "21-6" → (21, 6): quiet from 21.00 to 06.00; "off" → None."""
    if value.strip().lower() in ("off", "none", ""):
        return None
    start, sep, end = value.partition("-")
    if not (sep and start.strip().isdecimal() and end.strip().isdecimal()):
        raise ValueError('must look like 21-6 (quiet from 21.00 to 06.00) or "off"')
    hours = int(start), int(end)
    if not all(0 <= h <= 23 for h in hours) or hours[0] == hours[1]:
        raise ValueError("must be two different hours 0-23, like 21-6")
    return hours


class SettingsError(Exception):
    """A setting is missing or malformed: the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn pydantic's report into one clear line naming the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Setting {name} is invalid: {reason}") from None
