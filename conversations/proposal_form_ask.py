"""The proposal form's "where are we": ask the question it stands at, or show its summary.

Shared by the free-message handlers (`proposal_form`) and the buttons (`proposal_form_buttons`).
The dialog remembers only which proposal this person is filling in (and whether the phone's
location keyboard is showing); the form's place is the domain's `Proposal.step`.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.errors import InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import callbacks, form, form_lists, form_store
from bot.domain.proposals.access import today_in
from bot.domain.proposals.form import position
from bot.domain.proposals.lifecycle import is_koordinator_of
from bot.domain.proposals.steps import STEP_NAMES, Step, StepKind
from bot.domain.proposals.views import build_view
from bot.i18n import Html, paragraphs
from bot.ui import Button, Keyboard, keyboard
from conversations import proposal_form_view as view
from conversations.context import Context
from conversations.menu import show_menu
from conversations.proposal_views import full_data
from storage.models import Bkm, Kota, Person, Proposal

FLOW = "proposal"
RESUMING = "resume"  # dialog step while "Lanjutkan?" waits for an answer


async def start_draft(ctx: Context, bkm_id: int | None, told: Html | None = None) -> None:
    """Open this person's draft for the BKM: offer to continue one with answers, else begin.

    `told` (the old draft was deleted) opens the first message rather than coming alone.
    """
    assert ctx.actor is not None
    proposal = await form.start_or_resume_draft(ctx.session, ctx.clock, ctx.actor, bkm_id)
    assert proposal.id is not None
    await ctx.start_dialog(FLOW, proposal_id=proposal.id)
    bkm = await ctx.session.get_one(Bkm, proposal.bkm_id)
    if proposal.step != STEP_NAMES[0] or proposal.judul is not None:
        await ctx.update_dialog(step=RESUMING)
        ctx.reply(
            paragraphs(
                told,
                ctx.tr._(
                    "Bapak/Ibu masih punya draf usulan <b>{judul}</b> untuk {bkm}. "
                    "Lanjutkan mengisi?",
                    judul=proposal.judul or "-",
                    bkm=bkm.name,
                ),
            ),
            keyboard(
                [
                    Button(ctx.tr._("▶️ Lanjutkan"), data=callbacks.form(proposal.id, "go", "-")),
                    Button(
                        ctx.tr._("🔄 Mulai baru"), data=callbacks.form(proposal.id, "del", "new")
                    ),
                ]
            ),
        )
        return
    ctx.reply(
        paragraphs(
            told,
            ctx.tr._(
                "Baik, kita susun usulan untuk <b>{bkm}</b>. Setiap jawaban langsung tersimpan, "
                "dan pertanyaan yang tidak berlaku untuk usulan ini dilewati. Ketik /batal kapan "
                "saja untuk berhenti, draf tetap tersimpan.",
                bkm=bkm.name,
            ),
        )
    )
    await ask(ctx, proposal)


async def current(ctx: Context) -> Proposal | None:
    """The proposal the dialog is about; None (dialog ended, person told) when it is gone."""
    assert ctx.actor is not None and ctx.dialog is not None
    try:
        return await form.load_form(
            ctx.session, ctx.actor, int(ctx.dialog.data.get("proposal_id", 0))
        )
    except (NotFound, NotAllowed, InvalidTransition) as error:
        await ctx.end_dialog()
        show_menu(ctx, ctx.tr._(error.message, **error.params))
        return None


async def bind(ctx: Context, proposal: Proposal) -> None:
    """Make free messages reach this proposal's form."""
    dialog = ctx.dialog
    if dialog is None or dialog.flow != FLOW or dialog.data.get("proposal_id") != proposal.id:
        await ctx.start_dialog(FLOW, proposal_id=proposal.id)
    elif dialog.step:
        await ctx.update_dialog(step="")


