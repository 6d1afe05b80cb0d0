"""What a word means: asked of one word, answered only by a sentence that defines it.

"What does 'refractory' mean?" is not answered by a sentence that uses the word ("relapsed or refractory
B-cell precursor ALL"): the text must say what it is ("X is ...", "X, a ...", "X (a ...)", "called X").
"""

from __future__ import annotations

import re

# One word (or a hyphenated one) whose meaning is asked: "what does 'refractory' mean", "meaning of relapse",
# "define refractory". "What is X?" is not among them: it asks about a thing, which a sentence about it answers.
_Q = r"['\"“‘]?"
_UQ = r"['\"”’]?"
ASKED = re.compile(
    rf"\bwhat\s+(?:does|do|did)\s+(?:the\s+(?:word|term)\s+)?{_Q}(?P<a>[A-Za-z][\w-]*){_UQ}\s+(?:mean|stand\s+for)\b"
    rf"|\b(?:meaning|definition)\s+of\s+(?:the\s+(?:word|term)\s+)?{_Q}(?P<b>[A-Za-z][\w-]*){_UQ}(?:\s*[?.!]|\s+(?:in|here)\b|$)"
    rf"|\bdefine\s+(?:the\s+(?:word|term)\s+)?{_Q}(?P<c>[A-Za-z][\w-]*){_UQ}(?:\s*[?.!]|\s+(?:in|here)\b|$)",
    re.IGNORECASE,
)

POINTERS = frozenset({"it", "this", "that", "these", "those", "they", "he", "she", "all", "any", "each"})


def asked_word(question: str) -> str | None:
    """The one word whose meaning ``question`` asks, or None (a phrase, or no meaning asked)."""
    m = ASKED.search(question)
    if m is None:
        return None
    word = m.group("a") or m.group("b") or m.group("c")
    # "What does it mean?" asks what something the asker describes means, not a word's meaning.
    return None if word.lower() in POINTERS else word


def defines(sentence: str, word: str) -> bool:
    """Does ``sentence`` say what ``word`` is ("X is/are/means/refers to", "X, a ...", "X (a ...)", "called X")?"""
    w = re.escape(word)
    return bool(
        re.search(rf"\b{w}\w*(?:\s+\w+)?\s*(?:,\s+(?:a|an|the|or)\b|\((?:a|an|the|or|ie|i\.e\.)\b|\s+(?:is|are|means|refers\s+to|describes)\b)", sentence, re.IGNORECASE)
        or re.search(rf"\b(?:called|known\s+as|termed|defined\s+as)\s+['\"“]?{w}", sentence, re.IGNORECASE)
    )
