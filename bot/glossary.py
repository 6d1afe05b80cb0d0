"""The domain glossary: canonical terms with their abbreviations, brand names and lay words.

Kept as data (``glossary.json`` in the corpus folder); this module only reads and matches it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import CorpusError
from bot.stemming import stem
from bot.text import content_words, fold

_NEXT_WORD = re.compile(r"\s+(\w+)")
_PREV_WORD = re.compile(r"(\w+)\s+$")
PLURAL_KINDS = frozenset({"procedure", "toxicity", "outcome"})


@dataclass(frozen=True)
class Entry:
    term: str
    kind: str
    aliases: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()  # terms this one is a kind of ("tisagenlecleucel" is a "car-t")
    # Surfaces that are this term only when the next word is not one of these: "fits" is seizures,
    # but "fits a 60 year old" is the verb.
    not_before: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # ... and only when the word before is not one of these: "which listed agent fits?" is the verb too.
    not_after: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Mention:
    term: str  # canonical
    kind: str
    start: int
    end: int
    surface: str


@dataclass
class Glossary:
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        merged: dict[str, Entry] = {}
        for e in self.entries:
            old = merged.get(e.term)
            if old:
                e = Entry(
                    e.term, old.kind, old.aliases + e.aliases, old.case_sensitive + e.case_sensitive,
                    old.broader + e.broader, old.not_before + e.not_before, old.not_after + e.not_after,
                )
            merged[e.term] = e
        self.entries = list(merged.values())
        self._by_term = merged
        self._said: dict[str, frozenset[str]] = {}  # said_stems, per term, filled as terms are asked about
        narrower: dict[str, list[str]] = {}
        for e in self.entries:
            for b in e.broader:
                narrower.setdefault(b, []).append(e.term)
        self._narrower = {b: tuple(terms) for b, terms in narrower.items()}
        surfaces: dict[str, str] = {}
        for e in self.entries:
            for s in (e.term, *e.aliases):
                surfaces.setdefault(fold(s), e.term)
        for e in self.entries:
            if e.kind in PLURAL_KINDS:
                # A treatment or harm said in the plural ("stem cell transplants"), unless that is another surface.
                for s in (e.term, *e.aliases):
                    if len(s.split()[-1]) >= 4 and s[-1].isalpha() and s[-1] != "s":
                        surfaces.setdefault(fold(s) + "s", e.term)
        self._surface = surfaces
        self._not_before = {fold(a): frozenset(fold(w) for w in ws) for e in self.entries for a, ws in e.not_before}
        self._not_after = {fold(a): frozenset(fold(w) for w in ws) for e in self.entries for a, ws in e.not_after}
        # Folded text is lower-case already, as are the folded surfaces: matched without IGNORECASE, about
        # twice as fast. IGNORECASE would add only matches whose lower-case form is no surface ("lıver",
        # dotless i), which are skipped anyway, and costs a second compile on the first non-ASCII text.
        self._folded = Surfaces(list(surfaces)) if surfaces else None
        cs = {s: e.term for e in self.entries for s in e.case_sensitive}
        self._cs_surface = cs
        self._cased = Surfaces(list(cs)) if cs else None

    @classmethod
    def load(cls, path: Path) -> Glossary:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            entries = [
                Entry(
                    term=fold(row["term"]),
                    kind=row.get("kind", "term"),
                    aliases=tuple(fold(a) for a in row.get("aliases", [])),
                    case_sensitive=tuple(row.get("case_sensitive_aliases", [])),
                    broader=tuple(fold(b) for b in row.get("broader", [])),
                    not_before=tuple(
                        (a, tuple(ws)) for a, ws in dict(row.get("not_before", {})).items()
                    ),
                    not_after=tuple((a, tuple(ws)) for a, ws in dict(row.get("not_after", {})).items()),
                )
                for row in data["entries"]
            ]
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{path}: cannot read glossary ({exc})") from None
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}: not a glossary file ({exc})") from None
        return cls(entries)

    def kind(self, term: str) -> str:
        entry = self._by_term.get(term)
        return entry.kind if entry else "term"

    def broader(self, term: str) -> tuple[str, ...]:
        """The terms ``term`` is a kind of, as the glossary states them."""
        entry = self._by_term.get(term)
        return entry.broader if entry else ()

    def said_stems(self, term: str) -> frozenset[str]:
        """Stems of every word of ``term`` and its aliases: what naming it already says ("spinal
        injections" is intrathecal, so "injected" beside it asks nothing more)."""
        if term not in self._said:
            entry = self._by_term.get(term)
            names = (term, *(entry.aliases if entry else ()))
            self._said[term] = frozenset(stem(w) for n in names for w in content_words(n))
        return self._said[term]

    def unsaid(self, words: dict[str, float], terms: list[str]) -> dict[str, float]:
        """``words`` (with their weights) but those the names of ``terms`` already say: a word of a named
        term's names is that term, not another subject."""
        said = frozenset().union(*map(self.said_stems, terms))
        if not said:
            return words
        return {w: wt for w, wt in words.items() if stem(w) not in said}

    def narrower(self, term: str) -> tuple[str, ...]:
        """The terms that are a kind of ``term`` ("extramedullary": the CNS, the testes)."""
        return self._narrower.get(term, ())

    def classes(self, terms: list[str]) -> list[str]:
        """The classes any of ``terms`` is a kind of, the smallest first (tisagenlecleucel: CAR-T, then the
        immunotherapies)."""
        return sorted({c for t in terms for c in self.broader(t)}, key=lambda c: (len(self.narrower(c)), c))

    def surfaces(self, term: str) -> tuple[str, ...]:
        entry = self._by_term.get(term)
        return (entry.term, *entry.aliases) if entry else (term,)

    def mentions(self, text: str) -> list[Mention]:
        """Glossary terms named in ``text`` (longest match first, no overlaps), in order."""
        found: list[Mention] = []
        if self._folded is not None:
            folded = fold(text)
            # fold() keeps length except for NFKC changes; map back only when lengths agree.
            for start, end in self._folded.spans(folded):
                surface = folded[start:end]
                term = self._surface[surface]
                if surface in self._not_before:
                    after = _NEXT_WORD.match(folded, end)
                    if after and after.group(1).lower() in self._not_before[surface]:
                        continue
                if surface in self._not_after:
                    before = _PREV_WORD.search(folded, max(0, start - 40), start)
                    if before and before.group(1).lower() in self._not_after[surface]:
                        continue
                found.append(Mention(term, self.kind(term), start, end, surface))
        if self._cased is not None:
            for start, end in self._cased.spans(text):
                term = self._cs_surface[text[start:end]]
                if not any(f.start < end and start < f.end for f in found):
                    found.append(Mention(term, self.kind(term), start, end, text[start:end]))
        found.sort(key=lambda x: x.start)
        return found

    def terms(self, text: str) -> list[str]:
        out: list[str] = []
        for m in self.mentions(text):
            if m.term not in out:
                out.append(m.term)
        return out

    def vocabulary(self) -> set[str]:
        """Every word of every term and alias, for spelling correction."""
        vocab: set[str] = set()
        for e in self.entries:
            for s in (e.term, *e.aliases):
                vocab.update(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", s))
        return vocab


# Texts are scanned in Python until this many characters have been: building and compiling the one big
# pattern of ~650 surfaces took ~15 ms, most of a glossary's load, where a one-question process (bot ask)
# scans ~10k characters in ~1 ms; a long-lived process then compiles it, and scans faster.
SCAN_BEFORE_COMPILE = 100_000


class Surfaces:
    """Where surfaces occur in a text, as ``(?<!\\w)(?:surface|...)(?![\\w+])`` finds them: the longest surface
    at a position that no word character precedes and none (nor '+') follows, matches never overlapping.

    The first texts are scanned by walking a character trie in Python; after ``SCAN_BEFORE_COMPILE``
    characters the pattern is compiled and used instead. Both give the same spans (tests/test_glossary.py).
    """

    def __init__(self, surfaces: list[str]) -> None:
        self.surfaces = surfaces
        self._pattern: re.Pattern[str] | None = None
        self._scanned = 0 if "" not in surfaces else SCAN_BEFORE_COMPILE  # an empty surface: the pattern's way
        trie: dict[str, dict] = {}
        for w in surfaces:
            node = trie
            for ch in w:
                node = node.setdefault(ch, {})
            node[""] = {}  # a surface ends here
        self._trie = trie
        # Where a surface may start: a first character of one, no word character before it.
        self._starts = re.compile(r"(?<!\w)[" + "".join(re.escape(ch) for ch in sorted(trie) if ch) + "]")

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        if self._pattern is None and self._scanned < SCAN_BEFORE_COMPILE:
            self._scanned += len(text)
            return self._walk(text)
        if self._pattern is None:
            # Word bounds that also work for surfaces ending in '+' or '-'.
            self._pattern = re.compile(rf"(?<!\w)(?:{trie_pattern(self.surfaces)})(?![\w+])")
        return (m.span() for m in self._pattern.finditer(text))

    def _walk(self, text: str) -> Iterator[tuple[int, int]]:
        trie, n = self._trie, len(text)
        start = self._starts.search(text)
        while start is not None:
            p = q = start.start()
            node: dict[str, dict] | None = trie
            end = -1
            while q < n:
                node = node.get(text[q])  # type: ignore[union-attr]
                if node is None:
                    break
                q += 1
                if "" in node and (q == n or not (text[q].isalnum() or text[q] in "_+")):
                    end = q  # the longest surface here that no word character (nor '+') follows, so far
            if end > p:
                yield p, end
                start = self._starts.search(text, end)
            else:
                start = self._starts.search(text, p + 1)


def trie_pattern(words: list[str]) -> str:
    """One regex alternation of ``words`` with shared prefixes factored out ("car(?:-t|t)").

    A flat "a|b|c" of hundreds of surfaces makes ``re`` try every one at every position of a text;
    the trie fails at the first character that no surface continues with. Greedy optional groups try
    the longer continuation first, so the longest surface still wins, as with longest-first "a|b|c".
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict[str, dict]) -> str:
        end = "" in node
        alts = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return walk(trie)
