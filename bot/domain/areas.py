"""Kota, kelurahan, BKM and partners (mitra): the areas that bound what each role sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from storage.models import Bkm, BkmLevel, Kelurahan, Kota, Mitra, MitraKind, Role

# A rating older than this is treated as expired (domain rule).
RATING_VALID_FOR = timedelta(days=365)
SUPPORTED_TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str | None = None  # "level" | "expired" | "unrated"


def eligibility(bkm: Bkm, today: date) -> Eligibility:
    """Only a BKM rated Berdaya or higher, within the last 12 months, may take part."""
    if bkm.assessed_on is None:
        return Eligibility(False, "unrated")
    if BkmLevel(bkm.level).rank < BkmLevel.BERDAYA.rank:
        return Eligibility(False, "level")
    if today - bkm.assessed_on > RATING_VALID_FOR:
        return Eligibility(False, "expired")
    return Eligibility(True)


def _clean_name(value: str, what: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > 100:
        raise InvalidInput("Nama {what} harus diisi (paling banyak 100 karakter).", what=what)
    return name


Named = TypeVar("Named", Kota, Bkm, Mitra)


async def _by_name(session: AsyncSession, model: type[Named], name: str) -> Named | None:
    """Case- and spacing-insensitive lookup by name: operators type names by hand."""
    wanted = " ".join(name.split()).lower()
    stmt = select(model).where(func.lower(col(model.name)) == wanted)
    return (await session.exec(stmt)).first()


async def find_kota(session: AsyncSession, name: str) -> Kota:
    kota = await _by_name(session, Kota, name)
    if kota is None:
        raise NotFound("Kota {name} tidak ditemukan.", name=name)
    return kota


async def find_bkm(session: AsyncSession, name: str) -> Bkm:
    bkm = await _by_name(session, Bkm, name)
    if bkm is None:
        raise NotFound("BKM {name} tidak ditemukan.", name=name)
    return bkm


async def find_mitra(session: AsyncSession, name: str) -> Mitra:
    mitra = await _by_name(session, Mitra, name)
    if mitra is None:
        raise NotFound("Mitra {name} tidak ditemukan.", name=name)
    return mitra


def _ensure_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed()


async def add_kota(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    name: str,
    province: str = "",
    timezone: str = "Asia/Jakarta",
    committee_label: str | None = None,
) -> Kota:
    """Register a kota with its one time zone (WIB, WITA or WIT)."""
    _ensure_admin(actor)
    name = _clean_name(name, "kota")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        timezone = ""
    if timezone not in SUPPORTED_TIMEZONES:
        raise InvalidInput(
            "Zona waktu harus salah satu dari: {zones}.", zones=", ".join(SUPPORTED_TIMEZONES)
        )
    if await _by_name(session, Kota, name):
        raise InvalidInput("Kota {name} sudah terdaftar.", name=name)
    kota = Kota(name=name, province=" ".join(province.split()), timezone=timezone)
    if committee_label:
        kota.committee_label = _clean_name(committee_label, "panitia")
    session.add(kota)
    await session.flush()
    audit.record(session, clock, actor, "kota.add", "kota", kota.id, name=name)
    return kota


async def add_bkm(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    name: str,
    kota: str,
    kelurahan: str,
    kecamatan: str = "",
    level: str = BkmLevel.AWAL.value,
    assessed_on: date | None = None,
) -> Bkm:
    """Register a BKM in its kelurahan (created on first use)."""
    _ensure_admin(actor)
    name = _clean_name(name, "BKM")
    the_kota = await find_kota(session, kota)
    level = _parse_level(level)
    _check_assessed(assessed_on, clock)
    if await _by_name(session, Bkm, name):
        raise InvalidInput("{name} sudah terdaftar.", name=name)
    kel_name = _clean_name(kelurahan, "kelurahan")
    kel = (
        await session.exec(
            select(Kelurahan).where(
                Kelurahan.kota_id == the_kota.id, func.lower(Kelurahan.name) == kel_name.lower()
            )
        )
    ).first()
    if kel is None:
        assert the_kota.id is not None
        kel = Kelurahan(kota_id=the_kota.id, name=kel_name, kecamatan=" ".join(kecamatan.split()))
        session.add(kel)
        await session.flush()
    assert the_kota.id is not None and kel.id is not None
    bkm = Bkm(
        name=name, kota_id=the_kota.id, kelurahan_id=kel.id, level=level, assessed_on=assessed_on
    )
    session.add(bkm)
    await session.flush()
    audit.record(session, clock, actor, "bkm.add", "bkm", bkm.id, name=name, level=level)
    return bkm


def _parse_level(level: str) -> str:
    try:
        return BkmLevel(level.strip().lower()).value
    except ValueError:
        raise InvalidInput(
            "Tingkat BKM harus salah satu dari: {levels}.",
            levels=", ".join(lv.value for lv in BkmLevel),
        ) from None


def _check_assessed(assessed_on: date | None, clock: Clock) -> None:
    if assessed_on is not None and assessed_on > clock.now().date():
        raise InvalidInput("Tanggal penilaian tidak boleh di masa depan.")


async def set_bkm_level(
    session: AsyncSession, clock: Clock, actor: Actor, *, bkm: str, level: str, assessed_on: date
) -> Bkm:
    """Record a new rating from the facilitators' assessment. A BKM never rates itself."""
    the_bkm = await find_bkm(session, bkm)
    if not (actor.is_admin or the_bkm.kota_id in actor.kota_ids(Role.FASILITATOR)):
        raise NotAllowed()
    level = _parse_level(level)
    _check_assessed(assessed_on, clock)
    old = the_bkm.level
    the_bkm.level, the_bkm.assessed_on = level, assessed_on
    session.add(the_bkm)
    audit.record(
        session,
        clock,
        actor,
        "bkm.level",
        "bkm",
        the_bkm.id,
        old=old,
        new=level,
        assessed_on=assessed_on,
    )
    return the_bkm


