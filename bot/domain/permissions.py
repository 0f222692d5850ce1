"""Who may do what, as one table: role × action → scope. Every check in the service reads it.

A row is an action (a chat command, or something done to a proposal, meeting, announcement or
idea); each role that may take it has a scope saying *which* objects: any, those of the kota
of the grant, of the BKM of the grant, those channelled to the grant's mitra, or (for a
proposal) those that have reached review. A role missing from a row may not take the action
anywhere. "owner" lets the person who made the object (organiser, author) act whatever role
they hold now.

Commands are checked when typed (`conversations.commands.allowed`); the object-level checks in
the domain (`holds`, `ensure`) then decide for the object at hand, and every refusal of an
object the person may not see reads exactly like one that does not exist.

The table is printed for a reader by `table_rows()` (used by the tests and the docs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.actors import Actor, Grant
from bot.domain.errors import NotAllowed
from storage.models import Bkm, Role


class Scope(StrEnum):
    """Which objects a role's grant covers for one action."""

    ANY = "any"  # wherever (a command before its object is known; the admin)
    KOTA = "kota"  # objects of the kota the grant names
    BKM = "bkm"  # objects of the BKM the grant names
    AUTHOR_BKM = "author_bkm"  # what the person wrote, while still in the BKM of the grant
    MITRA = "mitra"  # proposals channelled to the grant's mitra (after the completeness check)
    KOTA_REVIEWED = "kota_reviewed"  # proposals of the grant's kota that reached review


class Act(StrEnum):
    """Every action the table speaks of: "/x" for a command, "object.verb" for the domain."""

    # Commands (conversations/commands.py, one per entry; the public ones also before sign-up).
    CMD_START = "/start"
    CMD_USULAN = "/usulan"
    CMD_STATUS = "/status"
    CMD_TINJAU = "/tinjau"
    CMD_RAPATBARU = "/rapatbaru"
    CMD_RAPAT = "/rapat"
    CMD_UMUMKAN = "/umumkan"
    CMD_USUL_IDE = "/usul_ide"
    CMD_IDE = "/ide"
    CMD_LAPORAN = "/laporan"
    CMD_UNDANG = "/undang"
    CMD_BAHASA = "/bahasa"
    CMD_PRIVASI = "/privasi"
    CMD_BANTUAN = "/bantuan"
    CMD_BATAL = "/batal"
    CMD_MENU = "/menu"
    # Proposals (bot/domain/proposals): seeing, writing, and each life-cycle action.
    PROPOSAL_SEE = "proposal.see"
    PROPOSAL_SEE_DRAFT = "proposal.see_draft"
    PROPOSAL_DRAFT = "proposal.draft"
    PROPOSAL_EDIT = "proposal.edit"
    PROPOSAL_ATTACH = "proposal.attach"
    PROPOSAL_SUBMIT = "proposal.submit"
    PROPOSAL_RESUBMIT = "proposal.resubmit"
    PROPOSAL_WITHDRAW = "proposal.withdraw"
    PROPOSAL_CHECK = "proposal.check"
    PROPOSAL_COMPLETE = "proposal.complete"
    PROPOSAL_REVISE = "proposal.revise"
    PROPOSAL_CORRECT = "proposal.correct"
    PROPOSAL_APPROVE = "proposal.approve"
    PROPOSAL_WAITLIST = "proposal.waitlist"
    PROPOSAL_REJECT = "proposal.reject"
    PROPOSAL_DISBURSE = "proposal.disburse"
    PROPOSAL_START = "proposal.start"
    PROPOSAL_FINISH = "proposal.finish"
    PROPOSAL_ANSWER = "proposal.answer"  # a mitra's support plan or decline
    # Meetings, announcements, ideas, invitations.
    MEETING_CALL = "meeting.call"
    MEETING_MANAGE = "meeting.manage"
    MEETING_DRAFT = "meeting.draft"
    ANNOUNCE = "announcement.send"
    ANNOUNCEMENT_DRAFT = "announcement.draft"
    ANNOUNCEMENT_MANAGE = "announcement.manage"
    IDEA_SUGGEST = "idea.suggest"
    IDEA_SEE = "idea.see"
    IDEA_DECLINE = "idea.decline"
    INVITE = "invite"


@dataclass(frozen=True)
class Rule:
    """The roles that may take one action, each with its scope; `owner`: the maker may too."""

    scopes: Mapping[Role, Scope]
    owner: bool = False
    roles: frozenset[Role] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.scopes))


