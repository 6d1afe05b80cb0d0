"""The index's vectors and their cache: how chunk and sentence vectors are made, and reused.

Three methods, recorded in the manifest (``vectors.method``; changing it rebuilds):

* ``token_states`` (default): one encoding pass over the chunks; a sentence's vector is the mean of
  its chunk's token states inside the sentence (from the first chunk that holds it). Chunk vectors
  are exactly ``separate``'s, so retrieval is unchanged; every token is encoded once. Needs an
  embedder with ``encode_spans`` (the ONNX one); with others the sentences are encoded alone.
* ``pooled``: sentences and titles encoded once; a chunk's vector is the token-weighted sum of its
  sentences' and title's vectors. Cheaper still, but on MedQuAD it loses retrieval quality
  (bench/one_pass.py: hybrid MRR@10 0.887 at best vs 0.945 on the 2k slice).
* ``separate``: chunk texts and sentence texts each encoded (every token twice): the old build.

Every vector is cached under a hash of its model and text (a ``token_states`` sentence: of its
chunk's text and its place in it): a rebuild encodes only new text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.chunking import estimate_tokens
from bot.embedding import Embedder
from bot.index_store.hashing import hash_key, vector_key
from bot.index_store.layout import METHODS

TITLE_WEIGHT = 4.0  # a title's weight relative to its token count: the best of 0-4 (bench/one_pass.py)


@dataclass
class VectorCache:
    """Vectors of the previous build keyed by content hash (empty when there is none)."""

    chunks: dict[str, np.ndarray] = field(default_factory=dict)
    sentences: dict[str, np.ndarray] = field(default_factory=dict)
    titles: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.chunks) + len(self.sentences) + len(self.titles)


def previous_vectors(index: Path, model: str) -> VectorCache:
    """The embedding cache: the vectors of the index already at ``index``, if it used ``model``."""
    from bot.index_store.load import read_manifest

    try:
        manifest = read_manifest(index)
        if manifest.get("model", {}).get("name") != model:
            return VectorCache()
        cache = VectorCache()
        sent_vecs = np.load(index / "sentence_vectors.npy", allow_pickle=False)
        sent_h = np.load(index / "sentence_hashes.npy", allow_pickle=False)
        if len(sent_h) == len(sent_vecs):
            cache.sentences = {hash_key(h): sent_vecs[i] for i, h in enumerate(sent_h)}
        if manifest.get("vectors", {}).get("method", "separate") in ("separate", "token_states"):
            import faiss

            dense = faiss.read_index(str(index / "dense.faiss"))
            chunk_vecs = dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else np.zeros((0, 1), np.float32)
            chunk_h = np.load(index / "chunk_hashes.npy", allow_pickle=False)
            if len(chunk_h) == len(chunk_vecs):
                cache.chunks = {hash_key(h): chunk_vecs[i] for i, h in enumerate(chunk_h)}
        if (index / "title_vectors.npy").exists():
            title_vecs = np.load(index / "title_vectors.npy", allow_pickle=False)
            title_h = np.load(index / "title_hashes.npy", allow_pickle=False)
            if len(title_h) == len(title_vecs):
                cache.titles = {hash_key(h): title_vecs[i] for i, h in enumerate(title_h)}
        return cache
    except Exception:  # no usable previous index: embed everything
        return VectorCache()


def embed_with_cache(
    texts: list[str], keys: list[str], cache: dict[str, np.ndarray], embedder: Embedder, progress: bool
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts``: cached ones reused, each distinct missing text encoded once."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for i, h in enumerate(keys):
        vec = cache.get(h)
        if vec is not None and vec.shape == (embedder.dim,):
            out[i] = vec
        else:
            missing.setdefault(h, []).append(i)
    if missing:
        first = [rows[0] for rows in missing.values()]
        vecs = embedder.encode([texts[i] for i in first], progress=progress)
        for rows, vec in zip(missing.values(), vecs, strict=True):
            out[rows] = vec
    return out, len(missing)


def pool_chunks(
    sent_vecs: np.ndarray,
    sent_weights: np.ndarray,
    spans: np.ndarray,
    title_vecs: np.ndarray | None = None,
    title_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Unit chunk vectors: the weighted sum of the vectors of each chunk's sentences (rows
    ``spans[i, 0]:spans[i, 1]``) plus, when given, its title's vector (row ``i`` of ``title_vecs``)."""
    weighted = sent_vecs * sent_weights[:, None]
    # Prefix sums give every chunk's sum in one subtraction, however much chunks overlap.
    cum = np.vstack([np.zeros((1, sent_vecs.shape[1]), np.float64), np.cumsum(weighted, axis=0, dtype=np.float64)])
    out = (cum[spans[:, 1]] - cum[spans[:, 0]]).astype(np.float32)
    if title_vecs is not None and title_weights is not None and len(out):
        out += title_vecs * title_weights[:, None]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out / np.clip(norms, 1e-12, None), dtype=np.float32)


