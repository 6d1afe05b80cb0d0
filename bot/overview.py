"""Overview answers to broad questions: one quoted sentence per aspect the text covers, in its order;
aspects come from the document's structure, never from a table of topics:
- a summary ("summarize this", "tl;dr") quotes each paragraph's key (first full) sentence;
- an options question ("what can be done?", "the immunotherapy options") quotes, for each paragraph
  about a treatment (glossary kinds drug, therapy, procedure), its sentence that best answers; a class
  named ("immunotherapy") keeps the paragraphs about it or what the text lists under it (not transplant's
  "following ... immunotherapy"); a site's paragraph (CNS, testes) joins only when a site is named;
- a topical question ("tell me about transplant") quotes the best paragraph's sentences, then the
  best sentence of the other paragraphs that answer nearly as well.
A sentence the text itself qualifies ("not convincingly demonstrated") never leads.
"""

from __future__ import annotations

import re

import numpy as np

from bot import conditions, leads
from bot.breadth import ATTRIBUTE_TYPES, FILTERING_TYPES, STATED_ATTRIBUTES, TREATMENT_KINDS, Breadth
from bot.breadth_words import ASK_CLAUSE, ASPECTS, DRUGS, EACH_SITE, EACH_STATES, MEANING, OPTIONS, TOPIC_SAY
from bot.evidence import Evidence, EvidenceScorer
from bot.forms import Block, Draft
from bot.glossary import Glossary
from bot.paragraphs import Paragraph, bare_list, qualifiers
from bot.paragraphs import paragraphs as split_paragraphs
from bot.params import Params
from bot.question import Analysis, rules
from bot.story import asking_start
from bot.text import content_words, fold

WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)  # ("where can it come back?" asks for the sites; "each relapse site" names them)


