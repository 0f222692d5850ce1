"""The operator CLI, run as an operator would, against a fresh migrated database per test."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner, Result

from bot import cli
from bot.config import Settings
from storage.db import Database
from storage.models import Invite, Person, RoleGrant

RECENT = (date.today() - timedelta(days=30)).isoformat()
runner = CliRunner()


@pytest.fixture(autouse=True)
def operator_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path
) -> Iterator[str]:
    """DATABASE_URL points at the test database; no stray .env or token leaks in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME", "WEBHOOK_URL", "INVITE_VALID_DAYS",
                 "DEFAULT_LOCALE", "DEFAULT_TIMEZONE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    yield database_url


def paket(*args: str) -> Result:
    return runner.invoke(cli.app, list(args))


def ok_json(*args: str) -> dict[str, Any]:
    result = paket(*args, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    return data


def refused(*args: str) -> str:
    """Run a command that must fail: exit 1, one clear line on stderr, no traceback."""
    result = paket(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("Kesalahan: ", "Error: ")), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def query(url: str, model: type) -> list[Any]:
    async def run() -> list[Any]:
        db = Database(url)
        try:
            async with db.transaction() as s:
                return list((await s.exec(select(model))).all())
        finally:
            await db.dispose()

    return asyncio.run(run())


def seed() -> None:
    ok_json("kota", "add", "--name", "Bandung", "--province", "Jawa Barat")
    ok_json(
        "bkm", "add", "--name", "BKM Sukamaju", "--kelurahan", "Sukamaju", "--kota", "Bandung",
        "--level", "berdaya", "--assessed", RECENT,
    )  # fmt: skip
    ok_json(
        "mitra", "add", "--name", "Dinas PUPR Kota Bandung", "--kind", "dinas", "--kota", "Bandung"
    )


# --- kota, bkm, mitra ------------------------------------------------------------------------


def test_kota_add_and_list() -> None:
    result = paket(
        "kota", "add", "--name", "Bandung", "--province", "Jawa Barat",
        "--timezone", "Asia/Jakarta", "--committee-label", "Pokja PAKET",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "Ditambahkan: Kota Bandung, Jawa Barat (WIB; Pokja PAKET).\n"
    made = ok_json("kota", "add", "--name", "Makassar", "--timezone", "Asia/Makassar")["kota"]
    assert made["timezone"] == "Asia/Makassar" and made["committee_label"] == "Panitia Kemitraan"
    listed = ok_json("kota", "list")["kota"]
    assert [(k["name"], k["committee_label"]) for k in listed] == [
        ("Bandung", "Pokja PAKET"),
        ("Makassar", "Panitia Kemitraan"),
    ]


def test_kota_refusals() -> None:
    assert "Zona waktu harus WIB (Asia/Jakarta), WITA (Asia/Makassar) atau WIT" in refused(
        "kota", "add", "--name", "Paris", "--timezone", "Europe/Paris"
    )
    ok_json("kota", "add", "--name", "Bandung", "--timezone", "WIB")
    assert (
        refused("kota", "add", "--name", "bandung", "--timezone", "WIB")
        == "Kesalahan: Kota bandung sudah terdaftar."
    )


@pytest.mark.parametrize(
    ("args", "zone"),
    [
        (["--timezone", "WIB"], "Asia/Jakarta"),
        (["--timezone", "wita"], "Asia/Makassar"),
        (["--timezone", "WIT"], "Asia/Jayapura"),
        (["--timezone", "asia/makassar"], "Asia/Makassar"),
        (["--province", "Papua"], "Asia/Jayapura"),
        (["--province", "Provinsi Sulawesi Selatan"], "Asia/Makassar"),
        (["--province", "Jawa Barat", "--timezone", "WIB"], "Asia/Jakarta"),
    ],
)
def test_kota_zone_from_abbreviation_name_or_province(args: list[str], zone: str) -> None:
    assert ok_json("kota", "add", "--name", "Kota Uji", *args)["kota"]["timezone"] == zone


def test_kota_zone_is_required_and_must_agree_with_the_province() -> None:
    # Jayapura once silently got WIB: now the zone comes from the operator or the province.
    assert "Mohon sebutkan zona waktunya" in refused("kota", "add", "--name", "Jayapura")
    assert "Mohon sebutkan zona waktunya" in refused(
        "kota", "add", "--name", "Atlantis", "--province", "Atlantis"
    )
    assert refused(
        "kota", "add", "--name", "Jayapura", "--province", "Papua", "--timezone", "WIB"
    ) == ("Kesalahan: Provinsi Papua berada di zona WIT, bukan WIB.")
    assert ok_json("kota", "list")["kota"] == []


def test_empty_lists_say_so() -> None:
    assert paket("kota", "list").stdout.strip() == "Belum ada kota yang terdaftar."
    assert ok_json("bkm", "list")["bkm"] == []


def test_bkm_add_level_and_list() -> None:
    ok_json("kota", "add", "--name", "Bandung", "--timezone", "WIB")
    bkm = ok_json(
        "bkm", "add", "--name", "BKM Sukamaju", "--kelurahan", "Sukamaju", "--kota", "Bandung",
        "--kecamatan", "Coblong", "--level", "berdaya", "--assessed", RECENT,
    )["bkm"]  # fmt: skip
    assert bkm["level"] == "berdaya" and bkm["assessed_on"] == RECENT and bkm["eligible"] is True
    assert (bkm["kota"], bkm["kecamatan"], bkm["kelurahan"]) == ("Bandung", "Coblong", "Sukamaju")

    old = (date.today() - timedelta(days=400)).isoformat()
    result = paket(
        "bkm", "level", "BKM Sukamaju", "--level", "mandiri", "--assessed", old, "--force"
    )
    assert result.exit_code == 0, result.output
    assert "mandiri" in result.stdout
    assert "belum memenuhi syarat: penilaiannya lebih dari 12 bulan" in result.stdout
    again = ok_json(
        "bkm", "level", "--bkm", "bkm sukamaju", "--level", "Madani", "--assessed", RECENT
    )
    assert again["bkm"]["level"] == "madani" and again["bkm"]["eligible"] is True

    ok_json("bkm", "add", "--name", "BKM Baru", "--kelurahan", "Lain", "--kota", "Bandung")
    listed = ok_json("bkm", "list", "--kota", "Bandung")["bkm"]
    assert [(b["name"], b["eligible"], b["ineligible_reason"]) for b in listed] == [
        ("BKM Baru", False, "unrated"),
        ("BKM Sukamaju", True, None),
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--level", "hebat"],
            "Tingkat BKM harus salah satu dari: awal, berdaya, mandiri, madani.",
        ),
        (["--assessed", "01/06/2026"], "--assessed harus tanggal bertulis YYYY-MM-DD"),
        (["--assessed", "20260601"], "--assessed harus tanggal bertulis YYYY-MM-DD"),
        # Written right, but no such day: said so, not "write it YYYY-MM-DD".
        (["--assessed", "2026-13-01"], "--assessed: tanggal 2026-13-01 tidak ada di kalender."),
        (["--assessed", "2026-02-30"], "--assessed: tanggal 2026-02-30 tidak ada di kalender."),
        (["--assessed", (date.today() + timedelta(days=9)).isoformat()], "masa depan"),
        (["--kota", "Jakarta"], "Kota Jakarta tidak ditemukan."),
    ],
)
def test_bkm_add_refusals(extra: list[str], message: str) -> None:
    ok_json("kota", "add", "--name", "Bandung", "--timezone", "WIB")
    args = ["bkm", "add", "--name", "BKM X", "--kelurahan", "X", "--kota", "Bandung", *extra]
    assert message in refused(*args)


