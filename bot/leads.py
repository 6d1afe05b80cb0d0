"""Which option leads an options answer: the items come in the text's order, and the first is the one the
question asks about most (the class's own list, the asker's conditions, whom each is for, another of the
kind set aside). bot/overview.py picks the options; this orders them."""

from __future__ import annotations

import re

from bot.breadth import FILTERING_TYPES, STATED_ATTRIBUTES, TREATMENT_KINDS
from bot.breadth_words import ASK_CLAUSE, ASPECTS, MAPPING, REST
from bot.conditions import Conditions, read, spans_of
from bot.evidence import Evidence
from bot.glossary import Glossary
from bot.question import Analysis, rules
from bot.story import asking_start
from bot.text import joined

NEW_ASKED = re.compile(r"\b(?:new|newer|newest|latest|novel)\b", re.IGNORECASE)
NEW_KIND = re.compile(r"\b(?:new|newer|novel)\s+([\w-]+)")


CHOICES = re.compile(r"\b(?:options?|choices?|alternatives?)\b", re.IGNORECASE)


def _first(chosen: list[Evidence], lead: Evidence | None) -> list[Evidence]:
    """``chosen`` with ``lead`` (one of them) first and the rest in their order; as it is when ``lead`` is None."""
    return chosen if lead is None else [lead, *[e for e in chosen if e is not lead]]


def _states(cue: re.Pattern[str], text: str) -> bool:
    """``text`` says ``cue`` in its first half: what it is about, not an aside at its end."""
    m = cue.search(text)
    return m is not None and m.start() < len(text) / 2


def says_for() -> re.Pattern[str] | None:
    """What a sentence saying whom a treatment is for looks like (the indication type's cue)."""
    indication = rules().get("indication")
    return indication.cue if indication is not None else None


def order(chosen: list[Evidence], analysis: Analysis, named: list[str], aside: set[str], glossary: Glossary) -> list[Evidence]:
    """``chosen`` (in the text's order) with the option that should lead first; the rest keep their order."""
    chosen = list(chosen)
    for_whom = says_for()
    # The text's own list of the class asked for ("Available immunotherapies ... include") leads a list asked
    # for; asked to explain or sum them up, what the list introduces comes first and the list after it.
    if len(named) <= 1:
        chosen.sort(key=lambda e: e.kind != "lead_in")
        # (not "... and how well do they work?"; "which can be used for relapsed ALL?" asks only the list)
        # (nor "what immunotherapy options are there?", which asks the choices: what the list introduces first)
        only_list = ("list" in analysis.types and not any(t in STATED_ATTRIBUTES for t in analysis.types)
                     and not CHOICES.search(analysis.text))
        if (not only_list and not REST.search(analysis.text)) and len(chosen) > 1 and chosen[0].kind == "lead_in":
            chosen = [chosen[1], chosen[0], *chosen[2:]]
    if analysis.conditions:
        # The options that state more of the asker's conditions lead ("a child after several relapses":
        # one for children in a second relapse before one for children); asked for a group ("which apply to
        # adults?", not a story's "my sister is 34"), of those one saying whom it is for before an outcome in a
        # group ("a second remission in ... about one third of adults").
        asked = rules().without_audience(analysis.text[asking_start(analysis.text):])
        for_group = for_whom if read(asked, True) else None
        # (of those fitting as well, one for the asker's lineage: T-cell ALL is a disease of its own)
        own = _own_lineage(chosen, analysis)
        chosen.sort(key=lambda e: (-e.condition, e is not own, not (for_group is not None and for_group.search(e.text))))
    if for_whom is not None and (MAPPING.search(analysis.text) or "indication" in analysis.types or (
        "age" in analysis.types and analysis.conditions.age is None
    )):
        # Asked who each is for: a sentence saying whom a treatment is for leads, not one that gives an
        # outcome in a group ("a second remission in the majority of children").
        chosen.sort(key=lambda e: (-e.condition if analysis.conditions else 0.0, not for_whom.search(e.text)))
    if NEW_ASKED.search(analysis.text) and not aside and not analysis.conditions:
        # "What's new for relapse?": the sentence calling a kind of treatment new leads, not "a new round of chemotherapy".
        chosen = _first(chosen, next((e for e in chosen if any(
            glossary.kind(w) in TREATMENT_KINDS for w in NEW_KIND.findall(e.text.lower()))), None))
    if len(named) == 2 and not analysis.conditions:
        # "inotuzumab and transplant outcomes?": a sentence on both ("higher post-transplant ... mortality") leads.
        chosen = _first(chosen, next((e for e in chosen if set(named) <= set(e.subjects) | set(e.own)), None))
    needs = [r.need for r in map(rules().get, analysis.types) if r is not None and r.name in FILTERING_TYPES and r.need is not None]
    listed = ASPECTS.match(analysis.text) or len(ASK_CLAUSE.findall(analysis.text)) >= 2  # ("products, eligibility, toxicity")
    if (needs and not listed and not MAPPING.search(analysis.text)
            and chosen and not (chosen[0].own and named == chosen[0].own[:1])):  # ("the downside of CAR-T?": its own sentence)
        # "What can go wrong with each?": the first option whose sentence states the attribute, not one that
        # mentions it in passing at its end ("remarkable efficacy, albeit with significant toxicity").
        chosen = _first(chosen, next((e for e in chosen if all(_states(n, e.text) for n in needs)), None))
    if "commonest" in analysis.types and (common := rules().get("commonest")) is not None and common.need is not None:
        chosen = _first(chosen, next((e for e in chosen if common.need.search(e.text)), None))  # ("which are the most common?")
    kinds = {k for t in aside if (k := glossary.kind(t)) in TREATMENT_KINDS}
    kinds = {"drug"} if "drug" in kinds else kinds  # (the narrowest kind set aside)
    members = {m for t in named for m in glossary.narrower(t)}
    if len(kinds) == 1 and all(glossary.narrower(t) for t in named) and not analysis.conditions:
        # "What else is there?" after one drug: another of its kind leads (after blinatumomab, the other
        # drugs before re-induction chemotherapy); "other immunotherapies?": another member of the class.
        chosen = _first(chosen, next((e for e in chosen if e.own and glossary.kind(e.own[0]) in kinds
                                      and (not named or e.own[0] in members)), None))
    about = {*named, *members}
    if len(named) == 1 and chosen and not about & {*chosen[0].subjects, *chosen[0].own}:
        # "Explain CAR T cells": a sentence about them leads, not "Antibodies ... bring T cells" before it.
        chosen = _first(chosen, next((e for e in chosen if about & {*e.subjects, *e.own}), None))
    return chosen


