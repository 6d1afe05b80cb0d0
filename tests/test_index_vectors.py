"""Chunk vectors pooled from sentence vectors (the one-pass vector method)."""

import numpy as np

from bot.index_store.vectors import pool_chunks


def test_pooling_is_the_normalised_weighted_sum_of_each_chunks_sentences_and_title():
    rng = np.random.default_rng(0)
    sents = rng.normal(size=(6, 8)).astype(np.float32)
    weights = np.array([1, 2, 3, 1, 5, 2], np.float32)
    spans = np.array([[0, 2], [1, 4], [4, 6]])  # overlapping chunks
    titles = rng.normal(size=(3, 8)).astype(np.float32)
    tw = np.array([2, 0, 1], np.float32)
    out = pool_chunks(sents, weights, spans, titles, tw)
    for i, (a, b) in enumerate(spans):
        want = (sents[a:b] * weights[a:b, None]).sum(axis=0) + titles[i] * tw[i]
        assert np.allclose(out[i], want / np.linalg.norm(want), atol=1e-5)
    assert out.dtype == np.float32 and out.flags.c_contiguous