def test_bkm_level_refusals() -> None:
    seed()
    level = ["--level", "mandiri", "--assessed", RECENT]
    assert "Mohon sebutkan BKM-nya" in refused("bkm", "level", *level)
    assert "sekali saja" in refused("bkm", "level", "BKM Sukamaju", "--bkm", "BKM Lain", *level)
    # The name as typed, once: not "BKM BKM Lain".
    assert refused("bkm", "level", "BKM Lain", *level) == "Kesalahan: BKM Lain tidak ditemukan."
    assert "YYYY-MM-DD" in refused(
        "bkm", "level", "BKM Sukamaju", "--level", "madani", "--assessed", "kemarin"
    )


def test_mitra_add_and_list() -> None:
    seed()
    ok_json("kota", "add", "--name", "Makassar", "--timezone", "Asia/Makassar")
    peduli = ok_json(
        "mitra",
        "add",
        "--name",
        "LSM Peduli Makassar",
        "--kind",
        "kelompok_peduli",
        "--kota",
        "Makassar",
    )["mitra"]
    assert peduli == {
        "id": peduli["id"],
        "name": "LSM Peduli Makassar",
        "kind": "kelompok_peduli",
        "kota": "Makassar",
        "retired_at": None,
    }
    assert [m["name"] for m in ok_json("mitra", "list")["mitra"]] == [
        "Dinas PUPR Kota Bandung",
        "LSM Peduli Makassar",
    ]
    assert [m["name"] for m in ok_json("mitra", "list", "--kota", "Makassar")["mitra"]] == [
        "LSM Peduli Makassar"
    ]
    text = paket("mitra", "list", "--kota", "Bandung").stdout
    assert text.strip() == "Dinas PUPR Kota Bandung (dinas, Bandung)"


