"""What one proposal looks like in chat: its fields, money, partners' answers, timeline, and the
buttons of what the reader may do now (list lines are in `proposal_lists`).

Pure rendering: plain domain views in, (text, keyboard) out; the handlers in `proposal_status`,
`proposal_review` and `proposal_actions` load the data. Every value a person typed reaches a
message only as a `str` parameter of `tr._`, so it is escaped exactly once; button labels are
plain text (Telegram does not parse them), so they take the raw value.
"""

from __future__ import annotations

import html

from bot.domain.proposals import callbacks
from bot.domain.proposals import committee as decisions
from bot.domain.proposals.attachments import STAGE_LABELS, STAGES
from bot.domain.proposals.lifecycle import (
    MITRA_MAY_ANSWER,
    TRANSITIONS,
    Action,
    ProposalStatus,
)
from bot.domain.proposals.money_notify import plan_text
from bot.domain.proposals.views import PartnerView, ProposalView, TimelineEntry
from bot.domain.text_fit import TEXT_LIMIT, cut, plain_length, shorten, split
from bot.i18n import Html, Translator
from bot.ui import Button, Keyboard
from conversations.menu import role_label
from storage.models import Role

S = ProposalStatus
# Telegram refuses a message over 4096 UTF-16 units: long values are shown shortened (with
# "📖 Baca selengkapnya" for the whole), then older timeline lines give way, and last the text
# is cut. Seven partners' 1000-character reasons in full would strand everyone on a proposal.
MAX_TEXT = TEXT_LIMIT
URAIAN_SHOWN = 400
NOTE_SHOWN = 160  # a partner's reason or plan, a timeline note
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
# The committee's decision is recorded through its own steps (proposal_decision).
DECISION_ACTIONS = (Action.APPROVE, Action.WAITLIST, Action.REJECT)


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
    """`text` within `limit` UTF-16 units (as Telegram counts), ending in "…" when cut."""
    return shorten(text, limit)


def full_data(proposal_id: int) -> str:
    """`p:full:{id}`: the proposal's long values in full, in messages of their own."""
    return f"p:full:{proposal_id}"


def is_shortened(tr: Translator, view: ProposalView) -> bool:
    """True when the view leaves out part of a value, a timeline line, or the end of the text."""
    notes = [p.note for p in view.partners] + [p.plan_description for p in view.partners]
    notes += [e.note for e in view.timeline]
    if any(n and short(n, NOTE_SHOWN) != n for n in notes):
        return True
    if view.uraian and short(view.uraian, URAIAN_SHOWN) != view.uraian:
        return True
    return (
        plain_length(_join(_head(tr, view), [_entry(tr, e) for e in view.timeline], tr, 0))
        > MAX_TEXT
    )


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
    head = _head(tr, view)
    timeline = [_entry(tr, e) for e in view.timeline]
    text = _join(head, timeline, tr, dropped=0)
    dropped = 0
    while plain_length(text) > MAX_TEXT and len(timeline) > 1:
        timeline.pop(0)
        dropped += 1
        text = _join(head, timeline, tr, dropped)
    return cut(text, MAX_TEXT)  # a head too long by itself (dozens of partners)


def _head(tr: Translator, view: ProposalView) -> list[str]:
    head = [*_header(tr, view), *_fields(tr, view), "", *_money(tr, view), *_decision(tr, view)]
    if view.partners:
        head += ["", tr._("<b>Mitra yang dituju</b>"), *(_partner(tr, p) for p in view.partners)]
    if view.attachments:
        head.append(
            tr._(
                "Lampiran: {count}", count=tr.n_("{n} berkas", "{n} berkas", len(view.attachments))
            )
        )
    return head


def render_full(tr: Translator, view: ProposalView) -> list[str]:
    """The long values in full (uraian, partners' answers, every timeline note), as messages."""
    code = view.code or tr._("Draf")
    lines: list[str] = [
        tr._("📖 <b>{code}</b> “{judul}”, selengkapnya", code=code, judul=title(tr, view.judul))
    ]
    if view.uraian:
        lines += ["", tr._("<b>Uraian</b>"), html.escape(view.uraian)]
    if view.partners:
        lines += ["", tr._("<b>Mitra yang dituju</b>")]
        lines += [_partner(tr, p, limit=None) for p in view.partners]
    lines += ["", tr._("<b>Riwayat</b>"), *(_entry(tr, e, limit=None) for e in view.timeline)]
    return split("\n".join(lines), MAX_TEXT)