def token_weights(texts: list[str]) -> np.ndarray:
    """Weights for pooling: the model sees about this many tokens of each text."""
    return np.asarray([max(1, estimate_tokens(t) - 2) for t in texts], dtype=np.float32)


@dataclass
class Vectors:
    """What a build stores: chunk and sentence vectors, title vectors when pooled, and counts."""

    chunks: np.ndarray
    sentences: np.ndarray
    titles: np.ndarray | None
    title_keys: list[str]
    chunks_embedded: int
    sentences_embedded: int
    titles_embedded: int
    sentence_keys: list[str] | None = None  # cache keys, when not the plain text hashes
    chunk_keys: list[str] | None = None


def make_vectors(
    method: str,
    embedder: Embedder,
    cache: VectorCache,
    chunk_texts: list[str],
    sent_texts: list[str],
    chunk_spans: np.ndarray,
    chunk_docs: np.ndarray,
    titles: list[str],
    progress: bool = False,
    sent_bounds: np.ndarray | None = None,
) -> Vectors:
    """Encode (or take from ``cache``) what ``method`` needs and derive the rest."""
    if method not in METHODS:
        raise ValueError(f"vector method must be one of {', '.join(METHODS)}, got {method!r}")
    model = embedder.name
    if method == "token_states":
        if sent_bounds is None:
            raise ValueError("token_states vectors need each sentence's offsets in its chunk text")
        return _token_state_vectors(embedder, cache, chunk_texts, sent_texts, chunk_spans, sent_bounds, progress)
    sent_keys = [vector_key(model, t) for t in sent_texts]
    if progress:
        print(f"embedding {len(sent_texts)} sentences ({len(cache.sentences)} cached vectors available)", flush=True)
    sent_vecs, sents_embedded = embed_with_cache(sent_texts, sent_keys, cache.sentences, embedder, progress)
    if method == "separate":
        chunk_keys = [vector_key(model, t) for t in chunk_texts]
        if progress:
            print(f"embedding {len(chunk_texts)} chunks ({len(cache.chunks)} cached vectors available)", flush=True)
        chunk_vecs, chunks_embedded = embed_with_cache(chunk_texts, chunk_keys, cache.chunks, embedder, progress)
        return Vectors(chunk_vecs, sent_vecs, None, [], chunks_embedded, sents_embedded, 0)
    title_keys = [vector_key(model, t) for t in titles]
    with_title = [i for i, t in enumerate(titles) if t]
    title_vecs = np.zeros((len(titles), embedder.dim), np.float32)
    titles_embedded = 0
    if with_title:
        vecs, titles_embedded = embed_with_cache(
            [titles[i] for i in with_title], [title_keys[i] for i in with_title], cache.titles, embedder, False
        )
        title_vecs[with_title] = vecs
    title_w = token_weights(titles) * TITLE_WEIGHT * np.asarray([bool(t) for t in titles], np.float32)
    chunk_vecs = pool_chunks(
        sent_vecs, token_weights(sent_texts), chunk_spans, title_vecs[chunk_docs], title_w[chunk_docs]
    )
    # A chunk counts as embedded when any of its sentences or its title was.
    fresh = np.zeros(len(sent_texts) + 1, np.int64)
    cached = np.asarray([k in cache.sentences for k in sent_keys], bool)
    fresh[1:] = np.cumsum(~cached)
    new_title = np.asarray([bool(t) and k not in cache.titles for t, k in zip(titles, title_keys, strict=True)])
    touched = (fresh[chunk_spans[:, 1]] - fresh[chunk_spans[:, 0]] > 0) | (
        new_title[chunk_docs] if len(titles) else np.zeros(len(chunk_spans), bool)
    )
    return Vectors(chunk_vecs, sent_vecs, title_vecs, title_keys, int(touched.sum()), sents_embedded, titles_embedded)


