"""The decision: answer, answer in part, or abstain, with the reason in plain words. Every gate reads the
scored evidence and a fitted number (bot/params.py); none looks at one question."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.breadth import TREATMENT_KINDS
from bot.evidence import Evidence
from bot.forms import Forms
from bot.meaning import asked_word, defines
from bot.pages import dedicated, fullest_named, names_page, on_topic
from bot.params import Params
from bot.question import Analysis, rules, states_span
from bot.siblings import names_another
from bot.story import REFERS_BACK
from bot.text import SENTENCE, asking_sentences, asks, content_words, fold, joined


@dataclass
class Decision:
    status: Literal["answer", "partial", "abstain"]
    reason: str = ""
    best: Evidence | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.best.score if self.best is not None else 0.0


def _of_kinds(analysis: Analysis, forms: Forms, kinds: set[str] | frozenset[str]) -> list[str]:
    """The question's focus terms of the glossary kinds ``kinds``, in its order."""
    return [t for t in analysis.focus if forms.glossary.kind(t) in kinds]


def quoted(words: list[str]) -> str:
    return joined([f"“{w}”" for w in words[:3]], "or")


def is_long(analysis: Analysis, params: Params) -> bool:
    """A message that tells a story around its question ("I was diagnosed ... my blood work showed ...")."""
    return len(content_words(analysis.text)) >= params.long_question_words


NOT_OF = "The text does not say this of"  # (a sentence about another subject cannot answer for the one asked)
# Types asking for a figure: one of an effect the question names is said by a sentence naming it.
FIGURES = frozenset({"frequency", "percent_figure", "percentage", "count", "duration_count"})
HOW_DOES = re.compile(r"\bhow (?:exactly |actually )?(?:does|do|did|can|could|would) (?:the |a |an )?$", re.IGNORECASE)
_CLAUSES = re.compile(r"\band\b|[?.;]")
RANK_WORDS = re.compile(r"best|worst|better|worse|(?:most |more |less |least )?effective|works?|safe(?:r|st)?", re.IGNORECASE)  # (no outcome asked)


def _question_start(text: str) -> int:
    """Where the sentence that asks begins: a long message's last question ("... her hair is coming out.
    Is hair loss a side effect of it?"), else its last sentence."""
    sentences = [m for m in SENTENCE.finditer(text) if m.group(0).strip()]
    asking = [m for m in sentences if "?" in m.group(0)] or sentences
    return asking[-1].start() if asking else 0


# A question asking what the signs are ("What are the warning signs that ...?", "which symptoms ...").
SIGNS_ASKED = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:what|which)\b[^?]*\b(?:signs?|symptoms?)\b", re.IGNORECASE)
# A question word opening the sentence that asks ("What does it do to the DNA?").
WH_ASKED = re.compile(r"^\W*(?:(?:and|so|but)\s+)?(?:what|which|how|why|where|when|who)\b[^?]*\?", re.IGNORECASE)


def _asked_words(sentence: str, words: list[str]) -> list[str]:
    """``words`` the question a long message ends with (``sentence``) is made of, when it says nothing else
    (not the story around it; not "Any suggestions?" or "It worries me.", which ask nothing the text could answer)."""
    asking = {w.lower() for w in content_words(sentence)} if WH_ASKED.match(sentence) else set()
    return [w for w in words if w.lower() in asking] if asking and asking <= {w.lower() for w in words} else []


def _asked(analysis: Analysis, terms: list[str]) -> list[str]:
    """Of ``terms``, those the sentence that asks names (not the story around it)."""
    start = _question_start(analysis.text)
    return [t for t in terms if any(m.term == t and m.start >= start for m in analysis.mentions)]


