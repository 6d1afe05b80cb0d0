"""Turn PDFs and saved web pages into documents whose text keeps page and section boundaries.

Each extractor (one per format, one per module) returns an :class:`Extracted`: the text the index
stores (quotes are exact substrings of it), the offsets where each page starts, the headings with
their offsets, and the title, date and URL the file states. :func:`sniff` tells a file's real kind
from its first bytes, so a PDF named ``.html`` or a PNG named ``.pdf`` is reported, not mis-read.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from bot.models import Document, Section

# Files above this size are skipped with a message: a 200 MB "document" is a scan or an archive,
# and extracting it would stall the build for minutes.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class Extracted:
    text: str
    title: str = ""
    date: str | None = None
    url: str | None = None
    pages: list[int] = field(default_factory=list)  # offset where page n+1 starts; empty when not paged
    sections: list[Section] = field(default_factory=list)
    extractor: str = ""  # name and version: part of the document hash, so a new version re-extracts


_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"RIFF", "RIFF (WebP image?)"),
    (b"PK\x03\x04", "ZIP archive (Word, EPUB?)"),
    (b"\xd0\xcf\x11\xe0", "old Office file"),
    (b"\x1f\x8b", "gzip archive"),
)


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes: ``pdf``, ``html``, ``text`` or a short description."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # A PDF may carry a little junk before its header (the spec allows 1024 bytes).
    if b"%PDF-" in head[:1024]:
        return "pdf"
    try:
        sample = head.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            try:
                sample = head.decode("cp1252")
            except UnicodeDecodeError:
                return "binary data"
            if sum(ch < " " and ch not in "\t\r\n\f" for ch in sample) > 0:
                return "binary data"
        else:
            sample = head[: exc.start].decode("utf-8")
    if "\x00" in sample:
        return "binary data"
    low = sample.lstrip("\ufeff \t\r\n").lower()
    if low.startswith(("<!doctype html", "<html", "<head", "<body", "<meta", "<title")) or (
        low.startswith("<") and any(tag in low for tag in ("<html", "<body", "<p>", "<div", "<title"))
    ):
        return "html"
    return "text"


def read_head(path: Path, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def locate(document: Document, start: int) -> tuple[int | None, str | None]:
    """The page (1-based) and section heading that hold the character at ``start`` of ``document``.

    ``(None, None)`` for a plain-text document; the section is the chain of enclosing headings
    ("Treatment > Relapse"), or None before the first heading.
    """
    page = bisect.bisect_right(document.pages, start) if document.pages else None
    if page == 0:
        page = 1
    trail: list[Section] = []
    for s in document.sections:
        if s.start > start:
            break
        while trail and trail[-1].level >= s.level:
            trail.pop()
        trail.append(s)
    return page, (" > ".join(s.title for s in trail) or None)
