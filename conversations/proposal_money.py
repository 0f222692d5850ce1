"""Money after the decision, from the buttons under a proposal: tranches, corrections, progress
files and marking the work finished. Every amount is shown back before it is recorded.

```mermaid
stateDiagram-v2
    [*] --> amount: 💸 Catat pencairan dana
    amount --> doubt: looks mistyped ("10" with Rp25.000.000 left)
    doubt --> confirm: a reading (Rp10.000.000), or as typed
    amount --> confirm: plausible and within what is left
    confirm --> [*]: ✅ Ya, catat (recorded) · Batal
    [*] --> fix_tranche: ✏️ Koreksi pencairan
    fix_tranche --> fix_amount: a tranche
    fix_amount --> fix_reason: the right amount
    fix_reason --> fix_confirm: a few words
    fix_confirm --> [*]: ✅ Ya, catat koreksi
    [*] --> stage: 📷 Lampirkan foto kemajuan / LPJ
    stage --> file: 0 % · 50 % · 100 % · LPJ
    file --> stage: a photo or a document (kept; what is still missing is shown)
    [*] --> finish: 🏁 Tandai kegiatan selesai
    finish --> [*]: files missing (said, with the attach button)
    finish --> finish_reason: less than approved disbursed
    finish_reason --> finish_confirm: a few words
    finish --> finish_confirm: fully disbursed
    finish_confirm --> [*]: ✅ Ya, tandai selesai
```

Dialog "money" holds the proposal, the step and what was typed, so a restart loses nothing.
The domain checks everything again when the final button is pressed.
"""

from __future__ import annotations

from bot.domain.errors import DomainError, InvalidInput, InvalidTransition
from bot.domain.money import parse_rupiah
from bot.domain.proposals import attachments, completion, disbursement, queries
from bot.domain.proposals.attachments import STAGE_LABELS, STAGES
from bot.domain.proposals.lifecycle import Action
from bot.domain.proposals.views import ProposalView
from bot.i18n import N_, Translator
from bot.ui import Button, FileRef, keyboard
from conversations import proposal_action_input as input_
from conversations import proposal_views as pv
from conversations.context import Context
from conversations.errors import reply_error

FLOW = "money"
AMOUNT, CONFIRM = "amount", "confirm"
FIX_AMOUNT, FIX_REASON, FIX_CONFIRM = "fix_amount", "fix_reason", "fix_confirm"
FILE = "file"
FINISH_REASON, FINISH_CONFIRM = "finish_reason", "finish_confirm"


data = pv.money_data  # `mn:{verb}:{id}[:…]`


def _cancel(tr: Translator, pid: int) -> list[Button]:
    return [Button(tr._("Batal"), data=data("cancel", pid))]


async def _view(ctx: Context, pid: int) -> ProposalView:
    return await queries.view_by_id(ctx.session, input_.actor_of(ctx), pid)


def _stage_label(tr: Translator, stage: str) -> str:
    return tr._(STAGE_LABELS[stage])


# --- a tranche ----------------------------------------------------------------------------------


async def ask_tranche(ctx: Context, pid: int) -> None:
    """Which tranche comes next, what is left, and the question."""
    view = await _view(ctx, pid)
    if Action.DISBURSE not in view.actions:
        raise InvalidTransition(N_("Seluruh dana yang disetujui sudah tersalurkan."))
    number = len(view.tranches) + 1
    if number > disbursement.MAX_TRANCHES:
        raise InvalidTransition(N_("Ketiga tahap pencairan sudah dicatat."))
    await ctx.start_dialog(FLOW, AMOUNT, proposal_id=pid, tranche=number)
    tr = ctx.tr
    left = (view.approved_amount or 0) - view.disbursed_amount
    ctx.reply(
        tr._("Pencairan dana tahap {tranche} untuk usulan {code}: berapa jumlahnya? Misalnya "
             "5 juta.\nDisetujui {approved}; sudah dicairkan {disbursed}; sisa {remaining}.",
             tranche=number, code=view.code or "", approved=tr.money(view.approved_amount or 0),
             disbursed=tr.money(view.disbursed_amount), remaining=tr.money(left)),
        keyboard(_cancel(tr, pid)),
    )  # fmt: skip


