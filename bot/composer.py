"""Compose an Answer from scored evidence, by question type. No generative model.

Every sentence that states a medical fact is a verbatim quote with a numbered citation; the template
words around quotes only say what the text says ("The text says:") or that it does not say.
"""

from __future__ import annotations

import math

import numpy as np

from bot.evidence import Evidence, EvidenceScorer
from bot.glossary import Glossary
from bot.index_store import IndexData
from bot.models import Answer, Citation, Hit, Part
from bot.question import Analysis, rules
from bot.text import fold

CONFIDENCE_SLOPE = 12.0
LIST_BONUS = 0.08
YES_NO_MISSING = 1.2  # summed rarity of claim words a deciding sentence may leave unnamed


def _md_escape_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Composer:
    def __init__(self, data: IndexData, glossary: Glossary, scorer: EvidenceScorer, abstain_below: float) -> None:
        if not 0.0 <= abstain_below <= 1.0:
            raise ValueError(f"abstain_below must be within 0..1, got {abstain_below!r}")
        self.data = data
        self.glossary = glossary
        self.scorer = scorer
        self.abstain_below = abstain_below
        # Chunks follow the documents in order, so their sentence spans rise with the row: bisect.
        self._chunk_starts = np.ascontiguousarray(data.chunks[:, 4])
        self._chunk_ends = np.ascontiguousarray(data.chunks[:, 5])

    # ------------------------------------------------------------------ citations

    def citation(self, ev: Evidence, marker: int) -> Citation:
        doc = self.data.documents[ev.doc]
        rows = self.scorer.block_rows(ev.row)
        c_start = int(self.data.sentences[rows[0], 1])
        c_end = int(self.data.sentences[rows[-1], 2])
        if c_end - c_start > 1500:  # a very long paragraph: show the sentence with its neighbours
            lo, hi = max(rows[0], ev.row - 1), min(rows[-1], ev.row + 1)
            c_start, c_end = int(self.data.sentences[lo, 1]), int(self.data.sentences[hi, 2])
        quote = doc.text[ev.start : ev.end]
        return Citation(
            doc_id=doc.id,
            quote=quote,
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
        )

    def _chunk_of(self, row: int) -> str:
        """The first chunk holding sentence ``row``."""
        i = int(np.searchsorted(self._chunk_ends, row, side="right"))
        if i < len(self._chunk_ends) and self._chunk_starts[i] <= row:
            return self.data.chunk_id(i)
        return ""

    def confidence(self, score: float) -> float:
        return round(1.0 / (1.0 + math.exp(-CONFIDENCE_SLOPE * (score - self.abstain_below))), 4)

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
            parts.append(f"[{markers}] {c.title or c.doc_id}{date}")
        return "Sources: " + "; ".join(parts)

    # ------------------------------------------------------------------ abstention

    def abstain(
        self, question: str, reason: str, analysis: Analysis | None, searched_for: str, related: list[Hit],
        confidence: float = 0.0, evidence: list[Evidence] | None = None, notes: list[str] | None = None,
    ) -> Answer:
        # The nearest sentences when they were scored, else the opening sentence of each nearest passage.
        near = [e for e in (evidence or []) if len(e.text) >= 40][:3]
        if not near:
            near = [self._first_sentence(h) for h in related[:3]]
        rel = [self.citation(e, i + 1) for i, e in enumerate(near)]
        notes = notes or []
        text = "\n\n".join([*(f"*{n}*" for n in notes), reason])
        if rel:
            text += "\n\nNearest passages in the text (they may not answer the question):\n" + "\n".join(
                f"- “{c.quote}” ({c.title or c.doc_id})" for c in rel
            )
        return Answer(
            answer=text,
            abstained=True,
            confidence=min(confidence, 0.49),
            citations=[],
            question=question,
            searched_for=searched_for,
            question_type=analysis.qtype if analysis else "",
            focus=analysis.focus if analysis else [],
            related=rel,
            notes=notes,
            status="abstain",
            reason=reason,
            parts=[Part(kind="note", text=reason)],
        )

    def _first_sentence(self, hit: Hit) -> Evidence:
        return self.scorer.sentence(int(self.data.chunks[int(hit.metadata["row"]), 4]))

    # ------------------------------------------------------------------ templates

    def compose(
        self, question: str, analysis: Analysis, ranked: list[Evidence], searched_for: str, hits: list[Hit],
        notes: list[str],
    ) -> Answer:
        if not ranked:
            return self.abstain(
                question, "The text does not answer this question.", analysis, searched_for, hits, notes=notes
            )
        best = ranked[0]
        need = analysis.need
        if need is not None:
            # Answer-type check: a dose question needs a dose, a schedule question a schedule.
            pool = [e for e in ranked[:6] if e.score >= best.score - 0.2 and (e.entity > 0 or not analysis.focus)]
            typed = [e for e in pool if need.search(e.text)]
            if not typed:
                what = {"dose": "a dose", "cost": "a cost or price", "percentage": "a figure or rate",
                        "frequency": "a schedule or frequency", "duration": "a duration", "age": "an age",
                        "side_effects": "side effects", "toxicity_management": "how this is managed",
                        "etiology": "a cause", "site_treatment": "a treatment", "diagnosis": "how this is found"}.get(analysis.qtype, "this")
                names = [analysis.focus_surface.get(t, t) for t in analysis.focus]
                about = f" for {', '.join(names)}" if names else ""
                return self.abstain(
                    question, f"The text does not state {what}{about}.", analysis, searched_for, hits,
                    self.confidence(best.score), ranked, notes,
                )
            best = typed[0]
        if analysis.qtype == "list":
            # A list question is answered by a list: the best paragraph that holds one.
            listed = self._list_anchor(ranked, bool(analysis.focus))
            if listed is not None:
                # A list is read as a whole: its paragraph, not one sentence, must name the subject.
                named = min(self.scorer.P_UNNAMED_CAP, self.scorer.P_UNNAMED * listed.missing_weight) * (
                    1 - listed.unnamed_context / max(listed.unnamed, 1e-9)
                ) if listed.unnamed > 0 else 0.0
                if listed.score + named + LIST_BONUS > best.score:
                    best = Evidence(**{**listed.__dict__, "score": listed.score + named + LIST_BONUS})
        if analysis.yes_no and best.missing_weight >= YES_NO_MISSING:
            # "Does X cause infertility?": a sentence that never names infertility cannot decide it.
            return self.abstain(
                question, "The text does not say.", analysis, searched_for, hits, self.confidence(best.score),
                ranked, notes,
            )
        conf = self.confidence(best.score)
        if best.score < self.abstain_below:
            return self.abstain(
                question, "The text does not clearly answer this question.", analysis, searched_for, hits, conf,
                ranked, notes,
            )

        if analysis.qtype == "comparison" and len(analysis.focus) >= 2:
            answer = self._comparison(question, analysis, ranked, best, searched_for, conf, notes)
            if answer is not None:
                return answer
        if analysis.qtype == "list" or best.kind in ("lead_in",):
            answer = self._list(question, analysis, ranked, searched_for, conf, notes)
            if answer is not None:
                return answer
        return self._quotes(question, analysis, ranked, best, searched_for, conf, notes)

    def _render(
        self, question: str, analysis: Analysis, body: str, cites: list[Citation], searched_for: str,
        conf: float, notes: list[str], parts: list[Part] | None = None,
    ) -> Answer:
        blocks = []
        if searched_for and fold(searched_for) != fold(question):
            blocks.append(f"*Searched for: {searched_for}*")
        blocks.extend(f"*{n}*" for n in notes)
        blocks.append(body)
        blocks.append(self.sources_footer(cites))
        return Answer(
            answer="\n\n".join(blocks),
            abstained=False,
            confidence=conf,
            citations=cites,
            question=question,
            searched_for=searched_for,
            question_type=analysis.qtype,
            focus=analysis.focus,
            notes=notes,
            parts=parts or [],
        )

    def _quotes(
        self, question: str, analysis: Analysis, ranked: list[Evidence], best: Evidence, searched_for: str,
        conf: float, notes: list[str],
    ) -> Answer:
        chosen = [best]
        cue = analysis.cue
        # A second sentence only when it adds to the same kind of answer from the same paragraph.
        # Toxicity answers gather every toxicity sentence of the paragraph; others take one more at most.
        gather = analysis.qtype in ("side_effects", "toxicity_management")
        limit, floor = (3, 0.6) if gather else (2, 0.85)
        for ev in ranked[:8]:
            if ev is best or len(chosen) >= limit:
                continue
            if (
                ev.doc == best.doc
                and ev.block == best.block
                and ev.score >= best.score * floor
                and (cue is None or cue.search(ev.text))
                and (analysis.need is None or analysis.need.search(ev.text))
                and analysis.qtype not in ("definition", "indication", "age", "frequency", "etiology")
                and not analysis.yes_no
            ):
                chosen.append(ev)
        chosen.sort(key=lambda e: e.row if e is not best else -1)
        cites = [self.citation(ev, i + 1) for i, ev in enumerate(chosen)]
        lead = "The text says: " if analysis.yes_no else ""
        body = "\n\n".join(
            (lead if i == 0 else "") + f"“{c.quote}” [{c.marker}]" for i, c in enumerate(cites)
        )
        parts = ([Part(kind="lead", text="The text says:")] if lead else []) + [
            Part(kind="quote", cites=[c.marker]) for c in cites
        ]
        return self._render(question, analysis, body, cites, searched_for, conf, notes, parts)

    def _list_anchor(self, ranked: list[Evidence], focused: bool = False) -> Evidence | None:
        """The sentence (of the top six) whose paragraph holds list items and best matches the question.

        Paragraphs are compared as wholes (their own words count), and with a focus the list must be
        about it ("drugs given with intrathecal methotrexate" is not the list of immunotherapies).
        """
        best: Evidence | None = None
        for e in ranked[:6]:
            if focused and e.entity <= 0:
                continue
            has_list = e.kind in ("lead_in", "item") or any(
                self.scorer.sentence(r).kind == "item" for r in self.scorer.block_rows(e.row)
            )
            if has_list and (best is None or e.score + 0.3 * e.context > best.score + 0.3 * best.context):
                best = e
        return best

    def _list(
        self, question: str, analysis: Analysis, ranked: list[Evidence], searched_for: str, conf: float,
        notes: list[str],
    ) -> Answer | None:
        anchor = self._list_anchor(ranked, bool(analysis.focus))
        if anchor is None:
            return None
        rows = self.scorer.block_rows(anchor.row)
        sents = [self.scorer.sentence(r) for r in rows]
        items = [s for s in sents if s.kind == "item"][: rules().list_items_max]
        if not items:
            return None
        before = [s for s in sents if s.kind != "item" and s.row < items[0].row]
        lead_ins = [s for s in before if s.kind == "lead_in" and len(s.text) >= 40]
        if lead_ins:
            intro = lead_ins[-1]
        else:  # "Examples include:" says little; quote the sentence that introduces it
            scored = {e.row: e.score for e in ranked}
            prose = [s for s in before if len(s.text) >= 40] or before
            intro = max(prose, key=lambda s: scored.get(s.row, -1.0))
        intro.score = max(anchor.score, intro.score)
        cites = [self.citation(intro, 1)]
        for i, item in enumerate(items):
            item.score = anchor.score
            cites.append(self.citation(item, i + 2))
        body = f"“{cites[0].quote}” [1]\n\n" + "\n".join(f"- “{c.quote}” [{c.marker}]" for c in cites[1:])
        parts = [Part(kind="quote", cites=[1]), Part(kind="items", cites=[c.marker for c in cites[1:]])]
        return self._render(question, analysis, body, cites, searched_for, conf, notes, parts)

    def _comparison(
        self, question: str, analysis: Analysis, ranked: list[Evidence], best: Evidence, searched_for: str,
        conf: float, notes: list[str],
    ) -> Answer | None:
        a, b = analysis.focus[:2]
        names = lambda e: {m.term for m in self.glossary.mentions(e.text)} | set(e.subjects)  # noqa: E731
        if {a, b} <= names(best):
            return None  # one sentence already compares them: quote it
        # The attribute compared ("targets", "side effects") is the question's next type, if any.
        attr = next((t for t in analysis.types if t not in ("comparison", "definition")), None)
        attr_rule = rules().get(attr) if attr else None
        attr_cue = attr_rule.cue if attr_rule else None
        cells: list[Evidence] = []
        for term in (a, b):
            own = [e for e in ranked if term in e.own or (not e.own and term in e.subjects)]
            if not own:
                return None

            def cell_score(e: Evidence, term: str = term) -> float:
                starts = any(fold(e.text).startswith(s) for s in self.glossary.surfaces(term))
                return e.score + 0.15 * bool(attr_cue and attr_cue.search(e.text)) + 0.1 * starts

            cells.append(max(own, key=cell_score))
        cites = [self.citation(ev, i + 1) for i, ev in enumerate(cells)]
        head = f"| | {a} | {b} |\n|---|---|---|\n"
        row = "| What the text says | " + " | ".join(f"“{_md_escape_cell(c.quote)}” [{c.marker}]" for c in cites) + " |"
        conf = min(conf, self.confidence(min(e.score for e in cells) + 0.05))
        parts = [Part(kind="compare", cites=[c.marker for c in cites], labels=[a, b])]
        return self._render(question, analysis, head + row, cites, searched_for, conf, notes, parts)

    def date_answer(
        self, question: str, analysis: Analysis, docs: list[int], searched_for: str, notes: list[str] | None = None
    ) -> Answer:
        dated = [self.data.documents[d] for d in docs if self.data.documents[d].date]
        if not dated:
            dated = [d for d in self.data.documents if d.date]
            if len(dated) != 1:
                return self.abstain(
                    question, "The documents do not carry one date to report.", analysis, searched_for, [],
                    notes=notes,
                )
        doc = dated[0]
        body = f"The source “{doc.title or doc.id}” is dated {doc.date}."
        notes = notes or []
        return Answer(
            answer="\n\n".join([*(f"*{n}*" for n in notes), body]),
            notes=notes,
            abstained=False,
            confidence=1.0,
            citations=[],
            question=question,
            searched_for=searched_for,
            question_type="date",
            focus=analysis.focus,
            parts=[Part(kind="lead", text=body)],
        )
