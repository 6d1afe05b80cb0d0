"""Question understanding without a language model: type, focus entities, answer-type needs. The type
rules and their domain words are data (``bot/data/question_types.json``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from bot.conditions import Conditions, age_spans, dimension_words, read, spans_of
from bot.glossary import Glossary, Mention
from bot.paths import DATA
from bot.prefilter import may_match
from bot.spelled import is_number_word
from bot.story import asking_start, named_people, story_only, told_of_treatments
from bot.text import content_words, fold

# Glossary kinds that can be what a question is about (not generic context such as "relapse").
FOCUS_KINDS = frozenset({"drug", "therapy", "procedure", "site", "toxicity", "target", "route", "outcome"})
SUBJECT_KINDS = frozenset({"drug", "therapy", "procedure", "site"})
SAID_KINDS = frozenset({"condition", "event"})  # terms a sentence must itself say to answer
DESCRIBING = re.compile(r"\s+(?:that are |which are )?(?:used|given|available|approved|indicated|offered)\s+(?:for|in|to)\b", re.IGNORECASE)
ALTERNATIVES = re.compile(r"\b(?:for|in|to)\s+([\w-]+\s+){0,2}or\s+(?:for|in|to)\s+[\w-]+", re.IGNORECASE)
# What is given to a patient (a route too: "intrathecal"): its symptoms are side effects. Not breadth's
# TREATMENT_KINDS, the options an overview lists.
GIVEN_KINDS = frozenset({"drug", "therapy", "procedure", "route"})
SYMPTOMS = re.compile(r"\b(symptoms?|signs?|sx)\b(?! after)", re.IGNORECASE)
# "continued once the signs disappear": a time, not the symptoms asked about.
SYMPTOMS_WHEN = re.compile(r"\b(?:once|until|till|when|after)\s+(?:all\s+)?(?:the\s+|his\s+|her\s+|their\s+)?(?:[\w-]+\s+)?(?:signs?|symptoms?)\b(?:\s+(?:have\s+|are\s+|had\s+|has\s+)?(?:disappear\w*|gone|go away|clear\w*|resolv\w*|settle\w*))?", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionType:
    """One question type's rules, as pattern texts; each is compiled when first used. A question meets only a
    few types' cue and need patterns (and the case-ignoring ``ask`` only for non-ASCII text or its own type):
    compiling all ~90 patterns up front was ~40 ms of a cold answer."""

    name: str
    ask_text: str
    cue_text: str | None = None
    need_text: str | None = None
    states: str = "this"  # what an answer of this type gives ("a dose"), for "the text does not state ..."
    # Its need holds in a long message too when the asking sentence asks it ("... how many months?"):
    # a count asked is never a type word the story happens to use.
    strict: bool = False

    @cached_property
    def ask(self) -> re.Pattern[str]:
        return re.compile(self.ask_text, re.IGNORECASE)

    @cached_property
    def cue(self) -> re.Pattern[str] | None:
        return re.compile(self.cue_text, re.IGNORECASE) if self.cue_text else None

    @cached_property
    def need(self) -> re.Pattern[str] | None:  # as the data writes it: case matters
        return re.compile(self.need_text) if self.need_text else None

    def may_match(self, folded: str) -> bool:
        """False when ``ask_lower`` cannot match the folded ASCII text: checked without compiling it, until it is."""
        return "ask_lower" in self.__dict__ or may_match(self.name, self.ask_text, folded)

    @cached_property
    def ask_lower(self) -> re.Pattern[str]:
        """``ask`` for folded ASCII text (lower-case already): the same matches without IGNORECASE, about
        twice as fast. The case-ignoring pattern when ``ask`` has an upper-case letter (\\W, A-Z)."""
        return self.ask if any(ch.isupper() for ch in self.ask_text) else re.compile(self.ask_text)


@dataclass
class QuestionRules:
    types: list[QuestionType]
    yes_no: re.Pattern[str]
    follow_up: re.Pattern[str]
    list_items_max: int
    generic_words: tuple[str, ...] = ()
    asker_words: frozenset[str] = frozenset()
    chat_spellings: dict[str, str] = field(default_factory=dict)  # "wat": "what", too short to correct by distance
    the_text: re.Pattern[str] | None = None  # "the drugs in here", "the options listed here": what is being read
    time_span: re.Pattern[str] | None = None  # "five years", "28 days": a length of time, said anywhere
    asked_span: re.Pattern[str] | None = None  # the same, where a question asks about it (not "a 5 year old")
    asker_setting: re.Pattern[str] | None = None  # "for my pharmacology exam": where the asker is, not what is asked
    asker_audience: re.Pattern[str] | None = None  # "explain it to my 10 yr old": whom the answer is for, not the patient

    def __post_init__(self) -> None:
        # Looked up by name several times an answer: a dict, not a scan of the list (the first of a name wins).
        self._by_name: dict[str, QuestionType] = {t.name: t for t in reversed(self.types)}

    def get(self, name: str) -> QuestionType | None:
        return self._by_name.get(name)

    def is_asker(self, word: str) -> bool:
        """Does ``word`` say who asks or tells, or how to answer ("my dad", "the doctors", "listed")?
        Also as a plural or a possessive typed without its apostrophe: "my dads leukemia", "moms"."""
        w = word.lower()
        return w in self.asker_words or (len(w) > 3 and w.endswith("s") and w[:-1] in self.asker_words)

    def setting_words(self, text: str) -> frozenset[str]:
        """The words of ``text`` that name the asker's setting ("my pharmacology exam", "our oncology rotation")."""
        found = self.asker_setting.finditer(text) if self.asker_setting else ()
        return frozenset(w for m in found for w in fold(m.group(1)).split())

    def without_audience(self, text: str) -> str:
        """``text`` with whom the answer is for blanked ("in words a 10-year-old would understand": no age asked)."""
        return self.asker_audience.sub(lambda m: " " * len(m[0]), text) if self.asker_audience else text