def sentence_owners(n_sentences: int, chunk_spans: np.ndarray) -> np.ndarray:
    """For each sentence, the first chunk holding it (every sentence is in some chunk)."""
    owner = np.full(n_sentences, -1, dtype=np.int64)
    for c in range(len(chunk_spans) - 1, -1, -1):  # backwards: the first chunk writes last
        owner[chunk_spans[c, 0] : chunk_spans[c, 1]] = c
    return owner


def _token_state_vectors(
    embedder: Embedder,
    cache: VectorCache,
    chunk_texts: list[str],
    sent_texts: list[str],
    chunk_spans: np.ndarray,
    sent_bounds: np.ndarray,
    progress: bool,
) -> Vectors:
    """``sent_bounds[r]``: sentence ``r``'s (start, end) in the text of its owner chunk."""
    model, dim = embedder.name, embedder.dim
    owner = sentence_owners(len(sent_texts), chunk_spans)
    chunk_keys = [vector_key(model, t) for t in chunk_texts]
    # A sentence's vector depends on its chunk: keyed by the chunk's text and its place in it.
    sent_keys = [
        vector_key(model, f"{chunk_texts[owner[r]]}\0{r - chunk_spans[owner[r], 0]}") for r in range(len(sent_texts))
    ]
    chunk_vecs = np.zeros((len(chunk_texts), dim), np.float32)
    sent_vecs = np.zeros((len(sent_texts), dim), np.float32)
    owned: list[list[int]] = [[] for _ in chunk_texts]
    for r, c in enumerate(owner):
        owned[c].append(r)
    todo = []
    for c, key in enumerate(chunk_keys):
        vec = cache.chunks.get(key)
        rows = owned[c]
        if vec is not None and vec.shape == (dim,) and all(sent_keys[r] in cache.sentences for r in rows):
            chunk_vecs[c] = vec
            for r in rows:
                sent_vecs[r] = cache.sentences[sent_keys[r]]
        else:
            todo.append(c)
    if progress:
        print(f"embedding {len(todo)} of {len(chunk_texts)} chunks, sentences from their token states", flush=True)
    alone: list[int] = []
    encode_spans = getattr(embedder, "encode_spans", None)
    if todo and encode_spans is not None:
        spans = [[(int(sent_bounds[r, 0]), int(sent_bounds[r, 1])) for r in owned[c]] for c in todo]
        vecs, parts = encode_spans([chunk_texts[c] for c in todo], spans)
        chunk_vecs[todo] = vecs
        for c, part in zip(todo, parts, strict=True):
            for r, v in zip(owned[c], part, strict=True):
                if v.any():
                    sent_vecs[r] = v
                else:  # cut off by the model's window: encoded on its own below
                    alone.append(r)
    elif todo:
        chunk_vecs[todo] = embedder.encode([chunk_texts[c] for c in todo], progress=progress)
        alone = [r for c in todo for r in owned[c]]
    if alone:
        sent_vecs[alone] = embedder.encode([sent_texts[r] for r in alone])
    return Vectors(
        chunk_vecs, sent_vecs, None, [], len(todo), sum(len(owned[c]) for c in todo), 0, sent_keys, chunk_keys
    )


def describe(method: str) -> dict[str, Any]:
    """The manifest's record of the method."""
    if method == "pooled":
        return {"method": method, "title_weight": TITLE_WEIGHT, "weights": "estimated tokens"}
    if method == "token_states":
        return {"method": method, "sentence_vectors": "mean of the owner chunk's token states in the sentence"}
    return {"method": method}
