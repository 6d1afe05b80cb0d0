"""Conditions a statement is limited to, or a question asks about: age, children/adults, B/T lineage,
Philadelphia chromosome, line of therapy, donor. Read from text with patterns (``bot/data/conditions.json``).

A sentence's conditions decide whether it fits the asker: "up to 25 years of age" does not fit a
72-year-old; "rarely used for patients > 65 years" speaks to exactly that person.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from bot.paths import DATA
from bot.prefilter import Guarded
from bot.spelled import as_digits
from bot.text import SENTENCE, asking_sentences

ADULT_AGE = 18


@dataclass(frozen=True)
class Conditions:
    age: tuple[float, float] | None = None  # the ages covered, inclusive
    lineage: frozenset[str] = frozenset()  # {"B"}, {"T"}
    ph: frozenset[str] = frozenset()  # {"+"}, {"-"}, or both
    line: int | None = None  # at least this line of relapse / prior regimens
    donor: frozenset[str] = frozenset()  # kinds of donor named: sibling, relative, unrelated
    no_donor: frozenset[str] = frozenset()  # question only: donors the asker does not have
    states: frozenset[str] = frozenset()  # patient states named: pregnancy, breastfeeding
    labels: tuple[str, ...] = field(default=(), compare=False)  # what was read, in words, for notes
    refractory: bool = False  # disease that did not respond ("refractory", "chemo doesn't work anymore")

    def __bool__(self) -> bool:
        return self.patient or self.refractory

    @property
    def patient(self) -> bool:
        """Something of the patient's is said: an age, the disease's lineage or Ph status, a line, donors, a state."""
        return bool(self.age or self.lineage or self.ph or self.line or self.donor or self.no_donor or self.states)

    def with_course(self, other: Conditions) -> Conditions:
        """These conditions with the course of the disease ``other`` says ("refractory") added."""
        if not other.refractory or self.refractory:
            return self
        return replace(self, refractory=True, labels=(*self.labels, "refractory"))

    @property
    def only_course(self) -> bool:
        """Only the course of the disease is said ("and if it is refractory?"), nothing of the patient's."""
        return self.refractory and not self.patient


@dataclass(frozen=True)
class _Rules:
    age_range: list[Guarded]  # each skips a text lacking all its required literals (bot/prefilter.py)
    age_max: list[Guarded]
    age_min: list[Guarded]
    person_age: list[Guarded]
    children: Guarded
    adults: Guarded
    older: Guarded
    lineage: dict[str, Guarded]
    ph: dict[str, Guarded]
    line: Guarded
    donor: dict[str, Guarded]
    negation: Guarded
    qualified: Guarded
    states: dict[str, Guarded]
    dimensions: frozenset[str] = frozenset()
    negation_after: Guarded | None = None  # "my brother can't donate": said after the donor
    asks_qualified: Guarded | None = None  # a question about what is unproven or withdrawn
    age_decade: Guarded | None = None  # "in his mid-50s": the part of a decade said
    refractory: Guarded | None = None
    refractory_setting: Guarded | None = None  # "relapsed or refractory", "r/r": the whole setting


@cache
def _rules() -> _Rules:
    raw: dict[str, Any] = json.loads((DATA / "conditions.json").read_text("utf-8"))

    def rx(p: str) -> Guarded:
        return Guarded(re.compile(p, re.IGNORECASE))

    return _Rules(
        [rx(p) for p in raw["age_range"]], [rx(p) for p in raw["age_max"]], [rx(p) for p in raw["age_min"]],
        [rx(p) for p in raw["person_age"]], rx(raw["children"]), rx(raw["adults"]), rx(raw["older"]),
        {k: rx(v) for k, v in raw["lineage"].items()}, {k: Guarded(re.compile(v)) for k, v in raw["ph"].items()},
        rx(raw["line"]), {k: rx(v) for k, v in raw["donor"].items()}, rx(raw["negation"]), rx(raw["qualified"]),
        {k: rx(v) for k, v in raw.get("states", {}).items()}, frozenset(raw.get("dimension_words", ())),
        rx(raw["negation_after"]) if raw.get("negation_after") else None,
        rx(raw["asks_qualified"]) if raw.get("asks_qualified") else None,
        rx(raw["age_decade"]) if raw.get("age_decade") else None,
        rx(raw["refractory"]) if raw.get("refractory") else None,
        rx(raw["refractory_setting"]) if raw.get("refractory_setting") else None,
    )


def dimension_words() -> frozenset[str]:
    """Words that name a kind of condition ("lineage"), not a subject: its values ("T-cell") are read as conditions."""
    return _rules().dimensions


