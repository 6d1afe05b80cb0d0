import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder

import bot
from bot.chunking import Chunker
from bot.errors import IndexStateError
from bot.index_store import FORMAT_VERSION, REQUIRED_FILES, build_index, load_index


def build(corpus: Path, index: Path, embedder, **kw):  # noqa: ANN001, ANN201
    return build_index(corpus, index, embedder, Chunker(), progress=False, **kw)


def test_build_writes_fixed_files_and_manifest(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    report = build(corpus_dir, index, fake_embedder)
    for name in REQUIRED_FILES:
        assert (index / name).exists(), name
    assert not list(index.rglob("*.pkl")) and not list(index.rglob("*.pickle"))
    manifest = json.loads((index / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model"] == {"name": fake_embedder.name, "dim": 384, "variant": "torch"}
    assert manifest["vectors"]["method"] == "token_states"
    assert set(manifest["documents"]) == {"drugs", "extra-1", "extra-2"}
    assert manifest["counts"] == {"documents": 3, "chunks": report.chunks, "sentences": report.sentences}
    assert report.embedded == report.chunks and report.reused == 0
    assert not list(tmp_path.glob(".index.tmp-*"))


def test_unchanged_corpus_is_not_rebuilt(corpus_dir: Path, tmp_path: Path, fake_embedder):
    build(corpus_dir, tmp_path / "index", fake_embedder)
    calls = fake_embedder.calls
    report = build(corpus_dir, tmp_path / "index", fake_embedder)
    assert not report.rebuilt and report.embedded == 0
    assert fake_embedder.calls == calls


def test_changing_one_document_re_embeds_only_its_chunks(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    first = build(corpus_dir, index, fake_embedder)
    rows = [json.loads(x) for x in (corpus_dir / "extra.jsonl").read_text().splitlines()]
    rows[1]["text"] += " A new sentence about donors was added."
    (corpus_dir / "extra.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    second = build(corpus_dir, index, fake_embedder)
    data = load_index(index)
    doc_chunks = sum(1 for d in data.chunk_doc if data.documents[int(d)].id == "extra-2")
    assert second.rebuilt
    assert second.embedded == doc_chunks == 1
    assert second.reused == first.chunks - 1
    # Its sentences are read in the chunk's context: all of them are new, and no other chunk's.
    (row,) = [c for c in range(len(data.chunks)) if data.documents[int(data.chunk_doc[c])].id == "extra-2"]
    assert second.sentences_embedded == len(data.chunk_sentence_rows(row))


def test_a_rebuild_splits_only_the_documents_that_changed_and_matches_a_fresh_build(
    corpus_dir: Path, tmp_path: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
):
    import bot.index_store.build as build_module

    index = tmp_path / "index"
    build(corpus_dir, index, fake_embedder)
    rows = [json.loads(x) for x in (corpus_dir / "extra.jsonl").read_text().splitlines()]
    # One document edited, one removed, one added before it: the others' rows move.
    rows[1]["text"] += " A new sentence about donors was added."
    rows = [{"id": "extra-0", "title": "New", "text": "Alphamab is given weekly. It is a CD19 antibody."}, rows[1]]
    (corpus_dir / "extra.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    split: list[str] = []
    real = build_module.split_sentences
    monkeypatch.setattr(build_module, "split_sentences", lambda text: split.append(text) or real(text))
    build(corpus_dir, index, fake_embedder)
    assert sorted(split) == sorted(r["text"] for r in rows)  # not the unchanged markdown document
    monkeypatch.setattr(build_module, "split_sentences", real)
    fresh = tmp_path / "fresh"
    build(corpus_dir, fresh, fake_embedder)
    for name in ("sentences.npy", "chunks.npy", "chunk_hashes.npy", "sentence_hashes.npy"):
        assert np.array_equal(np.load(index / name), np.load(fresh / name)), name
    a, b = load_index(index), load_index(fresh)
    assert [a.chunk_span(r) for r in range(len(a.chunks))] == [b.chunk_span(r) for r in range(len(b.chunks))]
    assert [a.sentence_text(r) for r in range(len(a.sentence_start))] == [b.sentence_text(r) for r in range(len(b.sentence_start))]


def test_stale_index_is_refused_with_a_clear_message(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    (corpus_dir / "drugs.md").write_text("---\ntitle: t\n---\nChanged text entirely.", encoding="utf-8")
    with pytest.raises(IndexStateError, match=r"manifest.json: stale, 1 document\(s\) changed"):
        bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    engine = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    assert engine.build_report is not None and engine.build_report.rebuilt
    assert "Changed text entirely." in engine.search("changed text", k=1)[0].text


def test_index_of_another_model_is_rebuilt(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    build(corpus_dir, index, fake_embedder)
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["model"]["name"] = "some-other-model"
    (index / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexStateError, match="built with model 'some-other-model'"):
        bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    report = build(corpus_dir, index, fake_embedder)
    assert report.rebuilt and report.reused == 0  # vectors of another model are never reused


def test_leftover_temporary_folder_is_never_loaded(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    build(corpus_dir, index, fake_embedder)
    junk = tmp_path / ".index.tmp-99999"
    junk.mkdir()
    (junk / "manifest.json").write_text("{}")
    engine = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    assert not junk.exists()
    assert engine.search("alphamab", k=1)


def test_above_the_size_threshold_the_dense_index_is_hnsw_and_finds_what_flat_finds(
    corpus_dir: Path, tmp_path: Path, fake_embedder
):
    from bot.index_store import HNSW_EF_SEARCH
    from bot.settings import Settings

    flat = bot.load(corpus=corpus_dir, index=tmp_path / "flat", embedder=fake_embedder)
    approx = bot.load(
        corpus=corpus_dir, index=tmp_path / "hnsw", embedder=fake_embedder, settings=Settings(hnsw_threshold=1)
    )
    assert flat.manifest["dense_index"] == "flat" and approx.manifest["dense_index"] == "hnsw"
    assert approx.data.dense.hnsw.efSearch == HNSW_EF_SEARCH  # saved with the index, so loading keeps it
    for q in ("alphamab", "side effects of betacel", "testicular relapse"):
        assert [h.chunk_id for h in approx.search(q, k=3, mode="dense")] == [
            h.chunk_id for h in flat.search(q, k=3, mode="dense")
        ]


class SpanEmbedder(FakeEmbedder):
    """A fake with ``encode_spans``: one pass per chunk text, its spans' vectors from that pass."""

    def __init__(self) -> None:
        super().__init__()
        self.span_texts: list[str] = []

    def encode_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]):  # noqa: ANN201
        vecs = self.encode(texts)
        parts = []
        for text, sp in zip(texts, spans, strict=True):
            assert all(0 <= a < b <= len(text) for a, b in sp)
            self.span_texts += [text[a:b] for a, b in sp]
            parts.append(FakeEmbedder().encode([text[a:b] for a, b in sp]) if sp else np.zeros((0, 384)))
        return vecs, parts


def test_one_encoding_pass_takes_sentence_vectors_from_their_chunks_pass(corpus_dir: Path, tmp_path: Path):
    embedder = SpanEmbedder()
    report = build(corpus_dir, tmp_path / "index", embedder)
    data = load_index(tmp_path / "index")
    assert embedder.texts_encoded == report.chunks == report.embedded  # chunk texts only, each once
    # Every sentence's span in its chunk's text is that sentence.
    assert embedder.span_texts == [data.sentence_text(r) for r in range(len(data.sentences))]
    assert report.sentences_embedded == len(data.sentences)
    again = build(corpus_dir, tmp_path / "index", embedder, force=True)
    assert again.embedded == 0 and embedder.texts_encoded == report.chunks  # all from the cache


def test_pooled_vectors_encode_each_sentence_and_title_once(corpus_dir: Path, tmp_path: Path, fake_embedder):
    report = build(corpus_dir, tmp_path / "index", fake_embedder, method="pooled")
    data = load_index(tmp_path / "index")
    titles = {d.title for d in data.documents if d.title}
    distinct = {data.sentence_text(r) for r in range(len(data.sentences))}
    assert fake_embedder.texts_encoded == len(distinct) + len(titles)  # no chunk text is encoded
    assert report.sentences_embedded == len(distinct)


def test_changing_the_vector_method_rebuilds_and_reuses_what_it_can(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    build(corpus_dir, index, fake_embedder, method="separate")
    assert json.loads((index / "manifest.json").read_text())["vectors"] == {"method": "separate"}
    with pytest.raises(IndexStateError, match="built with vector method 'separate', now 'token_states'"):
        bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, rebuild=False)
    before = fake_embedder.texts_encoded
    report = build(corpus_dir, index, fake_embedder, method="pooled")
    assert report.rebuilt and report.sentences_embedded == 0  # the sentence vectors were reused
    titles = {d.title for d in load_index(index).documents if d.title}
    assert fake_embedder.texts_encoded - before == len(titles)  # only the titles were new
    with pytest.raises(ValueError, match="vector method must be one of"):
        build(corpus_dir, index, fake_embedder, method="mystery", force=True)
