"""/laporan through the simulator: the summary, the chart as a photo, the spreadsheet as a
document, each holding only what the person may see; empty and impossible periods; refusal.

The data is written straight into the tables (tests/domain/report_seed.py, in this month).
"""

from __future__ import annotations

import io
import struct
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.domain import areas
from bot.domain.actors import person_by_telegram
from bot.simulator import SimUser
from storage.models import Person, Role
from tests.domain import report_seed
from tests.e2e.conftest import World, eventually, forge_press
from tests.e2e.test_proposal_status import register_mitra

WIB = ZoneInfo("Asia/Jakarta")


async def _person_id(world: World, user: SimUser) -> int:
    async with world.db.transaction() as s:
        person = await person_by_telegram(s, user.id)
        assert person is not None and person.id is not None
        return person.id


async def _seed_this_month(world: World, fasilitator: SimUser) -> None:
    async with world.db.transaction() as s:
        bandung, makassar = (
            await areas.find_kota(s, "Bandung"),
            await areas.find_kota(s, "Makassar"),
        )
        bkm, awal = (
            await areas.find_bkm(s, "BKM Sukamaju"),
            await areas.find_bkm(s, "BKM Cibeunying"),
        )
        losari = await areas.find_bkm(s, "BKM Losari")
        dinas = await areas.find_mitra(s, "Dinas PUPR Kota Bandung")
        peduli = await areas.find_mitra(s, "Yayasan Peduli Bandung")
        people = [Person(name=f"Warga {n}") for n in range(4)]
        s.add_all(people)
        await s.flush()
    ids = report_seed.Ids(
        kota=bandung.id, other_kota=makassar.id, bkm=bkm.id, bkm_awal=awal.id,
        bkm_other_kota=losari.id, dinas=dinas.id, peduli=peduli.id,
        fasilitator=await _person_id(world, fasilitator), other_fasilitator=people[3].id,
        invitees=(people[0].id, people[1].id, people[2].id),
    )  # type: ignore[arg-type]  # fmt: skip
    now = datetime.now(WIB)
    await report_seed.seed(
        world.db, ids, now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    )


async def _ask(user: SimUser, period: str = "Bulan ini") -> str:
    await user.send("/laporan")
    await user.press(await user.reply(), period)
    return (await user.reply()).plain


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


