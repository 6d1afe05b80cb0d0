"""Small PDFs and web pages made by the tests themselves (fpdf2), so no binary fixture needs trusting.

The font is matplotlib's bundled DejaVu Sans (a dev dependency): it covers "≥" and "—", which the
PDF core fonts do not.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

from fpdf import FPDF


def _font() -> str:
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")


def _bold_font() -> str:
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans-Bold.ttf")


class _Doc(FPDF):
    def __init__(self, header_text: str = "", footer: bool = False) -> None:
        super().__init__(format="A4")
        self.header_text = header_text
        self.with_footer = footer
        self.add_font("dv", fname=_font())
        self.add_font("dv", style="B", fname=_bold_font())
        self.set_auto_page_break(True, margin=22)

    def header(self) -> None:
        if self.header_text:
            self.set_font("dv", size=8)
            self.cell(0, 6, self.header_text, align="C")
            self.ln(12)

    def footer(self) -> None:
        if self.with_footer:
            self.set_y(-15)
            self.set_font("dv", size=8)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def _new(title: str, date: str | None, header: str = "", footer: bool = False) -> _Doc:
    pdf = _Doc(header, footer)
    if title:
        pdf.set_title(title)
    if date:
        pdf.set_creation_date(dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC))
    return pdf


def lines_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    title: str = "",
    date: str | None = None,
    header: str = "",
    footer: bool = False,
    columns: int = 1,
) -> Path:
    """A PDF whose lines are placed exactly as given ("" = a blank line; "# x" = a heading line).

    With ``columns=2`` each page's lines fill the left column, then the right one; a heading line
    spans the page above both.
    """
    pdf = _new(title, date, header, footer)
    pdf.set_auto_page_break(False)
    col_w = 85 if columns == 2 else 180
    for lines in pages:
        pdf.add_page()
        y0 = pdf.get_y()
        per_col = -(-len([ln for ln in lines if not ln.startswith("# ")]) // columns)
        n = 0
        for line in lines:
            if line.startswith("# "):
                pdf.set_font("dv", "B", size=15)
                pdf.set_xy(15, y0)
                pdf.cell(180, 9, line[2:])
                y0 += 14
                continue
            col, row = divmod(n, per_col)
            n += 1
            pdf.set_font("dv", size=10)
            pdf.set_xy(15 + col * (col_w + 10), y0 + row * 5.5)
            if line:
                pdf.cell(col_w, 5.5, line)
    pdf.output(str(path))
    return path


def paragraphs_pdf(
    path: Path, paragraphs: list[str], *, title: str = "", date: str | None = None, header: str = "", footer: bool = True
) -> Path:
    """A PDF laid out by fpdf2's own line wrapping: one paragraph after another, a gap between them."""
    pdf = _new(title, date, header, footer)
    pdf.add_page()
    for para in paragraphs:
        if para.startswith("# "):
            pdf.set_font("dv", "B", size=14)
            pdf.multi_cell(0, 8, para[2:])
        else:
            pdf.set_font("dv", size=10.5)
            pdf.multi_cell(0, 5.5, para)
        pdf.ln(3)
    pdf.output(str(path))
    return path


def markdown_paragraphs(md: str) -> tuple[dict[str, str], list[str]]:
    """A corpus Markdown file's header fields and its blank-line separated paragraphs."""
    meta: dict[str, str] = {}
    body = md
    if md.startswith("---\n"):
        end = md.index("\n---\n", 3)
        for line in md[4:end].splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
        body = md[end + 5 :]
    return meta, [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def seed_pdf(md: str, path: Path) -> Path:
    meta, paras = markdown_paragraphs(md)
    return paragraphs_pdf(path, paras, title=meta.get("title", ""), date=meta.get("date"), header=meta.get("title", ""))


def seed_html(md: str, path: Path) -> Path:
    """The seed as a saved web page: navigation, a cookie banner, scripts and a footer around it."""
    meta, paras = markdown_paragraphs(md)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    title = html.escape(meta.get("title", ""))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example Medical Manual</title>
<meta name="date" content="{meta.get("date", "")}">
<link rel="canonical" href="https://example.org/manual/{meta.get("id", "page")}">
<script>window.dataLayer = [{{"event": "pageview"}}];</script>
<style>body {{ font-family: sans-serif; }}</style></head>
<body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/topics">Health topics</a></li>
<li><a href="/drugs">Drugs A-Z</a></li><li><a href="/contact">Contact us</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent">This site uses cookies. By continuing you accept our cookie policy.
<button>Accept all cookies</button></div>
<main><article><h1>{title}</h1>
{body}
</article></main>
<aside class="sidebar"><h3>Related</h3><ul><li><a href="/x">Leukemia in children</a></li>
<li><a href="/y">Bone marrow transplant</a></li></ul></aside>
<footer><p>Copyright 2024 Example Medical Manual. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
<script src="analytics.js"></script>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