def keep_fitting(items: list[Evidence], fits: list[float], asked: Conditions) -> tuple[list[Evidence], str]:
    """Of a list's ``items``, whose ``fits`` to the asker's conditions ``asked`` are given, those stating the
    most of them when some state any ("T-cell, after two regimens": the T-cell drug for later lines, not
    every drug for later lines), else those not excluding the asker; and the note saying the list was
    filtered. All of them and no note when every item, or none, would be kept."""
    most = max(fits, default=0.0)
    keep = [e for e, f in zip(items, fits, strict=True) if (f >= most if most > 0 else f >= 0)]
    if not keep or len(keep) == len(items):
        return items, ""
    shown = ", ".join(asked.labels) or "your question"
    if len(keep) == 1:
        return keep, f"Of the items the text lists, only this one fits {shown}."
    return keep, f"Only the items that fit {shown} are listed."


def fitting(chosen: list[Evidence], analysis: Analysis) -> tuple[list[Evidence], str]:
    """``chosen`` with only its listed items fitting the asker's conditions (``keep_fitting``), and the note;
    one that alone fits leads ("which of those is for kids?": clofarabine, age 1 to 21)."""
    items = [e for e in chosen if e.kind == "item"]
    # (the conditions of the question asked, not of a story told before it: "my daughter has an exam")
    if not analysis.conditions or len(items) < 2 or not read(analysis.text[asking_start(analysis.text):], True):
        return chosen, ""
    keep, note = keep_fitting(items, [e.condition for e in items], analysis.conditions)
    if not note:
        return chosen, ""
    kept = [e for e in chosen if e.kind != "item" or any(e is k for k in keep)]
    return _first(kept, keep[0] if len(keep) == 1 else _own_lineage(keep, analysis)), note


# "Which treatments are only for adults?", "just for kids", "adults only": those the text states for that group alone.
ONLY = re.compile(r"\b(?:only|just|exclusively|solely|restricted to|limited to|reserved for)\s+(?:for\s+|to\s+|in\s+)?(?:the\s+)?$", re.IGNORECASE)
ONLY_AFTER = re.compile(r"\s*(?:only|alone)\b", re.IGNORECASE)
OPEN_AGE = 200.0  # the upper end of an age range stated without one ("adults": 18 and over)