class Overview:
    def __init__(self, scorer: EvidenceScorer, glossary: Glossary, params: Params) -> None:
        self.scorer = scorer
        self.glossary = glossary
        self.params = params
        self.breadth = Breadth(scorer, glossary)

    def is_summary(self, analysis: Analysis) -> bool:
        return self.breadth.is_summary(analysis)

    def broadens(self, analysis: Analysis) -> bool:
        return self.breadth.broadens(analysis)

    def outlook_first(self, analysis: Analysis, ranked: list[Evidence]) -> Evidence | None:
        """"What is her outlook, and what can they do?": the outlook asked before the options leads them, as
        the best sentence stating an outcome of the disease (naming no treatment); None when not so asked."""
        rule = rules().get("prognosis")
        # (not how well a treatment asked about works: "how well do the immune-based treatments work?")
        if "prognosis" not in analysis.types or rule is None or rule.cue is None or any(
                self.glossary.kind(t) in TREATMENT_KINDS for t in analysis.focus):
            return None
        asked = fold(analysis.text[asking_start(analysis.text):])
        outlook, options = rule.ask.search(asked), OPTIONS.search(asked)
        if outlook is None or options is None or outlook.start() > options.start():
            return None
        said = {m.term for m in analysis.mentions}
        return next((e for e in ranked if rule.cue.search(e.text) and not e.qualified and e.kind != "lead_in"
                     and set(analysis.focus) <= set(e.own)  # (of the site asked about,
                     and not any(self.glossary.kind(t) in TREATMENT_KINDS or (self.glossary.kind(t) == "site" and t not in said)
                                 for t in e.own)), None)  # not of another: "her chances" is no marrow relapse's)

    def draft(self, analysis: Analysis, evidence: list[Evidence], exclude: set[str] | None = None) -> Draft | None:
        """``evidence``: every scored sentence of the document to overview."""
        if not evidence:
            return None
        aside = exclude or set()  # as the asker said it, for the lead
        # Setting a class aside sets its members aside ("other than CAR-T": not tisagenlecleucel either).
        exclude = aside | {m for t in aside for m in self.glossary.narrower(t)}
        # And a class all of whose members are set aside ("besides the antibodies and CAR-T": the immunotherapies).
        exclude |= {c for t in exclude for c in self.glossary.broader(t) if set(self.glossary.narrower(c)) <= exclude}
        paragraphs = split_paragraphs(evidence, self.scorer, self.glossary)
        sites = [p for p in self._site_paragraphs(analysis, paragraphs) if not set(p.sentences[0].own) & exclude]
        named = [t for t in self.breadth.named(analysis) if t not in exclude]
        chosen, note = [], ""  # (a list kept to the items fitting the asker says so in its note)
        asks_qualified = not named and conditions.asks_qualified(analysis.text)
        # A word of the text asked about ("what does it say about a cure?"): every sentence saying it, in its order.
        words = self.breadth.theme(analysis)
        theme = [e for e in evidence if words and len(e.text) >= 40 and words & self.scorer.row_stems(e.row)]
        # The paragraphs with statements the text qualifies, and how many, when the question asks about them.
        qualified = [(p, n) for p in paragraphs if (n := sum(conditions.qualified(e.text) for e in p.sentences))] if asks_qualified else []
        if qualified:
            # "The older drugs that aren't proven to help": the paragraph the text qualifies most, whole.
            best = max(qualified, key=lambda q: (q[1], max(e.score for e in q[0].sentences)))[0]
            chosen = [e for e in best.sentences if len(e.text) >= 40 or conditions.qualified(e.text)]
            chosen, note = leads.fitting(chosen[: self.params.overview_max_quotes], analysis)
            lead = "The text says this" + leads.about(analysis, aside) + ":"
        elif 2 <= len(theme) <= self.params.overview_max_quotes:  # (a word in most sentences is no theme: "relapse")
            said = list(dict.fromkeys(w for w in content_words(analysis.text) if self.scorer.stem(w) in words))
            top = max(theme, key=lambda e: e.score)  # the best first, the rest in the text's order
            chosen, lead = [top, *sorted((e for e in theme if e is not top), key=lambda e: e.row)], f"The text says this about {' and '.join(said)}:"
        elif sites and all(any(t in e.own for para in sites for e in para.sentences) for t in named):
            # A site the text gives paragraphs of its own ("relapse outside the marrow"): those paragraphs (with
            # treatments named that they give: "CNS relapse: the intrathecal regimen and irradiation?").
            chosen = [e for para in sites for e in para.sentences if len(e.text) >= 40]
            if analysis.qtype == "site_treatment" and chosen:
                # How it is managed: the sentence answering best first, then the rest in the text's order.
                top = max(chosen, key=lambda e: e.score)
                chosen = [top] + [e for e in chosen if e is not top]
            elif "site_treatment" in analysis.types and (tx := self._cue("site_treatment")) and len(ASK_CLAUSE.findall(analysis.text)) <= 1 and not ASPECTS.match(analysis.text):
                # Treatment asked of sites: each site's treatment sentence first (not "presentation, work-up, management").
                chosen = [e for para in sites for e in sorted(para.sentences, key=lambda e: not tx.search(e.text)) if len(e.text) >= 40]
            elif (analysis.types[1:2] == ["site_treatment"] and (cure := self._cue("site_treatment")) and not ASPECTS.match(analysis.text)
                  and (treats := next((e for e in chosen if cure.search(e.text)), None)) is not None):
                chosen = [treats, *[e for e in chosen if e is not treats]]  # "How is it treated, and what to expect?": the treatment leads
            chosen = self._where_first(chosen, evidence, analysis)[: self.params.overview_max_quotes]
            lead = "The text says this" + leads.about(analysis, aside) + ":"
        elif (self.breadth.options(analysis, exclude) or self.breadth.tour(analysis) or self.breadth.attribute_wide(analysis) or self.breadth.marks(analysis)
              or (self.breadth.has_class(analysis) and (analysis.qtype in ("list", "overview") or self.breadth.plural(analysis)
                                             or (any(x in EACH_STATES for x in analysis.types) and not analysis.conditions)))):
            chosen = sorted(self._options_pick(analysis, paragraphs, exclude), key=lambda e: e.row)
            if exclude and len(chosen) < 2 and (cure := self._cue("site_treatment")):  # ("is that it?" after every option: where it comes back, its treatment)
                chosen += [e for para in paragraphs if self._site_only(para) for e in para.sentences if cure.search(e.text) and e not in chosen]
            chosen, note = leads.only_for(self._where_first(leads.order(chosen, analysis, named, aside, self.glossary), evidence, analysis, named), analysis)
            if MEANING.search(analysis.text) and not exclude and not named:
                # What it means first: the document's opening sentences that name no treatment.
                opening = [e for e in paragraphs[0].sentences if not any(
                    self.glossary.kind(t) in TREATMENT_KINDS for t in e.own)][:2] if paragraphs else []
                chosen = opening + [e for e in chosen if all(e is not o for o in opening)]
                chosen = chosen[: self.params.overview_max_quotes]
            # (asked what each states, not for the options: "risks of each of A, B and C?": what the text says)
            attribute = any(t in STATED_ATTRIBUTES for t in analysis.types) and not OPTIONS.search(fold(analysis.text))
            lead = ("The text says this" if attribute else "The text describes these options") + leads.about(analysis, aside, self.breadth.before(analysis) | self.breadth.guessed(analysis, analysis.focus)) + ":"
        elif (self.is_summary(analysis) or self.breadth.about_everything(analysis)) and not exclude and not TOPIC_SAY.match(analysis.text):
            # (not "Prognosis after relapse: what does the section say?", which names its topic)
            chosen = [p.first for p in paragraphs if p.first is not None and not bare_list(p)]
            lead = "The text's key points:"
        elif self._outcome_wide(analysis):
            # "What's the outlook overall?": the text's sentences on outcomes wherever they stand (but not on what
            # is set aside), the best few in the text's order (no paragraph is about outcomes alone).
            cue, pool = analysis.cue, [e for para in self._without(paragraphs, exclude) for e in para.sentences]
            stating = sorted((e for e in pool if cue is not None and cue.search(e.text) and len(e.text) >= 20),
                             key=lambda e: -e.score)[: self.params.overview_max_quotes]
            chosen, lead = sorted(stating, key=lambda e: e.row), "The text says this" + leads.about(analysis, aside) + ":"
        else:
            chosen = leads.topical(self._topical_pick(analysis, self._without(paragraphs, exclude)), analysis, self.glossary)
            lead = "The text says this" + leads.about(analysis, aside) + ":"
        picked = list(chosen)
        # One quote is an overview only when it is all there is ("the other options" may be one).
        if not picked or (len(picked) < 2 and not exclude and not self.is_summary(analysis)):
            return None
        for q in qualifiers(picked, self.scorer):  # (a listed item keeps what the text says of its list)
            picked.insert(min(i for i, e in enumerate(picked) if e.block == q.block) or 1, q)  # (before it; after a lead)
        while picked[0].qualified and any(not e.qualified for e in picked):
            picked.append(picked.pop(0))  # a qualified statement never leads; it keeps its own words
        return Draft([*([Block("note", note)] if note else []), Block("lead", lead), Block("items", evidence=picked)],
                     max(e.score for e in picked))

    # ------------------------------------------------------------------ structure

    def _where_first(self, chosen: list[Evidence], evidence: list[Evidence], analysis: Analysis, named: list[str] | None = None) -> list[Evidence]:
        """"Where can it come back, and what is done for each?", "the big picture: where it shows up, the main
        treatments" (naming none): the sentence naming the sites first."""
        if named or not ("places" in analysis.types or ("location" in analysis.types and WHERE.search(analysis.text))):
            return chosen
        listing = [e for e in evidence if sum(m.kind == "site" for m in self.scorer.mentions(e.row)) >= 2][:1]
        return listing + [e for e in chosen if e not in listing]

    def _site_paragraphs(self, analysis: Analysis, paragraphs: list[Paragraph]) -> list[Paragraph]:
        """The paragraphs about a site the question names, or about the sites a named class covers."""
        if EACH_SITE.search(analysis.text):  # "treatment for each site": every site the text gives a paragraph
            return [p for p in paragraphs if self._site_only(p)]
        sites: set[str] = set()
        for t in analysis.focus:
            if self.glossary.kind(t) == "site":
                sites |= {t, *self.glossary.narrower(t)}
        if not sites:
            return []
        return [p for p in paragraphs if self._site_only(p) and set(p.sentences[0].own) & sites]

    def _site_only(self, p: Paragraph) -> bool:
        """A paragraph about a site ("CNS relapse treatment includes ...") starts by naming it."""
        if not p.sentences:
            return False
        return any(m.kind == "site" and m.start <= 2 for m in self.scorer.mentions(p.sentences[0].row))

    # ------------------------------------------------------------------ options

    def _options_pick(self, analysis: Analysis, paragraphs: list[Paragraph], exclude: set[str]) -> list[Evidence]:
        p = self.params
        named = [t for t in self.breadth.named(analysis) if t not in exclude]
        # Classes or treatments named ("the immunotherapy options", "engagers, conjugates and CAR-T") keep the
        # paragraphs about them or their members (one named drug alone is not asking for options).
        classes = set(named) if len(named) >= 2 or (named and self.glossary.kind(named[0]) == "therapy") else set()
        # A site narrows the options only when the text gives that site a paragraph of its own.
        site_topics = {t for para in paragraphs if self._site_only(para) for t in para.sentences[0].own}
        asks_site = any(t in site_topics for t in analysis.focus)
        # "What can go wrong with each?" asks one attribute of every option; "what are the options?" the options.
        asks_attribute = any(t in ATTRIBUTE_TYPES for t in analysis.types)
        marks = self.breadth.marks(analysis)
        cues = [c for c in (self._cue(t) for t in analysis.types if t in FILTERING_TYPES) if c is not None]
        # Asked for the drugs (or agents, medicines) and nothing narrower, when the text gives two or more.
        drugs = not classes and DRUGS.search(analysis.text) and sum(self._drug(p) and not p.terms <= exclude for p in paragraphs) >= 2
        picks: list[tuple[float, Evidence]] = []
        for para in paragraphs:
            # (not for an attribute of each member: "the risks of the immunotherapies" starts with a risk)
            if classes and bare_list(para) and not exclude and (not cues or analysis.qtype == "list"):
                lead = next((e for e in para.sentences if e.kind == "lead_in"), None)
                if lead is not None and len(classes) == 1 and {m.term for m in self.scorer.mentions(lead.row)} & classes:
                    picks.append((float("inf"), lead))
                continue
            if not para.terms or bare_list(para):
                continue
            # A paragraph about a treatment already answered ("the other options" after blinatumomab): the
            # treatment its first sentence names is the one it is about.
            opener = next((n for n in (set(e.own) & para.terms for e in para.sentences) if n), para.terms)
            subject = para.subject
            if para.terms <= exclude or (exclude and (opener <= exclude or subject in exclude)):
                continue
            if classes and not (classes & (para.kinds or para.classes)):
                continue
            if self._site_only(para) and not asks_site:
                continue
            if drugs and not self._drug(para):
                continue  # "which drugs are for which patients?": the drugs, not chemotherapy or transplant
            # Sentences that name the paragraph's treatment, or name nothing and so speak of it; not one
            # that names other things ("Leukemic cells may reappear in the bone marrow, CNS, testes"); nor a
            # lead-in naming nothing ("Examples include:"), which says nothing alone.
            full = [
                e for e in para.sentences
                if (len(e.text) >= 40 or (e.kind == "lead_in" and e.own)) and (not e.own or set(e.own) & para.terms)
                and not (e.own and e.own[0] in exclude)  # a sentence about what the asker set aside
            ]
            if marks:
                marked = [e for e in full if marks <= {m.term for m in self.scorer.mentions(e.row)}]
                full = full if cues and marked else marked  # "Which CD19-directed therapies?": an option joins by a sentence naming the mark (asked their toxicity, any sentence)
            # A sentence stating every attribute asked; any, of aspects listed ("CAR-T: products, toxicity", "what it
            # is, who can get it and what's the catch"), not of each option ("what each targets and who it is for").
            intro = None
            if cues:
                listed = ASPECTS.match(analysis.text) or ((len(ASK_CLAUSE.findall(analysis.text)) >= 2 or len(cues) >= 3) and not re.search(r"\b(?:each|every)\b", analysis.text, re.I))
                # The options asked beside their attribute ("what could still work, and what are the risks?"):
                # each option's own sentence comes with the one stating the attribute.
                if listed and not classes and OPTIONS.search(fold(analysis.text)):
                    intro = next((e for e in full if set(e.own) & para.terms and not any(c.search(e.text) for c in cues)), None)
                    if intro is not None and analysis.conditions and self._leaves_out(intro, analysis):
                        continue  # (an option that leaves the asker out, with its risks)
                full = [e for e in full if (any if listed else all)(c.search(e.text) for c in cues)]
            if not full:
                continue
            first = next((e for e in full if set(e.own) & para.terms), full[0])
            # A treatment whose stated conditions exclude the asker ("up to 25 years" for a 69-year-old) is left out.
            if analysis.conditions and self._leaves_out(first, analysis):
                # A list of options ("Examples include:" and an agent per line): an item that fits the asker
                # is an option of its own, whatever the first one's conditions.
                fitting = [e for e in full if e.kind == "item" and set(e.own) & para.terms and not self._leaves_out(e, analysis)]
                # Or a sentence giving what fits instead ("no matched sibling": "Cells from other relatives ...").
                fitting = fitting or [e for e in full if e.condition > 0 and not self._leaves_out(e, analysis)]
                if not fitting:
                    continue
                first = fitting[0]
            naming = [e for e in full if not (analysis.conditions and self._leaves_out(e, analysis))]
            # Its first sentence naming the treatment introduces it; a sentence of the kind asked for
            # ("what can go wrong with each": the toxicity sentence) or fitting the asker's conditions wins.
            # A cue speaks for a sentence only when an attribute is asked: "what else is there?" (a list
            # question, cue "include") does not pick "toxicities may include ..." over the drug's own sentence.
            ranked = sorted(
                naming, key=lambda e: -(e.score - (0.0 if asks_attribute else p.w_cue * e.cue)
                                        + p.overview_first_bonus * (e is first) + p.w_condition * e.condition
                                        + p.overview_cue_bonus * (e.cue and asks_attribute))
            )
            # An attribute of each option ("what can go wrong with each?") may take more than one sentence
            # of an option's paragraph: each states it for a different part of the option.
            n = p.overview_attribute_per_option if cues else 1
            if len(classes) >= 2 and "comparison" in analysis.types:  # several named set side by side: the quotes shared out ("pros and cons of X versus Y")
                n = max(n, int(p.overview_max_quotes) // len(classes))
            keep = ranked[:n] if intro is None else [intro, *ranked[:1]]
            if (analysis.conditions.lineage or analysis.conditions.line) and not cues and len(fits := [e for e in ranked if e.kind == "item" and e.condition > 0]) > 1:
                # A list's items are options of their own: each one fitting the asker's disease or line of
                # therapy ("T-ALL, after two regimens": nelarabine and clofarabine), which its items state.
                keep = fits
            if len(classes) >= 2:
                # A tour of several named treatments: a paragraph that speaks of two of them ("Antibodies,
                # such as blinatumomab ... CAR-T cells ...") gives each its own sentence.
                keep = []
                for c in sorted(classes):
                    for e in [e for e in ranked if c in self._serves(e, para)][:n]:
                        if all(e is not k for k in keep):
                            keep.append(e)
            for e in keep:
                picks.append((e.score + p.w_condition * e.condition - p.p_qualified * e.qualified, e))
        picks.sort(key=lambda x: -x[0])
        ranked_picks = [e for _, e in picks]
        if len(classes) >= 2:
            # A tour keeps each named class's best sentence before a crowded class fills the rest.
            firsts = [next((e for e in ranked_picks if c in self._serves(e, self._para_of(e, paragraphs))), None)
                      for c in sorted(classes)]
            seen = [e for e in firsts if e is not None]
            ranked_picks = [e for i, e in enumerate(seen) if all(e is not x for x in seen[:i])] + [
                e for e in ranked_picks if all(e is not x for x in seen)
            ]
        return ranked_picks[: p.overview_max_quotes]

    def _drug(self, para: Paragraph) -> bool:
        return self.glossary.kind(para.subject or "") == "drug"

    def _leaves_out(self, e: Evidence, analysis: Analysis) -> bool:
        """Its conditions leave the asker out: one excluding is enough, however many others fit."""
        return e.condition < 0 or conditions.excludes(self.scorer.conditions_of(e.row), analysis.conditions)

    @staticmethod
    def _para_of(e: Evidence, paragraphs: list[Paragraph]) -> Paragraph:
        return next(p for p in paragraphs if p.block == e.block and any(x is e for x in p.sentences))

    def _serves(self, e: Evidence, para: Paragraph) -> set[str]:
        """The treatments and classes a sentence speaks of: those it names, and what they are kinds of; a
        sentence naming nothing speaks of its paragraph's."""
        if not e.own:
            return para.classes
        return {c for t in e.own for c in (t, *self.glossary.broader(t))}

    @staticmethod
    def _cue(name: str) -> re.Pattern[str] | None:
        return t.cue if (t := rules().get(name)) else None

    # ------------------------------------------------------------------ topical

    def _topical_pick(self, analysis: Analysis, paragraphs: list[Paragraph]) -> list[Evidence]:
        p = self.params
        scored = [(max(e.score for e in para.sentences), para) for para in paragraphs if para.sentences]
        scored.sort(key=lambda x: -x[0])
        if not scored:
            return []
        top, head = scored[0]
        floor = top - abs(top) * (1 - p.overview_relative_floor)
        # The best paragraph's own list items join it whatever their words ("Examples include:" and the agents).
        chosen = [e for e in head.sentences if len(e.text) >= 40 and (e.score >= floor or e.kind == "item")]
        if any(self.glossary.kind(f) in TREATMENT_KINDS for f in analysis.focus):
            # "explain CAR-T cells": not its paragraph's sentence on the antibodies ("survival" keeps them all).
            related = {t for f in analysis.focus for t in (f, *self.glossary.narrower(f), *self.glossary.broader(f))}
            kept = [e for e in chosen if not e.own or set(e.own) & related
                    or not any(self.glossary.kind(t) in TREATMENT_KINDS for t in e.own)]
            chosen = kept or chosen
        cue = analysis.cue
        if (cue is not None and len(ASK_CLAUSE.findall(analysis.text)) <= 1 and not ASPECTS.match(analysis.text)
                and sum(bool(cue.search(e.text)) for e in chosen) >= 2):
            # "Prognosis after relapse": of the best paragraph, the sentences of the kind asked for (not several asks).
            chosen = [e for e in chosen if cue.search(e.text)]
        chosen = chosen[: p.overview_max_quotes]
        more: list[Evidence] = []
        for score, para in scored[1:]:
            if len(chosen) + len(more) >= p.overview_max_quotes or score < floor:
                break
            # With a subject ("tell me about transplant"), another paragraph joins by a sentence naming it.
            pool = [e for e in para.sentences if not analysis.focus or self._names_focus(e, analysis)]
            if not pool:
                continue
            best = max(pool, key=lambda e: e.score)
            if len(best.text) >= 40 and not self._redundant(best, chosen + more):
                more.append(best)
        # The paragraph that answers best comes first, in its own order; the others follow the text's.
        return chosen + sorted(more, key=lambda e: e.row)

    def _outcome_wide(self, analysis: Analysis) -> bool:
        """Outcomes asked of nothing in particular: no subject, no asker, prognosis the kind asked."""
        return (analysis.qtype in ("overview", "prognosis") and "prognosis" in analysis.types[:2]
                and not (analysis.focus or (analysis.conditions and not analysis.conditions.only_course)) and analysis.cue is not None)

    def _without(self, paragraphs: list[Paragraph], exclude: set[str]) -> list[Paragraph]:
        """The paragraphs without their sentences about what the asker set aside ("non-immunotherapy
        agents": not the sentences about an immunotherapy or a kind of one)."""
        if not exclude:
            return paragraphs

        def aside(t: str) -> bool:
            return t in exclude or any(b in exclude for b in self.glossary.broader(t))

        out = []
        for p in paragraphs:
            if p.subject is not None and aside(p.subject):
                continue  # a paragraph about one of them ("Tisagenlecleucel, ..." and its toxicities)
            kept = [e for e in p.sentences if not (e.own and aside(e.own[0]))]  # its subject: the first named
            if kept:
                out.append(Paragraph(p.block, kept, p.terms, p.classes, p.kinds))
        return out

    def _names_focus(self, e: Evidence, analysis: Analysis) -> bool:
        named = {m.term for m in self.scorer.mentions(e.row)}
        return any(t in named or set(self.glossary.narrower(t)) & named for t in analysis.focus)

    def _redundant(self, e: Evidence, chosen: list[Evidence]) -> bool:
        vecs = self.scorer.data.sentence_vectors
        v = np.asarray(vecs[e.row], dtype=np.float32)
        return any(float(v @ np.asarray(vecs[c.row], dtype=np.float32)) >= self.params.overview_redundancy for c in chosen)
