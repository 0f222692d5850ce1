"""Recording the committee's decision (📝 Catat keputusan Panitia), by its secretary.

```mermaid
stateDiagram-v2
    [*] --> outcome: pd:go (the button under a proposal)
    outcome --> meeting: Disetujui / Masuk daftar tunggu / Tidak disetujui
    meeting --> meeting: not a date, or refused (why, asked again)
    meeting --> amount: a committee meeting picked, or its date typed (approve)
    meeting --> note: (waitlist, not approved)
    amount --> amount: not an amount, or refused
    note --> note: too short (a few words asked), or not text
    amount --> confirm: typed, or "Sesuai permintaan BLM"
    note --> confirm: typed, or Lewati (waitlist only)
    confirm --> [*]: ✅ Ya, catat: recorded, everyone told
    confirm --> outcome: ✏️ Ubah
    outcome --> [*]: Batal, /batal
```

The decision is the committee's: every text here says so ("Keputusan rapat Panitia Kemitraan
Kota Bandung"), and nothing words the recorder as the one who decides. Each answer is kept in
the dialog row (flow "decision"), so a dropped signal loses nothing; the use case checks every
rule again when the secretary confirms, so a forged or stale button only earns a refusal.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.money import parse_date, parse_rupiah
from bot.domain.proposals import callbacks, decision, queries
from bot.domain.proposals import committee as decisions
from bot.domain.proposals.events import clean_note
from bot.domain.proposals.lifecycle import TRANSITIONS, Action, status_label
from bot.domain.proposals.views import ProposalView
from bot.i18n import N_
from bot.ui import Button, FileRef, keyboard
from conversations import proposal_views as pv
from conversations.context import Context
from conversations.errors import reply_error
from storage.models import Kota, Proposal

FLOW = "decision"
OUTCOME, MEETING, AMOUNT, NOTE, CONFIRM = "outcome", "meeting", "amount", "note", "confirm"
ICONS = {Action.APPROVE: "👍", Action.WAITLIST: "⏳", Action.REJECT: "✖️"}


def data(verb: str, proposal_id: int, *extra: object) -> str:
    """`pd:{verb}:{id}[:…]` (see `callbacks.decide`)."""
    return callbacks.decide(verb, proposal_id, *extra)


def _cancel_row(ctx: Context, proposal_id: int) -> list[Button]:
    return [Button(ctx.tr._("Batal"), data=data("x", proposal_id))]


async def _committee(ctx: Context, proposal: Proposal) -> str:
    kota = await ctx.session.get_one(Kota, proposal.kota_id)
    return decisions.committee_name(ctx.tr, kota.committee_label, kota)


async def _load(ctx: Context, proposal_id: int) -> Proposal:
    assert ctx.actor is not None
    return await decision.load_for_decision(ctx.session, ctx.actor, proposal_id)


# --- the steps --------------------------------------------------------------------------------


async def ask_outcome(ctx: Context, proposal_id: int) -> None:
    """What did the committee decide? (a new question: it forgets earlier answers)"""
    proposal = await _load(ctx, proposal_id)
    assert ctx.actor is not None
    view = await queries.view_by_id(ctx.session, ctx.actor, proposal_id)
    outcomes = [a for a in decision.OUTCOMES if a in view.actions]
    if not outcomes:
        ctx.toast(ctx.tr._("Usulan ini tidak sedang menunggu keputusan Panitia."))
        return
    await ctx.start_dialog(FLOW, OUTCOME, proposal_id=proposal_id)
    tr = ctx.tr
    rows = [
        [Button(f"{ICONS[a]} {tr._(TRANSITIONS[a].label)}", data=data("out", proposal_id, a.value))]
        for a in outcomes
    ]
    ctx.reply(
        tr._(
            "Keputusan rapat {committee} untuk usulan {code} “{judul}”: apa keputusannya?",
            committee=await _committee(ctx, proposal), code=view.code or "",
            judul=pv.title(tr, view.judul),
        ),
        keyboard(*rows, _cancel_row(ctx, proposal_id)),
    )  # fmt: skip


async def ask_meeting(ctx: Context, proposal: Proposal) -> None:
    """Which committee meeting decided it: a recent one to pick, or its date typed."""
    assert proposal.id is not None
    tr = ctx.tr
    meetings = await decision.recent_meetings(ctx.session, ctx.clock, proposal)
    rows = [
        [
            Button(
                f"🗓 {pv.short(m.title, 30)} · {tr.date(m.day)}", data=data("mt", proposal.id, m.id)
            )
        ]
        for m in meetings
    ]
    rows.append([Button(tr._("Hari ini"), data=data("today", proposal.id))])
    await ctx.update_dialog(MEETING)
    text = tr._(
        "Kapan rapat {committee} yang memutuskannya? Silakan ketik tanggalnya, misalnya {example}.",
        committee=await _committee(ctx, proposal), example=tr.date(await _today(ctx, proposal)),
    )  # fmt: skip
    if meetings:
        text = tr._(
            "{question}\nAtau pilih rapatnya di bawah; berita acaranya akan ikut ditampilkan.",
            question=text,
        )
    ctx.reply(text, keyboard(*rows, _cancel_row(ctx, proposal.id)))


async def _today(ctx: Context, proposal: Proposal) -> date:
    """Today where the proposal's kota is (WIB, WITA or WIT)."""
    kota = await ctx.session.get_one(Kota, proposal.kota_id)
    return ctx.clock.now().astimezone(ZoneInfo(kota.timezone)).date()


