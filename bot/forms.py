"""Answer forms: which sentences answer, and in what shape (quotes, a list, a comparison, an overview).

A form returns a ``Draft``: blocks that point at scored evidence. The composer turns it into citations
and text; nothing here writes prose beyond short template leads that state no fact of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.breadth import TREATMENT_KINDS
from bot.breadth_words import ASK_CLAUSE
from bot.evidence import Evidence, EvidenceScorer
from bot.glossary import Glossary
from bot.leads import keep_fitting, says_for
from bot.paragraphs import qualifiers
from bot.params import Params
from bot.question import Analysis, rules
from bot.text import asks, fold, without_references

BlockKind = Literal["lead", "quote", "items", "related", "compare", "note"]


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


@dataclass
class Draft:
    blocks: list[Block]
    score: float  # the evidence score the answer's confidence comes from


# Types that one sentence answers: a second quote only adds noise.
_ONE_SENTENCE = frozenset({"definition", "indication", "age", "frequency", "etiology"})
_GATHER = frozenset({"side_effects", "toxicity_management"})
# Asked for one value (a dose, an age limit, how often): the sentence giving it, with nothing beside it.
_EXACT = frozenset({"dose", "frequency", "duration", "duration_count", "age", "date", "percentage", "percent_figure", "cost", "target"})
# Types asking what something is, how it shows or goes: its paragraph answers them, the best sentence first.
_DESCRIBED = frozenset({"definition", "prognosis", "site_treatment", "location", "mechanism", "diagnosis"})


def led_by(draft: Draft, first: Evidence) -> Draft:
    """``draft`` after ``first`` quoted alone ("Transplantation is rarely used for patients > 65 years", then
    the other options), which no later block repeats."""
    rest = [replace(b, evidence=[e for e in b.evidence if e.row != first.row]) for b in draft.blocks]
    if not any(b.evidence for b in rest):  # (the one option was the answer: no lead for an empty list)
        rest = []
    return Draft([Block("quote", evidence=[first]), *[b for b in rest if b.evidence or b.kind != "items"]], draft.score)


def answering(ranked: list[Evidence], best: Evidence, analysis: Analysis | None = None) -> tuple[list[Evidence], Evidence]:
    """A heading that asks ("What causes multiple sclerosis?") chooses its document but answers
    nothing: the quotes are the document's sentences that do (the best of them in its place). Asked how
    something is treated, a statement the text qualifies ("the role of ... is unclear") does not lead when
    its paragraph states the treatment plainly, as no qualified statement leads an options answer."""
    if best.qualified and analysis is not None and analysis.qtype == "site_treatment" and not analysis.yes_no:
        plain = next((e for e in ranked if e.doc == best.doc and e.block == best.block and e.cue and not e.qualified), None)
        if plain is not None:
            return [plain, *[e for e in ranked if e is not plain]], plain
    if not asks(best.text):
        return ranked, best
    told = [e for e in ranked if not asks(e.text)]
    after = next((e for e in told if e.doc == best.doc), None)
    return (told, replace(after, score=best.score)) if after is not None else (ranked, best)

# Question types asking how patients fare, not what they are given.
OUTCOME_TYPES = frozenset({"prognosis", "percentage", "percent_figure", "life_expectancy"})


def only_whether(analysis: Analysis) -> bool:
    """A yes/no question and nothing further: one sentence settles it. "Is a transplant an option? Who
    can be the donor?" asks further, and its answer is that of the ask after it."""
    return analysis.yes_no and not any(m.start(1) > 0 for m in ASK_CLAUSE.finditer(analysis.text))


