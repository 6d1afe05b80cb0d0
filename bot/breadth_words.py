"""The words of a broad question: what asks for the options, a tour, the rest, each site ("what else is there?",
"the big picture", "treatment for each site"). bot/breadth.py reads them."""

from __future__ import annotations

import re

# Asks what the situation means as well as what can be done ("explain what that means and what happens next").
MEANING = re.compile(
    # ("meaning" asked for, not a gloss: "refractory ALL, meaning disease that didn't respond")
    # (and what happens when it happens: "what happens when ALL relapses?")
    r"\b(what (that|this|it) means?|what does (that|this|it) mean|the meaning|meaning of|meaning(?=\s*(?:[?.!]|$))|how serious|how bad|what is happening|what's happening|what happens (?:when|if))\b",
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
ANY_MORE = re.compile(r"\b(?:anything|something|any(?:thing)? other|other things?) (?:new|newer|else|different)\b|\bor (?:anything|something) else\b", re.IGNORECASE)
WHICH_BEFORE = re.compile(r"\b(?:which|what)\s+$", re.IGNORECASE)
# ("is that it?", "are those all?": asks whether there is more)
OTHER = re.compile(r"\b((?<!each )(?<!one )other|else|(?<!one )another|alternatives?|besides|beyond|apart from|in addition to|is that (?:it|all)|"
                   r"(?:is|are) (?:that|those|these) (?:all|the only (?:ones?|options?)))\b", re.IGNORECASE)
# "..., and what else is there?", "what other options are there?": the rest of the options.
ELSE_ASKED = re.compile(r"\b(?:what|anything|something)\s+else\b|\bwhat other\b|\b(?:other|else) (?:options|choices|treatments)\b|\binstead\b|\bwhat (?:options |treatments )?(?:does|would|will) (?:that|this) leave\b", re.I)
# "What if she is too sick for a transplant?", "if I can't have a transplant": the rest of the options too.
DENIED = re.compile(r"\b(?:too (?:sick|ill|unwell|frail|weak) for|(?:can'?t|cannot|can not|couldn'?t|unable to) (?:have|get|undergo|receive|tolerate)|(?:not|isn'?t|aren'?t) (?:fit|eligible|well enough|strong enough|a candidate) for|(?:ineligible|unfit|unsuitable) for)\s+(?:a |an |the )?$", re.I)
