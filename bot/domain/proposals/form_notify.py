"""Telling a draft's author when someone else (a koordinator) changes it.

A koordinator may fill in or correct a member's draft; the member should not find their
words changed silently. One message per editing session is enough: a koordinator fixing
five answers sends one notice, not five (another goes out an hour after the last).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.actors import Actor, timezone_of
from bot.domain.clock import Clock
from bot.domain.proposals import callbacks
from bot.domain.proposals.lifecycle import EDITABLE, ProposalStatus
from bot.domain.proposals.steps import Step, label_of
from bot.i18n import Translator
from bot.ui import Button, keyboard
from storage.models import Kota, Outbox, Person, Proposal

QUIET = timedelta(hours=1)  # edits closer together than this share one notice


def _topic(proposal_id: int) -> str:
    return f"draft-edit:{proposal_id}"


async def edited_by_other(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal, step: Step
) -> None:
    """Queue a notice to the author when `actor` (not the author) answered `step` of their draft."""
    if proposal.author_id is None or actor.person_id in (None, proposal.author_id):
        return
    if ProposalStatus(proposal.status) not in EDITABLE or proposal.id is None:
        return
    recent = select(col(Outbox.id)).where(
        Outbox.topic == _topic(proposal.id),
        Outbox.person_id == proposal.author_id,
        col(Outbox.created_at) > clock.now() - QUIET,
    )
    if (await session.exec(recent)).first() is not None:
        return
    author = await session.get_one(Person, proposal.author_id)
    kota = await session.get_one(Kota, proposal.kota_id)
    tr = Translator(
        author.locale or "id", await timezone_of(session, author.id or 0, kota.timezone)
    )
    text = tr._(
        "{editor} mengubah draf usulan Bapak/Ibu “{judul}” (bagian: {field}). Silakan lihat "
        "isinya sekarang.",
        editor=actor.name,
        judul=proposal.judul or "-",
        field=tr._(label_of(step, kota.kind)),
    )
    buttons = keyboard(Button(tr._("Lihat draf"), data=callbacks.open_draft(proposal.id)))
    outbox.enqueue(
        session, clock, author, kind="proposal.edited", text=text, buttons=buttons,
        topic=_topic(proposal.id),
    )  # fmt: skip
