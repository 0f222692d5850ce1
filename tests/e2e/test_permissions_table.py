"""The permission table, proven through the chat: every command and every button prefix, pressed
by every role, by a stranger, and by people of another BKM, kota and partner.

One world: a proposal under review (channelled to one partner), a draft, a scheduled meeting
and a meeting draft, an announcement sent to the BKM, and an idea. Then:

- every command, typed by everyone: allowed ones get their answer, the others the refusal (a
  stranger: "not registered");
- every button prefix, forged onto a fresh message by everyone, once with a real object's id
  and once with an id that does not exist. Who may see the object gets something else than
  "not found"; everyone else gets exactly what a missing object gets (same text, buttons and
  toast), so a refusal never says that the object exists. Who may act gets no refusal at all.

The expectations are written out by hand here, as the spec, not read from the table in code.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot.domain import areas, people
from bot.domain.actors import SYSTEM, actor_for, person_by_telegram
from bot.domain.announcements import compose, publish
from bot.domain.ideas import suggest
from bot.domain.meetings import form as meeting_form
from bot.simulator import SimMessage, SimUser
from conversations.commands import COMMANDS
from conversations.features import build_routes
from storage.models import Consent, Role
from tests.e2e.conftest import World, forge_press
from tests.e2e.meeting_setup import schedule_meeting
from tests.e2e.test_proposal_status import in_review, make_proposal, settle

REFUSED_COMMAND = "Maaf, perintah ini tidak tersedia untuk peran Bapak/Ibu."
NOT_REGISTERED = "Bapak/Ibu belum terdaftar. Mohon buka tautan undangan"
MISSING_CODE = "PKT-2026-9999"
STALE = "Tombol ini sudah tidak berlaku."
MISSING = 987654  # an id no object has

# name: (telegram id, role, scope); scope is a BKM, kota or mitra name.
PEOPLE: dict[str, tuple[int, Role | None, str | None]] = {
    "admin": (9100, Role.ADMIN, None),
    "fasilitator": (9101, Role.FASILITATOR, "Bandung"),
    "koordinator": (9102, Role.KOORDINATOR, "BKM Sukamaju"),
    "anggota": (9103, Role.ANGGOTA, "BKM Sukamaju"),
    "warga": (9104, Role.WARGA, "BKM Sukamaju"),
    "mitra": (9105, Role.MITRA, "Dinas PUPR Kota Bandung"),
    "panitia": (9106, Role.PANITIA, "Bandung"),
    "sekretaris": (9107, Role.SEKRETARIS, "Bandung"),
    "stranger": (9108, None, None),
    "koordinator_other_bkm": (9109, Role.KOORDINATOR, "BKM Cibeunying"),
    "fasilitator_other_kota": (9110, Role.FASILITATOR, "Makassar"),
    "sekretaris_other_kota": (9111, Role.SEKRETARIS, "Makassar"),
    "mitra_other": (9112, Role.MITRA, "Yayasan Peduli Bandung"),
}
EVERYONE = frozenset(PEOPLE) - {"stranger"}
BKM_LEAD = {"koordinator", "koordinator_other_bkm"}
FASILITATORS = {"fasilitator", "fasilitator_other_kota"}
MITRA = {"mitra", "mitra_other"}
SEKRETARIS = {"sekretaris", "sekretaris_other_kota"}

# Who may use each command (by role, wherever their scope is).
COMMAND_USERS: dict[str, set[str]] = {
    "start": set(PEOPLE),
    "bahasa": set(PEOPLE),
    "bantuan": set(PEOPLE),
    "batal": set(PEOPLE),
    "privasi": set(PEOPLE),  # what is stored about me: anyone may ask (UU PDP)
    "menu": set(EVERYONE),
    "rapat": set(EVERYONE),
    "usulan": {"admin", "anggota"} | BKM_LEAD,
    "status": {"admin", "anggota", "panitia"} | BKM_LEAD | FASILITATORS | MITRA | SEKRETARIS,
    "tinjau": {"admin", "panitia"} | FASILITATORS | MITRA | SEKRETARIS,
    "rapatbaru": {"admin"} | FASILITATORS | BKM_LEAD,
    "umumkan": {"admin"} | FASILITATORS | BKM_LEAD,
    "usul_ide": {"admin", "anggota", "warga"} | BKM_LEAD,
    "ide": {"admin", "anggota"} | BKM_LEAD,
    "undang": {"admin"} | FASILITATORS | BKM_LEAD,
    "laporan": {"admin", "panitia"} | FASILITATORS | BKM_LEAD | MITRA | SEKRETARIS,
}

# The proposal under review: its BKM, its kota's fasilitator and committee, its partner.
SEE_PROPOSAL = {"admin", "fasilitator", "koordinator", "anggota", "mitra", "panitia", "sekretaris"}
# The draft: its author and the BKM's koordinator; the admin may open the form too.
SEE_DRAFT = {"anggota", "koordinator", "admin"}
# The meeting of BKM Sukamaju, called by its koordinator: the invitees and who manages it.
SEE_MEETING = {"admin", "fasilitator", "koordinator", "anggota", "warga"}
MANAGE_MEETING = {"admin", "fasilitator", "koordinator"}
INVITEES = {"anggota", "warga"}  # the organiser is not on the list
# The announcement the koordinator sent to the BKM.
MANAGE_ANNOUNCEMENT = {"admin", "fasilitator", "koordinator"}
# The idea a warga suggested to the BKM: its members, and its author.
SEE_IDEA = {"admin", "anggota", "koordinator", "warga"}


@dataclass(frozen=True)
class Probe:
    """A button, with the real object's data and a missing one's; who sees, who may act."""

    prefix: str
    real: str
    missing: str
    sees: set[str]
    may: set[str]


@dataclass(frozen=True)
class Objects:
    proposal: int
    code: str
    draft: int
    meeting: int
    meeting_draft: int
    announcement: int
    announcement_draft: int
    idea: int
    bkm: int
    dinas: int


def probes(o: Objects) -> list[Probe]:
    """One probe per callback prefix the router knows (object-bound ones)."""
    m = MISSING
    return [
        Probe("p:view", f"p:view:{o.code}", f"p:view:{MISSING_CODE}", SEE_PROPOSAL, SEE_PROPOSAL),
        Probe("p:files", f"p:files:{o.code}", f"p:files:{MISSING_CODE}", SEE_PROPOSAL, SEE_PROPOSAL),
        Probe("p:full", f"p:full:{o.proposal}", f"p:full:{m}", SEE_PROPOSAL, SEE_PROPOSAL),
        Probe("p:open", f"p:open:{o.draft}", f"p:open:{m}", SEE_DRAFT, SEE_DRAFT),
        Probe("f", f"f:{o.draft}:edit:judul", f"f:{m}:edit:judul", SEE_DRAFT, SEE_DRAFT),
        Probe("p:do", f"p:do:revise:{o.proposal}", f"p:do:revise:{m}", SEE_PROPOSAL,
              {"admin", "fasilitator"}),
        Probe("rv", f"rv:ok:{o.proposal}", f"rv:ok:{m}", SEE_PROPOSAL, {"admin", "koordinator"}),
        Probe("pd", f"pd:go:{o.proposal}", f"pd:go:{m}", SEE_PROPOSAL, {"admin", "sekretaris"}),
        Probe("rv", f"rv:pledge:{o.proposal}:{o.dinas}", f"rv:pledge:{m}:{o.dinas}",
              SEE_PROPOSAL, {"mitra"}),
        # A partner's answer goes on from the pledge above (the other buttons need no object).
        Probe("pa", f"pa:kind:{o.proposal}:0", f"pa:kind:{m}:0", {"mitra"}, {"mitra"}),
        Probe("mn", f"mn:att:{o.proposal}", f"mn:att:{m}", SEE_PROPOSAL,
              {"admin", "fasilitator"}),
        Probe("mt:view", f"mt:view:{o.meeting}", f"mt:view:{m}", SEE_MEETING, SEE_MEETING),
        # Only invitees answer; to anyone else the meeting is one they cannot find.
        Probe("mt:rsvp", f"mt:rsvp:{o.meeting}:y", f"mt:rsvp:{m}:y", INVITEES, INVITEES),
        Probe("mt:m", f"mt:m:{o.meeting}:when", f"mt:m:{m}:when", SEE_MEETING, MANAGE_MEETING),
        Probe("mt:att", f"mt:att:{o.meeting}:1:1", f"mt:att:{m}:1:1", SEE_MEETING, set()),
        Probe("mt:f", f"mt:f:{o.meeting_draft}:sum:x", f"mt:f:{m}:sum:x", {"koordinator"},
              {"koordinator"}),
        Probe("an", f"an:rep:{o.announcement}", f"an:rep:{m}", MANAGE_ANNOUNCEMENT,
              MANAGE_ANNOUNCEMENT),
        # A draft is its author's alone: the fasilitator who manages what was sent sees none.
        Probe("an", f"an:later:{o.announcement_draft}", f"an:later:{m}", {"koordinator"},
              {"koordinator"}),
        Probe("an:ack", f"an:ack:{o.announcement}", f"an:ack:{m}", {"anggota", "warga"},
              {"anggota", "warga"}),
        Probe("idea", f"idea:v:{o.idea}", f"idea:v:{m}", SEE_IDEA, SEE_IDEA),
        Probe("inv", f"inv:b:{o.bkm}", f"inv:b:{m}", {"admin", "fasilitator", "koordinator"},
              {"admin", "fasilitator", "koordinator"}),
    ]  # fmt: skip


# Prefixes that name no object of someone else's: the person's own lists, data and settings.
OWN_PREFIXES = {
    "p:list": "p:list:1",
    "p:queue": "p:queue:1",
    "priv": "priv:show",
    "lang": "lang:id",
    "ob": "ob:x",
    "menu": "menu:bantuan",
    "rp": "rp:again",  # reports: figures of the person's own area, by role
}
BEFORE_REGISTRATION = {"ob", "lang", "menu", "priv"}


async def _seed_person(world: World, name: str) -> None:
    telegram_id, role, scope = PEOPLE[name]
    if role is None:
        return
    async with world.db.transaction() as s:
        where: dict[str, Any] = {}
        if role in (Role.FASILITATOR, Role.PANITIA, Role.SEKRETARIS):
            where["kota"] = await areas.find_kota(s, scope or "")
        elif role == Role.MITRA:
            where["mitra"] = await areas.find_mitra(s, scope or "")
        elif scope is not None:
            where["bkm"] = await areas.find_bkm(s, scope)
        await people.grant_role(s, world.clock, SYSTEM, telegram_id=telegram_id, role=role, **where)
        person = await person_by_telegram(s, telegram_id)
        assert person is not None and person.id is not None
        person.name, person.locale, person.onboarding_step = name.title(), "id", None
        s.add(person)
        s.add(
            Consent(person_id=person.id, notice_version="t", decision="given", at=world.clock.now())
        )


async def _actor(world: World, name: str):
    async with world.db.transaction() as s:
        return await _actor_in(s, name)


async def _objects(world: World, users: dict[str, SimUser]) -> Objects:
    koor, anggota, fas = users["koordinator"], users["anggota"], users["fasilitator"]
    proposal, code = await make_proposal(
        world, anggota, koor, partners=("Dinas PUPR Kota Bandung",), judul="Drainase RW 07"
    )
    await in_review(world, fas, proposal)
    draft, _ = await make_proposal(world, anggota, judul="Draf sanitasi")
    meeting = await schedule_meeting(
        world.db, world.clock, PEOPLE["koordinator"][0], bkm="BKM Sukamaju", when="besok 14.00"
    )
    koordinator = await _actor(world, "koordinator")
    async with world.db.transaction() as s:
        meeting_draft = await meeting_form.start_or_resume(s, world.clock, koordinator)
        bkm = await areas.find_bkm(s, "BKM Sukamaju")
        dinas = await areas.find_mitra(s, "Dinas PUPR Kota Bandung")
        announcement = await compose.start(s, world.clock, koordinator)
        assert announcement.id is not None and bkm.id is not None
        await compose.set_body(s, world.clock, koordinator, announcement.id, "Kerja bakti Ahad.")
        await compose.set_audience(s, world.clock, koordinator, announcement.id, f"bkm:{bkm.id}")
        await compose.set_send_at(s, world.clock, koordinator, announcement.id, None)
        await publish.confirm(s, world.clock, koordinator, announcement.id, quiet=None)
        draft_announcement = await compose.start(s, world.clock, koordinator)
        await compose.set_body(s, world.clock, koordinator, draft_announcement.id, "Masih draf.")
        idea = await suggest(
            s, world.clock, await _actor_in(s, "warga"), bkm_id=bkm.id,
            text="Bagaimana kalau taman baca di balai RW?",
        )  # fmt: skip
    assert meeting_draft.id and idea.id and dinas.id and draft_announcement.id
    return Objects(
        proposal, code, draft, meeting, meeting_draft.id, announcement.id, draft_announcement.id,
        idea.id, bkm.id, dinas.id,
    )  # fmt: skip


async def _actor_in(s, name: str):
    person = await person_by_telegram(s, PEOPLE[name][0])
    assert person is not None
    return await actor_for(s, person)


_ANCHORS: dict[int, SimMessage] = {}


async def _anchor(user: SimUser) -> SimMessage:
    """A bot message as /bantuan sent it, to hang a forged button on (/bantuan answers all).

    Kept while no press edits or deletes it: most answers are a toast or a new message.
    """
    kept = _ANCHORS.get(user.id)
    if kept is not None and not kept.edited and not kept.deleted:
        return kept
    user.clear()
    await user.send("/bantuan")
    _ANCHORS[user.id] = message = await user.reply()
    await user.wait_idle(quiet=0.05)
    user.clear()
    return message


def _state(message: SimMessage) -> object:
    return "deleted" if message.deleted else (message.plain, tuple(message.button_labels()))


async def _answer(user: SimUser, data: str) -> tuple[object, ...]:
    """What pressing `data` did: the toast, the pressed message as it is now, new messages."""
    anchor = await _anchor(user)
    seen = len(user.callback_answers)
    await forge_press(user, anchor, data)
    await user.wait_idle(quiet=0.1)
    toasts = tuple(a["text"] or "" for a in user.callback_answers[seen:])
    new = tuple((m.plain, tuple(m.button_labels())) for m in user.unread)
    user.clear()
    return toasts, _state(anchor), new


def _refused(answer: str) -> bool:
    """A "not found", a stale-button toast, or "not registered", anywhere in the answer."""
    return STALE in answer or "tidak ditemukan" in answer or NOT_REGISTERED in answer


async def _said(user: SimUser, refusal: str | None) -> str:
    """Everything the bot said to a command; waits for `refusal` when one is due.

    A late message of the command before may come first: waiting for the refusal itself keeps
    it from being taken for the next command's answer.
    """
    said = [(await user.reply(timeout=15)).plain]
    while refusal is not None and not any(refusal in text for text in said):
        said.append((await user.reply(timeout=15)).plain)
    await user.wait_idle(quiet=0.15)
    said += [m.plain for m in user.unread]
    user.clear()
    return "\n".join(said)


async def _commands(user: SimUser, name: str, problems: list[str]) -> None:
    for command in COMMANDS:
        allowed = name in COMMAND_USERS[command.key]
        refusal = None if allowed else NOT_REGISTERED if name == "stranger" else REFUSED_COMMAND
        await user.send(f"/{command.id_name}")
        try:
            said = await _said(user, refusal)
        except AssertionError as silent:
            problems.append(f"{name} /{command.key}: no refusal: {silent}")
            continue
        if allowed and (REFUSED_COMMAND in said or NOT_REGISTERED in said.split("\n")[0]):
            problems.append(f"{name} /{command.key}: refused, should be allowed: {said!r}")


async def _buttons(user: SimUser, name: str, o: Objects, problems: list[str]) -> None:
    for probe in probes(o):
        if name == "stranger":  # before anything else: not registered, whatever the button
            answer = str(await _answer(user, probe.real))
            if f"('{NOT_REGISTERED}" not in answer:
                problems.append(f"stranger {probe.real}: not refused: {answer}")
            continue
        # The code typed is echoed ("usulan PKT-… tidak ditemukan"): compare without it.
        real = str(await _answer(user, probe.real)).replace(o.code, MISSING_CODE)
        if name in probe.may:  # its normal answer, whatever a missing one would say
            if _refused(real):
                problems.append(f"{name} {probe.real}: refused, should be allowed: {real}")
            continue
        missing = str(await _answer(user, probe.missing))
        if not _refused(missing):
            problems.append(f"{name} {probe.missing}: a missing object was not refused: {missing}")
        if name in probe.sees:  # may see it, not act on it: a refusal that knows it exists
            if real == missing:
                problems.append(f"{name} {probe.real}: answered as if missing: {real}")
        elif real != missing:
            problems.append(f"{name} {probe.real}: differs from a missing one: {real} / {missing}")
    for prefix, data in OWN_PREFIXES.items():
        answer = str(await _answer(user, data))
        if name == "stranger" and prefix not in BEFORE_REGISTRATION:
            if f"('{NOT_REGISTERED}" not in answer:
                problems.append(f"stranger {data}: not refused: {answer}")
        elif name != "stranger" and NOT_REGISTERED in answer:
            problems.append(f"{name} {data}: refused as unregistered: {answer}")


async def test_every_command_and_button_as_every_role(world: World):
    _ANCHORS.clear()  # messages of another runtime's run
    users = {
        name: world.sim.user(tid, first_name=name.title()) for name, (tid, _, _) in PEOPLE.items()
    }
    for name in PEOPLE:
        await _seed_person(world, name)
    for user in users.values():  # each opens the chat, so that notifications reach them
        await _anchor(user)
    objects = await _objects(world, users)
    await settle(world, *users.values())

    # Every callback prefix the router knows has a probe (a new feature must add its own).
    known = {p.prefix for p in probes(objects)} | set(OWN_PREFIXES)
    assert set(build_routes().callbacks) - known == set()

    problems: list[str] = []
    await asyncio.gather(*(_commands(users[n], n, problems) for n in PEOPLE))
    await settle(world, *users.values())
    await asyncio.gather(*(_buttons(users[n], n, objects, problems) for n in PEOPLE))
    assert problems == [], "\n".join(problems)
