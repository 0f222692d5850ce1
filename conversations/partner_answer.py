"""A mitra's answer from the buttons under a proposal: a support plan, or a decline.

```mermaid
stateDiagram-v2
    [*] --> kind: 💰 Nyatakan rencana dukungan
    kind --> amount: 💵 Dana tunai
    kind --> year: 📅 Anggaran tahun depan
    year --> amount: a year
    kind --> description: 📦 Barang/jasa
    description --> value: a few words
    value --> confirm: an estimated value, or Lewati
    amount --> doubt: over what was asked of this mitra, or mistyped
    doubt --> confirm: a reading, or "Ya, benar"
    amount --> confirm: plausible
    [*] --> switch: ✖️ Tolak, after a plan (asked first)
    switch --> reason: Ya, batalkan rencana
    [*] --> reason: ✖️ Tolak dengan alasan
    reason --> confirm: a few words (checked by the domain, shown back as the BKM reads it)
    confirm --> reason: ✏️ Tulis ulang (a decline)
    confirm --> [*]: ✅ Ya, kirim (recorded; BKM and fasilitator told)
```

The prompt shows what the proposal asks of this mitra (its funding line), not the total.
Dialog "plan" holds every answer so far.
"""

from __future__ import annotations

from typing import Any

from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.domain.money import parse_rupiah
from bot.domain.proposals import partners, queries
from bot.domain.proposals.lifecycle import MITRA_MAY_ANSWER
from bot.domain.proposals.money_notify import plan_text
from bot.domain.proposals.partners import CASH, IN_KIND, NEXT_BUDGET, SupportPlan
from bot.domain.proposals.views import PartnerView, ProposalView
from bot.i18n import N_, Translator
from bot.ui import Button, keyboard
from conversations import proposal_action_input as input_
from conversations.context import Context
from conversations.errors import reply_error
from storage.models import Proposal

FLOW = "plan"
KIND, AMOUNT, DESCRIPTION, VALUE, REASON, CONFIRM = (
    "kind", "amount", "description", "value", "reason", "confirm",
)  # fmt: skip
KINDS = (CASH, IN_KIND, NEXT_BUDGET)


def data(verb: str, proposal_id: int, *extra: object) -> str:
    """`pa:{verb}:{id}[:…]`."""
    return ":".join(["pa", verb, str(proposal_id), *map(str, extra)])


def _cancel(tr: Translator, pid: int) -> list[Button]:
    return [Button(tr._("Batal"), data=data("cancel", pid))]


async def _partner(ctx: Context, pid: int, mitra_id: int) -> tuple[ProposalView, PartnerView]:
    actor = input_.actor_of(ctx)
    view = await queries.view_by_id(ctx.session, actor, pid)
    partner = next((p for p in view.partners if p.mitra_id == mitra_id), None)
    if partner is None or mitra_id not in actor.mitra_ids():
        raise NotAllowed(N_("Maaf, usulan ini tidak disalurkan kepada mitra Bapak/Ibu."))
    if view.status not in MITRA_MAY_ANSWER:
        raise InvalidInput(
            N_("Maaf, usulan ini sedang berstatus {status}, jadi belum atau tidak lagi dapat "
               "dijawab."), status=view.status_label,
        )  # fmt: skip
    return view, partner


def _asked(view: ProposalView, partner: PartnerView) -> int:
    """The funding line of this mitra's kind (Dinas: APBD; Kelompok Peduli: its own line)."""
    probe = Proposal(bkm_id=0, kota_id=0)
    for line in view.funding:
        setattr(probe, line.field, line.amount)
    return partners.asked_of(probe, partner.kind)


# --- starting -----------------------------------------------------------------------------------


