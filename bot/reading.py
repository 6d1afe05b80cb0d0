"""What the evidence scorer reads of one sentence for one question, whichever sentences are candidates
beside it: the question's words it matches, whether it names what is asked about, its conditions, the
subject words it lacks. Only the words' weights (their rarity among the candidates) and the sentence's
chunk and vector scores depend on the rest; those are added by ``EvidenceScorer.score``.

Read once per question and sentence, and read ahead: an answer reads the sentences of the keyword
search's best chunks while the question's vector is computed (bot/query_vectors.py), which most of its
candidates are; after the wait only the others are read (issue 14: the scorer's loop was half of an
answer's work after the vector on the seed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import conditions
from bot.asked import Asked
from bot.question import SUBJECT_KINDS, Analysis

if TYPE_CHECKING:
    from bot.evidence import EvidenceScorer


@dataclass(slots=True)  # (not frozen: a frozen dataclass sets each of its 25 fields through a call)
class Read:
    """One sentence as the question reads it (the fields of ``Evidence`` that no other candidate moves)."""

    row: int
    doc: int
    start: int
    end: int
    block: int
    kind: str
    text: str
    first: int  # the first row of its paragraph
    here: AbstractSet[str]  # the question's stems it matches
    hits: AbstractSet[str]  # the question's stems it holds as they are (for the words' rarity)
    entity: float
    cue: bool
    condition: float
    qualified: bool
    wrong: float
    off_document: bool
    short: bool
    unnamed: float
    missing_weight: float
    missing: tuple[str, ...]
    missing_context: tuple[str, ...]
    missing_context_weight: float
    missing_share: float
    subjects: tuple[str, ...]
    own: tuple[str, ...]


def key(analysis: Analysis, asked: Asked) -> tuple[object, ...]:
    """Everything a sentence's reading depends on besides the sentence (a focus narrowed since: read again)."""
    return (asked.key, tuple(analysis.focus), frozenset(m.term for m in analysis.mentions), tuple(analysis.excluded),
            tuple(analysis.required), analysis.cue, analysis.qtype == "comparison", analysis.yes_no, analysis.conditions)