R, S = Role, Scope
_ALL = {role: S.ANY for role in Role}
_MEMBERS = {R.ANGGOTA: S.ANY, R.KOORDINATOR: S.ANY, R.ADMIN: S.ANY}
_BKM_LEAD = {R.KOORDINATOR: S.BKM, R.ADMIN: S.ANY}
_FASILITATOR = {R.FASILITATOR: S.KOTA, R.ADMIN: S.ANY}
_SECRETARY = {R.SEKRETARIS: S.KOTA, R.ADMIN: S.ANY}
_ORGANISERS = {R.FASILITATOR: S.KOTA, R.KOORDINATOR: S.BKM, R.ADMIN: S.ANY}

# THE table. Admin rows are written out: the admin sees no one's draft.
TABLE: dict[Act, Rule] = {
    Act.CMD_START: Rule(_ALL),
    Act.CMD_USULAN: Rule(_MEMBERS),
    Act.CMD_STATUS: Rule({
        R.ANGGOTA: S.ANY, R.KOORDINATOR: S.ANY, R.FASILITATOR: S.ANY, R.MITRA: S.ANY,
        R.PANITIA: S.ANY, R.SEKRETARIS: S.ANY, R.ADMIN: S.ANY,
    }),
    Act.CMD_TINJAU: Rule({
        R.FASILITATOR: S.ANY, R.MITRA: S.ANY, R.PANITIA: S.ANY, R.SEKRETARIS: S.ANY,
        R.ADMIN: S.ANY,
    }),
    Act.CMD_RAPATBARU: Rule({R.FASILITATOR: S.ANY, R.KOORDINATOR: S.ANY, R.ADMIN: S.ANY}),
    Act.CMD_RAPAT: Rule(_ALL),
    Act.CMD_UMUMKAN: Rule({R.FASILITATOR: S.ANY, R.KOORDINATOR: S.ANY, R.ADMIN: S.ANY}),
    Act.CMD_USUL_IDE: Rule({**_MEMBERS, R.WARGA: S.ANY}),
    Act.CMD_IDE: Rule(_MEMBERS),
    # Reports: figures of the person's own area (bot/domain/reports/scope.py narrows them).
    Act.CMD_LAPORAN: Rule({
        R.FASILITATOR: S.ANY, R.KOORDINATOR: S.ANY, R.MITRA: S.ANY, R.PANITIA: S.ANY,
        R.SEKRETARIS: S.ANY, R.ADMIN: S.ANY,
    }),
    Act.CMD_UNDANG: Rule({R.KOORDINATOR: S.ANY, R.FASILITATOR: S.ANY, R.ADMIN: S.ANY}),
    Act.CMD_BAHASA: Rule(_ALL),
    Act.CMD_PRIVASI: Rule(_ALL),
    Act.CMD_BANTUAN: Rule(_ALL),
    Act.CMD_BATAL: Rule(_ALL),
    Act.CMD_MENU: Rule(_ALL),
    # A submitted proposal: its BKM, its kota's fasilitator, the partners it was channelled to
    # and the committee once it reached review. A draft: its author and the BKM's koordinator.
    Act.PROPOSAL_SEE: Rule({
        R.ANGGOTA: S.BKM, R.KOORDINATOR: S.BKM, R.FASILITATOR: S.KOTA, R.MITRA: S.MITRA,
        R.PANITIA: S.KOTA_REVIEWED, R.SEKRETARIS: S.KOTA_REVIEWED, R.ADMIN: S.ANY,
    }),
    Act.PROPOSAL_SEE_DRAFT: Rule({R.ANGGOTA: S.AUTHOR_BKM, R.KOORDINATOR: S.BKM}),
    Act.PROPOSAL_DRAFT: Rule({R.ANGGOTA: S.BKM, R.KOORDINATOR: S.BKM, R.ADMIN: S.ANY}),
    Act.PROPOSAL_EDIT: Rule({R.ANGGOTA: S.AUTHOR_BKM, R.KOORDINATOR: S.BKM, R.ADMIN: S.ANY}),
    Act.PROPOSAL_ATTACH: Rule({**_BKM_LEAD, **_FASILITATOR}),
    Act.PROPOSAL_SUBMIT: Rule(_BKM_LEAD),
    Act.PROPOSAL_RESUBMIT: Rule(_BKM_LEAD),
    Act.PROPOSAL_WITHDRAW: Rule(_BKM_LEAD),
    Act.PROPOSAL_CHECK: Rule(_FASILITATOR),
    Act.PROPOSAL_COMPLETE: Rule(_FASILITATOR),
    Act.PROPOSAL_REVISE: Rule(_FASILITATOR),
    Act.PROPOSAL_CORRECT: Rule(_FASILITATOR),
    # The committee decides in its meeting; its secretary records the decision.
    Act.PROPOSAL_APPROVE: Rule(_SECRETARY),
    Act.PROPOSAL_WAITLIST: Rule(_SECRETARY),
    Act.PROPOSAL_REJECT: Rule(_SECRETARY),
    Act.PROPOSAL_DISBURSE: Rule(_FASILITATOR),
    Act.PROPOSAL_START: Rule(_FASILITATOR),
    Act.PROPOSAL_FINISH: Rule(_FASILITATOR),
    Act.PROPOSAL_ANSWER: Rule({R.MITRA: S.MITRA}),
    Act.MEETING_CALL: Rule(_ORGANISERS),
    Act.MEETING_MANAGE: Rule(_FASILITATOR, owner=True),
    # A draft (meeting or announcement) is its author's alone, whoever manages what is sent.
    Act.MEETING_DRAFT: Rule({}, owner=True),
    Act.ANNOUNCE: Rule(_ORGANISERS),
    Act.ANNOUNCEMENT_DRAFT: Rule({}, owner=True),
    Act.ANNOUNCEMENT_MANAGE: Rule(_FASILITATOR, owner=True),
    Act.IDEA_SUGGEST: Rule({R.WARGA: S.BKM, R.ANGGOTA: S.BKM, R.KOORDINATOR: S.BKM, R.ADMIN: S.ANY}),
    Act.IDEA_SEE: Rule({R.ANGGOTA: S.BKM, R.KOORDINATOR: S.BKM, R.ADMIN: S.ANY}, owner=True),
    Act.IDEA_DECLINE: Rule(_BKM_LEAD),
    Act.INVITE: Rule(_ORGANISERS),
}  # fmt: skip

