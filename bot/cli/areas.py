"""`paket-bot kota|mitra`: register the areas and partners the service works in (BKMs: bkm.py).

Each has add, list, rename and retire. Retiring keeps the history (proposals, people, reports)
and only stops new use; lists show retired ones, marked.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import (
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
from bot.domain.zones import short_zone
from bot.i18n import N_
from storage.models import Bkm, Kota, KotaKind, Mitra

kota_app = group(N_("Kota (kota dan kabupaten)."))
mitra_app = group(N_("Mitra: Dinas dan Kelompok Peduli."))

NewName = Annotated[str, typer.Option("--to", help=N_("Nama baru."))]

# --- views -----------------------------------------------------------------------------------


def retired_at(row: Kota | Bkm | Mitra) -> str | None:
    """When `row` was retired, for views (None: active)."""
    return row.retired_at.isoformat() if row.retired_at else None


def _kota_view(kota: Kota) -> dict[str, Any]:
    fields = ("id", "name", "kind", "province", "timezone", "committee_label")
    return {f: getattr(kota, f) for f in fields} | {"retired_at": retired_at(kota)}


def marked(line: str, view: dict[str, Any]) -> str:
    """`line`, marked when the row it shows is retired (lists keep retired ones: history)."""
    return _("{line} [dipensiunkan]", line=line) if view.get("retired_at") else line


def _kota_line(v: dict[str, Any]) -> str:
    area = (
        _("Kabupaten {name}", name=v["name"])
        if v["kind"] == KotaKind.KABUPATEN.value
        else _("Kota {name}", name=v["name"])
    )
    zone, label = short_zone(v["timezone"]), v["committee_label"]
    line = (
        _("{area}, {province} ({zone}; {committee})", area=area, province=v["province"],
            zone=zone, committee=label)
        if v["province"]
        else _("{area} ({zone}; {committee})", area=area, zone=zone, committee=label)
    )  # fmt: skip
    return marked(line, v)


async def _mitra_view(s: AsyncSession, mitra: Mitra) -> dict[str, Any]:
    kota = await kota_name(s, mitra.kota_id)
    view = {"id": mitra.id, "name": mitra.name, "kind": mitra.kind, "kota": kota}
    return view | {"retired_at": retired_at(mitra)}


def _mitra_line(v: dict[str, Any]) -> str:
    return marked(_("{name} ({kind}, {kota})", name=v["name"], kind=v["kind"], kota=v["kota"]), v)


# --- kota ------------------------------------------------------------------------------------


@kota_app.command("add", help=N_("Daftarkan kota atau kabupaten beserta zona waktunya."))
def kota_add(
    name: Annotated[str, typer.Option(help=N_("Nama kota, misalnya Bandung."))],
    province: Annotated[
        str,
        typer.Option(
            help=N_(
                'Provinsi, misalnya "Jawa Barat" (menentukan zona waktu bila --timezone tidak diisi).'
            )
        ),
    ] = "",
    timezone: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "WIB, WITA, atau WIT (atau Asia/Jakarta, Asia/Makassar, Asia/Jayapura); "
                "wajib kecuali --province menyebut provinsi yang dikenal."
            )
        ),
    ] = None,
    committee_label: Annotated[
        str | None, typer.Option(help=N_('Sebutan kota untuk panitianya, misalnya "Pokja PAKET".'))
    ] = None,
    kind: Annotated[str, typer.Option(help=N_('"kota" (bawaan) atau "kabupaten".'))] = "kota",
    as_json: JsonFlag = False,
) -> None:
    """Register a kota or kabupaten with its one time zone."""
    with reporting(as_json):
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            kota = await areas.add_kota(
                s, clock, SYSTEM, name=name, province=province, timezone=timezone,
                committee_label=committee_label, kind=kind,
            )  # fmt: skip
            return _kota_view(kota)

        view = in_store(settings, op)
        emit(as_json, _("Ditambahkan: {line}.", line=_kota_line(view)), kota=view)


@kota_app.command("list", help=N_("Daftar semua kota (yang dipensiunkan ditandai)."))
def kota_list(as_json: JsonFlag = False) -> None:
    """List every kota (retired ones marked)."""
    with reporting(as_json):

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            return [_kota_view(k) for k in await areas.list_kota(s, retired=True)]

        rows = in_store(load_settings(), op)
        listing(as_json, "kota", rows, _kota_line, _("Belum ada kota yang terdaftar."))


@kota_app.command("rename", help=N_("Ganti nama kota; semua isinya ikut."))
def kota_rename(
    name: Annotated[str, typer.Argument(metavar="KOTA", help=N_("Namanya saat ini."))],
    to: NewName,
    as_json: JsonFlag = False,
) -> None:
    """Rename a kota; everything in it follows."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            kota = await areas.find_kota(s, name)
            return _kota_view(await area_changes.rename(s, clock, SYSTEM, kota, to))

        view = in_store(load_settings(), op)
        emit(as_json, _("Diganti namanya: {line}.", line=_kota_line(view)), kota=view)


