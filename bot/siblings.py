"""What a many-document corpus says of each document beyond its text: which aspect of its topic it
covers (its record's ``section``: symptoms, treatment ...) and what its title names.

Health sites split one condition into sibling pages ("What is X", "What causes X", "treatment for X")
and name near namesakes alike ("Myoclonus", "Opsoclonus myoclonus"); a question asks for one of them.
The aspect words are data (bot/data/aspects.json); the weights are bot/params.py's p_aspect and
p_title_extra.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.index_store import IndexData
from bot.paths import DATA
from bot.stemming import Stems, matches, stem
from bot.text import STOPWORDS, fold, words

# A title's designator: "type I", "type 2", "group C" (the numbering tells namesakes apart).
_DESIGNATOR = re.compile(r"\b(type|group)\s+([a-z0-9]+)\b")

# The record fields that say which aspect of its topic a document covers.
ASPECT_FIELDS = ("aspect", "section")


@dataclass(frozen=True)
class Aspects:
    """Aspects of a topic (symptoms, treatment ...): how a document's label and a question name each."""

    labels: tuple[tuple[str, re.Pattern[str]], ...]
    asks: tuple[tuple[str, re.Pattern[str]], ...]
    default: frozenset[str]

    def of_label(self, label: str) -> str | None:
        folded = fold(label)
        return next((name for name, rx in self.labels if rx.search(folded)), None)

    def asked(self, question: str) -> frozenset[str]:
        """The aspects ``question`` asks for; the general ones when it names none."""
        folded = fold(question)
        found = frozenset(name for name, rx in self.asks if rx.search(folded))
        return found or self.default


@cache
def aspects() -> Aspects:
    raw = json.loads((DATA / "aspects.json").read_text("utf-8"))
    items = raw["aspects"]
    return Aspects(
        tuple((a["name"], re.compile(a["label"])) for a in items),
        tuple((a["name"], re.compile(a["ask"])) for a in items if a.get("ask")),
        frozenset(raw["default"]),
    )


def word_stems(text: str) -> frozenset[str]:
    """Stems of every word but stop words, numbers included: "type 2" is not "type 3"."""
    found = words(text)
    out = {stem(w) for w in found if w not in STOPWORDS}
    return frozenset(out | {stem(p) for w in found if "-" in w for p in w.split("-") if p})


def title_terms(title: str) -> frozenset[str]:
    """What a title names, to tell whether one title names more than another: its words' stems (a
    hyphenated word by its parts: "Lesch-Nyhan" is "Lesch Nyhan") and its designators ("type i")."""
    folded = fold(title)
    parts = {stem(p) for w in words(folded) for p in w.split("-") if p and p not in STOPWORDS}
    return frozenset(parts | {f"{kind} {value}" for kind, value in _DESIGNATOR.findall(folded)})


def question_stems(question: str) -> Stems:
    """A question's ``word_stems``, for matching document titles against."""
    return Stems(word_stems(question))


def said_title(question: str, title: str, said: Stems | None = None) -> int:
    """How many words of ``title`` the question says, when it says them all (its ``question_stems``
    ``said``, made once by the caller when given); 0 when it leaves one out or the title is empty. A
    designator ("type I", "group C") must be said as the title says it: "I" and "A" are stop words, and
    "Osteogenesis imperfecta type I" is not the page for "osteogenesis imperfecta"."""
    stems = word_stems(title)
    said = said if said is not None else question_stems(question)
    if not stems or not all(matches(w, said) for w in stems):
        return 0
    folded = fold(question)
    for kind, value in _DESIGNATOR.findall(fold(title)):
        if not re.search(rf"\b{kind}\s+{re.escape(value)}\b", folded):
            return 0
    return len(stems)


def names_another(question: str, own: str, lacking: list[str], topics: frozenset[str]) -> bool:
    """Does the question also name another of search's ``topics`` than ``own`` (most of its title's words,
    two at least), some of them among the words ``lacking`` from the answer? Then it asks how the two
    relate ("Noonan syndrome and polycystic renal disease": "polycystic kidney disease")."""
    said = question_stems(question)
    gone = word_stems(" ".join(lacking))
    for title in topics - {own}:
        stems = word_stems(title)
        hit = {w for w in stems if matches(w, said)}
        if len(hit) >= 2 and 3 * len(hit) >= 2 * len(stems) and hit & gone:
            return True
    return False


