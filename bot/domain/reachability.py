"""When Telegram says a person can no longer be reached, stop writing and tell their
facilitators, so someone follows up by phone or in person instead of waiting for an answer."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.actors import ROLE_LABELS, Grant, fasilitators, grants_of, timezone_of
from bot.domain.clock import Clock
from bot.i18n import N_, Msgid, Translator
from storage.models import Bkm, Mitra, Person, Role

UNREACHABLE_NOTICE = N_(
    "{name} ({role}) tidak dapat lagi dihubungi lewat PAKET Bot: bot diblokir atau akun Telegram "
    "dihapus. Pesan untuk beliau tidak dikirim lagi. Mohon hubungi beliau dengan cara lain bila "
    "perlu."
)


async def person_unreachable(session: AsyncSession, clock: Clock, chat_id: int, error: str) -> None:
    """Mark the person unreachable (dropping their queue) and tell each facilitator once."""
    # Locked and read afresh: two senders failing for the same chat at once (two processes)
    # must not both find the person still reachable and both tell the facilitators.
    stmt = (
        select(Person)
        .where(Person.telegram_id == chat_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    person = (await session.exec(stmt)).first()
    already = person is not None and person.unreachable_at is not None
    await outbox.mark_unreachable(session, clock, chat_id, error)
    if person is None or person.id is None or already:
        return
    grants = await grants_of(session, person.id)
    if not grants:
        return
    main = grants[0]  # the weightiest role names the person
    who = f"{person.name} — {main.scope_name}" if main.scope_name else person.name
    told: set[int | None] = {person.id}
    for kota_id in sorted(await _kotas(session, grants)):
        for fasilitator in await fasilitators(session, kota_id):
            if fasilitator.id in told or fasilitator.id is None:
                continue
            told.add(fasilitator.id)
            zone = await timezone_of(session, fasilitator.id, "Asia/Jakarta")
            tr = Translator(fasilitator.locale or "id", zone)
            text = tr._(UNREACHABLE_NOTICE, name=who, role=Msgid(ROLE_LABELS[Role(main.role)]))
            outbox.enqueue(session, clock, fasilitator, kind="unreachable", text=text)


async def _kotas(session: AsyncSession, grants: tuple[Grant, ...]) -> set[int]:
    kota_ids: set[int] = set()
    for grant in grants:
        if grant.kota_id is not None:
            kota_ids.add(grant.kota_id)
        elif grant.bkm_id is not None:
            kota_ids.add((await session.get_one(Bkm, grant.bkm_id)).kota_id)
        elif grant.mitra_id is not None:
            kota_ids.add((await session.get_one(Mitra, grant.mitra_id)).kota_id)
    return kota_ids
