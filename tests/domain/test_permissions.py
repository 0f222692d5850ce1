"""The permission table: complete, agreeing with the life cycle, and each scope meaning one thing."""

from __future__ import annotations

import pytest

from bot.domain import permissions
from bot.domain.actors import Actor, Grant
from bot.domain.announcements import compose
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.permissions import TABLE, Act, Scope, holds
from bot.domain.proposals.lifecycle import ACTS, TRANSITIONS, Action, Who, may_act
from conversations.commands import COMMANDS
from storage.models import Bkm, Proposal, Role
from tests.domain import factories as f

# A kota with two BKMs, and a second kota; a mitra of the first.
KOTA, OTHER_KOTA, BKM, OTHER_BKM, MITRA, OTHER_MITRA, ME, SOMEONE = 1, 2, 10, 11, 20, 21, 7, 8


def person(role: Role, **scope: int) -> Actor:
    return Actor(person_id=ME, name="x", grants=(Grant(role, **scope),))


def scoped(role: Role) -> Actor:
    """`role` granted where the table's scopes can point: kota 1, BKM 10, or mitra 20."""
    if role in (Role.ANGGOTA, Role.KOORDINATOR, Role.WARGA):
        return person(role, bkm_id=BKM, kota_id=None)
    if role == Role.MITRA:
        return person(role, mitra_id=MITRA)
    if role == Role.ADMIN:
        return person(role)
    return person(role, kota_id=KOTA)


# Objects, each described as `holds` takes them, and which scopes cover them for `scoped()`.
OBJECTS: dict[str, tuple[dict[str, object], set[Scope]]] = {
    "own BKM, reviewed, channelled, mine": (
        {"kota_id": KOTA, "bkm_id": BKM, "owner_id": ME, "mitra_ids": {MITRA}, "reviewed": True},
        set(Scope),
    ),
    "own BKM, not reviewed, someone else's": (
        {"kota_id": KOTA, "bkm_id": BKM, "owner_id": SOMEONE, "mitra_ids": {MITRA}},
        {Scope.ANY, Scope.KOTA, Scope.BKM},
    ),
    "other BKM of the kota, reviewed, mine": (
        {"kota_id": KOTA, "bkm_id": OTHER_BKM, "owner_id": ME, "reviewed": True},
        {Scope.ANY, Scope.KOTA, Scope.KOTA_REVIEWED},
    ),
    "other kota, channelled to another mitra": (
        {"kota_id": OTHER_KOTA, "bkm_id": 99, "mitra_ids": {OTHER_MITRA}, "reviewed": True},
        {Scope.ANY},
    ),
}


def test_every_command_and_life_cycle_action_has_a_row():
    assert {Act("/" + c.key) for c in COMMANDS} == {a for a in Act if a.value.startswith("/")}
    assert set(ACTS.values()) <= set(TABLE)
    assert set(TABLE) == set(Act)


def test_the_life_cycle_names_the_role_its_row_gives_the_action():
    expected = {Who.KOORDINATOR: (Role.KOORDINATOR, Scope.BKM),
                Who.FASILITATOR: (Role.FASILITATOR, Scope.KOTA),
                Who.SEKRETARIS: (Role.SEKRETARIS, Scope.KOTA)}  # fmt: skip
    for action, transition in TRANSITIONS.items():
        role, scope = expected[transition.who]
        assert TABLE[ACTS[action]].scopes == {role: scope, Role.ADMIN: Scope.ANY}, action


@pytest.mark.parametrize("cell", permissions.table_rows(), ids="{0[0]}|{0[1]}".format)
def test_each_cell_covers_what_its_scope_says_and_nothing_else(cell):
    act, role, scope = Act(cell[0]), Role(cell[1]), Scope(cell[2])
    actor = scoped(role)
    rule = TABLE[act]
    for name, (where, covered_by) in OBJECTS.items():
        mine = rule.owner and where.get("owner_id") == ME
        assert holds(actor, act, **where) == (scope in covered_by or mine), name  # type: ignore[arg-type]


@pytest.mark.parametrize("act", list(Act))
def test_a_role_missing_from_a_row_may_not_take_it_anywhere(act):
    where, _ = OBJECTS["own BKM, reviewed, channelled, mine"]
    for role in set(Role) - TABLE[act].roles:
        assert not holds(scoped(role), act, **where) or TABLE[act].owner, role  # type: ignore[arg-type]


