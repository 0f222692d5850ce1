"""`paket-bot bkm add|level|list|rename|retire`: the BKMs, their rating, and whether they may
take part in PAKET (Berdaya or higher, rated within 12 months).

A BKM's name is unique within its kota only: `--kota` tells two namesakes apart.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.areas import NewName, marked, retired_at
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
from bot.cli.common import say as _
from bot.config import load_settings
from bot.domain import area_changes, areas
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from bot.i18n import N_
from storage.models import Bkm, Kelurahan

bkm_app = group(N_("BKM dan tingkatannya."))

LevelOption = Annotated[str, typer.Option(help=N_("awal, berdaya, mandiri, atau madani."))]
BkmKota = Annotated[
    str | None,
    typer.Option("--kota", help=N_("Kota BKM itu, bila dua kota punya BKM bernama sama.")),
]

# --- views -----------------------------------------------------------------------------------


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
        "retired_at": retired_at(bkm),
    }


_WHY_NOT = {
    "level": N_("tingkatnya di bawah Berdaya"),
    "expired": N_("penilaiannya lebih dari 12 bulan"),
    "unrated": N_("belum ada tanggal penilaian"),
    "retired": N_("sudah dipensiunkan"),
}


def _bkm_line(v: dict[str, Any]) -> str:
    assessed = (
        _("dinilai {date}", date=v["assessed_on"]) if v["assessed_on"] else _("belum dinilai")
    )
    verdict = (
        _("memenuhi syarat PAKET")
        if v["eligible"]
        else _("belum memenuhi syarat: {why}", why=_(_WHY_NOT[v["ineligible_reason"]]))
    )
    line = _(
        "{name}: kelurahan {kelurahan}, {kota}; {level}, {assessed}; {verdict}",
        name=v["name"], kelurahan=v["kelurahan"], kota=v["kota"], level=v["level"],
        assessed=assessed, verdict=verdict,
    )  # fmt: skip
    return marked(line, v) if v["ineligible_reason"] != "retired" else line


# --- parsing ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_date(value: str, option: str) -> date:
    """A YYYY-MM-DD date; 01/06/2026 or 20260601 is refused rather than guessed."""
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise CliError(
            N_("{option} harus tanggal bertulis YYYY-MM-DD, misalnya 2026-06-01 (tertulis {value})."),
            option=option, value=value,
        )  # fmt: skip
    try:
        return date.fromisoformat(text)
    except ValueError:
        # Written right, but the calendar has no such day (2026-02-30, 2026-13-01).
        raise CliError(
            N_("{option}: tanggal {value} tidak ada di kalender."), option=option, value=text
        ) from None


def _one_bkm(argument: str | None, option: str | None) -> str:
    """The BKM named as the argument or with --bkm (the same name twice is fine)."""
    if argument and option and " ".join(argument.split()) != " ".join(option.split()):
        raise CliError(N_("Mohon sebutkan BKM sekali saja: sebagai argumen atau dengan --bkm."))
    name = argument or option
    if not name:
        raise CliError(
            N_(
                'Mohon sebutkan BKM-nya: paket-bot bkm level "BKM Sukamaju" --level ... --assessed ...'
            )
        )
    return name


# --- commands --------------------------------------------------------------------------------


@bkm_app.command("add", help=N_("Daftarkan BKM beserta tingkatannya dan tanggal penilaiannya."))
def bkm_add(
    name: Annotated[str, typer.Option(help=N_('Nama BKM, misalnya "BKM Sukamaju".'))],
    kelurahan: Annotated[str, typer.Option(help=N_("Kelurahannya (dibuat saat pertama dipakai)."))],
    kota: Annotated[str, typer.Option(help=N_("Kotanya (sudah ditambahkan)."))],
    kecamatan: Annotated[str, typer.Option(help=N_("Kecamatannya."))] = "",
    level: LevelOption = "awal",
    assessed: Annotated[
        str | None, typer.Option(help=N_("Tanggal peringkat dinilai, YYYY-MM-DD."))
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a BKM with its level and the date it was assessed."""
    with reporting(as_json):
        assessed_on = _parse_date(assessed, "--assessed") if assessed is not None else None
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            bkm = await areas.add_bkm(
                s, clock, SYSTEM, name=name, kota=kota, kelurahan=kelurahan,
                kecamatan=kecamatan, level=level, assessed_on=assessed_on,
            )  # fmt: skip
            return await _bkm_view(s, bkm, clock.now().date())

        view = in_store(settings, op)
        emit(as_json, _("Ditambahkan: {line}.", line=_bkm_line(view)), bkm=view)


