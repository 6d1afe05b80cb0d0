"""The decision's gates: a long message is read as a story around its question."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.decision import decide, is_long
from bot.evidence import Evidence
from bot.params import default_params
from bot.question import Analysis

STORY = ("My husband has been on prednisone for almost a year after his cancer treatment and his doctor "
         "wants him to stop now; his legs swell in the evening, what should we expect when he stops it")


def _forms(document: str = "prednisone is tapered slowly over weeks") -> Any:
    scorer = SimpleNamespace(
        document_states=lambda doc: frozenset(), named=lambda row: frozenset(), stem=lambda w: w,
        document_terms=lambda doc: frozenset(),
        known_stems={"prednisone", "fibromyalgia"},
        siblings=SimpleNamespace(uses=lambda doc, w: w in document.split(), dedicated=lambda q, docs, asked: False,
                                topic=lambda doc: "", aspect=lambda doc: None),
    )
    return SimpleNamespace(scorer=scorer, speaks_for=lambda ev, terms: False, glossary=SimpleNamespace(kind=lambda t: "term"),
                           stating=lambda need, pool, analysis: [e for e in pool if need.search(e.text)])


def _evidence(score: float) -> Evidence:
    ev = Evidence(0, 0, 0, 10, 0, "prose", "Prednisone is tapered slowly.", score=score)
    ev.missing_context, ev.missing_context_weight, ev.missing_share = ["evening"], 3.0, 0.3
    return ev


def _covered(score: float) -> Evidence:
    """Evidence whose question words all stand in it or its paragraph."""
    ev = _evidence(score)
    ev.missing_context, ev.missing_context_weight, ev.missing_share = [], 0.0, 0.0
    return ev


def test_a_short_question_keeps_the_score_floor_and_the_concept_gate() -> None:
    p = default_params()
    short = Analysis("Does prednisone make legs swell in the evening?", "definition", ["definition"], True, [])
    assert not is_long(short, p)
    assert decide(short, [_evidence(p.abstain_below - 0.1)], p, _forms()).status == "abstain"
    assert decide(short, [_evidence(p.abstain_below + 0.1)], p.with_values(yes_no_missing=99.0), _forms()).status == "abstain"


def test_a_long_message_is_answered_naming_what_the_text_does_not_discuss() -> None:
    p = default_params()
    story = Analysis(STORY, "definition", ["definition"], False, [], subject={"prednisone": 3.0, "evening": 1.0})
    assert is_long(story, p)
    decision = decide(story, [_evidence(p.abstain_below - 0.1)], p, _forms())
    assert decision.status == "partial"
    assert decision.missing == ["evening"]
    # With the long-message regime off, the same evidence is refused.
    off = p.with_values(long_question_words=1000)
    assert decide(story, [_evidence(p.abstain_below - 0.1)], off, _forms()).status == "abstain"


def test_a_long_message_is_not_answered_from_a_document_that_never_names_its_topic() -> None:
    p = default_params()
    story = Analysis(STORY, "definition", ["definition"], False, [], subject={"prednisone": 3.0, "evening": 1.0})
    decision = decide(story, [_evidence(0.9)], p, _forms("fibromyalgia causes widespread pain"))
    assert decision.status == "abstain"
    assert decision.missing == ["prednisone"]


def test_a_yes_no_question_about_one_drug_is_not_decided_by_a_sentence_about_another() -> None:
    analysis = Analysis("Is zetamab given to adults?", "definition", ["definition"], True, ["zetamab"],
                        {"zetamab": "zetamab"})
    ev = _covered(2.0)
    ev.subjects, ev.wrong = ["alphamab"], 1.0
    decision = decide(analysis, [ev], default_params(), _forms())
    assert decision.status == "abstain" and "zetamab" in decision.reason
    ev.subjects, ev.wrong = ["zetamab"], 0.0
    assert decide(analysis, [ev], default_params(), _forms()).status == "answer"


def test_a_length_of_time_the_text_never_states_is_not_answered(engine) -> None:
    a = engine.session().ask("Does alphamab prolong survival by five years?")
    assert a.abstained and "five years" in a.answer
    assert not engine.session().ask("Does alphamab prolong survival for adults?").abstained


def test_another_documents_close_sentence_answers_for_one_lacking_a_key_word() -> None:
    p = default_params()
    q = Analysis("How is leukemia in the brain treated?", "definition", ["definition"], False, [])
    lacking = _evidence(p.abstain_below + 0.5)  # a brain-tumour page: never says "leukemia"
    lacking.missing_context, lacking.missing_context_weight, lacking.missing_share = ["leukemia"], 9.0, 0.9
    other = Evidence(1, 1, 0, 10, 0, "prose", "CNS relapse treatment includes intrathecal drugs.", score=p.abstain_below + 0.4)
    assert decide(q, [lacking], p, _forms()).status == "abstain"
    chosen = decide(q, [lacking, other], p, _forms())
    assert chosen.status == "answer" and chosen.best is other
    # Not a sentence of the same document, nor one beyond the window, nor one lacking the word too.
    same = Evidence(1, 0, 0, 10, 0, "prose", "CNS relapse treatment includes intrathecal drugs.", score=other.score)
    assert decide(q, [lacking, same], p, _forms()).status == "abstain"
    far = [lacking, *[_evidence(p.abstain_below + 0.45) for _ in range(p.concept_alternatives)], other]
    assert decide(q, far, p.with_values(concept_alternatives=3), _forms()).best is lacking


def _topic_forms(topics: dict[int, str], aspect: str | None = "information") -> Any:
    """Forms whose documents have the titles ``topics`` (doc -> folded title) and the same aspect."""
    siblings = SimpleNamespace(topic=lambda doc: topics[doc], aspect=lambda doc: aspect, uses=lambda doc, w: True)
    scorer = SimpleNamespace(document_states=lambda doc: frozenset(), named=lambda row: frozenset(),
                             stem=lambda w: w, known_stems=set(), siblings=siblings,
                             document_terms=lambda doc: frozenset())
    return SimpleNamespace(scorer=scorer, speaks_for=lambda ev, terms: False, glossary=SimpleNamespace(kind=lambda t: "term"),
                           stating=lambda need, pool, analysis: [e for e in pool if need.search(e.text)])


def _on(doc: int, score: float) -> Evidence:
    return Evidence(doc, doc, 0, 10, 0, "prose", "Diabetes is a disease of blood sugar.", score=score)


def test_an_answer_keeps_to_the_topics_search_ranks_first() -> None:
    # (named_window off: the page the question names most fully would lead anyway, tests/test_pages.py)
    p = default_params().with_values(topic_docs=2, topic_window=0.1, topic_named=0, named_window=0)
    question = Analysis("What is diabetes?", "definition", ["definition"], False, [])
    pages = {0: "diabetic heart disease", 1: "diabetes"}
    ranked = [_on(0, 1.0), _on(1, 0.95)]
    # The best sentence is on another topic's page: the searched topic's comes first when close enough.
    decision = decide(question, ranked, p, _topic_forms(pages), frozenset({"diabetes"}))
    assert decision.status == "answer" and decision.best is not None and decision.best.doc == 1
    # Too far below it: neither is given.
    far = decide(question, [_on(0, 1.0), _on(1, 0.5)], p, _topic_forms(pages), frozenset({"diabetes"}))
    assert far.status == "abstain" and "another subject" in far.reason
    # Without search's topics, or for a document no record places in a topic (one long text), as before.
    assert decide(question, ranked, p, _topic_forms(pages)).best.doc == 0  # type: ignore[union-attr]
    alone = decide(question, ranked, p, _topic_forms(pages, aspect=None), frozenset({"diabetes"}))
    assert alone.best is not None and alone.best.doc == 0


def test_a_page_the_question_names_by_its_title_is_on_its_topic() -> None:
    p = default_params().with_values(topic_docs=2, topic_window=0.0, topic_named=1)
    question = Analysis("What is (are) Spinal Cord Injury ?", "definition", ["definition"], False, [])
    pages = {0: "spinal cord injury", 1: "spinal cord injury treatment research", 2: "spinal cord"}
    ranked = [_on(0, 1.0), _on(1, 0.9)]
    # Search put other pages first; the best sentence's page is the one the question names in full.
    decision = decide(question, ranked, p, _topic_forms(pages), frozenset({"paralysis", "back pain"}))
    assert decision.status == "answer" and decision.best is not None and decision.best.doc == 0
    assert decide(question, ranked, p.with_values(topic_named=0), _topic_forms(pages),
                  frozenset({"paralysis", "back pain"})).status == "abstain"
    # A page named more briefly than one of search's topics is not the one asked about.
    shorter = decide(question, [_on(2, 1.0), _on(1, 0.9)], p, _topic_forms(pages), frozenset({"spinal cord injury"}))
    assert shorter.status == "abstain"


def test_a_named_page_of_searchs_topics_answers_however_far_below() -> None:
    p = default_params().with_values(topic_docs=2, topic_window=0.0, topic_named=2, dedicated_below=99.0)
    question = Analysis("What research is being done for Kuru?", "definition", ["definition"], False, [])
    pages = {0: "langerhans cell histiocytosis", 1: "kuru", 2: "prion diseases"}
    decision = decide(question, [_on(0, 1.0), _on(1, 0.6)], p, _topic_forms(pages), frozenset({"kuru"}))
    assert decision.status == "answer" and decision.best is not None and decision.best.doc == 1
    # Level 1, or a page of search's topics the question does not name: abstained as before.
    assert decide(question, [_on(0, 1.0), _on(1, 0.6)], p.with_values(topic_named=1), _topic_forms(pages),
                  frozenset({"kuru"})).status == "abstain"
    assert decide(question, [_on(0, 1.0), _on(2, 0.6)], p, _topic_forms(pages),
                  frozenset({"prion diseases"})).status == "abstain"


def test_the_page_written_for_the_question_answers_below_the_floor() -> None:
    p = default_params().with_values(dedicated_below=0.3)
    question = Analysis("What research is being done for Kuru?", "definition", ["definition"], False, [])
    low = _evidence(0.35)
    low.missing_context, low.missing_context_weight, low.missing_share = [], 0.0, 0.0
    forms = _forms()
    assert decide(question, [low], p, forms).status == "abstain"  # not a dedicated page
    forms.scorer.siblings.dedicated = lambda q, docs, asked: True
    assert decide(question, [low], p, forms).status == "answer"
    low.score = 0.25  # below the dedicated page's own floor
    assert decide(question, [low], p, forms).status == "abstain"


def test_on_the_page_the_question_names_missing_words_make_a_partial_answer() -> None:
    p = default_params().with_values(named_partial=1)
    question = Analysis("Can birth control drug Ocella cause deep vein thrombosis?", "definition", ["definition"],
                        True, [])
    ev = _on(0, 0.9)
    ev.missing, ev.missing_weight = ["ocella", "drug"], 10.0
    ev.missing_context, ev.missing_context_weight, ev.missing_share = ["ocella", "drug"], 10.0, 0.7
    named = decide(question, [ev], p, _topic_forms({0: "deep vein thrombosis"}), frozenset({"deep vein thrombosis"}))
    assert named.status == "partial" and "ocella" in named.reason and named.missing == ["ocella", "drug"]
    # A page the question does not name by its title, or the behaviour off: the gate abstains as before.
    other = decide(question, [ev], p, _topic_forms({0: "pulmonary embolism"}), frozenset({"pulmonary embolism"}))
    assert other.status == "abstain" and "ocella" in other.reason
    off = decide(question, [ev], p.with_values(named_partial=0), _topic_forms({0: "deep vein thrombosis"}),
                 frozenset({"deep vein thrombosis"}))
    assert off.status == "abstain"
    # A document no record places in a topic (the seed's one long text) is not a named page.
    alone = decide(question, [ev], p, _topic_forms({0: "deep vein thrombosis"}, aspect=None))
    assert alone.status == "abstain"


def test_a_named_page_silent_on_another_topic_the_question_names_abstains() -> None:
    p = default_params().with_values(named_partial=1)
    question = Analysis("What is the relationship between Noonan syndrome and polycystic renal disease?",
                        "definition", ["definition"], False, [])
    ev = _on(0, 0.9)
    ev.missing, ev.missing_weight = ["polycystic", "renal", "disease"], 8.5
    ev.missing_context, ev.missing_context_weight, ev.missing_share = ["polycystic", "renal", "disease"], 8.5, 0.75
    pages = {0: "noonan syndrome"}
    # Search's other topic, "polycystic kidney disease", is named by two of its three words, which the page
    # lacks: the question asks how the two relate, and the Noonan page cannot say.
    both = decide(question, [ev], p, _topic_forms(pages), frozenset({"noonan syndrome", "polycystic kidney disease"}))
    assert both.status == "abstain" and "polycystic" in both.reason
    # A topic the question names by one word only ("kidney disease in children": "disease") is not asked about.
    one = decide(question, [ev], p, _topic_forms(pages),
                 frozenset({"noonan syndrome", "overview of kidney disease in children"}))
    assert one.status == "partial" and "polycystic" in one.reason


def test_a_figure_asked_of_an_effect_needs_a_sentence_naming_it() -> None:
    p = default_params().with_values(compound_partial=1)
    forms = _forms()
    forms.glossary.kind = lambda t: "toxicity" if t == "hepatotoxicity" else "drug"  # type: ignore[method-assign]
    forms.scorer.named = lambda row: {"drugx", "hepatotoxicity"} if row == 1 else {"drugx"}  # type: ignore[method-assign]
    forms.scorer.document_terms = lambda doc: frozenset({"drugx", "hepatotoxicity"})  # type: ignore[method-assign]
    forms.glossary.narrower = lambda t: []
    rate = _covered(0.9)
    rate.text, rate.row = "Remission rates were significantly higher after 1 to 2 cycles of drugx.", 0
    harm = _covered(1.0)
    harm.text, harm.row = "Drugx may cause hepatotoxicity.", 1
    how_often = Analysis("Does drugx hurt the liver, and how often?", "frequency", ["frequency"], True,
                         ["drugx", "hepatotoxicity"])
    decision = decide(how_often, [harm, rate], p, forms)
    # The remission rate just below is no figure for the liver: the sentence naming the harm answers
    # whether, and the reason says how often is not stated.
    assert decision.status == "partial" and decision.best is harm and "frequency" in decision.reason
    # Asked alone, the figure the text lacks is not answered at all.
    alone = Analysis("How often does drugx hurt the liver?", "frequency", ["frequency"], False,
                     ["drugx", "hepatotoxicity"])
    assert decide(alone, [harm, rate], p, forms).status == "abstain"


def test_a_question_asking_two_things_is_answered_for_the_part_the_text_states() -> None:
    p = default_params().with_values(compound_partial=1)
    ev = _covered(0.9)
    ev.text = "Trisomy 13 is a chromosomal condition."
    two = Analysis("What is trisomy 13 and how is it diagnosed?", "diagnosis", ["diagnosis", "definition"], False, [])
    decision = decide(two, [ev], p, _forms())
    assert decision.status == "partial" and "how this is found" in decision.reason
    assert decide(two, [ev], p.with_values(compound_partial=0), _forms()).status == "abstain"
    # "What is the dose of X?" asks one thing: its "what is" is the dose's own clause.
    dose = Analysis("What is the dose of zetamab?", "dose", ["dose", "definition"], False, [])
    assert decide(dose, [ev], p, _forms()).status == "abstain"
    # The other part asks a span of time the sentence does not state either: nothing of it is answered
    # (in a long message too, whose story's spans are otherwise no part of the question).
    text = "For my revision cards I need the actual numbers: what percent are cured, and what is the 5-year survival in trisomy 13?"
    spans = Analysis(text, "percent_figure", ["percent_figure", "definition"], False, [])
    assert spans.spans and decide(spans, [ev], p.with_values(long_question_words=8), _forms()).status == "abstain"


def test_a_second_ask_the_best_sentence_answers_makes_a_partial_answer_a_told_fact_does_not() -> None:
    # side effects need a sentence stating them: the best one does, so "... and the cost?" is half answered
    p = default_params().with_values(compound_partial=1)
    ev = _covered(0.9)
    ev.text = "Complications, including cytokine release syndrome, may be life threatening."
    two = Analysis("is zetamab dangerous side effect wise and does insurance cover it", "cost",
                   ["cost", "side_effects"], False, [])
    assert decide(two, [ev], p, _forms()).status == "partial"
    # "I read that CRS is one of the risks." tells; only the question after it asks
    told = Analysis("I read that cytokine release syndrome is one of the side effects. How much does zetamab cost?",
                    "cost", ["cost", "side_effects"], False, [])
    assert decide(told, [ev], p, _forms()).status == "abstain"


def test_signs_asked_in_general_are_not_answered_by_one_sites_signs() -> None:
    p = default_params()
    forms = _forms()
    forms.glossary = SimpleNamespace(kind=lambda t: "site" if t == "testes" else "term")
    from bot.glossary import Mention

    at_start = (Mention("testes", "site", 0, 10, "testicular"),)
    forms.scorer.mentions = lambda row: at_start
    ev = Evidence(0, 0, 0, 10, 0, "prose", "Testicular relapse may be evidenced clinically by painless swelling.", score=2.0)
    ev.own, ev.entity = ["testes"], 1.0
    general = Analysis("What are the first signs of a relapse?", "diagnosis", ["diagnosis"], False, [])
    decision = decide(general, [ev], p, forms)
    assert decision.status == "abstain" and "testes" in decision.reason
    site = Analysis("What are the signs of a testicular relapse?", "diagnosis", ["diagnosis"], False, ["testes"])
    assert decide(site, [ev], p, forms).status == "answer"
    # A sentence naming the site in passing ("symptoms include: ... brain ...") is no site's own.
    forms.scorer.mentions = lambda row: (Mention("testes", "site", 30, 40, "testicular"),)
    assert decide(general, [ev], p, forms).status == "answer"


def test_a_long_message_asking_about_an_effect_the_text_never_names_is_not_answered() -> None:
    from bot.glossary import Mention

    p = default_params()
    forms = _forms()
    forms.glossary = SimpleNamespace(kind=lambda t: "toxicity" if t == "rash" else "term")
    story = "My dad started zetamab a month ago and he has been tired and low since then, poor man."
    asked = story + " Is a rash a known side effect of it?"
    at = asked.index("rash")
    analysis = Analysis(asked, "side_effects", ["side_effects"], False, ["rash"],
                        mentions=[Mention("rash", "toxicity", at, at + 4, "rash")])
    assert is_long(analysis, p)
    ev = _covered(2.0)
    decision = decide(analysis, [ev], p, forms)
    assert decision.status == "abstain" and decision.missing == ["rash"]
    # The same effect named only in the story, around another question, is no reason to refuse.
    told = "My dad started zetamab a month ago and now he has a rash and is low, poor man. How is it given?"
    at = told.index("rash")
    passing = Analysis(told, "definition", ["definition"], False, ["rash"],
                       mentions=[Mention("rash", "toxicity", at, at + 4, "rash")])
    assert decide(passing, [ev], p, forms).status != "abstain"


def test_a_ranking_of_two_named_treatments_needs_a_sentence_naming_both() -> None:
    p = default_params()
    forms = _forms()
    forms.glossary = SimpleNamespace(kind=lambda t: "drug" if t in ("alphamab", "betacel", "chemo") else "term",
                                     narrower=lambda t: ())
    ev = _covered(2.0)
    ev.text, ev.entity = "Remission rates were higher with alphamab than with chemotherapy.", 1.0
    forms.scorer.named = lambda row: frozenset({"alphamab", "chemo"})
    forms.scorer.document_terms = lambda doc: frozenset({"alphamab", "betacel", "chemo"})
    head_to_head = Analysis("alphamab vs betacel, which is superior?", "ranking", ["ranking"], False,
                            ["alphamab", "betacel"], {"alphamab": "alphamab", "betacel": "betacel"})
    decision = decide(head_to_head, [ev], p, forms)
    assert decision.status == "abstain" and "compare alphamab and betacel" in decision.reason
    # The pair the sentence does rank is answered.
    pair = Analysis("Is alphamab better than chemo?", "ranking", ["ranking"], True, ["alphamab", "chemo"])
    assert decide(pair, [ev], p, forms).status == "answer"
    # In a long message too, when its question asks the ranking ("which should be tried first?").
    long = Analysis("Does the reference rank alphamab against betacel by efficacy at all? Which should be tried first at first relapse?",
                    "ranking", ["ranking"], False, ["alphamab", "betacel"], {"alphamab": "alphamab", "betacel": "betacel"})
    assert decide(long, [ev], p.with_values(long_question_words=6), forms).status == "abstain"


def test_a_ranking_of_a_class_needs_a_sentence_ranking_two_of_its_members() -> None:
    p = default_params()
    forms = _forms()
    members = {"fixture antibodies": ("alphamab", "betacel"), "alphamab": (), "betacel": (), "chemo": ()}
    forms.glossary = SimpleNamespace(kind=lambda t: "therapy" if t in members else "term", narrower=lambda t: members.get(t, ()))
    ev = _covered(2.0)
    ev.text, ev.entity = "Remission rates were higher with alphamab than with chemotherapy.", 1.0
    forms.scorer.named = lambda row: frozenset({"alphamab", "chemo", "fixture antibodies"})
    forms.scorer.document_terms = lambda doc: frozenset(members)
    # "Which one is best? Rank them": one member against chemotherapy ranks no two of them, and "best" is the
    # ranking's own word, no second question the sentence could answer.
    ranks = Analysis("Which one is the best? rank the fixture antibodies 1-2 for my card", "ranking", ["ranking", "superlative", "prognosis"],
                     False, ["fixture antibodies"], {"fixture antibodies": "fixture antibodies"})
    assert decide(ranks, [ev], p, forms).status == "abstain"
    # what it chooses among is no list asked beside the ranking ("which of them works best? does it rank them?")
    among = Analysis("Which of fixture therapies works best? Does it rank them anywhere?", "ranking", ["ranking", "list", "prognosis"],
                     False, ["fixture antibodies"], {"fixture antibodies": "fixture antibodies"})
    assert decide(among, [ev], p.with_values(compound_partial=1), forms).status == "abstain"
    ev.text = "Remission rates were higher with alphamab than with betacel."
    forms.scorer.named = lambda row: frozenset({"alphamab", "betacel", "fixture antibodies"})
    assert decide(ranks, [ev], p, forms).status == "answer"


def test_a_sentence_opening_on_a_site_in_its_first_words_is_that_sites_own() -> None:
    from bot.glossary import Mention

    p = default_params()
    forms = _forms()
    forms.glossary = SimpleNamespace(kind=lambda t: "site" if t == "liver" else "term")
    text = "If hepatic involvement is clinically evident, the other lobe should undergo biopsy."
    forms.scorer.mentions = lambda row: (Mention("liver", "site", 3, 10, "hepatic"),)
    ev = Evidence(0, 0, 0, 10, 0, "prose", text, score=2.0)
    ev.own, ev.entity = ["liver"], 1.0
    general = Analysis("What are the first signs of a relapse?", "diagnosis", ["diagnosis"], False, [])
    decision = decide(general, [ev], p, forms)
    assert decision.status == "abstain" and "liver" in decision.reason


def test_a_long_message_is_on_the_topic_of_a_document_naming_every_term_it_names() -> None:
    p = default_params()
    forms = _forms()  # the document never uses "fibromyalgia", the message's rarest known word
    forms.scorer.document_terms = lambda doc: frozenset({"prednisone"})
    story = Analysis(STORY, "definition", ["definition"], False, ["prednisone"],
                     subject={"fibromyalgia": 3.0, "evening": 1.0})
    ev = _covered(0.9)
    assert decide(story, [ev], p, forms).status == "answer"
    # A term the document never names leaves the story's words to say what it is about.
    other = Analysis(STORY, "definition", ["definition"], False, ["prednisone", "tapering"],
                     subject={"fibromyalgia": 3.0, "evening": 1.0})
    assert decide(other, [ev], p, forms).missing == ["fibromyalgia"]


def test_a_count_asked_in_a_long_messages_question_needs_a_number() -> None:
    p = default_params()
    ev = _covered(0.9)
    ev.text = "Subsequent remissions of zetamab tend to be brief."
    story = ("I read that these remissions tend to be brief and my wife has just started her second one after "
             "zetamab. How many weeks does it usually last?")
    counted = Analysis(story, "duration_count", ["duration_count", "duration"], False, [])
    assert is_long(counted, p)
    assert decide(counted, [ev], p, _forms()).status == "abstain"
    # "How long" asks no number: "brief" answers it, as does a number.
    told = Analysis(story.replace("How many weeks does", "How long does"), "duration", ["duration"], False, [])
    assert decide(told, [ev], p, _forms()).status != "abstain"
    ev.text = "Subsequent remissions of zetamab last 6 weeks."
    assert decide(counted, [ev], p, _forms()).status != "abstain"


def test_a_rate_asked_in_percent_needs_a_percentage_not_a_few() -> None:
    p = default_params()
    ev = _covered(0.9)
    ev.text = "Zetamab helps only a few patients to achieve a cure."
    asked = Analysis("what percent of patients does zetamab cure", "percent_figure", ["percent_figure", "percentage"], False, [])
    assert decide(asked, [ev], p, _forms()).status == "abstain"
    fraction = Analysis("how many patients does zetamab cure", "percentage", ["percentage"], False, [])
    assert decide(fraction, [ev], p, _forms()).status != "abstain"
    ev.text = "Zetamab cures 40% of patients."
    assert decide(asked, [ev], p, _forms()).status != "abstain"


def test_the_size_of_a_difference_asked_at_the_end_of_a_long_message_needs_a_figure() -> None:
    p = default_params()
    ev = _covered(0.9)
    ev.text = "Zetamab gave significantly higher remission rates than chemotherapy in one study."
    story = ("We were told zetamab works better than chemotherapy for people in his situation. "
             "How much higher are remission rates with zetamab than with chemotherapy?")
    asked = Analysis(story, "amount_compared", ["amount_compared", "percentage"], False, [])
    assert is_long(asked, p)
    assert decide(asked, [ev], p, _forms()).status == "abstain"
    ev.text = "Remission rates with zetamab were twice those with chemotherapy."
    assert decide(asked, [ev], p, _forms()).status != "abstain"


def test_a_cost_asked_at_the_end_of_a_long_message_needs_a_price(engine) -> None:
    a = engine.session().ask(
        "We live abroad and my son's doctors in the clinic mentioned alphamab for his relapsed disease last week. "
        "How much does that treatment cost?"
    )
    assert a.abstained and "cost" in a.answer.split("\n")[0]


def test_a_partial_answer_names_only_the_words_none_of_its_quotes_says() -> None:
    from bot.decision import Decision, still_missing

    quotes = ["Blinatumomab prolongs survival.", "Clofarabine is for patients after 2 prior regimens."]
    partial = Decision("partial", "...", None, ["regimens", "pregnancy"])
    status, reason, missing = still_missing(quotes, partial, str.lower)
    assert (status, missing) == ("partial", ["pregnancy"]) and "pregnancy" in reason and "regimens" not in reason
    assert still_missing(quotes, Decision("partial", "...", None, ["regimens"]), str.lower) == ("answer", "", [])
    assert still_missing(quotes, Decision("abstain", "no", None, ["pregnancy"]), str.lower) == ("abstain", "no", ["pregnancy"])
    # A word the document uses elsewhere is something the text does speak of: not named as missing.
    used = {"hla"}.__contains__
    status, reason, missing = still_missing(quotes, Decision("partial", "...", None, ["HLA", "path"]), str.lower, lambda w: used(w.lower()))
    assert (status, missing) == ("partial", ["path"]) and "HLA" not in reason


def test_a_long_messages_question_made_only_of_words_the_text_lacks_is_what_is_asked() -> None:
    from bot.decision import SIGNS_ASKED, _asked_words, _question_start

    message = "For my class I read that it is a conjugate with calicheamicin. What does it do to the DNA?"
    asking = message[_question_start(message):]  # the question, not the story before it
    assert _asked_words(asking, ["dna", "class"]) == ["dna"]
    assert _asked_words("What does it do to the DNA and to the blasts?", ["dna"]) == []  # asks more
    # Asking for ideas or saying a worry asks nothing the text could answer: no question word opens them.
    assert _asked_words("So is there any suggestions?", ["suggestions"]) == []
    assert _asked_words("It worries me so.", ["worries"]) == []
    assert SIGNS_ASKED.match("What are the warning signs that it has come back?")
    assert not SIGNS_ASKED.match("can an infection cause the symptoms of it?")


def test_a_sentence_singling_one_out_answers_whether_it_is_worse_than_the_others() -> None:
    p = default_params()
    forms = _forms()
    forms.glossary = SimpleNamespace(kind=lambda t: "site" if t == "bone marrow" else "term")
    ev = _covered(2.0)
    ev.text, ev.entity = "Bone marrow relapse is particularly ominous.", 1.0
    forms.scorer.named = lambda row: frozenset({"bone marrow"})
    forms.scorer.document_terms = lambda doc: frozenset({"bone marrow"})
    worse = Analysis("is a relapse in the marrow worse than one elsewhere", "ranking", ["ranking"], True,
                     ["bone marrow"], {"bone marrow": "marrow"})
    assert decide(worse, [ev], p, forms).status == "answer"
    # A sentence that ranks nothing does not answer it.
    ev.text = "Bone marrow relapse is common."
    assert decide(worse, [ev], p, forms).status == "abstain"


def test_a_yes_no_question_about_a_treatment_needs_a_sentence_about_it() -> None:
    p = default_params()
    forms = _forms()
    kinds = {"zetamab": "drug", "mabs": "therapy", "overall survival": "outcome"}
    forms.glossary = SimpleNamespace(kind=lambda t: kinds.get(t, "term"), narrower=lambda t: ("zetamab",) if t == "mabs" else ())
    forms.scorer.document_terms = lambda doc: frozenset(kinds)
    ev = _covered(2.0)
    ev.text = "Other agents have been available, but no trials verified increased survival."
    forms.scorer.named = lambda row: frozenset({"overall survival"})
    asked = Analysis("Does zetamab improve survival?", "prognosis", ["prognosis"], True, ["zetamab", "overall survival"])
    decision = decide(asked, [ev], p, forms)
    assert decision.status == "abstain" and "zetamab" in decision.reason
    # A sentence naming it, or a member of the class asked about, may answer.
    forms.scorer.named = lambda row: frozenset({"zetamab", "overall survival"})
    assert decide(asked, [ev], p, forms).status == "answer"
    of_class = Analysis("Do mabs improve survival?", "prognosis", ["prognosis"], True, ["mabs", "overall survival"])
    assert decide(of_class, [ev], p, forms).status == "answer"


def test_a_yes_no_question_about_an_outcome_needs_a_sentence_naming_it() -> None:
    p = default_params()
    forms = _forms()
    kinds = {"zetamab": "drug", "overall survival": "outcome"}
    forms.glossary = SimpleNamespace(kind=lambda t: kinds.get(t, "term"), narrower=lambda t: ())
    forms.scorer.document_terms = lambda doc: frozenset(kinds)
    forms.scorer.named = lambda row: frozenset({"zetamab"})
    ev = _covered(2.0)
    ev.text = "Remission rates were higher with zetamab than with chemotherapy."
    asked = Analysis("Does zetamab improve overall survival?", "prognosis", ["prognosis"], True, ["zetamab", "overall survival"])
    decision = decide(asked, [ev], p, forms)
    assert decision.status == "abstain" and decision.missing == ["overall survival"]


def test_a_long_messages_yes_no_question_about_the_storys_one_treatment_needs_a_sentence_naming_it() -> None:
    p = default_params()
    forms = _forms()
    forms.glossary.kind = lambda t: "drug" if t.startswith("drug") else "term"  # type: ignore[method-assign]
    forms.glossary.narrower = lambda t: []
    forms.scorer.document_terms = lambda doc: frozenset({"drugx", "drugy"})  # type: ignore[method-assign]
    other = _covered(1.0)
    other.text, other.subjects = "Drugy prolongs overall survival.", ["drugy"]
    text = ("My son's oncologist mentioned drugx as a possible option if the next round of treatment doesn't work. "
            "Has it actually been shown to help patients live longer?")
    story = Analysis(text, "prognosis", ["prognosis"], False, ["drugx"])
    assert is_long(story, p)
    # "it" points back to the story's one treatment: a sentence about another cannot say yes or no for it.
    decision = decide(story, [other], p, forms)
    assert decision.status == "abstain" and decision.missing == ["drugx"]
    # A sentence naming it answers; so does any when the question asks no yes/no question.
    named = _covered(1.0)
    named.text, named.subjects = "Drugx has not been shown to prolong survival.", ["drugx"]
    named.row = 1
    forms.scorer.named = lambda row: {"drugx"} if row == 1 else frozenset()  # type: ignore[method-assign]
    assert decide(story, [named], p, forms).status == "answer"
    # ... also in the place of the best sentence when it is close below it; not when far below.
    named.score = 0.9
    closer = decide(story, [other, named], p, forms)
    assert closer.status == "answer" and closer.best is named
    named.score = 0.5
    assert decide(story, [other, named], p, forms).status == "abstain"
    forms.scorer.named = lambda row: frozenset()  # type: ignore[method-assign]
    asks_what = Analysis(text.replace("Has it actually been shown to", "What has been shown to"), "prognosis",
                         ["prognosis"], False, ["drugx"])
    assert decide(asks_what, [other], p, forms).status == "answer"


def _page_answer(tmp_path, embedder, name: str, text: str, question: str):  # noqa: ANN001, ANN202
    """The answer to ``question`` over one page of ``text``, built in its own folder ``name``."""
    from pages import ask_one_page

    (tmp_path / name).mkdir()
    return ask_one_page(tmp_path / name, embedder, text, question)


_INO = ("Inotuzumab ozogamicin, a CD22-directed antibody-drug conjugate with calicheamicin, is also available "
        "for adults with relapsed or refractory B-cell precursor ALL.")
_VINCRISTINE = ("Liposomal vincristine (a vinca alkaloid): For adults with Ph- ALL in at least 2nd relapse—marketing has been "
                "discontinued\n\nTransplantation is rarely used for patients > 65 years because it is much less likely to be successful.")


@pytest.mark.parametrize(("text", "refused", "named", "answered", "quoted"), [
    # How a part named in passing works is not said by the sentence on the whole drug.
    (_INO, "how exactly does the calicheamicin part kill the blast?", "calicheamicin", "how does inotuzumab work?", "Inotuzumab ozogamicin"),
    # A reason asked is not given by a sentence restating the question's premise ("withdrawn": "discontinued").
    (_VINCRISTINE, "Why was liposomal vincristine withdrawn from the market?", "reason",
     "Why is transplantation rarely used for patients over 65?", "Transplantation is rarely used"),
    # A limit stated is the reason something falls short ("why isn't chemo enough?"), not why a thing happens.
    ("Chemotherapy helps only a few patients with early bone marrow relapse to achieve long second remissions.\n\n"
     "Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites.",
     "why does leukemia relapse?", "reason", "why isn't chemo enough when it relapses?", "Chemotherapy helps only a few"),
    # Which are the commonest is said for one treatment, not another.
    ("The most common neurologic symptoms after blinatumomab use are headache and tremor.\n\nTisagenlecleucel is a CAR-T "
     "product. Life-threatening toxicities may include cytokine release syndrome and neurologic toxicities.",
     "most common neuro side effects after kymriah", "most common", "most common neuro side effects after blina", "The most common"),
])
def test_a_sentence_that_names_what_is_asked_without_saying_it_does_not_answer(
    tmp_path, fake_embedder, text: str, refused: str, named: str, answered: str, quoted: str,  # noqa: ANN001
) -> None:
    no = _page_answer(tmp_path, fake_embedder, "a", text, refused)
    assert no.abstained and named in no.answer
    yes = _page_answer(tmp_path, fake_embedder, "b", text, answered)
    assert not yes.abstained and yes.citations[0].quote.startswith(quoted)


def test_a_study_is_named_only_where_the_text_names_it(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    question = "Which trial showed higher remission rates with inotuzumab ozogamicin?"
    found = "found higher remission rates with inotuzumab ozogamicin than with standard chemotherapy."
    unnamed = _page_answer(tmp_path, fake_embedder, "a", "One study " + found, question)
    assert unnamed.abstained and "name of a study" in unnamed.answer
    named = _page_answer(tmp_path, fake_embedder, "b", "The INO-VATE trial " + found, question)
    assert not named.abstained and "INO-VATE" in named.citations[0].quote


def test_the_askers_group_does_not_push_the_sentence_answering_the_type_out_of_reach(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    # "Side effects of brexucabtagene in adults?": its indication states "adult patients" and scores on that;
    # its toxicity sentence states no group and is the answer, not "the text does not state side effects".
    from pages import one_page

    text = ("Tisagenlecleucel is available for the treatment of patients up to 25 years of age with relapsed ALL. "
            "Life-threatening toxicities may include cytokine release syndrome and neurologic toxicities.\n\n"
            "Brexucabtagene autoleucel, a CD19-directed T cell immunotherapy, can be used to treat adult patients with relapsed ALL. "
            "Complications, including cytokine release syndrome and neurologic toxicities, may be life threatening.")
    engine = one_page(tmp_path, fake_embedder, text)
    answer = engine.session().ask("what are the side effects of brexucabtagene in adults")
    assert not answer.abstained and answer.citations[0].quote.startswith("Complications"), answer.answer


def test_a_long_messages_story_words_are_never_named_as_what_the_text_lacks() -> None:
    # "... her knees are not great. What does the text say about tapering prednisone?": the text not speaking
    # of her knees is no part of what is asked; a word of the question itself still is.
    p = default_params()
    story = ("My mother is seventy-two and still gardens every morning although her knees are not great. "
             "She has been on prednisone for a year. What should we expect when she stops taking prednisone in the evening?")
    a = Analysis(story, "definition", ["definition"], False, [], subject={"prednisone": 3.0, "knees": 1.5, "evening": 1.0})
    assert is_long(a, p)
    ev = _evidence(p.abstain_below + 0.2)
    ev.missing_context, ev.missing_context_weight, ev.missing_share = ["knees", "evening"], 3.0, 0.3
    decision = decide(a, [ev], p, _forms())
    assert decision.status == "partial" and decision.missing == ["evening"]
    ev.missing_context = ["knees"]
    assert decide(a, [ev], p, _forms()).status == "answer"


def test_asked_how_it_is_treated_a_qualified_statement_does_not_lead_its_paragraphs_plain_one() -> None:
    from bot.forms import answering

    unclear = Evidence(1, 0, 100, 160, 2, "prose", "The role of continued intrathecal drug use is unclear.", score=1.02, cue=True, qualified=True)
    plain = Evidence(0, 0, 0, 99, 2, "prose", "CNS relapse treatment includes intrathecal methotrexate twice weekly.", score=1.01, cue=True)
    elsewhere = Evidence(2, 0, 200, 260, 3, "prose", "Testicular relapse treatment is radiation therapy.", score=1.0, cue=True)
    treated = Analysis("If it comes back in the brain, how is that treated?", "site_treatment", ["site_treatment"], False, [])
    ranked, best = answering([unclear, plain, elsewhere], unclear, treated)
    assert best is plain and ranked[:2] == [plain, unclear]
    # Asked whether it helps, the qualified statement is the answer; and one of another paragraph never leads.
    helps = Analysis("Does continued intrathecal therapy help?", "site_treatment", ["site_treatment"], True, [])
    assert answering([unclear, plain], unclear, helps)[1] is unclear
    assert answering([unclear, elsewhere], unclear, treated)[1] is unclear


def test_a_disease_the_text_never_names_is_not_answered_for_even_in_a_long_messages_story() -> None:
    from bot.glossary import Mention

    p = default_params().with_values(long_question_words=8)
    forms = _forms()
    forms.scorer.document_terms = lambda doc: frozenset({"acute lymphoblastic leukemia", "alphamab"})
    ev = _covered(2.0)
    text = "my brother has the chronic one, CLL, and it came back. do they use the same drugs for him like for ALL"
    at, other = text.index("CLL"), text.index("ALL")
    mentions = [Mention("chronic lymphocytic leukemia", "condition", at, at + 3, "CLL"),
                Mention("acute lymphoblastic leukemia", "condition", other, other + 3, "ALL")]
    story = Analysis(text, "definition", ["definition"], False, [], mentions=mentions)
    decision = decide(story, [ev], p, forms)
    assert decision.status == "abstain" and "chronic lymphocytic leukemia" in decision.reason
    # the disease the text is about is no such disease
    ours = Analysis("do they use the same drugs for ALL", "definition", ["definition"], False, [], mentions=mentions[1:])
    assert decide(ours, [ev], p, forms).status != "abstain"


def test_a_partial_answer_names_only_words_a_short_message_asks_not_those_it_tells() -> None:
    p = default_params().with_values(concept_abstain=99.0)
    ev = _evidence(p.abstain_below + 0.1)
    ev.missing_context, ev.missing_context_weight = ["evening", "appreciate"], p.concept_partial + 0.1
    text = "Is prednisone tapered in the evening? I would appreciate it."
    told = Analysis(text, "definition", ["definition"], False, [])
    assert not is_long(told, p)
    decision = decide(told, [ev], p, _forms())
    assert decision.status == "partial" and decision.missing == ["evening"]
    # Said in the asking sentence, the word is named.
    asked = Analysis("Is prednisone tapered in the evening, appreciate?", "definition", ["definition"], False, [])
    assert decide(asked, [ev], p, _forms()).missing == ["evening", "appreciate"]