def _join(head: list[str], timeline: list[str], tr: Translator, dropped: int) -> str:
    lines = [*head, "", tr._("<b>Riwayat</b>")]
    if dropped:
        lines.append(
            tr.n_(
                "… {n} catatan sebelumnya tidak ditampilkan.",
                "… {n} catatan sebelumnya tidak ditampilkan.",
                dropped,
            )
        )
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
    if view.kk is not None and view.jiwa is not None:
        lines.append(
            tr._(
                "Penerima manfaat: {kk} KK ({miskin} KK miskin), {jiwa} jiwa ({perempuan} "
                "perempuan)",
                kk=tr.number(view.kk),
                miskin=tr.number(view.kk_miskin or 0),
                jiwa=tr.number(view.jiwa),
                perempuan=tr.number(view.perempuan or 0),
            )
        )
    elif view.kk is not None:  # from before jiwa was asked (migration 0010)
        lines.append(
            tr._(
                "Penerima manfaat: {kk} KK, di antaranya {miskin} KK miskin; {perempuan} perempuan",
                kk=tr.number(view.kk),
                miskin=tr.number(view.kk_miskin or 0),
                perempuan=tr.number(view.perempuan or 0),
            )
        )
    lines += _usulan_fields(tr, view)
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


def _usulan_fields(tr: Translator, view: ProposalView) -> list[str]:
    """Volume, plan, upkeep, land, the Lurah and the berita acara (migration 0010's fields)."""
    lines: list[str] = []
    if view.komponen_lain:
        lines.append(tr._("Komponen lainnya: {name}", name=view.komponen_lain))
    if view.volume:
        lines.append(tr._("Volume: {volume}", volume=view.volume))
    if view.rencana_label:
        plan = tr._(view.rencana_label)
        if view.rencana_program:
            plan = tr._("{plan}: {program}", plan=plan, program=view.rencana_program)
        lines.append(tr._("Rencana BKM: {plan}", plan=plan))
    if view.status_lahan_label:
        lines.append(tr._("Status lahan: {status}", status=tr._(view.status_lahan_label)))
    if view.pemeliharaan_label:
        lines.append(tr._("Pemeliharaan: {who}", who=tr._(view.pemeliharaan_label)))
    if view.lurah_tanggal is not None:
        lines.append(tr._("Mengetahui Lurah: {date}", date=tr.date(view.lurah_tanggal)))
    elif view.lurah_file_id:
        lines.append(tr._("Mengetahui Lurah: surat terlampir"))
    if view.berita_acara_file_id:
        lines.append(tr._("Berita acara rapat BKM: terlampir"))
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
        lines.append(tr._("<b>Disetujui</b>: {approved}", approved=tr.money(view.approved_amount)))
        lines += _tranches(tr, view)
    return lines


def _tranches(tr: Translator, view: ProposalView) -> list[str]:
    """Which tranche, and how much of the approved amount is disbursed; then the files."""
    if not view.tranches:
        return [tr._("Belum ada dana yang dicairkan.")]
    lines: list[str] = [
        tr._("Tahap {n}: {total} dari {approved} sudah dicairkan.", n=view.tranches[-1].number,
             total=tr.money(view.disbursed_amount), approved=tr.money(view.approved_amount or 0))
    ]  # fmt: skip
    for t in view.tranches:
        line = tr._("• Tahap {n}: {amount}", n=t.number, amount=tr.money(t.amount))
        lines.append(tr._("{line} (dikoreksi)", line=line) if t.corrected else line)
    if view.progress_files or view.status in (S.DISBURSED, S.IN_PROGRESS, S.COMPLETED):
        have = {f.stage for f in view.progress_files}
        marks = [
            tr._("{stage} {mark}", stage=tr._(STAGE_LABELS[stage]),
                 mark="✅" if stage in have else "—")
            for stage in STAGES
        ]  # fmt: skip
        lines.append(tr._("Foto kemajuan dan LPJ: {marks}", marks=Html(" · ".join(marks))))
    return lines


def _partner(tr: Translator, partner: PartnerView, limit: int | None = NOTE_SHOWN) -> str:
    """One partner's answer; its reason or plan shortened to `limit` (None: in full)."""
    if partner.answer == "pledged":
        description = partner.plan_description
        if description and limit:
            description = short(description, limit)
        plan = plan_text(tr, partner.plan_kind or "cash", partner.pledged_amount,
                         description, partner.plan_year)  # fmt: skip
        return tr._("• {mitra}: rencana dukungan, {plan}", mitra=partner.name, plan=plan)
    if partner.answer == "declined":
        note = partner.note or "-"
        return tr._(
            "• {mitra}: belum dapat mendukung. Alasan: {note}",
            mitra=partner.name,
            note=short(note, limit) if limit else note,
        )
    return tr._("• {mitra}: belum menjawab", mitra=partner.name)


