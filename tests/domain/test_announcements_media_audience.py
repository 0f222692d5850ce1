"""Announcements: a photo or document with the text, several BKMs as one audience, and the
author's live progress message (queued ahead of the broadcast, then kept up to date)."""

from __future__ import annotations

import pytest

from bot.domain import people
from bot.domain.actors import SYSTEM
from bot.domain.announcements import compose, limits, progress, publish
from bot.domain.announcements.frame import FRAME_ROOM
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.outbox import mark_sent, mark_unreachable
from storage.announcement_models import Announcement, AnnouncementStatus
from storage.models import Bkm, OutboxPriority, Role
from tests.domain import factories as f

QUIET = (21, 6)
CAPTION_ROOM = limits.CAPTION_LIMIT - FRAME_ROOM


async def _start(db, clock, world, who="fasilitator"):
    actor = await f.actor(db, world, who)
    async with db.transaction() as s:
        draft = await compose.start(s, clock, actor)
        return actor, draft.id


async def test_a_photo_with_a_caption_goes_to_every_recipient_by_its_file_id(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _start(db, clock, world)
    async with db.transaction() as s:
        await compose.set_body(s, clock, actor, ann, "Teks yang diganti keterangan foto")
        await compose.set_file(s, clock, actor, ann, kind="photo", file_id="PHOTO-1",
                               caption="Kerja bakti <Sabtu> pukul 07.00")  # fmt: skip
        await compose.set_audience(s, clock, actor, ann, f"bkm:{world.bkm_awal}")
        await compose.set_send_at(s, clock, actor, ann, None)
        await publish.confirm(s, clock, actor, ann, quiet=QUIET)
    (row,) = await f.outbox_rows(db, kind="announcement")
    assert (row.media_kind, row.media_file_id) == ("photo", "PHOTO-1")
    assert row.text.endswith("Kerja bakti &lt;Sabtu&gt; pukul 07.00")
    assert row.buttons[0][0]["data"] == f"an:ack:{ann}"  # the button is on the photo itself
    assert limits.utf16_length(row.text) <= limits.CAPTION_LIMIT


async def test_a_document_without_a_caption_keeps_the_text_typed_before(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _start(db, clock, world)
    async with db.transaction() as s:
        await compose.set_body(s, clock, actor, ann, "Undangan terlampir.")
        draft = await compose.set_file(
            s, clock, actor, ann, kind="document", file_id="DOC-1", caption=""
        )
    assert (draft.body, draft.file_kind, draft.file_id) == ("Undangan terlampir.", "document",
                                                            "DOC-1")  # fmt: skip


async def test_text_too_long_for_a_caption_is_refused_with_the_count(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _start(db, clock, world)
    async with db.transaction() as s:
        await compose.set_body(s, clock, actor, ann, "a" * 2000)  # fine as a message
        with pytest.raises(InvalidInput) as refused:
            await compose.set_file(s, clock, actor, ann, kind="photo", file_id="P", caption="")
    assert refused.value.message == limits.TOO_LONG_CAPTION
    assert refused.value.params == {"count": 2000, "limit": CAPTION_ROOM}
    async with db.transaction() as s:
        with pytest.raises(InvalidInput) as refused:
            await compose.set_file(s, clock, actor, ann, kind="photo", file_id="P",
                                   caption="😀" * (CAPTION_ROOM // 2 + 1))  # fmt: skip
    assert refused.value.params["count"] == CAPTION_ROOM + 2  # as Telegram counts
    async with db.transaction() as s:  # with a file attached, a new text must fit a caption
        await compose.set_file(s, clock, actor, ann, kind="photo", file_id="P", caption="ok")
        with pytest.raises(InvalidInput):
            await compose.set_body(s, clock, actor, ann, "a" * (CAPTION_ROOM + 1))


async def test_several_bkms_reach_each_person_once(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:  # the koordinator of BKM Sukamaju is also in BKM Awal
        await people.grant_role(s, clock, SYSTEM, telegram_id=101, role=Role.ANGGOTA,
                                bkm=await s.get_one(Bkm, world.bkm_awal))  # fmt: skip
    actor, ann = await _start(db, clock, world)
    async with db.transaction() as s:
        await compose.set_body(s, clock, actor, ann, "Pelatihan pembukuan UPK.")
        await compose.start_several(s, clock, actor, ann)
        with pytest.raises(InvalidInput):  # nothing ticked yet
            await compose.finish_several(s, clock, actor, ann)
        for bkm in (world.bkm, world.bkm_awal, world.bkm_mks):
            if bkm == world.bkm_mks:  # another kota: not a choice
                with pytest.raises(InvalidInput):
                    await compose.toggle_bkm(s, clock, actor, ann, bkm)
            else:
                await compose.toggle_bkm(s, clock, actor, ann, bkm)
        draft = await compose.finish_several(s, clock, actor, ann)
        assert draft.audience == f"bkms:{world.bkm},{world.bkm_awal}"
        described = (await compose.describe_audience(s, draft)).params
        assert described == {"bkm": "BKM Awal, BKM Sukamaju"}
        await compose.set_send_at(s, clock, actor, ann, None)
        await publish.confirm(s, clock, actor, ann, quiet=QUIET)
    rows = await f.outbox_rows(db, kind="announcement")
    expected = ["anggota", "anggota2", "koordinator", "koordinator2", "koordinator_awal", "warga"]
    by_id = {v: k for k, v in world.people.items()}
    assert sorted(by_id[r.person_id] for r in rows) == expected
    actor2, again = await _start(db, clock, world)
    async with db.transaction() as s:  # unticking is saved too
        await compose.start_several(s, clock, actor2, again)
        await compose.toggle_bkm(s, clock, actor2, again, world.bkm)
        draft = await compose.toggle_bkm(s, clock, actor2, again, world.bkm)
        assert draft.audience == "bkms:"


async def test_a_koordinator_ticks_only_their_own_bkm(db, clock):
    world = await f.seed(db, clock)
    actor, ann = await _start(db, clock, world, "koordinator")
    async with db.transaction() as s:
        await compose.start_several(s, clock, actor, ann)
        with pytest.raises(NotAllowed):
            await compose.toggle_bkm(s, clock, actor, ann, world.bkm_awal)


async def _sent_now(db, clock, world, audience):
    actor, ann = await _start(db, clock, world)
    async with db.transaction() as s:
        await compose.set_body(s, clock, actor, ann, "Rapat besar Sabtu ini.")
        await compose.set_audience(s, clock, actor, ann, audience)
        await compose.set_send_at(s, clock, actor, ann, None)
        await publish.confirm(s, clock, actor, ann, quiet=QUIET, send_rate=1.0)
    return ann


async def _due(db, clock):
    async with db.transaction() as s:
        return await progress.due_updates(s, clock, send_rate=1.0)


async def test_the_progress_message_goes_first_then_follows_the_counts_to_the_report(db, clock):
    world = await f.seed(db, clock)
    ann = await _sent_now(db, clock, world, "role:koordinator")
    (message,) = await f.outbox_rows(db, kind=progress.KIND)
    assert message.person_id == world.people["fasilitator"]
    assert message.priority == OutboxPriority.PROMPT.value  # ahead of the broadcast
    assert "Menunggu: 3" in message.text and "sekitar 3 detik" in message.text
    assert [b["label"] for b in message.buttons[0] + message.buttons[1]] == [
        "🔄 Perbarui", "⏹ Hentikan pengiriman"]  # fmt: skip
    assert await _due(db, clock) == []  # not out yet: nothing to edit
    async with db.transaction() as s:
        await mark_sent(s, clock, message.id, 77)
    assert await _due(db, clock) == []  # out, and still true
    rows = {r.person_id: r for r in await f.outbox_rows(db, kind="announcement")}
    async with db.transaction() as s:
        await mark_sent(s, clock, rows[world.people["koordinator"]].id, 11)
    (edit,) = await _due(db, clock)
    assert (edit.chat_id, edit.message_id, edit.final) == (201, 77, False)
    assert "Terkirim: 1" in edit.text and "Menunggu: 2" in edit.text
    assert await _due(db, clock) != []  # until recorded as shown, it stays due
    async with db.transaction() as s:
        await progress.record_shown(s, edit)
    assert await _due(db, clock) == []
    async with db.transaction() as s:
        await mark_sent(s, clock, rows[world.people["koordinator2"]].id, 12)
        await mark_unreachable(s, clock, 105, "Forbidden: bot was blocked by the user")
    (report,) = await _due(db, clock)
    assert report.final and "· Terkirim" in report.text and "Perkiraan" not in report.text
    assert "• Orang 105 (BKM Awal)" in report.text
    assert [b.label for row in report.buttons for b in row] == ["🔄 Perbarui"]
    async with db.transaction() as s:
        await progress.record_shown(s, report)
        found = await s.get_one(Announcement, ann)
    assert found.status == AnnouncementStatus.SENT and found.progress_final
    assert await _due(db, clock) == []


async def test_an_author_who_cannot_be_reached_gets_no_progress_edits(db, clock):
    world = await f.seed(db, clock)
    ann = await _sent_now(db, clock, world, "role:koordinator")
    async with db.transaction() as s:
        await mark_unreachable(s, clock, 201, "Forbidden: bot was blocked by the user")
    assert await _due(db, clock) == []
    async with db.transaction() as s:
        assert (await s.get_one(Announcement, ann)).progress_final


async def test_a_long_list_of_unreachable_people_is_cut_to_fit_one_message(db, clock):
    from bot.domain.announcements.queries import Progress, Unreachable
    from bot.i18n import Translator

    lost = tuple(Unreachable(f"Warga {i} " + "x" * 60, ("BKM " + "y" * 40,)) for i in range(500))
    shown = progress.text(
        Translator("id"),
        Progress(Announcement(id=1, kota_id=1, status="terkirim"), failed=500, unreachable=lost),
        25.0,
    )
    assert limits.utf16_length(shown) <= limits.TEXT_LIMIT
    assert "… dan 470 orang lainnya" in shown
