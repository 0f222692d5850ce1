"""The rows behind a report, one table per sheet, as plain values (no file format here).

Personal data: no NIK (never stored), no phone number, no person's name. Timelines name who
acted by role and organisation ("fasilitator:Bandung"), as the chat does; meetings and
announcements give counts, not who. Times are in each kota's zone, as naive local datetimes
(a spreadsheet cell has no zone); money stays an integer of rupiah.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.meetings.kinds import KINDS
from bot.domain.proposals.lifecycle import STATUS_LABELS
from bot.domain.proposals.steps import FUNDING, JENIS
from bot.domain.reports.figures import announcement_topic, in_period, proposal_ids, unreachable_row
from bot.domain.reports.period import Period
from bot.domain.reports.scope import Scope
from bot.i18n import N_
from storage.announcement_models import Announcement, AnnouncementAck
from storage.meeting_models import Meeting, MeetingInvitee, Rsvp
from storage.models import (
    Bkm,
    Kelurahan,
    Kota,
    Mitra,
    Outbox,
    OutboxStatus,
    Proposal,
    ProposalEvent,
    ProposalPartner,
)

# Kinds of cell, so each format writes each value right (a number, a currency, a date).
TEXT, INT, NUMBER, MONEY, DATE, DATETIME, LABEL = (
    "text",
    "int",
    "number",
    "money",
    "date",
    "datetime",
    "label",
)

STATUS = {s.value: label for s, label in STATUS_LABELS.items()}
JENIS_LABELS = {c.code: c.label for c in JENIS}
SOURCE_LABELS = {s.code: s.label for s in FUNDING}
MEETING_KINDS = {k.code: k.label for k in KINDS}
ANSWERS = {"pledged": N_("Mendukung"), "declined": N_("Menolak"), "": N_("Belum menjawab")}
PLANS = {
    "cash": N_("Dana tunai"),
    "in_kind": N_("Barang/jasa"),
    "next_budget": N_("Anggaran tahun depan"),
    "": "",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # msgid
    kind: str = TEXT
    labels: dict[str, str] | None = None  # LABEL: stored code → msgid


@dataclass(frozen=True)
class Table:
    key: str  # file and sheet name stem ("usulan")
    title: str  # msgid
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Tables:
    period: Period
    tables: tuple[Table, ...]


def _local(zones: dict[int, ZoneInfo]) -> Callable[[datetime | None, int], datetime | None]:
    def local(at: datetime | None, kota_id: int) -> datetime | None:
        return None if at is None else at.astimezone(zones[kota_id]).replace(tzinfo=None)

    return local


async def _zones(session: AsyncSession) -> dict[int, ZoneInfo]:
    rows = (await session.exec(select(Kota.id, Kota.timezone))).all()
    return {int(i or 0): ZoneInfo(tz) for i, tz in rows}


PROPOSAL_COLUMNS = (
    Column("code", N_("Kode")), Column("judul", N_("Judul")),
    Column("status", N_("Status"), LABEL, STATUS), Column("version", N_("Versi"), INT),
    Column("jenis", N_("Tridaya"), LABEL, JENIS_LABELS), Column("komponen", N_("Komponen")),
    Column("uraian", N_("Uraian")), Column("volume", N_("Volume")),
    Column("kota", N_("Kota/Kabupaten")), Column("kecamatan", N_("Kecamatan")),
    Column("kelurahan", N_("Kelurahan")), Column("bkm", N_("BKM")),
    Column("rw", N_("RW")), Column("rt", N_("RT")),
    Column("kk", N_("KK"), INT), Column("kk_miskin", N_("KK miskin"), INT),
    Column("jiwa", N_("Jiwa"), INT), Column("perempuan", N_("Jiwa perempuan"), INT),
    Column("rencana", N_("Rencana (PJM/Renta)")), Column("pemeliharaan", N_("Pemeliharaan")),
    Column("rencana_program", N_("Program dalam rencana")),
    Column("latitude", N_("Lintang"), NUMBER), Column("longitude", N_("Bujur"), NUMBER),
    Column("status_lahan", N_("Status lahan")),
    Column("anggaran_total", N_("Anggaran total"), MONEY),
    *(Column(f"dana_{s.code}", s.label, MONEY) for s in FUNDING),
    Column("swadaya_hok", N_("Swadaya HOK (hari orang kerja)"), INT),
    Column("approved_amount", N_("Disetujui (BLM)"), MONEY),
    Column("disbursed_amount", N_("Dana tersalurkan"), MONEY),
    Column("jadwal_mulai", N_("Jadwal mulai"), DATE),
    Column("jadwal_selesai", N_("Jadwal selesai"), DATE),
    Column("ksm_pelaksana", N_("KSM pelaksana")),
    Column("lurah_tanggal", N_("Mengetahui Lurah"), DATE),
    Column("submitted_at", N_("Diajukan pada"), DATETIME),
)  # fmt: skip
_PROPOSAL_FIELDS = {c.key for c in PROPOSAL_COLUMNS} - {"kota", "kecamatan", "kelurahan", "bkm"}


async def build(session: AsyncSession, scope: Scope, period: Period, now: datetime) -> Tables:
    """Every table of the report for `period`, as `scope` may see it."""
    where = scope.proposals() & in_period(col(Proposal.submitted_at), period)
    local = _local(await _zones(session))
    return Tables(
        period,
        (
            await _proposals(session, where, local),
            await _funding(session, where),
            await _partners(session, where, local),
            await _timeline(session, where, local),
            await _meetings(session, scope, period, now, local),
            await _announcements(session, scope, period, local),
        ),
    )


async def _proposals(session: AsyncSession, where: ColumnElement[bool], local: Any) -> Table:
    # Columns, not Proposal objects: tens of thousands of ORM objects cost seconds to build.
    fields = sorted(_PROPOSAL_FIELDS)
    extra = (Proposal.kota_id, Proposal.komponen_lain, Bkm.name, Kelurahan.name,
             Kelurahan.kecamatan, Kota.name)  # fmt: skip
    stmt = (
        select(*(getattr(Proposal, k) for k in fields), *extra)  # type: ignore[call-overload]
        .join(Bkm, col(Bkm.id) == col(Proposal.bkm_id))
        .join(Kelurahan, col(Kelurahan.id) == col(Bkm.kelurahan_id))
        .join(Kota, col(Kota.id) == col(Proposal.kota_id))
        .where(where)
        .order_by(col(Proposal.submitted_at), col(Proposal.id))
    )
    rows = []
    for row in (await session.exec(stmt)).all():
        values = dict(zip(fields, row, strict=False))
        kota_id, komponen_lain, bkm, kelurahan, kecamatan, kota = row[len(fields) :]
        values |= {"kota": kota, "kecamatan": kecamatan, "kelurahan": kelurahan, "bkm": bkm}
        values["submitted_at"] = local(values["submitted_at"], kota_id)
        if values["komponen"] == "lainnya" and komponen_lain:
            values["komponen"] = komponen_lain
        rows.append(tuple(values[c.key] for c in PROPOSAL_COLUMNS))
    return Table("usulan", N_("Usulan"), PROPOSAL_COLUMNS, rows)


async def _funding(session: AsyncSession, where: ColumnElement[bool]) -> Table:
    columns = (
        Column("code", N_("Kode")),
        Column("source", N_("Sumber dana"), LABEL, SOURCE_LABELS),
        Column("amount", N_("Jumlah"), MONEY),
    )
    fields = [getattr(Proposal, f"dana_{s.code}") for s in FUNDING]
    stmt = select(Proposal.code, *fields).where(where).order_by(col(Proposal.id))
    rows = [
        (code, source.code, amount)
        for code, *amounts in (await session.exec(stmt)).all()
        for source, amount in zip(FUNDING, amounts, strict=True)
        if amount
    ]
    return Table("dana", N_("Sumber dana"), columns, rows)


async def _partners(session: AsyncSession, where: ColumnElement[bool], local: Any) -> Table:
    columns = (
        Column("code", N_("Kode")), Column("mitra", N_("Mitra")),
        Column("answer", N_("Jawaban"), LABEL, ANSWERS),
        Column("plan", N_("Bentuk dukungan"), LABEL, PLANS),
        Column("amount", N_("Jumlah"), MONEY), Column("year", N_("Tahun anggaran"), INT),
        Column("description", N_("Keterangan")), Column("note", N_("Catatan")),
        Column("at", N_("Dijawab pada"), DATETIME),
    )  # fmt: skip
    stmt = (
        select(  # type: ignore[call-overload,misc]
            Proposal.code,
            Proposal.kota_id,
            Mitra.name,
            ProposalPartner.answer,
            ProposalPartner.plan_kind,
            ProposalPartner.pledged_amount,
            ProposalPartner.plan_year,
            ProposalPartner.plan_description,
            ProposalPartner.note,
            ProposalPartner.answered_at,
        )
        .join(Proposal, col(Proposal.id) == col(ProposalPartner.proposal_id))
        .join(Mitra, col(Mitra.id) == col(ProposalPartner.mitra_id))
        .where(col(ProposalPartner.proposal_id).in_(proposal_ids(where)))
        .order_by(col(Proposal.id), col(ProposalPartner.id))
    )
    rows = [
        (code, mitra, answer or "", plan or "", amount, year, description, note,
         local(at, kota_id))
        for code, kota_id, mitra, answer, plan, amount, year, description, note, at
        in (await session.exec(stmt)).all()
    ]  # fmt: skip
    return Table("mitra", N_("Jawaban mitra"), columns, rows)


async def _timeline(session: AsyncSession, where: ColumnElement[bool], local: Any) -> Table:
    columns = (
        Column("code", N_("Kode")), Column("at", N_("Waktu"), DATETIME),
        Column("from", N_("Dari status"), LABEL, STATUS | {"": ""}),
        Column("to", N_("Ke status"), LABEL, STATUS), Column("version", N_("Versi"), INT),
        Column("by", N_("Oleh (peran)")), Column("note", N_("Catatan")),
        Column("amount", N_("Jumlah"), MONEY),
    )  # fmt: skip
    stmt = (
        select(  # type: ignore[call-overload,misc]
            Proposal.code,
            Proposal.kota_id,
            ProposalEvent.at,
            ProposalEvent.from_status,
            ProposalEvent.to_status,
            ProposalEvent.version,
            ProposalEvent.actor_label,
            ProposalEvent.note,
            ProposalEvent.amount,
        )
        .join(Proposal, col(Proposal.id) == col(ProposalEvent.proposal_id))
        .where(col(ProposalEvent.proposal_id).in_(proposal_ids(where)))
        .order_by(col(Proposal.id), col(ProposalEvent.id))
    )
    rows = [
        (code, local(at, kota_id), was or "", now, version, by, note, amount)
        for code, kota_id, at, was, now, version, by, note, amount
        in (await session.exec(stmt)).all()
    ]  # fmt: skip
    return Table("riwayat", N_("Riwayat status"), columns, rows)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def _meetings(
    session: AsyncSession, scope: Scope, period: Period, now: datetime, local: Any
) -> Table:
    columns = (
        Column("title", N_("Judul")), Column("kind", N_("Jenis"), LABEL, MEETING_KINDS),
        Column("kota", N_("Kota/Kabupaten")), Column("start", N_("Mulai"), DATETIME),
        Column("place", N_("Tempat")), Column("invited", N_("Diundang"), INT),
        Column("yes", N_("Akan hadir"), INT), Column("no", N_("Berhalangan"), INT),
        Column("attended", N_("Hadir"), INT),
    )  # fmt: skip
    where = scope.meetings() & in_period(col(Meeting.starts_at), period)
    invitee = col(MeetingInvitee.rsvp)
    stmt = (
        select(  # type: ignore[call-overload,misc]
            Meeting.title, Meeting.kind, Kota.name, Meeting.kota_id, Meeting.starts_at,
            Meeting.place, func.count(col(MeetingInvitee.id)),
            _flag(invitee == Rsvp.YES.value), _flag(invitee == Rsvp.NO.value),
            _flag(col(MeetingInvitee.attended).is_(True)),
        )
        .join(Kota, col(Kota.id) == col(Meeting.kota_id))
        .outerjoin(MeetingInvitee, col(MeetingInvitee.meeting_id) == col(Meeting.id))
        .where(where & (col(Meeting.starts_at) <= now))
        .group_by(col(Meeting.id), col(Kota.name))
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )  # fmt: skip
    rows = [
        (title, kind or "", kota, local(start, kota_id), place, *(int(n) for n in counts))
        for title, kind, kota, kota_id, start, place, *counts in (await session.exec(stmt)).all()
    ]
    return Table("rapat", N_("Rapat"), columns, rows)


async def _announcements(session: AsyncSession, scope: Scope, period: Period, local: Any) -> Table:
    columns = (
        Column("start", N_("Dikirim pada"), DATETIME), Column("kota", N_("Kota/Kabupaten")),
        Column("body", N_("Isi (awal)")), Column("recipients", N_("Penerima"), INT),
        Column("delivered", N_("Terkirim"), INT), Column("unreachable", N_("Tidak terjangkau"), INT),
        Column("acks", N_("Sudah dibaca"), INT),
    )  # fmt: skip
    where = scope.announcements() & in_period(col(Announcement.started_at), period)
    status = col(Outbox.status)
    lost = unreachable_row()
    sent = (
        select(  # type: ignore[call-overload,misc]
            Announcement.id, Announcement.started_at, Announcement.kota_id, Kota.name,
            Announcement.body, func.count(col(Outbox.id)),
            _flag(status == OutboxStatus.SENT.value), _flag(lost),
        )
        .join(Kota, col(Kota.id) == col(Announcement.kota_id))
        .outerjoin(Outbox, col(Outbox.topic) == announcement_topic())
        .where(where)
        .group_by(col(Announcement.id), col(Kota.name))
        .order_by(col(Announcement.started_at), col(Announcement.id))
    )  # fmt: skip
    acks_stmt = (
        select(AnnouncementAck.announcement_id, func.count())
        .join(Announcement, col(Announcement.id) == col(AnnouncementAck.announcement_id))
        .where(where)
        .group_by(col(AnnouncementAck.announcement_id))
    )
    acks = {int(i): int(n) for i, n in (await session.exec(acks_stmt)).all()}
    rows = [
        (local(start, kota_id), kota, _opening(body), int(n), int(ok), int(bad), acks.get(i, 0))
        for i, start, kota_id, kota, body, n, ok, bad in (await session.exec(sent)).all()
    ]
    return Table("pengumuman", N_("Pengumuman"), columns, rows)


def _opening(body: str | None, length: int = 80) -> str:
    text = " ".join((body or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"
