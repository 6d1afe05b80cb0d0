from functools import cache

import pytest

from bot.question import analyse, classify, rules
from bot.settings import PROJECT_ROOT


@cache
def _project_glossary():  # noqa: ANN202
    """The project's glossary, read once for this module's tests (they only read it)."""
    from bot.glossary import Glossary

    return Glossary.load(PROJECT_ROOT / "corpus" / "glossary.json")


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Explain what tisagenlecleucel is", "overview"),
        ("blinatumomab - everything I need to know", "overview"),
        ("What do they each latch onto?", "target"),
        ("What should we expect next?", "overview"),
        ("Where is the worst place for leukemia to come back?", "gravest"),
        ("which relapse site is the most dangerous", "gravest"),
        ("How does alphamab act on leukemic cells?", "mechanism"),
        ("How does alphamab get the immune system to go after the cancer cells?", "mechanism"),
        ("Who is eligible to receive betacel?", "indication"),
        ("Is there an age limit for this therapy?", "age"),
        ("What are the adverse effects of betacel?", "side_effects"),
        ("How should CRS be managed?", "toxicity_management"),
        ("How do clinicians handle CNS relapse?", "site_treatment"),
        ("CNS relapse mx?", "site_treatment"),  # clinicians' shorthand for management
        ("So what beats chemo?", "ranking"),  # a lay word for doing better than
        ("Blina neurotoxicity: which manifestations are listed?", "side_effects"),  # what a toxicity looks like
        ("I would like to know where the leukemia shows up", "places"),
        ("List the agents approved for relapse", "list"),
        ("What is the difference between alphamab and betacel?", "comparison"),
        ("What is the outlook after an early marrow relapse?", "prognosis"),
        ("How frequently is the intrathecal drug given?", "frequency"),
        ("What dosage of betacel is used?", "dose"),
        ("What does a course of betacel cost?", "cost"),
        ("When was this text last updated?", "date"),
        ("Please compose a limerick about cats", "out_of_scope"),
        ("How can a swollen testis signal relapse, and how is it found?", "diagnosis"),
        ("Why is transplant avoided in the elderly?", "cause"),
        # Idioms: the story of a drug is an overview of it; a bad sign is an outlook, not how a relapse shows.
        ("What's the story with the older drugs?", "overview"),
        ("Tell me a story about dragons", "out_of_scope"),
        ("It came back in the marrow, is that a bad sign?", "prognosis"),
        ("What are the signs of a testicular relapse?", "diagnosis"),
        ("Should I move my son to another hospital for it?", "advice"),
        ("What does betacel achieve after a relapse?", "prognosis"),
        ("Has betacel been shown to help patients live longer?", "prognosis"),
        ("list the places leukemia can relapse", "places"),
        ("list the agents approved for relapse", "list"),
        ("My dad is 58. How long has he got?", "life_expectancy"),
        ("how long does she have left to live", "life_expectancy"),
        ("How long do remissions last after chemo?", "duration"),
        ("how many months does a second remission last", "duration_count"),
        ("should he just stop taking it?", "advice"),
        ("alphamab neurotox management?", "toxicity_management"),
        # Broad asks in a clinician's or a student's words: the options, the section's scope, its takeaways.
        ("Relapsed disease: run me through the management options.", "overview"),
        ("Marrow relapse, what then?", "overview"),
        ("Adult in second relapse. Options per the text?", "overview"),
        ("What does this section cover?", "overview"),
        ("I have a quiz tomorrow. What are the main takeaways?", "overview"),
        ("Relapse in the testes - what's the deal?", "overview"),
        ("It is back in his marrow. Is there anything that can be done?", "overview"),
        ("As bullet points please: the main treatment approaches for relapse.", "overview"),
        ("What are all the new relapse treatments?", "overview"),
        ("What's available beyond chemo? Give me everything.", "overview"),
        ("Agents for relapsed B-precursor ALL?", "overview"),
        ("Treatments after a second relapse?", "overview"),
        ("58M, Ph+ B-ALL, marrow relapse. Salvage options?", "overview"),
        ("tl;dr on alphamab", "overview"),
        ("T-ALL salvage", "overview"),
        ("I'm a med student revising relapsed disease, what should I read first?", "overview"),
        ("is there anything newer?", "overview"),
        ("strength of evidence for alphamab?", "prognosis"),  # (not a dose's strength)
        ("my patient relapsed and she wants to know what treatments are out there. What can I tell her?", "overview"),
        # What is done about an effect named first is how it is managed.
        ("betacel bad reactions, what do the doctors do about it", "toxicity_management"),
        ("if CRS happens what do they do about it", "toxicity_management"),
        ("my brother have seizure from alphamab, there is something to do for this", "toxicity_management"),
        # Clinicians' shorthand for the kind of question.
        ("betacel MoA", "mechanism"),
        ("alphamab target antigen?", "target"),
        ("What does betacel target?", "target"),
        ("testicular relapse workup?", "diagnosis"),
        ("what blood test shows a relapse", "diagnosis"),
        ("alphamab AEs", "side_effects"),
        ("CNS relapse tx?", "site_treatment"),
        # what a treatment looks like is the treatment, not how the disease shows itself
        ("6yo with isolated CNS relapse, what does the treatment look like?", "site_treatment"),
        ("what does a testicular relapse look like?", "diagnosis"),
        # which of two gets more of something: a ranking the text must make
        ("Which gets more patients into remission, brexucabtagene or tisagenlecleucel?", "ranking"),
        ("which has fewer side effects, blina or ino?", "ranking"),
        # which are the most common
        ("most common neuro side effects after kymriah", "commonest"),
        # a study's name
        ("The doctor mentioned a big trial comparing it with chemo. What was that trial called?", "study_name"),
        ("Name of the phase 3 trial comparing inotuzumab with standard chemo?", "study_name"),
        ("Which trial showed inotuzumab improves survival?", "study_name"),
        # lay and regional words for what is asked
        ("My nephew's leukaemia is back. Whereabouts in the body can it come back?", "places"),
        ("what bad stuff can it do to me", "side_effects"),
        ("is a transplant realistic for him at 58?", "indication"),
        ("What happened with the liposomal vincristine one?", "definition"),
        ("and where would the cells come from - he has a brother", "donor"),
        # asking what the bot would do in the asker's place is asking for advice
        ("Should he have blina or a transplant first? What would you do in our shoes?", "advice"),
        ("What would you do if you were me?", "advice"),
        # whether a relapse in one place is graver than in another: which place the text singles out
        ("Is it worse when it comes back in the bone marrow than when it comes back somewhere else?", "gravest"),
        ("is that better or worse than if it was in the marrow?", "gravest"),
        ("is it worse if the disease is T-cell?", "yes_no"),
        # "were" typed for "where" at the start of a question; who gives the cells; a number asked for as such
        ("were can ALL come back after treatment?", "places"),
        ("and who donates the stem cells?", "donor"),
        ("CR rate for tisa-cel? need an actual number for my slides", "percent_figure"),
        # which of a group can be had: the ones that can, a list; "which of them is ...": one
        ("Which of the new drugs for relapsed ALL can I get at 40?", "list"),
        ("Which should be tried first at first relapse?", "ranking"),
        # why something falls short, and why something happens
        ("why isnt chemo enough when it relapses", "shortfall"),
        ("why does leukemia relapse", "cause"),
        # a toxicity with a step against it: how it is managed, not what it is
        ("blina neurotox - interrupt? dex?", "toxicity_management"),
        ("alphamab neurotox - which steroid if we have to hold it?", "toxicity_management"),
    ],
)
def test_question_types(question: str, qtype: str):
    assert classify(question)[0] == qtype


