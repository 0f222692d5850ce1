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
    ditinjau --> disetujui: approve (amount), by the committee
    ditinjau --> daftar_tunggu: waitlist, by the committee
    ditinjau --> ditolak: reject (reason), by the committee
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
- The decision (approve, waitlist, reject) is the committee's (Panitia Kemitraan), taken in its
  meeting; only its secretary records it, with the meeting's date (see `decision`). The
  fasilitator checks, verifies and asks for revision, never decides.
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
from bot.domain.errors import NotAllowed
from bot.domain.permissions import Act, holds
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
    ProposalStatus.REJECTED: N_("Tidak disetujui"),  # final: not "not yet"
    ProposalStatus.DISBURSED: N_("Dana tersalurkan"),
    ProposalStatus.IN_PROGRESS: N_("Sedang dilaksanakan"),
    ProposalStatus.COMPLETED: N_("Selesai"),
    # Its own msgid: "Dibatalkan" is also an announcement's "Cancelled"; this one follows the
    # "Tarik usulan" button (English "Withdrawn").
    ProposalStatus.WITHDRAWN: N_("Ditarik"),
}

S = ProposalStatus
# What waits for the facilitator (their review queue), from checking to the work's end.
AWAITING_FASILITATOR = (
    S.SUBMITTED, S.CHECKING, S.IN_REVIEW, S.WAITLISTED, S.APPROVED, S.DISBURSED, S.IN_PROGRESS,
)  # fmt: skip
# What waits for the committee (Panitia Kemitraan): a decision.
AWAITING_COMMITTEE = (S.IN_REVIEW, S.WAITLISTED)
# The decisions only the committee's secretary records.
DECISIONS = (S.APPROVED, S.WAITLISTED, S.REJECTED)
# When a mitra may answer: after the completeness check, for as long as a plan can still help
# (a tranche paid does not close it); it closes when the work is finished, not approved or
# withdrawn, and the partners are told (money_notify.answers_closed).
MITRA_MAY_ANSWER = (S.IN_REVIEW, S.WAITLISTED, S.APPROVED, S.DISBURSED, S.IN_PROGRESS)
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
    SEKRETARIS = "sekretaris"  # the secretary of the kota's committee, recording its decision


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
        # Outcomes of the committee's decision: labels say what was decided, not a command.
        Transition(Action.APPROVE, Who.SEKRETARIS, (S.IN_REVIEW, S.WAITLISTED), S.APPROVED,
                   amount=True, label=N_("Disetujui")),
        Transition(Action.WAITLIST, Who.SEKRETARIS, (S.IN_REVIEW,), S.WAITLISTED,
                   note="optional", label=N_("Masuk daftar tunggu")),
        Transition(Action.REJECT, Who.SEKRETARIS, (S.IN_REVIEW, S.WAITLISTED), S.REJECTED,
                   note="required", label=N_("Tidak disetujui")),
        Transition(Action.DISBURSE, Who.FASILITATOR, (S.APPROVED, S.DISBURSED, S.IN_PROGRESS),
                   S.DISBURSED, amount=True, label=N_("Catat pencairan dana")),
        Transition(Action.START, Who.FASILITATOR, (S.DISBURSED,), S.IN_PROGRESS,
                   label=N_("Mulai dilaksanakan")),
        # Not "Selesai": the form's "✅ Selesai" means "done typing", a different thing.
        Transition(Action.FINISH, Who.FASILITATOR, (S.IN_PROGRESS,), S.COMPLETED,
                   label=N_("Tandai kegiatan selesai")),
    )
}  # fmt: skip


def target_status(action: Action, current: ProposalStatus) -> ProposalStatus:
    """Where `action` takes a proposal now in `current` (a later tranche keeps the status)."""
    if action == Action.DISBURSE and current in (S.DISBURSED, S.IN_PROGRESS):
        return current
    target = TRANSITIONS[action].target
    assert target is not None
    return target


def _on(actor: Actor, act: Act, proposal: Proposal) -> bool:
    """The permission table's answer for `act` on this proposal's BKM and kota."""
    if act in _INDEPENDENT_ACTS and belongs_to_bkm_of(actor, proposal):
        return False  # separation of duties (ensure_independent says why to the person)
    return holds(actor, act, kota_id=proposal.kota_id, bkm_id=proposal.bkm_id)


def belongs_to_bkm_of(actor: Actor, proposal: Proposal) -> bool:
    """An anggota or koordinator of the proposal's BKM (who may never review or decide it)."""
    return proposal.bkm_id in actor.bkm_ids(Role.ANGGOTA, Role.KOORDINATOR)


def is_koordinator_of(actor: Actor, proposal: Proposal) -> bool:
    """A koordinator of the proposal's BKM (or an admin): who submits it."""
    return _on(actor, Act.PROPOSAL_SUBMIT, proposal)


def is_fasilitator_of(actor: Actor, proposal: Proposal) -> bool:
    """A fasilitator of the proposal's kota (or an admin): who checks it."""
    return _on(actor, Act.PROPOSAL_CHECK, proposal)


def is_secretary_of(actor: Actor, proposal: Proposal) -> bool:
    """The secretary of the committee of the proposal's kota (or an admin)."""
    return _on(actor, Act.PROPOSAL_APPROVE, proposal)


def is_committee_of(actor: Actor, proposal: Proposal) -> bool:
    """A member (or the secretary) of the committee of the proposal's kota."""
    return proposal.kota_id in actor.kota_ids(Role.PANITIA, Role.SEKRETARIS)


NOT_INDEPENDENT = N_(
    "Maaf, Bapak/Ibu juga anggota BKM pengusul, jadi tidak dapat memeriksa, memutuskan, atau "
    "mencatat tindak lanjut usulan ini. Mohon minta fasilitator atau sekretaris Panitia lain."
)


def ensure_independent(actor: Actor, proposal: Proposal, act: Act) -> None:
    """Separation of duties: nobody checks, decides or follows up a proposal of their own BKM.

    Says so only to someone the table would otherwise let take `act` (a fasilitator of the kota
    who is also in the BKM); anyone else gets the caller's usual refusal.
    """
    in_role = holds(actor, act, kota_id=proposal.kota_id, bkm_id=proposal.bkm_id)
    if in_role and belongs_to_bkm_of(actor, proposal):
        raise NotAllowed(NOT_INDEPENDENT)


# Each life-cycle action is a row of the permission table; `Transition.who` names its role.
ACTS: dict[Action, Act] = {action: Act(f"proposal.{action.value}") for action in Action}
# What a member of the proposal's BKM may never do to it: everything but the BKM's own moves
# (submit, resubmit, withdraw), i.e. checking, deciding, paying and closing.
_INDEPENDENT_ACTS = frozenset(
    {ACTS[t.action] for t in TRANSITIONS.values() if t.who != Who.KOORDINATOR}
    | {Act.PROPOSAL_CORRECT}
)


def may_act(actor: Actor, proposal: Proposal, action: Action) -> bool:
    """True when the permission table lets `actor` take `action` on this proposal."""
    return _on(actor, ACTS[action], proposal)


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
