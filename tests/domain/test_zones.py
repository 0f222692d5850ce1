"""A kota's zone: WIB/WITA/WIT or the zone's name, or derived from its province."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.zones import PROVINCE_ZONE, WIB, WIT, WITA, resolve_zone, zone_of_province

# The 38 provinces by their official names, with the zone each keeps.
OFFICIAL = {
    WIB: ["Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi",
          "Sumatera Selatan", "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta",
          "Jawa Barat", "Banten", "Jawa Tengah", "DI Yogyakarta", "Jawa Timur",
          "Kalimantan Barat", "Kalimantan Tengah"],
    WITA: ["Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Selatan",
           "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Gorontalo",
           "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara"],
    WIT: ["Maluku", "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Selatan",
          "Papua Tengah", "Papua Pegunungan"],
}  # fmt: skip


def test_every_province_has_its_zone() -> None:
    assert sum(len(names) for names in OFFICIAL.values()) == 38
    for zone, names in OFFICIAL.items():
        for name in names:
            assert zone_of_province(name) == zone, name
            assert zone_of_province(f"Provinsi  {name.upper()}") == zone, name
    assert set(PROVINCE_ZONE.values()) == {WIB, WITA, WIT}


@pytest.mark.parametrize(
    ("timezone", "province", "zone"),
    [
        ("WIB", "", WIB), ("wita", "", WITA), ("WIT", "", WIT), ("Asia/Jayapura", "", WIT),
        (None, "Papua", WIT), ("", "NTT", WITA), ("WIB", "jabar", WIB), ("WITA", "Atlantis", WITA),
    ],
)  # fmt: skip
def test_resolve_zone(timezone: str | None, province: str, zone: str) -> None:
    assert resolve_zone(timezone, province) == zone


@pytest.mark.parametrize(
    ("timezone", "province"),
    [(None, ""), (None, "Atlantis"), ("Europe/Paris", ""), ("UTC", ""), ("WIB", "Papua")],
)
def test_resolve_zone_refuses(timezone: str | None, province: str) -> None:
    with pytest.raises(InvalidInput):
        resolve_zone(timezone, province)
