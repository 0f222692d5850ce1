"""Kota, kelurahan, BKM and partners (mitra): the areas that bound what each role sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.zones import resolve_zone
from bot.i18n import N_, Msgid, Translator
from storage.models import Bkm, BkmLevel, Kelurahan, Kota, KotaKind, Mitra, MitraKind, Role

# A rating older than this is treated as expired (domain rule).
RATING_VALID_FOR = timedelta(days=365)


# The words that differ between a city and a regency, as msgids.
_AREA_NAME = {KotaKind.KOTA: N_("Kota {name}"), KotaKind.KABUPATEN: N_("Kabupaten {name}")}
_AREA_WORD = {KotaKind.KOTA: N_("Kota"), KotaKind.KABUPATEN: N_("Kabupaten")}
_APBD = {KotaKind.KOTA: N_("APBD kota"), KotaKind.KABUPATEN: N_("APBD kabupaten")}


def kota_kind(kota: Kota | str | None) -> KotaKind:
    """Whether an area (or its stored kind) is a kota or a kabupaten; unknown reads as kota."""
    kind = kota.kind if isinstance(kota, Kota) else kota
    return KotaKind.KABUPATEN if kind == KotaKind.KABUPATEN.value else KotaKind.KOTA


def area_name(tr: Translator, kota: Kota) -> str:
    """ "Kota Bandung" / "Kabupaten Bogor" (English: "Bandung City" / "Bogor Regency")."""
    return tr._(_AREA_NAME[kota_kind(kota)], name=kota.name)


def area_params(kota: Kota) -> dict[str, str]:
    """Placeholders {daerah} {kota} for a domain message: "Kota Bandung", "Kabupaten Bogor".

    `daerah` is a Msgid, so each reader gets their own word (and a translation may reorder).
    """
    return {"daerah": Msgid(_AREA_WORD[kota_kind(kota)]), "kota": kota.name}


def apbd_label(kota: Kota | str | None) -> str:
    """The msgid of the area's own budget: "APBD kota" or "APBD kabupaten"."""
    return _APBD[kota_kind(kota)]


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str | None = None  # "retired" | "level" | "expired" | "unrated"


def eligibility(bkm: Bkm, today: date) -> Eligibility:
    """Only a BKM rated Berdaya or higher, within the last 12 months, may take part."""
    if bkm.retired_at is not None:
        return Eligibility(False, "retired")
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
        raise InvalidInput("Nama {what} harus diisi (paling banyak 100 huruf).", what=what)
    return name


Named = TypeVar("Named", Kota, Bkm, Mitra)


async def _by_name(
    session: AsyncSession, model: type[Named], name: str, kota_id: int | None = None
) -> Named | None:
    """Case- and spacing-insensitive lookup by name: operators type names by hand."""
    found = await _all_by_name(session, model, name, kota_id)
    return found[0] if found else None


async def _all_by_name(
    session: AsyncSession, model: type[Named], name: str, kota_id: int | None = None
) -> list[Named]:
    wanted = " ".join(name.split()).lower()
    stmt = select(model).where(func.lower(col(model.name)) == wanted).order_by(col(model.id))
    if kota_id is not None and model is not Kota:
        stmt = stmt.where(col(model.kota_id) == kota_id)  # type: ignore[attr-defined,union-attr]
    return list((await session.exec(stmt)).all())


async def find_kota(session: AsyncSession, name: str) -> Kota:
    kota = await _by_name(session, Kota, name)
    if kota is None:
        raise NotFound("Kota {name} tidak ditemukan.", name=name)
    return kota


