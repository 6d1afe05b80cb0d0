"""How broad a question is: whether it asks for an overview, and of what (options, a tour, a class, one attribute
of every option), read from the question and the glossary alone; bot/overview.py builds the answer."""

from __future__ import annotations

import re
from collections.abc import Callable

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
# Asks what the situation means as well as what can be done ("explain what that means and what happens next").
MEANING = re.compile(
    # ("meaning" asked for, not a gloss: "refractory ALL, meaning disease that didn't respond")
    r"\b(what (that|this|it) means?|what does (that|this|it) mean|the meaning|meaning of|meaning(?=\s*(?:[?.!]|$))|how serious|how bad|what is happening|what's happening)\b",
    re.IGNORECASE,
)
# "what's left": the options not yet tried, asked as a phrase.
LEFT = r"what'?s left|what is left"
# Broad words that ask for the choices rather than for one thing.
OPTIONS = re.compile(
    r"\b(options?|choices?|alternatives?|treatments?|tx|treat(?:ing|ed)?|" + LEFT + r"|manag(e|ed|ing|ement)|therap(y|ies)|arsenal|approaches|possibilities|"
    r"can (\w+ )?be done|could (\w+ )?be done|can we do|can they do|(?:can|could) (?:you|u|i|one|anyone|anybody) do|(do|does) (she|he|they|i|we) have|what else|what now|what next|what then|"
    r"happens next|other|(?:what'?s|what is|is there|are there) (?:out there|available)|"
    # "Agents for relapsed ALL?", "what drugs are there for kids?": the medicines for a disease or a group
    r"(?:^|(?<=[.:;!?] ))(?:drugs|agents|medicines|medications|meds) (?:for|in|after)|"
    r"(?:what|which) (?:drugs|agents|medicines|medications|meds) (?:are|is) (?:there|available|used|given) (?:for|in|after)|"
    # "the standard approach", "the usual plan, step by step", "what do doctors try?"
    r"approach|plan|protocol|strateg(?:y|ies)|steps?|path(?:way)?|route|road|way forward|(?:doctors?|they|physicians|oncologists|the team) (?:(?:might|could|would|will|can|may|usually|normally|typically) )?(?:try|do|give|use|offer))\b",
    re.IGNORECASE,
)
# The start of one ask in a question that asks several ("what is it, who can get it, and is there an age limit?").
ASK_CLAUSE = re.compile(
    r"(?:^|[,;:.?—–]\s*|\b(?:and|or|but)\s+)(what|who|whom|which|how|when|where|why|is there|are there|is (?:anyone|anybody|someone))\b", re.IGNORECASE
)
TREATMENTS_ASKED = re.compile(r"\b(?:what|which)\s+(?:are|r|were)\s+(?:the\s+)?(?:treatments|therapies|options|choices)\b", re.IGNORECASE)
TOPIC_SAY = re.compile(
    r"\s*[^:?]{2,80}:\s*what does (?:the|this) (?:text|section|source|article|document|page|passage) "
    r"(?:say|cover|tell (?:me|us))\b", re.IGNORECASE,
)
# A topic, a colon and three or more aspects asked of it ("Testicular relapse: presentation, workup, treatment").
ASPECTS = re.compile(r"\s*([^:?]{2,80})(?::|\s[-–—])\s*[\w/ -]+,\s*[\w/ -]+(?:(?:,|\band\b)\s*[\w/ -]+)+[.?]?\s*$", re.IGNORECASE)
EACH = re.compile(r"\b(?:each|every)\b", re.IGNORECASE)
TREATS = re.compile(r"\b(?:treat\w*|therap\w*|manag\w*|tx)\b", re.IGNORECASE)
THERE_ARE = re.compile(r"\W*(?:(?:so|and|ok)\s+)?(?:are|is) there (?:any |other )?(?:[\w-]+ ){0,2}(?:treatments|options|therapies|drugs|medicines|choices|alternatives)\b", re.IGNORECASE)
ANYTHING_NEW = re.compile(r"\b(?:anything|something|what'?s|what is) (?:new|newer|newest)\b", re.IGNORECASE)
# Every site asked at once, none named: "the treatment for each site", "by location".
# ("the other places it can come back", after one site: every site but that one)
EACH_SITE = re.compile(r"\b(?:depends?|vary|varies|differs?) (?:on|by|with) (?:the )?(?:site|location|place|where)\b|\b(?:(?:each|every|all)(?: of)?(?: the| those| these)?|the different|the various|(?:the )?other|those|these|by) (?:relapse )?(?:sites?|locations?|places?|spots?|areas?|parts? of the body)\b", re.IGNORECASE)
# Types that have an answer form of their own, or no answer from the text, and so never widen into an overview.
NOT_BROAD = frozenset({"yes_no", "comparison", "ranking", "superlative", "out_of_scope", "advice", "date", "cost", "percentage",
                       "percent_figure", "amount_compared", "life_expectancy"})