async def after_meeting(ctx: Context, proposal: Proposal) -> None:
    """The amount (approve) or the note (waitlist, not approved)."""
    assert ctx.dialog is not None and proposal.id is not None
    tr, outcome = ctx.tr, ctx.dialog.data["outcome"]
    if outcome == Action.APPROVE.value:
        await ctx.update_dialog(AMOUNT)
        rows = []
        if proposal.dana_blm and proposal.dana_blm <= (proposal.anggaran_total or 0):
            label = tr._("Sesuai permintaan BLM: {amount}", amount=tr.money(proposal.dana_blm))
            rows.append([Button(label, data=data("blm", proposal.id))])
        ctx.reply(
            tr._(
                "Berapa dana BLM PAKET yang disetujui Panitia untuk usulan {code}? Misalnya "
                "15 juta atau 15.000.000.\nAnggaran total: {total}. Diminta dari BLM PAKET: {blm}.",
                code=proposal.code or "", total=tr.money(proposal.anggaran_total or 0),
                blm=tr.money(proposal.dana_blm or 0),
            ),
            keyboard(*rows, _cancel_row(ctx, proposal.id)),
        )  # fmt: skip
        return
    await ctx.update_dialog(NOTE)
    if outcome == Action.REJECT.value:
        text = tr._(
            "Mohon tulis alasan Panitia tidak menyetujui usulan {code}, dalam beberapa kata. "
            "Alasan ini akan dibaca oleh BKM.",
            code=proposal.code or "",
        )
        ctx.reply(text, keyboard(_cancel_row(ctx, proposal.id)))
        return
    text = tr._(
        "Bila ada, tulis catatan Panitia untuk BKM tentang daftar tunggu ini, atau pilih Lewati."
    )
    skip = [Button(tr._("Lewati"), data=data("skip", proposal.id))]
    ctx.reply(text, keyboard(skip, _cancel_row(ctx, proposal.id)))


async def ask_confirm(ctx: Context, proposal: Proposal) -> None:
    """Everything once more, as the others will read it, before it is recorded and sent."""
    assert ctx.dialog is not None and proposal.id is not None
    tr, d = ctx.tr, ctx.dialog.data
    await ctx.update_dialog(CONFIRM)
    outcome = Action(d["outcome"])
    target = TRANSITIONS[outcome].target
    assert target is not None
    lines: list[str] = [
        tr._("Mohon periksa sebelum dicatat dan dikirim:"),
        tr._(
            "Usulan {code} “{judul}”", code=proposal.code or "", judul=pv.title(tr, proposal.judul)
        ),
        tr._("Keputusan: <b>{status}</b>", status=tr._(status_label(target))),
    ]
    if d.get("amount") is not None:
        lines.append(tr._("Jumlah yang disetujui: {amount}.", amount=tr.money(d["amount"])))
    if d.get("note") and outcome == Action.REJECT:
        lines.append(tr._("Alasan: {note}", note=d["note"]))
    elif d.get("note"):
        lines.append(tr._("Catatan: {note}", note=d["note"]))
    day = date.fromisoformat(d["meeting_date"])
    lines.append(decisions.decided_on(tr, await _committee(ctx, proposal), day))
    if d.get("meeting_title"):
        lines.append(tr._("Rapat: {title}", title=d["meeting_title"]))
    lines.append(tr._("BKM, fasilitator, Panitia, dan mitra yang dituju akan diberi tahu."))
    ctx.reply(
        "\n".join(lines),
        keyboard(
            [Button(tr._("✅ Ya, catat keputusan"), data=data("ok", proposal.id))],
            [Button(tr._("✏️ Ubah"), data=data("edit", proposal.id))],
            _cancel_row(ctx, proposal.id),
        ),
    )