class Reading:
    """The sentences read for one question, each read once (``rows``)."""

    def __init__(self, scorer: EvidenceScorer, analysis: Analysis, asked: Asked) -> None:
        self.key = key(analysis, asked)
        self.asked = asked
        self._scorer = scorer
        self._analysis = analysis
        self.focus = set(analysis.focus)
        self.terms = {m.term for m in analysis.mentions}
        self.subject_focus = {f for f in self.focus if scorer.glossary.kind(f) in SUBJECT_KINDS}
        self.aside = set(analysis.excluded)  # ("one like X": a member of X's class is on topic)
        self.required = set(analysis.required)
        self.cue = analysis.cue
        self.comparison = analysis.qtype == "comparison"
        self.conds = analysis.conditions
        self.yes_no = analysis.yes_no and bool(self.focus)
        self._keep_qualified: bool | None = None  # read when a sentence is qualified (most are not)
        self._rows: dict[int, Read] = {}
        # Paragraph and document features are the same for every sentence of a paragraph / document.
        self.blocks: dict[int, tuple[AbstractSet[str], float, frozenset[str]]] = {}
        self._docs: dict[int, tuple[AbstractSet[str], set[str], float, bool]] = {}

    def rows(self, rows: list[int]) -> list[Read]:
        got, read = self._rows.get, self._read
        return [got(r) or read(r) for r in rows]

    def held(self) -> set[int]:
        """The rows read so far."""
        return set(self._rows)

    def ahead(self, rows: Iterable[int], ready: Callable[[], bool] = lambda: False) -> bool:
        """Read ``rows`` now (before they are scored), sentence by sentence until ``ready()``; False if stopped."""
        for r in rows:
            if r not in self._rows:
                if ready():
                    return False
                self._read(r)
        return True

    def block(self, doc: int, first: int) -> tuple[AbstractSet[str], float, frozenset[str]]:
        """(question stems its paragraph and title match, the subject's share they lack, the stems they lack)."""
        got = self.blocks.get(first)
        if got is None:
            a = self.asked
            in_ctx = a.match(self._scorer.context_stems(doc, first))  # matched as a sentence's own words are
            got = self.blocks[first] = (
                in_ctx, sum(wt for w, wt in a.subject if w not in in_ctx) / a.subject_total,
                frozenset(w for w, _ in a.subject if w not in in_ctx),
            )
        return got

    def document(self, doc: int) -> tuple[AbstractSet[str], set[str], float, bool]:
        """(question stems its title matches, subject stems it lacks, the subject weighed as its lack costs,
        whether it never names what the question is about)."""
        got = self._docs.get(doc)
        if got is None:
            s, a = self._scorer, self.asked
            # In a corpus of many documents a word another document uses is still one this document
            # never says: it costs as a word unknown to the corpus does in a corpus of one.
            used = a.match(s.siblings.stems(doc))
            lacks = a.unknown | {w for w, _ in a.subject if w not in used}
            cost = s.params.unknown_word_cost
            terms = s.document_terms(doc)
            got = self._docs[doc] = (
                a.match(s.title_stems(doc)), lacks,
                # The question's whole subject, weighed as its missing part is: the share it leaves unanswered.
                sum(wt * (cost if w in lacks else 1.0) for w, wt in a.subject),
                # A document that never names what the question is about cannot answer it.
                not (self.focus & terms) if self.focus else (bool(self.terms) and not (self.terms & terms)),
            )
        return got

    def _read(self, r: int) -> Read:
        s, a, p = self._scorer, self.asked, self._scorer.params
        d, start, end, block, kind, text, st, first, own, subjects, named_here, short, stated, qualified = s.static(r)
        here = a.match(st)
        focus, aside = self.focus, self.aside
        mentioned = named_here.union(subjects)
        if own and own[0] in aside:  # ("one like tisagenlecleucel": not tisagenlecleucel itself)
            entity = 0.0
        elif self.comparison:  # each side may be quoted on its own; both at once is best
            entity = (1.0 if focus & mentioned else 0.0) + (p.comparison_both_bonus if focus <= mentioned else 0.0)
        else:
            entity = len(focus & mentioned) / len(focus) if focus else 0.0
        wrong = 0.0
        sf = self.subject_focus
        if sf and sf.isdisjoint(subjects) and not (aside and any(sf & set(s.glossary.broader(t)) for t in subjects)):
            wrong = 1.0 if own else (p.wrong_topic_only if subjects else 0.0)
        if self.required and not self.required <= named_here:
            wrong = max(wrong, 1.0)
        cue = False
        if self.cue is not None:
            hits = s.cue_hits(self.cue)
            hit = hits.get(r)
            cue = hits[r] = bool(self.cue.search(text)) if hit is None else hit
        _, unnamed_context, ctx_absent = self.block(d, first)
        in_title, unknown_here, weighed_here, off_document = self.document(d)
        # A technical word of the question the sentence never names: likely a look-alike passage.
        # Each costs by its rarity, double when the whole corpus lacks it: one such word is enough.
        # A word of the document's title is its topic ("leukemia"): every sentence speaks of it.
        cost = p.unknown_word_cost
        absent = [(w, wt) for w, wt in a.subject if w not in here and w not in in_title]
        missing, gone_weight = 0.0, 0.0
        names: tuple[str, ...] = ()
        gone_names: tuple[str, ...] = ()
        if absent:
            missing = sum(wt * (cost if w in unknown_here else 1.0) for w, wt in absent)
            names = tuple(a.surface[w] for w, _ in sorted(absent, key=lambda x: -x[1]))
            gone = [(w, wt) for w, wt in absent if w in ctx_absent]
            gone_names = tuple(a.surface[w] for w, _ in sorted(gone, key=lambda x: -x[1]))
            gone_weight = sum(wt * (cost if w in unknown_here else 1.0) for w, wt in gone)
        if qualified and self._keep_qualified is None:
            self._keep_qualified = not conditions.asks_qualified(self._analysis.text)
        condition = conditions.share(stated, self.conds) if self.conds else 0.0
        if self.yes_no:
            # "Is it approved for children?": the sentence stating its condition answers, fit or not (not "is there any for Ph+?").
            condition = abs(condition)
        read = self._rows[r] = Read(
            r, d, start, end, block, kind, text, first, here, st & a.q_stems, entity, cue, condition,
            qualified and bool(self._keep_qualified), wrong, off_document,
            short,  # a bare list item ("Blinatumomab") names a thing but says nothing about it
            missing / a.subject_total, missing, names, gone_names, gone_weight,
            gone_weight / weighed_here if weighed_here else 0.0, subjects, own,
        )
        return read