def _asks_more(analysis: Analysis, best: Evidence) -> bool:
    """Does the question ask something besides its primary type in a clause of its own ("what is X and how
    is it diagnosed?"): another type whose rule needs no particular statement (a definition, a list), or
    whose statement ``best`` makes ("is it dangerous and does insurance cover it?")? "What is the dose of
    X?" asks one thing: its "what is" belongs to the dose's clause; "which is best? rank them" one ranking."""
    first = primary.ask.search(analysis.text) if (primary := rules().get(analysis.qtype)) else None
    if first is None:
        return False
    if analysis.yes_no and _CLAUSES.search(analysis.text, 0, first.start()):
        return True  # "does ino hurt the liver, and how often?": whether, then how often
    for name in analysis.types[1:]:
        rule = rules().get(name)
        if rule is None or name == analysis.qtype or (rule.need is not None and not rule.need.search(best.text)):
            continue
        other = rule.ask.search(analysis.text)
        said = other.group(0) if other else ""  # (a ranking's own words, or what it chooses among: "which of them works best?")
        ranks = analysis.qtype in ("ranking", "superlative") and (name in ("ranking", "superlative") or RANK_WORDS.fullmatch(said) or said.lower().startswith(("which of", "what of")))
        if other is not None and _asking(analysis.text, other.start()) and not ranks:
            lo, hi = sorted((first, other), key=lambda m: m.start())
            if _CLAUSES.search(analysis.text, lo.end(), hi.start()):
                return True
    return False


def _asking(text: str, at: int) -> bool:
    """Is position ``at`` in a sentence that asks: one ending in "?", or the message's last? ("I read that
    CRS is one of the risks." tells; it does not ask for the risks.)"""
    for m in SENTENCE.finditer(text):
        if m.start() <= at < m.end():
            return asks(m.group()) or not text[m.end():].strip()
    return True


def decide(
    analysis: Analysis, ranked: list[Evidence], params: Params, forms: Forms, topics: frozenset[str] = frozenset()
) -> Decision:
    """The decision on the best sentence; when that is to abstain because its document never speaks of a
    key word of the question, the decision on the first close sentence of another document that does; when
    a long message's yes/no question is not said of its treatment, that of a close sentence that says it.
    ``topics``: the topics of search's first documents for the question (``on_topic``), if known."""

    def led_by(e: Evidence) -> Decision:
        return _decide(analysis, [e, *[x for x in ranked if x is not e]], params, forms, topics)

    ranked = fullest_named(ranked, params, forms, analysis.text)
    first = _decide(analysis, ranked, params, forms, topics)
    if first.reason.startswith(NOT_OF) and first.best is ranked[0] and is_long(analysis, params):
        # "... His mum read about clofarabine. Is it meant for someone his age?": a close sentence about it.
        close = (led_by(e) for e in ranked[1 : int(params.concept_alternatives)]
                 if e.score >= ranked[0].score - params.need_window)
        return next((d for d in close if d.status != "abstain"), first)
    if first.status != "abstain" or not first.missing or first.best is None or not ranked[0].missing_context:
        return first
    # "My kid's leukemia came back in the brain fluid": in a corpus of many documents the best sentence may
    # come from a page on brain tumours that never says "leukemia", and the text that does answers.
    other = next((e for e in ranked[1 : int(params.concept_alternatives)]
                  if e.doc != ranked[0].doc and not e.missing_context), None)
    if other is not None and (d := led_by(other)).status != "abstain":
        return d
    return first