@pytest.mark.parametrize(
    "question", ["An overview of how relapsed ALL is treated, and where each fits in?", "how it is treated and which one fits best"]
)
def test_fits_the_verb_is_no_seizure(question: str):
    # "fits" is seizures ("what is done for his fits?"), but "where each fits in" is the verb.
    assert "toxicity_management" not in classify(question)
    assert classify("how are his fits treated?")[0] == "toxicity_management"


def test_yes_no_is_a_flag_beside_the_type():
    g = _project_glossary()
    a = analyse("Does Kymriah cause seizures?", g)
    assert a.yes_no and a.qtype == "side_effects"
    assert a.focus[0] == "tisagenlecleucel"


def test_focus_keeps_the_site_phrase():
    g = _project_glossary()
    a = analyse("What is done for testicular relapse in boys?", g)
    assert a.focus == ["testes"]
    assert a.focus_surface["testes"] == "testicular relapse"


def test_question_rules_are_data():
    import json

    data = json.loads((PROJECT_ROOT / "bot" / "data" / "question_types.json").read_text())
    names = [t["name"] for t in data["types"]]
    for needed in ("definition", "mechanism", "indication", "age", "side_effects", "toxicity_management",
                   "site_treatment", "list", "comparison", "yes_no", "prognosis", "frequency", "dose", "cost",
                   "date", "out_of_scope"):
        assert needed in names


def test_a_list_question_may_qualify_what_it_lists() -> None:
    from bot.question import classify

    assert classify("Which CD19-directed therapies are mentioned?")[0] == "list"
    assert classify("What newer targeted drugs are there?")[0] == "list"


def test_a_word_naming_a_kind_of_condition_is_not_a_subject() -> None:
    from bot.glossary import Glossary

    a = analyse("Does lineage matter, B-cell versus T-cell disease?", Glossary())
    assert "lineage" not in a.subject and a.conditions.lineage == {"B", "T"}
    # "sooner", "earlier": asked of the line of therapy the question states, no subject of their own
    b = analyse("Is it only used after a second relapse or can it be given sooner?", Glossary())
    assert "sooner" not in b.subject and b.conditions.line is not None


def test_a_rate_is_asked_as_a_figure_only_when_the_question_asks_for_it() -> None:
    assert classify("What is the relapse rate after transplant?")[0] == "percentage"
    assert "percentage" not in classify("Which drugs were approved on response rates alone?")


def test_a_ranking_of_several_is_not_a_question_for_the_best_one() -> None:
    assert classify("rank the immunotherapies from best to worst")[0] == "ranking"
    assert classify("what is the best donor for a transplant")[0] == "superlative"


