"""What one proposal looks like in chat: its fields, money, partners' answers, timeline, and the
buttons of what the reader may do now (list lines are in `proposal_lists`).

Pure rendering: plain domain views in, (text, keyboard) out; the handlers in `proposal_status`,
`proposal_review` and `proposal_actions` load the data. Every value a person typed reaches a
message only as a `str` parameter of `tr._`, so it is escaped exactly once; button labels are
plain text (Telegram does not parse them), so they take the raw value.
"""

from __future__ import annotations

from bot.domain.proposals import callbacks
from bot.domain.proposals.lifecycle import (
    MITRA_MAY_ANSWER,
    TRANSITIONS,
    Action,
    ProposalStatus,
)
from bot.domain.proposals.views import PartnerView, ProposalView, TimelineEntry
from bot.i18n import Html, Translator
from bot.ui import Button, Keyboard
from conversations.menu import role_label
from storage.models import Role

S = ProposalStatus
# Telegram refuses a message over 4096 characters: older timeline lines give way first.
MAX_TEXT = 3900
URAIAN_SHOWN = 400
LABEL_TITLE = 28

# An emoji in front of each action, so a tired thumb finds the right one.
ACTION_ICONS = {
    Action.WITHDRAW: "🚫",
    Action.CHECK: "🔍",
    Action.COMPLETE: "✅",
    Action.REVISE: "↩️",
    Action.APPROVE: "👍",
    Action.WAITLIST: "⏳",
    Action.REJECT: "✖️",
    Action.DISBURSE: "💸",
    Action.START: "🚧",
    Action.FINISH: "🏁",
}
# Submitting and resubmitting happen in the form (/usulan), after the summary.
FORM_ACTIONS = (Action.SUBMIT, Action.RESUBMIT)


# --- callback data of this layer (the shapes in bot.domain.proposals.callbacks, plus origins) ----


def view_data(code: str, origin: str = "") -> str:
    """`p:view:{code}[:{origin}]`; origin `l2` (list page 2) or `q1` (queue page 1) adds Back."""
    data = callbacks.view(code)
    return f"{data}:{origin}" if origin else data


def review_data(verb: str, proposal_id: int, *extra: object) -> str:
    """`rv:{verb}:{id}[:…]`: the steps around an action (confirm, skip, cancel, mitra answer)."""
    data = ":".join(["rv", verb, str(proposal_id), *map(str, extra)])
    assert len(data.encode()) <= callbacks.MAX_BYTES, data
    return data


# --- small pieces -----------------------------------------------------------------------------


def title(tr: Translator, judul: str | None) -> str:
    """The title as typed (escaped later by `tr._`), or a placeholder for an untitled draft."""
    return judul if judul else tr._("(belum berjudul)")


def short(text: str, limit: int = LABEL_TITLE) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def who(tr: Translator, actor_label: str) -> str:
    """ "fasilitator:Bandung" → "Fasilitator (Bandung)": the role and organisation, never a name."""
    role, _, organisation = actor_label.partition(":")
    name = role_label(tr, Role(role)) if role in {r.value for r in Role} else role
    return tr._("{role} ({scope})", role=name, scope=organisation) if organisation else name


def action_label(tr: Translator, action: Action) -> str:
    """The button label of a life-cycle action, with its icon (plain text, not HTML)."""
    icon = ACTION_ICONS.get(action)
    text = tr._(TRANSITIONS[action].label)
    return f"{icon} {text}" if icon else text


# --- one proposal -----------------------------------------------------------------------------


def render(tr: Translator, view: ProposalView) -> str:
    """Everything about one proposal: fields, money, partners' answers, and the timeline."""
    head = [*_header(tr, view), *_fields(tr, view), "", *_money(tr, view)]
    if view.partners:
        head += ["", tr._("<b>Mitra yang dituju</b>"), *(_partner(tr, p) for p in view.partners)]
    if view.attachments:
        head.append(
            tr._(
                "Lampiran: {count}", count=tr.n_("{n} berkas", "{n} berkas", len(view.attachments))
            )
        )
    timeline = [_entry(tr, e) for e in view.timeline]
    text = _join(head, timeline, tr, dropped=0)
    dropped = 0
    while len(text) > MAX_TEXT and len(timeline) > 1:
        timeline.pop(0)
        dropped += 1
        text = _join(head, timeline, tr, dropped)
    return text


