"""English stemming for query time, one PyStemmer object per thread.

PyStemmer's stemmers must not be called from two threads at once, and the server answers several
questions at once; a stem never changes, so results are shared through a cache.

Stemming every corpus word once at start-up (the query processor and the evidence scorer both know
the corpus vocabulary by its stems) took ~0.15 s of a cold answer on MedQuAD (32k words). A build
therefore stores each corpus word's stem in the index (``stems.json``); loading the index registers
that table and ``stem`` answers from it. Like ``bot.zipf``'s table it is a cache of a pure function:
ignored when another PyStemmer version made it, so every stem is exactly PyStemmer's.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache
from pathlib import Path

_local = threading.local()
_table: dict[str, str] = {}


def _stemmer():  # noqa: ANN202 - Stemmer has no type stubs
    s = getattr(_local, "stemmer", None)
    if s is None:
        import Stemmer

        s = _local.stemmer = Stemmer.Stemmer("english")
    return s


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    found = _table.get(word)
    return found if found is not None else str(_stemmer().stemWord(word))


def stemmer_version() -> str:
    import Stemmer

    return str(Stemmer.version())


def make_table(words: Iterable[str]) -> dict[str, object]:
    """The file a build writes: each word's stem, and the stemmer that made them."""
    words = sorted(set(words))
    stems = dict(zip(words, _stemmer().stemWords(words), strict=True))
    return {"stemmer": stemmer_version(), "language": "english", "stems": stems}


def add_table(path: Path) -> None:
    """Use the stems stored at ``path``; a missing, damaged or foreign table only costs speed."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
        if table.get("stemmer") != stemmer_version() or table.get("language") != "english":
            return
        stems = table["stems"]
        if isinstance(stems, dict):
            _table.update(stems)
    except (OSError, ValueError, KeyError, AttributeError):
        return


class Stems(frozenset[str]):
    """A frozen set of stems that also keeps the long ones sorted, for prefix look-ups by bisection."""

    long: tuple[str, ...]
    _prefixes: frozenset[str] | None

    def __new__(cls, items: Iterable[str] = ()) -> Stems:
        self = super().__new__(cls, items)
        self.long = tuple(sorted(s for s in self if len(s) >= 4))
        self._prefixes = None
        return self

    @property
    def prefixes(self) -> frozenset[str]:
        """Every start of four letters or more of the long stems (the stems included): a stem of four
        letters or more that some stored stem starts with is one of them. Made once per set."""
        if self._prefixes is None:
            self._prefixes = frozenset([s[:n] for s in self.long for n in range(4, len(s) + 1)])
        return self._prefixes


# Up to this many long stems (a sentence's), a set of stems keeps all their prefixes for ``Matcher``.
_FEW = 40


class Matcher:
    """``matches`` for a fixed set of stems against many ``Stems`` at once, in set operations:
    ``matcher(stems) == {w for w in wanted if matches(w, stems)}``. The scorer matches each question
    stem against every candidate sentence; word by word that was a quarter of an answer's Python time."""

    def __init__(self, wanted: Iterable[str]) -> None:
        self.wanted = frozenset(wanted)
        self.long = frozenset(w for w in self.wanted if len(w) >= 4)
        # A stored stem that is a proper prefix of a wanted one: each such start, and whose start it is.
        owners: dict[str, set[str]] = {}
        for w in self.long:
            for n in range(4, len(w)):
                owners.setdefault(w[:n], set()).add(w)
        self.owners = owners
        self.starts = frozenset(owners)

    def __call__(self, stems: AbstractSet[str]) -> AbstractSet[str]:
        if not isinstance(stems, Stems):
            return {w for w in self.wanted if matches(w, stems)}
        found = self.wanted.intersection(stems)
        if len(stems.long) <= _FEW:
            longer = self.long.intersection(stems.prefixes)
        else:  # a paragraph's stems, read once per question: bisection costs less than all their prefixes
            long = stems.long
            longer = frozenset(w for w in self.long if (i := bisect_left(long, w)) < len(long) and long[i].startswith(w))
        if longer:
            found = found.union(longer)
        starts = self.starts.intersection(stems)
        if starts:
            found = found.union(*(self.owners[s] for s in starts))
        return found


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