async def find_bkm(session: AsyncSession, name: str, kota: str | None = None) -> Bkm:
    """The BKM called `name` (in `kota`, when given): names are unique only within a kota."""
    the_kota = await find_kota(session, kota) if kota else None
    found = await _all_by_name(session, Bkm, name, the_kota.id if the_kota else None)
    if not found:
        if the_kota is not None:
            raise NotFound("{name} tidak ditemukan di {kota}.", name=name, kota=the_kota.name)
        raise NotFound("{name} tidak ditemukan.", name=name)
    active = [b for b in found if b.retired_at is None]
    if len(found) > 1 and len(active) == 1:
        return active[0]  # a retired namesake is history, not a second candidate
    if len(found) > 1:
        kotas = [(await session.get_one(Kota, b.kota_id)).name for b in found]
        raise InvalidInput(
            "Ada {count} BKM bernama {name} (di {kotas}): mohon sebutkan kotanya dengan --kota.",
            count=len(found), name=name, kotas=", ".join(sorted(kotas)),
        )  # fmt: skip
    return found[0]


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
    timezone: str | None = "Asia/Jakarta",
    committee_label: str | None = None,
    kind: str = KotaKind.KOTA.value,
) -> Kota:
    """Register a kota (or kabupaten: `kind`) with its one time zone (WIB, WITA or WIT).

    `timezone` None: the province's zone, refused when the province is not one we know.
    """
    _ensure_admin(actor)
    name = _clean_name(name, "kota")
    try:
        kind = KotaKind(kind.strip().lower()).value
    except ValueError:
        raise InvalidInput(
            "Jenis daerah harus salah satu dari: {kinds}.",
            kinds=", ".join(k.value for k in KotaKind),
        ) from None
    timezone = resolve_zone(timezone, province)
    if await _by_name(session, Kota, name):
        raise InvalidInput("Kota {name} sudah terdaftar.", name=name)
    kota = Kota(name=name, province=" ".join(province.split()), timezone=timezone, kind=kind)
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
    ensure_active(the_kota)
    level = _parse_level(level)
    _check_assessed(assessed_on, clock)
    if await _by_name(session, Bkm, name, the_kota.id):
        raise InvalidInput("{name} sudah terdaftar di {kota}.", name=name, kota=the_kota.name)
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
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    bkm: str,
    level: str,
    assessed_on: date,
    kota: str | None = None,
    force: bool = False,
) -> Bkm:
    """Record a new rating from the facilitators' assessment. A BKM never rates itself.

    An assessment older than the current one would replace a newer verdict with an older one:
    refused unless `force` (a correction of a mistyped date, say).
    """
    the_bkm = await find_bkm(session, bkm, kota)
    if not (actor.is_admin or the_bkm.kota_id in actor.kota_ids(Role.FASILITATOR)):
        raise NotAllowed()
    level = _parse_level(level)
    _check_assessed(assessed_on, clock)
    if not force and the_bkm.assessed_on is not None and assessed_on < the_bkm.assessed_on:
        raise InvalidInput(
            "Penilaian {bkm} yang tercatat sekarang lebih baru ({current}) daripada "
            "{assessed}. Bila memang hendak menggantinya, ulangi dengan --force.",
            bkm=the_bkm.name, current=the_bkm.assessed_on.isoformat(),
            assessed=assessed_on.isoformat(),
        )  # fmt: skip
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
    ensure_active(the_kota)
    if await _by_name(session, Mitra, name):
        raise InvalidInput("Mitra {name} sudah terdaftar.", name=name)
    assert the_kota.id is not None
    mitra = Mitra(name=name, kind=kind, kota_id=the_kota.id)
    session.add(mitra)
    await session.flush()
    audit.record(session, clock, actor, "mitra.add", "mitra", mitra.id, name=name, kind=kind)
    return mitra


# The lists feed pickers: a retired area or partner is left out unless asked for (history).


async def list_kota(session: AsyncSession, *, retired: bool = False) -> list[Kota]:
    stmt = select(Kota).order_by(col(Kota.name))
    if not retired:
        stmt = stmt.where(col(Kota.retired_at).is_(None))
    return list((await session.exec(stmt)).all())


async def list_bkm(
    session: AsyncSession, kota_id: int | None = None, *, retired: bool = False
) -> list[Bkm]:
    stmt = select(Bkm).order_by(col(Bkm.name), col(Bkm.id))
    if kota_id is not None:
        stmt = stmt.where(Bkm.kota_id == kota_id)
    if not retired:
        stmt = stmt.where(col(Bkm.retired_at).is_(None))
    return list((await session.exec(stmt)).all())


async def list_mitra(
    session: AsyncSession, kota_id: int | None = None, *, retired: bool = False
) -> list[Mitra]:
    stmt = select(Mitra).order_by(col(Mitra.kind), col(Mitra.name))
    if kota_id is not None:
        stmt = stmt.where(Mitra.kota_id == kota_id)
    if not retired:
        stmt = stmt.where(col(Mitra.retired_at).is_(None))
    return list((await session.exec(stmt)).all())


def ensure_active(area: Kota | Bkm | Mitra) -> None:
    """Refuse a retired area or partner: nothing new (BKM, partner, invite, proposal) goes to it."""
    if area.retired_at is not None:
        raise InvalidInput("{name} sudah tidak aktif (dipensiunkan).", name=area.name)