async def test_a_fasilitator_gets_the_summary_the_chart_and_the_spreadsheet(world: World) -> None:
    fasilitator = world.sim.user(7101, first_name="Fasil")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    await _seed_this_month(world, fasilitator)

    summary = await _ask(fasilitator)
    assert "Usulan: 4" in summary and "RAHASIA" in summary
    assert "BKM Sukamaju (Sukamaju) 3" in summary and "BKM Cibeunying (Cibeunying) 1" in summary
    assert "Diminta Rp48.000.000" in summary and "tersalurkan Rp6.000.000" in summary
    assert "Median 10 hari" in summary
    assert "3 dari 6 terkirim" in summary and "1 tidak terjangkau" in summary
    assert "BKM Losari" not in summary  # Makassar is not hers

    await fasilitator.press(None, "📊 Grafik")
    photo = await fasilitator.reply()
    assert photo.kind == "photo" and photo.photo is not None and "RAHASIA" in photo.caption
    stored = world.sim.files.get(photo.photo[-1]["file_id"])
    assert stored is not None and _png_size(stored.data) == (1080, 1350)

    await fasilitator.press(fasilitator.inbox[-2], "📥 Spreadsheet")
    sheet = await fasilitator.reply()
    assert sheet.document is not None and "RAHASIA" in sheet.caption
    assert sheet.document["file_name"].startswith("RAHASIA-laporan-")
    assert sheet.document["file_name"].endswith(".xlsx")
    stored = world.sim.files.get(sheet.document["file_id"])
    assert stored is not None
    book = load_workbook(io.BytesIO(stored.data))
    assert book.sheetnames == [
        "Ringkasan", "Usulan", "Sumber dana", "Jawaban mitra", "Riwayat status", "Rapat",
        "Pengumuman",
    ]  # fmt: skip
    rows = list(book["Usulan"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("Kode", "Judul", "Status") and len(body) == 4
    money = header.index("Anggaran total")
    assert sorted(r[money] for r in body) == [5_000_000, 8_000_000, 15_000_000, 20_000_000]
    assert book["Usulan"].cell(2, money + 1).number_format == '"Rp"#,##0'
    assert isinstance(body[0][header.index("Diajukan pada")], datetime)
    assert {r[header.index("Status")] for r in body} >= {"Disetujui", "Tidak disetujui"}
    assert len(list(book["Pengumuman"].iter_rows(values_only=True))) == 2


async def test_a_koordinators_report_holds_only_their_bkm(world: World) -> None:
    fasilitator = world.sim.user(7201, first_name="Fasil")
    koordinator = world.sim.user(7202, first_name="Koor")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await _seed_this_month(world, fasilitator)
    summary = await _ask(koordinator)
    assert "Usulan: 3" in summary and "BKM Cibeunying" not in summary
    await koordinator.press(None, "📥 Spreadsheet")
    sheet = await koordinator.reply()
    assert sheet.document is not None
    stored = world.sim.files.get(sheet.document["file_id"])
    assert stored is not None
    rows = list(load_workbook(io.BytesIO(stored.data))["Usulan"].iter_rows(values_only=True))
    bkm = rows[0].index("BKM")
    assert [r[bkm] for r in rows[1:]] == ["BKM Sukamaju"] * 3


async def test_a_mitras_report_holds_only_proposals_channelled_to_them(world: World) -> None:
    fasilitator = world.sim.user(7301, first_name="Fasil")
    mitra = world.sim.user(7302, first_name="Dinas")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    await register_mitra(world, mitra, "Dinas PUPR Kota Bandung")
    await _seed_this_month(world, fasilitator)
    summary = await _ask(mitra)
    assert "Usulan: 2" in summary and "Diminta Rp20.000.000" in summary


async def test_empty_and_impossible_periods_and_a_refusal(world: World) -> None:
    fasilitator = world.sim.user(7401, first_name="Fasil")
    warga = world.sim.user(7402, first_name="Warga")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    await world.register(warga, Role.WARGA, bkm="BKM Sukamaju")
    await _seed_this_month(world, fasilitator)

    asked = await _ask(fasilitator, "Ketik rentang")
    assert "tanggal awal dan akhir" in asked
    await fasilitator.send("31/3/2026 - 1/1/2026")
    assert "lebih awal dari tanggal awal" in (await fasilitator.reply()).plain
    await fasilitator.send("1/1/2020 - 31/1/2020")
    empty = await fasilitator.reply()
    assert "Belum ada data untuk periode ini" in empty.plain
    assert "Bulan ini" in empty.button_labels()

    await warga.send("/laporan")
    refused = await warga.reply()
    assert "tidak tersedia untuk peran" in refused.plain
    # A forged spreadsheet button is refused by the domain, not only hidden by the menu.
    await forge_press(warga, refused, "rp:x:20200101-20301231")
    assert "laporan hanya untuk" in (await warga.reply()).plain
    assert not any(m.document for m in warga.inbox)


async def test_a_slow_spreadsheet_holds_up_nobody_else(world: World, monkeypatch) -> None:
    """The file is read and drawn after the commit: another person's answers, which write
    (here: a form answer), do not wait for it, on SQLite's single write turn either."""
    import threading

    from conversations import reports

    fasilitator = world.sim.user(7401, first_name="Fasil")
    other = world.sim.user(7402, first_name="Koor")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    await world.register(other, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await _seed_this_month(world, fasilitator)
    await _ask(fasilitator)

    drawing, release = threading.Event(), threading.Event()
    draw = reports._workbook

    def slow_workbook(*args: object) -> bytes:  # a workbook of 50,000 proposals takes a while
        drawing.set()
        release.wait(20)
        return draw(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reports, "_workbook", slow_workbook)
    await fasilitator.press(None, "📥 Spreadsheet")
    await eventually(drawing.is_set)
    await other.send("/usulan")  # opens a draft: a write transaction
    await other.reply(timeout=5)  # the introduction
    assert "Pertanyaan 1 dari" in (await other.reply(timeout=5)).plain
    assert not any(m.document for m in fasilitator.inbox[-1:])  # still drawing
    release.set()
    sheet = await fasilitator.reply(timeout=20)
    assert sheet.document is not None and "RAHASIA" in sheet.caption
