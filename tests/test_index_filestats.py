"""The file-stat fast path of loading (bot/index_store/filestats.py) and the lazily parsed documents."""

import json
import os
import time
from pathlib import Path

import pytest

import bot
import bot.corpus
from bot.errors import IndexStateError
from bot.index_store import filestats, load_index
from bot.index_store.load import DocumentTable

HOUR_NS = 3600 * 10**9


def age(corpus: Path, ns: int = HOUR_NS) -> None:
    """Every file of ``corpus`` last modified ``ns`` ago: old enough for a snapshot to be trusted."""
    then = time.time_ns() - ns
    for p in corpus.rglob("*"):
        os.utime(p, ns=(then, then))


@pytest.fixture
def no_corpus_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records (instead of refusing) every read of the corpus by bot.load."""
    reads: list[Path] = []
    real = bot.corpus.load_corpus

    def spy(corpus, **kw):  # noqa: ANN001, ANN202
        reads.append(Path(corpus))
        return real(corpus, **kw)

    monkeypatch.setattr(bot.corpus, "load_corpus", spy)
    return reads


def test_an_unchanged_corpus_is_neither_read_nor_hashed_again(corpus_dir: Path, tmp_path: Path, fake_embedder,
                                                              no_corpus_reads: list[Path]):
    (corpus_dir / "broken.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")  # a problem to report
    age(corpus_dir)
    index = tmp_path / "index"
    first = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    assert first.build_report is not None and first.problems
    manifest = json.loads((index / "manifest.json").read_text())
    assert set(manifest["corpus_files"]["files"]) == {"drugs.md", "extra.jsonl", "broken.jsonl"}
    reads = len(no_corpus_reads)
    again = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    assert len(no_corpus_reads) == reads  # the fast path
    assert again.problems == first.problems
    q = "What are the side effects of betacel?"
    assert again.session().ask(q) == first.session().ask(q)


def test_a_same_size_edit_is_still_seen_and_rebuilt(corpus_dir: Path, tmp_path: Path, fake_embedder):
    age(corpus_dir)
    index = tmp_path / "index"
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    path = corpus_dir / "drugs.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Alphamab", "Alphamax", 1), encoding="utf-8")  # same size, new mtime
    with pytest.raises(IndexStateError, match="stale, 1 document"):
        bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    engine = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    assert engine.build_report is not None and engine.build_report.rebuilt


def test_files_added_or_removed_are_read(corpus_dir: Path, tmp_path: Path, fake_embedder):
    age(corpus_dir)
    index = tmp_path / "index"
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    (corpus_dir / "more.md").write_text("---\ntitle: More\n---\nDeltamab is an antibody.", encoding="utf-8")
    assert bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder).build_report is not None
    (corpus_dir / "more.md").unlink()
    with pytest.raises(IndexStateError, match="stale"):
        bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)


def test_a_touched_file_is_read_once_then_trusted_again(corpus_dir: Path, tmp_path: Path, fake_embedder,
                                                        no_corpus_reads: list[Path]):
    age(corpus_dir)
    index = tmp_path / "index"
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    age(corpus_dir, HOUR_NS // 2)  # touched, not changed
    reads = len(no_corpus_reads)
    assert bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False).build_report is None
    assert len(no_corpus_reads) == reads + 1  # read and hashed: unchanged, and the new stats recorded
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    assert len(no_corpus_reads) == reads + 1
    assert not list(tmp_path.glob(".index.tmp-*"))


def test_a_file_modified_just_before_the_build_is_never_trusted(corpus_dir: Path, tmp_path: Path, fake_embedder,
                                                                no_corpus_reads: list[Path]):
    # Its modification time could stay the same through another edit in the same clock tick.
    index = tmp_path / "index"
    (corpus_dir / "drugs.md").write_text((corpus_dir / "drugs.md").read_text() + " ", encoding="utf-8")
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    snap = json.loads((index / "manifest.json").read_text())["corpus_files"]
    assert not filestats.trusted(snap)
    reads = len(no_corpus_reads)
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    assert len(no_corpus_reads) == reads + 1


def test_another_corpus_folder_with_the_same_files_is_read(corpus_dir: Path, tmp_path: Path, fake_embedder):
    import shutil

    age(corpus_dir)
    index = tmp_path / "index"
    snap = filestats.snapshot(corpus_dir)
    assert snap is not None
    other = tmp_path / "other"
    shutil.copytree(corpus_dir, other)  # same names, sizes and times
    assert filestats.unchanged(corpus_dir, snap) and not filestats.unchanged(other, snap)
    assert filestats.snapshot(tmp_path / "missing") is None
    (other / "page.html").write_text("<html><body><p>A page.</p></body></html>", encoding="utf-8")
    assert filestats.snapshot(other) is None  # extracted formats: never the fast path
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)


def test_documents_are_parsed_when_first_read(engine):
    docs = engine.data.documents
    assert isinstance(docs, DocumentTable)
    assert docs._docs.count(None) == len(docs)
    assert docs[1].id == docs.ids[1] and docs._docs.count(None) == len(docs) - 1
    assert [d.id for d in docs] == docs.ids == list(engine.data.doc_pos)
    assert docs[-1] is docs[len(docs) - 1] and [d.id for d in docs[:2]] == docs.ids[:2]
    with pytest.raises(IndexError):
        docs[len(docs)]


def test_a_damaged_documents_file_is_refused_at_load_or_named_when_read(engine):
    path = engine.data.path / "documents.jsonl"
    good = path.read_bytes()
    path.write_bytes(good.replace(b'"id":"extra-1"', b'"id":"extra-9"'))  # same length, one id changed
    with pytest.raises(IndexStateError, match="documents.jsonl: damaged"):
        load_index(engine.data.path)  # the checksum
    manifest = json.loads((engine.data.path / "manifest.json").read_text())
    del manifest["documents_crc32"]  # an index built before checksums: the id is checked when read
    (engine.data.path / "manifest.json").write_text(json.dumps(manifest))
    docs = load_index(engine.data.path).documents
    row = docs.ids.index("extra-1")  # type: ignore[attr-defined]
    with pytest.raises(IndexStateError, match=r"documents.jsonl: damaged, line \d+ holds 'extra-9'"):
        docs[row]
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(IndexStateError, match="documents.jsonl: damaged"):
        load_index(engine.data.path)