def test_mitra_refusals() -> None:
    seed()
    assert "Jenis mitra harus salah satu dari: dinas, kelompok_peduli." in refused(
        "mitra", "add", "--name", "X", "--kind", "lsm", "--kota", "Bandung"
    )
    assert "Kota Bogor tidak ditemukan." in refused(
        "mitra", "add", "--name", "X", "--kind", "dinas", "--kota", "Bogor"
    )
    assert "Kota Bogor tidak ditemukan." in refused("mitra", "list", "--kota", "Bogor")


# --- people and invites ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [
        ("warga", [], {"kota": None, "bkm": None, "mitra": None}),
        ("anggota", ["--bkm", "BKM Sukamaju"], {"kota": "Bandung", "bkm": "BKM Sukamaju"}),
        ("koordinator", ["--bkm", "BKM Sukamaju"], {"kota": "Bandung", "bkm": "BKM Sukamaju"}),
        ("fasilitator", ["--kota", "Bandung"], {"kota": "Bandung", "bkm": None}),
        ("mitra", ["--mitra", "Dinas PUPR Kota Bandung"], {"mitra": "Dinas PUPR Kota Bandung"}),
        ("panitia", ["--kota", "Bandung"], {"kota": "Bandung", "bkm": None}),
        ("admin", [], {"kota": None, "bkm": None, "mitra": None}),
    ],
)
def test_user_grant_each_role(
    role: str, scope: list[str], expected: dict[str, Any], operator_env: str
) -> None:
    seed()
    grant = ok_json("user", "grant", "123456789", "--role", role, *scope)["grant"]
    assert grant["role"] == role and grant["telegram_id"] == 123456789
    assert expected.items() <= grant.items()
    rows = query(operator_env, RoleGrant)
    assert [r.role for r in rows] == [role]
    assert [p.telegram_id for p in query(operator_env, Person)] == [123456789]
    again = paket("user", "grant", "123456789", "--role", role, *scope)  # idempotent, and says so
    assert again.exit_code == 0
    assert again.stdout.startswith(f"Pengguna Telegram 123456789 sudah memegang peran {role}")
    assert "tidak ada yang diubah" in again.stdout
    assert len(query(operator_env, RoleGrant)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "anggota"], "Peran anggota memerlukan --bkm."),
        (["--role", "koordinator"], "Peran koordinator memerlukan --bkm."),
        (["--role", "fasilitator"], "Peran fasilitator memerlukan --kota."),
        (["--role", "mitra"], "Peran mitra memerlukan --mitra."),
        (["--role", "fasilitator", "--bkm", "BKM Sukamaju"], "Peran fasilitator memakai --kota"),
        (["--role", "koordinator", "--mitra", "Dinas PUPR Kota Bandung"], "memakai --bkm"),
        (["--role", "admin", "--kota", "Bandung"], "Peran admin tidak memakai pilihan wilayah"),
        (["--role", "bupati"], "--role harus salah satu dari: warga, anggota, koordinator"),
        (["--role", "anggota", "--bkm", "BKM Hilang"], "Kesalahan: BKM Hilang tidak ditemukan."),
    ],
)
def test_user_grant_refusals(args: list[str], message: str, operator_env: str) -> None:
    seed()
    assert message in refused("user", "grant", "123456789", *args)
    assert query(operator_env, RoleGrant) == [] and query(operator_env, Person) == []


