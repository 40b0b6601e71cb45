"""Checks on uploaded files (report attachments, inspection photos): the extension, the size, and
the first bytes of the content, so a renamed executable is not stored as a "photo". Pillow is not
installed; the magic numbers of the few accepted formats are enough."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

_PDF = ("application/pdf", lambda head: head.startswith(b"%PDF-"))
_JPEG = ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff"))
_PNG = ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"))
_ZIP = lambda head: head.startswith(b"PK\x03\x04")  # noqa: E731

#: extension → (content type, test of the first bytes, member the zip must hold or None)
KINDS: dict[str, tuple[str, object, str | None]] = {
    ".pdf": (*_PDF, None),
    ".jpg": (*_JPEG, None),
    ".jpeg": (*_JPEG, None),
    ".png": (*_PNG, None),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "word/document.xml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "xl/workbook.xml"),
}
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")
IMAGE_TYPES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    size: int
    content_type: str


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{max(size, 1) / 1024:.0f} KB"


def check_upload(upload, *, allowed: tuple[str, ...], max_bytes: int) -> CheckedUpload:
    """Raise ValidationError (Chinese) unless the file is of an allowed type and small enough."""
    name = PurePath(upload.name or "").name[:200] or "file"
    suffix = PurePath(name).suffix.lower()
    labels = "、".join(sorted({s.lstrip(".") for s in allowed}))
    if suffix not in allowed:
        raise ValidationError(f"「{name}」的类型不被接受，只能上传 {labels} 文件。")
    if upload.size > max_bytes:
        raise ValidationError(f"「{name}」过大：单个文件上限为 {size_text(max_bytes)}。")
    if upload.size == 0:
        raise ValidationError(f"「{name}」是空文件。")
    content_type, sniff, member = KINDS[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not sniff(head):
        raise ValidationError(f"「{name}」的内容与扩展名不符，未上传。")
    if member is not None:
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = member in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
        upload.seek(0)
        if not ok:
            raise ValidationError(f"「{name}」不是有效的 {suffix.lstrip('.')} 文件。")
    return CheckedUpload(name=name, size=upload.size, content_type=content_type)