async def start_pledge(ctx: Context, pid: int, mitra_id: int) -> None:
    """Ask the kind of support, showing what is asked of this mitra."""
    view, partner = await _partner(ctx, pid, mitra_id)
    await ctx.start_dialog(FLOW, KIND, proposal_id=pid, mitra_id=mitra_id, asked=_asked(view, partner),
                           total=view.anggaran_total or 0)  # fmt: skip
    tr = ctx.tr
    asked = _asked(view, partner)
    lines = [tr._("Rencana dukungan {mitra} untuk usulan {code} “{judul}”.", mitra=partner.name,
                  code=view.code or "", judul=view.judul or "")]  # fmt: skip
    if asked:
        lines.append(tr._("Yang diminta dari {mitra}: <b>{asked}</b> (anggaran total {total}).",
                          mitra=partner.name, asked=tr.money(asked),
                          total=tr.money(view.anggaran_total or 0)))  # fmt: skip
    lines.append(tr._("Ini rencana, bukan janji yang mengikat. Dalam bentuk apa?"))
    ctx.reply("\n".join(lines), keyboard(
        [Button(tr._("💵 Dana tunai"), data=data("kind", pid, 0))],
        [Button(tr._("📦 Barang/jasa"), data=data("kind", pid, 1))],
        [Button(tr._("📅 Anggaran tahun depan"), data=data("kind", pid, 2))],
        _cancel(tr, pid),
    ))  # fmt: skip


async def start_decline(ctx: Context, pid: int, mitra_id: int) -> None:
    """Ask for the reason; when a plan was given before, ask first whether to drop it."""
    view, partner = await _partner(ctx, pid, mitra_id)
    tr = ctx.tr
    await ctx.start_dialog(FLOW, REASON, proposal_id=pid, mitra_id=mitra_id, decline=True,
                           code=view.code or "")  # fmt: skip
    if partner.answer == partners.PLEDGED:
        await ctx.update_dialog("switch")
        plan = plan_text(tr, partner.plan_kind, partner.pledged_amount,
                         partner.plan_description, partner.plan_year)  # fmt: skip
        ctx.reply(
            tr._("Sebelumnya {mitra} menyatakan rencana dukungan: {plan}. Ubah jawaban menjadi "
                 "tidak mendukung?", mitra=partner.name, plan=plan),
            keyboard([Button(tr._("Ya, batalkan rencana itu"), data=data("switch", pid))],
                     [Button(tr._("Tidak, rencana tetap"), data=data("cancel", pid))]),
        )  # fmt: skip
        return
    _ask_reason(ctx, pid, partner.name, view.code or "")


def _ask_reason(ctx: Context, pid: int, mitra: str, code: str) -> None:
    tr = ctx.tr
    ctx.reply(tr._("Mohon tulis alasan {mitra} belum dapat mendukung usulan {code}. Alasan ini "
                   "akan dibaca oleh BKM.", mitra=mitra, code=code),
              keyboard(_cancel(tr, pid)))  # fmt: skip


# --- the steps ----------------------------------------------------------------------------------


async def _ask_for_kind(ctx: Context, pid: int, kind: str) -> None:
    tr = ctx.tr
    await ctx.update_dialog(kind=kind)
    if kind == IN_KIND:
        await ctx.update_dialog(DESCRIPTION)
        ctx.reply(tr._("Mohon jelaskan barang atau jasanya, misalnya “20 sak semen dan 2 tukang "
                       "selama 5 hari”."), keyboard(_cancel(tr, pid)))  # fmt: skip
    elif kind == NEXT_BUDGET:
        year = ctx.clock.now().year
        await ctx.update_dialog("year")
        ctx.reply(tr._("Dari tahun anggaran berapa?"), keyboard(
            [Button(str(y), data=data("year", pid, y)) for y in (year + 1, year + 2)],
            _cancel(tr, pid),
        ))  # fmt: skip
    else:
        await _ask_amount(ctx, pid)


async def _ask_amount(ctx: Context, pid: int) -> None:
    assert ctx.dialog is not None
    tr, asked = ctx.tr, int(ctx.dialog.data.get("asked") or 0)
    await ctx.update_dialog(AMOUNT)
    text = tr._("Berapa jumlahnya? Misalnya 5 juta atau 5.000.000.")
    if asked:
        text = tr._("{text}\nYang diminta: {asked}.", text=text, asked=tr.money(asked))
    ctx.reply(text, keyboard(_cancel(tr, pid)))