def test_an_outcome_asked_about_is_a_focus_an_answer_must_name() -> None:
    from bot.glossary import Entry, Glossary

    g = Glossary([Entry("overall survival", "outcome", ("survive", "survival"))])
    assert analyse("What percent of children survive a relapse?", g).focus == ["overall survival"]


def test_compare_for_toxicity_asks_about_toxicity_not_its_treatment() -> None:
    assert "toxicity_management" not in classify("How do alphamab and betacel compare for toxicity?")
    assert "toxicity_management" in classify("Which drug is given for CRS?")


def test_where_asks_for_places_and_which_site_for_one() -> None:
    assert classify("where in the body can ALL come back?")[0] == "places"
    assert classify("Which relapse site is in the brain?")[0] == "location"
    # (the worst one: the gravest, answered by the sentence calling one ominous)
    assert classify("Which relapse site carries the worst outlook?")[0] == "gravest"


def test_more_everyday_wordings_of_question_types() -> None:
    assert classify("What kind of molecule is blinatumomab?")[0] == "mechanism"
    assert classify("What advantage did inotuzumab show over standard chemotherapy?")[0] == "ranking"
    assert classify("Should I ask for CAR-T instead of chemo?")[0] == "advice"
    assert classify("what are all the possible treatments if ALL relapses")[0] == "overview"
    # "What does it say about how much ...?" asks how much, not for everything it says.
    assert classify("What does it say about betacel?")[0] == "overview"
    assert "overview" not in classify("What does it say about how much chemotherapy helps an early relapse?")


def test_cant_donate_is_no_donor_and_two_relapses_a_later_line() -> None:
    from bot.conditions import read

    c = read("my brother can't donate, who else could give stem cells?", True)
    assert "sibling" in c.no_donor
    assert read("which drug is for adults after two relapses").line == 2


def test_terms_named_only_to_be_set_aside_are_not_the_focus() -> None:
    g = _project_glossary()
    a = analyse("His relapse is in the testicle, not in the brain or spinal fluid. What's the treatment?", g)
    assert a.focus == ["testes"] and "central nervous system" in a.excluded
    b = analyse("What is there besides chemo and a transplant?", g)
    assert set(b.excluded) == {"chemotherapy", "stem cell transplantation"} and not b.focus
    # ... "apart from another round of chemo": a course of it is still what is set aside
    assert analyse("ok and apart from another round of chemo, what else is there?", g).excluded == ["chemotherapy"]
    assert analyse("How is CNS relapse treated?", g).excluded == []
    # ... and "apart from the newer immunotherapies": a class qualified by its age is still what is set aside
    assert analyse("Apart from the newer immunotherapies, what other drugs have been used?", g).excluded == ["immunotherapy"]
    assert analyse("Which newer therapies are there, as opposed to conventional chemotherapy?", g).excluded == ["standard chemotherapy"]
    assert analyse("Beyond the headline immunotherapies, what else is there?", g).excluded == ["immunotherapy"]
    # "non-" before a class rules the class out.
    c = analyse("Is there a non-immunotherapy drug for her age group?", g)
    assert c.excluded == ["immunotherapy"] and not c.focus
    # What is described, not chosen, is set aside by nothing: "swollen but not sore, and a biopsy showed ..."
    d = analyse("One testicle was swollen but not sore, and a biopsy showed it is back. What treatment?", g)
    assert d.excluded == [] and d.focus[:1] == ["testes"]
    # What the asker expects to fail is set aside: the question is what else there is.
    e = analyse("so if chemo mostly doesn't hold, what else is there to try?", g)
    assert e.excluded == ["chemotherapy"] and not e.focus
    assert analyse("if blinatumomab fails, what then?", g).excluded == ["blinatumomab"]
    assert analyse("Does chemo fail often?", g).excluded == []  # no "if": asked about, not set aside
    # ... and what is out for the patient: "if transplant is off the table for him, what else?"
    assert analyse("So if transplant is off the table for him, what else is there?", g).excluded == ["stem cell transplantation"]
    assert analyse("if a transplant isn't an option, what then?", g).excluded == ["stem cell transplantation"]
    assert analyse("Is transplant an option for him?", g).excluded == []