async def _typed_tranche(ctx: Context, pid: int, text: str) -> None:
    amount = parse_rupiah(text, locale=ctx.tr.locale)
    plan = await disbursement.plan_tranche(ctx.session, input_.actor_of(ctx), pid, amount=amount)
    if plan.readings:
        tr = ctx.tr
        rows = [[Button(tr._("Maksud saya {amount}", amount=tr.money(r)),
                        data=data("amt", pid, r))] for r in plan.readings]  # fmt: skip
        if amount >= disbursement.SMALLEST_PLAUSIBLE:
            rows.append([Button(tr._("Ya, memang {amount}", amount=tr.money(amount)),
                                data=data("amt", pid, amount))])  # fmt: skip
        rows.append(_cancel(tr, pid))
        ctx.reply(
            tr._("{amount}? Maksud Bapak/Ibu {reading}?\nJumlah itu jauh lebih kecil dari sisa "
                 "dana ({remaining}). Silakan pilih, atau ketik ulang jumlahnya.",
                 amount=tr.money(amount), reading=tr.money(plan.readings[-1]),
                 remaining=tr.money(plan.remaining_after + amount)),
            keyboard(*rows),
        )  # fmt: skip
        return
    await _confirm_tranche(ctx, pid, amount)


async def _confirm_tranche(ctx: Context, pid: int, amount: int) -> None:
    plan = await disbursement.plan_tranche(ctx.session, input_.actor_of(ctx), pid, amount=amount)
    await ctx.update_dialog(CONFIRM, amount=amount, tranche=plan.tranche)
    tr = ctx.tr
    ctx.reply(
        tr._("Catat pencairan dana tahap {tranche} sebesar <b>{amount}</b>? Setelah ini sisa dana "
             "yang disetujui: {remaining}.", tranche=plan.tranche, amount=tr.money(amount),
             remaining=tr.money(plan.remaining_after)),
        keyboard(
            [Button(tr._("✅ Ya, catat"), data=data("ok", pid, amount))],
            [Button(tr._("✏️ Ubah jumlah"), data=data("again", pid))],
            _cancel(tr, pid),
        ),
    )  # fmt: skip


async def _record_tranche(ctx: Context, pid: int, amount: int) -> None:
    assert ctx.dialog is not None
    tranche = int(ctx.dialog.data.get("tranche", 0))
    outcome = await disbursement.record_tranche(
        ctx.session, ctx.clock, input_.actor_of(ctx), pid, amount=amount, tranche=tranche
    )
    await ctx.end_dialog()
    await input_.confirm(ctx, Action.DISBURSE.value, outcome, amount=amount, tranche=tranche)


# --- a correction -------------------------------------------------------------------------------


async def _ask_fix(ctx: Context, pid: int) -> None:
    view = await _view(ctx, pid)
    tr = ctx.tr
    rows = [[Button(tr._("Tahap {n}: {amount}", n=t.number, amount=tr.money(t.amount)),
                    data=data("fixt", pid, t.number))] for t in view.tranches]  # fmt: skip
    await ctx.start_dialog(FLOW, FIX_AMOUNT, proposal_id=pid)
    ctx.reply(tr._("Pencairan tahap berapa yang perlu dikoreksi? Koreksi dicatat sebagai "
                   "catatan baru beserta alasannya; catatan lama tetap tersimpan."),
              keyboard(*rows, _cancel(tr, pid)))  # fmt: skip


async def _ask_fix_amount(ctx: Context, pid: int, tranche: int) -> None:
    view = await _view(ctx, pid)
    current = next((t for t in view.tranches if t.number == tranche), None)
    if current is None:
        raise InvalidInput(N_("Tahap {n} belum dicatat."), n=tranche)
    await ctx.start_dialog(FLOW, FIX_AMOUNT, proposal_id=pid, tranche=tranche)
    tr = ctx.tr
    ctx.reply(tr._("Tahap {n} tercatat {amount}. Berapa jumlah yang benar?", n=tranche,
                   amount=tr.money(current.amount)), keyboard(_cancel(tr, pid)))  # fmt: skip


async def _confirm_fix(ctx: Context, pid: int) -> None:
    assert ctx.dialog is not None
    d, tr = ctx.dialog.data, ctx.tr
    await ctx.update_dialog(FIX_CONFIRM)
    ctx.reply(
        tr._("Catat koreksi: tahap {n} menjadi <b>{amount}</b>.\nAlasan: {reason}\nLanjutkan?",
             n=d["tranche"], amount=tr.money(d["amount"]), reason=d["reason"]),
        keyboard([Button(tr._("✅ Ya, catat koreksi"), data=data("fixok", pid))], _cancel(tr, pid)),
    )  # fmt: skip


