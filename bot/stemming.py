"""English stemming for query time, one PyStemmer object per thread.

PyStemmer's stemmers must not be called from two threads at once, and the server answers several
questions at once; a stem never changes, so results are shared through a cache.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
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


class Stems(frozenset[str]):
    """A frozen set of stems that also keeps the long ones sorted, for prefix look-ups by bisection."""

    long: tuple[str, ...]

    def __new__(cls, items: Iterable[str] = ()) -> Stems:
        self = super().__new__(cls, items)
        self.long = tuple(sorted(s for s in self if len(s) >= 4))
        return self


def matches(stem: str, stems: AbstractSet[str]) -> bool:
    """Same stem, or one a prefix of the other ("treat" ~ "treatment"): the stemmer keeps derivations apart."""
    if stem in stems:
        return True
    if len(stem) < 4:
        return False
    if isinstance(stems, Stems):
        # A stored stem that is a prefix of ``stem``; or one that starts with ``stem`` (sorted right after it).
        for n in range(4, len(stem)):
            if stem[:n] in stems:
                return True
        i = bisect_left(stems.long, stem)
        return i < len(stems.long) and stems.long[i].startswith(stem)
    return any(len(s) >= 4 and (s.startswith(stem) or stem.startswith(s)) for s in stems)
