"""Separation of duties through the simulator: a fasilitator cannot make themself koordinator."""

from __future__ import annotations

import re

from sqlmodel import select

from storage.models import Person, Role, RoleGrant
from tests.e2e.conftest import World


async def test_a_fasilitator_opening_their_own_koordinator_invite_is_refused_politely(
    world: World,
):
    fasil = world.sim.user(5101, first_name="Fajar")
    await world.register(fasil, Role.FASILITATOR, kota="Bandung")
    await fasil.send("/undang")
    await fasil.press(await fasil.reply(), "BKM Sukamaju")
    await fasil.wait_idle()
    await fasil.press(None, "Undang Koordinator BKM")
    await fasil.wait_idle()
    link = fasil.inbox[-1].plain
    token = re.search(r"start=([\w-]+)", link)
    assert token is not None, link
    fasil.clear()

    await fasil.send(f"/start {token.group(1)}")
    answer = await fasil.reply()
    assert "buat sendiri" in answer.plain and "teruskan" in answer.plain
    assert not answer.button_labels() or "Ya, lanjutkan" not in answer.button_labels()
    async with world.db.transaction() as s:
        person = (await s.exec(select(Person).where(Person.telegram_id == 5101))).one()
        grants = (await s.exec(select(RoleGrant).where(RoleGrant.person_id == person.id))).all()
    assert [g.role for g in grants] == ["fasilitator"]  # no koordinator role was added

    # The link still works for the person it was made for.
    rina = world.sim.user(5102, first_name="Rina")
    await rina.send(f"/start {token.group(1)}")
    assert "Pemberitahuan privasi" in (await rina.reply()).plain
