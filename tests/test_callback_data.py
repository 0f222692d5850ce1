"""The one parser every button press goes through (conversations/callback_data.py)."""

from __future__ import annotations

import pytest

from bot.domain.meetings import callbacks as meeting_callbacks
from bot.domain.proposals import callbacks
from conversations import callback_data
from conversations.features import build_routes
from conversations.proposal_views import money_data, review_data, view_data

# What the bot itself builds: every one must pass.
BUILT = [
    "menu:usulan", "ob:yes:AbC-d_e", "ob:no", "ob:lang:en", "lang:id", "priv:ask:delete",
    "inv:b:3", "inv:r:3:koordinator", view_data("PKT-2026-0042", "q2"), view_data("PKT-2026-0042"),
    callbacks.files("PKT-2026-0042"), callbacks.open_draft(17), callbacks.page("list", 2),
    "p:queue", callbacks.action("check", 17), callbacks.decide("out", 17, "approve"),
    callbacks.decide("mt", 17, 5), callbacks.form(17, "ans", "jenis", "lingkungan"),
    callbacks.form(17, "sel", "mitra", 4, 1), callbacks.form(0, "bkm", "3"),
    review_data("pledge", 17, 4), review_data("ok", 17), money_data("amt", 17, 1500000),
    "pa:kind:17:0", "idea:v:5", "idea:mine", "an:new", "an:aud:4:bkm:5", "an:ack:9",
    meeting_callbacks.rsvp(5, True, in_view=True), meeting_callbacks.view(5),
    meeting_callbacks.attendance(5, 8, False), meeting_callbacks.form(5, "ans", "peserta", "bkm", 2),
    meeting_callbacks.manage(5, "whenq", "besok-0900"), f"mt:view:{2**31 - 1}", money_data("amt", 17, 999_999_999_999_999),
]  # fmt: skip

FORGED = [
    "", "p:open:²", "p:open:١٢", "p:open:" + "9" * 19, "p:open:9223372036854775808", "p:open",
    "p:open:abc", "p:do:check", "p:do:²:1", "p:view:PKT-2026-0001:l²", "p:list:x", "pd:go",
    "f:x:ans:jenis", "rv:ok:1:x", "mt:att:1:2:3", "mt:rsvp:1:maybe", "an:ack", "idea:v:x",
    "inv:b:abc", "menu:usulan:extra", "priv:do:" + "9" * 25, "ob:yes:tok<en>", "lang:\n",
    "x" * 65, "p:view:PKT 1", "p:open:2147483648", "mn:amt:1:9223372036854775808",
]  # fmt: skip


@pytest.mark.parametrize("data", BUILT)
def test_what_the_bot_builds_passes(data: str) -> None:
    assert callback_data.parse(data) == data.split(":")


@pytest.mark.parametrize("data", FORGED)
def test_forged_data_is_refused(data: str) -> None:
    assert callback_data.parse(data) is None


def test_every_routed_prefix_has_a_shape() -> None:
    """A new feature's buttons get a shape here, or plain word parts are all they may carry."""
    unchecked = {"ob", "lang", "priv"}  # no ids: tokens, language codes and verbs only
    assert set(build_routes().callbacks) <= set(callback_data.SHAPES) | unchecked
