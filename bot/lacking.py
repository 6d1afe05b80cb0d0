"""What a question asks about that the corpus never says: names it lacks ("tocilizumab"), and a broad
question's subject ("options for relapsed AML"). The answerer abstains on them, naming what is missing."""

from __future__ import annotations

import re
from functools import cached_property

from bot.breadth_words import OPTIONS
from bot.decision import is_long
from bot.evidence import EvidenceScorer
from bot.last import Last
from bot.params import Params
from bot.query import Query
from bot.question import Analysis, matching_types, rules, type_vocabulary
from bot.story import REFERS_BACK
from bot.text import CONTRACTIONS, STOPWORDS, WORD, asking_sentences, fold, written_forms
from bot.zipf import zipf_frequency  # precomputed for corpus words, else wordfreq

# The words that lead into what is asked for: "what", "is there an", "tell me about the".
LEAD_IN = frozenset(["what", "what's", "whats", "which", "any", "list", "tell", "me", "about", "give", "is", "are", "there", "the", "a", "an", "some", "please"])
# Where what is asked for ends and its setting begins: "diet tips | for patients on salvage chemo".
SETTING = frozenset(["during", "after", "before", "for", "on", "in", "with", "while", "following", "post", "when", "if"])
NOT_BEFORE = re.compile(r"\b(?:not|isn'?t|no)\s+(?:the\s+)?$", re.IGNORECASE)


