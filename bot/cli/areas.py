"""`paket-bot kota|bkm|mitra`: register the areas and partners the service works in."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import (
    CliError,
    JsonFlag,
    KotaFilter,
    emit,
    group,
    in_store,
    kota_name,
    listing,
    reporting,
)
from bot.config import load_settings
from bot.domain import areas
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from storage.models import Bkm, Kelurahan, Kota, Mitra

kota_app = group("Kota (cities and regencies).")
bkm_app = group("BKM and their level.")
mitra_app = group("Partners: Dinas and Kelompok Peduli.")

LevelOption = Annotated[str, typer.Option(help="awal, berdaya, mandiri or madani.")]

# --- views -----------------------------------------------------------------------------------


def _kota_view(kota: Kota) -> dict[str, Any]:
    fields = ("id", "name", "province", "timezone", "committee_label")
    return {f: getattr(kota, f) for f in fields}


def _kota_line(v: dict[str, Any]) -> str:
    province = f", {v['province']}" if v["province"] else ""
    return f"{v['name']}{province} ({v['timezone']}; committee: {v['committee_label']})"


async def _bkm_view(s: AsyncSession, bkm: Bkm, today: date) -> dict[str, Any]:
    kelurahan = await s.get_one(Kelurahan, bkm.kelurahan_id)
    check = areas.eligibility(bkm, today)
    return {
        "id": bkm.id,
        "name": bkm.name,
        "kota": await kota_name(s, bkm.kota_id),
        "kecamatan": kelurahan.kecamatan,
        "kelurahan": kelurahan.name,
        "level": bkm.level,
        "assessed_on": bkm.assessed_on.isoformat() if bkm.assessed_on else None,
        "eligible": check.eligible,
        "ineligible_reason": check.reason,
    }


_WHY_NOT = {
    "level": "level below berdaya",
    "expired": "rating older than 12 months",
    "unrated": "no assessment date",
}


def _bkm_line(v: dict[str, Any]) -> str:
    assessed = f"assessed {v['assessed_on']}" if v["assessed_on"] else "not assessed"
    verdict = "eligible" if v["eligible"] else f"not eligible: {_WHY_NOT[v['ineligible_reason']]}"
    return (
        f"{v['name']}: kelurahan {v['kelurahan']}, {v['kota']}; {v['level']}, {assessed}; {verdict}"
    )


async def _mitra_view(s: AsyncSession, mitra: Mitra) -> dict[str, Any]:
    kota = await kota_name(s, mitra.kota_id)
    return {"id": mitra.id, "name": mitra.name, "kind": mitra.kind, "kota": kota}


def _mitra_line(v: dict[str, Any]) -> str:
    return f"{v['name']} ({v['kind']}, {v['kota']})"


# --- parsing ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_date(value: str, option: str) -> date:
    """A YYYY-MM-DD date; 01/06/2026 or 20260601 is refused rather than guessed."""
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CliError(f"{option} must be a date written YYYY-MM-DD, e.g. 2026-06-01 (got {value!r}).")


def _one_bkm(argument: str | None, option: str | None) -> str:
    """The BKM named as the argument or with --bkm (the same name twice is fine)."""
    if argument and option and " ".join(argument.split()) != " ".join(option.split()):
        raise CliError("Name the BKM once: as an argument or with --bkm, not both.")
    name = argument or option
    if not name:
        raise CliError(
            'Name the BKM: paket-bot bkm level "BKM Sukamaju" --level ... --assessed ...'
        )
    return name


# --- kota ------------------------------------------------------------------------------------


@kota_app.command("add")
def kota_add(
    name: Annotated[str, typer.Option(help="Name of the kota, e.g. Bandung.")],
    province: Annotated[str, typer.Option(help='Province, e.g. "Jawa Barat".')] = "",
    timezone: Annotated[
        str | None,
        typer.Option(help="Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)."),
    ] = None,
    committee_label: Annotated[
        str | None, typer.Option(help='What the city calls its committee, e.g. "Pokja PAKET".')
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a kota with its one time zone."""
    with reporting(as_json):
        settings = load_settings()
        zone = timezone or settings.default_timezone

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            kota = await areas.add_kota(
                s,
                clock,
                SYSTEM,
                name=name,
                province=province,
                timezone=zone,
                committee_label=committee_label,
            )
            return _kota_view(kota)

        view = in_store(settings, op)
        emit(as_json, f"Added kota {_kota_line(view)}.", kota=view)