class Forms:
    def __init__(self, scorer: EvidenceScorer, glossary: Glossary, params: Params) -> None:
        self.scorer = scorer
        self.glossary = glossary
        self.params = params

    # ------------------------------------------------------------------ quotes

    def quotes(self, analysis: Analysis, ranked: list[Evidence], best: Evidence) -> Draft:
        """The best sentence; a second from its paragraph when it adds to the same kind of answer; and, for a
        question of several parts ("what is it and who can get it?"), the sentences that answer the parts
        the first leaves open."""
        p = self.params
        chosen = [best]
        cue = analysis.cue
        gather = analysis.qtype in _GATHER
        limit, floor = (p.gather_limit, p.gather_quote_floor) if gather else (2, p.second_quote_floor)
        # "Transplant?", "role of HSCT in relapsed ALL?", "what is blinatumomab?": a subject named and nothing
        # or what it is asked of it; the best sentence leads, and the rest of its paragraph about it follows
        # (measured: other types gathered so gain nothing on the labelled sets).
        topic = not analysis.yes_no and (
            ((analysis.untyped or analysis.qtype == "definition") and len(analysis.focus) == 1)
            # (and what a situation is, how it shows or goes, named by no glossary term: "how serious is an early relapse?")
            or (not analysis.focus and analysis.qtype in _DESCRIBED)
        )
        for ev in ranked[:8]:
            if ev is best or len(chosen) >= (p.gather_limit if topic else limit):
                continue
            same = ev.doc == best.doc and ev.block == best.block
            if (topic and same and ev.score >= best.score * p.gather_quote_floor and (
                not analysis.focus or analysis.focus[0] in ev.subjects or analysis.focus[0] in self.scorer.named(ev.row)
            )) or (
                same
                and ev.score >= best.score * floor
                and (cue is None or cue.search(ev.text))
                and (analysis.need is None or analysis.need.search(ev.text))
                and analysis.qtype not in _ONE_SENTENCE
                and not only_whether(analysis)
            ):
                chosen.append(ev)
        if not topic:  # (a topic asks no further part)
            chosen += self._complements(analysis, ranked, chosen)
        if len(chosen) == 1 and analysis.focus and (opener := self._opener(best, analysis.focus[0])) is not None:
            # "Where else can the donor cells come from?": "Cells from other relatives ... are sometimes used",
            # with the sentence of its paragraph that says what it is about (transplant from a matched sibling).
            chosen.append(opener)
        quals = qualifiers(chosen, self.scorer)
        head, rest = chosen[0], sorted(chosen[1:] + quals, key=lambda e: e.row)
        blocks = [Block("lead", "The text says:")] if analysis.yes_no else []
        blocks += [Block("quote", evidence=[e]) for e in [head, *rest]]
        if len(chosen) <= 2 and not analysis.yes_no and analysis.qtype not in _EXACT and (related := self._related(ranked, best, chosen + quals)):
            # One or two sentences answer; what else the text says nearly as closely follows, apart.
            blocks += [Block("lead", "Related passages:"), Block("related", evidence=related)]
        return Draft(blocks, best.score)

    def _related(self, ranked: list[Evidence], best: Evidence, chosen: list[Evidence]) -> list[Evidence]:
        """Up to ``related_limit`` full sentences of ``best``'s document scoring ``related_floor`` of it or more."""
        p = self.params
        rows = {e.row for e in chosen}
        near = [e for e in ranked[:8] if e.row not in rows and e.doc == best.doc and len(e.text) >= 40 and e.score >= best.score * p.related_floor]
        return sorted(near[: p.related_limit], key=lambda e: e.row)

    def _opener(self, best: Evidence, term: str) -> Evidence | None:
        """When ``best`` never names ``term`` (nor anything of its kind), the first sentence of its paragraph that does."""
        if term in self.scorer.named(best.row) or best.own:  # (its subjects count its paragraph's: not what it says)
            return None
        opener = next((self.scorer.sentence(r) for r in self.scorer.block_rows(best.row) if r != best.row and term in self.scorer.named(r)), None)
        return replace(opener, score=best.score) if opener is not None else None

    def _parts(self, analysis: Analysis) -> list[tuple[str, object]]:
        """What the question asks about: its terms, its rare words and its further question types."""
        parts: list[tuple[str, object]] = [("term", t) for t in analysis.focus]
        parts += [("word", self.scorer.stem(w)) for w, wt in analysis.subject.items() if wt >= self.params.part_min_weight]
        for name in analysis.types[1:]:
            rule = rules().get(name)
            if rule is not None and rule.cue is not None and name not in ("definition", analysis.qtype):
                parts.append(("type", rule.cue))
        return parts

    def _answers_part(self, ev: Evidence, part: tuple[str, object]) -> bool:
        kind, value = part
        if kind == "term":
            return value in ev.subjects or value in self.scorer.named(ev.row)
        if kind == "word":
            return value in self.scorer.row_stems(ev.row)
        return bool(value.search(ev.text))  # type: ignore[attr-defined]

    def _complements(self, analysis: Analysis, ranked: list[Evidence], chosen: list[Evidence]) -> list[Evidence]:
        p = self.params
        if only_whether(analysis) or analysis.qtype == "comparison":
            return []
        best = chosen[0]
        parts = self._parts(analysis)
        if any(kind == "word" for kind, _ in parts):
            # A word of the document's title is its topic ("acute lymphoblastic" in "relapsed ALL"): every
            # sentence of it speaks of it, so it is no part a further sentence must answer.
            title = self.scorer.title_stems(best.doc)
            parts = [x for x in parts if not (x[0] == "word" and x[1] in title)]
        if len(parts) < 2:
            return []
        open_parts = [x for x in parts if not any(self._answers_part(e, x) for e in chosen)]
        extra: list[Evidence] = []
        pool = [e for e in ranked if e.doc == best.doc and e not in chosen and len(e.text) >= 40]
        while open_parts and len(extra) < p.complement_limit:
            scored = [
                (sum(self._answers_part(e, x) for x in open_parts), e) for e in pool
                if e.score >= best.score - p.complement_window and e not in extra
            ]
            scored = [(n, e) for n, e in scored if n > 0]
            if not scored:
                break
            _, pick = max(scored, key=lambda x: (x[0], x[1].score))
            extra.append(pick)
            open_parts = [x for x in open_parts if not self._answers_part(pick, x)]
        return extra

    # ------------------------------------------------------------------ lists

    def list_anchor(self, ranked: list[Evidence], focused: bool = False) -> Evidence | None:
        """The sentence (of the top six) whose paragraph holds list items and best matches the question.

        Paragraphs are compared as wholes (their own words count), and with a focus the list must be
        about it ("drugs given with intrathecal methotrexate" is not the list of immunotherapies).
        """
        w = self.params.list_context_weight
        best: Evidence | None = None
        for e in ranked[:6]:
            if focused and e.entity <= 0:
                continue
            has_list = e.kind in ("lead_in", "item") or any(
                self.scorer.sentence(r).kind == "item" for r in self.scorer.block_rows(e.row)
            )
            if has_list and (best is None or e.score + w * e.context > best.score + w * best.context):
                best = e
        return best

    def list_score(self, listed: Evidence) -> float:
        """A list is read as a whole: its paragraph, not one sentence, must name the subject."""
        p = self.params
        named = 0.0
        if listed.unnamed > 0:
            penalty = p.p_unnamed * min(listed.missing_weight, p.missing_cap)
            named = penalty * (1 - listed.unnamed_context / max(listed.unnamed, 1e-9))
        return listed.score + named + p.list_bonus

    def stating(self, need: re.Pattern[str], pool: list[Evidence], analysis: Analysis) -> list[Evidence]:
        """Those of ``pool`` stating what ``need`` asks beyond what the question says itself. "Why was it
        withdrawn?": "marketing has been discontinued" restates the question's premise, not its reason."""
        if analysis.qtype not in ("cause", "shortfall"):
            return [e for e in pool if need.search(without_references(e.text))]
        said = self.scorer.stems(analysis.text) | {
            st for m in analysis.mentions for s in self.glossary.surfaces(m.term) for st in self.scorer.stems(s)}
        # (a reason said in small words only, "because", "only a few", is never the question's own)
        return [e for e in pool if any(not ((st := self.scorer.stems(m.group(0))) and st <= said) for m in need.finditer(without_references(e.text)))]

    def speaks_for(self, ev: Evidence, terms: list[str]) -> bool:
        """Does ``ev`` introduce a list whose items name any of ``terms``? "Other agents have been
        available, but ... Examples include:" speaks for the clofarabine and nelarabine listed under it."""
        if ev.kind == "item" or not terms:
            return False
        rows = [r for r in self.scorer.block_rows(ev.row) if r > ev.row]
        items = [r for r in rows if self.scorer.sentence(r).kind == "item"]
        return any(set(terms) & self.scorer.named(r) for r in items)

    def listing(self, analysis: Analysis, ranked: list[Evidence]) -> Draft | None:
        anchor = self.list_anchor(ranked, bool(analysis.focus))
        if anchor is None:
            return None
        sents = [self.scorer.sentence(r) for r in self.scorer.block_rows(anchor.row)]
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
        blocks = [Block("quote", evidence=[intro])]
        kept = items
        if analysis.conditions:
            # Keep only the items fitting the asker, and say so.
            kept, note = keep_fitting(items, [self._fit(s, analysis) for s in items], analysis.conditions)
            if note:
                blocks.insert(0, Block("note", note))
        for item in kept:
            item.score = anchor.score
        if len(kept) == 1 and len(items) > 1:
            # One item fits: it is the answer, and the sentence introducing the list says what it is among.
            blocks[-1:] = [Block("quote", evidence=[kept[0]]), blocks[-1]]
            return Draft(blocks, anchor.score)
        blocks.append(Block("items", evidence=kept))
        return Draft(blocks, anchor.score)

    def by_condition(self, analysis: Analysis, ranked: list[Evidence]) -> Draft | None:
        """"Which therapies fit B-cell and which T-cell ALL?", "... for children and for adults?": the best
        document's sentences on a treatment that state each value asked for, grouped by value in the
        question's order, each group in the text's order (those saying whom a treatment is for first). None when the question names one value, names a
        treatment itself, or a group would be empty (a filtered list or a quote answers then)."""
        from bot.conditions import fit, split

        groups = split(analysis.text)
        # (nor one asking how each group fares, "the odds for kids vs adults": what a sentence says of both)
        if not groups or not ranked or any(self.glossary.kind(t) in TREATMENT_KINDS for t in analysis.focus) or OUTCOME_TYPES & set(analysis.types):
            return None
        best = ranked[0]
        rows = [
            r for r in self.scorer.document_rows(best.doc)
            if any(self.glossary.kind(t) in TREATMENT_KINDS for t in self.scorer.named(r))
        ]
        per_group = max(1, self.params.overview_max_quotes // len(groups))
        blocks: list[Block] = []
        for_whom = says_for()
        for label, cond in groups:
            members = [r for r in rows if fit(self.scorer.conditions_of(r), cond) > 0]
            # Whom a treatment is for before an outcome in a group ("a second remission in ... one third of adults").
            members = sorted(members, key=lambda r: (not (for_whom and for_whom.search(self.scorer.sentence(r).text)), r))[:per_group]
            if not members:
                return None
            evs = [self.scorer.sentence(r) for r in members]
            for ev in evs:
                ev.score = best.score
            blocks += [Block("lead", f"For {label}:"), Block("items", evidence=evs)]
        return Draft(blocks, best.score)

    def members_fitting(self, analysis: Analysis, ranked: list[Evidence]) -> Draft | None:
        """"Which of the immunotherapies are for children?": the best document's sentences on the class's
        members that state a condition fitting the asker, in the text's order. None unless two or more fit
        and another member's sentence excludes the asker (else the list or one quote answers)."""
        from bot.conditions import fit

        members = {m for t in analysis.focus for m in self.glossary.narrower(t)}
        if not members or not analysis.conditions or not ranked:
            return None
        best = ranked[0]
        chosen: dict[str, int] = {}
        excludes = False
        for r in self.scorer.document_rows(best.doc):
            named = self.scorer.named(r) & members
            # The member a sentence is about: "CAR-T" is named by the tisagenlecleucel sentence as its class.
            own = [m for m in named if not set(self.glossary.narrower(m)) & named]
            if len(own) != 1:
                continue
            f = fit(self.scorer.conditions_of(r), analysis.conditions)
            excludes = excludes or f < 0
            if f > 0:
                chosen.setdefault(own[0], r)
        if len(chosen) < 2 or not excludes:
            return None
        evs = [self.scorer.sentence(r) for r in sorted(chosen.values())]
        for ev in evs:
            ev.score = best.score
        shown = ", ".join(analysis.conditions.labels) or "your question"
        return Draft([Block("note", f"Only the items that fit {shown} are listed."), Block("items", evidence=evs)], best.score)

    def _fit(self, ev: Evidence, analysis: Analysis) -> float:
        from bot.conditions import fit

        return fit(self.scorer.conditions_of(ev.row), analysis.conditions, clamp=False)

    # ------------------------------------------------------------------ comparisons

    def comparison(self, analysis: Analysis, ranked: list[Evidence], best: Evidence) -> Draft | None:
        p = self.params
        # "The two CAR-T products: how do tisagenlecleucel and brexucabtagene differ?": the members are
        # compared; a class named beside two of its members only says what they are.
        sides = [t for t in analysis.focus if not set(self.glossary.narrower(t)) & set(analysis.focus)]
        a, b = (sides if len(sides) >= 2 else analysis.focus)[:2]

        def names(e: Evidence) -> set[str]:
            named = {m.term for m in self.glossary.mentions(e.text)} | set(e.subjects)
            # "than with standard chemotherapy" speaks of chemotherapy too.
            return named | {x for x in (a, b) if any(re.search(rf"\b{re.escape(x)}\b", t) for t in named)}

        if {a, b} <= names(best):
            return None  # one sentence already compares them: quote it
        # A sentence of the best one's document that speaks of both compares them: it answers first.
        direct = next((e for e in ranked if e.doc == best.doc and {a, b} <= names(e)), None)
        if direct is not None:
            return self.quotes(analysis, ranked, direct)
        # The attribute compared ("targets", "side effects") is the question's next type, if any.
        attr = next((t for t in analysis.types if t not in ("comparison", "definition")), None)
        attr_rule = rules().get(attr) if attr else None
        attr_cue = attr_rule.cue if attr_rule else None
        cells: list[Evidence] = []
        owns = {t: [e for e in ranked if t in e.own or (not e.own and t in e.subjects)] for t in (a, b)}
        # Both sides from one document when one speaks of both (the best sentence's, else the one whose
        # sentences on them score best): a page that only defines one of them elsewhere compares nothing.
        both = {e.doc for e in owns[a]} & {e.doc for e in owns[b]}
        if both:
            doc = best.doc if best.doc in both else max(
                both, key=lambda d: max(e.score for t in (a, b) for e in owns[t] if e.doc == d)
            )
            owns = {t: [e for e in es if e.doc == doc] for t, es in owns.items()}
        for term in (a, b):
            own = owns[term]
            if not own:
                return None

            def cell_score(e: Evidence, term: str = term) -> float:
                starts = any(fold(e.text).startswith(s) for s in self.glossary.surfaces(term))
                return e.score + p.comparison_cue_bonus * bool(attr_cue and attr_cue.search(e.text)) + (
                    p.comparison_starts_bonus * starts
                )

            cells.append(max(own, key=cell_score))
        score = min(best.score, min(e.score for e in cells) + p.comparison_conf_margin)
        # The rest of what each side's paragraph says (of the attribute compared, if one is), the best two each:
        # "Inotuzumab vs blinatumomab - compare" reads their risks and their evidence too, not one line each.
        more = [e for cell in cells for e in sorted(
            (e for e in ranked if e.doc == cell.doc and e.block == cell.block and e.row != cell.row and len(e.text) >= 40
             and (attr_cue is None or attr_cue.search(e.text))), key=lambda e: -e.score)[:2]]
        more = sorted({e.row: e for e in more if all(e.row != c.row for c in cells)}.values(), key=lambda e: e.row)  # (cells of one list)
        rest = [Block("lead", "More from the text on each:"), Block("items", evidence=more)] if more else []
        return Draft([Block("compare", evidence=cells, labels=[a, b]), *rest], score)
