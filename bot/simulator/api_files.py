"""Files: the bot sends photos and documents, and fetches what users sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.simulator.api_send import caption_fields, open_send, store_message
from bot.simulator.errors import TelegramError, bad_request
from bot.simulator.files import MAX_DOWNLOAD, MAX_UPLOAD, StoredFile, guess_mime, image_size
from bot.simulator.markup import parse_reply_markup
from bot.simulator.models import SimMessage
from bot.simulator.params import Params, Upload
from bot.simulator.registry import method

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator


def _file_param(sim: Simulator, p: Params, kind: str) -> StoredFile | Upload:
    """The file of a send method, checked: an upload, or a file_id the bot may reuse."""
    ref = p.file_ref(kind)
    if ref is None or ref == "":
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(ref, str):
        stored = sim.files.get(ref)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored
    if len(ref.data) > MAX_UPLOAD:
        raise TelegramError(413, "Request Entity Too Large")
    if kind == "photo":
        size = image_size(ref.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        w, h = size
        if w + h > 10000 or max(w, h) > 20 * min(w, h):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return ref


def _keep(sim: Simulator, file: StoredFile | Upload, kind: str) -> StoredFile:
    """Store a new upload (only once the send is certain to succeed)."""
    if isinstance(file, StoredFile):
        return file
    if kind == "photo":
        return sim.files.add("photo", file.data, size=image_size(file.data), by_bot=True)
    name = file.filename or "file"
    return sim.files.add(
        "document", file.data, file_name=name, mime_type=guess_mime(name), by_bot=True
    )


async def _send_media(sim: Simulator, p: Params, name: str, kind: str) -> dict[str, Any]:
    p.chat_id()
    content, html = caption_fields(sim, p)
    markup = parse_reply_markup(p.get("reply_markup"))
    file = _file_param(sim, p, kind)
    chat, reply_to = open_send(sim, name, p)
    stored = _keep(sim, file, kind)
    message = SimMessage(
        0,
        0,
        text=content.get("caption", ""),
        parse_mode=p.string("parse_mode"),
        entities=content.get("caption_entities", []),
        kind=kind,
        html=html,
    )
    if kind == "photo":
        message.photo = sim.files.photo_sizes(stored)
        media: Any = message.photo
    else:
        message.document = media = stored.as_document()
    return store_message(sim, chat, reply_to, {kind: media, **content}, message, markup)


@method("sendPhoto")
async def send_photo(sim: Simulator, p: Params) -> dict[str, Any]:
    """A photo (upload or file_id) with an optional caption."""
    return await _send_media(sim, p, "sendPhoto", "photo")


@method("sendDocument")
async def send_document(sim: Simulator, p: Params) -> dict[str, Any]:
    """A document (upload or file_id) with an optional caption."""
    return await _send_media(sim, p, "sendDocument", "document")


@method("getFile")
async def get_file(sim: Simulator, p: Params) -> dict[str, Any]:
    """File info with a file_path for /file/bot<token>/<file_path>."""
    stored = sim.files.get(p.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.as_file()
