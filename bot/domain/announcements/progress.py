"""The author's one live message: progress while sending, then the report.

When an announcement starts, `queue_message` puts the first version into the outbox (prompt
lane, so it goes before the broadcast's own rows). From then on a runtime task
(bot/runtime/progress.py) asks `due_updates` every few seconds which of these messages show
something out of date, edits them, and records what they now show (`record_shown`). The text
shown and whether it is final live on the announcement, so a restarted bot edits the same
message on, and never sends a second one.

    sending ──counts change──▶ edited (at most every few seconds)
    sending ──nothing pending─▶ the report (delivered, unreachable by name and BKM, read) ─▶ final
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.announcements import queries
from bot.domain.announcements.queries import Progress
from bot.domain.clock import Clock
from bot.i18n import N_, Translator
from bot.ui import Button, Keyboard, keyboard
from storage.announcement_models import Announcement
from storage.announcement_models import AnnouncementStatus as Status
from storage.models import Kota, Outbox, OutboxStatus, Person

KIND = "announcement.progress"
# Names listed in the report; the rest are counted, so the message stays within 4,096.
UNREACHABLE_LISTED = 30
STATUS_LABELS = {
    Status.DRAFT.value: N_("Draf"),
    Status.SCHEDULED.value: N_("Terjadwal"),
    Status.SENDING.value: N_("Sedang dikirim"),
    Status.SENT.value: N_("Terkirim"),
    Status.CANCELLED.value: N_("Dibatalkan"),
    Status.STOPPED.value: N_("Dihentikan"),
}
# Started: its rows exist, so its progress message may need an edit.
STARTED = (Status.SENDING.value, Status.SENT.value, Status.STOPPED.value)


def topic(announcement_id: int | None) -> str:
    """The outbox topic of the progress message (not "announcement:<id>": it is no delivery)."""
    return f"announcement.progress:{announcement_id}"


def duration(tr: Translator, seconds: int) -> str:
    """ "sekitar 40 detik" / "sekitar 3 menit"."""
    if seconds < 60:
        return tr.n_("sekitar {n} detik", "sekitar {n} detik", max(seconds, 1))
    return tr.n_("sekitar {n} menit", "sekitar {n} menit", -(-seconds // 60))


def text(tr: Translator, p: Progress, send_rate: float) -> str:
    """Sent / unreachable / waiting and the time left; at the end who could not be reached."""
    found = p.announcement
    lines: list[str] = [
        tr._("📢 <b>Pengumuman #{id}</b> · {status}", id=found.id,
             status=tr._(STATUS_LABELS[found.status])),
        tr._("✅ Terkirim: {sent} · ⚠️ Tidak terjangkau: {failed} · ⏳ Menunggu: {pending}",
             sent=p.sent, failed=p.failed, pending=p.pending),
    ]  # fmt: skip
    if found.status == Status.SCHEDULED.value and found.send_at is not None:
        lines.append(tr._("Dijadwalkan: {when}.", when=tr.datetime(found.send_at)))
    if p.pending:
        seconds = int(queries.eta(p.pending, send_rate).total_seconds())
        lines.append(tr._("Perkiraan selesai: {duration}.", duration=duration(tr, seconds)))
    if p.stopped:
        lines.append(tr._("⏹ Tidak dikirim karena dihentikan: {n}", n=p.stopped))
    lines.append(tr._("👁 Sudah dibaca: {acks}", acks=p.acks))
    if p.unreachable:
        lines.append(tr._("Tidak dapat dihubungi (mohon dikunjungi atau ditelepon):"))
        lines += [f"• {html.escape(u.name)} ({html.escape(', '.join(u.bkms) or '-')})"
                  for u in p.unreachable[:UNREACHABLE_LISTED]]  # fmt: skip
        if len(p.unreachable) > UNREACHABLE_LISTED:
            more = len(p.unreachable) - UNREACHABLE_LISTED
            lines.append(tr.n_("… dan {n} orang lainnya", "… dan {n} orang lainnya", more))
    return "\n".join(lines)


def buttons(tr: Translator, announcement_id: int, status: str) -> Keyboard:
    """🔄 Perbarui always; ⏹ Hentikan while sending; ✖️ Batalkan jadwal while scheduled."""
    rows = [Button(tr._("🔄 Perbarui"), data=f"an:rep:{announcement_id}")]
    if status == Status.SENDING.value:
        rows.append(Button(tr._("⏹ Hentikan pengiriman"), data=f"an:stop:{announcement_id}"))
    if status == Status.SCHEDULED.value:
        rows.append(Button(tr._("✖️ Batalkan jadwal"), data=f"an:cancel:{announcement_id}"))
    return keyboard(*rows)


async def author_translator(session: AsyncSession, announcement: Announcement) -> Translator:
    """The author's language, in the announcement's kota's zone."""
    kota = await session.get_one(Kota, announcement.kota_id)
    author = await session.get(Person, announcement.author_id or 0)
    return Translator((author.locale if author else None) or "id", kota.timezone)


