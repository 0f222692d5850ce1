"""Invites and registration at the domain level, on a real database."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.domain import areas, invites, people
from bot.domain.actors import SYSTEM, actor_for
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from storage.models import Consent, Invite, Role, RoleGrant
from tests.conftest import RECENT_ASSESSMENT


async def _seed(db, clock):
    async with db.transaction() as s:
        await areas.add_kota(
            s, clock, SYSTEM, name="Bandung", province="Jawa Barat", timezone="Asia/Jakarta"
        )
        await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Sukamaju",
            kota="Bandung",
            kelurahan="Sukamaju",
            level="berdaya",
            assessed_on=RECENT_ASSESSMENT,
        )
        await areas.add_kota(s, clock, SYSTEM, name="Makassar", timezone="Asia/Makassar")
        await areas.add_bkm(s, clock, SYSTEM, name="BKM Lain", kota="Makassar", kelurahan="Lain")


async def test_invite_redeemed_once_gives_role_and_consent(db, clock):
    await _seed(db, clock)
    async with db.transaction() as s:
        bkm = await areas.find_bkm(s, "bkm sukamaju")
        invite = await invites.create_invite(s, clock, SYSTEM, role=Role.KOORDINATOR, bkm=bkm)
        token = invite.token
    for _ in range(2):  # a repeated update must change nothing
        async with db.transaction() as s:
            person, _inv = await people.register_with_invite(
                s,
                clock,
                telegram_id=77,
                name="Siti <Aminah>",
                language_code="en-US",
                token=token,
                notice_version="v1",
            )
    async with db.transaction() as s:
        grants = (await s.exec(select(RoleGrant))).all()
        consents = (await s.exec(select(Consent))).all()
        invite = (await s.exec(select(Invite))).one()
        actor = await actor_for(s, person)
    assert [g.role for g in grants] == ["koordinator"]
    assert len(consents) == 1 and invite.uses == 1
    assert actor.locale == "en" and actor.label == "koordinator:BKM Sukamaju"


async def test_used_expired_and_unknown_tokens_are_refused(db, clock):
    await _seed(db, clock)
    async with db.transaction() as s:
        bkm = await areas.find_bkm(s, "BKM Sukamaju")
        token = (await invites.create_invite(s, clock, SYSTEM, role=Role.ANGGOTA, bkm=bkm)).token
        await people.register_with_invite(
            s, clock, telegram_id=1, name="A", language_code=None, token=token, notice_version="v1"
        )
    async with db.transaction() as s:
        with pytest.raises(InvalidInput, match="sudah dipakai"):
            await invites.valid_invite(s, clock, token)
        with pytest.raises(NotFound):
            await invites.valid_invite(s, clock, "nope")
        token2 = (
            await invites.create_invite(s, clock, SYSTEM, role=Role.ANGGOTA, bkm=bkm, valid_days=1)
        ).token
    clock.advance(days=2)
    async with db.transaction() as s:
        with pytest.raises(InvalidInput, match="kedaluwarsa"):
            await invites.valid_invite(s, clock, token2)


async def test_koordinator_invites_only_members_of_own_bkm(db, clock):
    await _seed(db, clock)
    async with db.transaction() as s:
        bkm = await areas.find_bkm(s, "BKM Sukamaju")
        other = await areas.find_bkm(s, "BKM Lain")
        token = (
            await invites.create_invite(s, clock, SYSTEM, role=Role.KOORDINATOR, bkm=bkm)
        ).token
        person, _ = await people.register_with_invite(
            s,
            clock,
            telegram_id=5,
            name="Budi",
            language_code="id",
            token=token,
            notice_version="v1",
        )
        koordinator = await actor_for(s, person)
        await invites.create_invite(s, clock, koordinator, role=Role.ANGGOTA, bkm=bkm)
        with pytest.raises(NotAllowed):
            await invites.create_invite(s, clock, koordinator, role=Role.ANGGOTA, bkm=other)
        with pytest.raises(NotAllowed):
            await invites.create_invite(s, clock, koordinator, role=Role.KOORDINATOR, bkm=bkm)


def test_eligibility_needs_berdaya_and_fresh_rating():
    from datetime import date

    from storage.models import Bkm

    today = date(2026, 3, 2)
    ok = Bkm(name="x", kota_id=1, kelurahan_id=1, level="mandiri", assessed_on=date(2025, 6, 1))
    assert areas.eligibility(ok, today).eligible
    low = Bkm(name="y", kota_id=1, kelurahan_id=1, level="awal", assessed_on=date(2026, 1, 1))
    assert areas.eligibility(low, today).reason == "level"
    old = Bkm(name="z", kota_id=1, kelurahan_id=1, level="madani", assessed_on=date(2025, 2, 1))
    assert areas.eligibility(old, today).reason == "expired"


def test_invite_tokens_never_begin_with_a_dash(monkeypatch):
    """`paket-bot invite revoke -Abc…` would read the token as an option (seen in CI)."""
    from bot.domain import invites

    drawn = iter(["-DloRr2Q0DMXXZeV", "--xyz", "QloRr2Q0DMXXZeV-"])
    monkeypatch.setattr(invites.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert invites.new_token() == "QloRr2Q0DMXXZeV-"