class Siblings:
    """Per-document facts for telling sibling pages and namesakes apart; each read once, then cached."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self._aspect = lru_cache(maxsize=50_000)(self._aspect_of)
        self._title = lru_cache(maxsize=50_000)(lambda doc: word_stems(self.data.documents[doc].title))
        self._run = lru_cache(maxsize=50_000)(self._sibling_run)
        self._topic = lru_cache(maxsize=50_000)(lambda doc: fold(self.data.documents[doc].title).strip())
        self._stems = lru_cache(maxsize=5_000)(
            lambda doc: Stems(word_stems(self.data.documents[doc].title + "\n" + self.data.documents[doc].text))
        )

    def _aspect_of(self, doc: int) -> str | None:
        meta = self.data.documents[doc].metadata
        label = next((str(meta[k]) for k in ASPECT_FIELDS if meta.get(k)), "")
        return aspects().of_label(label) if label else None

    def aspect(self, doc: int) -> str | None:
        """The aspect of its topic document ``doc`` says it covers ("treatment"), if its record says."""
        return self._aspect(doc)

    def _sibling_run(self, doc: int) -> tuple[int, ...]:
        """The documents beside ``doc`` with its title: a site's pages on one topic come together (a
        corpus is read file by file), so only neighbours are read, never every title."""
        docs, title = self.data.documents, fold(self.data.documents[doc].title).strip()
        if not title:
            return (doc,)
        lo = doc
        while lo > 0 and fold(docs[lo - 1].title).strip() == title:
            lo -= 1
        hi = doc
        while hi + 1 < len(docs) and fold(docs[hi + 1].title).strip() == title:
            hi += 1
        return tuple(range(lo, hi + 1))

    def dedicated(self, question: str | Stems, docs: Iterable[int], asked: frozenset[str]) -> bool:
        """Is one of ``docs`` a page on an aspect ``asked`` whose title the question says in full: the
        page written for this question ("What is the outlook for Moebius syndrome?": NINDS's outlook page).
        ``question`` may be given as its ``question_stems``, made once for both this and ``title_extras``."""
        said = question if isinstance(question, Stems) else question_stems(question)
        return any(
            self._aspect(d) in asked and (title := self._title(d)) and all(matches(w, said) for w in title)
            for d in docs
        )

    def weigh(
        self, expanded: str, question: str, docs: set[int], titles: bool
    ) -> tuple[frozenset[str], dict[int, float], bool]:
        """For the evidence scorer, of the documents ``docs``: the aspects ``question`` asks, each title's
        share the question does not say (``title_extras``, when ``titles``) and whether one is
        ``dedicated``; ``expanded`` is the question with its glossary expansions. Each is read only where
        it can matter: the aspects beside a document whose record names its aspect (with none, no page is
        dedicated or on another aspect whatever is asked), the titles beside a second document (one
        title alone costs 0.0 either way)."""
        aspected = any(self._aspect(d) is not None for d in docs)
        weigh_titles = titles and len(docs) > 1
        asked = aspects().asked(question) if aspected else frozenset()
        said = question_stems(expanded) if aspected or weigh_titles else Stems()  # made once for both
        extras = self.title_extras(said, docs) if weigh_titles else {}
        return asked, extras, aspected and self.dedicated(said, docs, asked)

    def other_aspect(self, doc: int, asked: frozenset[str], dedicated: bool) -> bool:
        """Does ``doc`` answer another question of its topic than ``asked``: a page on another aspect, or
        a general page when a page on the aspect asked is at hand (``dedicated``, or a sibling beside it).
        A general page is otherwise where the text says it, if anywhere ("Is shingles contagious?")."""
        aspect = self._aspect(doc)
        if aspect is None or aspect in asked:
            return False
        if aspect not in aspects().default or dedicated:
            return True
        return any(self._aspect(d) in asked for d in self._run(doc) if d != doc)

    def asked_siblings(self, docs: Iterable[int], asked: frozenset[str], k: int) -> list[int]:
        """The pages on an aspect ``asked`` beside the first ``k`` distinct documents of ``docs`` that cover
        another aspect of their topic: search finds a topic's symptoms page for "What is X?", and the page
        written for it sits beside."""
        out: list[int] = []
        first = list(dict.fromkeys(docs))[:k]
        for d in first:
            aspect = self._aspect(d)
            if aspect is None or aspect in asked:
                continue
            out += [s for s in self._run(d) if s not in first and s not in out and self._aspect(s) in asked]
        return out

    def title_extras(self, question: str | Stems, docs: Iterable[int]) -> dict[int, float]:
        """Per document, the share of its title's words the question does not say, less the smallest
        such share among ``docs``: "Myoclonus" is asked, "Opsoclonus myoclonus" is a namesake. A title
        sharing no word with the question is not a namesake, and no yardstick either (0): a title that
        names the question's topic must not lose to one that names nothing: it costs as much as the
        farthest namesake. One namesake alone costs 0."""
        asked = question if isinstance(question, Stems) else question_stems(question)
        share: dict[int, float] = {}
        for d in docs:
            title = self._title(d)
            said = [w for w in title if matches(w, asked)]
            if said:
                share[d] = (len(title) - len(said)) / len(title)
        low = min(share.values(), default=0.0)
        far = max(share.values(), default=0.0) - low
        return {d: share[d] - low if d in share else far for d in docs}

    def topic(self, doc: int) -> str:
        """What document ``doc`` is about, as its title says (folded); "" when it has no title."""
        return self._topic(doc)

    def topics(self, docs: Iterable[int], k: int) -> frozenset[str]:
        """The topics of the first ``k`` distinct documents of ``docs`` (a ranking), untitled ones aside."""
        first = list(dict.fromkeys(docs))[:k]
        return frozenset(t for d in first if (t := self._topic(d)))

    def stems(self, doc: int) -> Stems:
        """The stems of document ``doc``'s title and text."""
        return self._stems(doc)

    def uses(self, doc: int, word: str) -> bool:
        """Does document ``doc`` (title or text) use ``word``, or a word of the same stem or derivation."""
        return matches(stem(word), self._stems(doc))