def test_nobody_without_grants_holds_anything_but_what_they_made():
    nobody = Actor(person_id=ME, name="x")
    where, _ = OBJECTS["own BKM, reviewed, channelled, mine"]
    held = {act for act in Act if holds(nobody, act, **where)}  # type: ignore[arg-type]
    assert held == {act for act in Act if TABLE[act].owner}


def test_the_admin_sees_no_draft_but_everything_else():
    admin = scoped(Role.ADMIN)
    assert not holds(admin, Act.PROPOSAL_SEE_DRAFT, bkm_id=BKM, kota_id=KOTA)
    assert all(holds(admin, act) for act in Act if Role.ADMIN in TABLE[act].roles)


def test_invitations_follow_the_row_and_the_roles_each_role_may_invite():
    bkm = Bkm(id=BKM, kota_id=KOTA, name="BKM Sukamaju", kelurahan="Sukamaju")
    other_kota_bkm = Bkm(id=99, kota_id=OTHER_KOTA, name="BKM Losari", kelurahan="Losari")
    koordinator, fasilitator = scoped(Role.KOORDINATOR), scoped(Role.FASILITATOR)
    permissions.ensure_can_invite(koordinator, Role.ANGGOTA, bkm)
    permissions.ensure_can_invite(fasilitator, Role.KOORDINATOR, bkm)
    for actor, role, target in (
        (koordinator, Role.KOORDINATOR, bkm),  # a role the koordinator may not give
        (koordinator, Role.ANGGOTA, Bkm(id=OTHER_BKM, kota_id=KOTA, name="B", kelurahan="B")),
        (fasilitator, Role.ANGGOTA, other_kota_bkm),
        (scoped(Role.ANGGOTA), Role.WARGA, bkm),
    ):
        with pytest.raises(NotAllowed):
            permissions.ensure_can_invite(actor, role, target)


def test_meetings_and_announcements_read_the_rows():
    organiser = scoped(Role.KOORDINATOR)
    assert permissions.may_call_meetings(organiser) and permissions.may_announce(organiser)
    assert not permissions.may_call_meetings(scoped(Role.ANGGOTA))
    assert permissions.may_manage_meeting(organiser, organiser_id=ME, kota_id=OTHER_KOTA)
    assert not permissions.may_manage_meeting(organiser, organiser_id=SOMEONE, kota_id=KOTA)
    fasilitator = scoped(Role.FASILITATOR)
    assert permissions.may_manage_announcement(fasilitator, author_id=SOMEONE, kota_id=KOTA)
    assert not permissions.may_manage_announcement(
        fasilitator, author_id=SOMEONE, kota_id=OTHER_KOTA
    )
    other = Bkm(id=OTHER_BKM, kota_id=KOTA, name="B", kelurahan="B")
    with pytest.raises(NotAllowed):
        permissions.ensure_can_announce(organiser, kota_id=KOTA, bkm=other)
    with pytest.raises(NotAllowed):
        permissions.ensure_can_invite_audience(organiser, kota_id=KOTA, bkm=None)
    permissions.ensure_can_invite_audience(fasilitator, kota_id=KOTA, bkm=None)


def test_may_act_reads_the_table_for_every_action_on_the_proposal_at_hand():
    proposal = Proposal(id=1, bkm_id=BKM, kota_id=KOTA, status="ditinjau", judul="x")
    elsewhere = Proposal(id=2, bkm_id=99, kota_id=OTHER_KOTA, status="ditinjau", judul="y")
    for action in Action:
        assert {r for r in Role if may_act(scoped(r), proposal, action)} == set(
            TABLE[ACTS[action]].roles
        ), action
        assert {r for r in Role if may_act(scoped(r), elsewhere, action)} == {Role.ADMIN}, action


async def test_an_announcement_draft_is_its_authors_alone(db, clock):
    """Found by the e2e table test: a fasilitator of the kota could open (and send) it."""
    world = await f.seed(db, clock)
    koordinator = await f.actor(db, world, "koordinator")
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        draft = await compose.start(s, clock, koordinator)
        await compose.set_body(s, clock, koordinator, draft.id, "Kerja bakti hari Ahad.")
        assert draft.id is not None
    async with db.transaction() as s:
        assert (await compose.load_draft(s, koordinator, draft.id)).id == draft.id
        with pytest.raises(NotFound) as refused:
            await compose.load(s, fasilitator, draft.id)
        with pytest.raises(NotFound) as missing:
            await compose.load(s, fasilitator, 987654)
    assert f.said(refused.value) == f.said(missing.value)