def test_the_committee_secretary_right_goes_to_a_member_of_that_kota(operator_env: str) -> None:
    seed()
    secretary = ["user", "grant", "123456789", "--role", "sekretaris", "--kota", "Bandung"]
    assert "harus fasilitator atau anggota panitia Bandung" in refused(*secretary)
    assert "Peran panitia memakai --kota" in refused("user", "grant", "1", "--role", "panitia")
    ok_json("user", "grant", "123456789", "--role", "panitia", "--kota", "Bandung")
    made = ok_json(*secretary)["grant"]
    assert (made["role"], made["kota"]) == ("sekretaris", "Bandung")
    assert sorted(r.role for r in query(operator_env, RoleGrant)) == ["panitia", "sekretaris"]
    # A committee member can be invited; the secretary right is only granted.
    assert (
        ok_json("invite", "--role", "panitia", "--kota", "Bandung")["invite"]["role"] == "panitia"
    )
    assert "undang orangnya dulu dengan --role panitia" in refused(
        "invite", "--role", "sekretaris", "--kota", "Bandung"
    )


def test_invite_prints_token_and_deep_link(operator_env: str) -> None:
    seed()
    result = paket("invite", "--role", "koordinator", "--bkm", "BKM Sukamaju")
    assert result.exit_code == 0, result.output
    token = query(operator_env, Invite)[0].token
    assert result.stdout.strip().endswith(f": https://t.me/paket_bot?start={token}")
    assert f"Undangan {token} (koordinator (BKM Sukamaju), 1 kali pakai, " in result.stdout
    # Valid until a time in the kota's own zone, not a bare UTC date.
    assert "berlaku sampai " in result.stdout and " WIB)" in result.stdout

    made = ok_json(
        "invite", "--role", "anggota", "--bkm", "BKM Sukamaju", "--uses", "5", "--days", "3",
        "--bot-username", "@PaketBandungBot",
    )["invite"]  # fmt: skip
    assert made["link"] == f"https://t.me/PaketBandungBot?start={made['token']}"
    assert (made["role"], made["bkm"], made["kota"], made["max_uses"]) == (
        "anggota", "BKM Sukamaju", "Bandung", 5,
    )  # fmt: skip
    expires = date.fromisoformat(made["expires_at"][:10])
    assert timedelta(days=2) <= expires - date.today() <= timedelta(days=4)


def test_invite_bot_username_from_environment_or_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seed()
    Path(tmp_path / ".env").write_text("TELEGRAM_BOT_USERNAME=FromDotEnvBot\n")
    link = ok_json("invite", "--role", "fasilitator", "--kota", "Bandung")["invite"]["link"]
    assert link.startswith("https://t.me/FromDotEnvBot?start=")
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "FromEnvBot")
    link = ok_json("invite", "--role", "mitra", "--mitra", "Dinas PUPR Kota Bandung")["invite"][
        "link"
    ]
    assert link.startswith("https://t.me/FromEnvBot?start=")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "koordinator"], "Undangan untuk peran ini harus menyebut BKM-nya."),
        (["--role", "anggota", "--bkm", "BKM Sukamaju", "--uses", "0"], "harus 1 sampai 50"),
        (
            ["--role", "anggota", "--bkm", "BKM Sukamaju", "--days", "0"],
            "--days harus 1 sampai 365",
        ),
        (["--role", "anggota", "--bkm", "BKM Sukamaju", "--bot-username", "a b"], "--bot-username"),
        (["--role", "raja", "--bkm", "BKM Sukamaju"], "--role harus salah satu dari"),
        ([], "Mohon sebutkan --role untuk undangan baru"),
    ],
)
def test_invite_refusals(args: list[str], message: str, operator_env: str) -> None:
    seed()
    assert message in refused("invite", *args)
    assert query(operator_env, Invite) == []


