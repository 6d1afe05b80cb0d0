"""The answer path, one owner: query -> analysis -> candidates -> evidence -> decision -> answer parts.

    answerer = Answerer(data, embedder, glossary, retriever, params)
    cleaned = answerer.clean(raw)                    # safe text and notes ("your question was cut")
    u = answerer.understand(cleaned.text)            # corrected, expanded, typed, its focus and conditions
    answer = answerer.respond(cleaned, u)            # an Answer with verbatim quotes and citations

``Session`` (bot/dialogue.py) keeps the turns and rewrites follow-ups before calling ``respond``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from bot import conditions
from bot.asked import scored_text
from bot.breadth import without_breadth_words
from bot.breadth_words import PLURAL_OPTIONS
from bot.composer import ADVICE, NOT_ENGLISH, Composer, Frame
from bot.decision import decide, is_long, still_missing
from bot.embedding import Embedder
from bot.evidence import Evidence, EvidenceScorer
from bot.forms import Draft, Forms, answering, led_by
from bot.glossary import Glossary
from bot.home import Home, names_asked
from bot.index_store import IndexData
from bot.lacking import Lacking
from bot.language import is_english
from bot.models import Answer
from bot.overview import Overview
from bot.pages import pages_beside
from bot.params import Params
from bot.query import Query, QueryProcessor
from bot.query_vectors import QueryVectors
from bot.question import Analysis, analyse, rules, without_fillers
from bot.retrieval import Candidate, HybridRetriever
from bot.text import clean_question, content_words, fold

_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass
class Cleaned:
    raw: str  # as received (lone surrogates replaced), for the Answer's ``question``
    text: str  # safe to process: one line, no markup, at most max_question_chars
    notes: list[str] = field(default_factory=list)


@dataclass
class Understanding:
    query: Query
    analysis: Analysis

    @property
    def text(self) -> str:
        return self.query.corrected


class Answerer:
    def __init__(
        self, data: IndexData, embedder: Embedder, glossary: Glossary, retriever: HybridRetriever, params: Params,
        max_question_chars: int = 1000, search_k: int = 8, query_ahead: bool = True,
    ) -> None:
        self.data = data
        self.embedder = embedder
        self.vectors = QueryVectors(embedder, query_ahead)  # a question's vector begun while it is analysed
        self.glossary = glossary
        self.retriever = retriever
        self.params = params
        self.max_question_chars = max_question_chars
        self.search_k = search_k
        self.queries = QueryProcessor(
            data.vocab, glossary, params.spell_min_score, params.spell_short_min_score, params.english_zipf
        )
        self.scorer = EvidenceScorer(data, glossary, params)
        self.lacking = Lacking(self.scorer, params)
        self.forms = Forms(self.scorer, glossary, params)
        self.overviews = Overview(self.scorer, glossary, params)
        self.home = Home(data, self.scorer, glossary, self.main_document)
        # Called with (understanding, ranked evidence) on every answered question: how the fit sees features.
        self.trace: Callable[[Understanding, list[Evidence]], None] | None = None
        self.composer = Composer(data, self.scorer, params)

    # ------------------------------------------------------------------ stages

    def clean(self, question: object) -> Cleaned:
        raw = question if isinstance(question, str) else ("" if question is None else str(question))
        raw = _SURROGATE.sub("\ufffd", raw)  # lone surrogates cannot be encoded: the answer must serialise
        text, cut = clean_question(raw, self.max_question_chars)
        notes = [f"Your question was cut to its first {self.max_question_chars} characters."] if cut else []
        return Cleaned(raw, text, notes)

    def understand(self, text: str) -> Understanding:
        q = self.queries.process(text)
        self.vectors.start(q.corrected, q.added)
        plain = without_fillers(q.corrected)  # its glossary mentions are the query's unless a word went
        mentions = q.mentions if plain == q.corrected else None
        return Understanding(q, analyse(plain, self.glossary, self.params.subject_zipf, mentions))

    def candidates(self, q: Query, qvec: np.ndarray) -> list[Candidate]:
        # The answer's candidate chunks come by rank fusion whatever ``search`` ranks by: it keeps the top
        # of both lists in the pool, and the evidence weights were fitted on that pool.
        return self.retriever.rank(
            q.keyword_text, k=self.search_k, qvec=qvec, fusion="rrf",
            keep_top=self.keep_top(), keep_within=self.params.candidate_chunks,
        )

    def keep_top(self) -> int:
        """How many of the keyword list's first chunks the candidates keep: more in a corpus larger than
        the lists' depth, whose many chunks both lists half-find push a passage only the keyword search
        finds (a rare drug's, a rare symptom's) below the cut. A small corpus (one text, a question's few
        candidate answers) has both lists rank every chunk; keeping more there lost MediQA answers."""
        p = self.params
        large = len(self.data.chunk_doc) > self.retriever.depth
        return max(p.pool_keep_top, p.pool_keep_top_many) if large else p.pool_keep_top

    def evidence(
        self, u: Understanding, qvec: np.ndarray, cands: list[Candidate], chunks: int | None = None,
        documents: tuple[int, ...] = (),
    ) -> list[Evidence]:
        """The scored sentences of ``cands``' chunks, and of every sentence of ``documents`` (at the
        lowest candidate's score): a follow-up reads the document being discussed whatever search found."""
        rows = self.scorer.candidates(cands, chunks)
        floor = min(rows.values(), default=0.0)  # what a sentence search did not find enters at
        if rows and documents:
            for doc in documents:
                for r in self.scorer.document_rows(doc):
                    rows.setdefault(r, floor)
        if rows and self.params.sibling_docs and len(self.data.documents) > 1:
            # Pages beside those found: on the aspect asked, or named more fully by the question (bot/pages.py).
            found = [int(self.data.chunk_doc[c.row]) for c in cands]
            for doc in pages_beside(u.analysis.text, found, self.scorer.siblings, int(self.params.sibling_docs)):
                for r in self.scorer.document_rows(doc):
                    rows.setdefault(r, floor)
        members = self._chosen_among(u.analysis)
        if members and rows:
            # "Which CAR-T fits a 60 year old?" chooses among the class's members: a found document's
            # sentences naming one are candidates though search ranked their chunks below the cut.
            col = self.data.sentence_doc
            for doc in {int(col[r]) for r in rows}:
                for r in self.scorer.document_rows(doc):
                    if r not in rows and members & self.scorer.named(r):
                        rows[r] = floor
        return self.scorer.score(u.analysis, scored_text(u.query.expanded), qvec, rows)

    def _chosen_among(self, analysis: Analysis) -> set[str]:
        """The members of a class the question picks from ("which CAR-T ...", "what immunotherapy ...")."""
        out: set[str] = set()
        for term in analysis.focus:
            members = self.glossary.narrower(term)
            surface = analysis.focus_surface.get(term)
            if members and surface and re.search(
                rf"\b(?:which|what)\s+(?:[\w-]+\s+)?{re.escape(surface)}", analysis.text, re.IGNORECASE
            ):
                out.update(members)
        return out

    # ------------------------------------------------------------------ the whole path

    def respond(
        self, cleaned: Cleaned, u: Understanding | None = None, typed: Understanding | None = None,
        previous_docs: list[int] | None = None, exclude: set[str] | None = None, said: frozenset[str] = frozenset(),
        shown: frozenset[str] = frozenset(),
    ) -> Answer:
        """Answer ``cleaned`` (understood as ``u``, possibly a rewritten follow-up of ``typed``).

        ``exclude``: treatments an overview leaves out ("what else can be done?" after asking about one);
        ``said``: sentences the last answer quoted, which an overview asked to "go on" leaves out; ``shown``: the
        sentences the last answer quoted, whatever is asked now.
        """
        text = cleaned.text
        frame = Frame(cleaned.raw, notes=cleaned.notes)
        if not is_english(text):  # another script, or another language's common words (bot/language.py)
            return self.composer.abstain(frame, NOT_ENGLISH, status="language")
        if not re.search(r"[A-Za-z0-9]", text):
            return self.composer.abstain(frame, "Please type a question about the text.", status="empty")
        u = u or self.understand(text)
        analysis, q = u.analysis, u.query
        if typed is not None and analysis.qtype == "definition":
            analysis.qtype = typed.analysis.qtype  # "how often?" stays a frequency question once resolved
        frame.searched_for = q.corrected if fold(q.corrected) != fold(text) else ""
        frame.qtype, frame.focus = analysis.qtype, analysis.focus

        if analysis.qtype == "out_of_scope":
            return self.composer.abstain(frame, "I can only answer questions about the medical text I hold, quoting it.")
        if analysis.qtype == "date":
            docs = previous_docs or []
            if not docs:
                docs = [int(self.data.chunk_doc[c.row]) for c in self.retriever.rank(q.expanded, k=1, fusion="rrf")]
            return self.composer.date_answer(frame, docs)
        overview = analysis.qtype == "overview" or self.overviews.broadens(analysis) or self.home.treated(analysis, self.params)
        words = content_words(q.corrected)
        if not [w for w in words if w not in q.unknown] and not q.terms and not overview:
            return self.composer.abstain(frame, "I could not match your question to anything in the text.")

        # Read while the vector is computed (bot/query_vectors.py): the keyword search, then its chunks' sentences.
        top = self.retriever.bm25_scores(q.keyword_text, self.retriever.depth)[0].tolist()
        self.lacking.lacked(q, analysis)  # (what the question names that the text never says)
        self.scorer.read_ahead(analysis, scored_text(q.expanded), top, lambda: self.vectors.ready(q.corrected, q.added))
        qvec = self.vectors.get(q.corrected, q.added)
        cands = self.candidates(q, qvec)
        # A follow-up ("Who are the donors?" after asking about transplant) continues the document the
        # conversation is reading: its sentences answer when they can, another document's only when not.
        # (and "what else?", "the other immunotherapies?", which come with what they set aside)
        follow = (
            tuple(previous_docs[:1]) if (typed is not None or exclude) and previous_docs and len(self.data.documents) > 1
            else ()
        )
        own = self._the_text(analysis, previous_docs)
        # "the drugs in here", or a question in the glossary's words (bot/home.py): only that document answers,
        # its passages read as a corpus of it alone would (search's best chunks may all be other documents').
        reading = own if own is not None or follow else self.home.about(analysis, cands, self.params)
        cands = (self._within(q, qvec, reading) if reading is not None else []) or cands
        ranked = self.evidence(u, qvec, cands, documents=follow)
        if reading is not None:
            ranked = [e for e in ranked if e.doc == reading] or ranked
        elif follow:
            within = self._within(q, qvec, follow[0])  # the document being read, as for a question about it
            kept = self.evidence(u, qvec, within, documents=follow) if within else []
            if kept and decide(analysis, kept, self.params, self.forms).status != "abstain":
                ranked, cands = kept, within
        if member := self.overviews.breadth.member_fitting(analysis, ranked):  # ("the CAR-T for adults": brexucabtagene)
            analysis.focus = [member]
            ranked = self.evidence(u, qvec, cands, documents=follow)
        if self.trace is not None:
            self.trace(u, ranked)
        near = [e for e in ranked if len(e.text) >= 40] or [self.scorer.sentence(int(self.data.chunk_first_sentence[c.row])) for c in cands]

        if analysis.qtype == "advice":
            return self.composer.abstain(frame, ADVICE, near, status="advice")
        if other := self.lacking.other_condition(analysis):
            return self.composer.abstain(frame, f"The text does not discuss {other}.", near, missing=[other])
        names = self.lacking.lacked(q, analysis)
        if names:
            # A rare word the corpus lacks, in a question about nothing the corpus covers, or what a short
            # question asks for in a setting the corpus covers ("diet tips for pts on salvage chemo"): not in the text.
            return self.composer.abstain(frame, f"The text does not mention {', '.join(f'“{w}”' for w in names[:3])}.", near, missing=names)

        secondary = [r for r in map(rules().get, analysis.types[1:]) if r is not None] if overview else []
        unstated = [r for r in secondary if r.strict and r.need and r.ask.search(analysis.text)
                    and not any(r.need.search(e.text) for e in ranked)]
        if unstated:
            # "CAR-T cost and insurance overview": a broad word around an attribute the text never states.
            return self.composer.abstain(frame, f"The text does not state {unstated[0].states}.", near)
        # "Is a transplant realistic at my age, and what else is there?": what the text says of it, then the rest.
        besides = self.overviews.breadth.besides_asked(analysis)
        if overview or besides:
            aside = (exclude or set()) | set(analysis.excluded) | ({besides} if besides else set())
            first = decide(analysis, ranked, self.params, self.forms).best if besides else self.overviews.outlook_first(analysis, ranked)
            first = None if besides and first is not None and first.text in shown else first  # (said just now: the rest)
            answer = self._overview(frame, u, qvec, cands, ranked, previous_docs or [], aside, follow, first, said)
            if answer is not None:
                return answer
            analysis.qtype = next((t for t in analysis.types if t != "overview"), "definition")
            frame.qtype = analysis.qtype

        if analysis.qtype == "list" and any(
            self.glossary.narrower(t) and self.overviews.breadth.picks_one(analysis, t) for t in analysis.focus
        ):
            # "Which of the immunotherapies targets CD22?" asks for the one that does, not the list.
            analysis.qtype = next((t for t in analysis.types if t not in ("list", "overview")), "definition")
            frame.qtype = analysis.qtype
        decision = decide(analysis, ranked, self.params, self.forms, self._topics(q, qvec, reading is not None or bool(follow)))
        conf = self.composer.confidence(decision.score)
        if decision.status == "abstain" or decision.best is None:
            return self.composer.abstain(frame, decision.reason, near, conf, missing=decision.missing)
        draft = self._form(analysis, *answering(ranked, decision.best, analysis))
        quoted = [e.text for b in draft.blocks for e in b.evidence]
        best = decision.best
        status, reason, missing = still_missing(quoted, decision, self.scorer.stem, lambda w: self.scorer.siblings.uses(best.doc, w))
        return self.composer.render(frame, draft, status, reason, missing, confidence=conf)

    def _topics(self, q: Query, qvec: np.ndarray, reading: bool) -> frozenset[str]:
        """The topics of search's first documents for ``q`` (bot/decision.py ``on_topic``); none in a corpus of
        one document, or when the conversation is reading one (``reading``)."""
        k = int(self.params.topic_docs)
        if not k or reading or len(self.data.documents) < 2:
            return frozenset()
        # As engine.search ranks; the dense scan is the candidates' own (the retriever keeps the last one).
        hits = self.retriever.rank(q.expanded, k=5 * k, qvec=qvec, fusion="convex")
        return self.scorer.siblings.topics((int(self.data.chunk_doc[c.row]) for c in hits), k)

    def main_document(self) -> int | None:
        """"This text" with nothing before it: the document the glossary is most about (naming the most
        of its terms), in a corpus small enough to read once; None when no document names any."""
        if not hasattr(self, "_main_doc"):
            docs = self.data.documents
            if len(docs) == 1 or len(docs) > self.params.main_document_max_docs:
                self._main_doc: int | None = 0 if len(docs) == 1 else None
            else:
                counts = [len(self.scorer.document_terms(d)) for d in range(len(docs))]
                best = max(range(len(docs)), key=lambda d: (counts[d], -d))
                self._main_doc = best if counts[best] else None
        return self._main_doc

    def _within(self, q: Query, qvec: np.ndarray, doc: int) -> list[Candidate]:
        """Document ``doc``'s chunks ranked among themselves, as a corpus of it alone ranks them."""
        rows, p = self.retriever.document_chunks(doc), self.params
        return self.retriever.rank_within(q.keyword_text, rows, qvec, self.search_k, p.pool_keep_top, p.candidate_chunks)

    def _the_text(self, analysis: Analysis, previous_docs: list[int] | None) -> int | None:
        """The document a question pointing at what is being read means ("the drugs in here", "the
        section on X"): the conversation's, else the corpus's main one; None when the question points at
        nothing or the corpus has one document."""
        if len(self.data.documents) < 2 or not analysis.about_the_text:
            return None
        return previous_docs[0] if previous_docs else self.main_document()

    def _overview(
        self, frame: Frame, u: Understanding, qvec: np.ndarray, cands: list[Candidate], ranked: list[Evidence],
        previous_docs: list[int], exclude: set[str], follow: tuple[int, ...] = (), first: Evidence | None = None,
        said: frozenset[str] = frozenset(),
    ) -> Answer | None:
        """A broad question: every sentence of the document it is about, scored, then one per aspect.
        ``follow``: the document a follow-up continues, which it is about when it holds any evidence."""
        if self.lacking.overview_subject(u.analysis):
            return None  # "options for relapsed AML": the decision names what the text does not discuss
        pointed = self._the_text(u.analysis, previous_docs)
        if self.overviews.is_summary(u.analysis) and previous_docs:
            doc = previous_docs[0]  # "summarize it" after a question: the document that answered
        elif self.overviews.is_summary(u.analysis) and self.main_document() is not None:
            doc = self.main_document()  # type: ignore[assignment]
        elif pointed is not None:
            doc = pointed
        elif ranked:
            # The document a broad question is about: the one whose best few sentences answer best
            # together, not the one with the single best sentence.
            by_doc: dict[int, list[float]] = {}
            titled: dict[int, bool] = {}
            for e in ranked:
                by_doc.setdefault(e.doc, []).append(e.score)
                titled[e.doc] = e.title > 0
            # A document naming every glossary term the question names ("CNS" and "relapse") before one
            # naming only some of them.
            asked = {m.term for m in u.analysis.mentions}

            def named(d: int) -> int:
                return names_asked(asked, self.scorer.document_terms(d), self.glossary)

            # Then one whose title says some of the question ("relapse": "Treatment of relapsed ...").
            # Asked about what is unproven: a document that qualifies some of its statements so.
            unproven = conditions.asks_qualified(u.analysis.text)
            qualifies = {e.doc for e in ranked if conditions.qualified(e.text)} if unproven else set()
            doc = max(by_doc, key=lambda d: (d in follow, d in qualifies, named(d), titled[d], sum(sorted(by_doc[d], reverse=True)[:3]), -d))
        else:
            return None
        if u.analysis.conditions.states - self.scorer.document_states(doc):
            return None  # the decision names the state the text never speaks of
        # Options for a disease the document never names ("CLL" beside a text on ALL), or about an effect it
        # never names ("fertility preservation options before CAR-T"; a long message's story may name one in passing).
        kinds = ("condition",) if is_long(u.analysis, self.params) else ("condition", "toxicity")
        if {m.term for m in u.analysis.mentions if m.kind in kinds} - self.scorer.document_terms(doc):
            return None  # the decision names what the text does not discuss
        chunk_score = {r: s for r, s in self.scorer.candidates(cands, len(cands)).items()}
        rows = {r: chunk_score.get(r, 0.0) for r in self.scorer.document_rows(doc)}
        words = without_breadth_words(u.query.expanded, self.scorer.known_stems, self.scorer.stem)
        evidence = self.scorer.score(u.analysis, words, qvec, rows)
        if len(unsaid := [e for e in evidence if e.text not in said]) >= 2:  # ("go on": what was not quoted yet)
            evidence = unsaid
        draft = self.overviews.draft(u.analysis, evidence, exclude)
        if draft is None or (draft.score < self.params.overview_min_score and not self.overviews.is_summary(u.analysis)):
            return None
        return self.composer.render(frame, led_by(draft, first) if first is not None else draft)

    def _form(self, analysis: Analysis, ranked: list[Evidence], best: Evidence) -> Draft:
        draft: Draft | None = self.forms.by_condition(analysis, ranked)
        if draft is None and "list" in analysis.types:
            draft = self.forms.members_fitting(analysis, ranked)
        if draft is not None:
            return draft
        # ("Reinduction chemo: CR2 rates, peds vs adults?" sets two groups side by side, not its two terms)
        if analysis.qtype == "comparison" and len(analysis.focus) >= 2 and not conditions.split(analysis.text):
            draft = self.forms.comparison(analysis, ranked, best)
            if draft is not None:
                return draft
        if analysis.qtype == "comparison" and len(analysis.focus) == 1:
            # "How do the CAR-T products differ?": the class's two members the document names, side by side.
            members = [m for m in self.glossary.narrower(analysis.focus[0]) if m in self.scorer.document_terms(best.doc)]
            if len(members) == 2:
                draft = self.forms.comparison(replace(analysis, focus=members), ranked, best)
                if draft is not None:
                    return draft
        if analysis.qtype == "list" or best.kind == "lead_in" or (PLURAL_OPTIONS.search(analysis.text) and self._introduces_list(best)):
            draft = self.forms.listing(analysis, ranked)
            if draft is not None:
                return draft
        return self.forms.quotes(analysis, ranked, best)

    def _introduces_list(self, e: Evidence) -> bool:
        """The sentence is followed, in its paragraph, by the list it introduces ("... Examples include:")."""
        nxt = e.row + 1
        if nxt >= len(self.data.sentence_start):
            return False
        after = self.scorer.sentence(nxt)
        return after.block == e.block and after.doc == e.doc and after.kind == "lead_in"
