"""A proposal's life cycle as data: its statuses, the actions that move it, and who may act.

```mermaid
stateDiagram-v2
    draf --> diajukan: submit (koordinator)
    diajukan --> diperiksa: check (fasilitator)
    diperiksa --> ditinjau: complete
    diajukan --> perlu_perbaikan: revise (note)
    diperiksa --> perlu_perbaikan: revise (note)
    ditinjau --> perlu_perbaikan: revise (note)
    perlu_perbaikan --> diajukan: resubmit (version + 1)
    ditinjau --> disetujui: approve (amount)
    ditinjau --> daftar_tunggu: waitlist
    ditinjau --> ditolak: reject (reason)
    daftar_tunggu --> disetujui: approve, when funds appear
    daftar_tunggu --> ditolak: reject
    disetujui --> dana_cair: disburse (tranche)
    dana_cair --> dana_cair: disburse (next tranche)
    dana_cair --> dilaksanakan: start
    dilaksanakan --> dilaksanakan: disburse (a later tranche)
    dilaksanakan --> selesai: finish
    diajukan --> dibatalkan: withdraw (before a decision)
```

Choices the programme text leaves open, made here:
- "check" is the facilitator opening a submitted proposal for the completeness check; "complete"
  says it is complete and puts it under review. That is also when it is channelled to its mitra.
- A waitlisted proposal is not final: it is approved when funds appear, or rejected; the BKM may
  still withdraw it (it found money elsewhere).
- A koordinator may withdraw before a decision: from diajukan, diperiksa, ditinjau,
  perlu_perbaikan and daftar_tunggu; approval and rejection are decisions.
- Disbursement comes in tranches: each adds to `disbursed_amount`, never beyond the approved
  amount. The first moves disetujui → dana_cair; later ones keep the status (including a tranche
  paid while the work is in progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.actors import Actor
from bot.i18n import N_, Msgid
from storage.models import Proposal, Role


class ProposalStatus(StrEnum):
    DRAFT = "draf"
    SUBMITTED = "diajukan"
    CHECKING = "diperiksa"
    IN_REVIEW = "ditinjau"
    NEEDS_REVISION = "perlu_perbaikan"
    APPROVED = "disetujui"
    WAITLISTED = "daftar_tunggu"
    REJECTED = "ditolak"
    DISBURSED = "dana_cair"
    IN_PROGRESS = "dilaksanakan"
    COMPLETED = "selesai"
    WITHDRAWN = "dibatalkan"


# Plain labels for users, exactly as the programme words them (translated when shown).
STATUS_LABELS: dict[ProposalStatus, str] = {
    ProposalStatus.DRAFT: N_("Draf"),
    ProposalStatus.SUBMITTED: N_("Diajukan"),
    ProposalStatus.CHECKING: N_("Sedang diperiksa"),
    ProposalStatus.IN_REVIEW: N_("Sedang ditinjau"),
    ProposalStatus.NEEDS_REVISION: N_("Perlu perbaikan"),
    ProposalStatus.APPROVED: N_("Disetujui"),
    ProposalStatus.WAITLISTED: N_("Masuk daftar tunggu"),
    ProposalStatus.REJECTED: N_("Belum dapat disetujui"),
    ProposalStatus.DISBURSED: N_("Dana tersalurkan"),
    ProposalStatus.IN_PROGRESS: N_("Sedang dilaksanakan"),
    ProposalStatus.COMPLETED: N_("Selesai"),
    ProposalStatus.WITHDRAWN: N_("Dibatalkan"),
}

S = ProposalStatus
# What waits for the facilitator (their review queue).
AWAITING_FASILITATOR = (S.SUBMITTED, S.CHECKING, S.IN_REVIEW, S.WAITLISTED)
# When a mitra may answer: after the completeness check, until the money is settled.
MITRA_MAY_ANSWER = (S.IN_REVIEW, S.WAITLISTED, S.APPROVED)
# Statuses in which the BKM may still edit the form.
EDITABLE = (S.DRAFT, S.NEEDS_REVISION)


def status_label(status: str) -> Msgid:
    """The plain label msgid of a status: `tr._` it, or pass it as a placeholder value."""
    return Msgid(STATUS_LABELS[ProposalStatus(status)])


class Action(StrEnum):
    """What can be done to a proposal; the value is short, for callback data."""

    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    CHECK = "check"
    COMPLETE = "complete"
    REVISE = "revise"
    APPROVE = "approve"
    WAITLIST = "waitlist"
    REJECT = "reject"
    DISBURSE = "disburse"
    START = "start"
    FINISH = "finish"


class Who(StrEnum):
    KOORDINATOR = "koordinator"  # a koordinator of the proposal's BKM
    FASILITATOR = "fasilitator"  # a fasilitator of the proposal's kota


@dataclass(frozen=True)
class Transition:
    action: Action
    who: Who
    sources: tuple[ProposalStatus, ...]
    target: ProposalStatus | None  # None: the status stays (a later tranche)
    note: str = "none"  # "none" | "optional" | "required"
    amount: bool = False
    label: str = ""  # button label msgid


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.SUBMIT, Who.KOORDINATOR, (S.DRAFT,), S.SUBMITTED,
                   label=N_("Ajukan")),
        Transition(Action.RESUBMIT, Who.KOORDINATOR, (S.NEEDS_REVISION,), S.SUBMITTED,
                   label=N_("Ajukan ulang")),
        Transition(Action.WITHDRAW, Who.KOORDINATOR,
                   (S.SUBMITTED, S.CHECKING, S.IN_REVIEW, S.NEEDS_REVISION, S.WAITLISTED),
                   S.WITHDRAWN, note="optional", label=N_("Tarik usulan")),
        Transition(Action.CHECK, Who.FASILITATOR, (S.SUBMITTED,), S.CHECKING,
                   label=N_("Periksa kelengkapan")),
        Transition(Action.COMPLETE, Who.FASILITATOR, (S.CHECKING,), S.IN_REVIEW,
                   label=N_("Lengkap, lanjut ditinjau")),
        Transition(Action.REVISE, Who.FASILITATOR, (S.SUBMITTED, S.CHECKING, S.IN_REVIEW),
                   S.NEEDS_REVISION, note="required", label=N_("Minta perbaikan")),
        Transition(Action.APPROVE, Who.FASILITATOR, (S.IN_REVIEW, S.WAITLISTED), S.APPROVED,
                   amount=True, label=N_("Setujui")),
        Transition(Action.WAITLIST, Who.FASILITATOR, (S.IN_REVIEW,), S.WAITLISTED,
                   note="optional", label=N_("Daftar tunggu")),
        Transition(Action.REJECT, Who.FASILITATOR, (S.IN_REVIEW, S.WAITLISTED), S.REJECTED,
                   note="required", label=N_("Tolak")),
        Transition(Action.DISBURSE, Who.FASILITATOR, (S.APPROVED, S.DISBURSED, S.IN_PROGRESS),
                   S.DISBURSED, amount=True, label=N_("Catat pencairan dana")),
        Transition(Action.START, Who.FASILITATOR, (S.DISBURSED,), S.IN_PROGRESS,
                   label=N_("Mulai dilaksanakan")),
        Transition(Action.FINISH, Who.FASILITATOR, (S.IN_PROGRESS,), S.COMPLETED,
                   label=N_("Selesai")),
    )
}  # fmt: skip


def target_status(action: Action, current: ProposalStatus) -> ProposalStatus:
    """Where `action` takes a proposal now in `current` (a later tranche keeps the status)."""
    if action == Action.DISBURSE and current in (S.DISBURSED, S.IN_PROGRESS):
        return current
    target = TRANSITIONS[action].target
    assert target is not None
    return target


def is_koordinator_of(actor: Actor, proposal: Proposal) -> bool:
    """A koordinator of the proposal's BKM (or an admin)."""
    return actor.is_admin or proposal.bkm_id in actor.bkm_ids(Role.KOORDINATOR)


def is_fasilitator_of(actor: Actor, proposal: Proposal) -> bool:
    """A fasilitator of the proposal's kota (stricter than `in_area`, which lets members in)."""
    return actor.is_admin or proposal.kota_id in actor.kota_ids(Role.FASILITATOR)


def may_act(actor: Actor, proposal: Proposal, action: Action) -> bool:
    """True when `actor` holds the role the transition needs, for this proposal."""
    if TRANSITIONS[action].who == Who.KOORDINATOR:
        return is_koordinator_of(actor, proposal)
    return is_fasilitator_of(actor, proposal)


def allowed_actions(proposal: Proposal, actor: Actor) -> tuple[Action, ...]:
    """Actions `actor` may take on `proposal` now, in table order (the buttons to offer)."""
    status = ProposalStatus(proposal.status)
    fully_paid = proposal.disbursed_amount >= (proposal.approved_amount or 0)
    return tuple(
        t.action
        for t in TRANSITIONS.values()
        if status in t.sources
        and may_act(actor, proposal, t.action)
        and not (t.action == Action.DISBURSE and fully_paid)
    )