# Which roles each role may invite (admin may invite any role), within the INVITE row's scope.
INVITABLE: dict[Role, frozenset[Role]] = {
    Role.KOORDINATOR: frozenset({Role.ANGGOTA, Role.WARGA}),
    Role.FASILITATOR: frozenset({Role.KOORDINATOR, Role.ANGGOTA, Role.WARGA}),
}


def roles_for(act: Act) -> frozenset[Role]:
    """The roles the table gives `act` to (anywhere)."""
    return TABLE[act].roles


def _covers(grant: Grant, scope: Scope, where: _Where) -> bool:
    if scope == Scope.ANY:
        return True
    if scope == Scope.KOTA:
        return grant.kota_id is not None and grant.kota_id == where.kota_id
    if scope == Scope.KOTA_REVIEWED:
        return where.reviewed and grant.kota_id is not None and grant.kota_id == where.kota_id
    if scope == Scope.BKM:
        return grant.bkm_id is not None and grant.bkm_id == where.bkm_id
    if scope == Scope.AUTHOR_BKM:
        mine = where.owner_id is not None and where.owner_id == where.person_id
        return mine and grant.bkm_id is not None and grant.bkm_id == where.bkm_id
    return where.reviewed and grant.mitra_id is not None and grant.mitra_id in where.mitra_ids


@dataclass(frozen=True)
class _Where:
    """The object an action is about, as the scopes need it."""

    person_id: int | None
    kota_id: int | None
    bkm_id: int | None
    owner_id: int | None
    mitra_ids: frozenset[int]
    reviewed: bool


def covering(
    actor: Actor,
    act: Act,
    *,
    kota_id: int | None = None,
    bkm_id: int | None = None,
    owner_id: int | None = None,
    mitra_ids: Iterable[int] = (),
    reviewed: bool = False,
) -> list[Grant]:
    """The actor's grants that allow `act` on the object described (empty: refused)."""
    rule = TABLE[act]
    where = _Where(actor.person_id, kota_id, bkm_id, owner_id, frozenset(mitra_ids), reviewed)
    return [
        g for g in actor.grants if g.role in rule.roles and _covers(g, rule.scopes[g.role], where)
    ]


