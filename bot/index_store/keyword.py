"""Query-time BM25 scores read straight from the arrays bm25s saves, without importing bm25s.

bm25s precomputes every (token, chunk) score at build time and saves them as a CSC matrix
(``data`` / ``indices`` / ``indptr``) with ``vocab.index.json``; a query's scores are the sum of its
tokens' columns. Importing bm25s (and scipy with it) costs more than a cold answer may, so the
answer path reads these files itself; bm25s still builds them. Methods that add a non-occurrence
term (bm25l, bm25+) are loaded through bm25s.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np


class KeywordIndex:
    """The part of ``bm25s.BM25`` the retriever uses: ``vocab_dict`` and ``get_scores``."""

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 num_docs: int, dtype: str) -> None:
        if len(indptr) != len(vocab) + 1 or len(data) != len(indices) or int(indptr[-1]) != len(data):
            raise ValueError(f"inconsistent BM25 arrays: {len(vocab)} words, {len(indptr)} pointers, {len(data)} scores")
        self.vocab_dict = vocab
        # Plain arrays over the same (mapped) memory: np.memmap's Python-level indexing costs on every query.
        self.data, self.indices, self.indptr = (a.view(np.ndarray) for a in (data, indices, indptr))
        self.num_docs = num_docs
        self.dtype = np.dtype(dtype)

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """Every chunk's BM25 score for ``tokens`` (a repeated token counts again, as in bm25s)."""
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for token in tokens:
            t = self.vocab_dict.get(token)
            if t is None:
                continue
            a, b = int(self.indptr[t]), int(self.indptr[t + 1])
            # Within one token's column each chunk appears once, so plain fancy-index addition is exact.
            scores[self.indices[a:b]] += self.data[a:b]
        return scores


def load_keyword_index(folder: Path, mmap: bool = True) -> Any:
    """The keyword index saved by ``bm25s.BM25.save`` in ``folder``."""
    params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
    if (folder / "nonoccurrence_array.index.npy").exists():
        import bm25s

        return bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False, verbosity=0)
    mode: Literal["r"] | None = "r" if mmap else None
    data, indices, indptr = (
        np.load(folder / f"{name}.csc.index.npy", mmap_mode=mode, allow_pickle=False)
        for name in ("data", "indices", "indptr")
    )
    vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
    vocab.pop("", None)  # bm25s's placeholder for text without tokens: no column, never a query token
    return KeywordIndex(vocab, data, indices, indptr, num_docs=int(params["num_docs"]), dtype=params.get("dtype", "float32"))