# --- errors, settings, db, run ---------------------------------------------------------------


def test_json_errors_are_json() -> None:
    result = paket("bkm", "list", "--kota", "Atlantis", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"ok": False, "error": "Kota Atlantis tidak ditemukan."}


def test_bad_setting_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    line = refused("kota", "list")
    assert line == (
        "Kesalahan: Setting DATABASE_URL is invalid: must be an sqlite:/// or postgresql:// URL"
    )


def test_usage_mistakes_end_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["kota", "add", "--province", "Jawa Barat"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    # In the operator's language, Click's English included: one language per line.
    assert err == "Kesalahan: --name wajib diisi. Coba `paket-bot kota add --help`."
    with pytest.raises(SystemExit):
        cli.main(["bkm", "list", "--kotta", "Bandung"])
    assert capsys.readouterr().err.strip() == (
        "Kesalahan: Pilihan --kotta tidak dikenal (mungkin --kota). Coba `paket-bot bkm list --help`."
    )
    with pytest.raises(SystemExit):
        cli.main(["user", "grant", "abc", "--role", "warga"])
    assert capsys.readouterr().err.strip() == (
        "Kesalahan: Nilai untuk TELEGRAM_ID tidak sah. Coba `paket-bot user grant --help`."
    )
    with pytest.raises(SystemExit) as exit_:
        cli.main(["user", "grant", "abc", "--role", "warga", "--json"])
    assert exit_.value.code == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_main_runs_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["kota", "add", "--name", "Bandung", "--province", "Jawa Barat"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("Ditambahkan: Kota Bandung")


def test_db_upgrade_migrates_a_fresh_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'paket.db'}")
    data = ok_json("db", "upgrade")
    assert data["revision"] == data["head"] and data["revision"]
    assert "(terbaru)" in paket("db", "upgrade").stdout


def test_data_commands_migrate_a_fresh_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert (
        ok_json("kota", "add", "--name", "Bandung", "--timezone", "WIB")["kota"]["name"]
        == "Bandung"
    )


def _fake(monkeypatch: pytest.MonkeyPatch, module: str, function: str) -> list[Settings]:
    """Stand in for a blocking entry point, recording the settings it was given."""
    calls: list[Settings] = []
    fake = ModuleType(module)
    setattr(fake, function, lambda settings, **_options: calls.append(settings))
    monkeypatch.setitem(sys.modules, module, fake)
    return calls


def test_run_without_token_starts_the_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.db'}")
    demo_calls = _fake(monkeypatch, "bot.demo", "run_demo")
    bot_calls = _fake(monkeypatch, "bot.runtime.app", "run")
    result = paket("run")
    assert result.exit_code == 0, result.output
    assert "TELEGRAM_BOT_TOKEN belum diisi" in result.stdout
    assert len(demo_calls) == 1 and bot_calls == []
    assert ok_json("db", "upgrade")["revision"] == ok_json("db", "upgrade")["head"]


def test_run_with_token_starts_the_bot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJ")
    demo_calls = _fake(monkeypatch, "bot.demo", "run_demo")
    bot_calls = _fake(monkeypatch, "bot.runtime.app", "run")
    data = ok_json("run")
    assert data["mode"] == "polling"
    assert demo_calls == [] and [s.token for s in bot_calls] == ["123456:ABCDEFGHIJ"]


def test_run_reports_a_bad_token_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    assert refused("run").startswith("Kesalahan: Setting TELEGRAM_BOT_TOKEN is invalid")


def test_demo_command(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_calls = _fake(monkeypatch, "bot.demo", "run_demo")
    assert paket("demo").exit_code == 0 and len(demo_calls) == 1
