"""Report figures from a seeded set (tests/domain/report_seed.py): each figure by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.actors import SYSTEM, Actor
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.reports import figures, period, tables
from bot.domain.reports.scope import scope_for
from storage.db import Database
from tests.domain import factories as f
from tests.domain import report_seed
from tests.domain.report_seed import JT

WIB = ZoneInfo("Asia/Jakarta")
MARCH = period.Period(date(2026, 3, 1), date(2026, 3, 31), "Asia/Jakarta")
AFTER = datetime(2026, 4, 15, tzinfo=WIB)  # "now": M1 has been held, M2 not yet


async def _seeded(db: Database, clock) -> tuple[f.World, dict[str, int]]:
    world = await f.seed(db, clock)
    p = world.people
    ids = report_seed.Ids(
        kota=world.kota, other_kota=world.kota_mks, bkm=world.bkm, bkm_awal=world.bkm_awal,
        bkm_other_kota=world.bkm_mks, dinas=world.dinas, peduli=world.peduli,
        fasilitator=p["fasilitator"], other_fasilitator=p["fasilitator_jpr"],
        invitees=(p["koordinator"], p["anggota"], p["warga"]),
    )  # fmt: skip
    made = await report_seed.seed(db, ids, datetime(2026, 3, 1, tzinfo=WIB))
    return world, made


async def _figures(db: Database, who: Actor, **kw) -> figures.Figures:
    async with db.transaction() as s:
        return await figures.compute(s, scope_for(who, **kw), MARCH, AFTER)


async def test_a_fasilitators_figures_are_those_of_their_kota_in_the_period(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    got = await _figures(db, await f.actor(db, world, "fasilitator"))
    assert got.proposals == 4  # P4 counts: 01.00 WIB on 1 March, although 28 Feb in UTC
    assert got.by_status == {"disetujui": 1, "ditolak": 1, "dana_cair": 1, "diajukan": 1}
    assert got.by_jenis == {"lingkungan": 2, "sosial": 1, "ekonomi": 1}
    assert [(a.bkm, a.kelurahan, a.proposals) for a in got.areas] == [
        ("BKM Sukamaju", "Sukamaju", 3),
        ("BKM Awal", "Cibeunying", 1),
    ]
    assert (got.requested, got.approved, got.disbursed) == (48 * JT, 22 * JT, 6 * JT)
    assert got.sources == {
        "blm": 35 * JT, "apbd_kota": 4 * JT, "apbd_provinsi": 0, "kelompok_peduli": 3 * JT,
        "swadaya_tunai": 1 * JT, "swadaya_natura": 5 * JT, "lainnya": 0,
    }  # fmt: skip
    assert got.partners == figures.PartnerFigures(
        channelled=4, pledged=2, declined=1, waiting=1, pledged_amount=7 * JT
    )
    assert (got.decided, got.median_days) == (3, 10)  # 10, 20 and 4 days (P3's first decision)
    assert got.meetings == figures.MeetingFigures(
        held=1, invited=3, answered=2, coming=1, marked=2, attended=1
    )
    assert got.meetings.rsvp_rate == pytest.approx(2 / 3)
    assert got.meetings.attendance_rate == pytest.approx(1 / 2)
    assert got.announcements == figures.AnnouncementFigures(
        sent=1, recipients=6, delivered=3, unreachable=1, waiting=1, acknowledged=2
    )
    assert not got.empty


async def test_the_admin_sees_every_kota_and_the_cli_can_narrow_it(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    everything = await _figures(db, SYSTEM)
    assert everything.proposals == 5  # P7 in Jayapura too; never the draft, never February
    assert everything.requested == 78 * JT
    assert everything.announcements.sent == 2
    bandung = await _figures(db, SYSTEM, kota_ids=frozenset({world.kota}))
    assert bandung.proposals == 4 and bandung.announcements.recipients == 6


async def test_a_koordinators_report_holds_only_their_bkm(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    got = await _figures(db, await f.actor(db, world, "koordinator"))
    assert got.proposals == 3
    assert [a.bkm for a in got.areas] == ["BKM Sukamaju"]
    assert got.requested == 40 * JT
    # The BKM's meeting counts; the fasilitator's announcement to the kota is not theirs.
    assert got.meetings.held == 1
    assert got.announcements.sent == 0


async def test_a_mitras_report_holds_only_proposals_channelled_to_them(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    got = await _figures(db, await f.actor(db, world, "mitra"))  # Dinas PUPR: P1 and P2
    assert got.proposals == 2
    assert got.by_status == {"disetujui": 1, "ditolak": 1}
    assert got.requested == 20 * JT
    assert got.meetings.held == 0 and got.announcements.sent == 0


async def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    got = await _figures(db, await f.actor(db, world, "mitra_peduli"))  # P1 (10 d), P3 (4 d)
    assert (got.decided, got.median_days) == (2, 7)


async def test_a_period_with_nothing_in_it_is_empty(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    async with db.transaction() as s:
        scope = scope_for(await f.actor(db, world, "fasilitator"))
        got = await figures.compute(
            s, scope, period.Period(date(2025, 1, 1), date(2025, 1, 31)), AFTER
        )
    assert got.empty and got.median_days is None and got.meetings.rsvp_rate is None


async def test_people_without_a_reporting_role_are_refused(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    for who in ("anggota", "warga"):
        with pytest.raises(NotAllowed):
            scope_for(await f.actor(db, world, who))


async def test_the_tables_hold_the_rows_behind_the_figures(db, clock) -> None:
    world, _ = await _seeded(db, clock)
    async with db.transaction() as s:
        scope = scope_for(await f.actor(db, world, "fasilitator"))
        got = await tables.build(s, scope, MARCH, AFTER)
    by_key = {t.key: t for t in got.tables}
    assert list(by_key) == ["usulan", "dana", "mitra", "riwayat", "rapat", "pengumuman"]
    usulan = by_key["usulan"]
    keys = [c.key for c in usulan.columns]
    codes = [r[keys.index("code")] for r in usulan.rows]
    assert sorted(codes) == ["PKT-2026-0001", "PKT-2026-0002", "PKT-2026-0003", "PKT-2026-0004"]
    p4 = next(r for r in usulan.rows if r[0] == "PKT-2026-0004")
    # Times in the kota's zone: 01.00 WIB, not 18.00 UTC the day before.
    assert p4[keys.index("submitted_at")] == datetime(2026, 3, 1, 1, 0)
    assert p4[keys.index("bkm")] == "BKM Awal" and p4[keys.index("anggaran_total")] == 8 * JT
    # No names, phones or NIK in any table.
    headers = {c.key for t in got.tables for c in t.columns}
    assert not headers & {"author", "name", "phone", "nik", "author_id"}
    assert len(by_key["dana"].rows) == 8  # 3 + 1 + 3 + 1 funding lines with an amount
    assert len(by_key["mitra"].rows) == 4
    assert len(by_key["riwayat"].rows) == 3
    assert by_key["rapat"].rows == [
        ("Rapat BKM", "bkm", "Bandung", datetime(2026, 3, 10, 0, 0), "Balai RW", 3, 1, 1, 1)
    ]
    assert [r[3:] for r in by_key["pengumuman"].rows] == [(6, 3, 1, 2)]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("1/1/2026 - 31/3/2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-01-01 s/d 2026-03-31", date(2026, 1, 1), date(2026, 3, 31)),
        ("1 Januari 2026 sampai 31 Maret 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("5 Mei 2026–6 Mei 2026", date(2026, 5, 5), date(2026, 5, 6)),
    ],
)
def test_typed_ranges(text: str, first: date, last: date) -> None:
    got = period.parse_range(text, timezone="Asia/Makassar")
    assert (got.first, got.last, got.timezone) == (first, last, "Asia/Makassar")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/3/2026 - 1/1/2026", period.RANGE_BACKWARDS),
        ("1/1/2026", period.RANGE_HINT),
        ("1/1/2000 - 1/1/2026", period.RANGE_TOO_LONG),
    ],
)
def test_impossible_ranges_get_a_clear_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        period.parse_range(text, timezone="Asia/Jakarta")
    assert raised.value.message == message


def test_presets_cover_whole_months_and_years() -> None:
    today = date(2026, 3, 15)
    assert period.preset(period.THIS_MONTH, today=today, timezone="x") == period.Period(
        date(2026, 3, 1), date(2026, 3, 31), "x"
    )
    last = period.preset(period.LAST_MONTH, today=date(2026, 1, 5), timezone="x")
    assert (last.first, last.last) == (date(2025, 12, 1), date(2025, 12, 31))
    year = period.preset(period.THIS_YEAR, today=today, timezone="x")
    assert (year.first, year.last) == (date(2026, 1, 1), date(2026, 12, 31))
    start, end = MARCH.bounds()
    assert start.isoformat() == "2026-02-28T17:00:00+00:00"
    assert end.isoformat() == "2026-03-31T17:00:00+00:00"