# Types a tour of several named treatments answers: what each is, does, or achieves.
TOUR_TYPES = frozenset({"definition", "overview", "prognosis", "list", "mechanism", "target"})
CHOICE = re.compile(r"\w\s+or\s+\w", re.IGNORECASE)
# ("which drug was that?": one thing, asked back)
SINGLE_CHOICE = re.compile(
    r"\bwhich\s+(?:one|of\s+(?:the|these|those))\b|\bwhich\s+(?:one|drug|medicine|treatment|product|antibody)\s+(?:is|was)\s+(?:it|that|this)\b"
    r"|\b(?:is|are)\s+there\s+(?:a|an|one)\b",  # ("is there a CAR-T for a 40-year-old?")
    re.IGNORECASE,
)


def single_choice(analysis: Analysis, cls: str) -> bool:
    """The question asks for one member of the class ``cls``: "which one", "which of the immunotherapies",
    "which CAR-T" (a singular name), not "which immunotherapies"."""
    surface = analysis.focus_surface.get(cls, cls)
    # (a plural noun after the name asks for several: "which CAR-T cell therapies")
    return bool(SINGLE_CHOICE.search(analysis.text)) or bool(
        re.search(rf"\bwhich\s+{re.escape(surface)}\b(?!(?:[\s-]+cells?)?{CLASS_NOUN.pattern})", analysis.text, re.I) and not surface.lower().endswith("s")
    )