def test_broad_asks_in_plain_words_are_overviews() -> None:
    from bot.question import classify

    for q in ("Relapsed ALL: standard approach, briefly.", "what's the usual plan then, step by step",
              "What do doctors try when the first treatment stops working?", "whats new for relapsed all",
              "can u sum it up in 3 sentences", "Antibody-based agents: pros and cons of each.",
              "give me the headlines as bullet points", "What are the main topics it covers?",
              "68M, relapsed B-ALL. What's on the table?", "Second relapse: the options.", "Adult, relapsed. Agents?",
              "dr says it is back. where do we go from here", "Give me the nutshell version of the section for ward round.",
              "Give me the elevator pitch on relapsed ALL treatment", "cliff notes version pls", "synopsis of the relapse section",
              "a quick primer on relapsed ALL", "what's the bottom line for relapsed ALL?", "can you boil this down for me",
              "bird's-eye view of treating relapsed ALL", "what is the game plan after relapse", "what can she get now that it's back",
              "what's the first thing they try after a relapse", "What's the headline on how relapsed ALL gets treated these days?",
              "Can you give me the lay of the land on treatment?", "Bring me up to speed on CAR-T cell therapy."):
        assert classify(q)[0] == "overview", q
    assert analyse("what can a 4 year old get after relapse", _project_glossary()).qtype == "overview"  # (the age read, blanked)
    # What is done about one problem is not a request for every option.
    assert classify("blina nerve reactions what do the doctors do about it")[0] != "overview"
    # "Where does transplant fit in?" asks for its role, not for a place.
    assert "places" not in classify("Where does transplant fit in relapsed ALL?")
    assert "places" in classify("Where can it come back?")
    assert not {"places", "location"} & set(classify("Where does transplant fit in, and what are its limits?"))
    assert classify("which ones r for kids")[0] == "list"
    # "safer" asks about side effects; "safer than" ranks, which the text never does.
    assert classify("the other immunotherapies, are they any safer?")[0] == "side_effects"
    assert classify("is kymriah safer than blinatumomab")[0] == "ranking"
    assert classify("Should we let him stop going to his check-ups?")[0] == "advice"
    assert classify("Can you name them all for me?")[0] == "list"
    # A length asked in a unit is a number the text must state.
    assert classify("median duration in weeks?")[0] == "duration_count"
    # A number of sessions or doses is a count the text must state.
    assert classify("how many radiation sessions for the testicle relapse")[0] == "count"
    assert classify("how long do remissions last in months")[0] == "duration_count"
    # What they do with one thing is no request for every option.
    assert classify("and what do they do with the other one")[0] != "overview"


def test_a_harm_named_beside_a_treatment_asks_about_side_effects() -> None:
    g = _project_glossary()
    assert analyse("she is on blina and had a seizure last night, is that known?", g).qtype == "side_effects"
    assert analyse("what is blinatumomab?", g).qtype == "definition"


def test_an_age_in_words_is_no_subject_of_the_question() -> None:
    g = _project_glossary()
    a = analyse("My son is sixteen, what are his options?", g)
    assert "sixteen" not in a.subject and a.conditions.age == (16.0, 16.0)


def test_an_amount_in_household_measures_is_a_dose_and_a_raised_risk_a_side_effect() -> None:
    from bot.question import rules

    dose, harm = rules().get("dose"), rules().get("side_effects")
    assert dose is not None and dose.need is not None and harm is not None and harm.need is not None
    assert dose.need.search("Drink 8 cups of water a day.") and not dose.need.search("Drink water every day.")
    assert harm.need.search("Smoking can increase the risk of ulcers.")


def test_asking_which_medicine_a_person_should_take_is_personal_advice() -> None:
    assert classify("What medication should a 65 year old male use for leg pain?")[0] == "advice"
    assert classify("What medicine should my mum take after her transplant?")[0] == "advice"
    assert classify("What medicine is used for CNS relapse?")[0] != "advice"
    # What to watch for is what the text says, not advice; whether to stop is.
    assert "advice" not in classify("what side effects do i need to watch for with the relapse drugs?")
    assert classify("do i need to stop my chemo?")[0] == "advice"


def test_a_short_story_asked_of_the_text_is_a_summary_not_a_story_to_write() -> None:
    assert classify("Just give me the short story. Is there any hope?")[0] == "overview"
    assert classify("tell me a bedtime story")[0] == "out_of_scope"
    assert classify("write me a short story about leukemia")[0] == "out_of_scope"


def test_a_question_states_lengths_of_time_but_not_ages() -> None:
    from bot.question import Analysis, states_span

    def spans(text: str) -> list[str]:
        return Analysis(text, "definition", ["definition"], False, []).spans

    assert spans("How many are alive five years after relapse?") == ["five years"]
    assert spans("what is the 5-year survival") == ["5-year"]
    assert spans("Can a 30 year old get it?") == [] and spans("my son is 9 years old") == []
    assert spans("diagnosed 2 years ago") == [] and spans("up to 25 years of age") == []
    assert states_span("overall survival at 5 years was 30%", "five-year")
    assert states_span("for patients up to 25 years of age", "25 years")
    assert not states_span("twice weekly until all signs disappear", "2 weeks")


def test_a_diseases_symptoms_are_how_it_shows_a_drugs_are_its_side_effects(engine) -> None:
    a = engine.answerer

    def qtype(text: str) -> str:
        return a.understand(a.clean(text).text).analysis.qtype

    assert qtype("What symptoms does a testicular relapse cause?") == "diagnosis"
    assert qtype("What symptoms does alphamab cause?") == "side_effects"
    assert qtype("What are the symptoms after alphamab?") == "side_effects"
    assert qtype("What are the symptoms of CNS relapse?") == "diagnosis"
    assert qtype("what does a brain relapse feel like") == "diagnosis"
    # "once the signs disappear" says when, not what is asked.
    assert qtype("Should alphamab be continued once the signs disappear?") not in ("diagnosis", "side_effects")
    # "if it is found in ...": where it is, not how it is found; what to do about it.
    assert qtype("What should be done if it is found in the testis?") == "action"


