"""A question's vector, begun as soon as its words are known: the model's pass runs on a thread of
onnxruntime's own while the question is analysed (its type, focus, conditions), which needs no vector.

The pass is half of an answer's time on the seed, and the analysis before it ~0.8 ms of ~5. The vector is
the one ``encode_question`` gives inline, bit for bit: only when it is computed changes.

A begun vector that is never asked for (a follow-up rewritten before it is answered, a question refused
before retrieval) is dropped; the ``keep`` newest are held (other sessions' questions, in a server).
"""

from __future__ import annotations

import threading

import numpy as np

from bot.embedding import Begun, Embedder, encode_question


class QueryVectors:
    def __init__(self, embedder: Embedder, ahead: bool = True, keep: int = 4) -> None:
        if keep < 1:
            raise ValueError(f"keep must be at least 1, got {keep!r}")
        self.embedder = embedder
        self.ahead = ahead  # False: every vector is computed when asked for
        self.keep = keep
        self._pending: dict[tuple[str, tuple[str, ...]], Begun] = {}
        self._lock = threading.Lock()

    def start(self, text: str, terms: list[str]) -> None:
        """Begin the vector of ``text`` with ``terms`` appended, when the embedder can (``begin_with_terms``)."""
        begin = getattr(self.embedder, "begin_with_terms", None)
        key = (text, tuple(terms))
        if not self.ahead or begin is None or key in self._pending:
            return
        try:
            wait = begin(text, list(terms))
        except Exception:  # computed when asked for instead, where a real failure is reported
            return
        if wait is None:
            return
        with self._lock:
            while len(self._pending) >= self.keep:
                del self._pending[next(iter(self._pending))]
            self._pending[key] = wait

    def clear(self) -> None:
        """Drop every begun vector (their questions' texts with them)."""
        with self._lock:
            self._pending.clear()

    def ready(self, text: str, terms: list[str]) -> bool:
        """Whether ``get`` would return at once: no pass begun for it, or its pass finished."""
        with self._lock:
            wait = self._pending.get((text, tuple(terms)))
        return wait is None or wait.ready()

    def get(self, text: str, terms: list[str]) -> np.ndarray:
        """The vector: the begun one when there is one, else computed now."""
        with self._lock:
            wait = self._pending.pop((text, tuple(terms)), None)
        return np.asarray(wait()) if wait is not None else encode_question(self.embedder, text, terms)
