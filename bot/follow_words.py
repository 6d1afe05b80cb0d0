"""The words of a follow-up: what a short turn after an answer says about the question it continues
("and for adults?", "the second one", "what else?", "tell me more"). bot/dialogue.py reads them."""

from __future__ import annotations

import re

from bot.breadth import ATTRIBUTE_TYPES
from bot.question import Analysis

# ("what can they even do about it?": "they" who do, give or say are the care team, not the last subject)
AGENT = r"(?!(?:\s+\w+)?\s+(?:do|give|offer|try|use|recommend|suggest|said|say|told|tell|mentioned|think|want|talk|talked|spoke|speak|brought|discussed)\b)"
PRONOUN = re.compile(
    r"\b(this drug|that drug|this medicine|that medicine|this therapy|that therapy|this treatment|"
    r"that treatment|the drug|this one|that one|its|it|they" + AGENT + r"|them|their|(?<=\bis )that|(?<=\bis )this|"
    r"(?<=\bdoes )that|(?<=\bdoes )this|(?<=\babout )that|(?<=\babout )this)\b", re.IGNORECASE,
)
# One thing pointed at ("is it for kids?"), not several ("are they ...?").
ONE_OF = re.compile(r"\b(?:it|its|this one|that one|th(?:is|at) (?:drug|medicine|treatment|therapy))\b(?<!\bthat it)(?<!\bthis it)(?<!\bthat's it)", re.IGNORECASE)  # (not "is that it?": is that all)
LEADING_CONNECTIVE = re.compile(r"^(and|so|then|also|but|ok|okay)\b[\s,]*", re.IGNORECASE)
WHAT_ABOUT = re.compile(r"^\s*(?:(?:and|ok|okay|so)\s+)?(?:what|how) about\b", re.IGNORECASE)
# A turn that only restates who asks: "what about for adults?", "just the ones for kids", "and for a 70-year-old?".
NARROWS = re.compile(
    r"^\s*(?:(?:and|so|ok|okay)\s+)?(?:(?:what|how) about|just|only|the ones?|for|which (?:of (?:those|these|them)|ones?)"
    r"|(?:is there |are there )?(?:anything|something|any) for|narrow (?:it |that |this |them |those )?(?:down )?(?:to|for)"
    r"|(?:what|which)(?: of (?:those|these|them))? (?:applies|apply|is|are)(?: relevant)? (?:to|for)"
    r"|(?:what|and) if (?:s?he|they|the patient|my \w+|(?:the )?(?:kid|child|son|daughter|wife|husband|patient)) (?:were|was|is|are|had been))\b",
    re.IGNORECASE,
)
# "What happens now?", "what next?": what comes next in the situation the last turn told (a relapse in one site).
NEXT_ASKED = re.compile(r"\bwhat (?:happens|comes|do we do|should we do) (?:now|next)\b|\bwhat (?:now|next|then)\b|\bnext steps?\b", re.IGNORECASE)
# "vs ino?", "compared with inotuzumab?": the last question asked of another thing beside the last one.
VERSUS = re.compile(r"^\W*(?:(?:and|so|but|ok|okay)\W+)?(?:vs\.?|versus|compared (?:with|to)|as against|against)\s+\w", re.IGNORECASE)
# "The two of them", "both": the two things the last turn asked about.
BOTH = re.compile(r"\b(?:the two of (?:them|those|these)|both of (?:them|those|these)|the two|both)\b", re.IGNORECASE)
# A narrowing that goes on to ask a question of its own ("Just children then: which of the treatments can kids get?").
ASKS_AFTER = re.compile(r"[:;,\u2013\u2014-]\s*(?:which|what|who|how|where)\b", re.IGNORECASE)
# Several things pointed at ("how well do they work?" after the options: each of them).
SEVERAL = re.compile(r"\b(?:they" + AGENT + r"|them|their|those|these)\b", re.IGNORECASE)
# The things the last answer gave, pointed at ("which ones are the most common?", "which of those is worst?").
THOSE = re.compile(r"\b(?:ones|those|these|them)\b", re.IGNORECASE)
MAX_TURNS = 20
# A question asking for a thing ("which drug ...?", "what offers the best hope?"): its answer names it.
ASKS_FOR_ONE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:which|what|where|who)\b", re.IGNORECASE)
THE_OTHER = re.compile(r"\bthe other\b(?! (?:options?|treatments?|therap(?:y|ies)|drugs?|ways?|things?|choices?)s?\b)", re.IGNORECASE)
# "Anything else she could get / try / be given?": asks for another treatment, not more about the last one.
ELSE_GIVEN = re.compile(r"\b(?:anything|something|what)\s+else\b.*\b(?:get|have|try|receive|take|given|offered|done)\b", re.IGNORECASE)
# "The second one", "the last option": a place in the list the last answer gave.
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "last": -1}
# "Compare the first two": the first treatments the last answer listed.
FIRST_N = re.compile(r"\bthe (first|last) (two|three|2|3)\b", re.IGNORECASE)
COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3}
ORDINAL = re.compile(
    r"\bthe (" + "|".join(ORDINALS) + r") (?:one|option|drug|treatment|therapy|agent|medicine|item|product)\b", re.IGNORECASE
)
# The word that makes a site a topic ("testicular relapse"), which the same question of another site keeps.
SITE_TAIL = re.compile(r"\s+(?:relapses?|involvement|disease)$", re.IGNORECASE)
# "The rest", "the others" with no noun: the rest of what the last turn was one of (not "the other options": all).
REST_BARE = re.compile(r"\b(?:the rest|the others|the other ones|any others|any other ones)\b", re.IGNORECASE)
# "What about the other places it can come back?" after one site: every site but that one.
OTHER_SITES = re.compile(r"\b(?:the )?other (?:relapse |\w+ )?(?:sites?|places?|locations?|spots?|areas?|parts? of the body)\b", re.IGNORECASE)
# "Where can it come back?" then "tx for each?" or "how is each one treated": each of the things the last turn
# gave (no noun of its own after "each": a bare one ends the question, "each one" may stand anywhere).
EACH_BARE = re.compile(
    r"\b(?:each|every)(?: one| of them| of those| of these)\b|\b(?:each|every)\b(?!\s+(?:site|place|location|spot|area|of)\b)(?=\W*$)",
    re.IGNORECASE,
)
# "Anything else about donors?": more about a subject of its own, not the options besides the last one.
ELSE_ABOUT = re.compile(r"\b(?:anything|something|what) else (?:about|on|regarding|concerning)\s+\w", re.IGNORECASE)
# "Pros and cons?" right after a question about one thing: of that thing, not of the whole text.
OF_THE_LAST = re.compile(
    r"\b(pros (?:and|n|&) cons|the catch|advantages|disadvantages|downsides?|upsides?|benefits and risks|risks and benefits|trade-?offs?|limitations)\b",
    re.IGNORECASE,
)
# "And if that fails?": what the text gives beyond what the last answer gave.
FAILS = re.compile(
    r"\bif (?:that|it|this|they|those|these|the first)\s+(?:fails?|(?:does|do)(?:n't| not) work|stops? working|(?:does|do)(?:n't| not) help)\b",
    re.IGNORECASE,
)
# "Alternatives?", "other options?": the options besides what the last turn was about.
ALTERNATIVES = re.compile(
    r"^\W*(?:(?:and|so|ok|okay)\W+)?(?:any\s+|what\s+(?:are\s+)?(?:the\s+)?)?(?:other\s+)?"
    r"(?:alternatives?|other (?:options?|treatments?|choices?))\W*$", re.IGNORECASE,
)
# "Management?" right after a question about side effects: how those effects are managed.
MANAGEMENT_ASKED = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|but)\W+){0,2}(?:\w+\W+){0,4}?(?:manag\w*|mgmt|mx|handl\w*|treat\w*|done about|deal(?:t)? with)\b"
    # "so what do the doctors do when that happens?"
    r"|^\W*(?:(?:and|so|ok|okay|but)\W+)?what (?:do|does|can|would|will) (?:the )?(?:doctors?|they|you|we|the team) do (?:when|if|about) (?:that|this|it|those|these|them)\b",
    re.IGNORECASE,
)
# Words an elliptical follow-up adds to what it asks about that say nothing ("and if it comes back in the testicles?").
ELLIPSIS = frozenset({"about", "else", "instead", "rather", "it", "its", "it's", "they", "them", "there", "one", "ones",
                      "come", "comes", "came", "coming", "back", "return", "returns", "returned", "relapses", "recurs"})