def _decide(
    analysis: Analysis, ranked: list[Evidence], params: Params, forms: Forms, topics: frozenset[str] = frozenset()
) -> Decision:
    if not ranked:
        return Decision("abstain", "The text does not answer this question.")
    kept = on_topic(ranked, topics, params, forms, analysis.text)
    if kept is None:
        return Decision("abstain", "The text does not clearly answer this question: the passages closest to it "
                        "are about another subject.", ranked[0])
    ranked = kept
    best = ranked[0]
    word = asked_word(analysis.text)
    if word and not any(word.lower() in s.lower() for s in analysis.focus_surface.values()) and not any(defines(e.text, word) for e in ranked):
        # "What does 'refractory' mean?": sentences that use the word do not say what it means.
        return Decision("abstain", f"The text does not say what “{word}” means.", best, missing=[word])
    # In a long message most words tell the story, not the question: a word of it the text lacks
    # ("yesterday", "cauterization"), or a lower share of its words matched, says less than in a short one.
    long = is_long(analysis, params)
    abstain_below = params.long_abstain_below if long else params.abstain_below
    concept_share = params.long_concept_share if long else params.concept_share
    need = analysis.need
    unmet = ""  # the part of a question asking two things ("what is X and how is it diagnosed?") not stated
    primary = rules().get(analysis.qtype)
    # A long message's type words are often the story's, but not a strict type's asked in its question.
    asking = analysis.text[_question_start(analysis.text):]
    strict = primary is not None and (
        (primary.strict and bool(primary.ask.search(asking)))
        # "... What are the warning signs that it has come back?": the signs are what is asked.
        or (primary.name == "diagnosis" and SIGNS_ASKED.match(asking) is not None)
    )
    if need is not None and not (long and params.long_skip_need and not strict):
        # Answer-type check: a dose question needs a dose, a schedule question a schedule.
        pool = [
            e for e in ranked[:6]
            # (within the window but for the asker's conditions: a sentence stating them is not the answer for that)
            if e.score >= best.score - params.need_window - params.w_condition * max(0.0, best.condition - e.condition)
            and (e.entity > 0 or not analysis.focus or forms.speaks_for(e, analysis.focus))
        ]
        typed = forms.stating(need, pool, analysis)
        if analysis.qtype in FIGURES and (effects := _of_kinds(analysis, forms, {"toxicity", "outcome"})):
            # "Does ino hurt the liver, and how often?": a rate of remission is not how often the liver is hurt
            # (what is done about an effect follows it unnamed: "Interrupting ... may be necessary").
            typed = [e for e in typed if set(effects) <= forms.scorer.named(e.row) | set(e.own)]
        rivals = _of_kinds(analysis, forms, TREATMENT_KINDS) if analysis.qtype in ("ranking", "commonest") else []
        if len(rivals) >= (2 if analysis.qtype == "ranking" else 1):  # (the commonest: of the treatment asked)
            # "Blinatumomab vs inotuzumab, which is superior?": only a sentence naming both ranks one above
            # the other; "higher remission rates with inotuzumab than with chemotherapy" ranks another pair.
            typed = [e for e in typed if set(rivals) <= forms.scorer.named(e.row) | set(e.own)]
        elif analysis.qtype == "ranking" and rivals and len(members := {m for m in forms.glossary.narrower(rivals[0]) if not forms.glossary.narrower(m)}) >= 2:
            # "Rank the immunotherapies": a sentence ranking two of them, not one against chemotherapy.
            typed = [e for e in typed if len(members & (forms.scorer.named(e.row) | set(e.own))) >= 2]
        if not typed and params.need_dedicated:
            # The page the corpus wrote for this question (its aspect asked, its title said in full: "How
            # many people are affected by Cushing disease?") answers it in its own words ("10 to 15 per million").
            typed = dedicated(analysis, pool, forms)
        if typed:
            best = typed[0]
            if analysis.qtype == "diagnosis" and not _of_kinds(analysis, forms, {"site"}):
                # "What are the first symptoms of leukemia?": the text says how a relapse shows at one site only (a
                # sentence about a site names it in its first words: "Testicular relapse may be evidenced ...",
                # "If unilateral testicular involvement is ...", not a list of symptoms naming the brain in passing).
                sites = [m.term for m in forms.scorer.mentions(best.row) if m.kind == "site" and len(best.text[: m.start].split()) <= 2]
                if sites:
                    return Decision("abstain", f"The text describes this only for a relapse in the {sites[0]}.", best)
        else:
            rule = rules().get(analysis.qtype)
            what = rule.states if rule else "this"
            names = [analysis.focus_surface.get(t, t) for t in analysis.focus]
            about = f" for {', '.join(names)}" if names else ""
            unmet = f"The text does not state {what}{about}."
            if len(rivals) >= 2 and analysis.qtype == "ranking":
                shown = [analysis.focus_surface.get(t, t) for t in rivals]
                unmet = f"The text does not compare {' and '.join(shown[:3])} with each other."
            # A question asking another thing too is answered for that part, naming the part it lacks; one asking
            # only this is not answered, nor one whose other part asks a span unstated too ("... the 5-year survival?").
            if not (params.compound_partial and _asks_more(analysis, best)) or not all(states_span(best.text, x) for x in analysis.spans):
                return Decision("abstain", unmet, best)
    spans = analysis.spans if not long else []
    if spans and not any(states_span(best.text, s) for s in spans):
        # "How many are alive five years after relapse?": a sentence giving no five-year figure cannot say.
        return Decision("abstain", f"The text does not say anything about {quoted(spans)}.", best, spans)
    if analysis.qtype == "list":
        # A list question is answered by a list: the best paragraph that holds one.
        listed = forms.list_anchor(ranked, bool(analysis.focus))
        if listed is not None:
            score = forms.list_score(listed)
            if score > best.score:
                best = replace(listed, score=score)
    unspoken = sorted(analysis.conditions.states - forms.scorer.document_states(best.doc))
    if unspoken:
        # "Can I take it while pregnant?": a text that never speaks of pregnancy cannot answer for it.
        return Decision("abstain", f"The text does not discuss {' or '.join(unspoken)}.", best, unspoken)
    in_document = forms.scorer.document_terms(best.doc)
    never = [t for t in _of_kinds(analysis, forms, {"toxicity"}) if t not in in_document]
    if long:  # a long message's story may name an effect in passing; its question asks about one
        never = _asked(analysis, never)
    # (and a disease the story names is the patient's: "my brother has the chronic one, CLL ...")
    never += list(dict.fromkeys(m.term for m in analysis.mentions if m.kind == "condition" and m.term not in in_document))
    if never:  # "nausea with clofarabine": an effect the text never names is not in it, whatever it says of clofarabine
        return Decision("abstain", f"The text does not discuss {quoted(never)}.", best, never)  # (by its name, "hair loss")
    if analysis.required and not long and not set(analysis.required) <= (forms.scorer.named(best.row) | set(best.own)):
        # "What causes X?": only a sentence that names X can say what causes it.
        causes = ", ".join(analysis.required)
        return Decision("abstain", f"The text does not say what causes {causes}.", best, list(analysis.required))
    head = best.own[0] if best.own else ""  # (a member of the sentence's class is what it is about too)
    worker = next((m.term for m in analysis.mentions if HOW_DOES.search(analysis.text[max(0, m.start - 30): m.start])), None) if analysis.qtype == "mechanism" and head else None
    if worker and worker not in (head, *forms.glossary.narrower(head), *forms.glossary.broader(head)):
        # "How does the calicheamicin part kill the blast?": a sentence on inotuzumab names its payload, not how that works.
        return Decision("abstain", f"The text does not say how {analysis.focus_surface.get(worker, worker)} works.", best, [worker])
    if analysis.yes_no and best.wrong >= 1.0 and not long:
        # "Does tisagenlecleucel cause VOD?": a sentence saying it of another drug cannot decide it.
        names = [analysis.focus_surface.get(t, t) for t in analysis.focus if t not in best.subjects]
        return Decision("abstain", f"{NOT_OF} {', '.join(names[:2]) or 'it'}.", best, names)
    # (a class is named by its members: "which fixture antibody ...?" of a page naming alphamab)
    treatments = _of_kinds(analysis, forms, TREATMENT_KINDS)
    strangers = [t for t in treatments
                 if t not in in_document and in_document.isdisjoint(forms.glossary.narrower(t))]
    if strangers and not long:
        # "Does clofarabine cause hair loss?": a page that never names clofarabine cannot say, however
        # well it speaks of hair loss.
        names = [analysis.focus_surface.get(t, t) for t in strangers]
        return Decision("abstain", f"{NOT_OF} {', '.join(names[:2])}.", best, names)
    asked_of = treatments if analysis.yes_no and not long else []
    if long and rules().yes_no.search(fold(asking).strip()):  # "My son's doctor mentioned clofarabine ... Has it helped?"
        asked_of = _asked(analysis, treatments) or (treatments if len(treatments) == 1 and REFERS_BACK.search(asking) else [])
    covered = {n for t in asked_of for n in (t, *forms.glossary.narrower(t))}
    if asked_of and not covered & (forms.scorer.named(best.row) | set(best.subjects)) and not forms.speaks_for(best, sorted(covered)):
        # "Does tisagenlecleucel improve survival?": a sentence about other agents cannot say yes or no for it.
        names = [analysis.focus_surface.get(t, t) for t in asked_of]
        return Decision("abstain", f"{NOT_OF} {', '.join(names[:2])}.", best, names)
    if analysis.yes_no and not long:
        # "Does blinatumomab cause hair loss?": a sentence that never names the effect asked about cannot
        # say yes or no to it.
        named = forms.scorer.named(best.row)
        # (nor an outcome: "does inotuzumab improve overall survival?" is not decided by its remission rates)
        unnamed = [t for t in _of_kinds(analysis, forms, {"toxicity", "outcome"}) if t not in named]
        if unnamed:
            names = [analysis.focus_surface.get(t, t) for t in unnamed]
            return Decision("abstain", f"The text does not say anything about {quoted(names)}.", best, names)
    # The page the question names by its title ("Can birth control drug Ocella cause deep vein thrombosis?":
    # the page "Deep Vein Thrombosis") is about what it asks: the words it lacks are details of that topic,
    # named in a partial answer rather than withheld.
    named_page = (
        bool(params.named_partial) and names_page(analysis.text, best, forms, topics)
        and not names_another(analysis.text, forms.scorer.siblings.topic(best.doc), best.missing_context, topics)
    )
    if analysis.yes_no and best.missing_weight >= params.yes_no_missing and not long and not named_page:
        # "Does X cause infertility?": a sentence that never names infertility cannot decide it.
        return Decision("abstain", f"The text does not say anything about {quoted(best.missing)}.", best, best.missing)
    if long and params.long_topic_words and not (analysis.focus and set(analysis.focus) <= in_document):
        # What a long message is about is its rarest words the corpus knows ("fibromyalgia"): a document
        # that never uses any of them answers another story, however well one sentence matches. One naming
        # every glossary term the message names is on its topic ("I'm a pharmacy student mixing up X and Y").
        scorer = forms.scorer
        known = [(w, wt) for w, wt in analysis.subject.items() if wt > 0 and scorer.stem(w) in scorer.known_stems]
        topic = [w for w, _ in sorted(known, key=lambda x: -x[1])[: int(params.long_topic_words)]]
        if topic and not any(scorer.siblings.uses(best.doc, w) for w in topic):
            return Decision("abstain", f"The text does not discuss {quoted(topic)}.", best, topic)
    if best.score < abstain_below and not (best.score >= params.dedicated_below and dedicated(analysis, [best], forms)):
        # The page written for the question (its aspect asked, its title said in full: NINDS's research page
        # on Kuru for "What research is being done for Kuru?") may answer below the floor: its sentences
        # need not repeat the question's words.
        return Decision("abstain", "The text does not clearly answer this question.", best)
    # A long message with a few words the text lacks is still answered when most of it is covered.
    if (best.missing_context_weight >= params.concept_abstain and best.missing_context
            and best.missing_share >= concept_share and not named_page):
        # A key word of the question that neither the sentence nor its paragraph speaks of: "pregnant".
        missing = best.missing_context
        return Decision("abstain", f"The text does not discuss {quoted(missing)}.", best, missing)
    if named_page and best.missing and best.missing_weight >= params.yes_no_missing and analysis.yes_no:
        # A yes/no question the sentence cannot decide: say which of its words the text does not speak of.
        missing = best.missing
        return Decision("partial", f"The text does not say anything about {quoted(missing)}.", best, missing)
    if best.missing_context_weight >= params.concept_partial and best.missing_context:
        # Most of the question is answered: quote it, and say which part the text does not discuss.
        missing = best.missing_context
        # The words a long message's question asks about ("... What does it do to the DNA?"): the story around it
        # is answered, the question is not; the story's own words ("her knees") are no part of it.
        if long and (asked := _asked_words(asking, missing)):
            return Decision("abstain", f"The text does not discuss {quoted(asked)}.", best, asked)
        # Of any message that asks and tells, only what it asks ("... my options? everyone keeps mentioning CAR-T":
        # not "keeps").
        if (asked_part := asking_sentences(analysis.text)) or long:
            asked_words = {x.lower() for x in content_words(" ".join(asked_part) or asking)}
            missing = [w for w in missing if w.lower() in asked_words]
        return Decision("partial", f"The text does not say anything about {quoted(missing)}.", best, missing) if missing else Decision("answer", "", best)
    if unmet:
        return Decision("partial", unmet, best)
    return Decision("answer", "", best)


def still_missing(quotes: list[str], decision: Decision, stem: Callable[[str], str],
                  used: Callable[[str], bool] | None = None) -> tuple[str, str, list[str]]:
    """A partial answer names only the words none of its ``quotes`` says ("regimens" in the next quote) and its
    document never ``used`` ("HLA" in another paragraph: the text does say something about it)."""
    status, reason, missing = decision.status, decision.reason, decision.missing
    if status != "partial" or not missing:
        return status, reason, missing
    said = {stem(w) for q in quotes for w in content_words(q)}
    left = [w for w in missing if stem(w) not in said and not (used and used(w))]
    if len(left) == len(missing):
        return status, reason, missing
    if not left:
        return "answer", "", []
    return status, f"The text does not say anything about {quoted(left)}.", left
