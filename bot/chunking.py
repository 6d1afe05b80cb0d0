"""Split a document into sentences and retrieval chunks, with character offsets into its text.

Deterministic and model-free. Lines are units: a line break always ends a sentence, so list items
(one per line) are sentences of their own. A line that introduces a list ("... include", "Examples
include:") is kept in one chunk with its items. Abbreviations ("eg,", "i.e.", "vs.") and
symbols ("Ph-.", "≥ 2") do not split sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.models import Chunk, Document, Sentence

CHUNKER_VERSION = "1"

_ABBREVIATIONS = {
    "e.g", "i.e", "eg", "ie", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "fig", "no", "approx", "st",
    "al", "inc", "ltd", "jr", "sr", "mt", "ca", "cf", "resp", "min", "max", "u.s", "wk", "mo", "yr",
}
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before a space and
# an upper-case letter, digit, opening bracket or quote.
_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z0-9(\"'\[])")
# Inline bullets of flattened lists: " - Next item" (MedQuAD keeps its "- " list markers inline).
_INLINE_BULLET = re.compile(r"\s+-\s+(?=[A-Z])")
_WORDPIECE = re.compile(r"\w+|[^\w\s]")
_LEAD_IN = re.compile(r"(?:\b(?:include|includes|including|are|following|such as)|:)\s*$", re.IGNORECASE)


def estimate_tokens(text: str) -> int:
    """Rough WordPiece count: medical words split into several pieces, hence the factor."""
    return int(len(_WORDPIECE.findall(text)) * 1.4) + 2


def _split_line(text: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    cuts: list[tuple[int, int]] = []  # (end of sentence, start of next)
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        cuts.append((m.start() + 1 + len(m.group(0)) - len(m.group(0).rstrip()) - 1, m.end()))
        start = m.end()
    for m in _INLINE_BULLET.finditer(text):
        cuts.append((m.start(), m.end()))
    cuts.sort()
    pos = 0
    for end, nxt in cuts:
        if end <= pos:
            continue
        spans.append((pos, end))
        pos = nxt
    spans.append((pos, len(text)))
    out = []
    for a, b in spans:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if seg and seg != "-":
            out.append((offset + a + lead, offset + a + lead + len(seg)))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a document in order, each with its offsets, kind and paragraph number."""
    sentences: list[Sentence] = []
    block = 0
    pos = 0
    in_list = False
    blank_before = False
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            blank_before = True
            continue
        stripped = line.strip()
        # A short line without final punctuation right after a lead-in (or another item) is a list item.
        is_item = in_list and not stripped.endswith((".", "?", "!")) or (
            in_list and estimate_tokens(stripped) < 24 and "." not in stripped[:-1]
        )
        if not is_item:
            if sentences and blank_before or not sentences:
                block += 1 if sentences else 0
            in_list = False
        blank_before = False
        spans = _split_line(line, line_start)
        for i, (a, b) in enumerate(spans):
            seg = text[a:b]
            kind = "item" if is_item else "prose"
            if not is_item and i == len(spans) - 1 and _LEAD_IN.search(seg):
                kind = "lead_in"
            sentences.append(Sentence(start=a, end=b, text=seg, kind=kind, block=block))
        if sentences and sentences[-1].kind == "lead_in":
            in_list = True
    return sentences


class Chunker:
    """Groups sentences into chunks that fit the embedding model's window.

    A paragraph is one chunk when it fits; a list stays with its lead-in; a long paragraph is cut on
    sentence bounds with ``overlap`` sentences repeated between neighbours.
    """

    def __init__(
        self,
        max_tokens: int = 200,
        overlap: int = 0,
        count_tokens: Callable[[str], int] = estimate_tokens,
    ) -> None:
        if not 16 <= max_tokens <= 512:
            raise ValueError(f"max_tokens must be between 16 and 512, got {max_tokens!r}")
        if not 0 <= overlap <= 5:
            raise ValueError(f"overlap must be between 0 and 5 sentences, got {overlap!r}")
        self.max_tokens = max_tokens
        self.overlap = overlap
        self.count_tokens = count_tokens

    def _groups(self, sentences: list[Sentence], tokens: Callable[[list[Sentence]], int]) -> list[list[Sentence]]:
        blocks: list[list[Sentence]] = []
        for s in sentences:
            if blocks and blocks[-1][-1].block == s.block:
                blocks[-1].append(s)
            else:
                blocks.append([s])
        # Fold very short paragraphs into the next one so a chunk carries enough context.
        merged: list[list[Sentence]] = []
        for blk in blocks:
            if merged and tokens(merged[-1]) < 24 and tokens(merged[-1] + blk) <= self.max_tokens:
                merged[-1] = merged[-1] + blk
            else:
                merged.append(blk)
        return merged

    def _counter(self, sentences: list[Sentence]) -> Callable[[list[Sentence]], int]:
        """Token estimate of a run of sentences; each sentence is counted once per document, not once
        per candidate chunk it is tried in."""
        counts = {s.start: self.count_tokens(s.text) for s in sentences}
        return lambda sents: sum(counts[s.start] for s in sents)

    def chunk(self, doc: Document, sentences: list[Sentence] | None = None) -> list[Chunk]:
        sentences = split_sentences(doc.text) if sentences is None else sentences
        tokens = self._counter(sentences)
        pieces: list[list[Sentence]] = []
        for group in self._groups(sentences, tokens):
            if tokens(group) <= self.max_tokens:
                pieces.append(group)
                continue
            current: list[Sentence] = []
            for s in group:
                if current and tokens(current + [s]) > self.max_tokens:
                    pieces.append(current)
                    keep = current[-self.overlap :] if self.overlap else []
                    current = keep if tokens(keep + [s]) <= self.max_tokens else []
                current.append(s)
            if current:
                pieces.append(current)
        chunks = []
        for n, piece in enumerate(pieces):
            start, end = piece[0].start, piece[-1].end
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.id}#{n}",
                    doc_id=doc.id,
                    start=start,
                    end=end,
                    text=doc.text[start:end],
                    sentences=piece,
                )
            )
        return chunks
