"""Which attached files are kept with an answer: the allowed kinds, checked by name and content.

A file is kept only when its extension names an allowed kind *and* its first bytes are that
kind's, and it is given our content type for that kind, never the sender's: a download is
then always served as what it really is, and nothing is ever rendered or run.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office formats (.doc, .xls, .ppt)
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", "PDF"),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"
    ),
    "doc": Kind("application/msword", "Word"),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "xls": Kind("application/vnd.ms-excel", "Excel"),
    "pptx": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"
    ),
    "ppt": Kind("application/vnd.ms-powerpoint", "PowerPoint"),
    "odt": Kind("application/vnd.oasis.opendocument.text", "OpenDocument"),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument"),
    "odp": Kind("application/vnd.oasis.opendocument.presentation", "OpenDocument"),
    "png": Kind("image/png", "bild"),
    "jpg": Kind("image/jpeg", "bild"),
    "jpeg": Kind("image/jpeg", "bild"),
    "gif": Kind("image/gif", "bild"),
    "webp": Kind("image/webp", "bild"),
    "heic": Kind("image/heic", "bild"),
    "tif": Kind("image/tiff", "bild"),
    "tiff": Kind("image/tiff", "bild"),
    "csv": Kind("text/csv", "CSV"),
    "txt": Kind("text/plain", "text"),
}

_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


@dataclass(frozen=True)
class Verdict:
    """Keep the file (with our content type and a safe name), or refuse it with a reason."""

    kept: bool
    reason: str | None  # "type", "size", "empty" or "content" when refused
    filename: str
    content_type: str | None = None
    size: int = 0
    sha256: str | None = None


def safe_filename(name: str | None) -> str:
    """The sender's name without folders, control characters or a leading dot."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return base[:200] or "bilaga"


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""


def judge_attachment(filename: str | None, data: bytes) -> Verdict:
    """Whether an attached file may be kept with an answer; the reason when it may not."""
    name = safe_filename(filename)
    ext = extension(name)
    if not data:
        return Verdict(False, "empty", name, size=0)
    if len(data) > MAX_ATTACHMENT_BYTES:
        return Verdict(False, "size", name, size=len(data))
    kind = KINDS.get(ext)
    if kind is None:
        return Verdict(False, "type", name, size=len(data))
    if not content_matches(ext, data):
        return Verdict(False, "content", name, size=len(data))
    digest = hashlib.sha256(data).hexdigest()
    return Verdict(True, None, name, kind.content_type, len(data), digest)


def content_matches(ext: str, data: bytes) -> bool:
    """The file's first bytes are what its extension says (a renamed .exe is no PDF)."""
    head = data[:16]
    if ext == "pdf":
        return b"%PDF-" in data[:1024]
    if ext in ("doc", "xls", "ppt"):
        return head.startswith(_OLE)
    if ext in _OOXML_PARTS or ext in _ODF_TYPES:
        return head.startswith(_ZIP) and _zip_is(ext, data)
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext == "heic":
        return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1")
    if ext in ("tif", "tiff"):
        return head[:4] in (b"II*\x00", b"MM\x00*")
    return _is_text(data)


def _zip_is(ext: str, data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if ext in _ODF_TYPES:
                return "mimetype" in names and archive.read("mimetype").strip() == _ODF_TYPES[ext]
            return "[Content_Types].xml" in names and any(
                n.startswith(_OOXML_PARTS[ext]) for n in names
            )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _is_text(data: bytes) -> bool:
    """CSV and text: no NUL bytes, and readable as UTF-8 or as the Windows code page."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True