@cache
def rules() -> QuestionRules:
    raw: dict[str, Any] = json.loads((DATA / "question_types.json").read_text("utf-8"))

    def rx(p: str | None) -> re.Pattern[str] | None:
        return re.compile(p, re.IGNORECASE) if p else None

    return QuestionRules(
        [QuestionType(t["name"], t["ask"], t.get("cue"), t.get("need"), t.get("states", "this"), bool(t.get("strict"))) for t in raw["types"]],
        re.compile(raw["yes_no_prefix"], re.I), re.compile(raw["follow_up"], re.I), raw["list_items_max"],
        tuple(raw.get("generic_words", ())), frozenset(raw.get("asker_words", ())), dict(raw.get("chat_spellings", {})),
        rx(raw.get("the_text")), rx(raw.get("time_span")),
        rx(raw["time_span"] + "(?!" + raw["time_span_not_before"] + ")") if raw.get("time_span") else None,
        rx(raw.get("asker_setting")), rx(raw.get("asker_audience")))


@dataclass
class Analysis:
    text: str  # the question as analysed (after spelling correction)
    qtype: str
    types: list[str]  # every type whose rule matched, primary first
    yes_no: bool
    focus: list[str]  # canonical glossary terms the question is about
    focus_surface: dict[str, str] = field(default_factory=dict)  # term -> phrase as written
    mentions: list[Mention] = field(default_factory=list)
    subject: dict[str, float] = field(default_factory=dict)  # non-glossary subject words and their weights
    required: list[str] = field(default_factory=list)  # terms an answering sentence must itself name
    conditions: Conditions = field(default_factory=Conditions)  # age, lineage, donor ... the asker states
    excluded: list[str] = field(default_factory=list)  # terms named only to be set aside ("besides chemo")
    untyped: bool = False  # no type's rule matched ("transplant?", "role of HSCT?"): asks nothing of its own

    @property
    def spans(self) -> list[str]:
        """The lengths of time the question states ("five years", "28 days"), ages aside."""
        pattern = rules().asked_span
        return [m.group(0) for m in pattern.finditer(self.text)] if pattern else []

    @property
    def cue(self) -> re.Pattern[str] | None:
        """What an answering sentence looks like: the primary type's cue, else the next type's."""
        for name in self.types:
            t = rules().get(name)
            if t and t.cue:
                return t.cue
        return None

    @property
    def about_the_text(self) -> bool:
        """Does the question point at the text itself ("the drugs in here", "the options listed here")?"""
        pattern = rules().the_text
        return bool(pattern and pattern.search(self.text))

    @property
    def need(self) -> re.Pattern[str] | None:
        t = rules().get(self.qtype)
        return t.need if t else None


NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                "nine": "9", "ten": "10", "twelve": "12", "eighteen": "18", "twenty": "20", "thirty": "30"}


def _span(m: re.Match[str]) -> tuple[str, str]:
    unit = m.group(2).lower().rstrip("s")
    return NUMBER_WORDS.get(m.group(1).lower(), m.group(1)), "year" if unit == "yr" else unit


def states_span(text: str, span: str) -> bool:
    """Does ``text`` state the length of time ``span`` ("5-year" says "five years"), in digits or words?"""
    pattern = rules().time_span
    if pattern is None:
        return False
    wanted = [_span(m) for m in pattern.finditer(span)]
    return any(_span(m) in wanted for m in pattern.finditer(text))


# Words that stress a question without changing what it asks ("what can they even do now?"): the
# question is analysed without them. ("really" stays: the glossary reads "really serious".)
FILLERS = re.compile(r"\b(?:even|actually|honestly|basically|exactly|possibly|realistically|literally|truly) ", re.I)


def without_fillers(text: str) -> str:
    return FILLERS.sub("", text)


def matching_types(text: str) -> list[str]:
    """The question types whose patterns match ``text`` (none for a word that says no kind of question)."""
    folded = fold(text)
    if folded.isascii():  # a type whose required literals the text lacks is not compiled (bot/prefilter.py)
        return [t.name for t in rules().types if t.may_match(folded) and t.ask_lower.search(folded)]
    # "ı" (dotless i) matches "i" only ignoring case
    return [t.name for t in rules().types if t.ask.search(folded)]


def classify(text: str) -> list[str]:
    return matching_types(text) or ["definition"]


# Types a question's "which ones" may ask of: the options (not "side effects ..., and which ones are serious?").
BROAD_TYPES = frozenset({"yes_no", "definition", "overview", "list"})
# "Which one is meant for ...?": one thing asked for, not the options.
ONE_ASKED = re.compile(r"\bwhich\s+one\s+(?:is|was|would|should|could|can|works?|fits?)\b", re.IGNORECASE)