async def add_mitra(
    session: AsyncSession, clock: Clock, actor: Actor, *, name: str, kind: str, kota: str
) -> Mitra:
    """Register a partner (a Dinas or a Kelompok Peduli) in a kota."""
    _ensure_admin(actor)
    name = _clean_name(name, "mitra")
    try:
        kind = MitraKind(kind.strip().lower()).value
    except ValueError:
        raise InvalidInput(
            "Jenis mitra harus salah satu dari: {kinds}.",
            kinds=", ".join(k.value for k in MitraKind),
        ) from None
    the_kota = await find_kota(session, kota)
    if await _by_name(session, Mitra, name):
        raise InvalidInput("Mitra {name} sudah terdaftar.", name=name)
    assert the_kota.id is not None
    mitra = Mitra(name=name, kind=kind, kota_id=the_kota.id)
    session.add(mitra)
    await session.flush()
    audit.record(session, clock, actor, "mitra.add", "mitra", mitra.id, name=name, kind=kind)
    return mitra


async def list_kota(session: AsyncSession) -> list[Kota]:
    return list((await session.exec(select(Kota).order_by(col(Kota.name)))).all())


async def list_bkm(session: AsyncSession, kota_id: int | None = None) -> list[Bkm]:
    stmt = select(Bkm).order_by(col(Bkm.name))
    if kota_id is not None:
        stmt = stmt.where(Bkm.kota_id == kota_id)
    return list((await session.exec(stmt)).all())


async def list_mitra(session: AsyncSession, kota_id: int | None = None) -> list[Mitra]:
    stmt = select(Mitra).order_by(col(Mitra.kind), col(Mitra.name))
    if kota_id is not None:
        stmt = stmt.where(Mitra.kota_id == kota_id)
    return list((await session.exec(stmt)).all())