def test_a_choice_between_alternatives_is_not_a_yes_no_question(engine) -> None:
    a = engine.answerer

    def yes_no(text: str) -> bool:
        return a.understand(a.clean(text).text).analysis.yes_no

    assert not yes_no("Is alphamab for adults or for children?")
    assert not yes_no("Is betacel given in the brain or in the testis?")
    assert yes_no("Is alphamab approved for children?")
    assert yes_no("Does alphamab or betacel cause liver damage?")  # either: still whether
    # A request put politely is no yes/no question; "can you" asking whether something can be done is.
    assert not yes_no("Can you break down the fixture drugs, how they work and who they're meant for?")
    assert not yes_no("could you please explain alphamab")
    assert yes_no("Can you give alphamab to children?")
    # "Would X work for ...?" asks whether, as "does X work" does; "would you ..." asks for something.
    assert yes_no("would alphamab work for T-cell ALL?")
    assert not yes_no("would you describe alphamab")


def test_a_clause_describing_what_is_named_does_not_ask_for_that_attribute(engine) -> None:
    a = engine.answerer

    def types(text: str) -> list[str]:
        return a.understand(a.clean(text).text).analysis.types

    assert "indication" not in types("Give me an overview of alphamab used for relapsed disease")
    assert "indication" in types("Give me an overview of alphamab and who can receive it")


def test_options_asked_with_an_adjective_are_an_overview(engine) -> None:
    a = engine.answerer
    for text in ("ok so what are the actual choices once it relapses??", "what are the remaining options?"):
        assert a.understand(a.clean(text).text).analysis.qtype == "overview", text


def test_an_event_term_stays_a_word_the_answer_must_say():
    # "paused" is the glossary's "interrupting": a sentence that never says it does not answer.

    g = _project_glossary()
    a = analyse("When is betacel paused?", g)
    assert "interrupting" in a.subject
    assert "paused" not in a.subject


def test_relatives_say_who_asks_not_what_about():
    g = _project_glossary()
    assert "grandad" not in analyse("My grandad is 72: can he have a transplant?", g).subject


def test_shorthand_for_the_kind_of_question_is_not_its_subject():
    g = _project_glossary()
    assert "moa" not in analyse("blina MoA", g).subject
    # "sx" of a treatment are its side effects, as "symptoms" are.
    assert analyse("blina neuro sx?", g).qtype == "side_effects"
    assert analyse("blina most common neuro sx?", g).types[:2] == ["commonest", "side_effects"]


def test_a_word_a_named_terms_names_already_say_is_not_another_subject():
    g = _project_glossary()
    # "spinal injections" is a name of intrathecal: "injected" is that term, not a second subject.
    assert "injected" not in analyse("is chemo injected into the spinal fluid?", g).subject
    # (a word of a named condition is still asked about: it is said, not an entity)
    assert "lymphocytic" in analyse("what is the treatment for relapsed CLL?", g).subject
    assert "injected" in analyse("is blinatumomab injected?", g).subject


def test_a_time_clause_of_signs_says_when_not_what_is_asked():
    g = _project_glossary()
    a = analyse("Once the CNS signs are gone, should we keep going with intrathecals or add cranial RT?", g)
    assert not {"side_effects", "diagnosis"} & set(a.types)
    assert not {"signs", "disappear"} & set(analyse("Should it be continued once the signs disappear?", g).subject)
    assert analyse("What are the signs of a CNS relapse?", g).qtype == "diagnosis"


def test_one_like_a_drug_asks_for_another_of_its_class():
    g = _project_glossary()
    a = analyse("is there one like tisagenlecleucel for adults?", g)
    assert a.excluded == ["tisagenlecleucel"] and a.focus == ["chimeric antigen receptor t"]
    assert "comparison" not in a.types
    # (naming both is a comparison of the two, and neither is set aside)
    b = analyse("is brexucabtagene similar to tisagenlecleucel?", g)
    assert b.excluded == [] and "comparison" in b.types


@pytest.mark.parametrize(
    ("qtype", "sentence", "states"),
    [("duration", "Transplantation is rarely used for patients > 65 years.", False),
     ("duration", "For patients age 1 to 21 years with relapsed ALL.", False),
     ("duration", "It offers the greatest hope of long-term remission.", False),
     ("duration", "Subsequent remissions tend to be brief.", True),
     ("duration", "Remissions lasted 6 months.", True),
     ("frequency", "For patients up to 25 years of age.", False),
     ("frequency", "Intrathecal methotrexate twice weekly until all signs disappear.", True)],
)
def test_an_age_or_an_outcome_is_no_duration_or_schedule(qtype: str, sentence: str, states: bool):
    from bot.question import rules

    need = rules().get(qtype).need
    assert need is not None and bool(need.search(sentence)) is states


def test_mentions_found_by_the_query_are_the_ones_analysis_would_find(engine) -> None:
    text = "Is Alphazza or betacel safer for a child with CNS relapse?"
    q = engine.process(text)
    assert q.mentions and q.mentions == engine.glossary.mentions(q.corrected) and q.terms == engine.glossary.terms(q.corrected)
    given = analyse(q.corrected, engine.glossary, mentions=q.mentions)
    assert given == analyse(q.corrected, engine.glossary) and given.mentions is not q.mentions