def analyse(
    text: str, glossary: Glossary, subject_zipf: float = 5.0, mentions: list[Mention] | None = None
) -> Analysis:
    """``mentions``: ``glossary.mentions(text)`` when the caller has found them already (the query has)."""
    asked = SYMPTOMS_WHEN.sub(lambda m: " " * len(m[0]), text)  # "once the signs disappear" says when, not what is asked
    for a, b in [*age_spans(asked), *spans_of(asked, Conditions(ph=frozenset("+-")))]:  # "my 12-year-old", "Ph-positive": who is asked about
        asked = asked[:a] + " " * (b - a) + asked[b:]
    if (ones := re.search(r"\b(?:which|what) ones\b", asked, re.I)) and set(matching_types(asked[: ones.start()])) - BROAD_TYPES:
        asked = asked[: ones.start()] + " " * (ones.end() - ones.start()) + asked[ones.end() :]
    matched = [t for t in matching_types(asked) if t != "yes_no"]
    types = matched or ["definition"]
    # "Is it for adults or for children?" asks which, not whether.
    yes_no = bool(rules().yes_no.search(fold(text).strip())) and not ALTERNATIVES.search(text) and not REQUEST.match(text)
    mentions = glossary.mentions(text) if mentions is None else list(mentions)
    excluded = _set_aside(text, mentions)
    focus: list[str] = []
    surface: dict[str, str] = {}
    for m in mentions:
        if m.kind in FOCUS_KINDS and m.term not in focus and m.term not in excluded:
            focus.append(m.term)
            phrase = text[m.start : m.end]
            # "testicular relapse", "CNS relapse": keep the word that makes a site a topic.
            tail = re.match(r"\s+(relapses?|involvement|disease)\b", text[m.end :], re.I)
            surface[m.term] = phrase + (tail.group(0) if tail else "")
    if not focus and excluded and LIKE_ASKED.search(text):
        # "Is there one like tisagenlecleucel for adults?": another of its class is asked about.
        focus = [b for b in glossary.broader(excluded[0])[:1] if glossary.kind(b) in FOCUS_KINDS]
        types = [t for t in types if t != "comparison"] or ["definition"]  # (not a comparison with it)
    start = asking_start(text)  # (split into sentences once: the story's two readers below share it)
    # "We covered antibody-drug conjugates in class. Is inotuzumab linked to ...?": what the story names beside
    # the question's own subject is its setting, not what is asked about.
    focus = [t for t in focus if t not in story_only(text, mentions, focus, start)]
    if types[0] == "out_of_scope" and start and "out_of_scope" not in matching_types(text[start:]):
        types = types[1:] or ["definition"]  # (a story's "back at football" asks nothing out of scope)
    if types[0] == "overview" and ONE_ASKED.search(text[start:]):
        types = types[1:] or ["list"]  # "Of the drugs for relapse, which one is meant for T-cell disease?": one, not all
    if types[0] == "overview" and len(types) > 1:
        # "Explain the immunotherapies used for relapsed ALL": a clause describing what is named does not
        # ask for that attribute of it.
        plain = text
        for m in mentions:
            d = DESCRIBING.match(text, m.end)
            if d:
                plain = plain[: d.start()] + " " * (d.end() - d.start()) + plain[d.end() :]
        if plain != text:
            kept = set(classify(plain))
            types = [t for t in types if t == types[0] or t in kept] or types
    # A harm named beside a treatment ("on blinatumomab ... a fit").
    harm_of_treatment = any(glossary.kind(t) == "toxicity" for t in focus) and any(glossary.kind(t) in GIVEN_KINDS for t in focus)
    at = 1 if types[0] == "commonest" and len(types) > 1 else 0  # ("most common neuro sx": of what, after it)
    if SYMPTOMS.search(asked) and {"side_effects", "diagnosis"} & set(types[at : at + 1]):
        # "What symptoms does a bone marrow relapse cause?": a disease's symptoms are how it shows; a
        # treatment's ("symptoms with blinatumomab") are its side effects.
        first = "side_effects" if any(glossary.kind(t) in GIVEN_KINDS for t in focus) else "diagnosis"
        types = [*types[:at], first, *[t for t in types[at:] if t != first]]
    elif "diagnosis" in types and harm_of_treatment:
        # "on blinatumomab ... nerve effects: which ones show up most often?": how a treatment's harm shows is its side effect.
        types = ["side_effects" if t == "diagnosis" else t for t in types if t != "side_effects"]
    if types[0] == "definition" and harm_of_treatment:
        # "He is on blina and had a fit: is that something it is known to do?": a harm named beside a
        # treatment asks whether the treatment causes it.
        types = ["side_effects", *types]
    if "list" in types[:2] and any(m.term == "most common" for m in mentions):
        # "Which ones show up most often?": the sentence naming the commonest answers, not a list.
        types = [t for t in types if t != "list"] or ["definition"]
    # ("injected into the spinal fluid": intrathecal, one of whose names is "spinal injections", says "injected")
    subject = glossary.unsaid(subject_words(asked, mentions, types, subject_zipf), [m.term for m in mentions if m.kind not in SAID_KINDS])
    # "What causes X?": X is what the answer is about, even when X is the corpus's general topic.
    required = [
        m.term for m in mentions if CAUSE_OF.search(text[max(0, m.start - 30) : m.start])
    ]
    return Analysis(
        text, types[0], types, yes_no, focus, surface, mentions, subject, required,
        read(rules().without_audience(told_of_treatments(text, mentions, GIVEN_KINDS, start)), True), excluded, not matched,
    )


