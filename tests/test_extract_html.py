"""Saved web pages: the main text only, with title, date, URL and headings kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import load_corpus
from bot.errors import CorpusError
from bot.extract import locate
from bot.extract.html import extract_html
from bot.models import Document

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Alphamab | Fixture Drug Manual</title>
<meta property="article:published_time" content="2024-02-20">
<link rel="canonical" href="https://example.org/drugs/alphamab">
<script>var tracker = "Alphamab tracking pixel";</script></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/drugs">All drugs</a></li>
<li><a href="/login">Sign in to your account</a></li></ul></nav></header>
<div class="cookie-banner" id="cookies">We use cookies to improve your visit. Accept cookies to continue.</div>
<main><article>
<h1>Alphamab</h1>
<h2>Uses</h2>
<p>Alphamab is an antibody that treats relapsed fixture disease in adults. It is given by vein once a week.</p>
<h2>Side effects</h2>
<p>Common side effects of alphamab include</p>
<ul><li>fever</li><li>chills</li><li>a low platelet count</li></ul>
<p>Serious infections are rare but can be fatal.</p>
</article></main>
<footer><p>Copyright 2024 Fixture Drug Manual. All rights reserved.</p><p><a href="/privacy">Privacy policy</a></p></footer>
</body></html>
"""


def test_main_text_without_boilerplate_and_with_its_metadata(tmp_path: Path):
    (tmp_path / "alphamab.html").write_text(PAGE, encoding="utf-8")
    out = extract_html(tmp_path / "alphamab.html")
    assert out.text == (
        "Alphamab\n\nUses\n\n"
        "Alphamab is an antibody that treats relapsed fixture disease in adults. It is given by vein once a week.\n\n"
        "Side effects\n\nCommon side effects of alphamab include\n\nfever\nchills\na low platelet count\n\n"
        "Serious infections are rare but can be fatal."
    )
    for boilerplate in ("cookie", "Home", "Sign in", "Copyright", "Privacy", "tracking"):
        assert boilerplate not in out.text
    assert (out.date, out.url) == ("2024-02-20", "https://example.org/drugs/alphamab")
    assert out.title.startswith("Alphamab")
    doc = Document(id="a", text=out.text, sections=out.sections)
    assert locate(doc, out.text.index("Serious infections")) == (None, "Alphamab > Side effects")
    assert locate(doc, out.text.index("It is given")) == (None, "Alphamab > Uses")


def test_saved_page_folder_is_not_read_as_documents(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "alphamab_files").mkdir(parents=True)
    (corpus / "alphamab.html").write_text(PAGE, encoding="utf-8")
    # What a browser saves beside the page: frames and scripts, not documents.
    (corpus / "alphamab_files" / "ad-frame.html").write_text("<html><body><p>Buy now!</p></body></html>")
    (corpus / "alphamab_files" / "app.js").write_text("var x = 1;")
    docs, problems = load_corpus(corpus)
    assert [(d.id, d.format) for d in docs] == [("alphamab", "html")] and problems == []
    assert docs[0].sections[0].title == "Alphamab"


def test_page_without_text_is_named(tmp_path: Path):
    (tmp_path / "scan.html").write_text(
        '<html><head><title>Scan</title></head><body><img src="scan_files/page1.png"></body></html>', encoding="utf-8"
    )
    with pytest.raises(CorpusError, match=r"scan\.html: no text in the web page"):
        extract_html(tmp_path / "scan.html")
