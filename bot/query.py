"""Query normalisation: spelling correction against the corpus vocabulary, glossary expansion."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.glossary import Glossary, Mention
from bot.stemming import stem
from bot.text import CONTRACTIONS, STOPWORDS, fold

_ONE_WORD = re.compile(r"[a-z0-9]+")
WHAT_LIKE = re.compile(r"\b(what(?:'s|s| is| are| was| were| will)\b[^?.!]{1,60}?)\s+like\s*([?.!]|$)", re.IGNORECASE)
# "curable", "treatable": an adjective of what can be done, whose verb the text writes ("cure", "treat").
_ABLE = re.compile(r"([a-z]{3,}?)(?:a|i)ble")
FAMILY_PREFIX = 5  # letters two words of one family share ("testi"cle, "testi"s; not "test"s)


@dataclass
class Query:
    original: str
    corrected: str  # the question with misspelled words replaced
    terms: list[str]  # canonical glossary terms named in it
    expanded: str  # corrected text plus the canonical terms, for retrieval
    corrections: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # content words neither in the corpus nor the glossary
    keywords: str = ""  # expanded plus the corpus's abbreviations of the terms named, for the keyword search
    mentions: list[Mention] = field(default_factory=list)  # glossary terms named in ``corrected``, with where
    added: list[str] = field(default_factory=list)  # the terms ``expanded`` appends to ``corrected``, in order

    @property
    def keyword_text(self) -> str:
        """What the keyword search reads: ``keywords``, or ``expanded`` when there are none."""
        return self.keywords or self.expanded


class QueryProcessor:
    def __init__(
        self, vocab: dict[str, int], glossary: Glossary, min_score: float = 84.0, short_min_score: float = 88.0,
        english_zipf: float = 3.0,
    ) -> None:
        if not 50 <= min_score <= 100:
            raise ValueError(f"min_score must be in 50..100, got {min_score!r}")
        self.short_min_score = short_min_score
        self.english_zipf = english_zipf
        self.glossary = glossary
        from bot.question import rules, type_vocabulary

        self.chat = rules().chat_spellings

        # The words that say what kind of question it is ("dosing", "schedule") are never misspellings.
        known = set(vocab) | glossary.vocabulary() | type_vocabulary()
        # "veno-occlusive" also makes "occlusive" a corpus word.
        self.known = known | {part for w in known if "-" in w for part in w.split("-") if len(part) >= 3}
        # Only words long enough to be misspelled recognisably are correction targets.
        self._choices = sorted(w for w in self.known if len(w) >= 4 and not w.isdigit())
        self._targets = frozenset(self._choices)
        self.min_score = min_score
        self._corpus_words = vocab
        self._correct = lru_cache(maxsize=4096)(self._correct_word)
        # Targets for four-letter misspellings: five-letter question, glossary and corpus words ("limit",
        # "tumor", "early").
        self._short_targets = sorted(w for w in self.known if len(w) == 5 and w.isalpha())
        self._stem = stem
        self._known_stems = {self._stem(w) for w in self.known}
        # One-word names of drugs (and their brands) long enough to be heard apart when dictation splits them.
        names = sorted({fold(a) for e in glossary.entries if e.kind == "drug" for a in (e.term, *e.aliases)
                        if " " not in a and "-" not in a and len(a) >= 8})
        self._drug_sounds = [(n, _sound(n)) for n in names]
        # The same names by their consonants as they sound: a vowel heard wrong ("nelarabean") is three edits
        # from the name, past the spelling ratio, and keeps every consonant. A skeleton two names share is neither's.
        skeletons: dict[str, set[str]] = {}
        for n, sound in self._drug_sounds:
            skeletons.setdefault(_skeleton(sound), set()).add(n)
        self._drug_skeletons = {k: next(iter(v)) for k, v in skeletons.items() if len(v) == 1}

    def _prefix_known(self, word: str) -> bool:
        if len(word) < 4:
            return False
        i = bisect.bisect_left(self._choices, word)
        return i < len(self._choices) and self._choices[i].startswith(word)

    def _correct_word(self, word: str) -> str | None:
        # A common English word is never "corrected" into a corpus word ("clinical" is not "clinically").
        if len(word) < 4 or not word.isalpha() or _zipf(word) >= self.english_zipf:
            return None
        # Two neighbouring letters swapped is the commonest slip ("relaspe", "sied"): one edit, where the ratio
        # below counts two and would sooner find an English word one letter away ("relpase": "release"; "sided").
        swaps = {w for i in range(len(word) - 1) if (w := word[:i] + word[i + 1] + word[i] + word[i + 2 :]) in self._targets}
        if len(swaps) == 1:
            return swaps.pop()
        if len(word) == 4:
            return self._correct_short(word)
        # Only a misspelled word needs rapidfuzz: a cold start does not import it.
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        cutoff = self.min_score if len(word) >= 8 else max(self.min_score, self.short_min_score)
        found = process.extract(word, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
        # A close ratio between long words can still be a different name ("obecabtagene" is not
        # "brexucabtagene"): a misspelling is at most one edit in four letters (of the longer word:
        # "Mediterean" is three short of "Mediterranean").
        found = [f for f in found if OSA.distance(word, f[0]) <= max(1, max(len(word), len(f[0])) // 4)]
        if not found:
            # Two letters swapped apart ("leukimea") cost the ratio four: the same letters two edits from one
            # corpus word. Other letters two edits away are another name ("neomycin" is not "bleomycin").
            near = process.extract(word, self._choices, scorer=OSA.distance, score_cutoff=2, limit=3) if len(word) >= 8 else []
            same = [w for w, _, _ in near if sorted(w) == sorted(word)]
            if len(same) == 1:
                return same[0]
            heard = self._drug_skeletons.get(_skeleton(_sound(word))) if len(word) >= 8 else None
            return heard or _english_correction(word, lambda w: self._stem(w) in self._known_stems)
        if word.endswith("s") and not word.endswith("ss"):
            # A plural stays plural ("imunotherapys": "immunotherapies", not "immunotherapy").
            found = [f for f in found if f[0].endswith("s")] or found
        # Among equally close words, the commoner one ("efects": "effects", not "defects").
        top = max(score for _, score, _ in found)
        ties = [w for w, score, _ in found if score >= top - 1e-6]
        return max(ties, key=lambda w: (_zipf(w), w))

    def _correct_short(self, word: str) -> str | None:
        """A four-letter word one letter short of a question word or glossary word ("limt": "limit"), when
        English has no such word; a short word is too easily some other word to correct more freely."""
        if _zipf(word) >= self.english_zipf:
            return None
        from rapidfuzz.distance import Levenshtein

        near = [w for w in self._short_targets if w[0] == word[0] and Levenshtein.distance(word, w) == 1]
        return near[0] if len(near) == 1 else None

    def forget(self) -> None:
        """Drop the corrections of the words questions used."""
        self._correct.cache_clear()

    def process(self, text: str) -> Query:
        corrections: dict[str, str] = {}
        unknown: list[str] = []

        def fix(m: re.Match[str]) -> str:
            w = m.group(0)
            low = w.lower()
            if low in self.chat and low not in self.known:
                corrections[low] = self.chat[low]
                return self.chat[low]
            if low in self.known or low in STOPWORDS or low in CONTRACTIONS:
                return w
            fixed = _able_base(low, self._corpus_words) or self._correct(low)
            if fixed:
                corrections[low] = fixed
                return fixed
            if self._stem(low) in self._known_stems or self._prefix_known(low):
                return w  # another form of a corpus word ("treated" ~ "treat", "neuro" ~ "neurologic")
            if low.startswith("non-") and self._stem(low[4:]) in self._known_stems:
                return w  # "non-immunotherapy": a corpus word ruled out (bot/question.py SET_ASIDE)
            if len(low) > 1 and not low.isdigit():
                unknown.append(low)
            return w

        # "What's the outlook like?" asks what the outlook is: "like" is no word of it ("likely" shares its stem).
        text = WHAT_LIKE.sub(r"\1\2", text)
        # "w/o" is one word, "without" (read as "w" it became "with/o").
        corrected = re.sub(r"(?i:\bw/o)(?![A-Za-z0-9])|[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*\+?", fix, self._sound_alikes(text, corrections))
        # Found once: the question's analysis reads the same mentions (Glossary.terms is their terms, in order).
        mentions = self.glossary.mentions(corrected)
        terms = list(dict.fromkeys(m.term for m in mentions))
        folded = fold(corrected)
        extra = [t for t in terms if t not in folded]
        # A word of the question's own ("curable", a word of its type) whose verb the text writes: searched too.
        said = dict.fromkeys(_ONE_WORD.findall(folded))
        made = [b for w in said if (b := _able_base(w, self._corpus_words)) and b not in said]
        expanded = corrected + (" " + " ".join(extra + made) if extra or made else "")
        # Only for a term spelled out: "brain" is a word of its own, and asking for "CNS" too drifts from it.
        spelled = dict.fromkeys(m.term for m in mentions if fold(m.surface) == m.term)
        short = [a for t in spelled for a in self._abbreviations(t) if a not in folded]
        # The corpus's own forms of a word asked ("testicle": "testicular", "testis"): the canonical term alone
        # ("testes", stemmed "test") misses the passage that writes another form, and matches "tests".
        # One form per stem not yet asked: a repeated stem would weigh twice in the keyword score.
        have = {self._stem(w) for w in _ONE_WORD.findall(fold(expanded))} | {self._stem(a) for a in short}
        for m in mentions:
            for f in self._word_family(m.term, m.surface):
                if self._stem(f) not in have:
                    have.add(self._stem(f))
                    short.append(f)
        keywords = expanded + (" " + " ".join(short) if short else "")
        return Query(text, corrected, terms, expanded, corrections, unknown, keywords, mentions, extra)

    def _sound_alikes(self, text: str, corrections: dict[str, str]) -> str:
        """``text`` with runs of two to four words that sound like one drug's name as dictation splits it
        ("blind a tumour mab": blinatumomab) joined into that name, when one of the words is no word the
        corpus or English knows ("mab"); each recorded in ``corrections``."""
        words = list(re.finditer(r"[A-Za-z]+", text))
        lows = [w.group().lower() for w in words]
        unknown = [x not in self.known and x not in STOPWORDS and _zipf(x) < self.english_zipf for x in lows]
        if len(words) < 2 or not any(unknown) or not self._drug_sounds:
            return text
        from rapidfuzz import fuzz
        from rapidfuzz.distance import OSA

        out, at, i = [], 0, 0
        while i < len(words):
            for n in (4, 3, 2):
                run, said = words[i : i + n], lows[i : i + n]
                joined = "".join(said)
                if len(run) < n or len(joined) < 8 or not any(unknown[i : i + n]) or any(text[a.end() : b.start()].strip(" ") for a, b in zip(run, run[1:], strict=False)):
                    continue
                # (a run's ends are no small words: "methotrexat for")
                if said[0] in STOPWORDS or said[-1] in STOPWORDS:
                    continue
                key = _sound(joined)
                score, name, sound = max(((fuzz.ratio(key, k), drug, k) for drug, k in self._drug_sounds), default=(0.0, "", ""))
                # (nor is one of its words the name misspelt: "tisagenlecleucell age")
                whole = any(fuzz.ratio(_sound(w), sound) >= self.min_score - 4 for w in said)
                if score >= self.min_score - 4 and OSA.distance(key, sound) <= len(name) // 4 and not whole:
                    corrections[text[run[0].start() : run[-1].end()].lower()] = name
                    out += [text[at : run[0].start()], name]
                    at, i = run[-1].end(), i + n - 1
                    break
            i += 1
        return "".join([*out, text[at:]])

    def _word_family(self, term: str, surface: str) -> list[str]:
        """The term's one-word surfaces the corpus writes that share the first five letters of the word
        asked (its inflections and derivations: "testicle": "testis", "testicular"); none for a surface
        of several words or shorter than five letters, whose family cannot be told by its spelling."""
        asked = fold(surface)
        if not _ONE_WORD.fullmatch(asked) or len(asked) < FAMILY_PREFIX:
            return []
        return [
            a for a in self.glossary.surfaces(term)
            if a != asked and _ONE_WORD.fullmatch(a) and a[:FAMILY_PREFIX] == asked[:FAMILY_PREFIX]
            and a in self._corpus_words
        ]

    def _abbreviations(self, term: str) -> list[str]:
        """The term's aliases that abbreviate it and that the corpus uses ("CNS" for "central nervous
        system"). A text that writes only "CNS" shares no word with a question that spells it out, and the
        keyword search finds passages by their words."""
        return [
            a for a in self.glossary.surfaces(term)[1:]
            if _ONE_WORD.fullmatch(a) and a in self._corpus_words and abbreviates(a, term)
        ]


def abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` is an abbreviation of ``long`` by Schwartz and Hearst's test: shorter, its first
    letter starting ``long``, its letters all in ``long`` in order ("cns", "mtx" for "methotrexate"; not
    "brain", "kids", nor the truncation "pain" of "painless")."""
    if len(short) >= len(long) or not short or short[0] != long[0] or long.startswith(short):
        return False  # a truncation ("pain" of "painless") is a word of its own
    at = 0
    for ch in short:
        at = long.find(ch, at) + 1
        if at == 0:
            return False
    return True