async def _typed_amount(ctx: Context, pid: int, text: str) -> None:
    assert ctx.dialog is not None
    d, tr = ctx.dialog.data, ctx.tr
    amount = parse_rupiah(text, locale=tr.locale)
    doubt = partners.pledge_doubt(amount, asked=int(d.get("asked") or 0),
                                  total=int(d.get("total") or 0))  # fmt: skip
    if doubt is None:
        await _confirm(ctx, pid, amount)
        return
    rows = [[Button(tr._("Maksud saya {amount}", amount=tr.money(r)), data=data("amt", pid, r))]
            for r in doubt.readings]  # fmt: skip
    rows.append([Button(tr._("Ya, benar {amount}", amount=tr.money(amount)),
                        data=data("amt", pid, amount))])  # fmt: skip
    rows.append(_cancel(tr, pid))
    if doubt.over_asked:
        question = tr._("{amount} lebih besar dari yang diminta ({asked}). Benar {amount}?",
                        amount=tr.money(amount),
                        asked=tr.money(doubt.asked or int(d.get("total") or 0)))  # fmt: skip
    else:
        question = tr._("{amount}? Maksud Bapak/Ibu {reading}?", amount=tr.money(amount),
                        reading=tr.money(doubt.readings[-1] if doubt.readings else amount))  # fmt: skip
    ctx.reply(tr._("{question}\nSilakan pilih, atau ketik ulang jumlahnya.", question=question),
              keyboard(*rows))  # fmt: skip


async def _confirm(ctx: Context, pid: int, amount: int | None) -> None:
    assert ctx.dialog is not None
    await ctx.update_dialog(CONFIRM, amount=amount)
    d, tr = ctx.dialog.data, ctx.tr
    plan = plan_text(tr, d["kind"], amount, d.get("description"), d.get("year"))
    ctx.reply(tr._("Kirim rencana dukungan: {plan}?", plan=plan),
              keyboard([Button(tr._("✅ Ya, kirim"), data=data("ok", pid))],
                       _cancel(tr, pid)))  # fmt: skip


async def _confirm_decline(ctx: Context, pid: int, text: str) -> None:
    """The reason as the BKM will read it; recorded only when "Ya, kirim" is pressed."""
    assert ctx.dialog is not None
    d, tr = ctx.dialog.data, ctx.tr
    check = await partners.check_decline(ctx.session, input_.actor_of(ctx), pid, reason=text,
                                         mitra_id=int(d["mitra_id"]))  # fmt: skip
    # A plan given meanwhile (by a colleague) is named here, so "Ya" drops it knowingly.
    await ctx.update_dialog(CONFIRM, reason=check.reason,
                            switch=bool(d.get("switch")) or check.replaces_plan)  # fmt: skip
    lines = [
        tr._("Jawaban ini akan dikirim kepada BKM dan fasilitator:"),
        "",
        tr._("{mitra} belum dapat mendukung usulan {code}.", mitra=check.mitra,
             code=d.get("code") or ""),
        tr._("Alasan: {note}", note=check.reason),
        "",
    ]  # fmt: skip
    if check.replaces_plan:
        lines.append(tr._("Rencana dukungan yang disampaikan sebelumnya akan dibatalkan."))
    lines.append(tr._("Sudah sesuai?"))
    ctx.reply("\n".join(lines), keyboard(
        [Button(tr._("✅ Ya, kirim"), data=data("ok", pid))],
        [Button(tr._("✏️ Tulis ulang"), data=data("rewrite", pid))],
        _cancel(tr, pid),
    ))  # fmt: skip