# "Tell me more", "go on", "more?": more of what the text says about the last turn's subject.
MORE = re.compile(r"^\W*(?:(?:and|ok|okay|so)\W+)?(?:tell me more|more(?: please| pls| info| details?)?|go on|continue|keep going|say more|anything more)\W*$", re.IGNORECASE)
# "Which CAR-T is for up to 25?": one chosen from several ("and for adults?" asks which again).
WHICH = re.compile(r"^\W*(?:(?:and|so)\s+)?which\b", re.IGNORECASE)
WHICH_ANY = re.compile(r"\bwhich\b", re.IGNORECASE)
# "Which one was (the one) for kids again?": one of the treatments the last answer listed, picked by a condition.
WHICH_ONE = re.compile(r"^\W*(?:(?:and|so|ok|okay)\W+)?which\s+(?:one|of (?:them|those|these))\s+(?:was|is|would|could|might|will)\s+(?:the\s+one\s+)?", re.IGNORECASE)

# What a summary request names when it is of the whole text ("summarise this article", "the gist of all of it"),
# not of the last answer ("give me the short version", "sum that up").
WHOLE_TEXT = re.compile(r"\b(?:text|article|section|source|document|page|chapter|passage|reading|everything|whole thing|all of (?:it|this|that))\b", re.IGNORECASE)
# A summary asked for ("tldr?", "sum that up", "give me the short version").
SUMS_UP = re.compile(r"\b(?:sum(?:s|med)?(?: (?:it|that|this|them|those|these|everything))? up|summar\w*|short version|tl;? ?dr|gist|in short|in a nutshell|recap|briefly|in brief|bottom line|key points?|main points?|cliff ?notes)\b", re.IGNORECASE)


