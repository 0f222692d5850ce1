"""Small factories for proposal tests: two kota, three BKM, partners, and people with roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM, Actor, actor_for
from bot.domain.errors import DomainError
from bot.domain.proposals import form, submit
from bot.domain.proposals.validators import FileRef
from bot.i18n import Translator
from storage.db import Database
from storage.models import AuditLog, Outbox, Person, Proposal, Role
from tests.conftest import RECENT_ASSESSMENT

SKIP = object()


@dataclass
class World:
    """Ids of everything seeded; people by the name of their part."""

    kota: int
    kota_mks: int
    bkm: int
    bkm_awal: int
    bkm_mks: int
    dinas: int
    dinas2: int
    peduli: int
    peduli2: int
    mitra_mks: int
    people: dict[str, int]


async def _person(s, clock, telegram_id: int, locale: str = "id", **grant: Any) -> int:
    person = Person(telegram_id=telegram_id, name=f"Orang {telegram_id}", locale=locale)
    s.add(person)
    await s.flush()
    await people.grant_role(s, clock, SYSTEM, telegram_id=telegram_id, **grant)
    assert person.id is not None
    return person.id


async def seed(db: Database, clock) -> World:
    """Bandung (WIB) with an eligible BKM and one rated Awal; Jayapura (WIT) with another BKM."""
    async with db.transaction() as s:
        add_kota, add_bkm, add_mitra = areas.add_kota, areas.add_bkm, areas.add_mitra
        bdg = await add_kota(s, clock, SYSTEM, name="Bandung", timezone="Asia/Jakarta")
        jpr = await add_kota(s, clock, SYSTEM, name="Jayapura", timezone="Asia/Jayapura")
        bkm = await add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Sukamaju",
            kota="Bandung",
            kelurahan="Sukamaju",
            level="berdaya",
            assessed_on=RECENT_ASSESSMENT,
        )
        awal = await add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Awal",
            kota="Bandung",
            kelurahan="Cibeunying",
            level="awal",
            assessed_on=RECENT_ASSESSMENT,
        )
        mks = await add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Hamadi",
            kota="Jayapura",
            kelurahan="Hamadi",
            level="mandiri",
            assessed_on=RECENT_ASSESSMENT,
        )
        dinas = await add_mitra(
            s, clock, SYSTEM, name="Dinas PUPR Kota Bandung", kind="dinas", kota="Bandung"
        )
        dinas2 = await add_mitra(
            s, clock, SYSTEM, name="Dinas Sosial Kota Bandung", kind="dinas", kota="Bandung"
        )
        peduli = await add_mitra(
            s, clock, SYSTEM, name="Universitas Pasundan", kind="kelompok_peduli", kota="Bandung"
        )
        peduli2 = await add_mitra(
            s, clock, SYSTEM, name="CSR Bank Jabar", kind="kelompok_peduli", kota="Bandung"
        )
        mitra_mks = await add_mitra(
            s, clock, SYSTEM, name="Dinas PU Jayapura", kind="dinas", kota="Jayapura"
        )
        who = {
            "koordinator": await _person(s, clock, 101, role=Role.KOORDINATOR, bkm=bkm),
            "anggota": await _person(s, clock, 102, "en", role=Role.ANGGOTA, bkm=bkm),
            "koordinator2": await _person(s, clock, 103, role=Role.KOORDINATOR, bkm=bkm),
            "anggota2": await _person(s, clock, 104, role=Role.ANGGOTA, bkm=bkm),
            "koordinator_awal": await _person(s, clock, 105, role=Role.KOORDINATOR, bkm=awal),
            "koordinator_mks": await _person(s, clock, 106, role=Role.KOORDINATOR, bkm=mks),
            "fasilitator": await _person(s, clock, 201, role=Role.FASILITATOR, kota=bdg),
            "fasilitator_jpr": await _person(s, clock, 202, role=Role.FASILITATOR, kota=jpr),
            "mitra": await _person(s, clock, 301, role=Role.MITRA, mitra=dinas),
            "mitra_peduli": await _person(s, clock, 302, "en", role=Role.MITRA, mitra=peduli),
            "mitra_other": await _person(s, clock, 303, role=Role.MITRA, mitra=dinas2),
            "warga": await _person(s, clock, 401, role=Role.WARGA, bkm=bkm),
            # The committee (Panitia Kemitraan) of Bandung: a member, and its secretary.
            "panitia": await _person(s, clock, 501, role=Role.PANITIA, kota=bdg),
            "sekretaris": await _person(s, clock, 502, "en", role=Role.PANITIA, kota=bdg),
            "sekretaris_jpr": await _person(s, clock, 503, role=Role.SEKRETARIS, kota=jpr),
        }  # fmt: skip
        await people.grant_role(s, clock, SYSTEM, telegram_id=502, role=Role.SEKRETARIS, kota=bdg)
    ids = (bdg.id, jpr.id, bkm.id, awal.id, mks.id, dinas.id, dinas2.id, peduli.id, peduli2.id)
    assert all(i is not None for i in ids) and mitra_mks.id is not None
    return World(*ids, mitra_mks.id, who)  # type: ignore[arg-type]


async def actor(db: Database, world: World, who: str) -> Actor:
    async with db.transaction() as s:
        person = await s.get_one(Person, world.people[who])
        return await actor_for(s, person)


def answers(world: World, **overrides: object) -> dict[str, object]:
    """A complete, valid form: 15 juta = 10 juta BLM + 4 juta APBD kota + 1 juta swadaya."""
    base: dict[str, object] = {
        "judul": "Perbaikan jalan lingkungan RW 05",
        "jenis": "lingkungan",
        "komponen": "jalan",
        "uraian": "Memperbaiki jalan lingkungan sepanjang 200 meter yang rusak dan tergenang.",
        "volume": "200 m × 1,5 m",
        "rw": "05",
        "rt": "2",
        "lokasi": (-6.9, 107.6),
        "status_lahan": "negara",
        "kk": "120",
        "kk_miskin": "45",
        "jiwa": "400",
        "perempuan": "210",
        "rencana": "pjm",
        "rencana_program": "Perbaikan prasarana lingkungan",
        "anggaran_total": "15 juta",
        "sumber_dana": ["blm", "apbd_kota", "swadaya_tunai"],
        "dana_blm": "Rp 10.000.000",
        "dana_apbd_kota": "4jt",
        "dana_swadaya_tunai": "1 juta",
        "swadaya_hok": SKIP,
        "mitra": [world.dinas, world.peduli],
        "jadwal_mulai": "1/4/2026",
        "jadwal_selesai": "30 Juni 2026",
        "ksm_pelaksana": "KSM Maju Bersama",
        "pemeliharaan": "kpp",
        "lurah": "20/2/2026",
        "berita_acara": FileRef("photo", "berita-acara-rapat-bkm"),
        "lampiran": SKIP,
    }
    base.update(overrides)
    return base


async def fill(
    db: Database, clock, who: Actor, proposal_id: int, values: dict[str, object], until: str = ""
) -> None:
    """Answer (or skip) every question the form asks until the summary (or step `until`)."""
    for _ in range(60):
        async with db.transaction() as s:
            proposal = await form.load_form(s, who, proposal_id)
            where = form.position(proposal)
            if where.step is None or where.step.name == until:
                return
            name = where.step.name
            if values.get(name, SKIP) is SKIP:
                await form.skip_step(s, clock, who, proposal_id, step=name)
            else:
                await form.answer_step(s, clock, who, proposal_id, step=name, value=values[name])
    raise AssertionError("the form never reached its summary")


async def draft(db: Database, clock, world: World, who: str = "koordinator", **overrides) -> int:
    """A complete draft by `who`, at the summary."""
    author = await actor(db, world, who)
    async with db.transaction() as s:
        proposal = await form.start_or_resume_draft(s, clock, author)
        assert proposal.id is not None
        proposal_id = proposal.id
    await fill(db, clock, author, proposal_id, answers(world, **overrides))
    return proposal_id


async def at_step(
    db: Database, clock, world: World, step: str, who: str = "koordinator", **overrides
) -> tuple[Actor, int]:
    """A new draft by `who`, filled with valid answers up to (not including) `step`."""
    author = await actor(db, world, who)
    async with db.transaction() as s:
        proposal = await form.start_or_resume_draft(s, clock, author)
        assert proposal.id is not None
        proposal_id = proposal.id
    await fill(db, clock, author, proposal_id, answers(world, **overrides), until=step)
    return author, proposal_id


async def load(db: Database, proposal_id: int):
    async with db.transaction() as s:
        return await s.get_one(Proposal, proposal_id)


async def audit_actions(db: Database) -> list[str]:
    async with db.transaction() as s:
        return [a.action for a in (await s.exec(select(AuditLog).order_by(AuditLog.id))).all()]  # type: ignore[arg-type]


async def submitted(db: Database, clock, world: World, **overrides) -> tuple[int, str]:
    """A proposal drafted by the anggota and submitted by the koordinator: (id, code)."""
    proposal_id = await draft(db, clock, world, "anggota", **overrides)
    koordinator = await actor(db, world, "koordinator")
    async with db.transaction() as s:
        result = await submit.submit(s, clock, koordinator, proposal_id)
    assert result.code is not None
    return proposal_id, result.code


def said(error: DomainError) -> str:
    """An error's message with its placeholders filled, as a person would read it (Indonesian)."""
    return str(Translator("id")._(error.message, **error.params))


async def outbox_rows(
    db: Database, *, kind: str | None = None, files: bool = False
) -> list[Outbox]:
    """Queued messages (of `kind`); the calendar files that follow some of them with `files`."""
    async with db.transaction() as s:
        stmt = select(Outbox).order_by(Outbox.id)  # type: ignore[arg-type]
        rows = list((await s.exec(stmt)).all())
    return [
        r
        for r in rows
        if (kind is None or r.kind == kind) and (r.file_content is not None) == files
    ]


async def clear_outbox(db: Database) -> None:
    async with db.transaction() as s:
        for row in (await s.exec(select(Outbox))).all():
            await s.delete(row)


ASSESSED_LONG_AGO = date(2024, 12, 1)
