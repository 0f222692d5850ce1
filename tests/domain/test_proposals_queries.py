"""Who sees which proposals, one proposal by code, codes in free text, and the queues."""

from __future__ import annotations

import pytest

from bot.domain.actors import SYSTEM
from bot.domain.errors import NotFound
from bot.domain.proposals import queries, review, submit
from bot.domain.proposals.lifecycle import Action
from storage.models import Proposal
from tests.domain import factories as f


async def _world_with_proposals(db, clock):
    """A: in review (Dinas PUPR, Univ. Pasundan) · B: just submitted (Dinas Sosial) ·
    D1, D2: drafts of two anggota · C: submitted in Jayapura."""
    world = await f.seed(db, clock)
    a, code_a = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.check(s, clock, fasilitator, a)
        await review.complete(s, clock, fasilitator, a)
    clock.advance(hours=1)
    b, code_b = await f.submitted(db, clock, world, mitra=[world.dinas2])
    d1 = await f.draft(db, clock, world, "anggota")
    d2 = await f.draft(db, clock, world, "anggota2")
    c = await f.draft(db, clock, world, "koordinator_mks", mitra=[world.mitra_mks])
    koordinator_mks = await f.actor(db, world, "koordinator_mks")
    async with db.transaction() as s:
        code_c = (await submit.submit(s, clock, koordinator_mks, c)).code
    ids = {"A": a, "B": b, "D1": d1, "D2": d2, "C": c}
    return world, ids, {"A": code_a, "B": code_b, "C": code_c}


VISIBLE = {
    "koordinator": ["D2", "D1", "B", "A"],  # every proposal of the BKM, drafts too
    "koordinator2": ["D2", "D1", "B", "A"],
    "anggota": ["D1", "B", "A"],  # the BKM's submitted ones and their own draft
    "anggota2": ["D2", "B", "A"],
    "fasilitator": ["B", "A"],  # the kota, never drafts
    "fasilitator_jpr": ["C"],
    "koordinator_mks": ["C"],
    "mitra": ["A"],  # channelled to Dinas PUPR and past the completeness check
    "mitra_peduli": ["A"],
    "mitra_other": [],  # B is channelled to Dinas Sosial but not yet checked
    "warga": [],
}


@pytest.mark.parametrize(("who", "expected"), sorted(VISIBLE.items()))
async def test_each_role_sees_its_own_proposals_newest_first(db, clock, who, expected):
    world, ids, _codes = await _world_with_proposals(db, clock)
    names = {v: k for k, v in ids.items()}
    async with db.transaction() as s:
        page = await queries.visible_proposals(
            s, await f.actor(db, world, who), page=1, per_page=10
        )
    assert [names[item.id] for item in page.items] == expected
    assert page.total == len(expected)


async def test_people_with_the_same_roles_see_only_their_own_one_after_another(db, clock):
    """The statements are built once per combination of roles (access.Visibility) and reused:
    each person's own ids must go with them, not the first asker's."""
    world, ids, codes = await _world_with_proposals(db, clock)
    names = {v: k for k, v in ids.items()}
    for _ in range(2):  # the second time round, every statement comes from the cache
        for who, expected in sorted(VISIBLE.items()):
            async with db.transaction() as s:
                actor = await f.actor(db, world, who)
                page = await queries.visible_proposals(s, actor, page=1, per_page=10)
                assert [names[item.id] for item in page.items] == expected, who
                assert page.total == len(expected), who
                for proposal, code in codes.items():
                    try:
                        await queries.get_view(s, actor, code)
                        shown = True
                    except NotFound:
                        shown = False
                    assert shown == (proposal in expected), (who, proposal)


async def test_admin_sees_every_submitted_proposal(db, clock):
    _world, ids, _codes = await _world_with_proposals(db, clock)
    async with db.transaction() as s:
        page = await queries.visible_proposals(s, SYSTEM, page=1, per_page=10)
    assert [item.id for item in page.items] == [ids["C"], ids["B"], ids["A"]]


async def test_a_hidden_code_answers_exactly_like_an_unknown_one(db, clock):
    world, _ids, codes = await _world_with_proposals(db, clock)
    outsider = await f.actor(db, world, "fasilitator_jpr")
    errors = []
    for code in (codes["A"], "PKT-2026-0999"):
        async with db.transaction() as s:
            with pytest.raises(NotFound) as caught:
                await queries.get_view(s, outsider, code)
        errors.append(caught.value)
    hidden, unknown = errors
    assert type(hidden) is type(unknown) and hidden.message == unknown.message
    assert hidden.params == {"code": codes["A"]} and unknown.params == {"code": "PKT-2026-0999"}