async def _record_fix(ctx: Context, pid: int) -> None:
    assert ctx.dialog is not None
    d = ctx.dialog.data
    await disbursement.correct_tranche(
        ctx.session, ctx.clock, input_.actor_of(ctx), pid, tranche=int(d["tranche"]),
        amount=int(d["amount"]), reason=str(d["reason"]),
    )  # fmt: skip
    await ctx.end_dialog()
    view = await _view(ctx, pid)
    tr = ctx.tr
    ctx.reply(tr._("✅ Koreksi tahap {n} sudah dicatat. Seluruhnya sudah dicairkan {total} dari "
                   "{approved}. Pengusul dan koordinator BKM sudah diberi tahu.", n=d["tranche"],
                   total=tr.money(view.disbursed_amount),
                   approved=tr.money(view.approved_amount or 0)))  # fmt: skip


# --- progress files -----------------------------------------------------------------------------


async def _ask_stage(ctx: Context, pid: int, *, saved: str | None = None) -> None:
    view = await _view(ctx, pid)
    tr = ctx.tr
    missing = attachments.missing_stages(view.progress_files)
    lines = [tr._("✅ Tersimpan: {stage}.", stage=_stage_label(tr, saved))] if saved else []
    if missing:
        lines.append(tr._("Masih perlu: {missing}.",
                          missing=", ".join(_stage_label(tr, s) for s in missing)))  # fmt: skip
    else:
        lines.append(tr._("Foto kemajuan 0%, 50%, 100%, serta LPJ sudah lengkap."))
    lines.append(tr._("Silakan pilih lampiran yang akan dikirim."))
    rows = [[Button(("✅ " if s not in missing else "") + _stage_label(tr, s),
                    data=data("stage", pid, STAGES.index(s)))] for s in STAGES]  # fmt: skip
    await ctx.end_dialog()
    ctx.reply("\n".join(lines), keyboard(*rows, _cancel(tr, pid)))


async def _ask_file(ctx: Context, pid: int, stage: str) -> None:
    await ctx.start_dialog(FLOW, FILE, proposal_id=pid, stage=stage)
    tr = ctx.tr
    text = (
        tr._("Silakan kirim LPJ sebagai berkas (PDF) untuk usulan ini.")
        if stage == attachments.LPJ
        else tr._("Silakan kirim {stage} untuk usulan ini.", stage=_stage_label(tr, stage))
    )
    ctx.reply(text, keyboard(_cancel(tr, pid)))


async def _received_file(ctx: Context, pid: int, stage: str) -> None:
    file = ctx.incoming.file
    if ctx.incoming.kind != "file" or file is None:
        raise InvalidInput(N_("Mohon kirim foto atau berkasnya (bukan teks)."))
    await attachments.attach(ctx.session, ctx.clock, input_.actor_of(ctx), pid, stage=stage,
                             file_id=file.file_id, kind=file.kind, file_name=file.file_name)  # fmt: skip
    await _ask_stage(ctx, pid, saved=stage)


async def _send_files(ctx: Context, pid: int) -> None:
    view = await _view(ctx, pid)
    tr = ctx.tr
    for item in view.progress_files:
        caption = tr._("{stage}, usulan {code}", stage=_stage_label(tr, item.stage),
                       code=view.code or "")  # fmt: skip
        ctx.reply(caption, attachment=FileRef(item.file_id, item.kind, item.file_name))
    if not view.progress_files:
        ctx.toast(tr._("Belum ada foto kemajuan atau LPJ."))


# --- finishing ----------------------------------------------------------------------------------


async def ask_finish(ctx: Context, pid: int) -> None:
    """What finishing needs: the files, then (when money is left) a reason, then a confirmation."""
    check = await completion.check_finish(ctx.session, input_.actor_of(ctx), pid)
    tr = ctx.tr
    if check.missing:
        await ctx.end_dialog()
        ctx.reply(
            tr._("Sebelum kegiatan ditandai selesai, mohon lampirkan dulu: {missing}.",
                 missing=", ".join(_stage_label(tr, s) for s in check.missing)),
            keyboard([Button(tr._("📷 Lampirkan foto kemajuan / LPJ"), data=data("att", pid))]),
        )  # fmt: skip
        return
    if check.shortfall:
        await ctx.start_dialog(FLOW, FINISH_REASON, proposal_id=pid)
        ctx.reply(
            tr._("Dana baru dicairkan {disbursed} dari {approved} (sisa {left}). Setelah kegiatan "
                 "ditandai selesai, sisa itu tidak dapat dicairkan lagi. Mohon tulis alasannya "
                 "dalam beberapa kata.", disbursed=tr.money(check.disbursed),
                 approved=tr.money(check.approved), left=tr.money(check.shortfall)),
            keyboard(_cancel(tr, pid)),
        )  # fmt: skip
        return
    await ctx.start_dialog(FLOW, FINISH_CONFIRM, proposal_id=pid)
    _confirm_finish(ctx, pid, None)


