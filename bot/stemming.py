"""English stemming for query time, one PyStemmer object per thread.

PyStemmer's stemmers must not be called from two threads at once, and the server answers several
questions at once; a stem never changes, so results are shared through a cache.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_local = threading.local()


def _stemmer():  # noqa: ANN202 - Stemmer has no type stubs
    s = getattr(_local, "stemmer", None)
    if s is None:
        import Stemmer

        s = _local.stemmer = Stemmer.Stemmer("english")
    return s


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))