async def _send(ctx: Context, pid: int) -> None:
    assert ctx.dialog is not None
    d: dict[str, Any] = dict(ctx.dialog.data)
    kw: dict[str, Any] = {"mitra_id": d.get("mitra_id")}
    if d.get("decline"):
        kw |= {"decline_reason": d.get("reason"), "drop_plan": bool(d.get("switch"))}
    else:
        kw["plan"] = SupportPlan(d["kind"], d.get("amount"), d.get("description"), d.get("year"))
    outcome = await partners.answer_as_mitra(ctx.session, ctx.clock, input_.actor_of(ctx), pid,
                                             **kw)  # fmt: skip
    await ctx.end_dialog()
    plan = None
    if not d.get("decline"):
        plan = plan_text(ctx.tr, d["kind"], d.get("amount"), d.get("description"), d.get("year"))
    await input_.confirm(ctx, input_.DECLINE if d.get("decline") else input_.PLEDGE, outcome,
                         plan=plan)  # fmt: skip


# --- routing ------------------------------------------------------------------------------------


def _open(ctx: Context, pid: int, *steps: str) -> bool:
    return ctx.in_flow(FLOW, *steps, proposal_id=pid)


async def on_button(ctx: Context, parts: list[str]) -> None:
    """`pa:{verb}:{id}[:{extra}]`."""
    verb = parts[1] if len(parts) > 1 else ""
    if len(parts) < 3 or not parts[2].isdigit():
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    pid, extra = int(parts[2]), [int(x) for x in parts[3:] if x.isdigit()]
    if verb == "cancel":
        if _open(ctx, pid):
            await ctx.end_dialog()
        ctx.reply(ctx.tr._("Baik, dibatalkan. Jawaban mitra tidak berubah."), edit=True)
    elif verb == "kind" and extra and extra[0] < len(KINDS) and _open(ctx, pid, KIND):
        await _ask_for_kind(ctx, pid, KINDS[extra[0]])
    elif verb == "year" and extra and _open(ctx, pid, "year"):
        await ctx.update_dialog(year=extra[0])
        await _ask_amount(ctx, pid)
    elif verb == "amt" and extra and _open(ctx, pid, AMOUNT, VALUE):
        await _confirm(ctx, pid, extra[0])
    elif verb == "skip" and _open(ctx, pid, VALUE):
        await _confirm(ctx, pid, None)
    elif verb == "switch" and _open(ctx, pid, "switch") and ctx.dialog:
        await ctx.update_dialog(REASON, switch=True)
        view, partner = await _partner(ctx, pid, int(ctx.dialog.data["mitra_id"]))
        _ask_reason(ctx, pid, partner.name, view.code or "")
    elif (
        verb == "rewrite"
        and _open(ctx, pid, CONFIRM)
        and ctx.dialog
        and ctx.dialog.data.get("decline")
    ):
        await ctx.update_dialog(REASON)
        view, partner = await _partner(ctx, pid, int(ctx.dialog.data["mitra_id"]))
        _ask_reason(ctx, pid, partner.name, view.code or "")
    elif verb == "ok" and _open(ctx, pid, CONFIRM):
        await _send(ctx, pid)
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


async def on_message(ctx: Context) -> None:
    """What was typed for the open step; invalid input says why and the step stays."""
    assert ctx.dialog is not None
    step, d = ctx.dialog.step, ctx.dialog.data
    pid = int(d["proposal_id"])
    text = ctx.incoming.text if ctx.incoming.kind == "text" else ""
    tr = ctx.tr
    try:
        if step in (AMOUNT, VALUE):
            await _typed_amount(ctx, pid, text)
        elif step == DESCRIPTION:
            plan = partners.clean_plan(SupportPlan(IN_KIND, description=text), 0)
            await ctx.update_dialog(VALUE, description=plan.description)
            ctx.reply(tr._("Berapa perkiraan nilainya dalam rupiah? Boleh dilewati."), keyboard(
                [Button(tr._("Lewati"), data=data("skip", pid))], _cancel(tr, pid),
            ))  # fmt: skip
        elif step == REASON:
            await _confirm_decline(ctx, pid, text)
        else:
            raise InvalidInput(N_("Silakan pilih salah satu tombol di atas."))
    except InvalidInput as error:
        reply_error(ctx, error)
    except DomainError as error:
        await ctx.end_dialog()
        reply_error(ctx, error)


CALLBACKS = {"pa": on_button}
DIALOGS = {FLOW: on_message}