def _confirm_finish(ctx: Context, pid: int, reason: str | None) -> None:
    tr = ctx.tr
    text = tr._("Tandai kegiatan usulan ini selesai? Setelah itu tidak ada lagi pencairan dana.")
    if reason:
        text = tr._("{text}\nAlasan: {reason}", text=text, reason=reason)
    ctx.reply(text, keyboard([Button(tr._("✅ Ya, tandai selesai"), data=data("done", pid))],
                             _cancel(tr, pid)))  # fmt: skip


async def _finish(ctx: Context, pid: int) -> None:
    assert ctx.dialog is not None
    reason = ctx.dialog.data.get("reason")
    outcome = await completion.finish(ctx.session, ctx.clock, input_.actor_of(ctx), pid,
                                      reason=reason, confirmed=True)  # fmt: skip
    await ctx.end_dialog()
    await input_.confirm(ctx, Action.FINISH.value, outcome)


# --- routing ------------------------------------------------------------------------------------


def _open(ctx: Context, pid: int, *steps: str) -> bool:
    return ctx.in_flow(FLOW, *steps, proposal_id=pid)


async def on_button(ctx: Context, parts: list[str]) -> None:
    """`mn:{verb}:{id}[:{extra}]`."""
    verb = parts[1] if len(parts) > 1 else ""
    if len(parts) < 3 or not parts[2].isdigit():
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    pid, extra = int(parts[2]), [int(x) for x in parts[3:] if x.isdigit()]
    await input_.leave_review_dialog(ctx)
    if verb == "cancel":
        if _open(ctx, pid):
            await ctx.end_dialog()
        ctx.reply(ctx.tr._("Baik, dibatalkan. Tidak ada yang dicatat."), edit=True)
    elif verb == "amt" and extra and _open(ctx, pid, AMOUNT):
        await _confirm_tranche(ctx, pid, extra[0])
    elif verb == "again" and _open(ctx, pid, CONFIRM):
        await ask_tranche(ctx, pid)
    elif (
        verb == "ok"
        and extra
        and _open(ctx, pid, CONFIRM)
        and ctx.dialog
        and (ctx.dialog.data.get("amount") == extra[0])
    ):
        await _record_tranche(ctx, pid, extra[0])
    elif verb == "fix":
        await _ask_fix(ctx, pid)
    elif verb == "fixt" and extra:
        await _ask_fix_amount(ctx, pid, extra[0])
    elif verb == "fixok" and _open(ctx, pid, FIX_CONFIRM):
        await _record_fix(ctx, pid)
    elif verb == "att":
        await _ask_stage(ctx, pid)
    elif verb == "stage" and extra and extra[0] < len(STAGES):
        await _ask_file(ctx, pid, STAGES[extra[0]])
    elif verb == "files":
        await _send_files(ctx, pid)
    elif verb == "done" and _open(ctx, pid, FINISH_CONFIRM):
        await _finish(ctx, pid)
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


async def on_message(ctx: Context) -> None:
    """What was typed (or sent) for the open step; invalid input says why, the step stays."""
    assert ctx.dialog is not None
    step, d = ctx.dialog.step, ctx.dialog.data
    pid = int(d["proposal_id"])
    text = ctx.incoming.text if ctx.incoming.kind == "text" else ""
    try:
        if step == FILE:
            await _received_file(ctx, pid, str(d["stage"]))
        elif step in (AMOUNT, CONFIRM):
            await ctx.update_dialog(AMOUNT)  # typing again replaces the amount shown
            await _typed_tranche(ctx, pid, text)
        elif step == FIX_AMOUNT and "tranche" in d:
            await ctx.update_dialog(FIX_REASON, amount=parse_rupiah(text, locale=ctx.tr.locale,
                                                                    allow_zero=True))  # fmt: skip
            ctx.reply(ctx.tr._("Mohon tulis alasan koreksinya dalam beberapa kata."),
                      keyboard(_cancel(ctx.tr, pid)))  # fmt: skip
        elif step == FIX_REASON:
            await ctx.update_dialog(reason=disbursement.clean_reason(text))
            await _confirm_fix(ctx, pid)
        elif step == FINISH_REASON:
            reason = disbursement.clean_reason(text)
            await ctx.update_dialog(FINISH_CONFIRM, reason=reason)
            _confirm_finish(ctx, pid, reason)
        else:
            raise InvalidInput(N_("Silakan pilih salah satu tombol di atas."))
    except InvalidInput as error:
        reply_error(ctx, error)
    except DomainError as error:
        await ctx.end_dialog()
        reply_error(ctx, error)


CALLBACKS = {"mn": on_button}
DIALOGS = {FLOW: on_message}
