"""Which page answers, in a corpus of titled pages: health sites split a condition into sibling pages
("What is X", "treatment for X") and name namesakes alike ("Hyperprolinemia", "Hyperprolinemia type 2").
These read the pages' titles and aspects (bot/siblings.py) against the question; the decision
(bot/decision.py) reads their choice. The numbers are bot/params.py's ``topic_*``, ``named_window``."""

from __future__ import annotations

from bot.evidence import Evidence
from bot.forms import Forms
from bot.params import Params
from bot.question import Analysis
from bot.siblings import Siblings, aspects, question_stems, said_title, title_terms


def dedicated(analysis: Analysis, pool: list[Evidence], forms: Forms) -> list[Evidence]:
    """The evidence of ``pool`` from a page on the aspect asked whose title the question says in full."""
    siblings = forms.scorer.siblings
    asked = aspects().asked(analysis.text)
    said = question_stems(analysis.text)
    return [e for e in pool if siblings.dedicated(said, (e.doc,), asked)]


def names_page(question: str, best: Evidence, forms: Forms, topics: frozenset[str]) -> bool:
    """Is ``best`` from a page of a titled topic (its record gives the aspect it covers) whose title the
    question says in full, and no more briefly than any of search's first ``topics`` it also says in full
    ("ischemic stroke" is asked, not "stroke")?"""
    siblings = forms.scorer.siblings
    title = siblings.topic(best.doc)
    if not title or siblings.aspect(best.doc) is None:
        return False
    said = question_stems(question)
    named = said_title(question, title, said)
    return bool(named) and named >= max((said_title(question, t, said) for t in topics), default=0)


def on_topic(
    ranked: list[Evidence], topics: frozenset[str], params: Params, forms: Forms, question: str = ""
) -> list[Evidence] | None:
    """``ranked`` with the evidence of the topics search puts first ahead, when the best sentence is from a
    titled document of another topic; None when none of theirs comes within ``topic_window`` of it.

    In a corpus of many pages a sentence can match a question's words better than any sentence of the
    pages the question is about ("What is diabetes?" and "Diabetes is a disease ..." on the page about
    diabetic heart disease): what search ranks first says what the question is about. With
    ``topic_named``, a page whose title the ``question`` says in full is about it too, unless one of
    search's topics is said more fully ("hereditary sensory and autonomic neuropathy type IE" is not the
    page "Hereditary sensory neuropathy type IE")."""
    if not topics:
        return ranked
    siblings = forms.scorer.siblings
    topic = siblings.topic
    best = ranked[0]
    # Only a page its record places in a topic (an aspect of it: "treatment") belongs to a titled topic
    # beside sibling pages; a document of its own (one long text) is what it is about.
    if siblings.aspect(best.doc) is None or not topic(best.doc) or topic(best.doc) in topics:
        return ranked
    if params.topic_named and question and names_page(question, best, forms, topics):
        return ranked
    on = [e for e in ranked if topic(e.doc) in topics]
    close = bool(on) and on[0].score >= best.score - params.topic_window
    if on and not close and params.topic_named >= 2 and question:
        # The first of search's topics' sentences is on a page the question names by its title ("what research is
        # being done for Kuru?": NINDS's "Kuru" page): it answers, however far below another page's sentence.
        close = names_page(question, on[0], forms, topics)
    if close:
        return on + [e for e in ranked if topic(e.doc) not in topics]
    return None


def _fuller(question: str, docs: list[int], siblings: Siblings) -> dict[int, int]:
    """Of ``docs`` (the first is the best's), those whose page the question names more fully than the
    first's, each with how many title terms it names (see ``fullest_named``), in ``docs``' order."""
    own = siblings.aspect(docs[0])
    if own is None:
        return {}
    asked, said = aspects().asked(question), question_stems(question)
    named: dict[int, frozenset[str] | None] = {}  # a page's title terms, when the question says its title in full
    for d in docs:
        if d not in named:
            aspect, title = siblings.aspect(d), siblings.topic(d)
            on_aspect = aspect is not None and (aspect in asked or aspect == own)
            named[d] = title_terms(title) if on_aspect and said_title(question, title, said) else None
    mine = named[docs[0]]
    # (a designator of a title said in full is said as written: said_title checks it)
    return {d: len(terms) for d, terms in named.items() if terms is not None and (
        mine is None or (mine < terms and all(" " in t or t in said for t in terms - mine)))}


def fullest_named(ranked: list[Evidence], params: Params, forms: Forms, question: str) -> list[Evidence]:
    """``ranked`` with the sentences of the page the question names most fully by its title first, when
    one comes within ``named_window`` of the best sentence and names more than the best's page.

    The question names its topic: a namesake with words it does not say ("Hyperprolinemia type 2" for
    "hyperprolinemia") or the group page of the one it names ("Myotonic dystrophy" for "myotonic
    dystrophy type 1") is another topic, however well one of its sentences matches. A page names more
    when the question says its whole title and the best's title is not said in full, or is a part of it
    whose other words the question says as written ("5" of "Neuronal ceroid lipofuscinosis 5"); two
    sites' titles for one topic ("Lesch Nyhan syndrome", "Lesch-Nyhan syndrome") name the same. Only
    pages whose record gives the aspect they cover (a health site's titled topics) are weighed, and only
    on the aspect asked or the best sentence's own."""
    if params.named_window <= 0 or not ranked or not question:
        return ranked
    floor = ranked[0].score - params.named_window
    fuller = _fuller(question, [e.doc for e in ranked if e.score >= floor], forms.scorer.siblings)
    if not fuller:
        return ranked
    lead = max(fuller, key=lambda d: fuller[d])  # (the first of the fullest, in ranked order)
    return [e for e in ranked if e.doc == lead] + [e for e in ranked if e.doc != lead]


def pages_beside(question: str, found: list[int], siblings: Siblings, k: int) -> list[int]:
    """Pages to score beside the documents ``found`` (the candidates' documents, search's order): the page
    on the aspect asked beside one of the first ``k`` on another aspect of its topic, and a found page the
    question names more fully than the first, though its chunks ranked below the cut ("Neuronal ceroid
    lipofuscinosis 5", behind the group page's many chunks)."""
    docs = list(dict.fromkeys(found))  # (the first is never fuller than itself)
    fuller = list(_fuller(question, docs, siblings)) if docs else []
    return siblings.asked_siblings(found, aspects().asked(question), k) + fuller
