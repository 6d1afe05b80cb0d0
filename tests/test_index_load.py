"""Loading an index: named table columns, and read-only memory-mapped loading."""

from pathlib import Path

import numpy as np
import pytest

import bot
from bot.errors import IndexStateError
from bot.index_store import CHUNK_COLUMNS, SENTENCE_COLUMNS, load_index
from bot.settings import Settings


def test_named_columns_are_the_table_columns(engine):
    data = engine.data
    for i, name in enumerate(SENTENCE_COLUMNS):
        assert np.array_equal(getattr(data, f"sentence_{name}"), data.sentences[:, i]), name
    for i, name in enumerate(CHUNK_COLUMNS):
        assert np.array_equal(getattr(data, f"chunk_{name}"), data.chunks[:, i]), name
    row = len(data.chunks) - 1
    d, start, end = data.chunk_span(row)
    assert data.chunk_id(row) == f"{data.documents[d].id}#{int(data.chunks[row, 1])}"
    sents = data.chunk_sentence_rows(row)
    assert data.sentence_span(sents[0])[1] == start and data.sentence_span(sents[-1])[2] == end
    assert data.sentence_text(sents[0]) in data.documents[d].text[start:end]


def test_mmap_loading_maps_the_arrays_and_answers_alike(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    plain = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder, settings=Settings(index_mmap=False))
    mapped = bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)  # mapped by default
    assert isinstance(mapped.data.sentences, np.memmap) and isinstance(mapped.data.chunks, np.memmap)
    assert not isinstance(plain.data.chunks, np.memmap)
    assert not mapped.data.sentences.flags.writeable
    for q in ("alphamab", "side effects of betacel"):
        assert [(h.chunk_id, h.score) for h in mapped.search(q, k=3)] == [
            (h.chunk_id, h.score) for h in plain.search(q, k=3)
        ]
    assert mapped.session().ask("What is alphamab?").citations == plain.session().ask("What is alphamab?").citations


def test_a_table_of_the_wrong_shape_is_named(corpus_dir: Path, tmp_path: Path, fake_embedder):
    index = tmp_path / "index"
    bot.load(corpus=corpus_dir, index=index, embedder=fake_embedder)
    np.save(index / "chunks.npy", np.zeros((3, 4), dtype=np.int32))
    with pytest.raises(IndexStateError, match=r"chunks.npy: damaged .*6 columns"):
        load_index(index)


def test_folder_that_is_not_an_index(tmp_path: Path):
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    with pytest.raises(IndexStateError, match="is not an index folder"):
        load_index(folder)
