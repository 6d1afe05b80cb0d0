"""Render an answer: a draft's blocks become citations, structured parts and markdown. No generative model.

Every sentence that states a medical fact is a verbatim quote with a numbered citation; the template
words around quotes only say what the text says ("The text says:") or that it does not say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from bot.evidence import Evidence, EvidenceScorer
from bot.extract import locate
from bot.forms import Block, Draft
from bot.index_store import IndexData
from bot.models import Answer, Citation, Part
from bot.params import Params
from bot.text import fold


def _md_escape_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# The fixed replies that state no fact of the text.
ADVICE = (
    "I can't give personal medical advice: please ask your care team, who know the whole situation. "
    "I can only show what the text says."
)
NOT_ENGLISH = "I answer from an English text, in English. Please ask your question in English."


@dataclass
class Frame:
    """What every answer to one question shares: the question, what was searched for, notes."""

    question: str
    searched_for: str = ""
    qtype: str = ""
    focus: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Composer:
    def __init__(self, data: IndexData, scorer: EvidenceScorer, params: Params) -> None:
        self.data = data
        self.scorer = scorer
        self.params = params
        # Chunks follow the documents in order, so their sentence spans rise with the row: bisect.
        self._chunk_starts = np.ascontiguousarray(data.chunk_first_sentence)
        self._chunk_ends = np.ascontiguousarray(data.chunk_end_sentence)

    # ------------------------------------------------------------------ citations

    def citation(self, ev: Evidence, marker: int) -> Citation:
        doc = self.data.documents[ev.doc]
        rows = self.scorer.block_rows(ev.row)
        c_start = int(self.data.sentence_start[rows[0]])
        c_end = int(self.data.sentence_end[rows[-1]])
        if c_end - c_start > self.params.context_max_chars:  # a long paragraph: the sentence and its neighbours
            lo, hi = max(rows[0], ev.row - 1), min(rows[-1], ev.row + 1)
            c_start, c_end = int(self.data.sentence_start[lo]), int(self.data.sentence_end[hi])
        page, section = locate(doc, ev.start)
        return Citation(
            doc_id=doc.id,
            quote=doc.text[ev.start : ev.end],
            start=ev.start,
            end=ev.end,
            score=round(max(0.0, min(1.0, ev.score)), 4),
            marker=marker,
            chunk_id=self._chunk_of(ev.row),
            title=doc.title,
            date=doc.date,
            url=doc.url,
            context=doc.text[c_start:c_end],
            context_start=c_start,
            page=page,
            section=section,
        )

    def _chunk_of(self, row: int) -> str:
        """The first chunk holding sentence ``row``."""
        i = int(np.searchsorted(self._chunk_ends, row, side="right"))
        if i < len(self._chunk_ends) and self._chunk_starts[i] <= row:
            return self.data.chunk_id(i)
        return ""

    def confidence(self, score: float) -> float:
        p = self.params
        return round(1.0 / (1.0 + math.exp(-p.confidence_slope * (score - p.abstain_below))), 4)

    @staticmethod
    def sources_footer(citations: list[Citation]) -> str:
        """One line per document: its markers, title and date."""
        by_doc: dict[str, list[Citation]] = {}
        for c in citations:
            by_doc.setdefault(c.doc_id, []).append(c)
        parts = []
        for cites in by_doc.values():
            c = cites[0]
            markers = ", ".join(str(x.marker) for x in cites)
            date = f", {c.date}" if c.date else ""
            pages = sorted({x.page for x in cites if x.page})
            where = f", p. {', '.join(map(str, pages))}" if pages else ""
            parts.append(f"[{markers}] {c.title or c.doc_id}{where}{date}")
        return "Sources: " + "; ".join(parts)

    # ------------------------------------------------------------------ answers

    def render(
        self, frame: Frame, draft: Draft, status: str = "answer", reason: str = "", missing: list[str] | None = None,
        confidence: float | None = None,
    ) -> Answer:
        cites: list[Citation] = []
        parts: list[Part] = []
        text: list[str] = []
        if frame.searched_for and fold(frame.searched_for) != fold(frame.question):
            text.append(f"*Searched for: {frame.searched_for}*")
        text.extend(f"*{n}*" for n in frame.notes)
        cited: dict[int, int] = {}  # row -> its marker: a sentence quoted twice (in two groups) is one source
        for block in draft.blocks:
            markers = []
            for ev in block.evidence:
                if ev.row not in cited:
                    cites.append(self.citation(ev, len(cites) + 1))
                    cited[ev.row] = len(cites)
                markers.append(cited[ev.row])
            parts.append(Part(kind=block.kind, text=block.text, cites=markers, labels=block.labels))
            md = self._markdown(block, cites, markers)
            if block.kind == "quote" and len(parts) > 1 and parts[-2].kind == "lead" and text:
                text[-1] = f"{text[-1]} {md}"  # "The text says: “...”" reads as one line
            else:
                text.append(md)
        if reason:
            parts.append(Part(kind="note", text=reason))
            text.append(reason)
        text.append(self.sources_footer(cites))
        return Answer(
            answer="\n\n".join(t for t in text if t),
            abstained=False,
            confidence=self.confidence(draft.score) if confidence is None else confidence,
            citations=cites,
            question=frame.question,
            searched_for=frame.searched_for,
            question_type=frame.qtype,
            focus=frame.focus,
            notes=frame.notes,
            status="partial" if status == "partial" else "answer",
            reason=reason,
            missing=missing or [],
            parts=parts,
        )

    @staticmethod
    def _markdown(block: Block, cites: list[Citation], markers: list[int]) -> str:
        quoted = [f"“{cites[m - 1].quote}” [{m}]" for m in markers]
        if block.kind == "lead":
            return block.text
        if block.kind == "note":
            return f"*{block.text}*"
        if block.kind == "quote":
            return "\n\n".join(quoted)
        if block.kind in ("items", "related"):
            return "\n".join(f"- {q}" for q in quoted)
        head = "| | " + " | ".join(block.labels) + " |\n|" + "---|" * (len(block.labels) + 1) + "\n"
        cells = " | ".join(f"“{_md_escape_cell(cites[m - 1].quote)}” [{m}]" for m in markers)
        return head + f"| What the text says | {cells} |"

    def abstain(
        self, frame: Frame, reason: str, near: list[Evidence] | None = None, confidence: float = 0.0,
        status: str = "abstain", missing: list[str] | None = None,
    ) -> Answer:
        """No answer: the reason, and the nearest passages (which may not answer) for the reader to judge."""
        rel = [self.citation(e, i + 1) for i, e in enumerate((near or [])[:3])]
        text = "\n\n".join([*(f"*{n}*" for n in frame.notes), reason])
        if rel:
            text += "\n\nNearest passages in the text (they may not answer the question):\n" + "\n".join(
                f"- “{c.quote}” ({c.title or c.doc_id})" for c in rel
            )
        return Answer(
            answer=text,
            abstained=True,
            confidence=min(confidence, 0.49),
            citations=[],
            question=frame.question,
            searched_for=frame.searched_for,
            question_type=frame.qtype,
            focus=frame.focus,
            related=rel,
            notes=frame.notes,
            status=status,
            reason=reason,
            missing=missing or [],
            parts=[Part(kind="note", text=reason)],
        )

    def date_answer(self, frame: Frame, docs: list[int]) -> Answer:
        dated = [self.data.documents[d] for d in docs if self.data.documents[d].date]
        if not dated:
            dated = [d for d in self.data.documents if d.date]
            if len(dated) != 1:
                return self.abstain(frame, "The documents do not carry one date to report.")
        doc = dated[0]
        body = f"The source “{doc.title or doc.id}” is dated {doc.date}."
        return Answer(
            answer="\n\n".join([*(f"*{n}*" for n in frame.notes), body]),
            notes=frame.notes,
            abstained=False,
            confidence=1.0,
            citations=[],
            question=frame.question,
            searched_for=frame.searched_for,
            question_type="date",
            focus=frame.focus,
            parts=[Part(kind="lead", text=body)],
        )