def _join(head: list[str], timeline: list[str], tr: Translator, dropped: int) -> str:
    lines = [*head, "", tr._("<b>Riwayat</b>")]
    if dropped:
        lines.append(tr._("… {n} catatan sebelumnya tidak ditampilkan.", n=dropped))
    return "\n".join([*lines, *timeline])


def _header(tr: Translator, view: ProposalView) -> list[str]:
    lines: list[str] = [
        tr._(
            "📄 <b>{code}</b> “{judul}”",
            code=view.code or tr._("Draf"),
            judul=title(tr, view.judul),
        ),
        tr._("Status: <b>{status}</b>", status=tr._(view.status_label)),
    ]
    if view.version > 1:
        lines.append(tr._("Versi ke-{version}", version=view.version))
    lines.append(
        tr._(
            "{bkm}, Kelurahan {kelurahan}, {kota}",
            bkm=view.bkm_name,
            kelurahan=view.kelurahan_name,
            kota=view.kota_name,
        )
    )
    return lines


def _fields(tr: Translator, view: ProposalView) -> list[str]:
    lines: list[str] = []
    if view.jenis_label:
        kind = tr._(view.jenis_label)
        if view.komponen_label:
            kind = tr._("{jenis} · {komponen}", jenis=kind, komponen=tr._(view.komponen_label))
        lines.append(tr._("Jenis Tridaya: {jenis}", jenis=kind))
    if view.rw or view.rt:
        place = tr._("Lokasi: RW {rw}, RT {rt}", rw=view.rw or "-", rt=view.rt or "-")
        if view.latitude is not None:
            place = tr._("{place} (titik peta tersimpan)", place=place)
        lines.append(place)
    if view.kk is not None:
        lines.append(
            tr._(
                "Penerima manfaat: {kk} KK, di antaranya {miskin} KK miskin; {perempuan} perempuan",
                kk=tr.number(view.kk),
                miskin=tr.number(view.kk_miskin or 0),
                perempuan=tr.number(view.perempuan or 0),
            )
        )
    if view.jadwal_mulai and view.jadwal_selesai:
        lines.append(
            tr._(
                "Jadwal: {start} sampai {end}",
                start=tr.date(view.jadwal_mulai),
                end=tr.date(view.jadwal_selesai),
            )
        )
    if view.ksm_pelaksana:
        lines.append(tr._("KSM pelaksana: {ksm}", ksm=view.ksm_pelaksana))
    if view.uraian:
        lines.append(tr._("Uraian: {uraian}", uraian=short(view.uraian, URAIAN_SHOWN)))
    return lines


def _money(tr: Translator, view: ProposalView) -> list[str]:
    lines: list[str] = []
    if view.anggaran_total is not None:
        lines.append(tr._("<b>Anggaran total</b>: {amount}", amount=tr.money(view.anggaran_total)))
    for line in view.funding:
        if line.amount:
            lines.append(
                tr._("• {source}: {amount}", source=tr._(line.label), amount=tr.money(line.amount))
            )
    if view.swadaya_hok:
        lines.append(tr._("• Swadaya tenaga: {hok} HOK", hok=tr.number(view.swadaya_hok)))
    if view.approved_amount is not None:
        lines.append(
            tr._(
                "<b>Disetujui</b>: {approved}; tersalurkan {disbursed}",
                approved=tr.money(view.approved_amount),
                disbursed=tr.money(view.disbursed_amount),
            )
        )
    return lines


def _partner(tr: Translator, partner: PartnerView) -> str:
    if partner.answer == "pledged":
        return tr._(
            "• {mitra}: mendukung {amount}",
            mitra=partner.name,
            amount=tr.money(partner.pledged_amount or 0),
        )
    if partner.answer == "declined":
        return tr._(
            "• {mitra}: belum dapat mendukung. Alasan: {note}",
            mitra=partner.name,
            note=partner.note or "-",
        )
    return tr._("• {mitra}: belum menjawab", mitra=partner.name)