AFTER = re.compile(r"\b(after|following|post|despite|since)\s+(the\s+|a\s+|an\s+|his\s+|her\s+|my\s+)?$", re.IGNORECASE)
# Glossary kinds that mark a subset of the options: a target ("CD19-directed"), a route, a toxicity.
MARK_KINDS = frozenset({"target", "route", "toxicity"})
OPTIONS_HEAD = re.compile(r"^\W*(the |my |her |his |their |our |any )?(other )?(treatment )?(options|choices|alternatives)\b", re.IGNORECASE)
# What follows a class named as a kind of thing, in the plural ("the antibody agents").
CLASS_NOUN = re.compile(r"[\s-]+(?:agents|drugs|medicines|medications|meds|products|therapies|treatments|options|things|ones)\b", re.IGNORECASE)
# ("which ones are for kids?": the options, as a question with no noun of its own asks for them)
DRUGS = re.compile(r"\b(?:drugs|agents|medicines|medications|meds)\b", re.IGNORECASE)
PLURAL_OPTIONS = re.compile(r"\b(treatments|\w*therapies|options|choices|drugs|agents|medicines|medications|products|ones)\b", re.IGNORECASE)
WHOLE_TEXT = re.compile(r"\b(the text|this text|the source|mention(s|ed)?|listed|all|each|every)\b", re.IGNORECASE)
# Attributes the text states for each treatment it describes (not a dose or a schedule, which it rarely gives).
# "And the rest of the drugs?", "what about the others?": every option but the one asked about before.
REST = re.compile(r"\b(?:the rest|the others|the other (?:ones|drugs|treatments|options|agents|therapies)|remaining)\b", re.IGNORECASE)
# The options, or the drugs or agents, compared across conditions ("B vs T: which agents apply to each?").
COMPARED = re.compile(r"\b(treatments|\w*therapies|options|choices|drugs|agents|medicines)\b", re.IGNORECASE)
# One thing matched to another across the options: "which drugs are for which patients?", "who gets what".
MAPPING = re.compile(r"\b(which|what)\b[^?.]*\b(for|to|with|in) (which|what|whom)\b|\bwho gets what\b", re.IGNORECASE)
EACH_STATES = frozenset({"side_effects", "toxicity_management", "age", "indication"})
# What an option's paragraph states of it (its risks, how it works), not whom it is for or how it is found.
STATED_ATTRIBUTES = ATTRIBUTE_TYPES - {"indication", "age", "diagnosis"}
DESCRIBE = re.compile(
    r"\b(what does (?:(?:the|this) (?:text|source|article|page|section|document|information|info|material|reference|leaflet|handout|chapter|literature)|it) (say|cover|tell us|mention) (about|on|regarding)|"
    r"everything (?:it|the text) says (?:about|on)|"
    r"tell me (more )?about|everything (about|on)|all about|describe|explain|the big picture)\b", re.IGNORECASE
)
# The handling of a whole situation, not one step of it ("how is it managed overall", "tx?").
MANAGED = re.compile(r"\b(manag\w*|tx|handled?|overall|approach\w*)\b|^\W*[\w\s-]{0,40}\b(?:treatment|therapy)\W*$", re.IGNORECASE)
# A terse message: this many content words at most, asking as a phrase does (no type of its own).
TERSE_WORDS = 5
TERSE_TYPES = frozenset({"definition", "site_treatment", "list"})
TERSE_OPTIONS = re.compile(r"\b(options?|choices?|alternatives?|treatments?|tx|therap(?:y|ies)|" + LEFT + r")\b", re.IGNORECASE)
# ... and asks no question of a sentence's form, unless the question is itself a broad one ("whats left").
TERSE_ASK = re.compile(r"\b(?:" + LEFT + r")\b", re.IGNORECASE)
WHICH_BEFORE = re.compile(r"\b(?:which|what)\s+$", re.IGNORECASE)
# ("is that it?", "are those all?": asks whether there is more)
OTHER = re.compile(r"\b((?<!each )(?<!one )other|else|(?<!one )another|alternatives?|besides|beyond|apart from|in addition to|is that (?:it|all)|"
                   r"(?:is|are) (?:that|those|these) (?:all|the only (?:ones?|options?)))\b", re.IGNORECASE)
# "..., and what else is there?", "what other options are there?": the rest of the options.
ELSE_ASKED = re.compile(r"\b(?:what|anything|something)\s+else\b|\bwhat other\b|\b(?:other|else) (?:options|choices|treatments)\b|\binstead\b|\bwhat (?:options |treatments )?(?:does|would|will) (?:that|this) leave\b", re.I)
# "What if she is too sick for a transplant?", "if I can't have a transplant": the rest of the options too.
DENIED = re.compile(r"\b(?:too (?:sick|ill|unwell|frail|weak) for|(?:can'?t|cannot|can not|couldn'?t|unable to) (?:have|get|undergo|receive|tolerate)|(?:not|isn'?t|aren'?t) (?:fit|eligible|well enough|strong enough|a candidate) for|(?:ineligible|unfit|unsuitable) for)\s+(?:a |an |the )?$", re.I)
THEME_ZIPF = 5.0  # words as common as "side" or "other" name no theme of a text


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

    def named(self, analysis: Analysis) -> list[str]:
        """The treatments the question asks about; not one it names as what came before ("after chemo")."""
        context = self.before(analysis)
        asked = {
            m.term for m in analysis.mentions
            if WHICH_BEFORE.search(analysis.text[max(0, m.start - 12) : m.start])
        }
        named = [t for t in analysis.focus if self.glossary.kind(t) in TREATMENT_KINDS and t not in context]
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
                or self.compares_options(analysis))
        return asks and (len(specific) != 1 or len(named) > 1 or bool(exclude))


def without_breadth_words(text: str, known: set[str] | frozenset[str], stem: Callable[[str], str]) -> str:
    """``text`` without the words asking for breadth that the corpus (``known`` stems) also uses: "the
    overall picture" is not about "overall survival". (Words the corpus never uses match nothing and stay.)"""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[A-Za-z]+", lambda w: " " if stem(w.group(0).lower()) in known else w.group(0), m.group(0))

    overview = rules().get("overview")
    return overview.ask.sub(blank, text) if overview is not None else text
