"""Query normalisation: spelling correction against the corpus vocabulary, glossary expansion."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.glossary import Glossary
from bot.text import STOPWORDS, fold


@dataclass
class Query:
    original: str
    corrected: str  # the question with misspelled words replaced
    terms: list[str]  # canonical glossary terms named in it
    expanded: str  # corrected text plus the canonical terms, for retrieval
    corrections: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # content words neither in the corpus nor the glossary


class QueryProcessor:
    def __init__(self, vocab: dict[str, int], glossary: Glossary, min_score: float = 84.0) -> None:
        if not 50 <= min_score <= 100:
            raise ValueError(f"min_score must be in 50..100, got {min_score!r}")
        self.glossary = glossary
        self.known = set(vocab) | glossary.vocabulary()
        # Only words long enough to be misspelled recognisably are correction targets.
        self._choices = sorted(w for w in self.known if len(w) >= 4 and not w.isdigit())
        self.min_score = min_score
        self._correct = lru_cache(maxsize=4096)(self._correct_word)
        import Stemmer

        self._stem = Stemmer.Stemmer("english").stemWord
        self._known_stems = {self._stem(w) for w in self.known}

    def _prefix_known(self, word: str) -> bool:
        if len(word) < 4:
            return False
        i = bisect.bisect_left(self._choices, word)
        return i < len(self._choices) and self._choices[i].startswith(word)

    def _correct_word(self, word: str) -> str | None:
        if len(word) < 5 or not word.isalpha() or _is_english(word):
            return None
        cutoff = self.min_score if len(word) >= 8 else max(self.min_score, 88.0)
        found = process.extract(word, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
        if not found:
            return None
        # Among equally close words, the commoner one ("efects": "effects", not "defects").
        top = max(score for _, score, _ in found)
        ties = [w for w, score, _ in found if score >= top - 1e-6]
        return max(ties, key=lambda w: (_zipf(w), w))

    def process(self, text: str) -> Query:
        corrections: dict[str, str] = {}
        unknown: list[str] = []

        def fix(m: re.Match[str]) -> str:
            w = m.group(0)
            low = w.lower()
            if low in self.known or low in STOPWORDS:
                return w
            fixed = self._correct(low)
            if fixed:
                corrections[low] = fixed
                return fixed
            if self._stem(low) in self._known_stems or self._prefix_known(low):
                return w  # another form of a corpus word ("treated" ~ "treat", "neuro" ~ "neurologic")
            if len(low) > 1 and not low.isdigit():
                unknown.append(low)
            return w

        corrected = re.sub(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*\+?", fix, text)
        terms = self.glossary.terms(corrected)
        folded = fold(corrected)
        extra = [t for t in terms if t not in folded]
        expanded = corrected + (" " + " ".join(extra) if extra else "")
        return Query(text, corrected, terms, expanded, corrections, unknown)


def _zipf(word: str) -> float:
    from bot.zipf import zipf_frequency  # precomputed for corpus words, else wordfreq

    return float(zipf_frequency(word, "en"))


def _is_english(word: str) -> bool:
    """A common English word is never "corrected" into a corpus word ("clinical" is not "clinically")."""
    return _zipf(word) >= 3.0
