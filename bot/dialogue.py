"""A conversation: follow-up questions resolved against the previous turn's focus. Each Session holds
its own state; the engine it uses is shared and read-only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot import conditions, listing
from bot import follow_words as fw
from bot.breadth import ATTRIBUTE_TYPES, FILTERING_TYPES
from bot.breadth_words import OTHER, REST
from bot.composer import Frame
from bot.models import Answer
from bot.question import GIVEN_KINDS, SUBJECT_KINDS, Analysis, rules
from bot.text import SENTENCE, STOPWORDS, asks, content_words, fold, joined

SITES = frozenset({"site"})

if TYPE_CHECKING:
    from bot.answerer import Answerer, Cleaned, Understanding


@dataclass
class Turn:
    question: str
    resolved: str
    analysis: Analysis
    cited_docs: list[int] = field(default_factory=list)
    given: tuple[str, ...] = ()  # the treatments an overview's items were about, in its order
    quoted: frozenset[str] = frozenset()  # the sentences the answer quoted ("go on" quotes others)


class Session:
    """One conversation: its turns, and follow-ups rewritten against them. Answering is the Answerer's."""

    def __init__(self, answerer: Answerer, doc_pos: dict[str, int]) -> None:
        self.answerer = answerer
        self.doc_pos = doc_pos
        self.turns: list[Turn] = []

    def reset(self) -> None:
        self.turns.clear()

    @property
    def last_focus(self) -> Turn | None:
        return next((t for t in reversed(self.turns) if t.analysis.focus), None)

    def _resolve(self, text: str, analysis: Analysis) -> str:
        """Rewrite a follow-up into a self-contained question, or return it unchanged."""
        prev = self.last_focus
        if prev is None:  # ("How is relapsed ALL treated?" then "ok what about the brain": the same question of it)
            return f"{self.turns[-1].resolved.rstrip('?.! ')} ({text.strip()})" if self.turns and analysis.focus and fw.WHAT_ABOUT.match(text) else text
        follow = bool(rules().follow_up.search(fold(text)))
        words = content_words(text)
        last = self.turns[-1].analysis
        if (not analysis.focus and analysis.qtype in ("ranking", "superlative") and fw.WHICH_ANY.search(text) and len(last.focus) >= 2
                and all(self.answerer.glossary.kind(t) in GIVEN_KINDS for t in last.focus)):
            # "Compare tisagenlecleucel and brexucabtagene" then "which one is superior?": which of those two.
            return f"{text.rstrip()} ({joined([last.focus_surface.get(t, t) for t in last.focus], 'or')})"
        if not analysis.focus and (follow or len(words) <= self.answerer.params.follow_up_max_words):
            pointer = fw.pointed(text, prev.analysis)  # ("how is that kind of relapse treated?": the CNS relapse)
            term = pointer[0] if pointer else prev.analysis.focus[0]
            if fw.WHICH_ONE.match(text) and self.answerer.glossary.kind(term) not in GIVEN_KINDS:
                return text  # "which of those was withdrawn?" after drugs approved without a survival benefit: the drugs, not survival
            phrase = prev.analysis.focus_surface.get(term, term)
            body = fw.LEADING_CONNECTIVE.sub("", pointer[1] if pointer else text).strip()
            new, n = (body, 1) if pointer else fw.PRONOUN.subn(phrase, body, count=1)
            if len(prev.analysis.focus) >= 2 and fw.BOTH.search(body):  # ("what risks do the two of them share?": both,
                # not the class they were said to be of: "Kymriah and Tecartus are both CAR-T products")
                both = [t for t in prev.analysis.focus if not set(self.answerer.glossary.narrower(t)) & set(prev.analysis.focus)]
                new, n = fw.BOTH.sub(joined([prev.analysis.focus_surface.get(t, t) for t in both]), body, count=1), 1
            elif not pointer and (pair := self._asked_in_turn(prev)) and fw.SEVERAL.search(body):
                # "What is blinatumomab?", "and inotuzumab?", then "compare their side effects": the two asked in turn.
                new, n = fw.SEVERAL.sub(joined(pair), body, count=1), 1
            if fw.MORE.match(text):  # "go on": the text's account of the subject (bot/breadth.py DESCRIBE)
                new = f"Tell me more about {phrase}"
            elif fw.NEXT_ASKED.search(text) and self.answerer.glossary.kind(term) == "site":
                # "What happens now?" after a relapse in one site: how that relapse is treated.
                new = f"How is {phrase if fw.SITE_TAIL.search(phrase) else f'a relapse in the {phrase}'} treated?"
            elif not n:
                new = f"{body.rstrip('?.! ')} {phrase}"
            return new[:1].upper() + new[1:]
        term = prev.analysis.focus[0]
        if fw.VERSUS.match(text) and term not in analysis.focus and len(words) <= self.answerer.params.follow_up_max_words:
            # "Blina MOA?" then "vs ino?": the last question, of both.
            return f"{prev.resolved.rstrip('?.! ')}, compared with {joined([analysis.focus_surface.get(t, t) for t in analysis.focus])}?"
        kinds = self.answerer.glossary.kind
        same_kind = {kinds(t) for t in analysis.focus} & {kinds(t) for t in prev.analysis.focus}
        if analysis.focus and follow and (same_kind or fw.LEADING_CONNECTIVE.match(text) or fw.WHAT_ABOUT.match(text)):
            # "and nelarabine?", "what about the testes?": the same question of another thing of its kind;
            # not "what can it do to the liver?", where "it" is the last thing and the liver is asked of it.
            focus_words = {w for t in analysis.focus for w in fold(analysis.focus_surface.get(t, t)).split()}
            kept = [w for w in words if w not in focus_words and w not in STOPWORDS and w not in fw.ELLIPSIS]
            if not [w for w in kept if not conditions.read(w, True)]:  # ("and the CAR-T for adults?": with its condition)
                # "and nelarabine?", "and if it's in the testes instead?": the previous question, about the
                # new focus (before "it" is read as the last focus: here it is the thing asked about).
                new_term = analysis.focus[0]
                at = next(m.start for m in analysis.mentions if m.term == new_term)
                return self._asked_of(prev, text[at:].rstrip("?.! ") if kept else joined([analysis.focus_surface.get(t, t) for t in analysis.focus]))
        if (
            analysis.focus and analysis.yes_no and not same_kind and not fw.PRONOUN.search(text)
            and len(words) <= self.answerer.params.follow_up_max_words
        ):
            # "How do they treat a relapse in the brain?" then "does radiation help?": asked of the same
            # relapse, not of radiation anywhere.
            phrase = prev.analysis.focus_surface.get(term, term)
            return f"{text.rstrip('?.! ')} for {phrase}?"
        if analysis.focus and term not in analysis.focus and (pron := fw.PRONOUN.search(text)) and not any(
                m.term in analysis.focus and m.start < pron.start() for m in analysis.mentions):
            # "How does it compare with chemotherapy?": "it" is the last turn's focus, not the new one (but
            # "is there a CAR-T for adults, and what are its risks?": its own, named before it).
            phrase = prev.analysis.focus_surface.get(term, term)
            new = fw.PRONOUN.sub(phrase, fw.LEADING_CONNECTIVE.sub("", text).strip(), count=1)
            return new[:1].upper() + new[1:]
        return text

    def ask(self, question: object) -> Answer:
        """Answer one turn. Never raises for any string."""
        answerer = self.answerer
        cleaned = answerer.clean(question)
        if not re.search(r"[A-Za-z0-9]", cleaned.text):
            return answerer.respond(cleaned)
        typed = answerer.understand(cleaned.text)
        self._carry_conditions(typed.analysis)
        last_turn = self.turns[-1] if self.turns else None
        prev, given = (last_turn.cited_docs, last_turn.given) if last_turn is not None else ([], ())
        member = self._the_other_one(typed.text, typed.analysis)
        if member is not None and last_turn is not None:
            # "Who can receive brexucabtagene?" then "and the other CAR-T?": the same question of the one
            # other member of the class.
            return self._reply(cleaned, answerer.understand(self._asked_of(last_turn, member)), typed, prev)
        other_of_a_site = self._other_of_a_site(typed.text)
        # (or a site named before it in the message: "only one testis is swollen, what about the other one?")
        other_at = fw.THE_OTHER.search(typed.text)
        site_said = next((m.surface for m in typed.analysis.mentions if other_at and m.kind == "site" and m.end <= other_at.start()), None)
        if site_said or (other_of_a_site and self.last_focus is not None):
            # "What do they do with the other one?" after the testicle: the other testicle.
            if site_said is None and self.last_focus is not None:
                site = self.last_focus.analysis.focus[0]
                site_said = self.last_focus.analysis.focus_surface.get(site, site)
            rewritten, n = re.subn(r"\bthe other (?:one|side)\b", f"the other {site_said}", typed.text, count=1, flags=re.IGNORECASE)
            if n:
                return self._reply(cleaned, answerer.understand(rewritten), typed, prev)
        first_n = listing.first_n(answerer.glossary, typed.text, given)
        if first_n is not None:
            # "Compare the first two": the treatments the last answer listed first, by name.
            return self._reply(cleaned, answerer.understand(fw.FIRST_N.sub(first_n, typed.text, count=1)), typed, prev)
        listed = listing.options(answerer.glossary, given)
        if (len(listed) >= 2 and fw.WHICH_ONE.match(typed.text) and len(typed.analysis.focus) == 1
                and (members := [t for t in listed if t in answerer.glossary.narrower(typed.analysis.focus[0])])):
            # "Which of those is a CAR-T?" after a list: the ones of that kind, by name.
            return self._reply(cleaned, answerer.understand(f"Tell me about {joined(members, 'and')}"), typed, prev)
        if len(listed) >= 2 and fw.WHICH_ONE.match(typed.text) and not typed.analysis.focus and (conditions.read(typed.text, question=True) or typed.analysis.conditions):
            # "Which one was for kids again?", "which of those would suit him?" (told before) after a list: which of its treatments, by name.
            u = answerer.understand(f"Which of {joined(listed, 'or')} {fw.WHICH_ONE.sub('', typed.text, count=1)}")
            u.analysis.conditions = u.analysis.conditions or typed.analysis.conditions
            return self._reply(cleaned, u, typed, prev)
        if (len(listed) >= 2 and typed.analysis.yes_no and not typed.analysis.focus and fw.ONE_OF.search(typed.text)
                and last_turn is not None and answerer.overviews.breadth.options(last_turn.analysis, set())):  # (options listed, not an outlook's)
            # "Is it approved for children?" after several options: which one is meant, not a guess.
            answer = answerer.composer.abstain(Frame(cleaned.raw, notes=cleaned.notes), f"Which one do you mean: {joined(listed, 'or')}? Please ask again with its name.")
            self._remember(cleaned.text, typed.text, typed.analysis, answer)
            return answer
        picked = listing.ordinal(answerer.glossary, typed.text, given)
        if picked is not None:
            # "More detail on the second one": the second treatment the last answer listed.
            return self._reply(cleaned, answerer.understand(fw.ORDINAL.sub(picked, typed.text, count=1)), typed, prev)
        # "Where else can it come back?" then "tx for each?": for each site; "risks of each one?": of each treatment.
        if (each := self._each(listed) if fw.EACH_BARE.search(typed.text) and not typed.analysis.focus else None) is not None:
            return self._reply(cleaned, answerer.understand(fw.EACH_BARE.sub(each, typed.text, count=1)), typed, prev)
        if (len(listed) >= 2 and not typed.analysis.focus and fw.SEVERAL.search(typed.text) and not fw.WHICH.match(typed.text) and last_turn is not None
                and set(typed.analysis.types) & ATTRIBUTE_TYPES
                and (answerer.overviews.breadth.options(last_turn.analysis, set()) or answerer.overviews.breadth.marks(last_turn.analysis))):
            # "How well do they work?" after the options: how well each of the treatments it listed works (not
            # "which of those ...?", one or some of them).
            return self._reply(cleaned, answerer.understand(fw.SEVERAL.sub(joined(listed, "and"), typed.text, count=1)), typed, prev)
        exclude: set[str] = set()
        rest = REST.search(typed.text) is not None and self._asked_an_attribute()
        # "What is blinatumomab?" then "and the rest?": the options besides it (or the rest of what the last answer listed).
        others = fw.REST_BARE.search(typed.text) is not None and not typed.analysis.focus and (self._last_was(GIVEN_KINDS) or bool(given))
        fails = fw.FAILS.search(typed.text) is not None and not typed.analysis.focus and bool(self.turns)
        if others and not rest:
            # The rest of the widest class the last one belongs to (the immunotherapies, not the antibodies).
            glossary = self.answerer.glossary
            last = self.last_focus.analysis.focus if self.last_focus is not None else []
            classes = sorted({c for t in last for c in glossary.broader(t)}, key=lambda c: (-len(glossary.narrower(c)), c))
            if classes:
                typed.analysis.focus = [classes[0]]
        if (
            (OTHER.search(typed.text) or rest or others or fails) and self.turns and not fw.ELSE_ABOUT.search(typed.text)
            and not typed.analysis.conditions.no_donor  # ("no matched sib, what else?": other donors, not other options)
            and not other_of_a_site
            and (
                (self.last_focus is not None
                 and (typed.analysis.qtype in ("overview", "list") or self._names_a_class(typed.analysis.focus)))
                or bool(typed.analysis.excluded)  # "beyond antibodies and CAR-T?": the rest
                # "What is CAR-T?" then "is there anything else she could get?": another treatment
                or (fw.ELSE_GIVEN.search(typed.text) is not None and self._last_was(GIVEN_KINDS))
                # "What are the newer drugs?" then "anything else?": the options the answer has not given
                or (bool(given) and not typed.analysis.focus)
                # "Blinatumomab's side effects?" then "and the rest of the drugs?": the same of the others
                or rest or others or fails or (fw.ALTERNATIVES.match(typed.text) is not None and self.last_focus is not None)
                or (fw.OTHER_SITES.search(typed.text) is not None and self._last_was(SITES))
            )
            # "what else?", or "and the other immunotherapies?" (a class whose members the text lists)
            and (not typed.analysis.focus or self._names_a_class(typed.analysis.focus))
        ):
            # "What else can be done?", "what else is there?": the other options, not more about the last one.
            last = self.last_focus.analysis.focus if self.last_focus is not None else []
            # (what the asker sets aside, when they say it: "beyond alphamab?")
            # (after options, all they gave; after one thing described, not a class its answer only named)
            earlier = () if typed.analysis.excluded else given if last_turn and answerer.overviews.breadth.options(last_turn.analysis, set()) else listing.options(answerer.glossary, given)
            exclude = {t for t in (*last, *earlier) if t not in typed.analysis.focus}
            if self.last_focus is not None:  # set aside as the asker wrote them ("CAR-T"), for the lead
                said = self.last_focus.analysis.focus_surface
                typed.analysis.focus_surface.update({t: said[t] for t in exclude if t in said})
            typed.analysis.qtype = "overview"
            if rest:  # the attribute asked of the last one, asked of each of the rest
                asked = [t for t in self.turns[-1].analysis.types if t in FILTERING_TYPES]
                typed.analysis.qtype, typed.analysis.types = asked[0], [*asked, "overview"]
            answer = answerer.respond(cleaned, typed, None, prev, exclude)
            self._remember(cleaned.text, typed.text, typed.analysis, answer)
            return answer
        own = conditions.read(typed.text, question=True)
        narrows = fw.NARROWS.match(typed.text)  # ("narrow that down to the ones that can be used in children" may run long)
        if (last_turn is not None and not typed.analysis.focus and own and narrows and (self._short(typed.text) or "narrow" in narrows[0].lower())
                and not fw.ASKS_AFTER.search(typed.text)):
            # "Options for a child?" then "what about for adults?": the same question, for the new asker
            # (the group the last one named left out: "which CAR-T up to 25?" then "and for adults?").
            again = last_turn.resolved
            for a, b in sorted(conditions.spans_of(again, own), reverse=True):
                again = again[:a] + " " * (b - a) + again[b:]
            # Asked of one treatment before ("tisagenlecleucel eligibility?"): its answer, then the others for them.
            # (not one chosen from a class: "which CAR-T is for up to 25?" then "and for adults?" asks which again)
            one = [t for t in last_turn.analysis.focus if answerer.glossary.kind(t) in GIVEN_KINDS]
            more = ", and the other options?" if len(one) == 1 and not last_turn.given and not fw.WHICH.match(last_turn.question) else ""
            # ("tisagenlecleucel eligibility?" then "and for adults?", whom it does not fit: which of its kind is for them)
            if (kind := [c for c in answerer.glossary.classes(one)[:1] if len(answerer.glossary.narrower(c)) > 1] if more and own.labels and not any(conditions.fit(conditions.read(q), own) > 0 for q in last_turn.quoted) else []):
                return self._reply(cleaned, answerer.understand(f"Which {(*answerer.glossary.surfaces(kind[0]), kind[0])[1]} is for {joined(list(own.labels), 'and')}?"), typed, prev)
            u = answerer.understand(f"{' '.join(again.split()).rstrip('?.! ')} ({typed.text.strip()}){more}")
            u.analysis.conditions = typed.analysis.conditions
            return self._reply(cleaned, u, typed, prev)
        # A question of a kind that stands alone ("What is the capital of Peru?") starts a new topic.
        # So does a broad request without a pronoun ("Summarize this text"): "tell me more about it" is rewritten.
        alone = typed.analysis.qtype in ("out_of_scope", "advice", "date") or (
            typed.analysis.qtype == "overview" and not typed.analysis.focus and not fw.PRONOUN.search(typed.text)
            and not OTHER.search(typed.text) and not (fw.NEXT_ASKED.search(typed.text) and self._last_was(SITES))
            and not (fw.OF_THE_LAST.search(typed.text) and self._short(typed.text))
            # ("sum that up" right after an answer about one thing: that thing, in short)
            and not (self.turns and self.turns[-1].analysis.focus and self._short(typed.text) and fw.SUMS_UP.search(typed.text)
                     and not fw.WHOLE_TEXT.search(typed.text) and answerer.overviews.breadth.is_summary(typed.analysis))
        ) or (typed.analysis.qtype == "list" and typed.analysis.about_the_text and not typed.analysis.focus  # ("which of
              and not fw.PRONOUN.search(typed.text))  # the treatments here ...?": the text's, not the last one's)
        resolved = typed.text if alone else self._resolve(typed.text, typed.analysis)
        effects = typed.analysis.focus  # (the effects named: "mx if severe CRS or neurotox?", of the last one's)
        if (last_turn is not None and last_turn.analysis.qtype == "side_effects" and all(answerer.glossary.kind(t) == "toxicity" for t in effects)
                and fw.MANAGEMENT_ASKED.match(typed.text) and self._short(typed.text)):
            before = last_turn.resolved.rstrip("?.! ")
            resolved = f"{typed.text.rstrip('?.! ')} ({before})?" if effects else f"How are these managed: {before}?"
        u = typed if resolved == typed.text else answerer.understand(resolved)
        if last_turn is not None and u is not typed and not typed.analysis.focus and (attr := fw.of_those(last_turn.analysis.qtype, typed.text, u.analysis.types)):
            u.analysis.qtype, u.analysis.types = attr, [attr, *u.analysis.types]
        self._carry_conditions(u.analysis)
        if u is not typed and self.turns and self.turns[-1].analysis.yes_no and fw.WHAT_ABOUT.match(typed.text):
            # "Is Besponsa used for relapsed ALL?" then "what about for kids?": the same yes/no question.
            u.analysis.yes_no = True
        # "And is radiation part of it after that?" names its own focus and is not rewritten, yet continues
        # the document being read, as a rewritten follow-up does.
        continues = u is typed and bool(self.turns) and bool(fw.LEADING_CONNECTIVE.match(typed.text))
        quoted = last_turn.quoted if last_turn is not None and fw.MORE.match(typed.text) else frozenset()
        answer = answerer.respond(cleaned, u, typed if u is not typed or continues else None, prev, said=quoted,
                                  shown=last_turn.quoted if last_turn is not None else frozenset())
        if answer.status not in ("empty", "language"):
            self._remember(cleaned.text, u.text, u.analysis, answer)
        return answer

    def _reply(self, cleaned: Cleaned, u: Understanding, typed: Understanding, prev: list[int]) -> Answer:
        """Answer a follow-up rewritten as ``u`` (asked as ``typed``) and remember the turn."""
        answer = self.answerer.respond(cleaned, u, typed, prev)
        self._remember(cleaned.text, u.text, u.analysis, answer)
        return answer

    def _carry_conditions(self, analysis: Analysis) -> None:
        """The asker's situation stays with the conversation: "My wife is 34, B-cell ..." then "and the other
        choices?" asks for a 34-year-old with B-cell disease. A turn that states conditions of its own
        ("what about for kids?") replaces them."""
        own = analysis.conditions
        if own and not own.only_course:
            return
        stated = next((t.analysis.conditions for t in reversed(self.turns) if t.analysis.conditions), None)
        # Not a donor read off a relative ("my brother relapsed": the brother is the patient, no donor).
        carried = replace(stated, donor=frozenset()) if stated is not None else None
        if carried:  # (a course of the disease said alone keeps the patient: "a child ..." then "if refractory?")
            analysis.conditions = carried.with_course(own)

    def _asked_in_turn(self, prev: Turn) -> list[str]:
        """The two things the last two turns asked the same of, one each ("what is X?", "and Y?"), when the
        last turn was that follow-up and both are of one kind; else none."""
        if len(self.turns) < 2 or prev is not self.turns[-1] or prev.question == prev.resolved or len(prev.analysis.focus) != 1:
            return []
        before = self.turns[-2].analysis
        one, other = (before.focus[0] if len(before.focus) == 1 else None), prev.analysis.focus[0]
        kind = self.answerer.glossary.kind
        if one is None or one == other or kind(one) != kind(other):
            return []
        return [before.focus_surface.get(one, one), prev.analysis.focus_surface.get(other, other)]

    def _asked_of(self, turn: Turn, phrase: str) -> str:
        """``turn``'s question asked of ``phrase`` instead of its focus (appended when it never spelled it out)."""
        resolved, focus = turn.resolved, turn.analysis.focus
        old = turn.analysis.focus_surface.get(focus[0], focus[0])
        # A story then its question ("My son was treated for a relapse in his brain. How is a CNS relapse
        # treated?"): the question is asked again, of what its asking sentence names.
        asking = [m.group().strip() for m in SENTENCE.finditer(resolved) if asks(m.group())]
        named = [m.surface for m in self.answerer.glossary.mentions(asking[-1]) if m.term in focus] if asking else []
        if named and asking[-1] != resolved.strip():
            resolved, old = asking[-1], named[0]
        tail = fw.SITE_TAIL.search(old)
        if tail and not fw.SITE_TAIL.search(phrase):
            # "Testicular relapse: tx?" then "and CNS?": a CNS relapse, not the CNS.
            phrase += tail.group(0)
        if old.lower() in resolved.lower():
            return re.compile(re.escape(old), re.IGNORECASE).sub(phrase, resolved, count=1)
        return f"{resolved.rstrip('?.! ')} {phrase}"

    def _the_other_one(self, text: str, analysis: Analysis) -> str | None:
        """"The other CAR-T", "the other one" right after a question about one member of a class whose
        members the text names: the one member left, when exactly one is."""
        if not self.turns or not self.turns[-1].analysis.focus or not fw.THE_OTHER.search(text):
            return None
        glossary = self.answerer.glossary
        last = self.turns[-1].analysis.focus
        if analysis.focus and (not self._names_a_class(analysis.focus) or len(analysis.focus) != 1):
            return None
        # "the other one", "the other gene-modified therapy": the smallest class the last one is in; of a
        # treatment (after the testicles, "the other one" is the other testicle, not another site).
        classes = list(analysis.focus) or glossary.classes([t for t in last if glossary.kind(t) in GIVEN_KINDS])[:1]
        for cls in classes:
            members = glossary.narrower(cls)
            if not set(last) & set(members):
                continue
            rest = [m for m in members if m not in last]
            return rest[0] if len(rest) == 1 else None
        return None

    def _short(self, text: str) -> bool:
        """A turn of a few words, which leans on the last one ("Management?", "pros and cons?")."""
        return len(content_words(text)) <= self.answerer.params.follow_up_max_words

    def _each(self, listed: list[str]) -> str | None:
        """What "each" stands for after the last turn: its sites, the treatments it named, or the options it listed."""
        if self._last_was(SITES) or self.turns and "places" in self.turns[-1].analysis.types:
            return "each site"
        last = self.turns[-1].analysis if self.turns else None  # (the treatments as the asker wrote them)
        named = [last.focus_surface.get(t, t) for t in last.focus if self.answerer.glossary.kind(t) in GIVEN_KINDS] if last else []
        return next((f"each of {joined(n, 'and')}" for n in (named, listed) if len(n) >= 2), None)

    def _asked_an_attribute(self) -> bool:
        """The last turn asked one attribute (side effects, age) of a treatment."""
        return bool(self.turns) and self.turns[-1].analysis.qtype in FILTERING_TYPES and self._last_was(GIVEN_KINDS)

    def _other_of_a_site(self, text: str) -> bool:
        """"What do they do with the other one?" after the testicle: the other testicle, not another option."""
        return (fw.THE_OTHER.search(text) is not None and not fw.OTHER_SITES.search(text)
                and self._last_was(SITES) and not self._last_was(GIVEN_KINDS))

    def _last_was(self, kinds: frozenset[str]) -> bool:
        """The last turn with a focus was about a thing of one of these glossary ``kinds``."""
        last = self.last_focus
        return last is not None and any(self.answerer.glossary.kind(t) in kinds for t in last.analysis.focus)

    def _names_a_class(self, focus: list[str]) -> bool:
        return bool(focus) and all(self.answerer.glossary.narrower(t) for t in focus)

    def _remember(self, text: str, resolved: str, analysis: Analysis, answer: Answer) -> None:
        pos = self.doc_pos
        docs = list(dict.fromkeys(pos[c.doc_id] for c in answer.citations if c.doc_id in pos))
        glossary = self.answerer.glossary
        among = len(analysis.focus) >= 2 and analysis.text.lower().startswith("which of ")  # ("which of A or B for adults?")
        marks = all(glossary.kind(t) in ("target", "route") for t in analysis.focus)  # (none, or "which one targets CD22?")
        if (
            (marks or among or all(glossary.narrower(t) for t in analysis.focus)) and fw.ASKS_FOR_ONE.search(analysis.text)
            and not answer.abstained and answer.citations and all(p.kind != "items" for p in answer.parts)
        ):
            # "Which drug is a purine analog for children?" names nothing; its answer does, and "it" in
            # the next question is that drug (not the first option an overview happens to list).
            members = set(analysis.focus) if among else {m for t in analysis.focus for m in glossary.narrower(t)}  # ("which CAR-T ...?": one of them)
            named = [m for m in glossary.mentions(answer.citations[0].quote) if m.kind in SUBJECT_KINDS
                     and (m.term in members if members else m.term not in analysis.focus)]
            if named:
                analysis = replace(analysis, focus=[named[0].term], focus_surface={named[0].term: named[0].surface})
        firsts = [next((m.term for m in glossary.mentions(c.quote) if m.kind in GIVEN_KINDS), "") for c in answer.citations
                  ] if any(p.kind == "items" for p in answer.parts) else []
        given = tuple(dict.fromkeys(t for t in firsts if t))
        related = {m for p in answer.parts if p.kind == "related" for m in p.cites}  # (shown apart: "go on" may quote them)
        quoted = frozenset(c.quote for i, c in enumerate(answer.citations, 1) if i not in related)
        self.turns.append(Turn(text, resolved, analysis, docs, given, quoted))
        del self.turns[:-fw.MAX_TURNS]