def only_for(chosen: list[Evidence], analysis: Analysis) -> tuple[list[Evidence], str]:
    """``chosen`` kept to the sentences whose stated ages overlap the asker's and leave the other group out: for a
    group with no upper age ("adults", "over 65"), no one younger than it; for one with no lower age ("children"),
    an upper age of its own ("up to 25 years", "age 1 to 21"); a sentence stating no age is for everyone. All of
    them and no note when no sentence, or every one, is restricted so."""
    text = analysis.text[asking_start(analysis.text):]
    asked = analysis.conditions.age
    if asked is None or not any(ONLY.search(text[:a]) or ONLY_AFTER.match(text[b:]) for a, b in spans_of(text, analysis.conditions)):
        return chosen, ""  # ("the group only": not "is it just more chemo?" beside a child's age)
    lo, hi = asked

    def restricted(e: Evidence) -> bool:
        stated = read(e.text).age
        if stated is None or stated[0] > hi or stated[1] < lo:
            return False
        return stated[0] >= lo if hi >= OPEN_AGE else stated[1] < OPEN_AGE

    keep = [e for e in chosen if restricted(e)]
    if not keep or len(keep) == len(chosen):
        return chosen, ""
    return keep, f"Only the options the text states for {', '.join(analysis.conditions.labels) or 'that age'} alone are listed."


def _own_lineage(chosen: list[Evidence], analysis: Analysis) -> Evidence | None:
    """The first of ``chosen`` stating the lineage the asker states ("T-cell ALL, relapsed twice": nelarabine's
    item, before clofarabine's for children after two regimens); None when the asker states none."""
    asked = analysis.conditions.lineage
    return next((e for e in chosen if asked & read(e.text).lineage), None) if asked else None


def _one_site_first(chosen: list[Evidence], analysis: Analysis, glossary: Glossary) -> list[Evidence]:
    """Asked of one site ("early bone marrow relapse: how serious, what helps?"): a sentence listing every
    site ("may reappear in the bone marrow, CNS, testes") does not lead a sentence about that site alone."""
    sites = [t for t in analysis.focus if glossary.kind(t) == "site"]
    if len(sites) != 1 or not chosen or sum(glossary.kind(t) == "site" for t in chosen[0].own) < 2:
        return chosen
    return _first(chosen, next((e for e in chosen[1:] if sites[0] in e.own), None))


def topical(chosen: list[Evidence], analysis: Analysis, glossary: Glossary | None = None) -> list[Evidence]:
    """A topical overview's order: the sentence for the asker's conditions first ("T-cell ALL relapsed,
    what's the deal?"); else, when a broad question asks one thing more ("what happens after blina, and
    its commonest nerve effects?"; not a tour of several), the sentence answering it best; the rest in the
    text's order."""
    chosen = list(chosen)
    if analysis.conditions:
        own = _own_lineage(chosen, analysis)
        chosen.sort(key=lambda e: (-e.condition, e is not own))
    elif chosen and analysis.qtype == "overview" and len([t for t in analysis.types[1:] if t not in ("definition", "commonest")]) == 1:
        # ("its commonest nerve effects": of the best, the one saying which are the most common)
        rule = rules().get("commonest") if "commonest" in analysis.types else None
        chosen = _first(chosen, max(chosen, key=lambda e: (e.score, bool(rule and rule.need and rule.need.search(e.text)))))
    elif chosen:
        # Asked what a thing's paragraph states ("blinatumomab side effects, and what if seizures?"): the first
        # sentence stating one of those leads, not the one introducing the thing.
        needs = [r.need for r in map(rules().get, analysis.types) if r is not None and r.name in FILTERING_TYPES and r.need is not None]
        # (not a tour of its aspects: "what it is, who gets it, its risks"; but "what toxicities, and how handled?")
        tour = any(t in ("definition", "indication", "mechanism", "target", "age") for t in analysis.types)
        asks = len(ASK_CLAUSE.findall(analysis.text))
        listed = ASPECTS.match(analysis.text) or asks >= 3 or tour
        if needs and not listed and not any(n.search(chosen[0].text) for n in needs):
            chosen = _first(chosen, next((e for e in chosen if any(_states(n, e.text) for n in needs)), None))
    return _one_site_first(chosen, analysis, glossary) if glossary is not None else chosen


def about(analysis: Analysis, exclude: set[str], before: set[str] | None = None) -> str:
    """The lead's words for what an overview is about (" about transplant", " besides CAR-T"); not what the
    question names as what came ``before`` ("relapsed after chemo")."""
    names = [analysis.focus_surface.get(t, t) for t in analysis.focus if t not in exclude and t not in (before or ())][:3]
    about = f" about {joined(names)}" if names else ""
    if len(exclude) > 2:  # the options an earlier answer gave: too many to name in a lead
        return about + " besides those already given"
    if exclude:
        # As the asker wrote it ("CAR-T", not "chimeric antigen receptor t"), in a stable order.
        written = {m.term: analysis.text[m.start : m.end] or m.surface for m in analysis.mentions}
        others = [written.get(t) or analysis.focus_surface.get(t, t) for t in sorted(exclude)][:2]
        about += f" besides {' and '.join(others)}"
    return about
