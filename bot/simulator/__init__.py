"""Fake Telegram Bot API server and simulated users, for tests and the terminal demo.

The real bot (python-telegram-bot ``Application``) talks HTTP to a :class:`Simulator` on
127.0.0.1 exactly as it would to ``https://api.telegram.org``; :class:`SimUser` objects play
the people. Nothing is mocked inside the bot.

Start the server and point the bot at it::

    async with Simulator(token="123456:TEST", bot_username="paket_bot") as sim:
        app = (
            Application.builder().token(sim.token)
            .base_url(sim.url + "/bot").base_file_url(sim.url + "/file/bot")
            .build()
        )
        ...  # app.initialize(); app.start(); app.updater.start_polling(poll_interval=0, timeout=1)

``sim.url`` is the root URL (what ``TELEGRAM_API_SERVER`` holds). Methods live at
``{url}/bot{token}/{method}`` and downloads at ``{url}/file/bot{token}/{file_path}``.

Play a user::

    siti = sim.user(1001, first_name="Siti", username="siti", language_code="id")
    await siti.send("/start abc123")          # gets a bot_command entity -> context.args
    msg = await siti.reply()                  # next new bot message (SimMessage)
    await siti.press(msg, "Setuju")           # label: exact, else substring, else any case
    await siti.press("Setuju")                # ... on the latest message with buttons
    await siti.press_data(msg, "consent:yes") # ... by callback_data
    await siti.tap("Kirim nomor")             # reply-keyboard button (contact/location aware)
    await siti.share_contact()                # own contact, with user_id
    await siti.share_location(-6.2, 106.8)
    await siti.send_document(b"%PDF...", filename="rab.pdf", mime_type="application/pdf")
    await siti.send_photo(sample_png())       # sample_png() makes a valid tiny PNG
    await siti.send_sticker(); await siti.send_voice()
    await siti.edit(message_id, "new text")   # edited_message update
    await siti.send_raw_update({"message": {...}})  # joins the history; callback ids answerable
    msgs = await siti.replies(count=2, timeout=5.0)
    siti.clear()                              # forget unread bot messages
    await siti.wait_idle(quiet=0.3)           # bot fetched everything and went quiet

Reading: ``user.inbox`` (current state of every bot message, edits applied, deletions
removed), ``user.last``, ``user.unread``, ``user.keyboard`` (reply keyboard shown now),
``user.actions`` (chat actions), ``user.callback_answers`` (answerCallbackQuery results).
A :class:`SimMessage` has ``text``/``plain`` (what the user reads), ``html`` (what the bot
sent), ``entities``, ``buttons`` (rows of :class:`SimButton`), ``button_labels()``,
``reply_keyboard``, ``remove_keyboard``, ``document``, ``photo``, ``edited``, ``deleted``, ``raw``.

Groups: ``grp = sim.group(-100123, title="Grup BKM")``; ``await grp.send(user, "/start")``
(privacy mode on by default: only commands and replies to the bot reach it; returns None
otherwise); ``grp.reply()``, ``grp.press(user, msg, label)``.

The server side: ``sim.calls`` [(method, params)], ``sim.calls_to("sendMessage")``,
``sim.errors`` [(method, code, description)], ``sim.assert_no_errors()``, ``sim.commands``
{(scope type, language): [...]}, ``sim.menu_buttons``, ``sim.files`` (FileStore),
``sim.block(user_id)`` / ``sim.unblock(user_id)`` (403 and my_chat_member updates),
``sim.set_limits(...)`` / ``sim.set_limits(None)``, ``sim.webhook`` (after setWebhook).
Options: ``Simulator(..., strict_html=True, privacy_mode=True, callback_timeout=15.0,
limits=Limits(), first_update_id=1)``. Methods the fake does not know answer 404, so a gap
shows up as an error instead of a silent success.

Flood control (on by default): 1 message/s per private chat with bursts of 3, 20/min per
group, 30/s overall; over it, 429 with ``parameters.retry_after``. Only new messages count
(send*), not edits, answers or chat actions. ``sim.set_limits(per_chat_burst=1, ...)``
starts again from these defaults with the given changes; ``sim.set_limits(None)`` turns it off.

Faults (off by default): ``sim.set_faults(Faults(rate=0.1, seed=7))`` answers a seeded 10 % of
calls with 500/502 or lets them hang until the client gives up (see ``bot.simulator.faults``);
``sim.faults.injected`` lists what was injected. ``set_faults(None)`` turns it off.

Terminal demo: ``python -m bot.simulator --port 8081`` serves the fake API and lets you type
as a user (``:help`` inside); run the bot with ``TELEGRAM_API_SERVER=http://127.0.0.1:8081``.

Differences from Telegram, on purpose:
- ``strict_html=True`` (default) also rejects a ``&`` that starts no entity and a bare ``>``,
  which Telegram passes through; ``Simulator(strict_html=False)`` is exact.
- Flood control counts each user action as a ``human_pause`` (3 s) for that chat, because
  simulated people act in milliseconds; bursts the bot makes on its own still get 429.
- Webhooks may use plain http on loopback; delivery retries after 0.1-2 s, not minutes.
- A bot may only write to a private chat after the user wrote to it (else "chat not found").
"""

from bot.simulator.driver import SimGroup, SimUser
from bot.simulator.errors import TelegramError
from bot.simulator.faults import Faults
from bot.simulator.files import sample_png
from bot.simulator.limits import Limits
from bot.simulator.models import SimButton, SimMessage
from bot.simulator.simulator import Simulator

__all__ = [
    "Faults",
    "Limits",
    "SimButton",
    "SimGroup",
    "SimMessage",
    "SimUser",
    "Simulator",
    "TelegramError",
    "sample_png",
]
