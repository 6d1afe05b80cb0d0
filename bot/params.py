"""Every number that steers answering, in one frozen object read from ``bot/data/params.json``.

The data file keeps, beside each value, how it was chosen (fitted on which questions with what result,
or set by hand and why). ``scripts/fit_params.py`` rewrites the fitted values and their records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from bot.paths import DATA


@dataclass(frozen=True)
class Params:
    # --- evidence: a sentence's score is a linear mix of its features (fitted by logistic regression)
    w_dense: float = 0.45
    w_lex: float = 0.30
    w_entity: float = 0.20
    w_cue: float = 0.15
    w_chunk: float = 0.05
    w_context: float = 0.12
    w_title: float = 0.10
    w_condition: float = 0.10
    p_wrong: float = 0.22
    p_unnamed: float = 0.08
    missing_cap: float = 4.375
    p_short: float = 0.30
    p_qualified: float = 0.05
    p_off_document: float = 0.5
    p_aspect: float = 0.0
    p_title_extra: float = 0.0
    bias: float = 0.0
    generic_weight: float = 0.5
    unknown_word_cost: float = 2.0
    unknown_word_floor: float = 0.0
    comparison_both_bonus: float = 0.5
    wrong_topic_only: float = 0.6
    # --- decision
    abstain_below: float = 0.39
    confidence_slope: float = 12.0
    list_bonus: float = 0.08
    list_context_weight: float = 0.3
    yes_no_missing: float = 1.2
    need_window: float = 0.2
    concept_alternatives: int = 5  # how far down another document's sentence may answer for one lacking a key word
    sibling_docs: int = 0  # first candidate documents whose sibling page on the aspect asked is read too
    topic_docs: int = 0  # search's first documents whose topics an answer keeps to (0: any)
    topic_window: float = 0.1  # how far below the best sentence one of those topics' may be
    named_partial: int = 0  # on a page the question names by its title, missing words make a partial answer
    dedicated_below: float = 99.0  # the score floor for a sentence of the page written for the question (off: 99)
    named_window: float = 0.0  # how far below the best sentence one of the page the question names most fully leads (off: 0)
    topic_named: int = 0  # a page whose title the question says in full is on its topic (decision.on_topic; 2: and answers for search's topics)
    need_dedicated: int = 0  # a page written for the aspect asked needs no typed sentence
    compound_partial: int = 0  # a question asking two things is answered for the part the text states
    long_question_words: int = 1000  # a message this long (content words) is read as a story around a question
    long_abstain_below: float = 0.39
    long_concept_share: float = 0.0
    long_skip_need: int = 0
    long_names_outweighed: int = 3
    long_topic_words: int = 0  # a long message's rarest known words: its document must use one of them
    # --- answer forms
    second_quote_floor: float = 0.85
    gather_quote_floor: float = 0.6
    gather_limit: int = 3
    related_floor: float = 0.8  # an answer of one or two quotes adds up to related_limit sentences scoring this share of it (off: above 1)
    related_limit: int = 2
    part_min_weight: float = 1.0
    complement_limit: int = 2
    complement_window: float = 0.35
    concept_abstain: float = 3.0
    concept_partial: float = 1.5
    concept_share: float = 0.0
    overview_max_quotes: int = 8
    overview_first_bonus: float = 0.1
    overview_cue_bonus: float = 0.2
    overview_attribute_per_option: int = 2
    overview_min_score: float = 0.15
    # A short broad question leaves the overview to the decision when subject words the corpus never says
    # weigh this share of its subject ("options for relapsed AML"); 99 never.
    overview_lacking_share: float = 0.5
    overview_lacking_weight: float = 1.5  # ... counting only subject words at least this rare
    main_document_max_docs: int = 5000
    home_glossary_share: float = 0.5  # the main document is the glossary's home when it names this share of its terms
    home_untermed: int = 1  # a question naming no glossary term is about the home when it uses its words as fully as any page found
    home_lacks_below: float = 2.0  # a question is about that home while the subject words it never uses weigh less (0: off)
    overview_relative_floor: float = 0.55
    overview_redundancy: float = 0.85
    comparison_cue_bonus: float = 0.15
    comparison_starts_bonus: float = 0.1
    comparison_conf_margin: float = 0.05
    context_max_chars: int = 1500
    candidate_chunks: int = 6
    pool_keep_top: int = 1
    pool_keep_top_many: int = 1  # the same in a corpus of more chunks than search's depth
    # --- query understanding (word rarity on wordfreq's Zipf scale)
    spell_min_score: float = 84.0
    spell_short_min_score: float = 88.0
    english_zipf: float = 3.0
    rare_zipf: float = 3.0
    name_zipf: float = 1.5
    names_outweighed: int = 3
    subject_zipf: float = 5.0
    follow_up_max_words: int = 4

    @classmethod
    def from_file(cls, path: str | Path) -> Params:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_dict(raw.get("values", raw))

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Params:
        known = {f.name: f.type for f in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"unknown parameters: {', '.join(sorted(unknown))}")
        base = cls()
        typed = {k: type(getattr(base, k))(v) for k, v in values.items()}
        return replace(base, **typed)

    def with_values(self, **values: Any) -> Params:
        return replace(self, **values)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@cache
def default_params() -> Params:
    """The bundled, fitted parameters."""
    text = (DATA / "params.json").read_text("utf-8")
    raw = json.loads(text)
    return Params.from_dict(raw["values"])
