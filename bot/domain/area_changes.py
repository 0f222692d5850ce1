"""Renaming and retiring a kota, BKM or partner: the operator's corrections over time.

Retiring keeps every row (proposals, decisions, reports still name it); a retired one is only
hidden from pickers and refused for anything new. Renaming keeps the id, so history follows.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.areas import _all_by_name, _clean_name, _ensure_admin
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from storage.models import Bkm, Kota, Mitra

Area = TypeVar("Area", Kota, Bkm, Mitra)
_ENTITY = {Kota: "kota", Bkm: "bkm", Mitra: "mitra"}


async def rename(
    session: AsyncSession, clock: Clock, actor: Actor, area: Area, new_name: str
) -> Area:
    """Give `area` a new name, unique where its kind must be (BKM: within its kota)."""
    _ensure_admin(actor)
    entity = _ENTITY[type(area)]
    name = _clean_name(new_name, entity if entity != "bkm" else "BKM")
    if name == area.name:
        raise InvalidInput("{name} sudah bernama demikian.", name=name)
    kota_id = area.kota_id if isinstance(area, Bkm) else None
    clash = [a for a in await _all_by_name(session, type(area), name, kota_id) if a.id != area.id]
    if clash:
        raise InvalidInput("Nama {name} sudah dipakai.", name=name)
    old, area.name = area.name, name
    session.add(area)
    audit.record(session, clock, actor, f"{entity}.rename", entity, area.id, old=old, new=name)
    return area


async def retire(session: AsyncSession, clock: Clock, actor: Actor, area: Area) -> Area:
    """Retire `area`: kept with its history, offered for nothing new."""
    _ensure_admin(actor)
    if area.retired_at is not None:
        raise InvalidInput("{name} sudah dipensiunkan sebelumnya.", name=area.name)
    entity = _ENTITY[type(area)]
    area.retired_at = clock.now()
    session.add(area)
    audit.record(session, clock, actor, f"{entity}.retire", entity, area.id, name=area.name)
    return area
