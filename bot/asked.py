"""What the evidence scorer reads of a question whatever its candidate sentences: its stems, its weighed
subject words and how the question wrote them.

Found once per question, and found before the question's vector is ready (bot/query_vectors.py): the
scorer's own reading of the question was ~0.3 ms of an answer's work after the vector, which the wait for
the vector now hides. Keyed by everything it reads, so a question changed since (a focus narrowed to one
member, another text scored) is read again.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.last import Last
from bot.question import SYMPTOMS_WHEN, Analysis
from bot.stemming import Matcher
from bot.text import written_forms

if TYPE_CHECKING:
    from bot.reading import Reading


@dataclass(frozen=True, slots=True)
class Asked:
    key: tuple[object, ...]
    q_stems: set[str]  # the scored text's stems (and its terms'); iterated in this set's own order
    subject: list[tuple[str, float]]  # subject stems with their weights, above zero
    surface: dict[str, str]  # each subject stem as the question wrote it
    subject_total: float
    unknown: set[str]  # subject stems the corpus never uses
    match: Matcher  # every question and subject stem, matched at once per sentence


def scored_text(expanded: str) -> str:
    """The text the scorer reads of a question (``Query.expanded``), without when it is asked about
    ("continued once the signs disappear": when is no word a sentence must match)."""
    return SYMPTOMS_WHEN.sub(" ", expanded)


def key(analysis: Analysis, expanded: str) -> tuple[object, ...]:
    return (expanded, analysis.text, tuple(analysis.subject.items()))


def read(
    analysis: Analysis, expanded: str, stems: Callable[[str], set[str]], stem: Callable[[str], str],
    known_stems: Set[str], unknown_word_floor: float,
) -> Asked:
    q_stems = stems(expanded)
    # A word the corpus never uses counts at least ``unknown_word_floor``, however common in English:
    # "hair loss" is two everyday words the text never says.
    subject = [
        (st, max(wt, unknown_word_floor) if st not in known_stems else wt)
        for st, wt in ((stem(w), wt) for w, wt in analysis.subject.items())
    ]
    subject = [(st, wt) for st, wt in subject if wt > 0]
    surface = {stem(w): shown for w, shown in written_forms(analysis.subject, analysis.text).items()}
    return Asked(
        key(analysis, expanded), q_stems, subject, surface, sum(wt for _, wt in subject) or 1.0,
        # A subject word the whole corpus lacks cannot be answered by any sentence of it: it costs double.
        {w for w, _ in subject if w not in known_stems},
        Matcher(q_stems | {w for w, _ in subject}),
    )


class Kept:
    """The last question's reading, kept while the question is the same (an answer reads it before the
    wait for its vector and again after); ``forget`` drops it."""

    def __init__(self) -> None:
        self.last: Asked | None = None
        self.readings: Last[Reading] = Last()  # the question's reading of sentences (bot/reading.py)

    def get(
        self, analysis: Analysis, expanded: str, stems: Callable[[str], set[str]], stem: Callable[[str], str],
        known_stems: Set[str], unknown_word_floor: float,
    ) -> Asked:
        """``read``'s reading, the kept one when it is of the same question."""
        last = self.last
        if last is None or last.key != key(analysis, expanded):
            last = self.last = read(analysis, expanded, stems, stem, known_stems, unknown_word_floor)
        return last

    def forget(self) -> None:
        self.last = None
        self.readings.forget()