KIN = r"alternatives? (?:to|for)|(?:an )?equivalent (?:of|to)|counterpart (?:of|to)"  # ("an alternative to blina")
# "not in the brain", "besides chemo and a transplant", "other than CAR-T": what the asker sets aside.
SET_ASIDE = re.compile(
    r"\b(?:not|rather than|as opposed to|instead of|other than|besides|beyond|apart from|aside from|except(?: for)?|excluding|in addition to)\s+"
    r"(?:(?:in|on|at|the|a|an|his|her|my|their|for|from|with|just|only|standard|usual|conventional|regular|more|another|new|newer|newest|novel|modern|older|headline|main|major|famous|well-known|approved"
    r"|(?:round|course|cycle|dose)s?\s+of)\s+)*$"
    r"|\bnon-?\s*$"  # "a non-immunotherapy drug": the class is what the asker rules out.
    # "is there one like it for adults?", "an alternative to blina": another of its kind is asked for.
    r"|\b(?:(?:one|something|anything|another(?: one)?|an?(?:other)? (?:drug|product|therapy|treatment|option|medicine))\s+"
    rf"(?:just |a bit |kind of |sort of )?(?:like|similar to)|{KIN})\s+(?:(?:the|a|an)\s+)*$", re.I,
)
LIKE_ASKED = re.compile(rf"\b(?:like|similar to|{KIN})\b", re.I)  # (what made a set-aside term one to find kin of)
AND_ALSO = re.compile(r"^\s*(?:,|,?\s*(?:and|or|nor))\s+(?:(?:in|the|a|an|his|her|my|their)\s+)*$", re.I)


def _set_aside(text: str, mentions: list[Mention]) -> list[str]:
    """Terms the question names only to set them aside, and those joined to them by "and"/"or"."""
    out: list[str] = []
    previous: Mention | None = None
    for m in mentions:
        aside = SET_ASIDE.search(text[max(0, m.start - 40) : m.start]) or (
            # "Does Tecartus cause it like blina does?": what the asked one is compared with (not "drugs
            # like clofarabine", its examples).
            LIKE.search(text[max(0, m.start - 12) : m.start]) and LIKE_AFTER.match(text[m.end :])
        ) or (previous is not None and previous.term in out and AND_ALSO.match(text[previous.end : m.start])) or (
            IF_BEFORE.search(text[max(0, m.start - 8) : m.start]) and FAILS_AFTER.match(text[m.end :])  # ("if chemo fails")
        )
        # (only what one could be asked about: "swollen but not sore" sets no sign aside)
        if aside and m.term not in out and m.kind in FOCUS_KINDS:
            out.append(m.term)
        previous = m
    return out


# "Can you break down ...?", "could you explain ...": a request, not a question to say yes or no to.
REQUEST = re.compile(r"\W*(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+|kindly\s+|just\s+)?(?:(?:tell|give|show|get)\s+(?:me|us)|explain|list|describe|summari[sz]e|break|walk|run|outline|go|talk|clarify|sum|name|provide|share|lay|spell|detail|recap|compare)\b", re.I)
LIKE = re.compile(r"\b(?:like|unlike|as with)\s+$", re.I)
IF_BEFORE, FAILS_AFTER = re.compile(r"\bif\s+(?:the\s+|an?\s+)?$", re.I), re.compile(
    r"\s+(?:\w+\s+)?(?:fails?|failed|(?:does|do|did)(?:n't| not) (?:work|hold|help)|stops? working|(?:is|are)(?:n't| not) working"
    # ("if transplant is off the table", "if that's ruled out": set aside, not asked about)
    r"|(?:is|are|'s)\s+(?:off the table|out of the question|ruled out|not (?:an? )?(?:option|possible))|(?:isn't|aren't) (?:an? )?(?:option|possible))\b", re.I)
