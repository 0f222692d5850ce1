"""Files users and the bot exchanged: ids, paths for getFile, bytes for downloads."""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import struct
import zlib
from dataclasses import dataclass
from typing import Any

MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files
MAX_UPLOAD = 50 * 1024 * 1024  # bots may upload up to this

# Real file ids start with a type-specific prefix; keeping it makes logs look familiar.
_PREFIX = {"document": "BQACAgIA", "photo": "AgACAgIA", "voice": "AwACAgIA", "sticker": "CAACAgIA"}
_DIR = {"document": "documents", "photo": "photos", "voice": "voice", "sticker": "stickers"}


@dataclass
class StoredFile:
    """One file as Telegram keeps it."""

    file_id: str
    file_unique_id: str
    kind: str  # document | photo | voice | sticker
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    uploaded_by_bot: bool = False

    @property
    def file_size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def as_document(self) -> dict[str, Any]:
        """Document JSON."""
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = self.file_size
        return doc

    def as_photo_size(self) -> dict[str, Any]:
        """PhotoSize JSON."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width or 0,
            "height": self.height or 0,
            "file_size": self.file_size,
        }

    def as_file(self) -> dict[str, Any]:
        """File JSON as returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


class FileStore:
    """All files by id and by path (``sim.files``)."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        size: tuple[int, int] | None = None,
        by_bot: bool = False,
    ) -> StoredFile:
        """Store bytes and give them a file_id and a file_path."""
        n = next(self._counter)
        ext = _extension(kind, file_name, mime_type)
        stored = StoredFile(
            file_id=_PREFIX[kind] + secrets.token_urlsafe(24),
            file_unique_id="AgAD" + secrets.token_urlsafe(8),
            kind=kind,
            data=data,
            file_path=f"{_DIR[kind]}/file_{n}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            width=size[0] if size else None,
            height=size[1] if size else None,
            uploaded_by_bot=by_bot,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[dict[str, Any]]:
        """PhotoSize list: a 90px thumbnail (when the photo is bigger) and the original."""
        sizes = [stored.as_photo_size()]
        w, h = stored.width or 0, stored.height or 0
        if max(w, h) > 90:
            scale = 90 / max(w, h)
            thumb_size = (max(1, round(w * scale)), max(1, round(h * scale)))
            thumb = self.add("photo", stored.data, size=thumb_size)
            sizes.insert(0, thumb.as_photo_size())
        return sizes

    def get(self, file_id: str) -> StoredFile | None:
        """Look a file up by file_id."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """Look a file up by its getFile path."""
        return self._by_path.get(file_path)

    def all(self) -> list[StoredFile]:
        """Every stored file, oldest first."""
        return list(self._by_id.values())

    def sent_by_bot(self) -> list[StoredFile]:
        """Files the bot uploaded."""
        return [f for f in self._by_id.values() if f.uploaded_by_bot]

    def __len__(self) -> int:
        return len(self._by_id)


def _extension(kind: str, file_name: str | None, mime_type: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    guessed = mimetypes.guess_extension(mime_type) if mime_type else None
    return guessed or {"photo": ".jpg", "voice": ".oga", "sticker": ".webp"}.get(kind, "")


def guess_mime(file_name: str | None, fallback: str | None = None) -> str:
    """MIME type Telegram would report for a document."""
    if file_name:
        guessed, _ = mimetypes.guess_type(file_name)
        if guessed:
            return guessed
    return fallback or "application/octet-stream"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image; None if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and data[12:16] == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return int(w) & 0x3FFF, int(h) & 0x3FFF
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(w), int(h)
        i += 2 + length
    return None


def sample_png(width: int = 4, height: int = 3) -> bytes:
    """A valid solid-colour PNG, for tests that send photos."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    rows = b"".join(b"\x00" + b"\x20\x80\xc0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
