"""How broad a question is: whether it asks for an overview, and of what (options, a tour, a class, one attribute
of every option), read from the question and the glossary alone; bot/overview.py builds the answer."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.breadth_words import (
    AFTER,
    ANY_MORE,
    ANYTHING_NEW,
    ASK_CLAUSE,
    ASPECTS,
    CHOICE,
    CLASS_NOUN,
    COMPARED,
    DENIED,
    DESCRIBE,
    EACH,
    EACH_SITE,
    EACH_STATES,
    ELSE_ASKED,
    MANAGED,
    MAPPING,
    MARK_KINDS,
    MEANING,
    NOT_BROAD,
    OPTIONS,
    OPTIONS_HEAD,
    OTHER,
    PLURAL_OPTIONS,
    REST,
    SINGLE_CHOICE,
    TERSE_ASK,
    TERSE_OPTIONS,
    TERSE_TYPES,
    TERSE_WORDS,
    THERE_ARE,
    TOPIC_SAY,
    TOUR_TYPES,
    TREATMENTS_ASKED,
    TREATS,
    WHICH_BEFORE,
    WHOLE_TEXT,
)
from bot.conditions import asks_qualified, read, split, within
from bot.evidence import Evidence, EvidenceScorer
from bot.glossary import Glossary
from bot.question import ONE_ASKED, Analysis, rules
from bot.story import FAILED, OPTIONS_ASKED, asking_start
from bot.text import content_words, fold
from bot.zipf import zipf_frequency

TREATMENT_KINDS = frozenset({"drug", "therapy", "procedure"})
SUBJECT_KINDS = TREATMENT_KINDS | {"site"}
# Question types that ask for one attribute of a treatment, not for the treatments.
ATTRIBUTE_TYPES = frozenset({"side_effects", "toxicity_management", "age", "indication", "mechanism", "target", "dose", "frequency",
                             "duration", "duration_count", "diagnosis", "prognosis"})
# Attributes that not every option has ("what can go wrong with each?", "the age limits of each"): an option
# whose paragraph never states them is left out. Every option has an outcome, so prognosis does not filter;
# diagnosis is about the disease, not its treatments ("I just found out it is back").
FILTERING_TYPES = ATTRIBUTE_TYPES - {"prognosis", "diagnosis"}
# What an option's paragraph states of it (its risks, how it works), not whom it is for or how it is found.
STATED_ATTRIBUTES = ATTRIBUTE_TYPES - {"indication", "age", "diagnosis"}
THEME_ZIPF = 5.0  # words as common as "side" or "other" name no theme of a text


def single_choice(analysis: Analysis, cls: str) -> bool:
    """The question asks for one member of the class ``cls``: "which one", "which of the immunotherapies",
    "which CAR-T" (a singular name), not "which immunotherapies"."""
    surface = analysis.focus_surface.get(cls, cls)
    # (a plural noun after the name asks for several: "which CAR-T cell therapies")
    return bool(SINGLE_CHOICE.search(analysis.text)) or bool(
        re.search(rf"\bwhich\s+{re.escape(surface)}\b(?!(?:[\s-]+cells?)?{CLASS_NOUN.pattern})", analysis.text, re.I) and not surface.lower().endswith("s")
    )


def asks_an_attribute(analysis: Analysis) -> bool:
    """One of the question's types asks for an attribute ("prognosis", "side effects")."""
    return any(t in ATTRIBUTE_TYPES for t in analysis.types)


def indicated_for_conditions(analysis: Analysis) -> bool:
    """"Second relapse: what's indicated?": what the text gives for the asker's conditions, no treatment named."""
    return not analysis.focus and analysis.qtype == "indication" and bool(analysis.conditions)


