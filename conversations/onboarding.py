"""Onboarding: invite link → privacy notice → consent → name → language → main menu.

```mermaid
stateDiagram-v2
    [*] --> notice: /start TOKEN (valid)
    notice --> [*]: Tidak setuju (nothing stored)
    notice --> name: Setuju (person, consent, role stored)
    name --> name_input: Ubah nama
    name_input --> language: valid name typed
    name --> language: Ya, benar
    language --> [*]: language chosen → main menu (the inviter is told)
    [*] --> more: /start TOKEN, already registered
    more --> [*]: Ya, lanjutkan (role added, inviter told) / Tidak (nothing changes)
```
Nothing about a person is stored before they agree: the token rides in the consent button's
callback data instead of a database row. After consent, `Person.onboarding_step` says where
they are, so a restart or a dropped signal resumes at the same question. Someone already
registered who opens another invite is asked first: a forwarded link must not change a role
silently.
"""

from __future__ import annotations

from bot.domain import invites, people
from bot.domain.actors import actor_for, person_by_telegram
from bot.domain.errors import DomainError
from bot.domain.invites import valid_invite
from bot.i18n import N_, SUPPORTED, Translator
from bot.ui import Button, keyboard
from conversations.context import Context
from conversations.errors import reply_error
from conversations.language import ask_language, switch_language
from conversations.menu import role_label, roles_text, show_menu
from storage.models import Role

PRIVACY_NOTICE = N_(
    "<b>Pemberitahuan privasi</b>\n\n"
    "PAKET Bot menyimpan hanya yang diperlukan layanan ini: ID Telegram, nama, peran, BKM atau "
    "wilayah Bapak/Ibu, dan bahasa pilihan. Nomor telepon hanya disimpan jika Bapak/Ibu sendiri "
    "membagikannya. Kami tidak pernah meminta NIK.\n\n"
    "Data dipakai untuk usulan, rapat, dan pengumuman program PAKET, sesuai UU Pelindungan Data "
    "Pribadi (UU No. 27 Tahun 2022). Bapak/Ibu dapat melihat, mengunduh, atau menghapus data, dan "
    "menarik persetujuan kapan saja.\n\n"
    "Apakah Bapak/Ibu setuju?"
)
ASK_NAME = N_("Silakan ketik nama Bapak/Ibu (nama panggilan juga boleh).")


def _notice_keyboard(tr: Translator, token: str) -> tuple[tuple[Button, ...], ...]:
    return keyboard(
        [Button(tr._("✅ Saya setuju"), data=f"ob:yes:{token}")],
        [Button(tr._("Tidak setuju"), data="ob:no")],
    )


async def cmd_start(ctx: Context) -> None:
    """`/start` with or without an invite token."""
    token = ctx.incoming.args[0] if ctx.incoming.args else ""
    person = ctx.person
    if person is not None and await people.has_consent(ctx.session, person):
        if token:
            await _offer_more(ctx, token)
        elif person.onboarding_step:
            await resume(ctx)
        else:
            show_menu(ctx, ctx.tr._("Selamat datang kembali, {name}!", name=person.name))
        return
    if not token:
        if person is not None and ctx.actor is not None and ctx.actor.roles:
            # Granted a role by an operator, never agreed yet.
            ctx.reply(ctx.tr._(PRIVACY_NOTICE), _notice_keyboard(ctx.tr, "-"))
        else:
            # Nobody, or someone who withdrew (no roles left): agreeing alone would lead to a
            # service with nothing in it. Coming back takes an invite.
            _introduce(ctx)
        return
    try:
        await valid_invite(ctx.session, ctx.clock, token)
    except DomainError as error:
        reply_error(ctx, error)
        return
    ctx.reply(ctx.tr._(PRIVACY_NOTICE), _notice_keyboard(ctx.tr, token))


