"""Text normalisation and tokenisation shared by indexing and querying."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_TAG = re.compile(r"<[^>]{0,200}>")
# Script and style elements are dropped with their content: it is code, not a question.
_CODE = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*[+]?")
# A message's sentences, each with the punctuation that ends it (the last may have none).
SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)")
# A reference to the text's sources ("... with significant toxicity (2).", "(3, 4)"): no figure it states.
REFERENCE = re.compile(r"\s*\(\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\)")


def clean_question(text: str, limit: int) -> tuple[str, bool]:
    """A question made safe to process: Unicode-normalised, no tags or control characters, one line.

    Returns the text and whether it was cut to ``limit`` characters.
    """
    text = _SURROGATE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _CODE.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    cut = len(text) > limit
    if cut:
        text = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return text, cut


def asks(sentence: str) -> bool:
    """Does the sentence ask (end in "?")? A question the text writes, a heading such as "What causes
    zetosis?", answers nothing."""
    return sentence.rstrip().endswith("?")


def asking_sentences(text: str) -> list[str]:
    """The sentences of a message that ask, when others only tell ("Most of what I read is about B-cell.
    What's out there for T-cell?"); none when every sentence asks or none does."""
    parts = [m.group() for m in SENTENCE.finditer(text) if any(ch.isalnum() for ch in m.group())]  # (not "??")
    asking = [x for x in parts if asks(x)]
    return asking if len(asking) < len(parts) else []


def fold(text: str) -> str:
    """Lower-case, Unicode-normalised, dashes unified: the form used for matching."""
    if text.isascii():  # NFKC leaves ASCII as it is, and the dashes below are not ASCII
        return text.lower()
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("\u2011", "-").replace("\u2013", "-").replace("\u2014", " ").replace("\u2010", "-")


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "onto",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "ought",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "tell",
        "me",
        "please",
        "know",
        "explain",
        "describe",
        "give",
        "show",
        "list",
        "anything",
        "something",
        "thing",
        "things",
        "kind",
        "type",
        "get",
        "got",
        "use",
        "used",
        "using",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "let",
        "lets",
        "ok",
        "okay",
        "hi",
        "hello",
        "thanks",
        "thank",
        "want",
        # Sentence adverbs say how the asker feels about the question, not what it is about.
        "realistically",
        "honestly",
        "basically",
        "actually",
        "seriously",
        "really",
        "just",
        "simply",
        "literally",
        "genuinely",
        "frankly",
        "truthfully",
    ]
)

# Contractions are small words too ("I'm a nurse", "doesn't"): never a subject the text lacks. Kept apart from
# STOPWORDS, whose count of content words is what a fitted length (params long_question_words) was chosen on.
CONTRACTIONS = frozenset(
    [f"{p}{end}" for p in ("i", "you", "we", "they", "he", "she", "it", "that", "there", "what", "who", "here", "let")
     for end in ("'m", "'re", "'ve", "'d", "'ll", "'s")]
    + [f"{v}n't" for v in ("do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "could", "should",
                           "would", "must", "need", "might")]
    + ["can't", "won't", "shan't", "ain't"]
)


def joined(items: list[str], last: str = "and") -> str:
    """``items`` as a phrase: "a", "a and b", "a, b and c" (``last`` the word before the last one)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def content_words(text: str) -> list[str]:
    # "son's" is "son": a possessive is not another word.
    out = [w[:-2] if w.endswith("'s") else w for w in words(text)]
    return [w for w in out if w not in STOPWORDS and len(w) > 1]


def as_written(word: str, text: str) -> str:
    """``word`` as the question wrote it ("AML", "ClinicalTrials", "Tylenol"), when it stands there whole; as
    given when its capital only starts a sentence ("Magnesium ...") or the whole message is shouted."""
    return written_forms([word], text)[word]


def written_forms(words: Iterable[str], text: str) -> dict[str, str]:
    """``as_written`` of each of ``words``, reading ``text`` once for all of them (evidence scoring asks it
    of every subject word, once per scoring)."""
    if sum(c.isupper() for c in text) > sum(c.islower() for c in text):
        return {w: w for w in words}  # the whole message shouted
    first: dict[str, re.Match[str]] = {}
    for run in _WORD_RUN.finditer(text):  # a whole word: a maximal run of word characters and hyphens
        first.setdefault(run.group(0).lower(), run)
    out: dict[str, str] = {}
    for w in words:
        m = first.get(w.lower()) if _WORD_RUN.fullmatch(w) else re.search(
            rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE
        )
        if m is None:
            out[w] = w
            continue
        written = m.group(0)
        # (a capital that only starts a sentence says nothing)
        starts = re.search(r"(?:^|[.!?:;]\s+|\n)\W*$", text[: m.start()]) is not None
        out[w] = w if written[1:] == written[1:].lower() and starts else written
    return out


_WORD_RUN = re.compile(r"[\w-]+")


def without_references(text: str) -> str:
    """``text`` without its references to sources: "(2)" states no age, count or dose."""
    return REFERENCE.sub("", text) if "(" in text else text