@lru_cache(maxsize=1)
def _english_words() -> dict[int, list[str]]:
    """English's commonest words by length, for correcting misspelled everyday words ("dangerus")."""
    from wordfreq import top_n_list

    by_len: dict[int, list[str]] = {}
    for w in top_n_list("en", 30_000):
        if w.isalpha():
            by_len.setdefault(len(w), []).append(w)
    return by_len


# Below this Zipf frequency a word is a misspelling when a far commoner word is one edit away: web text spells
# "benifit" now and then (1.7), "dosing" is a word of its own (2.8).
ENGLISH_RARE = 2.5


def _english_correction(word: str, known: Callable[[str], bool] = lambda w: False) -> str | None:
    """The nearest common English word (one edit, two for long words; a swap of two letters is one edit),
    among the nearest one the text uses (``known``: "nurve" is "nerve" beside "nerves", not "nurse"), then
    the commonest, when it is far commoner than ``word`` ("dangerus": "dangerous"). Among the nearest, one
    that sounds as the word does comes first ("chanse" is "chance", not "change")."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if _zipf(word) >= ENGLISH_RARE:
        return None  # an English word already ("dosing"), only rarer: not a misspelling
    limit = 1 if len(word) <= 6 else 2
    by_len = _english_words()
    pool = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in by_len.get(n, [])]
    found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=limit, limit=20)
    if not found:
        return None
    sound = _sound(word)
    best = min(found, key=lambda f: (f[1], _sound(f[0]) != sound, not known(f[0]), -_zipf(f[0])))[0]
    if _zipf(best) < max(_zipf(word) + 2.0, 3.5):
        return None
    return str(best)


_SOUNDS = ((re.compile(r"ph"), "f"), (re.compile(r"ch"), "x"), (re.compile(r"ck|q"), "k"),
           (re.compile(r"c(?=[eiy])"), "s"), (re.compile(r"c"), "k"), (re.compile(r"z"), "s"), (re.compile(r"(.)\1"), r"\1"))


def _sound(word: str) -> str:
    """A rough key of how an English spelling sounds: "chanse" and "chance" share one, "change" has another."""
    for pattern, repl in _SOUNDS:
        word = pattern.sub(repl, word)
    return word


def _skeleton(sound: str) -> str:
    """A sound key's first letter and its consonants (y and h as vowels): "nelarabean" and "nelarabine" share one."""
    return sound[:1] + re.sub(r"[aeiouyh]+", "", sound[1:])


def _zipf(word: str) -> float:
    from bot.zipf import zipf_frequency  # precomputed for corpus words, else wordfreq

    return float(zipf_frequency(word, "en"))


def _able_base(word: str, corpus: dict[str, int]) -> str | None:
    """The word the corpus writes that an unknown "-able"/"-ible" ``word`` is made from ("curable": "cure",
    "treatable": "treat", "transplantable": "transplant"); None when it writes none. The stemmer keeps
    such a word whole ("curabl"), so it would match no sentence, and a question would be refused for it."""
    m = _ABLE.fullmatch(word)
    if m is None:
        return None
    base = m.group(1)
    doubled = base[:-1] if len(base) > 3 and base[-1] == base[-2] else None  # ("controllable": "control")
    return next((b for b in (base, base + "e", doubled) if b and b in corpus), None)