def _introduce(ctx: Context) -> None:
    ctx.reply(
        ctx.tr._(
            "Selamat datang di <b>PAKET Bot</b>, layanan chat program PAKET (Penanggulangan "
            "Kemiskinan Terpadu di Perkotaan).\n\n"
            "Di sini BKM (Badan Keswadayaan Masyarakat) mengajukan dan memantau usulan kegiatan, "
            "fasilitator meninjau, dan mitra (Dinas dan Kelompok Peduli) menanggapi.\n\n"
            "Layanan ini hanya untuk peserta program. Untuk bergabung, mohon minta tautan undangan "
            "kepada fasilitator kelurahan atau koordinator BKM Bapak/Ibu, lalu buka tautan itu."
        )
    )


async def _offer_more(ctx: Context, token: str) -> None:
    """A registered person opens another invite: say what it would make them, and ask."""
    assert ctx.person is not None and ctx.actor is not None
    try:
        offer = await invites.offer(ctx.session, ctx.clock, token, ctx.person)
    except DomainError as error:
        reply_error(ctx, error)
        return
    roles = roles_text(ctx.tr, ctx.actor)
    if offer.held:
        show_menu(ctx, ctx.tr._("Bapak/Ibu sudah terdaftar sebagai: {roles}.", roles=roles))
        return
    role = role_label(ctx.tr, offer.role)
    ctx.reply(
        ctx.tr._(
            "Bapak/Ibu sudah terdaftar sebagai: {roles}.\n\n"
            "Dengan undangan ini Bapak/Ibu akan menjadi juga <b>{role}</b> ({scope}). Lanjutkan?",
            roles=roles,
            role=role,
            scope=offer.scope or "-",
        ),
        keyboard(
            [Button(ctx.tr._("✅ Ya, lanjutkan"), data=f"ob:more:{offer.token}")],
            [Button(ctx.tr._("Tidak"), data="ob:keep")],
        ),
    )


async def _redeem_more(ctx: Context, token: str) -> None:
    """The registered person agreed: add the invite's role (idempotent), tell the inviter."""
    assert ctx.person is not None
    try:
        await people.register_with_invite(
            ctx.session,
            ctx.clock,
            telegram_id=ctx.incoming.user_id,
            name=ctx.person.name,
            language_code=ctx.person.locale,
            token=token,
            notice_version=ctx.services.chat.notice_version,
        )
    except DomainError as error:
        reply_error(ctx, error)
        return
    if not ctx.person.onboarding_step:  # else `finish` tells, with the name they chose
        await invites.tell_inviters(ctx.session, ctx.clock, ctx.person)
    ctx.actor = await actor_for(ctx.session, ctx.person, ctx.services.chat.default_timezone)
    ctx.reply(
        ctx.tr._("Peran Bapak/Ibu sekarang: {roles}.", roles=roles_text(ctx.tr, ctx.actor)),
        edit=True,
    )
    if ctx.person.onboarding_step:  # opened before finishing onboarding: back to its question
        await resume(ctx)
    else:
        show_menu(ctx)


async def on_callback(ctx: Context, parts: list[str]) -> None:
    """`ob:yes:TOKEN`, `ob:no`, `ob:name_ok`, `ob:name_edit`, `ob:lang:CODE`, `ob:more:TOKEN`,
    `ob:keep`."""
    action = parts[1] if len(parts) > 1 else ""
    consented = ctx.person is not None and await people.has_consent(ctx.session, ctx.person)
    if action == "more" and consented and len(parts) > 2:
        await _redeem_more(ctx, parts[2])
    elif action == "keep" and consented:
        ctx.reply(ctx.tr._("Baik, peran Bapak/Ibu tidak diubah."), edit=True)
    elif action == "no":
        await _decline(ctx)
    elif action == "yes":
        await _agree(ctx, parts[2] if len(parts) > 2 else "-")
    elif action == "name_ok" and ctx.person and ctx.person.onboarding_step == "name":
        await _to_language(ctx)
    elif action == "lang" and ctx.person and ctx.person.onboarding_step == "language":
        code = parts[2] if len(parts) > 2 else ""
        if code in SUPPORTED:
            await switch_language(ctx, code)
            await finish(ctx)
    elif action == "name_edit" and ctx.person and ctx.person.onboarding_step == "name":
        await people.set_onboarding_step(ctx.session, ctx.person, "name_input")
        ctx.reply(ctx.tr._(ASK_NAME))
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


