"""/usulan (/propose): fill in a proposal one question at a time, then submit it.

```mermaid
stateDiagram-v2
    [*] --> pick_bkm: /usulan, member of several BKM
    [*] --> resume: /usulan, a draft with answers
    [*] --> question: /usulan, a new draft
    pick_bkm --> resume: BKM chosen
    resume --> question: Lanjutkan (or any message)
    resume --> [*]: Mulai baru (confirmed: the draft is deleted, a new one starts)
    question --> question: valid answer, Lewati, Kembali / invalid input (why, asked again)
    question --> summary: last question answered
    summary --> question: ✏️ Ubah isian → a field (its answer leads back to the summary)
    summary --> [*]: 📨 Ajukan (code) / Kirim ke koordinator / 🗑 Hapus draf
    summary --> summary: refused (why), fix and try again
```

The form's state is the domain's (`Proposal.step`); the dialog only remembers which proposal
this person is filling in, and whether the phone's location keyboard is showing. So a restart,
a lost signal or days of silence resume at exactly the same question. Every form button names
the step it was shown for: an old or double-tapped one finds the form elsewhere, changes
nothing, and the current question is asked again.
"""

from __future__ import annotations

from typing import Any

from bot.domain.errors import InvalidInput
from bot.domain.proposals import callbacks, form, form_lists
from bot.domain.proposals.form import position
from bot.domain.proposals.steps import Step, StepKind, choices_for
from bot.domain.proposals.validators import FileRef
from bot.i18n import N_
from bot.ui import Button, keyboard
from conversations import proposal_form_view as view
from conversations.context import Context
from conversations.errors import reply_error
from conversations.proposal_form_ask import (
    FLOW,
    RESUMING,
    ask,
    bind,
    current,
    preview,
    show_summary,
    start_draft,
)
from conversations.proposal_form_buttons import on_button
from storage.models import Proposal, Role

TYPE_IT = N_("Mohon ketik jawabannya sebagai pesan teks.")
PRESS_A_BUTTON = N_("Mohon pilih salah satu tombol di bawah pertanyaan.")
PICK_MITRA = N_("Mohon pilih mitra dengan tombol di bawah pertanyaan, lalu tekan Selesai.")
SEND_LOCATION = N_("Mohon tekan tombol 📍 Kirim lokasi di bawah, atau pilih Lewati.")
SEND_FILE = N_("Mohon kirim foto atau berkas PDF, lalu tekan Selesai.")
SEND_ONE_FILE = N_("Mohon kirim foto atau berkas PDF berita acaranya.")
DATE_OR_LETTER = N_("Mohon ketik tanggalnya, atau kirim foto surat yang ditandatangani Lurah.")
TICK_SOURCES = N_(
    "Mohon centang sumber dana dengan tombol di bawah pertanyaan, lalu tekan Selesai."
)


# --- entry points -----------------------------------------------------------------------------


async def cmd_propose(ctx: Context) -> None:
    """`/usulan`: start or resume this person's draft (asking for the BKM if they have several)."""
    assert ctx.actor is not None
    member_of = [
        g for g in ctx.actor.grants if g.role in (Role.ANGGOTA, Role.KOORDINATOR) and g.bkm_id
    ]
    bkms = {g.bkm_id: g.scope_name for g in member_of}
    if len(bkms) > 1:
        buttons = [
            Button(name, data=callbacks.form(0, "bkm", str(bkm_id)))
            for bkm_id, name in sorted(bkms.items(), key=lambda item: item[1])
        ]
        ctx.reply(ctx.tr._("Usulan ini untuk BKM yang mana?"), keyboard(*buttons))
        return
    await start_draft(ctx, bkm_id=None)


async def on_open(ctx: Context, parts: list[str]) -> None:
    """`p:open:{id}`: open a draft (or one sent back for revision) where its form stands."""
    assert ctx.actor is not None
    try:
        proposal_id = int(parts[2])
    except (IndexError, ValueError):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    proposal = await form.load_form(ctx.session, ctx.actor, proposal_id)
    await bind(ctx, proposal)
    if proposal.author_id not in (None, ctx.actor.person_id):
        await preview(ctx, proposal)  # a member's draft: whose it is and what it holds first
        return
    await ask(ctx, proposal)


async def on_message(ctx: Context) -> None:
    """Anything sent while the form is open: the answer to the question it stands at."""
    proposal = await current(ctx)
    if proposal is None:
        return
    where = position(proposal)
    if ctx.dialog is not None and ctx.dialog.step == RESUMING:
        await bind(ctx, proposal)
        await ask(ctx, proposal)
        return
    if where.step is None:
        text = ctx.tr._("Silakan pilih salah satu tombol di bawah ringkasan.")
        await show_summary(ctx, proposal, text=text)  # the buttons again, not the summary
        return
    try:
        await _receive(ctx, proposal, where.step)
    except InvalidInput as error:
        reply_error(ctx, error)
        await ask(ctx, proposal)
        return
    await ask(ctx, proposal, leaving=ctx.tr._("📍 Titik lokasi tersimpan. Terima kasih."))


async def _receive(ctx: Context, proposal: Proposal, step: Step) -> None:
    """Store what the person sent for `step` (InvalidInput when it is not a usable answer)."""
    assert ctx.actor is not None and proposal.id is not None
    inc = ctx.incoming
    if step.kind == StepKind.FILES:
        if inc.kind != "file" or inc.file is None:
            raise InvalidInput(SEND_FILE)
        await form_lists.add_attachment(
            ctx.session, ctx.clock, ctx.actor, proposal.id, kind=inc.file.kind,
            file_id=inc.file.file_id, file_name=inc.file.file_name, mime_type=inc.file.mime_type,
        )  # fmt: skip
        return
    value: Any
    if step.kind in view.FILED and inc.kind == "file" and inc.file is not None:
        value = FileRef(inc.file.kind, inc.file.file_id, inc.file.file_name, inc.file.mime_type)
    elif step.kind == StepKind.FILE:
        raise InvalidInput(SEND_ONE_FILE)
    elif step.kind == StepKind.DATE_OR_FILE:
        if inc.kind != "text":
            raise InvalidInput(DATE_OR_LETTER)
        value = inc.text
    elif step.kind == StepKind.TICKS:
        raise InvalidInput(TICK_SOURCES)
    elif step.kind in view.TYPED:
        if inc.kind != "text":
            raise InvalidInput(TYPE_IT)
        value = inc.text
    elif step.kind == StepKind.LOCATION:
        if inc.kind != "location":
            raise InvalidInput(SEND_LOCATION)
        value = (inc.latitude, inc.longitude)
    elif step.kind == StepKind.CHOICE:
        value = _typed_choice(ctx, proposal, step)
    else:
        raise InvalidInput(PICK_MITRA)
    await form.answer_step(
        ctx.session, ctx.clock, ctx.actor, proposal.id, step=step.name, value=value
    )


def _typed_choice(ctx: Context, proposal: Proposal, step: Step) -> str:
    """A choice typed instead of pressed ("sosial"): fine when it names one exactly."""
    typed = ctx.incoming.text.strip().casefold() if ctx.incoming.kind == "text" else ""
    for choice in choices_for(step, proposal):
        if typed and typed in (choice.code, ctx.tr._(choice.label).casefold()):
            return choice.code
    raise InvalidInput(PRESS_A_BUTTON)


COMMANDS = {"usulan": cmd_propose}
CALLBACKS = {"f": on_button, "p:open": on_open}
DIALOGS = {FLOW: on_message}