def test_what_a_question_compares_with_is_not_its_subject():
    g = _project_glossary()
    a = analyse("Does Tecartus cause headache like blina does?", g)
    assert "blinatumomab" in a.excluded and "blinatumomab" not in a.focus
    # "drugs like clofarabine" names examples, not what is set aside.
    b = analyse("What's the story with the older drugs like clofarabine and nelarabine?", g)
    assert "clofarabine" in b.focus
    # "drugs like blinatumomab are antibodies that ...": an example of what is asked about, not set aside.
    c = analyse("So drugs like blinatumomab are antibodies that bring T cells close, right?", g)
    assert "blinatumomab" in c.focus and not c.excluded


@pytest.mark.parametrize(
    ("message", "term", "is_focus"),
    [
        # What a story names beside the question's own subject is its setting.
        ("We covered antibody-drug conjugates in class. Is inotuzumab linked to deaths after transplant?",
         "antibody-drug conjugate", False),
        ("We covered antibody-drug conjugates in class. Is inotuzumab linked to deaths after transplant?",
         "inotuzumab ozogamicin", True),
        # The question refers back to the story ("a relapse like that"), or names nothing of its own: kept.
        ("Her leukemia came back in the bone marrow. Can chemo cure a relapse like that?", "bone marrow", True),
        ("He started blinatumomab last week. What problems can happen?", "blinatumomab", True),
    ],
)
def test_what_a_story_names_beside_the_questions_own_subject_is_not_its_focus(message, term, is_focus):  # noqa: ANN001
    assert (term in analyse(message, _project_glossary()).focus) == is_focus


def test_whats_without_its_apostrophe_still_asks_for_a_treatment() -> None:
    assert classify("whats the treatment for a relapse in the liver")[0] == "site_treatment"
    assert classify("what's the therapy if it returns in the spine")[0] == "site_treatment"


def test_the_best_shot_or_bet_asks_for_the_best_option() -> None:
    assert classify("what is our best shot at beating it")[0] == "superlative"
    assert classify("whats the best bet for a cure now")[0] == "superlative"


def test_a_terse_best_something_asks_for_the_best_option() -> None:
    assert "superlative" in classify("best donor for transplant?")
    assert "superlative" in classify("Best treatment for relapsed ALL?")
    # "best" further in, without a determiner, says how, not which is best
    assert "superlative" not in classify("how to best support my son during chemo?")


def test_asking_whether_it_would_be_okay_to_give_something_is_personal_advice() -> None:
    assert classify("Would it be okay to give him fish oil during chemo?")[0] == "advice"
    assert classify("is it alright to take painkillers with the drug")[0] == "advice"
    assert classify("Is it safe to give blinatumomab to children?")[0] != "advice"


def test_why_a_drug_would_kill_or_attack_cells_asks_how_it_works() -> None:
    assert classify("why would alphamab even kill the cancer cells")[0] == "mechanism"
    assert classify("why does the drug attack the blasts")[0] == "mechanism"
    assert classify("why is a relapse in the marrow so serious")[0] != "mechanism"


def test_a_verb_saying_one_gives_more_than_another_asks_for_a_ranking_and_is_no_subject() -> None:
    from bot.glossary import Glossary

    g = Glossary()
    a = analyse("Does alphamab yield higher response rates than betacel?", g)
    assert a.qtype == "ranking" and "yield" not in a.subject
    assert classify("do transplants give better results than chemo")[0] == "ranking"
    assert classify("what does the study yield")[0] != "ranking"


def test_a_sentence_saying_cure_answers_a_question_whether_a_treatment_cures() -> None:
    from bot.glossary import Glossary

    a = analyse("Can radiation on its own still cure a relapse in the liver?", Glossary())
    assert a.qtype == "site_treatment" and a.cue is not None
    assert a.cue.search("Surgery helps only a few patients to achieve cure.")


def test_beyond_the_standard_thing_sets_that_thing_aside(engine) -> None:
    a = engine.answerer.understand("What's out there beyond standard methotrexate?").analysis
    assert a.excluded == ["methotrexate"] and "methotrexate" not in a.focus


def test_a_count_of_years_of_age_and_a_comparative_amount_are_not_a_duration_or_a_dose() -> None:
    assert "duration_count" not in classify("up to how many years of age can betacel be given?")
    assert "dose" not in classify("How much lower is the cure rate with an unrelated donor?")
    assert classify("How much lower is the cure rate with an unrelated donor?")[0] == "amount_compared"
    assert classify("how much alphamab is given")[0] == "dose"


def test_a_rate_asked_in_percent_is_its_own_type_a_fraction_is_not() -> None:
    assert classify("what percent of kids survive a relapse")[0] == "percent_figure"
    assert classify("what % of adults get a second remission")[0] == "percent_figure"
    assert "percent_figure" not in classify("What fraction of adults reach a second remission?")


def test_how_two_things_stack_up_is_a_comparison() -> None:
    from bot.question import classify

    assert classify("how do blina and ino stack up")[0] == "comparison"
    assert classify("put them side by side")[0] == "comparison"
    assert "comparison" not in classify("what does blina do")