def _age_patterns(r: _Rules) -> list[Guarded]:
    """The patterns that read an age in years."""
    return [*r.age_range, *r.age_max, *r.age_min, *r.person_age, *([r.age_decade] if r.age_decade else [])]


@lru_cache(maxsize=4)  # a question is read for ages more than once in one turn (few slots: not a cache of questions)
def age_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where ``text`` states an age ("68M", "a 7-year-old", "under 25 yrs"): who is asked about, not what."""
    r = _rules()  # ("older folk": an age group said in words, as "over 65" is in figures)
    return tuple(m.span() for p in (*_age_patterns(r), r.older) for m in p.finditer(text))


def forget() -> None:  # drops the last few texts read, questions among them (Engine.forget)
    age_spans.cache_clear()
    read.cache_clear()


def spans_of(text: str, asked: Conditions) -> list[tuple[int, int]]:
    """Where ``text`` states a condition of the kinds ``asked`` states (an age, a lineage ...): the words a
    follow-up for another group replaces ("which CAR-T for kids up to 25?" then "and for adults?")."""
    r = _rules()
    patterns: list[Guarded] = []
    if asked.age:
        patterns += [*_age_patterns(r), r.children, r.adults, r.older]
    if asked.lineage:
        patterns += list(r.lineage.values())
    if asked.ph:
        patterns += list(r.ph.values())
    if asked.line:
        patterns.append(r.line)
    return [m.span() for p in patterns for m in p.finditer(text)]


def states(text: str) -> frozenset[str]:
    """The patient states ``text`` speaks of (pregnancy, breastfeeding)."""
    return frozenset(k for k, p in _rules().states.items() if p.search(text))


def qualified(text: str) -> bool:
    """The text itself qualifies the statement ("outcomes have not been convincingly demonstrated")."""
    return bool(_rules().qualified.search(text))


def asks_qualified(question: str) -> bool:
    """The question asks about what the text qualifies ("the drugs approved without proven benefit",
    "which was withdrawn?"): those statements are what answers, not what to set aside."""
    pattern = _rules().asks_qualified
    return bool(pattern and pattern.search(question))


def _age(text: str, question: bool) -> tuple[tuple[float, float] | None, list[str]]:
    r = _rules()
    lo: float | None = None
    hi: float | None = None
    labels: list[str] = []
    for p in r.age_range:
        for m in p.finditer(text):
            lo, hi = float(m.group(1)), float(m.group(2))
            labels.append(f"ages {m.group(1)} to {m.group(2)}")
    for p in r.age_max:
        for m in p.finditer(text):
            lo, hi = 0.0 if lo is None else lo, float(m.group(1))
            labels.append(f"up to {m.group(1)} years")
    for p in r.age_min:
        for m in p.finditer(text):
            lo, hi = float(m.group(1)), 200.0 if hi is None else hi
            labels.append(f"over {m.group(1)} years")
    if question:
        spelled = as_digits(text)  # "my daughter is fifteen", "he's seventy-two"
        for p in r.person_age:
            for m in p.finditer(spelled):
                age = float(m.group(1))
                if 0 < age < 120:
                    lo = hi = age
                    labels.append(f"age {m.group(1)}")
    for m in r.age_decade.finditer(text) if question and r.age_decade and lo is None else ():
        # "in his mid-50s": the part of the decade said (early 50-53, mid 53-56, late 57-59), else all of it.
        base, part = 10.0 * int(m.group(2)), (m.group(1) or "").lower()
        lo, hi = base + {"early": 0, "mid": 3, "late": 7}.get(part, 0), base + {"early": 3, "mid": 6, "late": 9}.get(part, 9)
        labels.append(f"ages {lo:.0f} to {hi:.0f}")
    if lo is None:
        kids, grown = bool(r.children.search(text)), bool(r.adults.search(text))
        if r.older.search(text):
            lo, hi, grown, kids = 65.0, 200.0, False, False
            labels.append("older patients")
        if kids and grown:
            lo, hi = 0.0, 200.0
        elif kids:
            lo, hi = 0.0, float(ADULT_AGE - 1)
            labels.append("children")
        elif grown:
            lo, hi = float(ADULT_AGE), 200.0
            labels.append("adults")
    return ((lo, hi) if lo is not None and hi is not None else None), labels


def _asked(kinds: dict[str, Any], text: str, question: bool) -> frozenset[str]:
    """The values of one condition ``text`` states; of a message that tells and asks and states two ("most of
    what I read is about B-cell. What's out there for T-cell?"), the one its last asking sentence states, else,
    when that states none, the first the story states alone ("He has T-cell ALL. Everything I read is about
    B-cell. Is there anything for his type?")."""
    found = frozenset(k for k, p in kinds.items() if p.search(text))
    text = re.sub(r"\b(vs|cf|e\.g|i\.e)\.", r"\1", text, flags=re.I)  # ("B- vs. T-cell?" is one sentence)
    if question and len(found) > 1 and (asking := asking_sentences(text)):
        def said(part: str) -> frozenset[str]:
            return frozenset(k for k, p in kinds.items() if p.search(part))

        own = said(asking[-1]) or next((v for m in SENTENCE.finditer(text) if (v := said(m.group()))), found)
        return own if len(own) == 1 else found
    return found


@lru_cache(maxsize=4)  # a turn reads its question in the dialogue and in its analysis: ~40 patterns, once (few slots)
def read(text: str, question: bool = False) -> Conditions:
    """The conditions ``text`` states (a sentence) or asks about (``question=True``). (Conditions are frozen.)"""
    r = _rules()
    age, labels = _age(text, question)
    lineage = _asked(r.lineage, text, question)
    ph = _asked(r.ph, text, question)
    line_m = r.line.search(text)
    line = 2 if line_m else None
    donor: set[str] = set()
    no_donor: set[str] = set()
    for kind, p in r.donor.items():
        for m in p.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            after = text[m.end() : m.end() + 60]  # ("her sister is 74 and not well, so she can't donate")
            if question and (r.negation.search(before) or (r.negation_after and r.negation_after.search(after))):
                no_donor.add(kind)
            else:
                donor.add(kind)
    named = states(text)
    labels += [f"{x}-cell" for x in sorted(lineage)] + [f"Ph{x}" for x in sorted(ph)] + sorted(named)
    labels += ["second or later relapse"] if line else []
    # A question naming the whole setting ("r/r ALL", "relapsed or refractory") asks of every course; a
    # sentence saying it covers refractory disease too.
    course = r.refractory_setting.sub(" ", text) if question and r.refractory_setting else text
    refractory = bool(r.refractory and r.refractory.search(course))
    labels += ["refractory"] if refractory else []
    labels += [f"no {d} donor" for d in sorted(no_donor)]
    return Conditions(age, lineage, ph, line, frozenset(donor), frozenset(no_donor), named, tuple(labels), refractory)


# Words that set two values against each other ("B- versus T-lineage", "for children and which for adults"),
# unlike one population named by two ("children and young adults").
CONTRAST = re.compile(r"\b(vs\.?|versus|or|compared (to|with)|than|whereas|while|and (which|what|who|for|in|with))\b|[,;/]\s*(which|what|who)\b", re.I)
EACH = re.compile(r"\b(each|respectively|differ\w*|difference)\b", re.I)


def split(text: str) -> list[tuple[str, Conditions]]:
    """The groups a question asks to be answered by, when it sets two values of one condition against each
    other ("B- versus T-lineage", "Ph+ or Ph-", "for children and which for adults"): one (label,
    conditions) per value, in the text's order; else none."""
    r = _rules()
    found: list[tuple[re.Match[str], str, Conditions]] = []
    for k, p in r.lineage.items():
        if m := p.search(text):
            found.append((m, f"{k}-cell", Conditions(lineage=frozenset({k}))))
    if len(found) < 2:
        found = [(m, f"Ph{k}", Conditions(ph=frozenset({k}))) for k, p in r.ph.items() if (m := p.search(text))]
    if len(found) < 2 and not r.older.search(text):
        kids, grown = r.children.search(text), r.adults.search(text)
        if kids and grown:
            found = [
                (kids, "children", Conditions(age=(0.0, float(ADULT_AGE - 1)))),
                (grown, "adults", Conditions(age=(float(ADULT_AGE), 200.0))),
            ]
    if len(found) < 2:
        return []
    found.sort(key=lambda x: x[0].start())
    between = text[found[0][0].end() : found[1][0].start()]
    if not (CONTRAST.search(between) or EACH.search(text)):
        return []
    return [(label, c) for _, label, c in found]


@cache
def rules_version() -> str:
    """A hash of the patterns: a table of conditions read with other patterns is stale."""
    import hashlib

    raw = json.loads((DATA / "conditions.json").read_text("utf-8"))
    raw.pop("asks_qualified", None)  # read from questions only: no sentence's stored conditions depend on it
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]


def to_record(c: Conditions, is_qualified: bool) -> dict[str, Any]:
    """A sentence's conditions as one JSON object (what an index stores, see bot/index_store/layout.py)."""
    out: dict[str, Any] = {}
    if c.age is not None:
        out["age"] = list(c.age)
    for name in ("lineage", "ph", "donor", "states"):
        values = getattr(c, name)
        if values:
            out[name] = sorted(values)
    if c.line:
        out["line"] = c.line
    if c.refractory:
        out["refractory"] = True
    if c.labels:
        out["labels"] = list(c.labels)
    if is_qualified:
        out["qualified"] = True
    return out


def from_record(d: dict[str, Any]) -> tuple[Conditions, bool]:
    age = d.get("age")
    c = Conditions(
        (float(age[0]), float(age[1])) if age else None, frozenset(d.get("lineage", ())), frozenset(d.get("ph", ())),
        d.get("line"), frozenset(d.get("donor", ())), frozenset(), frozenset(d.get("states", ())),
        tuple(d.get("labels", ())), bool(d.get("refractory")),
    )
    return c, bool(d.get("qualified"))


def share(sentence: Conditions, question: Conditions) -> float:
    """The unclamped fit over the number of the asker's conditions, in -1..1: a sentence stating all three
    of "Ph-negative adults after two relapses" fits better than one stating two of them."""
    n = sum(map(bool, (question.age, question.lineage, question.ph, question.line, question.donor or question.no_donor,
                       question.refractory)))
    if other_disease(sentence, question):
        return -1.0  # (T-cell ALL for a B-cell precursor product): however many others fit
    return fit(sentence, question, clamp=False) / n if n else fit(sentence, question)


def fit(sentence: Conditions, question: Conditions, clamp: bool = True) -> float:
    """+1 when the sentence's conditions speak to the question's, -1 when they exclude the asker, else 0.

    Unclamped: one for each condition of the asker's the sentence states, minus one for each it excludes."""
    if not question:
        return 0.0
    score = 0.0
    if question.age and sentence.age:
        score += _age_fit(question.age, sentence.age)
    if question.lineage and sentence.lineage:
        score += 1.0 if question.lineage & sentence.lineage else -1.0
    if question.ph and sentence.ph:
        score += 1.0 if question.ph & sentence.ph else -1.0
    if question.line and sentence.line:
        score += 1.0
    if question.refractory and sentence.refractory:
        score += 1.0  # (disease that did not respond: the sentences speaking of it, not a second round of chemo)
    if question.no_donor:
        if sentence.donor & question.no_donor and not (sentence.donor - question.no_donor):
            score -= 1.0
        elif sentence.donor - question.no_donor:
            score += 1.0
    elif question.donor and sentence.donor:
        score += 1.0 if question.donor & sentence.donor else 0.0
    return max(-1.0, min(1.0, score)) if clamp else score


LIFESPAN = 100.0  # the open end of "adults" or "> 65 years", for the share of a group that ages stated cover


def _age_fit(asked: tuple[float, float], stated: tuple[float, float]) -> float:
    """+1 when the ages stated hold the asker ("up to 25 years" for a teenager) or most of the group asked, -1
    when they leave the asker out; 0 when they hold only a part of the group asked ("adults" and "up to 25
    years": a drug for the young, which some adults may get; "adults" and "> 65 years": a husband of any age)."""
    (qlo, qhi), (slo, shi) = asked, stated
    shared = min(qhi, shi) - max(qlo, slo)
    if shared < 0:
        return -1.0
    qhi = min(qhi, LIFESPAN)
    return 1.0 if qhi - qlo <= 0 or (min(qhi, shi) - max(qlo, slo)) / (qhi - qlo) >= 0.5 else 0.0


def other_disease(sentence: Conditions, question: Conditions) -> bool:
    """The sentence speaks of another lineage or Ph status than the asker's: another disease."""
    return bool((question.lineage and sentence.lineage and not question.lineage & sentence.lineage)
                or (question.ph and sentence.ph and not question.ph & sentence.ph))


def excludes(sentence: Conditions, question: Conditions) -> bool:
    """Does one of the sentence's conditions leave the asker out (an age, a lineage, a Ph status, the donor
    the asker lacks)? A statement's conditions hold together ("up to 25 years with B-cell precursor ALL in a
    2nd relapse"): one that leaves the asker out does, however many others fit (a 12-year-old with T-ALL)."""
    if question.age and sentence.age and not (sentence.age[0] <= question.age[1] and question.age[0] <= sentence.age[1]):
        return True
    if other_disease(sentence, question):
        return True
    return bool(question.no_donor and sentence.donor & question.no_donor and not (sentence.donor - question.no_donor))


def within(asked: Conditions, stated: Conditions) -> bool:
    """Every condition ``asked`` is stated, and wholly: the ages asked inside the ages stated, the lineage and
    Ph status among those stated (a donor or a line of therapy asked is left to the scorer)."""
    if asked.age and not (stated.age and stated.age[0] <= asked.age[0] and asked.age[1] <= stated.age[1]):
        return False
    return asked.lineage <= stated.lineage and asked.ph <= stated.ph and bool(asked.age or asked.lineage or asked.ph)