def _entry(tr: Translator, entry: TimelineEntry) -> str:
    """One line of the timeline: when, what, who, and the note."""
    when = tr.short_datetime(entry.at) if entry.at else "-"
    by = who(tr, entry.actor_label)
    if entry.kind == "created":
        what = tr._("Draf dibuat")
    elif entry.kind == "partner" and entry.amount is not None:
        what = tr._("Dukungan dana {amount}", amount=tr.money(entry.amount))
    elif entry.kind == "partner":
        what = tr._("Belum dapat mendukung")
    elif entry.kind == "tranche":
        what = tr._("Dana disalurkan {amount}", amount=tr.money(entry.amount or 0))
    elif entry.to_status == S.SUBMITTED and entry.version > 1:
        what = tr._("<b>Diajukan ulang</b> (versi ke-{version})", version=entry.version)
    elif entry.amount is not None:
        what = tr._(
            "<b>{status}</b> {amount}",
            status=tr._(entry.status_label),
            amount=tr.money(entry.amount),
        )
    else:
        what = tr._("<b>{status}</b>", status=tr._(entry.status_label))
    line = tr._("• {when} — {what} — {who}", when=when, what=what, who=by)
    if entry.note:
        reason = entry.to_status in (S.REJECTED, S.WITHDRAWN) or entry.kind == "partner"
        note = (
            tr._("Alasan: {note}", note=entry.note)
            if reason
            else tr._("Catatan: {note}", note=entry.note)
        )
        line = Html(f"{line}\n   {note}")
    return line


# --- the buttons under one proposal ------------------------------------------------------------


def mitra_rows(tr: Translator, view: ProposalView, mitra_ids: set[int]) -> list[tuple[Button, ...]]:
    """A mitra's answer buttons, one pair per partner of theirs, while answers are open."""
    mine = [p for p in view.partners if p.mitra_id in mitra_ids]
    if view.status not in MITRA_MAY_ANSWER:
        return []
    rows: list[tuple[Button, ...]] = []
    for partner in mine:
        suffix = f" ({partner.name})" if len(mine) > 1 else ""
        rows.append(
            (
                Button(
                    tr._("💰 Nyatakan dukungan dana") + suffix,
                    data=review_data("pledge", view.id, partner.mitra_id),
                ),
                Button(
                    tr._("✖️ Tolak dengan alasan") + suffix,
                    data=review_data("decline", view.id, partner.mitra_id),
                ),
            )
        )
    return rows


def action_rows(
    tr: Translator, view: ProposalView, mitra_ids: set[int]
) -> list[tuple[Button, ...]]:
    """What this person may do now: edit (the form), the life-cycle actions, a mitra's answer."""
    rows: list[tuple[Button, ...]] = []
    if view.editable and view.status in (S.DRAFT, S.NEEDS_REVISION):
        label = tr._("✏️ Perbaiki") if view.status == S.NEEDS_REVISION else tr._("✏️ Lanjutkan draf")
        rows.append((Button(label, data=callbacks.open_draft(view.id)),))
    buttons = [
        Button(action_label(tr, action), data=callbacks.action(action.value, view.id))
        for action in view.actions
        if action not in FORM_ACTIONS
    ]
    rows += [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows += mitra_rows(tr, view, mitra_ids)
    if view.attachments and view.code:
        label = tr._("📎 Lihat lampiran ({count})", count=len(view.attachments))
        rows.append((Button(label, data=callbacks.files(view.code)),))
    return rows


def back_row(tr: Translator, origin: str) -> list[tuple[Button, ...]]:
    """Back to the list or the queue page the proposal was opened from."""
    kind, number = origin[:1], origin[1:]
    if not number.isdigit():
        return []
    if kind == "l":
        return [(Button(tr._("◀️ Kembali ke daftar"), data=callbacks.page("list", int(number))),)]
    if kind == "q":
        return [(Button(tr._("◀️ Kembali ke antrean"), data=callbacks.page("queue", int(number))),)]
    return []


def view_keyboard(
    tr: Translator, view: ProposalView, mitra_ids: set[int], origin: str = ""
) -> Keyboard:
    return tuple([*action_rows(tr, view, mitra_ids), *back_row(tr, origin)])