async def test_get_view_shows_fields_partners_timeline_and_what_the_viewer_may_do(db, clock):
    world, ids, codes = await _world_with_proposals(db, clock)
    async with db.transaction() as s:
        as_fasilitator = await queries.get_view(
            s, await f.actor(db, world, "fasilitator"), codes["B"].lower()
        )
        as_koordinator = await queries.get_view(s, await f.actor(db, world, "koordinator"),
                                                f"gimana {codes['B']}?")  # fmt: skip
        as_mitra = await queries.get_view(s, await f.actor(db, world, "mitra"), codes["A"])
    assert as_fasilitator.id == ids["B"] and as_fasilitator.status_label == "Diajukan"
    assert as_fasilitator.actions == (Action.CHECK, Action.REVISE)
    assert as_koordinator.actions == (Action.WITHDRAW,) and not as_koordinator.editable
    assert as_mitra.actions == () and [p.name for p in as_mitra.partners] == [
        "Dinas PUPR Kota Bandung", "Universitas Pasundan",
    ]  # fmt: skip
    assert as_fasilitator.kelurahan_name == "Sukamaju" and as_fasilitator.timezone == "Asia/Jakarta"
    assert as_fasilitator.komponen_label == "Jalan lingkungan"
    assert [e.actor_label for e in as_mitra.timeline] == [
        "anggota:BKM Sukamaju", "koordinator:BKM Sukamaju", "fasilitator:Bandung",
        "fasilitator:Bandung",
    ]  # fmt: skip


async def test_drafts_are_viewed_by_id_by_their_bkm_only(db, clock):
    world, ids, _codes = await _world_with_proposals(db, clock)
    async with db.transaction() as s:
        view = await queries.view_by_id(s, await f.actor(db, world, "koordinator"), ids["D1"])
        assert view.code is None and view.editable and view.actions == (Action.SUBMIT,)
        for who in ("fasilitator", "anggota2", "mitra"):
            with pytest.raises(NotFound):
                await queries.view_by_id(s, await f.actor(db, world, who), ids["D1"])
        with pytest.raises(NotFound):
            await queries.view_by_id(s, await f.actor(db, world, "koordinator"), 999_999)


async def test_paging(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        for n in range(1, 8):
            s.add(Proposal(code=f"PKT-2026-{n:04d}", bkm_id=world.bkm, kota_id=world.kota,
                           status="diajukan", judul=f"Usulan {n}"))  # fmt: skip
    fasilitator = await f.actor(db, world, "fasilitator")
    seen = []
    for number in (1, 2, 3):
        async with db.transaction() as s:
            page = await queries.visible_proposals(s, fasilitator, page=number, per_page=3)
        seen.append([item.judul for item in page.items])
        assert page.pages == 3 and page.has_next == (number < 3)
        assert page.has_previous == (number > 1)
    assert seen == [["Usulan 7", "Usulan 6", "Usulan 5"], ["Usulan 4", "Usulan 3", "Usulan 2"],
                    ["Usulan 1"]]  # fmt: skip
    async with db.transaction() as s:  # a page past the end shows the last one
        assert (await queries.visible_proposals(s, fasilitator, page=9, per_page=3)).page == 3


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("gimana pkt-2026-0042?", ["PKT-2026-0042"]),
        ("PKT-2026-0042", ["PKT-2026-0042"]),
        ("Status PKT–2026–0042 dong", ["PKT-2026-0042"]),  # a phone's en dash
        ("pkt 2026 42", ["PKT-2026-0042"]),
        ("PKT-2026-0042 dan PKT-2027-0001, juga PKT-2026-0042", ["PKT-2026-0042", "PKT-2027-0001"]),
        ("PKT-2026-12345", ["PKT-2026-12345"]),
        ("tidak ada kode di sini", []),
        ("XPKT-2026-0042 atau PKT-2026-0042X", []),
        ("", []),
    ],
)
def test_find_codes(text, codes):
    assert queries.find_codes(text) == codes


async def test_review_queue_is_oldest_first_and_only_what_waits(db, clock):
    world, ids, _codes = await _world_with_proposals(db, clock)
    async with db.transaction() as s:
        queue = await queries.review_queue(s, await f.actor(db, world, "fasilitator"))
        queue_jpr = await queries.review_queue(s, await f.actor(db, world, "fasilitator_jpr"))
        nothing = await queries.review_queue(s, await f.actor(db, world, "koordinator"))
    assert [q.id for q in queue] == [ids["A"], ids["B"]]
    assert [q.id for q in queue_jpr] == [ids["C"]] and nothing == []
    async with db.transaction() as s:
        await review.reject(s, clock, await f.actor(db, world, "sekretaris"), ids["A"],
                            reason="Tidak sesuai prioritas PJM")  # fmt: skip
        queue = await queries.review_queue(s, await f.actor(db, world, "fasilitator"))
    assert [q.id for q in queue] == [ids["B"]]  # not approved: nothing more waits for them
