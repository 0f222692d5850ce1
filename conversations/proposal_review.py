"""/tinjau (/review): everything that waits for this person, grouped by what is needed, paged.

A fasilitator sees the proposals of their kota from the completeness check until the work is
done — to check, to verify, waiting for the committee, approved and awaiting disbursement,
running (review.review_queue); a member or the secretary of a kota's committee sees what waits
for its decision (queries.committee_queue); a mitra sees those channelled to their organisation
still awaiting its answer (partners.mitra_queue). A person holding several roles sees each
group once, each proposal once. Opening one shows the proposal with its action buttons (the
actions themselves live in `proposal_actions` and `proposal_decision`).
"""

from __future__ import annotations

from bot.domain.proposals import partners, queries, review
from bot.domain.proposals.queries import QueueGroup
from bot.domain.proposals.views import ProposalSummary
from conversations import proposal_lists as pl
from conversations.context import Context
from conversations.proposal_action_input import leave_review_dialog
from storage.models import Role

PER_PAGE = 6


async def waiting_groups(ctx: Context) -> list[QueueGroup]:
    """The fasilitator's groups, then the committee's, then the mitra's (each proposal once)."""
    actor = ctx.actor
    assert actor is not None
    groups: list[QueueGroup] = []
    if actor.has(Role.FASILITATOR):
        items = await review.review_queue(ctx.session, actor)
        groups += queries.grouped(items, queries.FASILITATOR_GROUPS)
    if actor.kota_ids(Role.PANITIA, Role.SEKRETARIS):
        items = await queries.committee_queue(ctx.session, actor)
        groups += queries.grouped(_unseen(groups, items), queries.COMMITTEE_GROUPS)
    if actor.mitra_ids():
        items = _unseen(groups, await partners.mitra_queue(ctx.session, actor))
        groups += [QueueGroup(queries.MITRA_GROUP, tuple(items))] if items else []
    return groups


def _unseen(groups: list[QueueGroup], items: list[ProposalSummary]) -> list[ProposalSummary]:
    seen = {i.id for g in groups for i in g.items}
    return [i for i in items if i.id not in seen]


async def waiting_for(ctx: Context) -> list[ProposalSummary]:
    """Everything that waits for this person, in the order the queue shows it."""
    return [item for group in await waiting_groups(ctx) for item in group.items]


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
    groups = await waiting_groups(ctx)
    items = [(group, item) for group in groups for item in group.items]
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
        tr.n_(
            "<b>Menunggu tinjauan Bapak/Ibu</b>: {n} usulan",
            "<b>Menunggu tinjauan Bapak/Ibu</b>: {n} usulan",
            len(items),
        ),
        " · ".join(tr._("{status}: {n}", status=tr._(g.label), n=len(g.items)) for g in groups),
    ]
    if pages > 1:
        lines.append(tr._("Halaman {page} dari {pages}", page=page, pages=pages))
    current: QueueGroup | None = None
    for number, (group, item) in enumerate(shown, start=start + 1):
        if group is not current:  # a heading where a group begins on this page
            current = group
            lines += ["", tr._("<b>{group}</b>", group=tr._(group.label))]
        lines.append(pl.list_line(tr, number, item, with_bkm=True))
    lines += ["", tr._("Silakan pilih usulan untuk meninjaunya. Yang terlama di atas.")]
    pager = pl.pager(tr, "queue", page, pages)
    keyboard = pl.list_keyboard(tr, [item for _, item in shown], start + 1, f"q{page}", pager)
    ctx.reply("\n".join(lines), keyboard, edit=edit)


COMMANDS = {"tinjau": cmd_review}
CALLBACKS = {"p:queue": on_queue}
