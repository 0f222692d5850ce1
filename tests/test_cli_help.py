"""`paket-bot --help` speaks the operator's language (DEFAULT_LOCALE), like every other line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.i18n import Translator

runner = CliRunner()

ROOT_ID = "PAKET Bot: jalankan bot dan atur kota, BKM, mitra, peran, dan undangan."
KOTA_ADD_ID = "Daftarkan kota atau kabupaten beserta zona waktunya."
NAME_ID = "Nama kota, misalnya Bandung."
JSON_ID = "Cetak satu objek JSON, bukan teks."


@pytest.fixture(autouse=True)
def no_operator_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DEFAULT_LOCALE", "DEFAULT_TIMEZONE", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def help_of(*args: str) -> str:
    result = runner.invoke(cli.app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())  # Click wraps long lines


def test_help_is_indonesian_by_default() -> None:
    root = help_of()
    assert ROOT_ID in root
    assert "Basis data." in root and "Orang dan perannya." in root  # the groups' short help
    assert "run the bot" not in root
    kota_add = help_of("kota", "add")
    assert KOTA_ADD_ID in kota_add and NAME_ID in kota_add and JSON_ID in kota_add
    assert "--help Tampilkan bantuan ini lalu keluar." in kota_add
    assert "Register a kota" not in kota_add and "Name of the kota" not in kota_add


def test_every_command_group_and_option_has_help() -> None:
    """Each command, group and option says what it is for (and so is translated)."""
    import typer

    command = typer.main.get_command(cli.app)
    pending = [command]
    while pending:
        current = pending.pop()
        assert current.help, current.name
        for param in current.params:
            assert getattr(param, "help", None), (current.name, param.name)
        pending.extend(getattr(current, "commands", {}).values())


def test_help_follows_default_locale_en(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Translator("en")._(KOTA_ADD_ID) != KOTA_ADD_ID  # the catalog holds the help texts
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    root = help_of()
    assert "PAKET Bot: run the bot and set up kota, BKM, partners, roles and invites." in root
    assert ROOT_ID not in root
    kota_add = help_of("kota", "add")
    assert "Register a kota or kabupaten with its one time zone." in kota_add
    assert "Name of the kota, e.g. Bandung." in kota_add
    assert "Print one JSON object instead of text." in kota_add
    assert "--help Show this message and exit." in kota_add
    assert KOTA_ADD_ID not in kota_add


def test_the_console_entry_point_translates_help_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["kota", "add", "--help"])
    assert exit_.value.code == 0
    assert KOTA_ADD_ID in " ".join(capsys.readouterr().out.split())


def test_translating_twice_starts_from_the_msgid(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same tree shown in Indonesian, then English, then Indonesian again."""
    import typer

    from bot.cli.common import localise_help

    command = typer.main.get_command(cli.app)
    localise_help(command)
    assert command.help == ROOT_ID
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    localise_help(command)
    monkeypatch.setenv("DEFAULT_LOCALE", "id")
    localise_help(command)
    assert command.help == ROOT_ID