async def record(ctx: Context, proposal_id: int) -> None:
    """Confirmed: the use case records it (checking everything again) and tells everyone."""
    assert ctx.dialog is not None and ctx.actor is not None
    d = ctx.dialog.data
    outcome = await decision.record(
        ctx.session, ctx.clock, ctx.actor, proposal_id, outcome=Action(d["outcome"]),
        meeting_date=date.fromisoformat(d["meeting_date"]), meeting_id=d.get("meeting_id"),
        amount=d.get("amount"), note=d.get("note"),
    )  # fmt: skip
    await ctx.end_dialog()
    view = await queries.view_by_id(ctx.session, ctx.actor, proposal_id)
    tr = ctx.tr
    if not outcome.changed:
        text = tr._(
            "Sudah tercatat sebelumnya: usulan {code} berstatus <b>{status}</b>.",
            code=view.code or "", status=tr._(view.status_label),
        )  # fmt: skip
    else:
        text = tr._(
            "✅ Keputusan Panitia untuk usulan {code} “{judul}” sudah dicatat: <b>{status}</b>.\n"
            "BKM, fasilitator, Panitia, dan mitra yang dituju sudah diberi tahu.",
            code=view.code or "", judul=pv.title(tr, view.judul), status=tr._(view.status_label),
        )  # fmt: skip
    ctx.reply(text, _after_buttons(ctx, view))


def _after_buttons(ctx: Context, view: ProposalView) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = []
    if view.code:
        rows.append((Button(ctx.tr._("📄 Lihat usulan"), data=callbacks.view(view.code)),))
    rows.append((Button(ctx.tr._("🔎 Antrean tinjauan"), data=callbacks.page("queue", 1)),))
    return tuple(rows)


async def send_minutes(ctx: Context, proposal_id: int) -> None:
    """`pd:min:{id}`: the minutes (berita acara) of the meeting that decided, for whoever sees it."""
    assert ctx.actor is not None
    view = await queries.view_by_id(ctx.session, ctx.actor, proposal_id)
    meeting = view.decision.meeting if view.decision else None
    if meeting is None or not meeting.minutes:
        ctx.toast(ctx.tr._("Belum ada berita acara untuk rapat ini."))
        return
    for number, item in enumerate(meeting.minutes, start=1):
        caption = ctx.tr._(
            "Berita acara {number} dari {total}: {title}",
            number=number, total=len(meeting.minutes), title=meeting.title,
        )  # fmt: skip
        ctx.reply(caption, attachment=FileRef(item.file_id, item.kind, item.file_name))


# --- handlers ---------------------------------------------------------------------------------


def _in_flow(ctx: Context, proposal_id: int, *steps: str) -> bool:
    return ctx.in_flow(FLOW, *steps, proposal_id=proposal_id)


