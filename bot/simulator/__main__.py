"""Terminal demo: run the fake Bot API and chat with the bot as a simulated user.

    python -m bot.simulator --port 8081
    TELEGRAM_API_SERVER=http://127.0.0.1:8081 TELEGRAM_BOT_TOKEN=123456:TEST paket-bot run

Type text to send it; ``:help`` lists the other commands.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

from bot.simulator.driver import SimUser
from bot.simulator.files import guess_mime
from bot.simulator.models import SimMessage
from bot.simulator.simulator import Simulator

HELP = """\
text              send a message (/start abc works too)
:press LABEL      press an inline button on the latest message that has buttons
:tap LABEL        press a reply-keyboard button
:contact [PHONE]  share your contact        :location LAT LON  share a location
:doc PATH         send a file as document   :photo PATH        send a photo
:user ID [NAME]   talk as another user      :block / :unblock  block or unblock the bot
:calls            last Bot API calls        :quit"""


def _render(message: SimMessage, edited: bool) -> str:
    mark = "✏️ " if edited else ""
    body = message.text or f"<{message.kind}>"
    if message.document:
        body += f" 📎 {message.document.get('file_name')}"
    lines = [f"🤖 {mark}#{message.message_id} {body}"]
    for row in message.buttons:
        lines.append("   " + " ".join(f"[{b.text}]" for b in row))
    if message.reply_keyboard:
        lines.append("   ⌨ " + " ".join(f"[{label}]" for label in message.reply_labels()))
    return "\n".join(lines)


async def _printer(sim: Simulator) -> None:
    """Print every new or changed bot message in any chat."""
    seen: dict[tuple[int, int], str] = {}
    while True:
        await asyncio.sleep(0.05)
        for chat in sim.chats.values():
            for message in chat.log:
                key = (chat.id, message.message_id)
                state = f"{message.text}|{message.buttons}|{message.deleted}"
                if seen.get(key) == state:
                    continue
                if message.deleted:
                    print(f"🤖 🗑 #{message.message_id} deleted")
                else:
                    print(_render(message, key in seen))
                seen[key] = state


def _read(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text).expanduser()
    return path.name, path.read_bytes()


async def _handle(sim: Simulator, user: SimUser, line: str) -> SimUser:
    """Run one input line; returns the user to continue as."""
    command, _, rest = line.partition(" ")
    if not line.startswith(":"):
        await user.send(line)
    elif command == ":press":
        await user.press(None, rest)
    elif command == ":tap":
        await user.tap(rest)
    elif command == ":contact":
        await user.share_contact(rest or None)
    elif command == ":location":
        lat, lon = (float(x) for x in rest.split())
        await user.share_location(lat, lon)
    elif command in (":doc", ":photo"):
        name, data = await asyncio.to_thread(_read, rest)
        if command == ":doc":
            await user.send_document(data, name, guess_mime(name))
        else:
            await user.send_photo(data)
    elif command == ":user":
        user_id, _, name = rest.partition(" ")
        return sim.user(int(user_id), first_name=name or None)
    elif command in (":block", ":unblock"):
        (sim.block if command == ":block" else sim.unblock)(user.id)
    elif command == ":calls":
        for name, params in sim.calls[-10:]:
            print(f"   {name} {params}")
    else:
        print(HELP)
    return user


async def main(argv: list[str] | None = None) -> None:
    """Serve until :quit or end of input."""
    parser = argparse.ArgumentParser(prog="python -m bot.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--username", default="paket_bot")
    parser.add_argument("--user-id", type=int, default=1001)
    parser.add_argument("--first-name", default="Siti")
    parser.add_argument("--language", default="id")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds each Bot API call takes (e.g. 0.1)"
    )
    args = parser.parse_args(argv)
    sim = Simulator(token=args.token, bot_username=args.username, latency=args.latency)
    await sim.start(args.host, args.port)
    print(f"TELEGRAM_API_SERVER={sim.url}\nTELEGRAM_BOT_TOKEN={sim.token}\n{HELP}")
    user = sim.user(args.user_id, first_name=args.first_name, language_code=args.language)
    printer = asyncio.create_task(_printer(sim))
    loop = asyncio.get_running_loop()
    try:
        while raw := await loop.run_in_executor(None, sys.stdin.readline):  # "" only at EOF
            line = raw.strip()
            if line == ":quit":
                break
            if not line:
                continue
            try:
                user = await _handle(sim, user, line)
            except (AssertionError, ValueError, OSError) as exc:
                print(f"!! {exc}")
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer
        await sim.stop()


if __name__ == "__main__":
    asyncio.run(main())