class Breadth:
    def __init__(self, scorer: EvidenceScorer, glossary: Glossary) -> None:
        self.scorer = scorer
        self.glossary = glossary

    def is_summary(self, analysis: Analysis) -> bool:
        """Nothing to be about: no focus, no condition, no subject word the corpus knows ("tl;dr, bullets")."""
        known = self.scorer.known_stems
        subject = [w for w, wt in analysis.subject.items() if wt > 0 and self.scorer.stem(w) in known]
        # (not "summarize the prognosis": the text's account of that attribute)
        return (not analysis.focus and not subject and not analysis.conditions and not asks_an_attribute(analysis)
                and not ANYTHING_NEW.search(analysis.text))  # ("is there anything newer?": the options)

    def about_everything(self, analysis: Analysis) -> bool:
        """A broad question about nothing in particular ("what should a family know when ALL comes back?"):
        the text's key points, not the one paragraph its words happen to match best."""
        # Not "prognosis after relapse, the overall picture": the text's account of that attribute.
        return (analysis.qtype == "overview" and not analysis.focus and not analysis.conditions
                and not asks_an_attribute(analysis))

    def broadens(self, analysis: Analysis) -> bool:
        """A question worded narrowly that asks for an overview all the same: several asks about one subject
        ("what is CAR-T and who can get it?"), a tour of several named treatments or sites ("the evidence
        for engagers, conjugates and CAR-T"), or a class whose members the text describes one by one."""
        if ONE_ASKED.search(analysis.text[asking_start(analysis.text):]):  # "which one is meant for T-cell disease?"
            return False
        if analysis.qtype == "comparison" and (self.tour(analysis) or self.compares_options(analysis)):
            return True
        # (a yes/no question followed by others asks them all: "Can it come back in the testicles? How would we
        # know, and what would they do?")
        asks = len(ASK_CLAUSE.findall(analysis.text)) + analysis.yes_no
        subjects = [t for t in analysis.focus if self.glossary.kind(t) in SUBJECT_KINDS]
        sites = [t for t in subjects if self.glossary.kind(t) == "site"]
        # How each site is treated ("how is each site treated?", "... does the treatment depend on the site?"), or
        # sites set side by side ("CNS vs testicular relapse - mx of each?"): the paragraphs the text gives each site.
        if subjects == sites and ((("site_treatment" in analysis.types or TREATS.search(analysis.text)) and EACH_SITE.search(analysis.text))
                                  or (analysis.qtype == "comparison" and len(sites) >= 2)):
            return True
        if analysis.yes_no and THERE_ARE.match(analysis.text[asking_start(analysis.text):]):
            return True  # ("Are there newer treatments than more chemo?": the ones there are)
        if (analysis.yes_no and asks < 3) or analysis.qtype in NOT_BROAD or any(t in NOT_BROAD for t in analysis.types[:1]):
            return False
        # Several asks about one subject, one of them who it is for: a description of that subject.
        if (len(subjects) == 1 and asks >= 3) or (len(subjects) <= 1 and asks == 2 and "indication" in analysis.types):
            return True
        # "Tell me about transplant", "what does the text say about CAR-T": its account, not one sentence.
        if len(subjects) == 1 and DESCRIBE.search(analysis.text):
            return True
        if self.theme(analysis):  # ("what does the text say about a cure?")
            return True
        # "Transplant in relapsed ALL: indications, donors, age limits.": a topic and the aspects wanted.
        # (the topic is what comes before the aspects: "HSCT: donors, sequencing with reinduction, age cut-offs")
        if (aspects := ASPECTS.match(analysis.text)) and len(subjects) >= 1 and len(
            {m.term for m in analysis.mentions if m.start < aspects.end(1) and m.term in subjects} or set(subjects)
        ) == 1:
            return True
        if self.tour(analysis):
            return True
        # "What else is there besides chemo and a transplant?": the options the asker has not set aside.
        treatments = [t for t in analysis.excluded if self.glossary.kind(t) in TREATMENT_KINDS]
        if treatments and OTHER.search(analysis.text) and OPTIONS.search(fold(analysis.text)):
            return True
        # How a site's relapse is managed ("testicular relapse management?"): the paragraph the text gives it.
        if len(sites) == 1 and len(subjects) == 1 and analysis.qtype == "site_treatment" and MANAGED.search(analysis.text):
            return True
        # Two sites ("in the brain or the testicles"), or where it comes back and how each one is treated: the
        # paragraphs the text gives each site, if it does.
        if len(sites) >= 2 or ({"places", "site_treatment"} <= set(analysis.types) and subjects == sites and EACH.search(analysis.text)):
            return True
        # A class whose members the text describes one by one: "which CAR-T products?", "relapse outside the
        # marrow" (the CNS, the testes).
        for t in subjects:
            members = self.glossary.narrower(t)
            if members and self.picks_one(analysis, t):
                continue
            if members and (analysis.qtype == "list" or self.plural(analysis)
                            # "the risks of the immunotherapies": what each member's paragraph states
                            # (not the asker's own case: "CAR-T for a 45-year-old" asks which one fits)
                            or (any(x in EACH_STATES for x in analysis.types) and not analysis.conditions
                                and not any(self.glossary.kind(f) in MARK_KINDS for f in analysis.focus))
                            or any(self.glossary.kind(m) == "site" for m in members)):
                return True
        # "Which medicines are no longer sold?": the paragraph the text qualifies so (bot/overview.py).
        if not self.named(analysis) and asks_qualified(analysis.text) and not analysis.yes_no:
            return True
        # "options for relapsed T-ALL": the options, whatever the question's type words.
        if not analysis.focus and OPTIONS_HEAD.search(analysis.text):
            return True
        # "relapsed ALL tx", "kid relapsed, choices", "latest treatments?": a few words naming no treatment and
        # asking no attribute, with a word for the options: the options, as a message typed in haste asks.
        if (not analysis.focus and not asks_an_attribute(analysis) and analysis.qtype in TERSE_TYPES
                and len(content_words(analysis.text)) <= TERSE_WORDS and TERSE_OPTIONS.search(analysis.text)
                and (not ASK_CLAUSE.search(analysis.text) or TERSE_ASK.search(analysis.text))):
            return True
        # "Which treatments in the text apply to adults?": the options whose paragraphs fit the asker, not one
        # list (the text's lists name bare drugs; the paragraphs about each state whom it is for).
        if not self.named(analysis) and analysis.qtype == "list" and not split(analysis.text) and (
            (analysis.conditions and PLURAL_OPTIONS.search(analysis.text)) or TREATMENTS_ASKED.search(analysis.text)
        ):
            # (and "what are the treatments?": the options, not the first list of drugs)
            return True
        # "Second relapse: what's indicated?", "what is approved for children?": every option for them.
        if indicated_for_conditions(analysis) and not split(analysis.text):
            return True
        # "Prognosis after relapse: what does the section say?": the text's account of a topic.
        if len(subjects) <= 1 and TOPIC_SAY.match(analysis.text):
            return True
        return self.attribute_wide(analysis) or bool(self.marks(analysis))

    def besides_asked(self, analysis: Analysis) -> str | None:
        """"Is a transplant realistic at my age, and what else is there?": the one treatment asked about before
        the question asks for the rest of the options; None when it asks no such thing."""
        treatments = [t for t in analysis.focus if self.glossary.kind(t) in TREATMENT_KINDS]
        if len(treatments) != 1 or analysis.excluded:
            return None
        at = next((m for m in analysis.mentions if m.term == treatments[0]), None)
        return treatments[0] if at and (ELSE_ASKED.search(analysis.text, at.end) or DENIED.search(analysis.text[:at.start])) else None

    def compares_options(self, analysis: Analysis) -> bool:
        """"B vs T lineage: how do the options differ / which agents apply to each?": conditions compared,
        no treatment named, the options asked for: each option with whom it is for."""
        return (analysis.qtype == "comparison" and not analysis.yes_no and not self.named(analysis)
                and bool(OPTIONS.search(fold(analysis.text)) or COMPARED.search(analysis.text)))

    def picks_one(self, analysis: Analysis, cls: str) -> bool:
        """"Which of the immunotherapies targets CD22?", "which CAR-T is for adults?": one member of a class
        chosen by a mark or a condition the question names, not a description of every member."""
        picked_by = any(self.glossary.kind(f) in MARK_KINDS for f in analysis.focus) or bool(analysis.conditions)
        return picked_by and single_choice(analysis, cls)

    def member_fitting(self, analysis: Analysis, ranked: list[Evidence]) -> str | None:
        """"The CAR-T for adults: what can go wrong?": the one member of the class the question names whose
        own sentence (among ``ranked``) states every condition the asker gives, wholly (an age asked within the
        ages stated); None when no member or several do, or the question asks for whom one is."""
        classes = [t for t in analysis.focus if self.glossary.narrower(t)]
        if not analysis.conditions or len(analysis.focus) != 1 or len(classes) != 1:
            return None
        # (whom one is for, asked of the class, is asked for every member; "which CAR-T is for kids?" picks one)
        if analysis.qtype not in FILTERING_TYPES - {"indication", "age"} and not (analysis.qtype in ("indication", "age", "definition") and single_choice(analysis, classes[0])):
            return None
        # (the conditions of the question asked, not of a story told before it: "my daughter's consultant ...")
        members, asked = set(self.glossary.narrower(classes[0])), read(analysis.text[asking_start(analysis.text):], True)
        fits: dict[str, bool] = {}
        for e in ranked:
            if e.own and e.own[0] in members:
                fits[e.own[0]] = fits.get(e.own[0], False) or within(asked, self.scorer.conditions_of(e.row))
        chosen = [m for m, ok in fits.items() if ok]
        return chosen[0] if len(chosen) == 1 else None

    def marks(self, analysis: Analysis) -> set[str]:
        """What picks the options asked for when no treatment is named: "which CD19-directed therapies?"."""
        # (or a terse "CD19-directed tx options", which no type word asks)
        # (and one attribute of each: "toxicity profile of the CD19-directed therapies")
        if analysis.qtype not in ("list", "overview", *TERSE_TYPES, *EACH_STATES) or not PLURAL_OPTIONS.search(analysis.text) or self.named(analysis):
            return set()
        return {t for t in analysis.focus if self.glossary.kind(t) in MARK_KINDS}

    def attribute_wide(self, analysis: Analysis) -> bool:
        """One attribute asked of everything the text covers ("what side effects does the text mention?")."""
        if analysis.focus:
            return False
        if MAPPING.search(analysis.text) and PLURAL_OPTIONS.search(analysis.text):
            return any(t in EACH_STATES for t in analysis.types)  # "which drugs are for which patients?"
        if analysis.qtype not in FILTERING_TYPES:
            return False
        # "... does the text mention", or of the options in general ("the dangers of the newer treatments").
        return bool(WHOLE_TEXT.search(analysis.text) or REST.search(analysis.text)) or (
            analysis.qtype in EACH_STATES and bool(PLURAL_OPTIONS.search(analysis.text))
            and not self.known_subject(analysis)  # "drugs approved on response rates": those, not all
        )

    def theme(self, analysis: Analysis) -> frozenset[str]:
        """"What does it say about a cure?", "everything it says about remission": the stems of the text's own
        words a question asks its account of, naming no glossary subject; none when it asks no account."""
        m = None if analysis.focus or analysis.yes_no else DESCRIBE.search(analysis.text)
        if m is None:
            return frozenset()
        sc = self.scorer  # (the words after "about", a question type's too: "cure" asks no prognosis here)
        stems = (sc.stem(w) for w in content_words(analysis.text[m.end():])
                 if not rules().is_asker(w) and zipf_frequency(w, "en") < THEME_ZIPF and not OPTIONS.fullmatch(w))
        return frozenset(st for st in stems if st in sc.known_stems and st not in sc.generic)

    def known_subject(self, analysis: Analysis) -> list[str]:
        """Subject words the corpus uses, beyond the generic ones ("drugs", "patients")."""
        sc = self.scorer
        return [w for w, wt in analysis.subject.items()
                if wt > 0 and sc.stem(w) in sc.known_stems and sc.stem(w) not in sc.generic]

    def tour(self, analysis: Analysis) -> bool:
        """Several treatments named for a description of each (or whom each is for: "what each is indicated
        for"), not a choice between them ("X or Y?")."""
        named = self.named(analysis)
        if analysis.qtype == "comparison" and not analysis.yes_no:
            # "Chemo vs immunotherapy vs transplant", or two on three aspects or more ("A and B - target, who
            # they're for, evidence and toxicities"): a description of each.
            return len(named) >= 3 or (len(named) == 2 and len(set(analysis.types) & ATTRIBUTE_TYPES) >= 3)
        # ("an antibody with a toxin, which one is that?": one thing described by two, not a tour of both)
        each = analysis.qtype in EACH_STATES and EACH.search(analysis.text) is not None
        return len(named) >= 2 and (analysis.qtype in TOUR_TYPES or each) and not CHOICE.search(analysis.text) and not SINGLE_CHOICE.search(analysis.text)

    def before(self, analysis: Analysis) -> set[str]:
        """What the question names as what came before ("relapsed after chemo"; asking the options, "when chemo
        doesn't work anymore"), not as what it asks about."""
        failed = FAILED if OPTIONS_ASKED.search(analysis.text) else None
        return {m.term for m in analysis.mentions if AFTER.search(analysis.text[max(0, m.start - 20) : m.start])
                or (failed and failed.match(analysis.text[m.end : m.end + 30]))}

    def guessed(self, analysis: Analysis, named: list[str]) -> set[str]:
        """Treatments named as guesses before asking for more ("chemo again, transplant, anything new?"): the
        question asks for the options, not about them."""
        more = ANY_MORE.search(analysis.text)
        return set(named) if more and all(m.end <= more.start() for m in analysis.mentions if m.term in named) else set()

    def named(self, analysis: Analysis) -> list[str]:
        """The treatments the question asks about; not one it names as what came before ("after chemo")."""
        context = self.before(analysis)
        asked = {
            m.term for m in analysis.mentions
            if WHICH_BEFORE.search(analysis.text[max(0, m.start - 12) : m.start])
        }
        named = [t for t in analysis.focus if self.glossary.kind(t) in TREATMENT_KINDS and t not in context]
        if self.guessed(analysis, named):
            return []
        # "Inotuzumab is an antibody ...": a class one of whose named members it describes is no subject of
        # its own; "... joined to which toxin?": the thing asked for is the answer, not a subject.
        return [
            t for t in named
            if not set(self.glossary.narrower(t)) & set(named) and not (t in asked and len(named) > 1)
        ]

    def plural(self, analysis: Analysis) -> bool:
        """Does the question ask of several: options words, or a class its question names in the plural
        ("what do the antibodies target?", "the antibody agents"), and none of its members (not "antibodies
        like blinatumomab")?"""
        if PLURAL_OPTIONS.search(analysis.text):
            return True
        text = analysis.text
        start = asking_start(text)  # (not a story's "his own immune cells")
        return any(
            m.start >= start and (fold(text[m.start : m.end]).endswith("s") or CLASS_NOUN.match(text, m.end))
            and (members := self.glossary.narrower(m.term)) and not set(members) & set(analysis.focus)
            for m in analysis.mentions if m.term in analysis.focus
        )

    def has_class(self, analysis: Analysis) -> bool:
        # (not one said of a member it names: "the car-t drug tisagenlecleucel" is about tisagenlecleucel)
        return any(self.glossary.narrower(t) for t in self.named(analysis))

    def options(self, analysis: Analysis, exclude: set[str]) -> bool:
        """Asks for the choices: options words, and no single treatment to tell about (several named is a tour)."""
        named = self.named(analysis)
        specific = [t for t in named if self.glossary.kind(t) in ("drug", "procedure")]
        # "Beyond antibodies and CAR-T?": setting options aside asks for the rest of them.
        asks = (bool(OPTIONS.search(fold(analysis.text)))
                or (bool(exclude) and bool(OTHER.search(analysis.text) or REST.search(analysis.text) or self.besides_asked(analysis) in exclude))
                or indicated_for_conditions(analysis) or bool(ANYTHING_NEW.search(analysis.text))
                or self.compares_options(analysis)
                # "What happens when ALL relapses?", about nothing in particular: what it means, then what is done.
                or (bool(MEANING.search(analysis.text)) and self.about_everything(analysis)))
        return asks and (len(specific) != 1 or len(named) > 1 or bool(exclude))


def without_breadth_words(text: str, known: set[str] | frozenset[str], stem: Callable[[str], str]) -> str:
    """``text`` without the words asking for breadth that the corpus (``known`` stems) also uses: "the
    overall picture" is not about "overall survival". (Words the corpus never uses match nothing and stay.)"""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[A-Za-z]+", lambda w: " " if stem(w.group(0).lower()) in known else w.group(0), m.group(0))

    overview = rules().get("overview")
    return overview.ask.sub(blank, text) if overview is not None else text
