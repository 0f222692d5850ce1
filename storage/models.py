"""SQLModel tables: the whole persistent state of PAKET Bot.

Every timestamp is stored in UTC and read back as an aware UTC datetime (`UtcDateTime`), on
SQLite as on PostgreSQL. Enums are stored as plain strings so both stores agree and migrations
stay simple.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from storage.types import UtcDateTime


# Default factories as Python functions, not the builtins `dict` and `list`: pydantic reads a
# factory's signature on every construction, and a builtin's costs 60 µs to parse (an audit
# row is built on most updates), a Python function's 4 µs.
def _empty_dict() -> dict[str, Any]:
    return {}


def _empty_list() -> list[Any]:
    return []


def _utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


class Table(SQLModel):
    """The base of every table: a SQLModel whose pydantic validation schema is built on first use.

    SQLModel never validates a table row (its `__init__` only sets the values), and the bot
    calls no `model_validate` on one, yet pydantic builds each class's validation schema as
    the class is made: one per table, which nothing reads, about a tenth of a second of every
    start-up (and of every CLI command). Deferred, a schema is built only if something asks.
    """

    model_config = SQLModelConfig(defer_build=True)


class Role(StrEnum):
    WARGA = "warga"
    ANGGOTA = "anggota"
    KOORDINATOR = "koordinator"
    FASILITATOR = "fasilitator"
    MITRA = "mitra"
    # A member of a kota's committee (Panitia Kemitraan), from any of the three pillars.
    PANITIA = "panitia"
    # The committee's secretary: records its decisions (given to a fasilitator or a panitia).
    SEKRETARIS = "sekretaris"
    ADMIN = "admin"


class BkmLevel(StrEnum):
    """BKM levels, lowest first (order matters: see `rank`)."""

    AWAL = "awal"
    BERDAYA = "berdaya"
    MANDIRI = "mandiri"
    MADANI = "madani"

    @property
    def rank(self) -> int:
        return list(BkmLevel).index(self)


class MitraKind(StrEnum):
    DINAS = "dinas"
    KELOMPOK_PEDULI = "kelompok_peduli"


class KotaKind(StrEnum):
    KOTA = "kota"  # a city: Kota Bandung, APBD kota
    KABUPATEN = "kabupaten"  # a regency: Kabupaten Bogor, APBD kabupaten


# --- areas -----------------------------------------------------------------------------------


class Kota(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    province: str = Field(default="", max_length=100)
    timezone: str = Field(default="Asia/Jakarta", max_length=40)
    # Some cities call the committee "Pokja PAKET": let each city set the label.
    committee_label: str = Field(default="Panitia Kemitraan", max_length=100)
    # KotaKind: a city ("Kota Bandung") or a regency ("Kabupaten Bogor"); messages say which.
    kind: str = Field(default="kota", max_length=20, sa_column_kwargs={"server_default": "kota"})
    # Retired: kept for history (its proposals, people, reports) but offered for nothing new.
    retired_at: datetime | None = _utc_column()


class Kelurahan(Table, table=True):
    __table_args__ = (UniqueConstraint("kota_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    kota_id: int = Field(foreign_key="kota.id", index=True)
    name: str = Field(max_length=100)
    kecamatan: str = Field(default="", max_length=100)


class Bkm(Table, table=True):
    # Unique within a kota: two kelurahan in different kotas may both be "Sukamaju".
    __table_args__ = (UniqueConstraint("kota_id", "name", name="uq_bkm_kota_id_name"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=150)
    kota_id: int = Field(foreign_key="kota.id", index=True)
    kelurahan_id: int = Field(foreign_key="kelurahan.id", index=True)
    level: str = Field(default=BkmLevel.AWAL.value, max_length=20)
    assessed_on: date | None = None
    retired_at: datetime | None = _utc_column()


class Mitra(Table, table=True):
    """A partner a proposal can be channelled to: a Dinas or a Kelompok Peduli."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=150)
    kind: str = Field(max_length=20)
    kota_id: int = Field(foreign_key="kota.id", index=True)
    retired_at: datetime | None = _utc_column()


