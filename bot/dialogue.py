"""A conversation: follow-up questions resolved against the previous turn's focus.

Each Session holds its own state; the engine it uses is shared and read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from bot.models import Answer
from bot.question import Analysis, analyse, rules
from bot.text import STOPWORDS, clean_question, content_words, fold

if TYPE_CHECKING:
    from bot.engine import Engine

PRONOUN = re.compile(
    r"\b(this drug|that drug|this medicine|that medicine|this therapy|that therapy|this treatment|"
    r"that treatment|the drug|this one|that one|its|it|they|them|their)\b",
    re.IGNORECASE,
)
LEADING_CONNECTIVE = re.compile(r"^(and|so|then|also|but|ok|okay)\b[\s,]*", re.IGNORECASE)
# An unknown word rarer than this (Zipf scale) is taken to be a specific term the text lacks.
RARE_ZIPF = 3.0
_SURROGATE = re.compile(r"[\ud800-\udfff]")
NAME_ZIPF = 1.5
MAX_TURNS = 20


@cache
def _zipf():  # noqa: ANN202
    from bot.zipf import zipf_frequency  # precomputed for corpus words, else wordfreq

    return zipf_frequency


@dataclass
class Turn:
    question: str
    resolved: str
    analysis: Analysis
    cited_docs: list[int] = field(default_factory=list)


class Session:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.turns: list[Turn] = []

    def reset(self) -> None:
        self.turns.clear()

    @property
    def last_focus(self) -> Turn | None:
        return next((t for t in reversed(self.turns) if t.analysis.focus), None)

    def _resolve(self, text: str, analysis: Analysis) -> str:
        """Rewrite a follow-up into a self-contained question, or return it unchanged."""
        prev = self.last_focus
        if prev is None:
            return text
        folded = fold(text)
        follow = bool(rules().follow_up.search(folded))
        words = content_words(text)
        if not analysis.focus and (follow or len(words) <= 4):
            term = prev.analysis.focus[0]
            phrase = prev.analysis.focus_surface.get(term, term)
            body = LEADING_CONNECTIVE.sub("", text).strip()
            new, n = PRONOUN.subn(phrase, body, count=1)
            if not n:
                new = f"{body.rstrip('?.! ')} {phrase}"
            return new[:1].upper() + new[1:]
        term = prev.analysis.focus[0]
        if analysis.focus and term not in analysis.focus and PRONOUN.search(text):
            # "How does it compare with chemotherapy?": "it" is the last turn's focus, not the new one.
            phrase = prev.analysis.focus_surface.get(term, term)
            new = PRONOUN.sub(phrase, LEADING_CONNECTIVE.sub("", text).strip(), count=1)
            return new[:1].upper() + new[1:]
        if analysis.focus and follow:
            focus_words = {w for t in analysis.focus for w in fold(analysis.focus_surface.get(t, t)).split()}
            rest = [w for w in words if w not in focus_words and w not in STOPWORDS and w not in {"about", "else"}]
            if not rest:  # "and nelarabine?": the previous question, about the new focus
                old_term = prev.analysis.focus[0]
                old = prev.analysis.focus_surface.get(old_term, old_term)
                new_term = analysis.focus[0]
                new_phrase = analysis.focus_surface.get(new_term, new_term)
                if old.lower() in prev.resolved.lower():
                    pattern = re.compile(re.escape(old), re.IGNORECASE)
                    return pattern.sub(new_phrase, prev.resolved, count=1)
                return f"{prev.resolved.rstrip('?.! ')} {new_phrase}"
        return text

    def ask(self, question: object) -> Answer:
        """Answer one turn. Never raises for any string."""
        engine = self.engine
        comp = engine.composer
        raw = question if isinstance(question, str) else ("" if question is None else str(question))
        raw = _SURROGATE.sub("\ufffd", raw)  # lone surrogates cannot be encoded: the answer must serialise
        text, cut = clean_question(raw, engine.settings.max_question_chars)
        notes = [f"Your question was cut to its first {engine.settings.max_question_chars} characters."] if cut else []
        if not re.search(r"[A-Za-z0-9]", text):
            return comp.abstain(raw, "Please type a question about the text.", None, "", [], notes=notes)

        q = engine.process(text)
        analysis = analyse(q.corrected, engine.glossary)
        resolved = self._resolve(q.corrected, analysis)
        if resolved != q.corrected:
            q = engine.process(resolved)
            analysis = analyse(q.corrected, engine.glossary)
            analysis.qtype = analyse(text, engine.glossary).qtype if analysis.qtype == "definition" else analysis.qtype
        searched_for = q.corrected if fold(q.corrected) != fold(text) else ""

        if analysis.qtype == "out_of_scope":
            return comp.abstain(
                raw, "I can only answer questions about the medical text I hold, quoting it.", analysis,
                searched_for, [], notes=notes,
            )
        if analysis.qtype == "date":
            prev = self.turns[-1].cited_docs if self.turns else []
            hits = engine.retriever.search(q.expanded, k=1, fusion="rrf") if not prev else []
            docs = prev or [engine.data.doc_pos[h.doc_id] for h in hits]
            answer = comp.date_answer(raw, analysis, docs, searched_for, notes)
            self._remember(text, q.corrected, analysis, answer)
            return answer

        words = content_words(q.corrected)
        known = [w for w in words if w not in q.unknown]
        if not known and not q.terms:
            answer = comp.abstain(
                raw, "I could not match your question to anything in the text.", analysis, searched_for, [],
                notes=notes,
            )
            return answer
        zipf = _zipf()
        # Words that only say what kind of question it is ("dosage") are not its subject.
        asked = rules().get(analysis.qtype)
        rare = [
            w for w in q.unknown
            if len(w) >= 5 and zipf(w, "en") < RARE_ZIPF and not (asked and asked.ask.search(w))
        ]
        qvec = engine.encode_query(q.expanded)
        # The answer's candidate chunks come by rank fusion whatever ``search`` ranks by: it keeps the top
        # of both lists in the pool, and the evidence weights were fitted on that pool.
        hits = engine.retriever.search(q.expanded, k=engine.settings.search_k, qvec=qvec, fusion="rrf")
        # A rare word the corpus lacks, in a question about nothing the corpus covers: not in the text.
        # A name English does not know ("tocilizumab") and the corpus lacks is not in the text, focus or not.
        names = [w for w in rare if len(w) >= 6 and zipf(w, "en") < NAME_ZIPF]
        if names or (rare and not analysis.focus):
            rare = names or rare
            shown = ", ".join(f"“{w}”" for w in rare[:3])
            answer = comp.abstain(
                raw, f"The text does not mention {shown}.", analysis, searched_for, hits, notes=notes
            )
            self._remember(text, q.corrected, analysis, answer)
            return answer

        ranked = engine.scorer.score(analysis, q.expanded, qvec, engine.scorer.candidates(hits))
        answer = comp.compose(raw, analysis, ranked, searched_for, hits, notes)
        self._remember(text, q.corrected, analysis, answer)
        return answer

    def _remember(self, text: str, resolved: str, analysis: Analysis, answer: Answer) -> None:
        pos = self.engine.data.doc_pos
        docs = list(dict.fromkeys(pos[c.doc_id] for c in answer.citations if c.doc_id in pos))
        self.turns.append(Turn(text, resolved, analysis, docs))
        del self.turns[:-MAX_TURNS]