async def on_button(ctx: Context, parts: list[str]) -> None:
    """`pd:{verb}:{id}[:{arg}]`: one step of the flow; an old button is only a toast."""
    verb = parts[1] if len(parts) > 1 else ""
    if len(parts) < 3 or not parts[2].isdigit():
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    pid, arg = int(parts[2]), parts[3] if len(parts) > 3 else ""
    if verb in ("go", "edit"):
        await ask_outcome(ctx, pid)
    elif verb == "min":
        await send_minutes(ctx, pid)
    elif verb == "x":
        if _in_flow(ctx, pid):
            await ctx.end_dialog()
        ctx.reply(ctx.tr._("Baik, dibatalkan. Status usulan tidak berubah."), edit=True)
    elif (
        verb == "out"
        and _in_flow(ctx, pid, OUTCOME)
        and arg in {a.value for a in decision.OUTCOMES}
    ):
        await ctx.update_dialog(outcome=arg, amount=None, note=None)
        await ask_meeting(ctx, await _load(ctx, pid))
    elif verb in ("mt", "today") and _in_flow(ctx, pid, MEETING):
        await _take_meeting(ctx, pid, int(arg) if arg.isdigit() else None)
    elif verb == "blm" and _in_flow(ctx, pid, AMOUNT):
        proposal = await _load(ctx, pid)
        await _take(ctx, proposal, amount=proposal.dana_blm)
    elif verb == "skip" and _in_flow(ctx, pid, NOTE):
        assert ctx.dialog is not None
        if ctx.dialog.data.get("outcome") != Action.WAITLIST.value:
            ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
            return
        await _take(ctx, await _load(ctx, pid), note=None)
    elif verb == "ok" and _in_flow(ctx, pid, CONFIRM):
        await record(ctx, pid)
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


async def _take_meeting(ctx: Context, pid: int, meeting_id: int | None) -> None:
    proposal = await _load(ctx, pid)
    kota = await ctx.session.get_one(Kota, proposal.kota_id)
    if meeting_id is None:
        day = decision.check_meeting_date(proposal, kota, ctx.clock, await _today(ctx, proposal))
        await ctx.update_dialog(meeting_date=day.isoformat(), meeting_id=None, meeting_title=None)
    else:
        held = {m.id: m for m in await decision.recent_meetings(ctx.session, ctx.clock, proposal)}
        if meeting_id not in held:
            raise InvalidInput(decision.NOT_A_COMMITTEE_MEETING)
        chosen = held[meeting_id]
        day = decision.check_meeting_date(proposal, kota, ctx.clock, chosen.day)
        await ctx.update_dialog(
            meeting_date=day.isoformat(), meeting_id=chosen.id, meeting_title=chosen.title
        )
    await after_meeting(ctx, proposal)


async def _take(ctx: Context, proposal: Proposal, **value: Any) -> None:
    """An amount or a note, checked by the domain's own rules before the confirmation."""
    if "amount" in value:
        value["amount"] = decision.check_amount(proposal, value["amount"])
    if "note" in value and ctx.dialog is not None:
        required = ctx.dialog.data.get("outcome") == Action.REJECT.value
        value["note"] = clean_note(value["note"], required=required)
    await ctx.update_dialog(**value)
    await ask_confirm(ctx, proposal)


async def on_message(ctx: Context) -> None:
    """A typed date, amount or note; invalid input says why and the question stays open."""
    assert ctx.dialog is not None
    pid, step = ctx.dialog.data["proposal_id"], ctx.dialog.step
    text = ctx.incoming.text if ctx.incoming.kind == "text" else ""
    try:
        proposal = await _load(ctx, pid)
        if step == MEETING:
            kota = await ctx.session.get_one(Kota, proposal.kota_id)
            day = decision.check_meeting_date(proposal, kota, ctx.clock, parse_date(text))
            await ctx.update_dialog(meeting_date=day.isoformat(), meeting_id=None,
                                    meeting_title=None)  # fmt: skip
            await after_meeting(ctx, proposal)
        elif step == AMOUNT:
            await _take(ctx, proposal, amount=parse_rupiah(text))
        elif step == NOTE:
            if not text.strip():
                raise InvalidInput(N_("Mohon tulis catatannya sebagai teks."))
            await _take(ctx, proposal, note=text)
        else:
            ctx.reply(ctx.tr._("Silakan pilih salah satu tombol di atas, atau ketik /batal."))
    except InvalidInput as error:
        reply_error(ctx, error)
    except DomainError as error:
        await ctx.end_dialog()  # the proposal moved on meanwhile, or the right was withdrawn
        reply_error(ctx, error)


CALLBACKS = {"pd": on_button}
DIALOGS = {FLOW: on_message}
