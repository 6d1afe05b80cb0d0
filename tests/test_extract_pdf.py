"""PDF extraction: reading order, running headers, hyphenation, pages, and bad files named one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from docmaker import lines_pdf, paragraphs_pdf
from fpdf import FPDF

import bot
from bot.corpus import load_corpus
from bot.errors import CorpusError
from bot.extract import locate
from bot.extract.pdf import extract_pdf


def test_two_columns_are_read_one_after_the_other(tmp_path: Path):
    left = [
        "Alphamab is given by vein once a week",
        "for four weeks in adults with relapsed",
        "disease of the fixture kind.",
        "",
        "Fever and chills are its common",
        "effects on the first day.",
    ]
    right = [
        "Betacel is made from the patient's own",
        "T cells and given once after a short",
        "course of chemotherapy.",
        "",
        "It can cause a cytokine release",
        "syndrome within two weeks.",
    ]
    pdf = lines_pdf(tmp_path / "two.pdf", [["# Fixture drug notes", *left, *right]], columns=2)
    out = extract_pdf(pdf)
    for sentence in (
        "Alphamab is given by vein once a week for four weeks in adults with relapsed disease of the fixture kind.",
        "Fever and chills are its common effects on the first day.",
        "Betacel is made from the patient's own T cells and given once after a short course of chemotherapy.",
        "It can cause a cytokine release syndrome within two weeks.",
    ):
        assert sentence in out.text
    assert out.text.index("Fever and chills") < out.text.index("Betacel is made")
    assert [s.title for s in out.sections] == ["Fixture drug notes"]
    assert out.title == "Fixture drug notes"  # no /Title: the top heading names the document


def test_running_headers_footers_and_hyphenated_line_ends_stay_out_of_sentences(tmp_path: Path):
    pages = [
        [
            "Gammazumab is a CD19-",
            "directed antibody used in the treat-",
            "ment of relapsed fixture disease.",
        ],
        [
            "Its most common side effects are head-",
            "ache and a mild fever, which usually",
        ],
        [
            "settle within two days.",
            "Deltacel is a well-",
            "known cell therapy.",
        ],
    ]
    pdf = lines_pdf(tmp_path / "h.pdf", pages, header="City Hospital protocol 7 (draft)", footer=True, title="Protocol")
    out = extract_pdf(pdf)
    assert "Gammazumab is a CD19-directed antibody used in the treatment of relapsed fixture disease." in out.text
    # A sentence running over a page break (and its footer and the next header) stays one sentence.
    assert (
        "Its most common side effects are headache and a mild fever, which usually settle within two days."
        in out.text
    )
    assert "Deltacel is a well-known cell therapy." in out.text
    assert "City Hospital" not in out.text and "Page" not in out.text
    assert out.title == "Protocol"


def test_multi_page_pdf_cites_the_page_of_its_answer(tmp_path: Path, fake_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pages = [
        ["Alphamab is an antibody that treats relapsed fixture disease in adults."],
        ["Omegastat lowers the fixture marker in the blood within a week."],
        ["Zetacel is a cell therapy for children with refractory fixture disease."],
    ]
    lines_pdf(corpus / "guide.pdf", pages, title="Fixture guide", date="2024-03-01", footer=True)
    engine = bot.load(corpus=corpus, index=tmp_path / "index", embedder=fake_embedder)
    doc = engine.data.documents[engine.data.doc_pos["guide"]]
    assert (doc.format, doc.date, len(doc.pages)) == ("pdf", "2024-03-01", 3)
    answer = engine.session().ask("What does omegastat lower?")
    assert not answer.abstained
    cite = answer.citations[0]
    assert cite.quote == doc.text[cite.start : cite.end]
    assert "Omegastat lowers" in cite.quote
    assert locate(doc, cite.start) == (2, None)
    assert locate(doc, doc.text.index("Zetacel")) == (3, None)


def test_paragraph_layout_keeps_paragraphs_apart(tmp_path: Path):
    paras = ["# Section one", "First paragraph ends here. " * 12, "# Section two", "Second paragraph. " * 10]
    out = extract_pdf(paragraphs_pdf(tmp_path / "p.pdf", paras, title="T"))
    assert out.text.split("\n\n") == [p.strip() if not p.startswith("# ") else p[2:] for p in paras]
    doc = bot.models.Document(id="p", text=out.text, pages=out.pages, sections=out.sections)
    assert locate(doc, out.text.index("Second paragraph")) == (1, "Section two")


def _text_pdf(path: Path, text: str = "Some text.") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    pdf.output(str(path))
    return path.read_bytes()


def test_encrypted_pdf_is_named(tmp_path: Path):
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Hidden text.")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(CorpusError, match=r"locked\.pdf: encrypted PDF"):
        extract_pdf(tmp_path / "locked.pdf")


def test_scanned_pdf_without_text_layer_is_named(tmp_path: Path):
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a picture of a page, no characters
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(CorpusError, match=r"scan\.pdf: no text layer: OCR it first"):
        extract_pdf(tmp_path / "scan.pdf")


def test_truncated_and_malformed_pdfs_are_named(tmp_path: Path):
    raw = _text_pdf(tmp_path / "ok.pdf", "A sentence that is whole.")
    (tmp_path / "cut.pdf").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(CorpusError, match=r"cut\.pdf: truncated PDF"):
        extract_pdf(tmp_path / "cut.pdf")
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 50 + b"\n%%EOF\n")
    with pytest.raises(CorpusError, match=r"junk\.pdf: (malformed|no text layer)"):
        extract_pdf(tmp_path / "junk.pdf")


def test_bad_files_each_get_one_line_and_the_rest_loads(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    raw = _text_pdf(corpus / "good.pdf", "Alphamab treats fixture disease.")
    (corpus / "cut.pdf").write_bytes(raw[:300])
    (corpus / "picture.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (corpus / "notes.md").write_bytes(raw)  # a PDF with a Markdown name
    (corpus / "page.html").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)  # a JPEG saved as a page
    with open(corpus / "huge.pdf", "wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.write(b"%PDF-1.7\n")
        fh.truncate(200 * 2**20)
    docs, problems = load_corpus(corpus)
    assert [d.id for d in docs] == ["good"]
    assert docs[0].text == "Alphamab treats fixture disease."
    expected = {
        "cut.pdf": "truncated PDF",
        "picture.pdf": "not a PDF (it is PNG image): wrong extension?",
        "notes.md": "not text (it is a PDF): wrong extension?",
        "page.html": "not a web page (it is JPEG image): wrong extension?",
        "huge.pdf": "too large (200 MB; the limit is 50 MB)",
    }
    assert len(problems) == len(expected), problems
    for name, reason in expected.items():
        line = next(p for p in problems if p.startswith(str(corpus / name)))
        assert reason in line and "\n" not in line
