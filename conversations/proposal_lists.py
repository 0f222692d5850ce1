"""Lists of proposals in chat (/status and /tinjau): numbered lines, a button each, ◀️ ▶️.

A line carries the code, the title (escaped by `tr._`) and the plain status label; its button
opens the proposal in place of the list, remembering the page (`l2`, `q1`) for the way back.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.proposals import callbacks
from bot.domain.proposals.views import ProposalSummary
from bot.i18n import Translator
from bot.ui import Button, Keyboard
from conversations.proposal_views import short, title, view_data


def pager(tr: Translator, kind: str, page: int, pages: int) -> list[Button]:
    """◀️ ▶️ under a list, editing it in place (`kind` is "list" or "queue")."""
    row = []
    if page > 1:
        row.append(Button(tr._("◀️ Sebelumnya"), data=callbacks.page(kind, page - 1)))
    if page < pages:
        row.append(Button(tr._("Berikutnya ▶️"), data=callbacks.page(kind, page + 1)))
    return row


def list_line(tr: Translator, number: int, item: ProposalSummary, *, with_bkm: bool) -> str:
    """ "3. PKT-2026-0042 “Judul” — Diajukan" (the BKM too in a facilitator's queue)."""
    params = {
        "n": number,
        "code": item.code or tr._("Draf"),
        "judul": title(tr, item.judul),
        "status": tr._(item.status_label),
    }
    if with_bkm:
        return tr._(
            "{n}. <b>{code}</b> “{judul}”, {bkm} — <i>{status}</i>", bkm=item.bkm_name, **params
        )
    return tr._("{n}. <b>{code}</b> “{judul}” — <i>{status}</i>", **params)


def item_button(tr: Translator, number: int, item: ProposalSummary, origin: str) -> Button:
    """Opens one proposal; a draft (no code yet) opens in the form instead."""
    code = item.code or tr._("Draf")
    label = f"{number}. {code} · {short(item.judul or '…')}"
    if item.code is None:
        return Button(label, data=callbacks.open_draft(item.id))
    return Button(label, data=view_data(item.code, origin))


def list_keyboard(
    tr: Translator,
    items: Sequence[ProposalSummary],
    first_number: int,
    origin: str,
    pager_row: list[Button],
) -> Keyboard:
    rows: list[tuple[Button, ...]] = [
        (item_button(tr, first_number + i, item, origin),) for i, item in enumerate(items)
    ]
    if pager_row:
        rows.append(tuple(pager_row))
    return tuple(rows)
