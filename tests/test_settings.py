"""Settings: a bad value stops start-up with one line naming it; the token never leaks."""

from __future__ import annotations

import logging

import pytest

from bot.config import SettingsError, load_settings


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("telegram_bot_token", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("telegram_api_server", "ftp://x", "TELEGRAM_API_SERVER"),
        ("database_url", "mysql://x", "DATABASE_URL"),
        ("default_locale", "fr", "DEFAULT_LOCALE"),
        ("default_timezone", "Asia/Nowhere", "DEFAULT_TIMEZONE"),
        ("webhook_port", "99999", "WEBHOOK_PORT"),
        ("event_loop", "trio", "EVENT_LOOP"),
    ],
)
def test_malformed_setting_is_named_in_one_line(monkeypatch, field, value, named):
    monkeypatch.setenv(field.upper(), value)
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    message = str(info.value)
    assert named in message and "\n" not in message


def test_webhook_without_secret_is_refused(monkeypatch):
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(_env_file=None)


def test_defaults_and_token_is_not_printed(monkeypatch, caplog):
    token = "123456789:SECRET-abcdefghij"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    settings = load_settings(_env_file=None)
    assert settings.token == token
    assert settings.telegram_api_server == "https://api.telegram.org"
    assert settings.database_url.startswith("sqlite:///") and settings.default_locale == "id"
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %s", settings)
    assert token not in caplog.text and token not in repr(settings)
