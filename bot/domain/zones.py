"""Indonesia's three time zones, and which one each province keeps.

A kota has one zone. Operators write it as WIB, WITA or WIT, or as the zone's name
(Asia/Jakarta...); when they leave it out, the province says it: every province lies wholly
in one zone, so a province and a zone that disagree are a typing mistake, not a choice.
"""

from __future__ import annotations

from bot.domain.errors import InvalidInput

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
SUPPORTED_TIMEZONES = (WIB, WITA, WIT)
ABBREVIATIONS = {"wib": WIB, "wita": WITA, "wit": WIT}

# The 38 provinces (2022), by the names people write; aliases after the official name.
_PROVINCES: dict[str, tuple[str, ...]] = {
    WIB: (
        "aceh", "sumatera utara", "sumut", "sumatera barat", "sumbar", "riau",
        "kepulauan riau", "kepri", "jambi", "sumatera selatan", "sumsel",
        "kepulauan bangka belitung", "bangka belitung", "babel", "bengkulu", "lampung",
        "dki jakarta", "jakarta", "daerah khusus jakarta", "jawa barat", "jabar", "banten",
        "jawa tengah", "jateng", "di yogyakarta", "daerah istimewa yogyakarta", "yogyakarta",
        "diy", "jawa timur", "jatim", "kalimantan barat", "kalbar", "kalimantan tengah",
        "kalteng",
    ),
    WITA: (
        "bali", "nusa tenggara barat", "ntb", "nusa tenggara timur", "ntt",
        "kalimantan selatan", "kalsel", "kalimantan timur", "kaltim", "kalimantan utara",
        "kaltara", "sulawesi utara", "sulut", "gorontalo", "sulawesi tengah", "sulteng",
        "sulawesi barat", "sulbar", "sulawesi selatan", "sulsel", "sulawesi tenggara", "sultra",
    ),
    WIT: (
        "maluku", "maluku utara", "malut", "papua", "papua barat", "papua barat daya",
        "papua selatan", "papua tengah", "papua pegunungan",
    ),
}  # fmt: skip
PROVINCE_ZONE = {province: zone for zone, names in _PROVINCES.items() for province in names}


def zone_of_province(province: str) -> str | None:
    """The zone of a province as people write it ("Provinsi Jawa Barat", "jabar"), if known."""
    key = " ".join(province.lower().split()).removeprefix("provinsi ")
    return PROVINCE_ZONE.get(key)


def parse_zone(value: str) -> str | None:
    """ "WIB", "wita", "Asia/Jayapura" → the zone's name; None when it is none of the three."""
    text = value.strip()
    zone = ABBREVIATIONS.get(text.lower(), text)
    matches = [z for z in SUPPORTED_TIMEZONES if z.lower() == zone.lower()]
    return matches[0] if matches else None


def resolve_zone(timezone: str | None, province: str) -> str:
    """A kota's zone from what the operator gave: the zone, the province, or both agreeing."""
    from_province = zone_of_province(province) if province.strip() else None
    if timezone is None or not timezone.strip():
        if from_province is None:
            raise InvalidInput(
                "Mohon sebutkan zona waktunya (WIB, WITA atau WIT), atau provinsi yang dikenal "
                "agar zonanya dapat ditentukan."
            )
        return from_province
    zone = parse_zone(timezone)
    if zone is None:
        raise InvalidInput(
            "Zona waktu harus WIB (Asia/Jakarta), WITA (Asia/Makassar) atau WIT (Asia/Jayapura), "
            "bukan {zone}.",
            zone=timezone,
        )
    if from_province is not None and from_province != zone:
        raise InvalidInput(
            "Provinsi {province} berada di zona {expected}, bukan {zone}.",
            province=province, expected=short_zone(from_province), zone=short_zone(zone),
        )  # fmt: skip
    return zone


def short_zone(zone: str) -> str:
    """ "Asia/Makassar" → "WITA"."""
    return next((a.upper() for a, z in ABBREVIATIONS.items() if z == zone), zone)