@pytest.mark.parametrize("filler", ["even", "actually", "honestly", "realistically"])
def test_a_word_that_only_stresses_the_question_does_not_change_its_type(engine, filler: str) -> None:
    understand = engine.answerer.understand
    plain = understand("my son relapsed, what can they do now?").analysis
    stressed = understand(f"my son relapsed, what can they {filler} do now?").analysis
    assert stressed.types == plain.types and "overview" in plain.types


@pytest.mark.parametrize("does", ["listed", "flagged", "stated"])
def test_what_the_text_does_is_no_subject_word(does: str) -> None:
    analysis = analyse(f"Which cohorts are {does} in the text?", _project_glossary())
    assert does not in analysis.subject and "cohorts" in analysis.subject


@pytest.mark.parametrize(
    ("question", "setting"),
    [("for my pharmacology exam: how does blinatumomab act on the blasts?", "pharmacology"),
     ("On our haematology rotation we were asked which drugs target CD22", "haematology"),
     ("For my pharmacology notes: which patients was Marqibo intended for?", "pharmacology")],
)
def test_the_askers_own_setting_is_no_subject_word(question: str, setting: str) -> None:
    # The course or the shift the asker is on says where they are, not what they ask about.
    analysis = analyse(question, _project_glossary())
    assert setting not in analysis.subject
    assert rules().setting_words(question) == {setting}
    assert rules().setting_words("what does the pharmacology of blinatumomab say?") == frozenset()


def test_an_age_the_asker_states_does_not_ask_about_age() -> None:
    # "my 12-year-old": who is asked about; "how old" or "too old" asks about age.
    told = analyse("My 12-year-old has T-cell ALL and it has relapsed twice. What's out there for him?", _project_glossary())
    assert "age" not in told.types and told.conditions.age == (12.0, 12.0)
    assert "age" in analyse("Is a 12-year-old too old for it?", _project_glossary()).types


def test_an_age_the_asker_states_is_no_subject_word() -> None:
    # "68M": a 68-year-old man, who is asked about; the text never saying "68M" leaves nothing unanswered.
    analysis = analyse("68M r/r ALL, in CR2 - transplant reasonable?", _project_glossary())
    assert "68m" not in analysis.subject and analysis.conditions.age is not None


def test_what_can_you_do_asks_for_the_options() -> None:
    assert analyse("what can you do when it comes back", _project_glossary()).qtype == "overview"


def test_a_singular_of_a_type_word_the_pattern_makes_plural_is_no_subject() -> None:
    # "complications?" in the side-effects pattern covers "complication": it says what kind of question
    # this is, not what the text must discuss.
    from bot.glossary import Glossary

    a = analyse("Which liver complication is linked to inotuzumab?", Glossary())
    assert "side_effects" in a.types
    assert "complication" not in a.subject
    assert "linked" in a.subject  # (a word of the subject stays one)


def test_how_a_treatments_harm_shows_up_asks_its_side_effects_and_the_commonest_is_no_list() -> None:
    g = _project_glossary()
    a = analyse("My daughter started blinatumomab last week and I've been told to watch for nervous-system "
                "effects. Which ones show up most often?", g)
    assert "side_effects" in a.types and "diagnosis" not in a.types and "list" not in a.types
    # a relapse showing up is still how it is found
    assert analyse("How does a testicular relapse show up?", g).qtype == "diagnosis"
    # "which ones" without a superlative is still a list
    assert analyse("which ones are the newer drugs?", g).qtype == "list"


def test_what_to_watch_for_asks_for_the_risks() -> None:
    from bot.question import matching_types

    for q in ("anything about his liver we should be watching for?", "what should we watch out for with alphamab?",
              "what do we keep an eye on after the infusion?"):
        assert "side_effects" in matching_types(q), q
    assert "side_effects" not in matching_types("Should we watch the video about it?")


def test_managing_a_named_symptom_is_toxicity_management() -> None:
    from bot.question import matching_types

    for q in ("If someone on alphamab starts seizing or gets confused, what's the management?",
              "she had fits on the drug, how is that managed?"):
        assert "toxicity_management" in matching_types(q), q
    assert "toxicity_management" not in matching_types("I'm confused: how is CNS relapse managed?")


def test_a_question_no_type_rule_matches_is_marked_untyped() -> None:
    glossary = _project_glossary()
    for q in ("transplant?", "role of HSCT in relapsed ALL?", "what about blinatumomab"):
        a = analyse(q, glossary)
        assert a.untyped and a.qtype == "definition", q
    for q in ("What is blinatumomab?", "side effects of blinatumomab?"):
        assert not analyse(q, glossary).untyped, q


def test_what_is_done_for_a_site_asks_its_treatment() -> None:
    assert "site_treatment" in classify("Where else can it come back, and what's done for those sites?")


def test_a_ph_status_said_in_words_is_a_condition_not_a_subject_word() -> None:
    a = analyse("My husband has relapsed Philadelphia-positive B-cell ALL. What now?", _project_glossary())
    assert a.conditions.ph == frozenset({"+"}) and "positive" not in a.subject


