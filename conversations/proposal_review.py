"""/tinjau (/review): what waits for this person, with counts per status, paged in place.

A fasilitator sees the proposals of their kota that wait for them (review.review_queue); a mitra
sees those channelled to their organisation still awaiting its answer (partners.mitra_queue); a
person holding both sees both. Opening one shows the proposal with its action buttons (the
actions themselves live in `proposal_actions`).
"""

from __future__ import annotations

from collections import Counter

from bot.domain.proposals import partners, review
from bot.domain.proposals.lifecycle import ProposalStatus, status_label
from bot.domain.proposals.views import ProposalSummary
from conversations import proposal_lists as pl
from conversations.context import Context
from conversations.proposal_action_input import leave_review_dialog
from storage.models import Role

PER_PAGE = 6


async def waiting_for(ctx: Context) -> list[ProposalSummary]:
    """The fasilitator's queue, then the mitra's (each proposal once)."""
    assert ctx.actor is not None
    items: list[ProposalSummary] = []
    if ctx.actor.has(Role.FASILITATOR):
        items += await review.review_queue(ctx.session, ctx.actor)
    if ctx.actor.mitra_ids():
        seen = {item.id for item in items}
        items += [i for i in await partners.mitra_queue(ctx.session, ctx.actor) if i.id not in seen]
    return items


async def cmd_review(ctx: Context) -> None:
    """`/tinjau`: the queue, first page."""
    await leave_review_dialog(ctx)
    await show_queue(ctx, 1, edit=False)


async def on_queue(ctx: Context, parts: list[str]) -> None:
    """`p:queue:{page}`: another page, or back from a proposal, in place."""
    await leave_review_dialog(ctx)
    page = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
    await show_queue(ctx, page, edit=True)


async def show_queue(ctx: Context, page: int, *, edit: bool) -> None:
    tr = ctx.tr
    items = await waiting_for(ctx)
    if not items:
        ctx.reply(
            tr._("Tidak ada usulan yang menunggu Bapak/Ibu saat ini. Terima kasih."), edit=edit
        )
        return
    pages = max(1, -(-len(items) // PER_PAGE))
    page = max(1, min(page, pages))
    start = (page - 1) * PER_PAGE
    shown = items[start : start + PER_PAGE]
    lines = [
        tr._("<b>Menunggu tinjauan Bapak/Ibu</b>: {total} usulan", total=len(items)),
        _counts(ctx, items),
    ]
    if pages > 1:
        lines.append(tr._("Halaman {page} dari {pages}", page=page, pages=pages))
    lines.append("")
    lines += [pl.list_line(tr, start + 1 + i, item, with_bkm=True) for i, item in enumerate(shown)]
    lines += ["", tr._("Silakan pilih usulan untuk meninjaunya. Yang terlama di atas.")]
    pager = pl.pager(tr, "queue", page, pages)
    ctx.reply(
        "\n".join(lines), pl.list_keyboard(tr, shown, start + 1, f"q{page}", pager), edit=edit
    )


def _counts(ctx: Context, items: list[ProposalSummary]) -> str:
    """ "Diajukan: 2 · Sedang ditinjau: 1", in life-cycle order."""
    counts = Counter(item.status for item in items)
    return " · ".join(
        ctx.tr._("{status}: {n}", status=ctx.tr._(status_label(status)), n=counts[status])
        for status in ProposalStatus
        if counts[status]
    )


COMMANDS = {"tinjau": cmd_review}
CALLBACKS = {"p:queue": on_queue}
