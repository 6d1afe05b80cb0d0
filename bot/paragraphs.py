"""A document's paragraphs as an overview reads them: the sentences of each block, the treatments it is
about, and the classes it names or is listed under (bot/overview.py picks from them)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot import conditions
from bot.breadth import TREATMENT_KINDS
from bot.evidence import Evidence, EvidenceScorer
from bot.glossary import Glossary


@dataclass
class Paragraph:
    block: int
    sentences: list[Evidence]
    terms: set[str] = field(default_factory=set)  # treatments it is about
    classes: set[str] = field(default_factory=set)  # classes it names or is listed under
    kinds: set[str] = field(default_factory=set)  # what its sentences are about, and the classes of those

    @property
    def subject(self) -> str | None:
        """The treatment it is about: the first its sentences name first ("Tisagenlecleucel, a ...": tisagenlecleucel)."""
        return next((e.own[0] for e in self.sentences if e.own and e.own[0] in self.terms), None)

    @property
    def first(self) -> Evidence | None:
        """Its key sentence: the first full sentence (a list's lead-in counts)."""
        full = [e for e in self.sentences if len(e.text) >= 40 or e.kind == "lead_in"]
        return full[0] if full else None


def paragraphs(evidence: list[Evidence], scorer: EvidenceScorer, glossary: Glossary) -> list[Paragraph]:
    """The paragraphs of ``evidence`` (scored sentences, any order), each with the treatments it is about and
    the classes it names or is listed under (a list's lead-in names a class; its items are members of it)."""
    by_block: dict[tuple[int, int], list[Evidence]] = {}
    for e in sorted(evidence, key=lambda e: e.row):
        by_block.setdefault((e.doc, e.block), []).append(e)
    out: list[Paragraph] = []
    member_of: dict[str, set[str]] = {}  # a listed treatment: the classes its list's lead-in names
    for (_, block), sents in by_block.items():
        p = Paragraph(block, sents, {m.term for e in sents for m in scorer.mentions(e.row) if m.kind in TREATMENT_KINDS})
        # A list's lead-in names a class ("immunotherapies"); its items are members of it.
        lead = [e for e in sents if e.kind == "lead_in"]
        items = [e for e in sents if e.kind == "item"]
        if lead and items:
            classes = {m.term for m in scorer.mentions(lead[-1].row) if m.kind in TREATMENT_KINDS}
            for it in items:
                for m in scorer.mentions(it.row):
                    member_of.setdefault(m.term, set()).update(classes)
        out.append(p)
    for p in out:
        p.classes = set(p.terms)
        for t in p.terms:
            p.classes |= member_of.get(t, set()) | set(glossary.broader(t))
        p.kinds = {k for s in {e.own[0] for e in p.sentences if e.own and e.own[0] in p.terms}
                   for k in (s, *member_of.get(s, set()), *glossary.broader(s))}
    return out


def bare_list(p: Paragraph) -> bool:
    """A lead-in with bare names ("include: Blinatumomab ..."): the paragraphs about each say more."""
    return any(e.kind == "item" for e in p.sentences) and all(e.kind != "prose" or len(e.text) < 40 for e in p.sentences) \
        and all(len(e.text.split()) < 5 for e in p.sentences if e.kind == "item")


def qualifiers(chosen: list[Evidence], scorer: EvidenceScorer) -> list[Evidence]:
    """What the paragraph of a list item in ``chosen`` says of the whole list when the text qualifies it
    ("Nelarabine ...: for T-cell ALL ..." under "clinically meaningful outcomes have not been convincingly
    demonstrated"), when ``chosen`` lacks it: an item is never quoted without its qualifier."""
    rows = {e.row for e in chosen}
    out: list[Evidence] = []
    for e in chosen:
        for r in scorer.block_rows(e.row) if e.kind == "item" else ():
            q = scorer.sentence(r)
            if r not in rows and q.kind == "prose" and conditions.qualified(q.text):
                rows.add(r)
                out.append(replace(q, score=e.score, qualified=True))
    return out