@kota_app.command(
    "retire",
    help=N_("Pensiunkan kota: riwayatnya tetap; tidak ada BKM, mitra, atau undangan baru di sana."),
)
def kota_retire(
    name: Annotated[str, typer.Argument(metavar="KOTA", help=N_("Namanya."))],
    as_json: JsonFlag = False,
) -> None:
    """Retire a kota: its history stays; no new BKM, partner or invite in it."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            kota = await areas.find_kota(s, name)
            return _kota_view(await area_changes.retire(s, clock, SYSTEM, kota))

        view = in_store(load_settings(), op)
        emit(as_json, _("Dipensiunkan: {line}.", line=_kota_line(view)), kota=view)


# --- mitra -----------------------------------------------------------------------------------


@mitra_app.command("add", help=N_("Daftarkan mitra yang dapat menerima usulan."))
def mitra_add(
    name: Annotated[str, typer.Option(help=N_('Misalnya "Dinas PUPR Kota Bandung".'))],
    kind: Annotated[str, typer.Option(help=N_("dinas atau kelompok_peduli."))],
    kota: Annotated[str, typer.Option(help=N_("Kota tempat mitra bekerja."))],
    as_json: JsonFlag = False,
) -> None:
    """Register a partner that proposals can be channelled to."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            mitra = await areas.add_mitra(s, clock, SYSTEM, name=name, kind=kind, kota=kota)
            return await _mitra_view(s, mitra)

        view = in_store(load_settings(), op)
        emit(as_json, _("Ditambahkan: mitra {line}.", line=_mitra_line(view)), mitra=view)


@mitra_app.command("list", help=N_("Daftar mitra (yang dipensiunkan ditandai)."))
def mitra_list(kota: KotaFilter = None, as_json: JsonFlag = False) -> None:
    """List partners (retired ones marked)."""
    with reporting(as_json):

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            kota_id = (await areas.find_kota(s, kota)).id if kota else None
            found = await areas.list_mitra(s, kota_id, retired=True)
            return [await _mitra_view(s, m) for m in found]

        rows = in_store(load_settings(), op)
        listing(as_json, "mitra", rows, _mitra_line, _("Belum ada mitra yang terdaftar."))


@mitra_app.command("rename", help=N_("Ganti nama mitra; jawabannya atas usulan ikut."))
def mitra_rename(
    name: Annotated[str, typer.Argument(metavar="MITRA", help=N_("Namanya saat ini."))],
    to: NewName,
    as_json: JsonFlag = False,
) -> None:
    """Rename a partner; its answers to proposals follow."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await area_changes.rename(s, clock, SYSTEM, await areas.find_mitra(s, name), to)
            return await _mitra_view(s, row)

        view = in_store(load_settings(), op)
        emit(as_json, _("Diganti namanya: mitra {line}.", line=_mitra_line(view)), mitra=view)


@mitra_app.command(
    "retire",
    help=N_("Pensiunkan mitra: jawabannya tetap; usulan baru tidak dapat memilihnya lagi."),
)
def mitra_retire(
    name: Annotated[str, typer.Argument(metavar="MITRA", help=N_("Namanya."))],
    as_json: JsonFlag = False,
) -> None:
    """Retire a partner: its answers stay; new proposals can no longer choose it."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await area_changes.retire(s, clock, SYSTEM, await areas.find_mitra(s, name))
            return await _mitra_view(s, row)

        view = in_store(load_settings(), op)
        emit(as_json, _("Dipensiunkan: mitra {line}.", line=_mitra_line(view)), mitra=view)