async def _decline(ctx: Context) -> None:
    if ctx.person is not None and await people.has_consent(ctx.session, ctx.person):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    ctx.reply(
        ctx.tr._(
            "Baik, tidak ada data Bapak/Ibu yang kami simpan. Jika berubah pikiran, silakan buka "
            "lagi tautan undangan Bapak/Ibu."
        ),
        edit=True,
    )


async def _agree(ctx: Context, token: str) -> None:
    inc = ctx.incoming
    chat = ctx.services.chat
    try:
        if token == "-":
            person = ctx.person or await person_by_telegram(ctx.session, inc.user_id)
            if person is None:
                ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
                return
            await people.give_consent(
                ctx.session,
                ctx.clock,
                person,
                name=inc.full_name,
                language_code=inc.language_code,
                notice_version=chat.notice_version,
            )
        else:
            person, _invite = await people.register_with_invite(
                ctx.session,
                ctx.clock,
                telegram_id=inc.user_id,
                name=inc.full_name,
                language_code=inc.language_code,
                token=token,
                notice_version=chat.notice_version,
            )
    except DomainError as error:
        reply_error(ctx, error)
        return
    ctx.person = person
    ctx.actor = await actor_for(ctx.session, person, chat.default_timezone)
    ctx.tr = Translator(person.locale or chat.default_locale, ctx.actor.timezone)
    ctx.reply(ctx.tr._("Terima kasih atas persetujuan Bapak/Ibu."), edit=True)
    await resume(ctx)


async def resume(ctx: Context) -> None:
    """Ask the onboarding question the person is at."""
    assert ctx.person is not None
    step = ctx.person.onboarding_step
    if step == "name":
        ctx.reply(
            ctx.tr._("Apakah nama Bapak/Ibu <b>{name}</b>?", name=ctx.person.name),
            keyboard(
                [
                    Button(ctx.tr._("Ya, benar"), data="ob:name_ok"),
                    Button(ctx.tr._("Ubah nama"), data="ob:name_edit"),
                ]
            ),
        )
    elif step == "name_input":
        ctx.reply(ctx.tr._(ASK_NAME))
    elif step == "language":
        ask_language(ctx, prefix="ob:lang")
    elif step == "consent":
        ctx.reply(ctx.tr._(PRIVACY_NOTICE), _notice_keyboard(ctx.tr, "-"))


async def on_name_typed(ctx: Context) -> None:
    """The typed name during onboarding; re-asks on anything unusable."""
    assert ctx.person is not None
    if ctx.incoming.kind != "text":
        ctx.reply(ctx.tr._("Mohon tulis nama Bapak/Ibu sebagai teks."))
        return
    try:
        await people.set_name(ctx.session, ctx.clock, ctx.person, ctx.incoming.text)
    except DomainError as error:
        reply_error(ctx, error)
        return
    await _to_language(ctx)


async def _to_language(ctx: Context) -> None:
    assert ctx.person is not None
    await people.set_onboarding_step(ctx.session, ctx.person, "language")
    ask_language(ctx, prefix="ob:lang")


async def finish(ctx: Context) -> None:
    """Language chosen: onboarding is complete."""
    assert ctx.person is not None and ctx.actor is not None
    await people.set_onboarding_step(ctx.session, ctx.person, None)
    await invites.tell_inviters(ctx.session, ctx.clock, ctx.person)
    roles = roles_text(ctx.tr, ctx.actor) if ctx.actor.grants else ctx.tr._(Role.WARGA.value)
    show_menu(
        ctx,
        ctx.tr._(
            "Pendaftaran selesai. Terima kasih, {name}!\nBapak/Ibu terdaftar sebagai: {roles}.\n\n"
            "Silakan pilih yang ingin Bapak/Ibu lakukan:",
            name=ctx.person.name,
            roles=roles,
        ),
    )
