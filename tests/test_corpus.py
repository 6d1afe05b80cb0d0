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