def of_those(last: str, text: str, types: list[str]) -> str | None:
    """The attribute the last turn asked (``last``), when a follow-up asks of what it gave and no attribute of
    its own: "side effects of the new treatments?" then "which ones are the most common?" asks of those effects."""
    return last if last in ATTRIBUTE_TYPES and THOSE.search(text) and not any(t in ATTRIBUTE_TYPES for t in types) else None


# "How is that kind of relapse treated?", "is this relapse curable?": a noun pointed at.
POINTED_NOUN = re.compile(r"\b(?:that|this|the same|such an?)\s+(?:(?:kind|type|sort|form)s?\s+of\s+(?:an?\s+)?)?([a-z]+)", re.IGNORECASE)


def pointed(text: str, last: Analysis) -> tuple[str, str] | None:
    """The term of the last turn's focus it said just before the noun a follow-up points at, and the follow-up
    with the pointer replaced by that term as the last turn said it: "... the team says it's a CNS relapse" then
    "how is that kind of relapse treated?" asks "how is CNS relapse treated?" (not of the headaches it named
    first). None when the follow-up points at no noun the last turn said after a term."""
    m = POINTED_NOUN.search(text)
    if m is None:
        return None
    noun = m.group(1).lower()
    for mention in last.mentions:
        after = re.match(r"\W+([a-z]+)", last.text[mention.end : mention.end + 40].lower())
        if mention.term in last.focus and after and after.group(1).rstrip("s") == noun.rstrip("s"):
            said = last.focus_surface.get(mention.term, mention.term)
            return mention.term, text[: m.start()] + (said if said.lower().endswith(noun) else f"{said} {m.group(1)}") + text[m.end() :]
    return None
