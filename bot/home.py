"""The glossary's home: the document the glossary was written for, when unrelated documents sit beside it.

A question in the glossary's words ("how do they treat a relapse in the brain?") is about that document,
though a page on another disease may say its words better ("Recurrent CNS neuroblastoma ..."): the home
answers it, its passages ranked among themselves (``HybridRetriever.rank_within``), or it abstains. The
numbers are bot/params.py's ``home_*``.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.evidence import EvidenceScorer
from bot.glossary import Glossary
from bot.index_store import IndexData
from bot.params import Params
from bot.question import Analysis, analyse
from bot.retrieval import Candidate

# The types of a question asking how a disease is treated ("what is the treatment for ..." reads as a definition too).
TREATED_TYPES = frozenset({"site_treatment", "definition"})


def names_asked(asked: set[str], terms: frozenset[str], glossary: Glossary) -> int:
    """How many of the terms ``asked`` a document naming ``terms`` names: a term, or a kind of it (a
    document naming "unrelated donors" speaks of "donors")."""
    return sum(1 for t in asked if t in terms or not terms.isdisjoint(glossary.narrower(t)))


class Home:
    def __init__(
        self, data: IndexData, scorer: EvidenceScorer, glossary: Glossary, main_document: Callable[[], int | None]
    ) -> None:
        self.data = data
        self.scorer = scorer
        self.glossary = glossary
        self.main_document = main_document
        self._doc: int | None = None
        self._title_said: dict[int, frozenset[str]] = {}  # a title's stems as a question's subject reads them
        self._found = False

    def document(self, params: Params) -> int | None:
        """The main document, when it names at least ``home_glossary_share`` of the glossary's terms (a
        page naming a few of them is no home; at MedQuAD scale there is no main document)."""
        if not self._found:
            main, share, total = self.main_document(), params.home_glossary_share, len(self.glossary.entries)
            named = len(self.scorer.document_terms(main)) if main is not None else 0
            self._doc = main if share > 0 and total and named >= share * total else None
            self._found = True
        return self._doc

    def about(self, analysis: Analysis, cands: list[Candidate], params: Params) -> int | None:
        """The home, when the question is about it (in a corpus of several documents): it names glossary
        terms the home names every one of, and its other subject words the home never uses weigh less than
        ``home_lacks_below`` ("sixty-five": the home says "> 65"; not "Hodgkin lymphoma came back"). A question
        naming no glossary term is, with ``home_untermed``, when the home uses its words as fully as every
        document search found (``cands``)."""
        home = self.document(params) if len(self.data.documents) > 1 else None
        if home is None:
            return None
        asked = {m.term for m in analysis.mentions}
        if not asked:
            return home if params.home_untermed and self._covers_most(analysis, home, cands) else None
        if names_asked(asked, self.scorer.document_terms(home), self.glossary) < len(asked):
            return None
        uses = self.scorer.siblings.uses
        lacks = sum(wt for w, wt in analysis.subject.items() if wt > 0 and not uses(home, w))
        return home if lacks < params.home_lacks_below else None

    def treated(self, analysis: Analysis, params: Params) -> bool:
        """"How is relapsed ALL treated?", "what is the treatment for it when it comes back?": how the disease
        the home is about is treated, asking nothing narrower (no glossary term, no other type, every subject
        word in the home's title). That asks for its options, not for the one sentence whose words match best
        ("CNS relapse treatment includes ...")."""
        if analysis.focus or not set(analysis.types) <= TREATED_TYPES or not analysis.types:
            return False
        home = 0 if len(self.data.documents) == 1 else self.document(params)  # (one document is what is read)
        if home is None:
            return False
        subject = {self.scorer.stem(w) for w, wt in analysis.subject.items() if wt > 0}
        if subject and home not in self._title_said:  # (read once: the title's analysis is most of an answer's time)
            title = self.data.documents[home].title  # (its words read as a question's are: "ALL", acute lymphoblastic)
            self._title_said[home] = frozenset(self.scorer.stems(title) | {self.scorer.stem(w) for w in analyse(title, self.glossary).subject})
        return bool(subject) and subject <= self._title_said[home]

    def _covers_most(self, analysis: Analysis, home: int, cands: list[Candidate]) -> bool:
        """Does the home use the question's words at least as fully as every document search found? Each
        weighs its rarity plus a little, so that common words count when no rare one is asked."""
        uses = self.scorer.siblings.uses
        words = [(w, wt + 0.1) for w, wt in analysis.subject.items()]

        def covers(d: int) -> float:
            return sum(wt for w, wt in words if uses(d, w))

        found = {int(self.data.chunk_doc[c.row]) for c in cands} - {home}
        return covers(home) >= max((covers(d) for d in found), default=0.0)