class Lacking:
    def __init__(self, scorer: EvidenceScorer, params: Params) -> None:
        self.scorer = scorer
        self.params = params
        self._last: Last[tuple[str, ...]] = Last()  # see ``lacked``

    def lacked(self, q: Query, analysis: Analysis) -> list[str]:
        """``names``, else ``head``: what the question asks about that the corpus never says. The last
        question's is kept: an answer reads it while the question's vector is computed, and uses it after."""
        key = (analysis.text, analysis.qtype, tuple(analysis.focus), tuple(q.unknown), tuple(analysis.subject.items()),
               tuple((m.term, m.start, m.kind) for m in analysis.mentions))
        return list(self._last.get(key, lambda: tuple(self.names(q, analysis) or self.head(analysis))))

    def forget(self) -> None:
        """Drop the last question's reading (its words)."""
        self._last.forget()

    @cached_property
    def _glossary_stems(self) -> frozenset[str]:
        """Stems of the glossary's words, read on the first broad question (not at every load: a cold
        `bot ask` may ask none)."""
        return frozenset(self.scorer.stem(w) for w in self.scorer.glossary.vocabulary())

    def _known(self, word: str) -> bool:
        """Words the corpus or its glossary uses (a fixture text may say "ALL" where its glossary says "leukemia")."""
        st = self.scorer.stem(word)
        return st in self.scorer.known_stems or st in self._glossary_stems

    def overview_subject(self, analysis: Analysis) -> bool:
        """A short broad question most of whose subject the corpus never says ("options for relapsed AML",
        "MRD options"): not an overview of what the text does say. A long message's story words do not count."""
        if is_long(analysis, self.params):
            return False
        broad = rules().get("overview")  # the words asking for breadth ("tldr") are no subject
        # (nor a disease the asker sets aside: "relapsed AML (not ALL, the other one)")
        denied = {w for m in analysis.mentions if m.kind == "condition" and NOT_BEFORE.search(analysis.text[: m.start]) for w in WORD.findall(m.term)}
        weights = {w: wt for w, wt in analysis.subject.items() if wt > 0 and not OPTIONS.fullmatch(fold(w))
                   and not (broad and broad.ask.search(w)) and not any(ch.isdigit() for ch in w) and w not in denied}
        # (a rare word: "relapse besides transplant" lacks no topic the text could cover)
        lacking = sum(wt for w, wt in weights.items()
                      if wt >= self.params.overview_lacking_weight and not self._known(w))
        return bool(weights) and lacking >= self.params.overview_lacking_share * (sum(weights.values()) + len(analysis.focus))

    def other_condition(self, analysis: Analysis) -> str:
        """A disease named with a rare qualifier the corpus never uses ("acute myeloid leukemia", "promyelocytic
        leukemia" beside a text on lymphoblastic leukemia): another disease, though its last word is the text's."""
        for m in analysis.mentions:
            before = WORD.findall(fold(analysis.text[: m.start]))[-1:] if m.kind == "condition" else []
            # (an age or a line said in shorthand is no qualifier: "40yo B-ALL", "2nd-line ALL")
            if before and not before[0].endswith("'s") and not any(ch.isdigit() for ch in before[0]) and zipf_frequency(before[0], "en") < self.params.rare_zipf and not self._known(before[0]):
                return f"{before[0]} {m.surface}"
        return ""

    def _known_compound(self, word: str) -> bool:
        """A hyphenated name whose first part the corpus uses is a spelling of one of its names
        ("Beckwith-Wieddeman" for Beckwith-Wiedemann), not a name the text lacks."""
        head = word.split("-")[0]
        return "-" in word and len(head) >= 4 and self.scorer.stem(head) in self.scorer.known_stems

    def names(self, q: Query, analysis: Analysis) -> list[str]:
        """Words the corpus lacks that name what is asked about: "tocilizumab", or rare words without a focus."""
        p = self.params
        zipf = zipf_frequency
        # Words that only say what kind of question it is ("dosage") are not its subject.
        asked = rules().get(analysis.qtype)
        setting = rules().setting_words(analysis.text)  # ("for my pharmacology exam")
        # Of a message that asks and tells, what it asks ("... what treatment might she get? I want to talk to
        # the class about it sensibly": "sensibly" is no subject), unless the asking refers back to the telling
        # ("He was given tocilizumab. Is that normal?").
        asking = asking_sentences(analysis.text)
        said = set(WORD.findall(fold(" ".join(asking)))) if asking and not REFERS_BACK.search(" ".join(asking)) else None
        rare = [
            w for w in q.unknown
            if (said is None or w in said) and len(w) >= 5 and zipf(w, "en") < p.rare_zipf and not (asked and asked.ask.search(w))
            and not self._known_compound(w)
            and not rules().is_asker(w) and w not in setting  # who asks or tells ("the hematologist said")
        ]
        # What the question asks about that the corpus does know: its focus terms and known subject words.
        known = len(analysis.focus) + sum(
            1 for w, wt in analysis.subject.items() if wt > 0 and self.scorer.stem(w) in self.scorer.known_stems
        )
        # A name English does not know ("tocilizumab") and the corpus lacks is not in the text, unless it is
        # a small part of a long question about things the text covers ("extramedullary relapse, meaning
        # disease in the CNS or the testes").
        names = [w for w in rare if len(w) >= 6 and zipf(w, "en") < p.name_zipf]
        # A long message names more in passing (a misspelt drug, a site's name): it takes fewer known words.
        outweighed = p.long_names_outweighed if is_long(analysis, p) else p.names_outweighed
        if names and known < outweighed * len(names):
            return names
        # A rarer word the corpus lacks, in a question about nothing else the corpus covers.
        rare = [w for w in rare if w not in names]
        return rare if rare and known < 2 and not analysis.focus else []

    def head(self, analysis: Analysis) -> list[str]:
        """What a short question asks for first, when the corpus never says it: the words after its lead-in
        up to the first small word ("diet tips | for patients on salvage chemo", "what foods | should my
        kid eat during chemo"). A passage about the setting does not answer them, however close it is.
        Any word of it the corpus or its glossary uses, or that asks for breadth or says what kind of question
        it is ("options", "cost"), leaves it to the rest of the answer path; so does a verb after the lead-in
        ("what would you notice": "would" ends the head at once). Who asks ("my kid") is not what is asked."""
        if is_long(analysis, self.params):
            return []
        text, low = analysis.text, fold(analysis.text)
        if len(low) != len(text):  # offsets below are the mentions' offsets in the text as typed
            return []
        tokens = list(WORD.finditer(low))
        i = 0
        while i < len(tokens) and tokens[i].group() in LEAD_IN:
            i += 1
        head: list[str] = []
        end = 0
        for m in tokens[i:]:
            w = m.group()
            if w in STOPWORDS or w in CONTRACTIONS or w in SETTING:
                break
            head.append(w[:-2] if w.endswith("'s") else w)
            end = m.end()
        if head and matching_types(low[tokens[i].start():end]):
            return []  # a type's words as typed, split by punctuation ("tl;dr on inotuzumab")
        # What the glossary knows in the question is all said after the setting begins ("what advantage did
        # inotuzumab show" asks about inotuzumab; "what foods ... during chemo" about food).
        setting = next((m.start() for m in tokens[i:] if m.group() in SETTING), None)
        # (who the patient is, "my kid", is the asker's setting wherever it is said)
        named = [m for m in analysis.mentions if m.kind != "population"]
        if setting is None or not named or any(m.start < setting for m in named):
            return []
        # A type's words with the lead-in and the word after ("what happened with": what is said of it); two more
        # type matches, so after the cheap checks above.
        after = tokens[i + len(head)].end() if i + len(head) < len(tokens) else end
        if head and set(matching_types(low[:after])) - set(matching_types(low[:tokens[i].start()])):
            return []
        head = [w for w in head if len(w) > 1 and not rules().is_asker(w)]
        kinds = type_vocabulary()
        if not head or any(
            self._known(w) or w in kinds or OPTIONS.fullmatch(w) or matching_types(w)
            or any(ch.isdigit() for ch in w)
            for w in head
        ):
            return []
        return list(written_forms(head, analysis.text).values())