def holds(
    actor: Actor,
    act: Act,
    *,
    kota_id: int | None = None,
    bkm_id: int | None = None,
    owner_id: int | None = None,
    mitra_ids: Iterable[int] = (),
    reviewed: bool = False,
) -> bool:
    """May `actor` take `act` on the object in this kota / BKM / made by `owner_id`?"""
    rule = TABLE[act]
    if rule.owner and owner_id is not None and owner_id == actor.person_id:
        return True
    return bool(
        covering(
            actor, act, kota_id=kota_id, bkm_id=bkm_id, owner_id=owner_id,
            mitra_ids=mitra_ids, reviewed=reviewed,
        )
    )  # fmt: skip


def holds_somewhere(actor: Actor, act: Act) -> bool:
    """Whether any of the actor's grants gives them `act` for some object (to offer a button)."""
    return bool(actor.roles & roles_for(act))


def table_rows() -> list[tuple[str, str, str]]:
    """(action, role, scope) for every cell, for a reader or a test."""
    return [
        (act.value, role.value, scope.value)
        for act, rule in TABLE.items()
        for role, scope in rule.scopes.items()
    ]


# --- invitations -----------------------------------------------------------------------------


def invitable_roles(actor: Actor) -> set[Role]:
    if actor.is_admin:
        return set(Role)
    return {r for role in actor.roles for r in INVITABLE.get(role, frozenset())}


def ensure_can_invite(actor: Actor, role: Role, bkm: Bkm | None) -> None:
    """Koordinator → own BKM's members; fasilitator → BKMs in their kota; admin → anyone."""
    if actor.is_admin:
        return
    if role not in invitable_roles(actor):
        raise NotAllowed("Maaf, Bapak/Ibu tidak dapat mengundang peran ini.")
    if bkm is None:
        raise NotAllowed("Maaf, undangan ini harus untuk sebuah BKM.")
    grants = covering(actor, Act.INVITE, kota_id=bkm.kota_id, bkm_id=bkm.id)
    if any(role in INVITABLE.get(g.role, frozenset()) for g in grants):
        return
    raise NotAllowed("Maaf, Bapak/Ibu hanya dapat mengundang untuk BKM di wilayah Bapak/Ibu.")


# --- meetings --------------------------------------------------------------------------------


def may_call_meetings(actor: Actor) -> bool:
    """A fasilitator (in their area), a koordinator (their own BKM) or an admin."""
    return any(
        g.role == Role.ADMIN or g.kota_id is not None or g.bkm_id is not None
        for g in actor.grants
        if g.role in roles_for(Act.MEETING_CALL)
    )


def ensure_can_invite_audience(actor: Actor, *, kota_id: int, bkm: Bkm | None) -> None:
    """A fasilitator invites any audience of their kota; a koordinator only their own BKM.

    `bkm` is the one BKM invited, or None for a kota-wide audience (all BKMs, a role, mitra).
    """
    if holds(actor, Act.MEETING_CALL, kota_id=kota_id, bkm_id=bkm.id if bkm else None):
        return
    if actor.bkm_ids(Role.KOORDINATOR):
        raise NotAllowed("Maaf, koordinator hanya dapat mengundang warga BKM-nya sendiri.")
    raise NotAllowed("Maaf, Bapak/Ibu hanya dapat mengundang peserta di wilayah Bapak/Ibu.")


def may_manage_meeting(actor: Actor, *, organiser_id: int | None, kota_id: int) -> bool:
    """Reschedule, cancel, attendance, minutes: the organiser, a fasilitator of the kota, admin."""
    return holds(actor, Act.MEETING_MANAGE, kota_id=kota_id, owner_id=organiser_id)


# --- announcements ---------------------------------------------------------------------------


def may_announce(actor: Actor) -> bool:
    """A fasilitator (their area), a koordinator (their own BKM) or an admin."""
    return may_call_meetings(actor)


def ensure_can_announce(actor: Actor, *, kota_id: int, bkm: Bkm | None) -> None:
    """A fasilitator announces to any audience of their kota; a koordinator to their own BKM."""
    if holds(actor, Act.ANNOUNCE, kota_id=kota_id, bkm_id=bkm.id if bkm else None):
        return
    raise NotAllowed("Maaf, Bapak/Ibu hanya dapat mengumumkan kepada peserta di wilayah Bapak/Ibu.")


def may_manage_announcement(actor: Actor, *, author_id: int | None, kota_id: int) -> bool:
    """Report, stop, cancel: the author, a fasilitator of the kota, or an admin."""
    return holds(actor, Act.ANNOUNCEMENT_MANAGE, kota_id=kota_id, owner_id=author_id)
