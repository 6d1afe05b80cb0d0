"""Text PDFs to documents with pdfminer.six (MIT licence; PyMuPDF would bind the project to the AGPL).

pdfminer gives every character with its position, font and size; the reading order is rebuilt
here rather than taken from pdfminer's own layout analysis, which splits justified lines at wide
word gaps. Per page: characters become lines (by baseline), a page with a clear vertical gutter is
read column by column (a line crossing the gutter, such as a title, separates regions), and lines
in the top and bottom margins that repeat across pages (running headers, footers, page numbers)
are dropped. Lines then join into paragraphs: a word hyphenated at a line end is mended when the
mended word is English (wordfreq) and the hyphen kept when it is part of the word ("CD19-directed"),
and a sentence that runs on to the next column or page is not cut. Larger or bold short lines are
headings, kept as sections.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from bot.errors import CorpusError
from bot.extract import Extracted
from bot.models import Section

EXTRACTOR_VERSION = "1"
MARGIN_BAND = 0.09  # fraction of the page height at top and bottom where running headers live
_BULLET = re.compile(r"^(?:[•▪◦●■–\-*]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;][\"')\]]*$")


def extractor_name() -> str:
    import pdfminer

    return f"pdfminer.six {pdfminer.__version__}/bot-pdf {EXTRACTOR_VERSION}"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    size: float
    bold: bool
    page: int
    region: int = 0  # reading-order group on its page (column of a region)
    heading: bool = False


def _chars(layout: object) -> list:
    from pdfminer.layout import LTChar

    out: list = []
    stack = [layout]
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            out.append(obj)
        elif hasattr(obj, "__iter__"):
            stack.extend(reversed(list(obj)))
    return out


def _page_lines(chars: list, page_no: int, height: float) -> list[_Line]:
    """Characters grouped into lines by baseline, each line cut where a wide gap shows a column break."""
    rows: dict[int, list] = {}
    for c in chars:
        if c.get_text() in ("", "\x00"):
            continue
        key = round(c.y0 / 2)  # baselines within 2 pt are one line
        rows.setdefault(key, []).append(c)
    lines: list[_Line] = []
    for key in sorted(rows, reverse=True):
        row = sorted(rows[key], key=lambda c: c.x0)
        pieces: list[list] = [[row[0]]]
        for c in row[1:]:
            prev = pieces[-1][-1]
            # A gap of several character heights is a column break (justified word gaps are smaller).
            if c.x0 - prev.x1 > 2.2 * max(prev.size, c.size, 1.0):
                pieces.append([c])
            else:
                pieces[-1].append(c)
        for piece in pieces:
            text = ""
            for i, c in enumerate(piece):
                ch = c.get_text()
                if i and not ch.isspace() and not text.endswith(" ") and c.x0 - piece[i - 1].x1 > 0.18 * c.size:
                    text += " "  # a word gap drawn by positioning, not by a space character
                text += ch
            text = " ".join(text.split())
            if not text:
                continue
            sizes = [c.size for c in piece if not c.get_text().isspace()]
            bold = sum("bold" in c.fontname.lower() for c in piece) > 0.8 * len(piece)
            lines.append(
                _Line(
                    text=text,
                    x0=piece[0].x0,
                    x1=piece[-1].x1,
                    top=height - max(c.y1 for c in piece),
                    bottom=height - min(c.y0 for c in piece),
                    size=median(sizes) if sizes else 0.0,
                    bold=bold,
                    page=page_no,
                )
            )
    return lines


def _gutter(lines: list[_Line], width: float) -> float | None:
    """The x of a vertical gap that splits most of the page's lines into two columns, if any."""
    if len(lines) < 6:
        return None
    best: tuple[int, float] | None = None
    for step in range(30, 71):  # candidate gutters across the middle 40 % of the page
        x = width * step / 100
        left = sum(ln.x1 <= x for ln in lines)
        right = sum(ln.x0 >= x for ln in lines)
        crossing = len(lines) - left - right
        if left >= 3 and right >= 3 and crossing <= 0.25 * len(lines):
            score = min(left, right) - 2 * crossing
            if best is None or score > best[0]:
                best = (score, x)
    return best[1] if best else None