async def queue_message(
    session: AsyncSession, clock: Clock, announcement: Announcement, *, send_rate: float
) -> None:
    """The first version of the live message, to the author, ahead of the broadcast."""
    author = await session.get(Person, announcement.author_id or 0)
    if author is None:
        announcement.progress_final = True  # nobody to show it to
        return
    tr = await author_translator(session, announcement)
    shown = text(tr, await queries.progress(session, clock, announcement), send_rate)
    row = outbox.enqueue(
        session, clock, author, kind=KIND, text=shown, topic=topic(announcement.id),
        buttons=buttons(tr, announcement.id or 0, announcement.status),
    )  # fmt: skip
    announcement.progress_text = shown
    announcement.progress_final = row is None  # an unreachable author gets none


@dataclass(frozen=True)
class Edit:
    """One edit to make: the message, what it should show now, and whether that is the end."""

    announcement_id: int
    chat_id: int
    message_id: int
    text: str
    buttons: Keyboard
    final: bool


async def due_updates(session: AsyncSession, clock: Clock, *, send_rate: float) -> list[Edit]:
    """The live messages that show something out of date (an announcement that finished
    becomes "terkirim" here). Those whose message is not out yet wait; one that can never
    arrive (the author blocked the bot) is closed."""
    stmt = select(Announcement).where(
        col(Announcement.status).in_(STARTED), col(Announcement.progress_final).is_(False)
    )
    updates: list[Edit] = []
    for found in (await session.exec(stmt.order_by(col(Announcement.id)))).all():
        if not await _locate(session, found):
            continue
        assert found.progress_chat_id is not None and found.progress_message_id is not None
        p = await queries.progress(session, clock, found)
        tr = await author_translator(session, found)
        shown = text(tr, p, send_rate)
        if shown == found.progress_text:
            found.progress_final = p.done
            session.add(found)
            continue
        updates.append(
            Edit(found.id or 0, found.progress_chat_id, found.progress_message_id, shown,
                   buttons(tr, found.id or 0, found.status), final=p.done)
        )  # fmt: skip
    return updates


async def _locate(session: AsyncSession, found: Announcement) -> bool:
    """Whether its message is out (its id copied over from the outbox row once sent)."""
    if found.progress_message_id is not None:
        return True
    stmt = select(Outbox).where(Outbox.topic == topic(found.id), Outbox.kind == KIND)
    row = (await session.exec(stmt.order_by(col(Outbox.id)))).first()
    if row is None or row.status in (OutboxStatus.FAILED.value, OutboxStatus.DROPPED.value):
        found.progress_final = True  # never shown: nothing to edit
        session.add(found)
        return False
    if row.status != OutboxStatus.SENT.value or row.message_id is None:
        return False
    found.progress_chat_id, found.progress_message_id = row.chat_id, row.message_id
    session.add(found)
    return True


async def record_shown(session: AsyncSession, update: Edit) -> None:
    """The message now shows `update.text` (edited, or it already did)."""
    found = await session.get(Announcement, update.announcement_id)
    if found is not None:
        found.progress_text, found.progress_final = update.text, update.final
        session.add(found)
