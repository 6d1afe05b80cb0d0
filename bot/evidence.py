"""Sentence-level evidence: score the sentences of the retrieved chunks against the question."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from bot import asked as asked_mod
from bot import conditions
from bot.glossary import Glossary, Mention
from bot.index_store import IndexData
from bot.params import Params
from bot.question import SUBJECT_KINDS, Analysis
from bot.reading import Reading
from bot.reading import key as reading_key
from bot.retrieval import Candidate
from bot.siblings import Siblings
from bot.stemming import Stems, stem
from bot.text import content_words

KINDS = ("prose", "lead_in", "item")


@dataclass(slots=True)  # made for every candidate sentence of every question: slots make that cheaper
class Evidence:
    row: int  # sentence row in the index
    doc: int
    start: int
    end: int
    block: int
    kind: str
    text: str
    score: float = 0.0
    dense: float = 0.0
    lexical: float = 0.0
    entity: float = 0.0
    cue: bool = False
    chunk_score: float = 0.0
    context: float = 0.0
    title: float = 0.0  # share of the question's words in the document title
    unnamed: float = 0.0  # weighted share of the question's subject words the sentence does not name
    unnamed_context: float = 0.0  # the same, for its paragraph and document title
    missing_weight: float = 0.0  # summed weight of the subject words the sentence does not name
    missing: list[str] = field(default_factory=list)  # those subject words, as the question wrote them
    missing_context: list[str] = field(default_factory=list)  # ... that its paragraph and title lack too
    missing_context_weight: float = 0.0
    missing_share: float = 0.0  # that weight as a share of all the question's subject words
    condition: float = 0.0  # +1 its conditions speak to the question's, -1 they exclude the asker
    qualified: bool = False  # the text itself qualifies it ("not convincingly demonstrated")
    wrong: float = 0.0  # it is about another subject than the question's
    off_document: bool = False  # its document never names the question's focus
    short: bool = False  # a bare list item that names a thing but says nothing about it
    other_aspect: bool = False  # its document says it covers an aspect ("treatment") the question does not ask
    title_extra: float = 0.0  # share of its title the question does not say, beyond the best candidate's
    subjects: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)

    def features(self, missing_cap: float) -> list[float]:
        """The values the score mixes, in FEATURES order (signed so that every weight is positive)."""
        return [
            self.dense, self.lexical, self.entity, float(self.cue), self.chunk_score, self.context, self.title,
            self.condition, -self.wrong, -min(self.missing_weight, missing_cap), -float(self.short),
            -float(self.qualified), -float(self.off_document), -float(self.other_aspect), -self.title_extra,
        ]


# The evidence features and the parameter that weighs each (bot/params.py), in one order.
NO_CONDITIONS = (conditions.Conditions(), False)
FEATURES = (
    ("dense", "w_dense"), ("lexical", "w_lex"), ("entity", "w_entity"), ("cue", "w_cue"),
    ("chunk", "w_chunk"), ("context", "w_context"), ("title", "w_title"), ("condition", "w_condition"),
    ("wrong", "p_wrong"), ("missing", "p_unnamed"), ("short", "p_short"), ("qualified", "p_qualified"),
    ("off_document", "p_off_document"), ("other_aspect", "p_aspect"), ("title_extra", "p_title_extra"),
)


class EvidenceScorer:
    """Scores the sentences of the retrieved chunks; the weights are fitted (scripts/fit_params.py)."""

    def __init__(self, data: IndexData, glossary: Glossary, params: Params) -> None:
        self.data = data
        self.glossary = glossary
        self.params = params
        self.weights = np.array([getattr(params, name) for _, name in FEATURES], dtype=np.float64)
        self.missing_cap = params.missing_cap
        self._stem = stem
        # A sentence's conditions and qualifiers are read once, not on every question.
        # Read at build time when the index holds them (conditions.jsonl), else from the text once per row.
        self._read_conditions = lru_cache(maxsize=100_000)(self._conditions_from_text)
        self._doc_states = lru_cache(maxsize=20_000)(lambda doc: conditions.states(self.data.documents[doc].text))
        self._doc_terms = lru_cache(maxsize=20_000)(
            lambda doc: frozenset(self.glossary.terms(self.data.documents[doc].title + "\n" + self.data.documents[doc].text))
        )
        self._mentions = lru_cache(maxsize=50_000)(self._sentence_mentions)
        # Reading the memory-mapped sentence table row by row is slow; rows and paragraphs never change.
        self._row_fields = lru_cache(maxsize=100_000)(self._fields)
        self._block_span = lru_cache(maxsize=50_000)(self._find_block)
        self._context_stems = lru_cache(maxsize=20_000)(self._block_stems)
        # A sentence's stems and glossary terms never change: found once, not on every question.
        self._row_mentions = lru_cache(maxsize=50_000)(
            lambda row: tuple(self.glossary.mentions(self.sentence(row).text))
        )
        self._row_stems = lru_cache(maxsize=50_000)(
            lambda row: Stems(self._stems_with(self.sentence(row).text, self._row_mentions(row)))
        )
        self._subjects_of = lru_cache(maxsize=50_000)(self._subjects)
        # Per cue, per row: does it look like an answer? (A pattern's hash reads its program: once a question.)
        self._cue_hits: dict[re.Pattern[str], dict[int, bool]] = {}
        # A sentence naming "tisagenlecleucel" also names what the glossary says it is a kind of ("car-t").
        self._row_named = lru_cache(maxsize=50_000)(
            lambda row: frozenset(
                t for m in self._row_mentions(row) for t in (m.term, *self.glossary.broader(m.term))
            )
        )
        self.known_stems = {self._stem(w) for w in data.vocab} | {
            self._stem(p) for w in data.vocab if "-" in w for p in w.split("-") if p
        }
        self._static = lru_cache(maxsize=50_000)(self._row_static)
        self._title_stems = lru_cache(maxsize=20_000)(lambda doc: Stems(self.stems(self.data.documents[doc].title)))
        # What a many-document corpus says of each document: its aspect, its title's words (bot/siblings.py).
        self.siblings = Siblings(data)
        # Words of questions that carry little (bot/data/question_types.json): they match at a lower weight.
        from bot.question import rules

        self.generic = {self._stem(w) for w in rules().generic_words}
        self.kept = asked_mod.Kept()  # the last question's reading

    def stem(self, word: str) -> str:
        return self._stem(word)

    def stems(self, text: str) -> set[str]:
        return self._stems_with(text, self.glossary.mentions(text))

    def _stems_with(self, text: str, mentions: Iterable[Mention]) -> set[str]:
        """Stems of the words of ``text`` and of the canonical terms it names (its ``mentions``)."""
        words = content_words(text)
        # "HLA-matched" also says "HLA" and "matched".
        out = {self._stem(w) for w in words} | {self._stem(p) for w in words if "-" in w for p in w.split("-") if p}
        for term in {m.term for m in mentions}:
            out.update(self._stem(w) for w in content_words(term))
        return out

    def sentence(self, row: int) -> Evidence:
        d, s, e, b, k = self._row_fields(row)
        return Evidence(row, d, s, e, b, KINDS[k], self.data.documents[d].text[s:e])

    def _fields(self, row: int) -> tuple[int, int, int, int, int]:
        data = self.data
        d, s, e = int(data.sentence_doc[row]), int(data.sentence_start[row]), int(data.sentence_end[row])
        b, k = int(data.sentence_block[row]), int(data.sentence_kind[row])
        return d, s, e, b, k

    def _row_static(
        self, row: int
    ) -> tuple[int, int, int, int, str, str, Stems, int, tuple[str, ...], tuple[str, ...], frozenset[str], bool,
               conditions.Conditions, bool]:
        """Everything the scorer reads of a sentence that does not depend on the question, in one record:
        (doc, start, end, block, kind, text, stems, first row of its paragraph, own subjects, subjects,
        glossary terms named, short, conditions, qualified)."""
        d, s, e, b, k = self._row_fields(row)
        text = self.data.documents[d].text[s:e]
        own, subjects = self._subjects_of(row)
        stated, qualified = self._stored_conditions(row)
        return (
            d, s, e, b, KINDS[k], text, self._row_stems(row), self._block_span(row)[0], own, subjects,
            self._row_named(row), len(text.split()) < 4, stated, qualified,
        )

    def _sentence_mentions(self, row: int) -> tuple[str, ...]:
        return tuple(m.term for m in self._row_mentions(row) if m.kind in SUBJECT_KINDS)

    def _block_stems(self, doc: int, first_row: int) -> frozenset[str]:
        """Stems of a paragraph and its document's title: the context a sentence is read in."""
        rows = self.block_rows(first_row)
        d = self.data.documents[doc]
        start, end = int(self.data.sentence_start[rows[0]]), int(self.data.sentence_end[rows[-1]])
        return Stems(self.stems(d.title + " " + d.text[start:end]))

    def block_rows(self, row: int) -> list[int]:
        """Rows of the sentences in the same paragraph (block) of the same document."""
        lo, hi = self._block_span(row)
        return list(range(lo, hi + 1))

    def _find_block(self, row: int) -> tuple[int, int]:
        fields, n = self._row_fields, len(self.data.sentences)
        d, b = fields(row)[0], fields(row)[3]
        lo = row
        while lo > 0 and fields(lo - 1)[0] == d and fields(lo - 1)[3] == b:
            lo -= 1
        hi = row
        while hi + 1 < n and fields(hi + 1)[0] == d and fields(hi + 1)[3] == b:
            hi += 1
        return lo, hi

    def subjects(self, row: int) -> tuple[list[str], list[str]]:
        """(own subject mentions, subjects including the paragraph's topic when it names none)."""
        own, topic = self._subjects_of(row)
        return list(own), list(topic)

    def _subjects(self, row: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        own = self._mentions(row)
        if own:
            return own, own
        topic: tuple[str, ...] = ()
        for r in self.block_rows(row):
            if r >= row:
                break
            topic = self._mentions(r)
            if topic:
                break
        return own, topic

    def mentions(self, row: int) -> tuple[Mention, ...]:
        """The glossary terms sentence ``row`` names, with where (found once per sentence)."""
        return self._row_mentions(row)

    def named(self, row: int) -> frozenset[str]:
        """The glossary terms sentence ``row`` names."""
        return self._row_named(row)

    def row_stems(self, row: int) -> Stems:
        return self._row_stems(row)

    def title_stems(self, doc: int) -> Stems:
        return self._title_stems(doc)

    def context_stems(self, doc: int, first_row: int) -> frozenset[str]:
        """Stems of the paragraph starting at ``first_row`` and of its document's title."""
        return self._context_stems(doc, first_row)

    def static(self, row: int) -> tuple[int, int, int, int, str, str, Stems, int, tuple[str, ...], tuple[str, ...],
                                          frozenset[str], bool, conditions.Conditions, bool]:
        """What the scorer reads of a sentence whatever the question (``_row_static``), read once."""
        return self._static(row)

    def document_terms(self, doc: int) -> frozenset[str]:
        """The glossary terms document ``doc`` names anywhere (title or text)."""
        return self._doc_terms(doc)

    def document_states(self, doc: int) -> frozenset[str]:
        """The patient states (pregnancy ...) document ``doc`` speaks of anywhere."""
        return self._doc_states(doc)

    def _conditions_from_text(self, row: int) -> tuple[conditions.Conditions, bool]:
        return conditions.read(text := self.sentence(row).text), conditions.qualified(text)

    def _stored_conditions(self, row: int) -> tuple[conditions.Conditions, bool]:
        """(conditions, qualified) of a sentence: from the index's table, else read from its text once."""
        table = self.data.sentence_conditions()
        return self._read_conditions(row) if table is None else table.get(row, NO_CONDITIONS)

    def conditions_of(self, row: int) -> conditions.Conditions:
        return self._stored_conditions(row)[0]

    def candidates(self, ranked: list[Candidate], limit_chunks: int | None = None) -> dict[int, float]:
        """Sentence rows of the top chunks, each with the best score of a chunk holding it."""
        rows: dict[int, float] = {}
        for c in ranked[: limit_chunks or self.params.candidate_chunks]:
            first, last = int(self.data.chunk_first_sentence[c.row]), int(self.data.chunk_end_sentence[c.row])
            for r in range(first, last):
                rows[r] = max(rows.get(r, 0.0), c.score)
        return rows

    def document_rows(self, doc: int) -> range:
        """Every sentence row of document ``doc`` (rows follow the documents in order)."""
        col = self.data.sentence_doc
        lo = int(np.searchsorted(col, doc, side="left"))
        hi = int(np.searchsorted(col, doc, side="right"))
        return range(lo, hi)

    def asked(self, analysis: Analysis, expanded: str) -> asked_mod.Asked:
        """The question as scoring ``expanded`` reads it (bot/asked.py): the last one kept, if it is the same."""
        return self.kept.get(analysis, expanded, self.stems, self._stem, self.known_stems, self.params.unknown_word_floor)

    def reading(self, analysis: Analysis, expanded: str) -> Reading:
        """The question's reading of sentences (bot/reading.py): the last one kept, if it is the same."""
        a = self.asked(analysis, expanded)
        return self.kept.readings.get(reading_key(analysis, a), lambda: Reading(self, analysis, a))

    def read_ahead(self, analysis: Analysis, expanded: str, chunks: Iterable[int], ready: Callable[[], bool]) -> None:
        """Read the question, then the sentences of ``chunks`` in order until ``ready()``: the work done
        while the question's vector is computed, which none of it needs."""
        data, reading = self.data, self.reading(analysis, expanded)
        order = list(chunks)
        if order:  # then the rest of the first one's document (a rare word's passage: its neighbours)
            col = data.chunk_doc
            doc = col[order[0]]
            lo, hi = int(np.searchsorted(col, doc, side="left")), int(np.searchsorted(col, doc, side="right"))
            order += sorted(set(range(lo, hi)) - set(order))
        for c in order:
            if not reading.ahead(range(int(data.chunk_first_sentence[c]), int(data.chunk_end_sentence[c])), ready):
                return

    def cue_hits(self, cue: re.Pattern[str]) -> dict[int, bool]:
        hits = self._cue_hits.setdefault(cue, {})
        if len(hits) > 100_000:  # bounded as the other per-row tables are
            hits.clear()
        return hits

    def score(self, analysis: Analysis, expanded: str, qvec: np.ndarray, rows: dict[int, float]) -> list[Evidence]:
        if not rows:
            return []
        order = sorted(rows)
        vecs = np.asarray(self.data.sentence_vectors[order], dtype=np.float32)
        dense_of = (vecs @ qvec).tolist()  # the same floats as float(dense[i]), in one call
        reading = self.reading(analysis, expanded)
        reads = reading.rows(order)
        a, p = reading.asked, self.params
        q_stems, n = a.q_stems, len(order)
        # The words' weights: their rarity among these candidates.
        df: dict[str, int] = {}
        for x in reads:
            for w in x.hits:
                df[w] = df.get(w, 0) + 1
        idf = {w: math.log(1 + n / (1 + df.get(w, 0))) + 0.1 for w in q_stems}
        idf = {w: v * (p.generic_weight if w in self.generic else 1.0) for w, v in idf.items()}
        total = sum(idf.values()) or 1.0
        # The question's stems with their weights, in one order: every sum below adds in that order.
        q_idf = [(w, idf[w]) for w in q_stems]
        context: dict[int, tuple[float, float]] = {}  # per paragraph
        per_doc: dict[int, tuple[float, bool, float]] = {}
        docs = {x.doc for x in reads}
        asked, extras, dedicated = self.siblings.weigh(expanded, analysis.text, docs, bool(p.p_title_extra))
        cap = self.missing_cap
        out: list[Evidence] = []
        feats: list[float] = []  # every sentence's features (Evidence.features), in one flat list
        for x, dense in zip(reads, dense_of, strict=True):
            d, first = x.doc, x.first
            if first not in context:
                in_ctx, unnamed_context, _ = reading.block(d, first)
                context[first] = (sum(idf[w] for w in q_stems if w in in_ctx) / total, unnamed_context)
            in_context, unnamed_context = context[first]
            if d not in per_doc:
                in_doc_title = reading.document(d)[0]
                per_doc[d] = (
                    sum(idf[w] for w in q_stems if w in in_doc_title) / total,
                    # "What are the treatments for X?" is not answered by X's page on symptoms.
                    self.siblings.other_aspect(d, asked, dedicated),
                    extras.get(d, 0.0),
                )
            title, other_aspect, title_extra = per_doc[d]
            here = x.here
            ev = Evidence(
                x.row, d, x.start, x.end, x.block, x.kind, x.text, 0.0, dense,
                sum([v for w, v in q_idf if w in here]) / total, x.entity, x.cue, rows[x.row], in_context, title,
                x.unnamed, unnamed_context, x.missing_weight, list(x.missing), list(x.missing_context),
                x.missing_context_weight, x.missing_share, x.condition, x.qualified, x.wrong, x.off_document, x.short,
                other_aspect, title_extra, list(x.subjects), list(x.own),
            )
            out.append(ev)
            feats += ev.features(cap)
        # One product for all candidates: a dot per sentence cost more in numpy's call overhead than in sums.
        scores = np.array(feats, dtype=np.float64).reshape(len(out), len(FEATURES)) @ self.weights + p.bias
        for ev, sc in zip(out, scores.tolist(), strict=True):
            ev.score = sc
        out.sort(key=lambda e: (-e.score, e.row))
        return out
