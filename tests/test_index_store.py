import json
from pathlib import Path

import pytest

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
    doc_chunks = sum(1 for r in data.chunks if data.documents[int(r[0])].id == "extra-2")
    assert second.rebuilt
    assert second.embedded == doc_chunks == 1
    assert second.reused == first.chunks - 1
    assert second.sentences_embedded == 1  # the new sentence only


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


def test_folder_that_is_not_an_index(tmp_path: Path):
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    with pytest.raises(IndexStateError, match="is not an index folder"):
        load_index(folder)


def test_leftover_temporary_folder_is_never_loaded(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    build(corpus_dir, index, fake_embedder)
    junk = tmp_path / ".index.tmp-99999"
    junk.mkdir()
    (junk / "manifest.json").write_text("{}")
    engine = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    assert not junk.exists()
    assert engine.search("alphamab", k=1)


def test_query_tokens_match_the_index_tokenizer(corpus_dir: Path):
    # Queries skip bm25s's batch tokenizer for speed; a token it would make differently would miss.
    from bot.corpus import load_corpus
    from bot.index_store import bm25_tokens, query_tokens

    docs, _ = load_corpus(corpus_dir)
    texts = [d.text for d in docs] + [
        "", "?!", "What are CAR-T's side effects?", "Blincyto® ≥ 2 doses, e.g. IT MTX", "Ünïcode naïve café 10mg",
        "THE and OF the", "x y z", "relapsed relapsing relapses", "tisagenlecleucel\tvs\nbrexucabtagene",
    ]
    for text in texts:
        assert query_tokens(text) == bm25_tokens([text])[0], text


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