@bkm_app.command("level", help=N_("Catat tingkatan baru BKM dari penilaian fasilitator."))
def bkm_level(
    level: LevelOption,
    assessed: Annotated[str, typer.Option(help=N_("Tanggal penilaian, YYYY-MM-DD."))],
    bkm_name: Annotated[str | None, typer.Argument(metavar="[BKM]", help=N_("Nama BKM."))] = None,
    bkm: Annotated[
        str | None, typer.Option("--bkm", help=N_("Nama BKM (atau sebagai argumen)."))
    ] = None,
    kota: BkmKota = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=N_("Catat juga walau lebih lama daripada penilaian yang berlaku.")
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Record a BKM's new rating from the facilitators' assessment."""
    with reporting(as_json):
        target = _one_bkm(bkm_name, bkm)
        assessed_on = _parse_date(assessed, "--assessed")
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await areas.set_bkm_level(
                s, clock, SYSTEM, bkm=target, level=level, assessed_on=assessed_on, kota=kota,
                force=force,
            )  # fmt: skip
            return await _bkm_view(s, row, clock.now().date())

        view = in_store(settings, op)
        emit(as_json, _("Diperbarui: {line}.", line=_bkm_line(view)), bkm=view)


@bkm_app.command("list", help=N_("Daftar BKM dengan tingkatannya dan apakah boleh ikut PAKET."))
def bkm_list(kota: KotaFilter = None, as_json: JsonFlag = False) -> None:
    """List BKMs with their level and whether they may take part in PAKET."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> list[dict[str, Any]]:
            kota_id = (await areas.find_kota(s, kota)).id if kota else None
            today = clock.now().date()
            found = await areas.list_bkm(s, kota_id, retired=True)
            return [await _bkm_view(s, b, today) for b in found]

        rows = in_store(load_settings(), op)
        listing(as_json, "bkm", rows, _bkm_line, _("Belum ada BKM yang terdaftar."))


@bkm_app.command("rename", help=N_("Ganti nama BKM (usulan dan orangnya ikut)."))
def bkm_rename(
    name: Annotated[str, typer.Argument(metavar="BKM", help=N_("Namanya saat ini."))],
    to: NewName,
    kota: BkmKota = None,
    as_json: JsonFlag = False,
) -> None:
    """Rename a BKM (its proposals and people follow)."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await area_changes.rename(
                s, clock, SYSTEM, await areas.find_bkm(s, name, kota), to
            )
            return await _bkm_view(s, row, clock.now().date())

        view = in_store(load_settings(), op)
        emit(as_json, _("Diganti namanya: {line}.", line=_bkm_line(view)), bkm=view)


@bkm_app.command(
    "retire",
    help=N_("Pensiunkan BKM: riwayatnya tetap; tidak ada usulan atau undangan baru untuknya."),
)
def bkm_retire(
    name: Annotated[str, typer.Argument(metavar="BKM", help=N_("Namanya."))],
    kota: BkmKota = None,
    as_json: JsonFlag = False,
) -> None:
    """Retire a BKM: its history stays; no new proposal or invite for it."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await area_changes.retire(s, clock, SYSTEM, await areas.find_bkm(s, name, kota))
            return await _bkm_view(s, row, clock.now().date())

        view = in_store(load_settings(), op)
        emit(as_json, _("Dipensiunkan: {line}.", line=_bkm_line(view)), bkm=view)