def _order(lines: list[_Line], width: float) -> list[_Line]:
    """Reading order of one page: regions between full-width lines, each read left column first."""
    gutter = _gutter(lines, width)
    lines = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    if gutter is None:
        return lines
    out: list[_Line] = []
    region: list[_Line] = []
    n = 0

    def flush() -> None:
        nonlocal n
        left = [ln for ln in region if ln.x1 <= gutter]
        right = [ln for ln in region if ln.x0 >= gutter]
        for col in (left, right):
            n += 1
            for ln in col:
                ln.region = n
            out.extend(col)
        region.clear()

    for ln in lines:
        if ln.x0 < gutter < ln.x1:  # crosses the gutter: a title or a full-width paragraph
            flush()
            n += 1
            ln.region = n
            out.append(ln)
        else:
            region.append(ln)
    flush()
    return out


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _drop_running(pages: list[list[_Line]], heights: list[float]) -> None:
    """Remove lines in the top and bottom margins that repeat on pages (numbers aside) or are page numbers."""
    counts: Counter[str] = Counter()
    for lines, h in zip(pages, heights, strict=True):
        keys = {_running_key(ln.text) for ln in lines if ln.top < MARGIN_BAND * h or ln.bottom > (1 - MARGIN_BAND) * h}
        counts.update(keys)
    need = max(2, (len(pages) + 1) // 2)
    for lines, h in zip(pages, heights, strict=True):
        keep = []
        for ln in lines:
            in_margin = ln.top < MARGIN_BAND * h or ln.bottom > (1 - MARGIN_BAND) * h
            page_number = re.fullmatch(r"(?i)(page\s*)?\d+(\s*(of|/)\s*\d+)?|[-–]\s*\d+\s*[-–]", ln.text)
            if in_margin and (counts[_running_key(ln.text)] >= need or page_number):
                continue
            keep.append(ln)
        lines[:] = keep


def _drop_hyphen(before: str, after: str) -> bool | None:
    """For a line ending in a hyphen: True to drop it ("treat-" + "ment" is "treatment"), False to
    keep it with no space ("CD19-" + "directed", "well-" + "known"); None when there is no hyphen."""
    from wordfreq import zipf_frequency

    head = re.search(r"(\w+)-$", before)
    if not head:
        return None
    tail = re.match(r"\w+", after)
    if not tail or not after[0].islower() or head.group(1)[-1].isdigit():
        return False
    joined = zipf_frequency((head.group(1) + tail.group(0)).lower(), "en")
    # "wellknown" is a word to wordfreq too, but a rarer one than "well-known".
    return joined > 0 and joined >= zipf_frequency(f"{head.group(1)}-{tail.group(0)}".lower(), "en")


def _assemble(lines: list[_Line], body: float) -> tuple[str, list[int], list[Section]]:
    text = ""
    pages: list[int] = []
    sections: list[Section] = []
    heading_sizes = sorted({round(ln.size, 1) for ln in lines if ln.heading}, reverse=True)
    prev: _Line | None = None
    widths: dict[tuple[int, int], float] = {}
    for ln in lines:
        key = (ln.page, ln.region)
        widths[key] = max(widths.get(key, 0.0), ln.x1)
    pitch = 1.25 * body
    for ln in lines:
        if prev is None:
            sep = ""
        elif ln.heading or prev.heading:
            sep = "\n\n"
        elif (ln.page, ln.region) != (prev.page, prev.region):
            # A new column or page: the sentence runs on unless the last line ended one.
            runs_on = not _SENTENCE_END.search(prev.text) and not _BULLET.match(ln.text)
            sep = "join" if runs_on else "\n\n"
        elif ln.top - prev.bottom > 0.8 * pitch or abs(ln.size - prev.size) > 0.5:
            sep = "\n\n"
        elif _BULLET.match(ln.text):
            sep = "\n"
        elif prev.x1 < widths[(prev.page, prev.region)] - 6 * body and _SENTENCE_END.search(prev.text):
            sep = "\n"  # a short line that ends a sentence: the paragraph ended there
        elif prev.x1 < widths[(prev.page, prev.region)] - 12 * body:
            sep = "\n"  # a short line without a full stop: a list item or a line of its own
        else:
            sep = "join"
        if sep == "join":
            hyphen = _drop_hyphen(text, ln.text)
            if hyphen is None:
                text += " " + ln.text
            elif hyphen:
                text = text[:-1] + ln.text
            else:
                text += ln.text
        else:
            text += sep
            if ln.heading:
                level = heading_sizes.index(round(ln.size, 1)) + 1 if round(ln.size, 1) in heading_sizes else 1
                sections.append(Section(start=len(text), level=level, title=ln.text))
            text += ln.text
        while ln.page > len(pages):  # pages without text start where the next text does
            pages.append(len(text) - len(ln.text))
        prev = ln
    return text, pages, sections


def _pdf_date(value: object) -> str | None:
    raw = value.decode("latin-1", "replace") if isinstance(value, bytes) else str(value or "")
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", raw)
    if not m:
        return None
    return "-".join(p for p in m.groups() if p)


def _info(document: object) -> dict[str, object]:
    from pdfminer.pdftypes import resolve1

    out: dict[str, object] = {}
    for info in getattr(document, "info", []) or []:
        for k, v in (resolve1(info) or {}).items():
            out[k] = resolve1(v)
    return out


def _decode(value: object) -> str:
    if isinstance(value, bytes):
        from pdfminer.utils import decode_text

        return " ".join(decode_text(value).split())
    return " ".join(str(value or "").split())


def extract_pdf(path: Path) -> Extracted:
    """The text of a PDF with its page offsets and headings; CorpusError naming the file when it has none."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psexceptions import PSException

    try:
        with open(path, "rb") as fh:
            # pdfminer recovers what it can from a cut-off file; a partial document is worse than none.
            fh.seek(max(0, path.stat().st_size - 2048))
            if b"%%EOF" not in fh.read():
                raise CorpusError(f"{path}: truncated PDF (no end-of-file marker): copy it again")
            fh.seek(0)
            parser = PDFParser(fh)
            try:
                document = PDFDocument(parser)
            except (PDFPasswordIncorrect, PDFEncryptionError):
                raise CorpusError(f"{path}: encrypted PDF (needs a password): save an unlocked copy") from None
            manager = PDFResourceManager(caching=True)
            device = PDFPageAggregator(manager, laparams=None)  # raw characters: the layout is ours
            interpreter = PDFPageInterpreter(manager, device)
            pages: list[list[_Line]] = []
            heights: list[float] = []
            widths: list[float] = []
            for n, page in enumerate(PDFPage.create_pages(document), start=1):
                interpreter.process_page(page)
                layout = device.get_result()
                x0, y0, x1, y1 = layout.bbox
                heights.append(y1 - y0)
                widths.append(x1 - x0)
                pages.append(_page_lines(_chars(layout), n, y1 - y0))
            info = _info(document)
    except CorpusError:
        raise
    except (PDFSyntaxError, PSException) as exc:
        raise CorpusError(f"{path}: malformed or truncated PDF ({_short(exc)})") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files; none may stop the build
        raise CorpusError(f"{path}: malformed or truncated PDF ({type(exc).__name__}: {_short(exc)})") from None
    if not pages:
        raise CorpusError(f"{path}: malformed or truncated PDF (no pages)")
    if not any(pages):
        raise CorpusError(f"{path}: no text layer: OCR it first")
    _drop_running(pages, heights)
    ordered: list[_Line] = []
    for lines, width in zip(pages, widths, strict=True):
        ordered.extend(_order(lines, width))
    body = Counter(round(ln.size, 1) for ln in ordered for _ in ln.text).most_common(1)[0][0] if ordered else 10.0
    for ln in ordered:
        short = len(ln.text) <= 120 and not _SENTENCE_END.search(ln.text) and not _BULLET.match(ln.text)
        ln.heading = short and (ln.size >= 1.15 * body or (ln.bold and len(ln.text.split()) <= 12))
    text, page_starts, sections = _assemble(ordered, body)
    if not text.strip():
        raise CorpusError(f"{path}: no text layer: OCR it first")
    title = _decode(info.get("Title"))
    if not title and sections:
        top = min(s.level for s in sections)
        title = next(s.title for s in sections if s.level == top)
    return Extracted(
        text=text,
        title=title,
        date=_pdf_date(info.get("CreationDate")),
        pages=page_starts,
        sections=sections,
        extractor=extractor_name(),
    )


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__
