"""Is a question written in English? The bot quotes an English text, so it answers English questions only.

    detect("What is blinatumomab?")             # 'en'
    detect("ما هي الآثار الجانبية؟")             # 'ar'
    detect("¿Cuáles son los efectos secundarios?")   # 'es'
    is_english("blina neuro tox?")              # True: when in doubt, English

Two tests, both offline and deterministic, with no model to download:
1. Script: letters mostly of one non-Latin script (Arabic, Cyrillic, Han, ...) name the language outright.
2. Latin-script words: each language's 300 commonest words (data/language_words.json, drawn from
   wordfreq by scripts/make_language_words.py). A question is called Spanish, French, German, ... when
   at least two of its words are among that language's and more than are among English's ("que",
   "los", "del" against "what", "the", "is"). Drug names and typos are in no list, so a terse clinical
   query ("blina neuro tox?") stays English, and words shared by both ("in", "is") decide nothing.
   The lists are read once: the test costs microseconds and loads no model and no big table.
A model-based detector (fastText, lingua) would need weights the package does not ship or ~100 MB more;
questions typed at this bot are short, where those tools are least sure anyway.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# The first word of a letter's Unicode name, for the scripts a question is likely to come in.
_SCRIPTS = {
    "ARABIC": "ar", "CYRILLIC": "ru", "GREEK": "el", "HEBREW": "he", "DEVANAGARI": "hi", "BENGALI": "bn",
    "THAI": "th", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "CJK": "zh", "ARMENIAN": "hy",
    "GEORGIAN": "ka", "TAMIL": "ta", "TELUGU": "te", "GUJARATI": "gu", "GURMUKHI": "pa", "ETHIOPIC": "am",
    "KHMER": "km", "MYANMAR": "my", "SINHALA": "si", "LAO": "lo", "KANNADA": "kn", "MALAYALAM": "ml",
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_TWO_LETTERS = re.compile(r"[A-Za-z][^A-Za-z]*[A-Za-z]")  # in ASCII text, two letters (isalpha) anywhere


def _script(ch: str) -> str | None:
    try:
        head = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return None
    return "LATIN" if head == "LATIN" else (head if head in _SCRIPTS else "OTHER")


@lru_cache(maxsize=1)
def _common_words() -> dict[str, frozenset[str]]:
    path = Path(__file__).with_name("data") / "language_words.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {lang: frozenset(words) for lang, words in data["words"].items()}


@lru_cache(maxsize=1)
def _languages_of() -> dict[str, tuple[str, ...]]:
    """word -> the languages whose common-word list holds it."""
    out: dict[str, list[str]] = {}
    for lang, listed in _common_words().items():
        for w in listed:
            out.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in out.items()}


def detect(text: str) -> str | None:
    """The question's language as an ISO 639-1 code, or None when its letters do not say (too few)."""
    text = str(text)
    if text.isascii():
        # ASCII letters are Latin script: no per-character look-up (most questions; ~0.2 ms an answer).
        return _latin_language(text) if _TWO_LETTERS.search(text) else None
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = _script(ch)
            if script:
                counts[script] = counts.get(script, 0) + 1
    letters = sum(counts.values())
    if letters < 2:
        return None
    script, n = max(counts.items(), key=lambda kv: kv[1])
    if script != "LATIN":
        if n * 2 < letters or script == "OTHER":
            return None
        if script == "CJK" and counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0):
            return "ja"  # Japanese mixes kanji with kana; Chinese has no kana
        return _SCRIPTS[script]
    return _latin_language(text)


def _latin_language(text: str) -> str | None:
    words = [unicodedata.normalize("NFC", w.lower()) for w in _WORD.findall(text)]
    words = [w for w in words if len(w) >= 2]
    if not words:
        return None
    # Each word looked up once, in a table of the languages that list it: the same counts as testing
    # every word against every language's list, in the same language order (ties go to the first).
    hits = dict.fromkeys(_common_words(), 0)
    own = dict.fromkeys(_common_words(), 0)  # words of a language that English's list does not hold
    index = _languages_of()
    for w in set(words):  # a word said twice ("tisa-cel vs brexu-cel": "cel") is one sign of its language
        langs = index.get(w, ())
        for lang in langs:
            hits[lang] += 1
            own[lang] += "en" not in langs
    english = hits.pop("en")
    lang, n = max(hits.items(), key=lambda kv: kv[1])
    # Two words of its own at least: "summary of management per text" has "of" (English too) and "per".
    if n >= 2 and n > english and own[lang] >= 2:
        return lang
    return "en"


def is_english(text: str) -> bool:
    """False only when the question is clearly in another language; undecidable text counts as English."""
    lang = detect(text)
    return lang is None or lang == "en"
