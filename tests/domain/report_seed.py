"""A small, fully known set of proposals, meetings and announcements for report tests.

Rows are written straight into the tables (the flows that make them have their own tests), so
every figure of a report can be worked out by hand. `base` is the first moment of the month the
report covers, in Bandung's zone (WIB); everything "in the month" lies between it and +28 days.

In the month, for Bandung:
    P1 BKM Sukamaju  lingkungan  disetujui   15 jt (BLM 10, APBD kota 4, swadaya tunai 1)
                     approved 10 jt; decided on day 10 → 10 days; dinas pledged 4 jt, peduli declined
    P2 BKM Sukamaju  sosial      ditolak      5 jt (BLM 5); decided on day 21 → 20 days;
                     dinas has not answered
    P3 BKM Sukamaju  ekonomi     dana_cair   20 jt (BLM 12, Kelompok Peduli 3, swadaya non-tunai 5)
                     approved 12 jt, disbursed 6 jt; waitlisted day 6, approved day 19 → 4 days;
                     peduli pledged 3 jt
    P4 BKM Awal      lingkungan  diajukan     8 jt (BLM 8); submitted 01.00 WIB on day 0, which is
                     the previous day in UTC
Left out: a draft (P5), one submitted the month before (P6), one in Jayapura (P7).
Meetings: M1 (BKM Sukamaju, held on day 9): 3 invited, 2 answered, 1 "hadir", 2 marked, 1 present;
M2 next month; M3 a draft. Announcements: A1 (Bandung, by the fasilitator) 6 rows: 3 sent,
1 failed, 1 dropped because it was stopped, 1 pending; 2 read. A2 in Jayapura.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.announcements.frame import STOPPED_ERROR, topic
from storage.announcement_models import Announcement, AnnouncementAck
from storage.committee_models import CommitteeDecision
from storage.db import Database
from storage.meeting_models import Meeting, MeetingInvitee
from storage.models import Outbox, Proposal, ProposalEvent, ProposalPartner

JT = 1_000_000


@dataclass
class Ids:
    """What the seed needs to know of the world it writes into."""

    kota: int
    other_kota: int
    bkm: int
    bkm_awal: int
    bkm_other_kota: int
    dinas: int
    peduli: int
    fasilitator: int
    other_fasilitator: int
    invitees: tuple[int, int, int]  # answered hadir + present, berhalangan + absent, no answer


FORMULA_JUDUL = '=HYPERLINK("https://contoh.id","Usulan 4")'
LINK_URAIAN = "Rincian di https://contoh.id/usulan-4"


def _proposal(ids: Ids, n: int, at: datetime, **fields: object) -> Proposal:
    values: dict[str, object] = {
        "bkm_id": ids.bkm, "kota_id": ids.kota, "status": "diajukan", "step": "ringkasan",
        "judul": f"Usulan {n}", "jenis": "lingkungan", "komponen": "jalan",
        "code": f"PKT-{at.year}-{n:04d}", "submitted_at": at, "created_at": at,
    }  # fmt: skip
    values.update(fields)
    return Proposal(**values)  # type: ignore[arg-type]


async def seed(db: Database, ids: Ids, base: datetime) -> dict[str, int]:
    """Write the set; returns the proposal ids by name (P1…P7)."""

    def day(d: float) -> datetime:
        return (base + timedelta(days=d)).astimezone(UTC)

    async with db.transaction() as s:
        proposals = {
            "P1": _proposal(
                ids, 1, day(0.5), status="disetujui", anggaran_total=15 * JT, dana_blm=10 * JT,
                dana_apbd_kota=4 * JT, dana_swadaya_tunai=1 * JT, approved_amount=10 * JT,
            ),
            "P2": _proposal(
                ids, 2, day(1.5), status="ditolak", jenis="sosial", anggaran_total=5 * JT,
                dana_blm=5 * JT,
            ),
            "P3": _proposal(
                ids, 3, day(2.5), status="dana_cair", jenis="ekonomi", anggaran_total=20 * JT,
                dana_blm=12 * JT, dana_kelompok_peduli=3 * JT, dana_swadaya_natura=5 * JT,
                approved_amount=12 * JT, disbursed_amount=6 * JT,
            ),
            # Typed as people type: a formula-looking judul and a link stay text in a sheet.
            "P4": _proposal(
                ids, 4, day(1 / 24), bkm_id=ids.bkm_awal, anggaran_total=8 * JT, dana_blm=8 * JT,
                judul=FORMULA_JUDUL, uraian=LINK_URAIAN,
            ),
            "P5": _proposal(ids, 5, day(3), status="draf", code=None, submitted_at=None,
                            anggaran_total=99 * JT),
            "P6": _proposal(ids, 6, day(-3), anggaran_total=50 * JT, dana_blm=50 * JT),
            "P7": _proposal(
                ids, 7, day(4), bkm_id=ids.bkm_other_kota, kota_id=ids.other_kota,
                anggaran_total=30 * JT, dana_blm=30 * JT,
            ),
        }  # fmt: skip
        s.add_all(proposals.values())
        await s.flush()
        pid = {name: p.id for name, p in proposals.items()}
        for name in ("P1", "P2", "P3"):
            s.add(ProposalEvent(proposal_id=pid[name], at=day(3), from_status="diperiksa",
                                to_status="ditinjau", actor_label="fasilitator:Bandung"))  # fmt: skip
        s.add_all(
            [
                ProposalPartner(proposal_id=pid["P1"], mitra_id=ids.dinas, answer="pledged",
                                plan_kind="cash", pledged_amount=4 * JT, answered_at=day(4)),
                ProposalPartner(proposal_id=pid["P1"], mitra_id=ids.peduli, answer="declined",
                                answered_at=day(4)),
                ProposalPartner(proposal_id=pid["P2"], mitra_id=ids.dinas),
                ProposalPartner(proposal_id=pid["P3"], mitra_id=ids.peduli, answer="pledged",
                                plan_kind="cash", pledged_amount=3 * JT, answered_at=day(5)),
            ]
        )  # fmt: skip
        for name, outcome, on in (
            ("P1", "disetujui", 10),
            ("P2", "ditolak", 21),
            ("P3", "daftar_tunggu", 6),
            ("P3", "disetujui", 19),
        ):
            s.add(CommitteeDecision(proposal_id=pid[name], outcome=outcome,
                                    committee="Panitia Kemitraan", meeting_date=(base + timedelta(days=on)).date(),
                                    recorded_at=day(on)))  # fmt: skip
        await _meetings(s, ids, day)
        await _announcements(s, ids, day)
    return {k: int(v or 0) for k, v in pid.items()}


async def _meetings(s, ids: Ids, day) -> None:  # type: ignore[no-untyped-def]
    held = Meeting(
        status="terjadwal",
        step="",
        kota_id=ids.kota,
        kind="bkm",
        title="Rapat BKM",
        starts_at=day(9),
        duration_minutes=60,
        place="Balai RW",
        audience_kind="bkm",
        audience_bkm_id=ids.bkm,
        organiser_id=ids.fasilitator,
    )
    later = Meeting(
        status="terjadwal",
        step="",
        kota_id=ids.kota,
        kind="bkm",
        title="Nanti",
        starts_at=day(40),
        duration_minutes=60,
        audience_kind="bkm",
        audience_bkm_id=ids.bkm,
        organiser_id=ids.fasilitator,
    )
    draft = Meeting(status="draf", kota_id=ids.kota, organiser_id=ids.other_fasilitator,
                    starts_at=day(9))  # fmt: skip
    s.add_all([held, later, draft])
    await s.flush()
    yes, no, silent = ids.invitees
    s.add_all(
        [
            MeetingInvitee(meeting_id=held.id, person_id=yes, rsvp="hadir", attended=True),
            MeetingInvitee(meeting_id=held.id, person_id=no, rsvp="berhalangan", attended=False),
            MeetingInvitee(meeting_id=held.id, person_id=silent),
            MeetingInvitee(meeting_id=later.id, person_id=yes, rsvp="hadir"),
        ]
    )


async def _announcements(s, ids: Ids, day) -> None:  # type: ignore[no-untyped-def]
    a1 = Announcement(
        status="terkirim",
        step="",
        author_id=ids.fasilitator,
        kota_id=ids.kota,
        author_role="fasilitator",
        audience="kota",
        body="Rapat <penting> besok",
        recipients=6,
        started_at=day(5),
    )
    a2 = Announcement(status="terkirim", step="", author_id=ids.other_fasilitator,
                      kota_id=ids.other_kota, author_role="fasilitator", audience="kota",
                      body="Jayapura", recipients=1, started_at=day(5))  # fmt: skip
    s.add_all([a1, a2])
    await s.flush()
    rows = [("sent", None)] * 3 + [("failed", "blocked"), ("dropped", STOPPED_ERROR),
                                   ("pending", None)]  # fmt: skip
    for n, (status, error) in enumerate(rows):
        s.add(Outbox(chat_id=900 + n, kind="announcement", text="x", status=status, error=error,
                     topic=topic(a1.id)))  # fmt: skip
    s.add(Outbox(chat_id=999, kind="announcement", text="x", status="sent", topic=topic(a2.id)))
    yes, no, _ = ids.invitees
    s.add_all([AnnouncementAck(announcement_id=a1.id, person_id=p) for p in (yes, no)])