@kota_app.command("list")
def kota_list(as_json: JsonFlag = False) -> None:
    """List every kota."""
    with reporting(as_json):

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            return [_kota_view(k) for k in await areas.list_kota(s)]

        listing(as_json, "kota", in_store(load_settings(), op), _kota_line)


# --- bkm -------------------------------------------------------------------------------------


@bkm_app.command("add")
def bkm_add(
    name: Annotated[str, typer.Option(help='Name of the BKM, e.g. "BKM Sukamaju".')],
    kelurahan: Annotated[str, typer.Option(help="Its kelurahan (created on first use).")],
    kota: Annotated[str, typer.Option(help="Its kota (already added).")],
    kecamatan: Annotated[str, typer.Option(help="Its kecamatan.")] = "",
    level: LevelOption = "awal",
    assessed: Annotated[str | None, typer.Option(help="Date of the rating, YYYY-MM-DD.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a BKM with its level and the date it was assessed."""
    with reporting(as_json):
        assessed_on = _parse_date(assessed, "--assessed") if assessed is not None else None
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            bkm = await areas.add_bkm(
                s,
                clock,
                SYSTEM,
                name=name,
                kota=kota,
                kelurahan=kelurahan,
                kecamatan=kecamatan,
                level=level,
                assessed_on=assessed_on,
            )
            return await _bkm_view(s, bkm, clock.now().date())

        view = in_store(settings, op)
        emit(as_json, f"Added {_bkm_line(view)}.", bkm=view)


@bkm_app.command("level")
def bkm_level(
    level: LevelOption,
    assessed: Annotated[str, typer.Option(help="Date of the assessment, YYYY-MM-DD.")],
    bkm_name: Annotated[
        str | None, typer.Argument(metavar="[BKM]", help="Name of the BKM.")
    ] = None,
    bkm: Annotated[
        str | None, typer.Option("--bkm", help="Name of the BKM (or as argument).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a BKM's new rating from the facilitators' assessment."""
    with reporting(as_json):
        target = _one_bkm(bkm_name, bkm)
        assessed_on = _parse_date(assessed, "--assessed")
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await areas.set_bkm_level(
                s, clock, SYSTEM, bkm=target, level=level, assessed_on=assessed_on
            )
            return await _bkm_view(s, row, clock.now().date())

        view = in_store(settings, op)
        emit(as_json, f"Updated {_bkm_line(view)}.", bkm=view)


@bkm_app.command("list")
def bkm_list(kota: KotaFilter = None, as_json: JsonFlag = False) -> None:
    """List BKMs with their level and whether they may take part in PAKET."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> list[dict[str, Any]]:
            kota_id = (await areas.find_kota(s, kota)).id if kota else None
            today = clock.now().date()
            return [await _bkm_view(s, b, today) for b in await areas.list_bkm(s, kota_id)]

        listing(as_json, "bkm", in_store(load_settings(), op), _bkm_line)


# --- mitra -----------------------------------------------------------------------------------


@mitra_app.command("add")
def mitra_add(
    name: Annotated[str, typer.Option(help='e.g. "Dinas PUPR Kota Bandung".')],
    kind: Annotated[str, typer.Option(help="dinas or kelompok_peduli.")],
    kota: Annotated[str, typer.Option(help="The kota it works in.")],
    as_json: JsonFlag = False,
) -> None:
    """Register a partner that proposals can be channelled to."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            mitra = await areas.add_mitra(s, clock, SYSTEM, name=name, kind=kind, kota=kota)
            return await _mitra_view(s, mitra)

        view = in_store(load_settings(), op)
        emit(as_json, f"Added mitra {_mitra_line(view)}.", mitra=view)


@mitra_app.command("list")
def mitra_list(kota: KotaFilter = None, as_json: JsonFlag = False) -> None:
    """List partners."""
    with reporting(as_json):

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            kota_id = (await areas.find_kota(s, kota)).id if kota else None
            return [await _mitra_view(s, m) for m in await areas.list_mitra(s, kota_id)]

        listing(as_json, "mitra", in_store(load_settings(), op), _mitra_line)