async def ask(ctx: Context, proposal: Proposal, *, leaving: str | None = None) -> None:
    """Ask the question the form stands at, or show the summary.

    The phone's location keyboard is taken away (with the line `leaving`) once past that step.
    """
    where = position(proposal)
    on_location = where.step is not None and where.step.kind == StepKind.LOCATION
    if ctx.dialog is not None and ctx.dialog.data.get("kb") and not on_location:
        ctx.reply(leaving or ctx.tr._("Baik."), remove_keyboard=True)
        await ctx.update_dialog(kb=False)
    if where.step is None:
        await show_summary(ctx, proposal)
        return
    text, buttons = view.question(ctx.tr, proposal, where, await extras(ctx, proposal, where.step))
    ctx.reply(text, buttons)
    if on_location:
        ctx.reply(*view.location_request(ctx.tr))
        if ctx.dialog is not None:
            await ctx.update_dialog(kb=True)


async def extras(ctx: Context, proposal: Proposal, step: Step) -> view.Extras:
    """The area's words and today, plus the partners or attachments for the steps that show them."""
    assert ctx.actor is not None and proposal.id is not None
    kota = await ctx.session.get_one(Kota, proposal.kota_id)
    base = view.Extras(kota_kind=kota.kind, today=today_in(kota, ctx.clock))
    if step.kind == StepKind.MULTI:
        options = await form_lists.mitra_options(ctx.session, ctx.actor, proposal.id)
        return replace(base, mitra=options)
    if step.kind == StepKind.FILES:
        count = await form_store.attachment_count(ctx.session, proposal.id)
        return replace(base, attachments=count)
    return base


async def show_summary(
    ctx: Context,
    proposal: Proposal,
    *,
    edit: bool = False,
    fields: bool = False,
    text: str | None = None,
    buttons: Keyboard | None = None,
) -> None:
    """The summary with its buttons (or, with `fields`, the grid of fields to edit).

    With `text`, that short message carries the summary's buttons instead of the whole
    summary again (after a refused submit, say): thirty lines are not sent twice.
    """
    assert ctx.actor is not None
    pv = await build_view(ctx.session, ctx.actor, proposal)
    kota = await ctx.session.get_one(Kota, proposal.kota_id)
    koordinator = is_koordinator_of(ctx.actor, proposal)
    if buttons is None:
        buttons = view.summary_buttons(
            ctx.tr, pv, koordinator=koordinator, fields=fields, proposal=proposal,
            kota_kind=kota.kind,
        )  # fmt: skip
    if text is not None:
        ctx.reply(text, buttons)
        return
    chosen = [
        form_lists.MitraOption(p.mitra_id, p.name, p.kind, selected=True) for p in pv.partners
    ]
    shown = view.Extras(mitra=chosen, attachments=len(pv.attachments), kota_kind=kota.kind)
    owner = await _owner_line(ctx, proposal)
    text = view.summary(ctx.tr, proposal, pv, shown, koordinator=koordinator, owner=owner)
    if view.summary_shortened(pv):
        more = Button(ctx.tr._("📖 Baca selengkapnya"), data=full_data(pv.id))
        buttons = (*buttons, (more,))
    ctx.reply(text, buttons, edit=edit)


async def _owner_line(ctx: Context, proposal: Proposal) -> str | None:
    """Whose draft it is, when the reader is not its author (a koordinator opening it)."""
    assert ctx.actor is not None
    if proposal.author_id is None or proposal.author_id == ctx.actor.person_id:
        return None
    author = await ctx.session.get(Person, proposal.author_id)
    name = author.name if author is not None and author.deleted_at is None else ""
    return ctx.tr._("👤 Draf ini disusun oleh <b>{name}</b>.", name=name or ctx.tr._("anggota BKM"))


async def preview(ctx: Context, proposal: Proposal) -> None:
    """Someone else's draft, opened: whose it is and what it holds first, not mid-form.

    From the preview the reader continues where the form stands, edits a field, or submits.
    """
    assert proposal.id is not None
    if position(proposal).step is None:
        await show_summary(ctx, proposal)
        return
    # Not finished yet: the summary's edit and submit buttons need a complete form.
    go = Button(ctx.tr._("▶️ Lanjutkan mengisi"), data=callbacks.form(proposal.id, "go", "-"))
    await show_summary(ctx, proposal, buttons=keyboard(go))