@pytest.mark.parametrize("question", ["What is the path the text describes for someone like him?", "what's the usual route from here?",
                                      "what are the next steps for my dad?"])
def test_the_path_or_next_steps_ask_for_an_overview(question: str) -> None:
    assert analyse(question, _project_glossary()).qtype == "overview"


def test_what_it_is_and_who_gets_it_ask_a_definition_and_an_indication() -> None:
    types = analyse("rundown of blina - what it is, who gets it, tox?", _project_glossary()).types
    assert "definition" in types and "indication" in types


def test_which_ones_after_an_attribute_asks_of_it_not_for_the_options() -> None:
    g = _project_glossary()
    a = analyse("What side effects should staff look out for, and which ones are serious?", g)
    assert a.qtype == "side_effects" and "list" not in a.types
    assert analyse("What are the options now, and which ones are for kids?", g).qtype in ("overview", "list")


def test_prescribing_is_no_subject_however_rare() -> None:
    # "prescribe": what the doctors do with any drug, as "the doctors" themselves are (asker_words)
    a = analyse("Why can't doctors prescribe liposomal vincristine any more?", _project_glossary())
    assert a.subject.get("prescribe", 0.0) == 0.0 and a.focus == ["liposomal vincristine"]


def test_where_to_start_asks_no_place() -> None:
    assert "places" not in classify("my boy relapsed and there are so many treatments, where do I even start?")
    assert "location" not in classify("where do we begin with all this?")
    # ... nor "where do they differ?", which asks in what way
    assert "places" not in classify("Children vs adults: where do the therapies and the outlook diverge?")


def test_a_storys_word_for_something_out_of_scope_does_not_make_the_question_so() -> None:
    g = _project_glossary()
    story = ("He finished treatment last spring and was back at football. Now there is a lump in his testicle. "
             "How is a testicular relapse treated?")
    assert analyse(story, g).qtype != "out_of_scope"
    assert analyse("I love football. Who won the football yesterday?", g).qtype == "out_of_scope"


def test_words_addressing_the_reader_are_no_subject() -> None:
    a = analyse("bro what's the deal with leukemia coming back in the balls?", _project_glossary())
    assert "bro" not in a.subject and a.focus == ["testes"]


def test_donors_asked_beside_another_aspect_are_a_part_of_their_own() -> None:
    assert "donor" in classify("alloHSCT in relapsed ALL: donor options and age limits?")
    assert "donor" in classify("Role of allo-HSCT - donor hierarchy and any age cut-off?")
    # ... not a donor named as what a product is not made from
    assert "donor" not in classify("Is Kymriah made from the patient's own cells, or from a donor?")


def test_labelled_or_licensed_for_a_group_asks_who_it_is_for() -> None:
    for q in ("Is Besponsa labeled for pediatric R/R B-ALL, or adults only?", "is blina licensed for kids?",
              "Is inotuzumab labelled for children?"):
        assert "indication" in classify(q), q


def test_a_spouse_called_hubby_and_an_ought_are_no_subject_of_the_question() -> None:
    a = analyse("Hubby's just been started on inotuzumab. Is there anything about it and the liver I ought to know?",
                _project_glossary())
    assert not {"hubby", "hubby's", "ought"} & set(a.subject), a.subject


def test_allo_and_a_sib_are_the_glossary_s_transplant_and_sibling() -> None:
    g = _project_glossary()
    assert [m.term for m in g.mentions("heading to allo. no matched sib")] == ["stem cell transplantation", "hla-matched sibling"]


def test_the_best_one_for_a_named_person_is_asking_for_advice() -> None:
    for q in ("which one of those is the best one for my daughter shes twelve", "what's the right choice for my son?",
              "which drug is best for me?"):
        assert classify(q)[0] == "advice", q
    assert classify("which is the best treatment for children?")[0] != "advice"  # a group, not a person


def test_other_myeloid_leukemias_are_conditions_the_glossary_knows() -> None:
    g = _project_glossary()
    assert [m.term for m in g.mentions("what about AML tho, same stuff like blincyto?") if m.kind == "condition"] == ["acute myeloid leukemia"]
    assert [m.term for m in g.mentions("is CML treated the same way?") if m.kind == "condition"] == ["chronic myeloid leukemia"]


def test_the_best_real_chance_asks_for_the_best() -> None:
    assert classify("Which of those gives her the best real chance of a cure?")[0] == "superlative"
    assert classify("what's our best realistic option now?")[0] == "superlative"


def test_most_freq_asks_the_commonest_and_freq_alone_asks_how_often() -> None:
    # "most freq neuro AEs?" is corrected to "most frequency ...": the commonest, not a schedule.
    assert classify("blina - most frequency neuro AEs?")[0] == "commonest"
    assert classify("frequency of IT MTX?")[0] == "frequency"


def test_how_the_text_knows_a_risk_is_no_subject_of_the_question() -> None:
    # "Is liver toxicity a recognised risk with inotuzumab?": whether the text says it, not a "recognised" thing.
    for word in ("recognised", "recognized", "documented", "established", "reported"):
        a = analyse(f"Is liver toxicity a {word} risk with inotuzumab?", _project_glossary())
        assert word not in a.subject, (word, a.subject)
