from pathlib import Path

import pytest

from bot.corpus import corpus_hash, document_hash, load_corpus, parse_text_document
from bot.errors import CorpusError

ROOT = Path(__file__).resolve().parent.parent
# The shared material beside the project (a clone elsewhere still finds the workplace's copy).
SHARED = next((p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT.parent / "shared")


def test_seed_document_is_the_seed_text_byte_for_byte():
    docs, problems = load_corpus(ROOT / "corpus")
    assert problems == []
    seed = next(d for d in docs if d.id == "relapsed-all")
    assert seed.date == "2023-10-05"
    assert seed.title.startswith("Treatment of relapsed")
    seed_file = SHARED / "seed/000_47eb3dbb6400d521.txt"
    if seed_file.exists():  # the shared seed lies outside the project; compare when it is there
        assert seed_file.read_text(encoding="utf-8") == " date 2023-10-05 " + seed.text


def test_glossary_is_not_a_document(corpus_dir: Path):
    docs, _ = load_corpus(corpus_dir)
    assert {d.id for d in docs} == {"drugs", "extra-1", "extra-2"}


def test_jsonl_fields_become_metadata(corpus_dir: Path):
    docs, _ = load_corpus(corpus_dir)
    extra = next(d for d in docs if d.id == "extra-1")
    assert extra.url == "https://example.org/testis"
    assert extra.metadata == {"section": "treatment"}
    assert extra.source_path.endswith("extra.jsonl, line 1")


def test_header_fields(corpus_dir: Path):
    doc = parse_text_document(corpus_dir / "drugs.md", corpus_dir)
    assert (doc.id, doc.title, doc.date) == ("drugs", "Fixture drugs", "2024-01-15")
    assert doc.text.startswith("Alphamab, a CD19-directed antibody")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.md", b"---\ntitle: x\n---\n\xff\xfe broken", "bad.md, line 4: not UTF-8"),
        ("empty.md", b"---\ntitle: x\n---\n\n", "empty.md: empty document"),
        ("open.md", b"---\ntitle: x\nno end", "open.md, line 1: metadata header opened"),
        ("rows.jsonl", b'{"id": "a", "text": "fine"}\n{"id": "b", "text": \n', "rows.jsonl, line 2: bad JSON"),
        ("dup.jsonl", b'{"id": "extra-1", "text": "again"}\n', "duplicate document id 'extra-1'"),
        ("notext.jsonl", b'{"id": "z", "text": ""}\n', "notext.jsonl, line 1: empty or missing 'text'"),
    ],
)
def test_bad_files_are_named_and_the_rest_still_loads(corpus_dir: Path, name: str, content: bytes, expected: str):
    (corpus_dir / name).write_bytes(content)
    docs, problems = load_corpus(corpus_dir)
    assert any(expected in p for p in problems), problems
    assert {"drugs", "extra-1", "extra-2"} <= {d.id for d in docs}
    with pytest.raises(CorpusError, match=expected.split(":")[0].replace(".", r"\.")):
        load_corpus(corpus_dir, strict=True)


def test_missing_or_empty_corpus(tmp_path: Path):
    with pytest.raises(CorpusError, match="corpus not found"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "c").mkdir()
    with pytest.raises(CorpusError, match="no readable documents"):
        load_corpus(tmp_path / "c")


def test_hashes_change_with_text_only(corpus_dir: Path):
    docs, _ = load_corpus(corpus_dir)
    hashes = {d.id: document_hash(d) for d in docs}
    changed = docs[0].model_copy(update={"text": docs[0].text + " More."})
    assert document_hash(changed) != hashes[docs[0].id]
    assert corpus_hash(hashes) == corpus_hash(dict(reversed(list(hashes.items()))))


@pytest.mark.skipif(not (SHARED / "data/medquad/corpus.jsonl").exists(), reason="no MedQuAD here")
def test_medquad_loads_as_one_corpus():
    docs, problems = load_corpus(SHARED / "data/medquad/corpus.jsonl")
    assert problems == []
    assert len(docs) > 16_000
    assert docs[0].id == "CancerGov_0000001_1-1" and docs[0].url


# ---------------------------------------------------------------------------------------------- PDFs and pages


def _pdf_corpus(tmp_path: Path) -> Path:
    from docmaker import lines_pdf

    corpus = tmp_path / "docs"
    corpus.mkdir()
    lines_pdf(corpus / "a.pdf", [["Alphamab treats relapsed fixture disease in adults."]], title="A")
    lines_pdf(corpus / "b.pdf", [["Betacel is a cell therapy for children."]], title="B")
    (corpus / "c.md").write_text("Gammastat lowers the fixture marker.", encoding="utf-8")
    return corpus


def test_extraction_is_reused_until_the_file_or_the_extractor_changes(tmp_path: Path, fake_embedder, monkeypatch):
    import json

    from bot.chunking import Chunker
    from bot.extract import pdf as pdf_extract
    from bot.index_store import build_index

    corpus, index = _pdf_corpus(tmp_path), tmp_path / "index"
    first = build_index(corpus, index, fake_embedder, Chunker(), progress=False)
    assert first.formats == {"pdf": 2, "text": 1}
    manifest = json.loads((index / "manifest.json").read_text())
    assert manifest["extractors"] == {"pdfminer.six": pdf_extract.extractor_name().partition(" ")[2]}

    calls: list[str] = []
    real = pdf_extract.extract_pdf
    monkeypatch.setattr(pdf_extract, "extract_pdf", lambda p: calls.append(p.name) or real(p))
    docs, _ = load_corpus(corpus, index=index)
    assert calls == []  # nothing changed: the index's copies are used, no PDF is parsed
    assert {d.id: d.format for d in docs} == {"a": "pdf", "b": "pdf", "c": "text"}

    from docmaker import lines_pdf

    lines_pdf(corpus / "b.pdf", [["Betacel is a cell therapy for children and young adults."]], title="B")
    report = build_index(corpus, index, fake_embedder, Chunker(), progress=False)
    assert calls == ["b.pdf"] and report.rebuilt and report.embedded == 1  # only b is extracted and embedded

    calls.clear()
    monkeypatch.setattr(pdf_extract, "EXTRACTOR_VERSION", "test-next")
    hashes = json.loads((index / "manifest.json").read_text())["documents"]
    report = build_index(corpus, index, fake_embedder, Chunker(), progress=False)
    assert sorted(calls) == ["a.pdf", "b.pdf"] and report.rebuilt  # a new extractor re-extracts its files
    after = json.loads((index / "manifest.json").read_text())
    assert after["documents"]["c"] == hashes["c"] and after["documents"]["a"] != hashes["a"]
    assert after["extractors"]["pdfminer.six"].endswith("bot-pdf test-next")
    assert report.embedded == 0  # same text: its vectors come from the embedding cache


def test_text_documents_keep_their_hash_beside_extracted_ones(corpus_dir: Path):
    # Indexes built before PDFs were supported stay valid: a text document's hash did not change.
    doc = parse_text_document(corpus_dir / "drugs.md", corpus_dir)
    assert doc.extractor == "" and doc.format == "text"
    import hashlib
    import json

    before = json.dumps([doc.id, doc.title, doc.date, doc.text], ensure_ascii=False)  # the earlier formula
    assert document_hash(doc) == hashlib.sha256(before.encode("utf-8")).hexdigest()[:16]
    assert document_hash(doc) != document_hash(doc.model_copy(update={"extractor": "x 1"}))
