"""What a person meets in chat after the operator revokes an invite or retires their BKM."""

from __future__ import annotations

from bot.domain import area_changes, areas, invites
from bot.domain.actors import SYSTEM
from storage.models import Role
from tests.e2e.conftest import World


async def test_a_revoked_invite_link_says_so(world: World):
    token = await world.invite(Role.ANGGOTA, bkm="BKM Sukamaju")
    async with world.db.transaction() as s:
        await invites.revoke_invite(s, world.clock, SYSTEM, token)
    newcomer = world.sim.user(1201, first_name="Rina")
    await newcomer.send(f"/start {token}")
    answer = (await newcomer.reply()).plain
    assert "tautan undangan ini sudah dibatalkan" in answer and "tautan baru" in answer


async def test_a_retired_bkm_can_no_longer_propose(world: World):
    siti = world.sim.user(1202, first_name="Siti")
    await world.register(siti, Role.KOORDINATOR, bkm="BKM Sukamaju")
    async with world.db.transaction() as s:
        await area_changes.retire(s, world.clock, SYSTEM, await areas.find_bkm(s, "BKM Sukamaju"))
    await siti.send("/usulan")
    answer = (await siti.reply()).plain
    assert "BKM Sukamaju sudah tidak aktif di PAKET" in answer, answer
