"""`paket-bot report`: each format written, narrowed to a kota, empty and impossible periods."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import struct
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot import cli
from bot.domain.clock import FrozenClock
from storage.db import Database
from tests.domain import factories as f
from tests.domain import report_seed

runner = CliRunner()
MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")


@pytest.fixture(autouse=True)
def seeded(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    """The report seed (tests/domain/report_seed.py) in March 2026; DATABASE_URL points at it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)

    async def seed() -> None:
        db = Database(database_url)
        try:
            world = await f.seed(db, FrozenClock(datetime(2026, 3, 2, tzinfo=UTC)))
            p = world.people
            ids = report_seed.Ids(
                kota=world.kota, other_kota=world.kota_mks, bkm=world.bkm,
                bkm_awal=world.bkm_awal, bkm_other_kota=world.bkm_mks, dinas=world.dinas,
                peduli=world.peduli, fasilitator=p["fasilitator"],
                other_fasilitator=p["fasilitator_jpr"],
                invitees=(p["koordinator"], p["anggota"], p["warga"]),
            )  # fmt: skip
            await report_seed.seed(db, ids, datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Jakarta")))
        finally:
            await db.dispose()

    asyncio.run(seed())


def _report(*args: str) -> dict:
    result = runner.invoke(cli.app, ["report", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_xlsx_for_one_kota(tmp_path: Path) -> None:
    out = tmp_path / "bandung.xlsx"
    got = _report("--kota", "Bandung", *MARCH, "--format", "xlsx", "--out", str(out))
    assert got["ok"] and got["proposals"] == 4 and got["written"] == str(out)
    book = load_workbook(out)
    rows = list(book["Usulan"].iter_rows(values_only=True))
    assert len(rows) == 5 and {r[rows[0].index("Kota/Kabupaten")] for r in rows[1:]} == {"Bandung"}
    assert book["Ringkasan"]["A1"].value == "RAHASIA"
    # What people typed is text: no formula runs, no link is made of it.
    header, *body = rows
    juduls = [r[header.index("Judul")] for r in body]
    assert report_seed.FORMULA_JUDUL in juduls
    cell = next(c for c in book["Usulan"]["B"] if c.value == report_seed.FORMULA_JUDUL)
    assert cell.data_type == "s" and cell.hyperlink is None
    assert report_seed.LINK_URAIAN in [r[header.index("Uraian")] for r in body]


def test_every_kota_as_json_and_the_default_file_name() -> None:
    got = _report(*MARCH, "--format", "json")
    assert got["written"] == "RAHASIA-laporan-20260301-20260331.json"
    data = json.loads(Path(got["written"]).read_text(encoding="utf-8"))
    assert data["confidential"] == "RAHASIA"
    assert data["figures"]["proposals"] == 5  # Jayapura's too
    assert data["figures"]["median_days"] == 10
    assert len(data["tables"]["usulan"]) == 5
    assert not {"phone", "nik", "name"} & set(data["tables"]["usulan"][0])


def test_csv_and_png(tmp_path: Path) -> None:
    _report("--kota", "Bandung", *MARCH, "--format", "csv", "--out", str(tmp_path / "r.csv"))
    text = (tmp_path / "r.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Kode", "Judul", "Status"] and len(rows) == 5
    # A spreadsheet program opening the file must not run what someone typed as a formula.
    assert "'" + report_seed.FORMULA_JUDUL in [r[1] for r in rows]
    assert report_seed.FORMULA_JUDUL not in [r[1] for r in rows]
    _report("--kota", "Bandung", *MARCH, "--format", "png", "--out", str(tmp_path / "r.png"))
    png = (tmp_path / "r.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1080, 1350)


def test_empty_and_impossible_periods() -> None:
    got = _report("--from", "2020-01-01", "--to", "2020-01-31")
    assert got["empty"] is True and got["written"] is None
    result = runner.invoke(cli.app, ["report", "--from", "2026-03-31", "--to", "2026-03-01"])
    assert result.exit_code == 1 and "lebih awal" in result.output
    result = runner.invoke(cli.app, ["report", *MARCH, "--format", "doc"])
    assert result.exit_code == 1 and "xlsx, csv, json, png" in result.output