def _decision(tr: Translator, view: ProposalView) -> list[str]:
    """The committee's decision: what, and in which meeting (its minutes, when linked)."""
    d = view.decision
    if d is None:
        return []
    what = tr._(d.status_label)
    if d.amount is not None:
        what = tr._("{status} {amount}", status=what, amount=tr.money(d.amount))
    committee = decisions.committee_of(tr, d.committee, view.kota_name, view.kota_kind)
    lines: list[str] = [
        "",
        tr._("<b>Keputusan Panitia</b>: {decision}", decision=what),
        decisions.decided_on(tr, committee, d.meeting_date),
    ]
    if d.meeting is not None:
        lines.append(
            tr._(
                "Rapat: {title} (berita acara: {count})",
                title=d.meeting.title,
                count=tr.n_("{n} berkas", "{n} berkas", len(d.meeting.minutes)),
            )
        )
    return lines


def _entry(tr: Translator, entry: TimelineEntry, limit: int | None = NOTE_SHOWN) -> str:
    """One line of the timeline: when, what, who, and the note (shortened to `limit`)."""
    when = tr.short_datetime(entry.at) if entry.at else "-"
    # A decision is the committee's: the line names it, not the secretary who recorded it.
    by = entry.committee or who(tr, entry.actor_label)
    if entry.kind == "created":
        what = tr._("Draf dibuat")
    elif entry.kind == "plan_in_kind":
        what = tr._("Rencana dukungan barang/jasa")
    elif entry.kind in ("plan_cash", "plan_next_budget"):
        what = tr._("Rencana dukungan {amount}", amount=tr.money(entry.amount or 0))
    elif entry.kind == "decline":
        what = tr._("Belum dapat mendukung")
    elif entry.kind == "correction":
        what = tr._("Koreksi pencairan {amount}", amount=tr.money(entry.amount or 0))
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
        shown = short(entry.note, limit) if limit else entry.note
        reason = entry.to_status in (S.REJECTED, S.WITHDRAWN) or entry.kind in (
            "partner", "decline", "correction",
        )  # fmt: skip
        note = tr._("Alasan: {note}", note=shown) if reason else tr._("Catatan: {note}", note=shown)
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
                    tr._("💰 Nyatakan rencana dukungan") + suffix,
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
        if action not in FORM_ACTIONS and action not in DECISION_ACTIONS
    ]
    if any(action in DECISION_ACTIONS for action in view.actions):
        # One button for the committee's secretary; the outcome is chosen in the next step.
        buttons.append(
            Button(tr._("📝 Catat keputusan Panitia"), data=callbacks.decide("go", view.id))
        )
    rows += [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    if view.decision and view.decision.meeting and view.decision.meeting.minutes:
        label = tr._("📎 Berita acara rapat Panitia ({count})",
                     count=len(view.decision.meeting.minutes))  # fmt: skip
        rows.append((Button(label, data=callbacks.decide("min", view.id)),))
    rows += mitra_rows(tr, view, mitra_ids)
    rows += money_rows(tr, view)
    if view.attachments and view.code:
        label = tr._("📎 Lihat lampiran ({count})", count=len(view.attachments))
        rows.append((Button(label, data=callbacks.files(view.code)),))
    return rows


def money_data(verb: str, proposal_id: int, *extra: object) -> str:
    """`mn:{verb}:{id}[:…]`: tranches, corrections, progress files, finishing (proposal_money)."""
    data = ":".join(["mn", verb, str(proposal_id), *map(str, extra)])
    assert len(data.encode()) <= callbacks.MAX_BYTES, data
    return data


def money_rows(tr: Translator, view: ProposalView) -> list[tuple[Button, ...]]:
    """Correct a tranche, attach progress files, see them: what this reader may do with money."""
    rows: list[tuple[Button, ...]] = []
    if view.may_correct and view.tranches and view.status in (S.DISBURSED, S.IN_PROGRESS):
        rows.append((Button(tr._("✏️ Koreksi pencairan"), data=money_data("fix", view.id)),))
    if view.may_attach and view.status in (S.APPROVED, S.DISBURSED, S.IN_PROGRESS):
        label = tr._("📷 Lampirkan foto kemajuan / LPJ")
        rows.append((Button(label, data=money_data("att", view.id)),))
    if view.progress_files:
        label = tr._("🖼 Lihat foto kemajuan dan LPJ ({count})", count=len(view.progress_files))
        rows.append((Button(label, data=money_data("files", view.id)),))
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
    rows = action_rows(tr, view, mitra_ids)
    if is_shortened(tr, view):
        rows.append((Button(tr._("📖 Baca selengkapnya"), data=full_data(view.id)),))
    return tuple([*rows, *back_row(tr, origin)])
