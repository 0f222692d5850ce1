"""The operator's later chores, run as an operator would: who holds what, taking it back,
renaming and retiring areas, invites, data requests, and one language for all of it."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.config import SettingsError, load_settings
from bot.domain import privacy
from bot.domain.actors import SYSTEM
from bot.domain.clock import SystemClock
from storage.db import Database
from storage.models import AuditLog, Invite, Person, RoleGrant
from tests.test_cli import RECENT, ok_json, operator_env, paket, query, refused, seed

__all__ = ["operator_env"]  # the autouse fixture, shared with test_cli


def _two_sukamaju() -> None:
    """Two kotas, each with its own "BKM Sukamaju": names are unique per kota only."""
    seed()
    ok_json("kota", "add", "--name", "Jayapura", "--province", "Papua")
    ok_json(
        "bkm", "add", "--name", "BKM Sukamaju", "--kelurahan", "Sukamaju", "--kota", "Jayapura",
        "--level", "berdaya", "--assessed", RECENT,
    )  # fmt: skip


# --- BKM names per kota, levels --------------------------------------------------------------


def test_the_same_bkm_name_in_two_kotas_and_lookups_that_take_kota() -> None:
    _two_sukamaju()
    assert (
        refused("bkm", "add", "--name", "bkm  sukamaju", "--kelurahan", "Lain", "--kota", "Bandung")
        == "Kesalahan: bkm sukamaju sudah terdaftar di Bandung."
    )
    level = ["--level", "mandiri", "--assessed", RECENT]
    assert refused("bkm", "level", "BKM Sukamaju", *level) == (
        "Kesalahan: Ada 2 BKM bernama BKM Sukamaju (di Bandung, Jayapura): mohon sebutkan "
        "kotanya dengan --kota."
    )
    made = ok_json("bkm", "level", "BKM Sukamaju", "--kota", "Jayapura", *level)["bkm"]
    assert (made["kota"], made["level"]) == ("Jayapura", "mandiri")
    grant = ok_json("user", "grant", "7", "--role", "anggota", "--bkm", "BKM Sukamaju",
                    "--kota", "Jayapura")["grant"]  # fmt: skip
    assert (grant["bkm"], grant["kota"]) == ("BKM Sukamaju", "Jayapura")
    assert "mohon sebutkan kotanya" in refused(
        "invite", "--role", "anggota", "--bkm", "BKM Sukamaju"
    )


def test_an_older_assessment_needs_force() -> None:
    seed()
    older = (date.today() - timedelta(days=90)).isoformat()
    line = refused("bkm", "level", "BKM Sukamaju", "--level", "awal", "--assessed", older)
    assert f"lebih baru ({RECENT}) daripada {older}" in line and "--force" in line
    assert ok_json("bkm", "list")["bkm"][0]["level"] == "berdaya"  # nothing changed
    forced = ok_json(
        "bkm", "level", "BKM Sukamaju", "--level", "awal", "--assessed", older, "--force"
    )["bkm"]
    assert (forced["level"], forced["assessed_on"]) == ("awal", older)


# --- people ----------------------------------------------------------------------------------


def test_user_list_filters_by_role_kota_and_bkm() -> None:
    _two_sukamaju()
    ok_json("user", "grant", "11", "--role", "koordinator", "--bkm", "BKM Sukamaju", "--kota",
            "Bandung")  # fmt: skip
    ok_json("user", "grant", "12", "--role", "anggota", "--bkm", "BKM Sukamaju", "--kota",
            "Jayapura")  # fmt: skip
    ok_json("user", "grant", "13", "--role", "fasilitator", "--kota", "Bandung")
    ok_json("user", "grant", "11", "--role", "panitia", "--kota", "Bandung")

    def ids(*args: str) -> list[int]:
        return [p["telegram_id"] for p in ok_json("user", "list", *args)["people"]]

    assert sorted(ids()) == [11, 12, 13]
    assert ids("--role", "fasilitator") == [13]
    assert sorted(ids("--kota", "Bandung")) == [11, 13]
    assert ids("--kota", "Jayapura") == [12]
    assert ids("--bkm", "BKM Sukamaju", "--kota", "Bandung") == [11]
    one = ok_json("user", "list", "--role", "koordinator")["people"][0]
    assert one["roles"] == [
        {"role": "koordinator", "kota": "Bandung", "bkm": "BKM Sukamaju", "mitra": None}
    ]  # only the roles that match the filter
    text = paket("user", "list", "--role", "fasilitator").stdout.strip()
    assert text == "(belum memperkenalkan diri) (Telegram 13): fasilitator (Bandung) " \
        "[belum selesai mendaftar]"  # fmt: skip
    assert paket("user", "list", "--role", "admin").stdout.strip() == "Tidak ada orang yang cocok."


def test_user_revoke(operator_env: str) -> None:
    seed()
    ok_json("kota", "add", "--name", "Makassar", "--timezone", "WITA")
    ok_json("user", "grant", "21", "--role", "fasilitator", "--kota", "Bandung")
    ok_json("user", "grant", "21", "--role", "fasilitator", "--kota", "Makassar")
    assert "di 2 tempat" in refused("user", "revoke", "21", "--role", "fasilitator")
    out = paket("user", "revoke", "21", "--role", "fasilitator", "--kota", "Makassar")
    assert out.stdout == ("Peran fasilitator (Makassar) dicabut dari pengguna Telegram 21.\n"), (
        out.output
    )
    assert [(g.role, g.kota_id) for g in query(operator_env, RoleGrant)] == [("fasilitator", 1)]
    assert "tidak memegang peran koordinator" in refused(
        "user", "revoke", "21", "--role", "koordinator"
    )
    assert "belum terdaftar" in refused("user", "revoke", "99", "--role", "warga")
    assert ok_json("user", "revoke", "21", "--role", "fasilitator")["revoked"]["kota"] == "Bandung"
    assert query(operator_env, RoleGrant) == []
    actions = [a.action for a in query(operator_env, AuditLog)]
    assert actions.count("role.revoke") == 2


# --- invites ---------------------------------------------------------------------------------


def test_invite_list_and_revoke(operator_env: str) -> None:
    seed()
    first = ok_json("invite", "--role", "anggota", "--bkm", "BKM Sukamaju", "--uses", "3")
    token = first["invite"]["token"]
    assert first["invite"]["valid_until"].endswith(" WIB")
    other = ok_json("invite", "--role", "fasilitator", "--kota", "Bandung")["invite"]["token"]
    listed = ok_json("invite", "list")["invites"]
    assert [i["token"] for i in listed] == [other, token]  # newest first
    line = paket("invite", "list").stdout.splitlines()[1]
    assert line.startswith(f"{token}: anggota (BKM Sukamaju), terpakai 0/3, sampai ")
    assert line.endswith("WIB; masih berlaku")

    out = paket("invite", "revoke", token)
    assert out.stdout == f"Undangan {token} dibatalkan; tautannya tidak berlaku lagi.\n"
    assert [i["token"] for i in ok_json("invite", "list")["invites"]] == [other]
    everything = ok_json("invite", "list", "--all")["invites"]
    assert {i["token"]: i["state"] for i in everything} == {other: "open", token: "revoked"}
    assert "sudah dibatalkan sebelumnya" in refused("invite", "revoke", token)
    assert "tidak ditemukan" in refused("invite", "revoke", "no-such-token")
    (row,) = [i for i in query(operator_env, Invite) if i.token == token]
    assert row.revoked_at is not None


def test_a_revoked_invite_no_longer_registers_anyone(operator_env: str) -> None:
    from bot.domain import people

    seed()
    token = ok_json("invite", "--role", "anggota", "--bkm", "BKM Sukamaju")["invite"]["token"]
    ok_json("invite", "revoke", token)

    async def redeem() -> str:
        db = Database(operator_env)
        try:
            async with db.transaction() as s:
                await people.register_with_invite(
                    s, SystemClock(), telegram_id=31, name="Siti", language_code="id",
                    token=token, notice_version="v1",
                )  # fmt: skip
        except Exception as exc:  # the refusal, as the chat would show it
            return getattr(exc, "message", str(exc))
        finally:
            await db.dispose()
        return "registered"

    assert "sudah dibatalkan" in asyncio.run(redeem())
    assert query(operator_env, Person) == []


# --- renaming and retiring -------------------------------------------------------------------


def test_rename_kota_bkm_and_mitra_keeps_their_ids() -> None:
    seed()
    kota_id = ok_json("kota", "list")["kota"][0]["id"]
    renamed = ok_json("kota", "rename", "Bandung", "--to", "Bandoeng")["kota"]
    assert (renamed["id"], renamed["name"]) == (kota_id, "Bandoeng")
    bkm = ok_json("bkm", "rename", "BKM Sukamaju", "--to", "BKM Sukamaju Baru")["bkm"]
    assert (bkm["name"], bkm["kota"]) == ("BKM Sukamaju Baru", "Bandoeng")
    mitra = ok_json("mitra", "rename", "Dinas PUPR Kota Bandung", "--to", "Dinas PU Bandoeng")
    assert mitra["mitra"]["name"] == "Dinas PU Bandoeng"
    ok_json("kota", "add", "--name", "Bogor", "--province", "Jawa Barat")
    assert refused("kota", "rename", "Bogor", "--to", "bandoeng") == (
        "Kesalahan: Nama bandoeng sudah dipakai."
    )
    assert "Kota Bandung tidak ditemukan" in refused("kota", "rename", "Bandung", "--to", "X")


def test_retiring_keeps_history_and_refuses_new_use(operator_env: str) -> None:
    seed()
    ok_json("user", "grant", "41", "--role", "koordinator", "--bkm", "BKM Sukamaju")
    retired = ok_json("bkm", "retire", "BKM Sukamaju")["bkm"]
    assert retired["retired_at"] and retired["ineligible_reason"] == "retired"
    # Still listed (history), marked; refused for anything new.
    listed = paket("bkm", "list").stdout
    assert "BKM Sukamaju" in listed and "belum memenuhi syarat: sudah dipensiunkan" in listed
    assert refused("invite", "--role", "anggota", "--bkm", "BKM Sukamaju") == (
        "Kesalahan: BKM Sukamaju sudah tidak aktif (dipensiunkan)."
    )
    assert "sudah tidak aktif" in refused(
        "user", "grant", "42", "--role", "anggota", "--bkm", "BKM Sukamaju"
    )
    assert "sudah dipensiunkan sebelumnya" in refused("bkm", "retire", "BKM Sukamaju")
    assert len(query(operator_env, RoleGrant)) == 1  # the old grant stays

    ok_json("mitra", "retire", "Dinas PUPR Kota Bandung")
    assert paket("mitra", "list").stdout.strip().endswith("[dipensiunkan]")
    ok_json("kota", "retire", "Bandung")
    assert "sudah tidak aktif" in refused(
        "mitra", "add", "--name", "LSM", "--kind", "kelompok_peduli", "--kota", "Bandung"
    )
    assert "sudah tidak aktif" in refused(
        "bkm", "add", "--name", "BKM Baru", "--kelurahan", "Baru", "--kota", "Bandung"
    )
    assert "[dipensiunkan]" in paket("kota", "list").stdout


async def test_retired_ones_are_hidden_from_pickers_and_proposals(db, clock) -> None:
    from bot.domain import area_changes, areas
    from bot.domain.proposals.eligible import NotEligible, ensure_eligible

    async with db.transaction() as s:
        await areas.add_kota(s, clock, SYSTEM, name="Bandung", province="Jawa Barat")
        bkm = await areas.add_bkm(s, clock, SYSTEM, name="BKM A", kota="Bandung", kelurahan="A",
                                  level="berdaya", assessed_on=clock.now().date())  # fmt: skip
        await areas.add_mitra(s, clock, SYSTEM, name="Dinas", kind="dinas", kota="Bandung")
        await ensure_eligible(s, clock, bkm)
        await area_changes.retire(s, clock, SYSTEM, bkm)
        await area_changes.retire(s, clock, SYSTEM, await areas.find_mitra(s, "Dinas"))
        assert await areas.list_bkm(s) == [] and await areas.list_mitra(s) == []
        assert [b.name for b in await areas.list_bkm(s, retired=True)] == ["BKM A"]
        with pytest.raises(NotEligible) as refusal:
            await ensure_eligible(s, clock, bkm)
        assert "sudah tidak aktif di PAKET" in refusal.value.message


# --- data requests ---------------------------------------------------------------------------


def test_privacy_requests_shows_none_pending_and_what_was_done(operator_env: str) -> None:
    seed()
    out = paket("privacy", "requests").stdout
    assert out.startswith("Permintaan yang menunggu: tidak ada.")
    assert "3×24 jam" in out and "Tidak ada permintaan dalam 30 hari terakhir." in out

    ok_json("user", "grant", "51", "--role", "warga")

    async def withdraw() -> None:
        db = Database(operator_env)
        try:
            async with db.transaction() as s:
                from bot.domain.actors import person_by_telegram

                person = await person_by_telegram(s, 51)
                assert person is not None
                await privacy.withdraw(s, SystemClock(), SYSTEM, person)
        finally:
            await db.dispose()

    asyncio.run(withdraw())
    data = ok_json("privacy", "requests")
    assert data["pending"] == [] and data["answer_within_hours"] == 72
    (handled,) = data["handled"]
    assert handled["kind"] == "withdraw" and handled["identity_kept_until"]
    assert "persetujuan ditarik" in paket("privacy", "requests").stdout


# --- one language ----------------------------------------------------------------------------


def test_the_operator_reads_one_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """DEFAULT_LOCALE=en: the CLI's own lines and the domain's refusals alike, from the catalogs
    (lines whose English is not in the catalog yet fall back to Indonesian, never a mix per line)."""
    seed()
    monkeypatch.setenv("DEFAULT_LOCALE", "en")
    assert refused("bkm", "list", "--kota", "Bogor") == "Error: City Bogor was not found."
    monkeypatch.setenv("DEFAULT_LOCALE", "id")
    assert refused("bkm", "list", "--kota", "Bogor") == "Kesalahan: Kota Bogor tidak ditemukan."


@pytest.mark.parametrize(
    ("value", "zone"),
    [("WIB", "Asia/Jakarta"), ("Asia/Makassar", "Asia/Makassar"), ("wit", "Asia/Jayapura")],
)
def test_default_timezone_is_one_of_indonesias_three(value: str, zone: str) -> None:
    assert load_settings(default_timezone=value, _env_file=None).default_timezone == zone


@pytest.mark.parametrize("value", ["Europe/Berlin", "Asia/Singapore", "UTC", "Asia/Nowhere"])
def test_default_timezone_outside_indonesia_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match=r"DEFAULT_TIMEZONE .* WIB .* WITA .* WIT"):
        load_settings(default_timezone=value, _env_file=None)
