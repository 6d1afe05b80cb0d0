"""Saved web pages to documents with trafilatura: the main text only, with headings kept as sections.

trafilatura drops navigation, footers, cookie banners, scripts and comments, and reads the title,
date and canonical URL the page states (htmldate for the date). Its cleaned tree (``head``, ``p``,
``list``/``item``, ``table``, ``quote``) becomes the document text here: paragraphs separated by a
blank line, list items and table rows one per line, so the sentence splitter sees the same shape as
in a Markdown document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.errors import CorpusError
from bot.extract import Extracted
from bot.models import Section

EXTRACTOR_VERSION = "1"


def extractor_name() -> str:
    import trafilatura

    return f"trafilatura {trafilatura.__version__}/bot-html {EXTRACTOR_VERSION}"


def _inline(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


class _Builder:
    def __init__(self) -> None:
        self.text = ""
        self.sections: list[Section] = []

    def block(self, lines: list[str]) -> None:
        lines = [ln for ln in lines if ln]
        if lines:
            self.text += ("\n\n" if self.text else "") + "\n".join(lines)

    def heading(self, title: str, level: int) -> None:
        if title:
            self.text += "\n\n" if self.text else ""
            self.sections.append(Section(start=len(self.text), level=level, title=title))
            self.text += title

    def walk(self, el: Any) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "head":
                m = re.match(r"h(\d)", child.get("rend", "") or "")
                self.heading(_inline(child), int(m.group(1)) if m else 2)
            elif tag == "list":
                self.block([_inline(item) for item in child if item.tag == "item"])
            elif tag == "table":
                rows = []
                for row in child.iter("row"):
                    cells = [_inline(c) for c in row if c.tag == "cell"]
                    rows.append(" | ".join(c for c in cells if c))
                self.block(rows)
            elif tag in ("p", "quote", "code", "item"):
                self.block([_inline(child)])
            elif tag in ("div", "body", "section"):
                self.walk(child)
            elif tag in ("graphic", "ref") or not tag:
                continue
            else:
                self.block([_inline(child)])


def extract_html(path: Path, raw: bytes | None = None) -> Extracted:
    """The main text of a saved web page; CorpusError naming the file when it has none."""
    import trafilatura

    try:
        raw = path.read_bytes() if raw is None else raw
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        doc = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_formatting=False,
            output_format="python",
        )
    except Exception as exc:  # a page trafilatura cannot parse must not stop the build
        raise CorpusError(f"{path}: malformed web page ({type(exc).__name__}: {str(exc)[:100]})") from None
    body = getattr(doc, "body", None) if doc is not None else None
    builder = _Builder()
    if body is not None:
        builder.walk(body)
    if not builder.text.strip():
        raise CorpusError(f"{path}: no text in the web page (images or scripts only?)")
    url = getattr(doc, "url", None) or None
    return Extracted(
        text=builder.text,
        title=" ".join((getattr(doc, "title", None) or "").split()),
        date=getattr(doc, "date", None) or None,
        url=url if url and re.match(r"https?://", url) else None,
        sections=builder.sections,
        extractor=extractor_name(),
    )