# --- people ----------------------------------------------------------------------------------


class Person(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Nullable: a deleted person keeps the row (programme records point to it) but loses identity.
    telegram_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    name: str = Field(default="", max_length=100)
    locale: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=30)
    onboarding_step: str | None = Field(default=None, max_length=20)
    unreachable_at: datetime | None = _utc_column()
    # Consent withdrawn: nothing more is sent or processed; name and Telegram id are kept with
    # the consent record until bot.domain.privacy.RETENTION has passed, then erased.
    withdrawn_at: datetime | None = _utc_column()
    deleted_at: datetime | None = _utc_column()
    created_at: datetime | None = _utc_column()


class RoleGrant(Table, table=True):
    """One role held by a person, bounded by a scope (kota, BKM or mitra)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("person_id", "role", "kota_id", "bkm_id", "mitra_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=20)
    kota_id: int | None = Field(default=None, foreign_key="kota.id")
    bkm_id: int | None = Field(default=None, foreign_key="bkm.id")
    mitra_id: int | None = Field(default=None, foreign_key="mitra.id")
    granted_at: datetime | None = _utc_column()


class Invite(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    role: str = Field(max_length=20)
    kota_id: int | None = Field(default=None, foreign_key="kota.id")
    bkm_id: int | None = Field(default=None, foreign_key="bkm.id")
    mitra_id: int | None = Field(default=None, foreign_key="mitra.id")
    created_by: int | None = Field(default=None, foreign_key="person.id")
    max_uses: int = 1
    uses: int = 0
    expires_at: datetime | None = _utc_column()
    created_at: datetime | None = _utc_column()
    # Revoked by the operator: the link stops working at once; the row stays for history.
    revoked_at: datetime | None = _utc_column()


class InviteRedemption(Table, table=True):
    """Who used which invite: makes a repeated /start with the same token a no-op."""

    __tablename__ = "invite_redemption"
    __table_args__ = (UniqueConstraint("invite_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    invite_id: int = Field(foreign_key="invite.id")
    person_id: int = Field(foreign_key="person.id")
    at: datetime | None = _utc_column()
    # When the person who made the invite was told that someone joined with it (once).
    inviter_told_at: datetime | None = _utc_column()


class Consent(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    notice_version: str = Field(max_length=20)
    decision: str = Field(max_length=20)  # "given" | "withdrawn"
    at: datetime | None = _utc_column()


class AuditLog(Table, table=True):
    """Who did what, when. Keeps role and organisation so it survives a person's deletion."""

    __tablename__ = "audit_log"
    # A proposal's audit trail (who returned it, who approved it) is read by entity and id.
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime | None = _utc_column(index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    actor_label: str = Field(default="", max_length=200)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    detail: dict[str, Any] = Field(
        default_factory=_empty_dict, sa_column=Column(JSON, nullable=False)
    )


# --- runtime state ---------------------------------------------------------------------------


class Dialog(Table, table=True):
    """Where a person is in a multi-step flow; survives restarts (no state in memory)."""

    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    flow: str = Field(max_length=30)
    step: str = Field(default="", max_length=40)
    data: dict[str, Any] = Field(
        default_factory=_empty_dict, sa_column=Column(JSON, nullable=False)
    )
    updated_at: datetime | None = _utc_column()


class ProcessedUpdate(Table, table=True):
    """Telegram delivers at least once: an update id seen here is not handled again."""

    __tablename__ = "processed_update"
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: datetime | None = _utc_column(index=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"


class OutboxPriority(IntEnum):
    """The outbox's lanes: a prompt row is claimed before any bulk row (same limits)."""

    PROMPT = 0  # status notifications, reminders, invitations, notices
    BULK = 1  # broadcasts (announcements)


class Outbox(Table, table=True):
    """Everything the bot sends unprompted, rendered in the recipient's language."""

    __table_args__ = (
        # The sender's claim: pending rows that are due (and stale "sending" ones), by lane.
        Index("ix_outbox_status_priority_next_attempt_at", "status", "priority", "next_attempt_at"),
        # One chat's open rows: the claim keeps each chat in order and ranks it by its most
        # urgent lane (a MIN over this index: one seek); a blocked chat drops them.
        Index("ix_outbox_chat_id_status_priority", "chat_id", "status", "priority"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=40)
    text: str
    buttons: list[Any] = Field(default_factory=_empty_list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=10)
    # OutboxPriority: 0 prompt, 1 bulk; the claim takes lower numbers first.
    priority: int = Field(
        default=OutboxPriority.PROMPT.value, sa_column_kwargs={"server_default": "0"}
    )
    attempts: int = 0
    next_attempt_at: datetime | None = _utc_column()
    claimed_at: datetime | None = _utc_column()
    sent_at: datetime | None = _utc_column()
    message_id: int | None = None
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime | None = _utc_column()
    # What the row is about ("meeting:17"), so a cancelled meeting's unsent rows can be dropped.
    topic: str | None = Field(default=None, max_length=40, index=True)
    # A document to send with the text (a meeting's .ics): sent as a file named `file_name`.
    file_name: str | None = Field(default=None, max_length=100)
    file_content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    # A photo or document already on Telegram's servers (an announcement's), sent by its file id
    # with the text as caption: "photo" | "document".
    media_kind: str | None = Field(default=None, max_length=10)
    media_file_id: str | None = Field(default=None, max_length=200)


# --- proposals -------------------------------------------------------------------------------


class Proposal(Table, table=True):
    """An usulan. A draft is a proposal in status `draf`; `step` is where its form stands."""

    # One open draft per author and BKM: "/usulan" resumes it, even if two processes race.
    __table_args__ = (
        Index(
            "uq_proposal_open_draft",
            "author_id",
            "bkm_id",
            unique=True,
            sqlite_where=text("status = 'draf'"),
            postgresql_where=text("status = 'draf'"),
        ),
        # A fasilitator's /tinjau queue and /status list: their kota, by status.
        Index("ix_proposal_kota_id_status", "kota_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, unique=True, max_length=20)
    bkm_id: int = Field(foreign_key="bkm.id", index=True)
    kota_id: int = Field(foreign_key="kota.id")  # indexed with status (ix_proposal_kota_id_status)
    author_id: int | None = Field(default=None, foreign_key="person.id")
    status: str = Field(default="draf", max_length=20, index=True)
    version: int = 1
    step: str = Field(default="judul", max_length=30)
    judul: str | None = Field(default=None, max_length=100)
    jenis: str | None = Field(default=None, max_length=20)
    komponen: str | None = Field(default=None, max_length=40)
    uraian: str | None = Field(default=None, max_length=2000)
    komponen_lain: str | None = Field(default=None, max_length=100)  # komponen "lainnya"
    volume: str | None = Field(default=None, max_length=100)  # "250 m × 1,5 m"
    status_lahan: str | None = Field(default=None, max_length=20)  # lingkungan work only
    # Several allowed, normalised: "03, 04".
    rw: str | None = Field(default=None, max_length=40)
    rt: str | None = Field(default=None, max_length=40)
    latitude: float | None = None
    longitude: float | None = None
    kk: int | None = None
    kk_miskin: int | None = None
    jiwa: int | None = None  # people (jiwa) who benefit
    # Women who benefit, counted in people (jiwa perempuan): it always was "orang perempuan".
    perempuan: int | None = None
    rencana: str | None = Field(default=None, max_length=20)  # in PJM Pronangkis / Renta / not
    rencana_program: str | None = Field(default=None, max_length=150)
    pemeliharaan: str | None = Field(default=None, max_length=20)  # who operates and maintains
    # Chosen funding sources, comma-separated codes (steps.FUNDING): only theirs are asked.
    sumber_dana: str | None = Field(default=None, max_length=200)
    anggaran_total: int | None = Field(default=None, sa_column=Column(BigInteger))
    dana_blm: int | None = Field(default=None, sa_column=Column(BigInteger))
    dana_apbd_kota: int | None = Field(default=None, sa_column=Column(BigInteger))
    dana_apbd_provinsi: int | None = Field(default=None, sa_column=Column(BigInteger))
    dana_kelompok_peduli: int | None = Field(default=None, sa_column=Column(BigInteger))
    dana_swadaya_tunai: int | None = Field(default=None, sa_column=Column(BigInteger))
    dana_lainnya: int | None = Field(default=None, sa_column=Column(BigInteger))
    # Non-cash swadaya (labour, materials, land) valued in rupiah: counts in the RAB total.
    dana_swadaya_natura: int | None = Field(default=None, sa_column=Column(BigInteger))
    swadaya_hok: int | None = None  # person-days of volunteer labour, not rupiah
    jadwal_mulai: date | None = None
    jadwal_selesai: date | None = None
    ksm_pelaksana: str | None = Field(default=None, max_length=100)
    # "Mengetahui Lurah": the date the Lurah acknowledged it, or the signed letter (file id).
    lurah_tanggal: date | None = None
    lurah_file_id: str | None = Field(default=None, max_length=200)
    lurah_file_kind: str | None = Field(default=None, max_length=20)  # "photo" | "document"
    # The minutes of the BKM meeting that adopted it (berita acara): required at submission.
    berita_acara_file_id: str | None = Field(default=None, max_length=200)
    berita_acara_kind: str | None = Field(default=None, max_length=20)  # "photo" | "document"
    approved_amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    disbursed_amount: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    created_at: datetime | None = _utc_column()
    updated_at: datetime | None = _utc_column()
    submitted_at: datetime | None = _utc_column(index=True)


class ProposalPartner(Table, table=True):
    """A partner the proposal is channelled to, and that partner's own answer."""

    __tablename__ = "proposal_partner"
    __table_args__ = (UniqueConstraint("proposal_id", "mitra_id"),)
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    mitra_id: int = Field(foreign_key="mitra.id", index=True)
    answer: str | None = Field(default=None, max_length=20)  # None | "pledged" | "declined"
    pledged_amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    # A pledge is a plan ("rencana dukungan"): "cash" (pledged_amount), "in_kind" (plan_description,
    # pledged_amount its optional estimated value) or "next_budget" (plan_year, pledged_amount).
    plan_kind: str | None = Field(default=None, max_length=20)
    plan_description: str | None = Field(default=None, max_length=500)
    plan_year: int | None = None
    note: str | None = Field(default=None, max_length=500)
    answered_by_label: str | None = Field(default=None, max_length=200)
    answered_at: datetime | None = _utc_column()


class ProposalEvent(Table, table=True):
    """One line of a proposal's timeline: a status change or a partner answer."""

    __tablename__ = "proposal_event"
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    at: datetime | None = _utc_column()
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    version: int = 1
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    actor_label: str = Field(default="", max_length=200)
    note: str | None = Field(default=None, max_length=1000)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    # What a line that keeps the status is: "plan_cash" | "plan_in_kind" | "plan_next_budget" |
    # "decline" | "correction"; None for status changes and lines written before it existed.
    kind: str | None = Field(default=None, max_length=20)


class ProposalAttachment(Table, table=True):
    __tablename__ = "proposal_attachment"
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    kind: str = Field(max_length=20)  # "photo" | "document"
    file_id: str = Field(max_length=200)
    file_name: str | None = Field(default=None, max_length=200)
    created_at: datetime | None = _utc_column()


class ProposalCounter(Table, table=True):
    """Last tracking number used per year: PKT-2026-0042."""

    __tablename__ = "proposal_counter"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


from storage import (  # noqa: E402,F401
    announcement_models,
    committee_models,
    idea_models,
    meeting_models,
    money_models,
)