LIKE_AFTER = re.compile(r"\s+(?:does|do|did|is|are|was|can)\s*(?:[?.!,;]|$|(?:too|also|as well)\b)", re.I)
CAUSE_OF = re.compile(r"\b(causes?|caused|cause of|causes of|leads? to|risk of)\s+(an?\s+|the\s+)?$", re.I)


@cache
def _literal_words(name: str) -> frozenset[str]:
    """The literal words (3+ letters) of one question type's pattern: "side", "effect", "treat"."""
    rule = rules().get(name)
    # Read off the pattern's text: compiling every type's case-ignoring pattern for this cost ~30 ms of
    # a cold answer (most questions need only the folded-text patterns, see QuestionType.ask_lower).
    # A letter the pattern makes optional is not part of the word: "complications?" covers "complication".
    # (both forms: a short word is matched whole, "aes?" as "ae" and "aes")
    found = re.finditer(r"(?<![\\?])\b([a-z]{3,})(\?)?", rule.ask_text) if rule else ()
    return frozenset(w for m in found for w in ((m[1], m[1][:-1]) if m[2] else (m[1],)) if len(w) >= 2)


@cache
def type_vocabulary() -> frozenset[str]:
    """Every literal word of every question type's pattern."""
    return frozenset().union(*(_literal_words(t.name) for t in rules().types))


@cache
def _type_words(types: tuple[str, ...]) -> tuple[str, ...]:
    """The literal words (4+ letters) of the given types' patterns, as prefixes of the words they cover."""
    return tuple(sorted({w for name in types for w in _literal_words(name) if len(w) >= 4}))


@cache
def _type_shorthand(types: tuple[str, ...]) -> frozenset[str]:
    """The short literal words of the given types' patterns ("moa", "tx"), matched whole: as prefixes
    they would cover other words."""
    return frozenset(w for name in types for w in _literal_words(name) if len(w) < 4)


def subject_words(text: str, mentions: list[Mention], types: list[str], subject_zipf: float = 5.0) -> dict[str, float]:
    """Words naming what is asked about, beyond glossary terms and the question type, with weights.

    Rarer words weigh more (Zipf scale): "migraine" says more about the subject than "best"; words
    commoner than ``subject_zipf`` ("best", "older", "hair") say nothing about the subject.
    A passage that names none of them is likely a look-alike.
    """
    from bot.zipf import zipf_frequency  # precomputed for corpus words, else wordfreq

    # Glossary terms are matched as entities; only conditions ("leukemia") and events ("paused") stay
    # subject words, by their canonical name ("leukaemia" is "leukemia", "paused" is "interrupting").
    spans = [(m.start, m.end) for m in mentions] + list(age_spans(text)) + named_people(text, rules().is_asker)  # (and who: "my sister Marg")
    type_words = _type_words(tuple(types))
    shorthand = _type_shorthand(tuple(types))
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * len(chars[a:b])
    covered = "".join(chars)
    out: dict[str, float] = {}
    conditions = [w for m in mentions if m.kind in SAID_KINDS for w in content_words(m.term)]
    setting = rules().setting_words(text)
    for w in [*content_words(covered), *conditions]:
        if len(w) < 3 or w.isdigit() or is_number_word(w):
            continue
        # The words that made the question a "side effects" question are not its subject, nor are the
        # words that say who asks or how to answer ("my mum", "a few bullets").
        if w.startswith(type_words) or w in shorthand or rules().is_asker(w) or w in dimension_words() or w in setting:
            continue
        zipf = zipf_frequency(w, "en")
        # Zipf 0 is a word English does not know: a drug name like "ponatinib", or a typo we could not fix.
        # Common words weigh nothing here; the evidence scorer still counts one the corpus never uses.
        out[w] = max(0.0, subject_zipf - zipf)
    return out
