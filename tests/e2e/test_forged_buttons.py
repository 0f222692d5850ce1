"""Forged button data against every callback prefix: always the polite answer, never an error."""

from __future__ import annotations

import logging

import pytest

from storage.models import Role
from tests.e2e.conftest import World, eventually, forge_press

BIG = "9223372036854775808"  # one past SQLite's and PostgreSQL's 64-bit integer
FORGED = {
    "menu": ["menu:²", "menu:" + BIG],
    "ob": ["ob:yes:²", "ob:more:" + BIG],
    "lang": ["lang:²", "lang:" + BIG],
    "priv": ["priv:do:²"],
    "inv": ["inv:b:²", "inv:b", f"inv:r:{BIG}:koordinator", "inv:b:abc"],
    "p:view": ["p:view:PKT-2026-0001:l²", "p:view", "p:view:PKT²"],
    "p:files": ["p:files", "p:files:²"],
    "p:open": ["p:open:²", "p:open", "p:open:abc", f"p:open:{BIG}", "p:open:2147483648"],
    "p:full": ["p:full:²", "p:full", f"p:full:{BIG}"],
    "p:list": ["p:list:²", f"p:list:{BIG}", "p:list:x"],
    "p:queue": ["p:queue:²", f"p:queue:{BIG}"],
    "p:do": ["p:do:check:²", "p:do:check", "p:do:²:1", f"p:do:check:{BIG}"],
    "pd": ["pd:go:²", "pd:go", "pd:mt:1:²", f"pd:go:{BIG}"],
    "f": ["f:²:ans:jenis:sosial", "f:1", "f:x:ans:jenis", f"f:{BIG}:ans:jenis:x"],
    "rv": ["rv:ok:²", "rv:ok", f"rv:pledge:1:{BIG}", "rv:pledge:1:x"],
    "pa": ["pa:kind:²", "pa:kind", f"pa:kind:{BIG}:0"],
    "mn": ["mn:amt:²", "mn:amt", f"mn:amt:1:{BIG}"],
    "idea": ["idea:v:²", f"idea:v:{BIG}", "idea:v:x"],
    "an": ["an:rep:²", "an:rep:x:", f"an:rep:{BIG}"],
    "an:ack": ["an:ack:²", "an:ack", "an:ack:x"],
    "mt:f": ["mt:f:²:ans:x", "mt:f:1", f"mt:f:{BIG}:ans:x"],
    "mt:rsvp": ["mt:rsvp:1:²", "mt:rsvp:²:y", "mt:rsvp", f"mt:rsvp:{BIG}:y"],
    "mt:view": ["mt:view:²", "mt:view", f"mt:view:{BIG}"],
    "mt:att": ["mt:att:1:2:²", "mt:att:1", f"mt:att:1:{BIG}:1"],
    "mt:m": ["mt:m:²:open", "mt:m:1", f"mt:m:{BIG}:open"],
    "rp": ["rp:²", "rp:c:²", f"rp:x:{BIG}", "rp"],
}


@pytest.mark.parametrize("role", [Role.FASILITATOR, Role.KOORDINATOR])
async def test_forged_presses_get_the_polite_answer(
    world: World, role: Role, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.ERROR)
    user = world.sim.user(9101, first_name="Tia")
    if role == Role.FASILITATOR:
        await world.register(user, role, kota="Bandung")
    else:
        await world.register(user, role, bkm="BKM Sukamaju")
    await user.send("/menu")
    shown = await user.reply()
    pressed = [data for forged in FORGED.values() for data in forged]
    for data in pressed:
        await forge_press(user, shown, data)

    def answers() -> list[dict]:
        calls = world.sim.calls_to("answerCallbackQuery")
        return [a for a in calls if str(a["callback_query_id"]).startswith("forged")]

    await eventually(lambda: len(answers()) == len(pressed), within=30)
    await user.wait_idle()
    assert {a.get("text") for a in answers()} == {"Tombol ini sudah tidak berlaku."}
    assert not [r for r in caplog.records if r.exc_info]
    assert not [m for m in user.inbox if "gangguan" in m.plain]  # no "something went wrong"
