"""Notifications: the right people, each in their own language and time zone, with a button."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.proposals import notify, partners, review, submit
from bot.i18n import Translator
from storage.models import Person
from tests.domain import factories as f


@pytest.fixture
def translators(monkeypatch):
    """Record the (locale, time zone) each notification is rendered with."""
    made: list[tuple[str, str]] = []

    class Recording(Translator):
        def __init__(self, locale: str = "id", timezone: str = "Asia/Jakarta") -> None:
            super().__init__(locale, timezone)
            made.append((self.locale, timezone))

    monkeypatch.setattr(notify, "Translator", Recording)
    return made


ENGLISH = ("anggota", "mitra_peduli")  # the seeded people whose locale is "en"


def _to(world, rows):
    names = {v: k for k, v in world.people.items()}
    return sorted(names[r.person_id] for r in rows)


def _indonesian(world, rows):
    """Rows for people who read Indonesian (content checks use the msgid wording)."""
    english = {world.people[who] for who in ENGLISH}
    return [r for r in rows if r.person_id not in english]


async def test_submit_tells_the_author_the_other_koordinators_and_the_fasilitator(
    db, clock, translators
):
    world = await f.seed(db, clock)
    _pid, code = await f.submitted(db, clock, world)
    status = await f.outbox_rows(db, kind="proposal.status")
    # The koordinator who submitted is answered in the chat, not notified.
    assert _to(world, status) == ["anggota", "koordinator2"]
    assert _to(world, await f.outbox_rows(db, kind="proposal.review")) == ["fasilitator"]
    english = Translator("en")._("Lihat usulan")  # "Lihat usulan" itself until translated
    for row in await f.outbox_rows(db):
        label = english if row.person_id == world.people["anggota"] else "Lihat usulan"
        assert code in row.text
        assert row.buttons == [[{"label": label, "data": f"p:view:{code}"}]]
    koordinator2 = next(r for r in status if r.person_id == world.people["koordinator2"])
    anggota = next(r for r in status if r.person_id == world.people["anggota"])
    assert "<b>Diajukan</b>" in koordinator2.text
    en = Translator("en")
    assert anggota.text == en._(
        "Status usulan {code} “{judul}” sekarang: <b>{status}</b>.",
        code=code, judul="Perbaikan jalan lingkungan RW 05", status=en._("Diajukan"),
    )  # fmt: skip
    # The anggota's locale is "en": their message is rendered with an English translator
    # (the English catalog falls back to the Indonesian msgid until it is translated).
    assert ("en", "Asia/Jakarta") in translators and ("id", "Asia/Jakarta") in translators
    assert len(translators) == 3


async def test_each_person_gets_their_own_time_zone(db, clock, translators):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, "koordinator_mks", mitra=[world.mitra_mks])
    async with db.transaction() as s:
        await submit.submit(s, clock, await f.actor(db, world, "koordinator_mks"), pid)
    assert _to(world, await f.outbox_rows(db)) == ["fasilitator_jpr"]
    assert translators == [("id", "Asia/Jayapura")]


async def test_user_text_is_escaped_and_emoji_kept(db, clock):
    world = await f.seed(db, clock)
    _pid, _code = await f.submitted(db, clock, world, judul="Jalan <RT 02> & gang 🚧")
    for row in await f.outbox_rows(db):
        assert "Jalan &lt;RT 02&gt; &amp; gang 🚧" in row.text and "<RT" not in row.text


@pytest.mark.parametrize(
    ("fn", "kw", "status", "says"),
    [
        (review.check, {}, "Sedang diperiksa", None),
        (
            review.request_revision,
            {"note": "Mohon lampirkan RAB lengkap"},
            "Perlu perbaikan",
            "Catatan: Mohon lampirkan RAB lengkap",
        ),
    ],
)
async def test_each_review_action_tells_the_author_and_every_koordinator(
    db, clock, fn, kw, status, says
):
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    await f.clear_outbox(db)
    async with db.transaction() as s:
        await fn(s, clock, await f.actor(db, world, "fasilitator"), pid, **kw)
    rows = await f.outbox_rows(db)
    assert _to(world, rows) == ["anggota", "koordinator", "koordinator2"]
    assert all(f"<b>{status}</b>" in r.text for r in _indonesian(world, rows))
    assert says is None or all(says in r.text for r in _indonesian(world, rows))


async def test_completion_channels_to_the_chosen_mitra_only(db, clock):
    world = await f.seed(db, clock)
    pid, code = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.check(s, clock, fasilitator, pid)
    await f.clear_outbox(db)
    async with db.transaction() as s:
        await review.complete(s, clock, fasilitator, pid)
    channel = await f.outbox_rows(db, kind="proposal.channel")
    assert _to(world, channel) == ["mitra", "mitra_peduli"]  # not Dinas Sosial's reviewer
    assert "disalurkan kepada Dinas PUPR Kota Bandung" in channel[0].text
    assert all(code in r.text and f"p:view:{code}" in str(r.buttons) for r in channel)
    assert _to(world, await f.outbox_rows(db, kind="proposal.status")) == [
        "anggota", "koordinator", "koordinator2",
    ]  # fmt: skip


async def test_amounts_and_reasons_are_in_the_message(db, clock):
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        for fn in (review.check, review.complete):
            await fn(s, clock, fasilitator, pid)
        # The committee's secretary records its decision; the fasilitator disburses.
        await review.approve(s, clock, await f.actor(db, world, "sekretaris"), pid,
                             amount=10_000_000)  # fmt: skip
    await f.clear_outbox(db)
    async with db.transaction() as s:
        await review.disburse(s, clock, fasilitator, pid, amount=4_000_000, tranche=1)
    (row, *_) = _indonesian(world, await f.outbox_rows(db))
    assert "Rp4.000.000 (seluruhnya Rp4.000.000 dari Rp10.000.000)" in row.text
    pid2, _ = await f.submitted(db, clock, world)
    await f.clear_outbox(db)
    async with db.transaction() as s:
        await submit.withdraw(s, clock, await f.actor(db, world, "koordinator"), pid2,
                              reason="Sudah didanai CSR")  # fmt: skip
    rows = await f.outbox_rows(db)
    assert _to(world, rows) == ["anggota", "fasilitator", "koordinator2"]
    assert all("Alasan: Sudah didanai CSR" in r.text for r in _indonesian(world, rows))
    assert all("Sudah didanai CSR" in r.text for r in rows)


async def test_a_partner_answer_tells_the_bkm(db, clock):
    world = await f.seed(db, clock)
    pid, code = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.check(s, clock, fasilitator, pid)
        await review.complete(s, clock, fasilitator, pid)
    await f.clear_outbox(db)
    async with db.transaction() as s:
        await partners.answer_as_mitra(s, clock, await f.actor(db, world, "mitra"), pid,
                                       pledge=5_000_000, decline_reason=None)  # fmt: skip
    rows = await f.outbox_rows(db)
    # The BKM, and the fasilitator, who hears every partner answer.
    assert _to(world, rows) == ["anggota", "fasilitator", "koordinator", "koordinator2"]
    assert all(r.kind == "proposal.partner" for r in rows)
    said = _indonesian(world, rows)[0].text
    assert (
        "Dinas PUPR Kota Bandung menyampaikan rencana dukungan untuk usulan "
        f"{code} “Perbaikan jalan lingkungan RW 05” (BKM Sukamaju): dana tunai Rp5.000.000. "
        "Ini rencana, belum dana yang pasti diterima."
    ) in said
    # Each reader sees the amount written their way (Rp5.000.000 / Rp5,000,000).
    english = {world.people[who] for who in ENGLISH}
    assert all(
        ("Rp5,000,000" if r.person_id in english else "Rp5.000.000") in r.text
        and f"p:view:{code}" in str(r.buttons)
        for r in rows
    )


async def test_unreachable_and_deleted_people_are_skipped(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        koordinator2 = await s.get_one(Person, world.people["koordinator2"])
        koordinator2.unreachable_at = datetime(2026, 3, 1, tzinfo=UTC)
        s.add(koordinator2)
    await f.submitted(db, clock, world)
    assert _to(world, await f.outbox_rows(db, kind="proposal.status")) == ["anggota"]


async def test_every_status_change_is_audited_and_on_the_timeline(db, clock):
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.check(s, clock, fasilitator, pid)
        await review.request_revision(s, clock, fasilitator, pid, note="Mohon perbaiki RAB-nya")
        await submit.resubmit(s, clock, await f.actor(db, world, "koordinator"), pid)
    actions = [a for a in await f.audit_actions(db) if a.split(".")[1] in
               {"submit", "check", "revise", "resubmit"}]  # fmt: skip
    assert actions == ["proposal.submit", "proposal.check", "proposal.revise", "proposal.resubmit"]
