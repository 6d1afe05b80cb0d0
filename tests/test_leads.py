"""bot/leads.py: which option leads an options answer, on hand-made evidence."""

from pathlib import Path

from bot.evidence import Evidence
from bot.glossary import Glossary
from bot.leads import fitting, only_for, order, topical
from bot.question import analyse

GLOSSARY = Glossary.load(Path(__file__).parent / "fixtures" / "glossary.json")


def _ev(row: int, text: str, kind: str = "prose", own: list[str] | None = None, condition: float = 0.0) -> Evidence:
    return Evidence(row, 0, 0, len(text), 0, kind, text, own=own or [], condition=condition)


def test_the_options_keep_the_texts_order_when_nothing_asks_otherwise() -> None:
    chosen = [_ev(1, "Radiation therapy is used for the involved site.", own=["radiation therapy"]),
              _ev(2, "Alphamab is available for adults.", own=["alphamab"])]
    assert order(chosen, analyse("what are the options?", GLOSSARY), [], set(), GLOSSARY) == chosen


def test_after_one_drug_is_set_aside_another_drug_leads() -> None:
    therapy = _ev(1, "Radiation therapy is used for the involved site.", own=["radiation therapy"])
    drug = _ev(2, "Betacel is available for adults.", own=["betacel"])
    led = order([therapy, drug], analyse("what else is there?", GLOSSARY), [], {"alphamab"}, GLOSSARY)
    assert led == [drug, therapy]


def test_asked_whom_each_is_for_a_sentence_saying_whom_leads() -> None:
    outcome = _ev(1, "Chemotherapy helps the majority of children and a third of adults.")
    indication = _ev(2, "Betacel is available for adults with relapsed disease.", own=["betacel"])
    led = order([outcome, indication], analyse("which drugs are for which patients?", GLOSSARY), [], set(), GLOSSARY)
    assert led[0] is indication


def test_the_option_stating_the_askers_conditions_leads() -> None:
    other = _ev(1, "Alphamab is given in hospital.", own=["alphamab"])
    fitting = _ev(2, "Betacel is for children.", own=["betacel"], condition=1.0)
    led = order([other, fitting], analyse("options for my 8 year old son?", GLOSSARY), [], set(), GLOSSARY)
    assert led[0] is fitting


def test_asked_for_a_group_a_sentence_saying_whom_leads_but_not_for_a_group_in_the_story() -> None:
    # Both state "adults"; asked which apply to adults, the one saying whom it is for leads.
    outcome = _ev(1, "Chemotherapy helps the majority of children and a third of adults.", condition=1.0)
    indication = _ev(2, "Betacel is available for adults with relapsed disease.", own=["betacel"], condition=1.0)
    asked = analyse("Which treatments apply to adults?", GLOSSARY)
    assert order([outcome, indication], asked, [], set(), GLOSSARY)[0] is indication
    # A story's age ("my sister is 34") asks for no group: the text's order stands.
    story = analyse("My sister is 34 and it is back. What are the options now?", GLOSSARY)
    assert story.conditions and order([outcome, indication], story, [], set(), GLOSSARY)[0] is outcome


def test_whom_the_answer_is_for_is_no_condition_of_the_patient() -> None:
    for q in ("how do i explain to my 10 yr old what the doctors might do now", "what can they do, in words a 10-year-old would understand?",
              "explain the options like I'm 10"):
        assert analyse(q, GLOSSARY).conditions.age is None, q
    assert analyse("what are the options for my 10 yr old?", GLOSSARY).conditions.age == (10.0, 10.0)


def test_a_listing_keeps_the_items_fitting_the_askers_conditions_and_says_so() -> None:
    intro = _ev(1, "Other agents have been available, but their benefit is unproven.", kind="lead_in")
    adults = _ev(2, "Gammacine: for adults after 2 regimens", kind="item", condition=-1.0)
    kids = _ev(3, "Deltarabine: for patients age 1 to 21 years", kind="item", condition=1.0)
    lineage = _ev(4, "Epsilonine: for T-cell disease", kind="item")
    kept, note = fitting([intro, adults, kids, lineage], analyse("which of those is for kids?", GLOSSARY))
    # The one item that fits leads; the sentence introducing the list says what it is among.
    assert kept == [kids, intro] and note == "Of the items the text lists, only this one fits children."
    # None stating the asker's conditions: those not excluding the asker, in the text's order.
    kept, note = fitting([intro, adults, _ev(3, "Deltarabine: for relapsed disease", kind="item"), lineage],
                         analyse("which of those is for kids?", GLOSSARY))
    assert [e.row for e in kept] == [1, 3, 4] and note == "Only the items that fit children are listed."
    # Conditions told in a story before the question ("my daughter has an exam") filter nothing.
    told = analyse("My daughter has a pharmacology exam. What examples does it give?", GLOSSARY)
    assert told.conditions and fitting([intro, adults, kids, lineage], told) == ([intro, adults, kids, lineage], "")


def test_a_broad_question_asking_one_thing_more_leads_with_the_sentence_answering_it() -> None:
    intro = _ev(1, "Betacel is a CD19-directed drug for adults.", own=["betacel"])
    harm = _ev(2, "Life-threatening toxicities may include cytokine release syndrome.")
    common = _ev(3, "The most common symptoms after betacel are headache and tremor.", own=["betacel"])
    intro.score, harm.score, common.score = 0.7, 0.9, 1.0
    one_more = analyse("what happens after betacel, what are its most common side effects?", GLOSSARY)
    assert one_more.qtype == "overview" and topical([intro, harm, common], one_more) == [common, intro, harm]
    # Nothing more asked, or a tour of several things: the text's order.
    assert topical([intro, harm, common], analyse("what happens after betacel?", GLOSSARY)) == [intro, harm, common]
    tour = analyse("Tell me about betacel: how it works, who it's for, and its risks.", GLOSSARY)
    assert topical([intro, harm, common], tour) == [intro, harm, common]


def test_asked_about_two_things_a_sentence_on_both_leads() -> None:
    one = _ev(1, "Alphamab is available for adults.", own=["alphamab"])
    other = _ev(2, "Betacel is available for children.", own=["betacel"])
    both = _ev(3, "Alphamab raises the mortality after betacel.", own=["alphamab", "betacel"])
    analysis = analyse("anything on alphamab and betacel?", GLOSSARY)
    assert order([one, other, both], analysis, ["alphamab", "betacel"], set(), GLOSSARY)[0] is both
    # no sentence on both: the text's order
    assert order([one, other], analysis, ["alphamab", "betacel"], set(), GLOSSARY) == [one, other]


def test_asked_whats_new_the_sentence_calling_a_kind_of_treatment_new_leads() -> None:
    chemo = _ev(1, "A new round of chemotherapy may induce a second remission.", own=["chemotherapy"])
    fresh = _ev(2, "New immunotherapy approaches show impressive results.", own=["immunotherapy"])
    g = Glossary([*GLOSSARY.entries, *Glossary.load(Path(__file__).parent.parent / "corpus" / "glossary.json").entries])
    assert order([chemo, fresh], analyse("whats new in treating relapse", g), [], set(), g)[0] is fresh
    # not asked what is new: the text's order
    assert order([chemo, fresh], analyse("what are the options?", g), [], set(), g)[0] is chemo


def test_the_texts_list_leads_a_list_asked_for_but_follows_what_it_introduces_when_asked_to_explain() -> None:
    intro = _ev(1, "New fixture therapies show impressive results in relapsed disease.")
    lead_in = _ev(2, "Available fixture therapies for relapsed disease include", kind="lead_in")
    drug = _ev(3, "Alphamab is available for adults.", own=["alphamab"])
    listed = order([intro, lead_in, drug], analyse("list the fixture therapies", GLOSSARY), [], set(), GLOSSARY)
    assert listed[0] is lead_in
    explained = order([intro, lead_in, drug], analyse("explain the fixture therapies in plain terms", GLOSSARY), [], set(), GLOSSARY)
    assert explained[:2] == [intro, lead_in]
    # A list asked with something more of its members ("... and how well do they work?"): what it introduces first.
    more = analyse("what are the fixture therapies and how well do they work?", GLOSSARY)
    assert "list" in more.types and order([intro, lead_in, drug], more, [], set(), GLOSSARY)[:2] == [intro, lead_in]


def test_asked_one_attribute_of_the_options_the_first_sentence_stating_it_leads_not_one_naming_it_in_passing() -> None:
    passing = _ev(1, "Engineered fixture cells induce remission in relapsed ALL with remarkable efficacy, albeit with significant toxicity.")
    stated = _ev(2, "Life-threatening toxicities may include cytokine release syndrome.", own=["alphamab"])
    other = _ev(3, "Betacel may cause toxicity of the liver.", own=["betacel"])
    asked = analyse("what are the side effects of the treatments?", GLOSSARY)
    assert "side_effects" in asked.types
    assert order([passing, stated, other], asked, [], set(), GLOSSARY)[0] is stated
    # Asked of the one it is about, the sentence stands first; asked several things, the text's order.
    about = _ev(1, passing.text, own=["alphamab"])
    assert order([about, stated], analyse("what are the side effects of alphamab?", GLOSSARY), ["alphamab"], set(), GLOSSARY)[0] is about
    # ... but asked of it among others, the sentence stating the attribute leads
    both = analyse("what side effects do alphamab and betacel have?", GLOSSARY)
    assert order([about, stated], both, ["alphamab", "betacel"], set(), GLOSSARY)[0] is stated
    several = analyse("the fixture therapies: products, eligibility, toxicity", GLOSSARY)
    assert order([passing, stated, other], several, [], set(), GLOSSARY)[0] is passing


def test_asked_what_a_things_paragraph_states_the_first_sentence_stating_it_leads() -> None:
    intro = _ev(1, "Alphamab, a CD19-directed antibody, prolongs survival for adults.", own=["alphamab"])
    harm = _ev(2, "Life-threatening toxicities may include cytokine release syndrome and seizures.")
    stop = _ev(3, "Interrupting alphamab may be necessary.", own=["alphamab"])
    asked = analyse("alphamab side effects n what do they do if pt has seizures on it", GLOSSARY)
    assert topical([intro, harm, stop], asked)[0] is harm
    # A tour of its aspects keeps the text's order.
    tour = analyse("Alphamab rundown: what it is, who gets it, main toxicities, how they're handled.", GLOSSARY)
    assert topical([intro, harm, stop], tour) == [intro, harm, stop]
    # Two asks of what its paragraph states (the toxicities, how they are handled): the first stating one leads.
    both = analyse("What serious toxicities are described for alphamab, and how are they handled?", GLOSSARY)
    assert topical([intro, harm, stop], both)[0] is harm


def test_of_options_fitting_as_well_the_one_for_the_askers_lineage_leads() -> None:
    intro = _ev(1, "Other agents have been available, but their benefit is unproven.", kind="lead_in")
    adults = _ev(2, "Gammacine: for adults with Ph- ALL in at least 2nd relapse", kind="item", condition=-1.0)
    kids = _ev(3, "Deltarabine: for patients age 1 to 21 years after ≥ 2 prior regimens", kind="item", condition=1.0)
    tcell = _ev(4, "Epsilonine: for T-cell ALL that has relapsed after ≥ 2 prior regimens", kind="item", condition=1.0)
    asked = analyse("my kid has t cell all n its relapsed twice now what meds r left", GLOSSARY)
    kept, note = fitting([intro, adults, kids, tcell], asked)
    assert kept[0] is tcell and adults not in kept and note, (kept, note)
    assert topical([kids, tcell], asked)[0] is tcell
    # No lineage asked: the text's order among those fitting as well.
    assert topical([kids, tcell], analyse("my kid relapsed twice now, what meds are left", GLOSSARY))[0] is kids


def test_asked_of_one_site_a_sentence_listing_every_site_does_not_lead() -> None:
    listing = _ev(1, "Leukemic cells may reappear in the CNS, testes, or other sites.", own=["central nervous system", "testes"])
    ominous = _ev(2, "Testicular relapse is rarely painful.", own=["testes"])
    analysis = analyse("what does the text say about testicular relapse, how serious it is and what helps?", GLOSSARY)
    assert topical([listing, ominous], analysis, GLOSSARY) == [ominous, listing]
    # Without a site asked, the text's order stands.
    assert topical([listing, ominous], analyse("what does the text say about relapse, and what helps?", GLOSSARY), GLOSSARY)[0] is listing


def test_asked_for_the_options_of_a_class_what_its_list_introduces_leads_the_list() -> None:
    intro = _ev(1, "New fixture antibodies show impressive results in relapsed disease.", own=["fixture antibodies"])
    lead_in = _ev(2, "Available fixture antibodies include", kind="lead_in", own=["fixture antibodies"])
    item = _ev(3, "Alphamab", kind="item", own=["alphamab"])
    options = order([intro, lead_in, item], analyse("What fixture antibody options are there?", GLOSSARY), ["fixture antibodies"], set(), GLOSSARY)
    assert options[0] is intro
    listed = order([intro, lead_in, item], analyse("List the fixture antibodies", GLOSSARY), ["fixture antibodies"], set(), GLOSSARY)
    assert listed[0] is lead_in


def test_asked_which_are_the_most_common_the_sentence_naming_the_commonest_leads() -> None:
    risk = _ev(1, "Life-threatening toxicities may include cytokine release syndrome.", own=["alphamab"])
    common = _ev(2, "The most common neurologic symptoms after alphamab use are headache and tremor.", own=["alphamab"])
    led = order([risk, common], analyse("Which side effects of the fixture antibodies are the most common?", GLOSSARY), ["fixture antibodies"], set(), GLOSSARY)
    assert led[0] is common


def test_options_only_for_a_group_keep_those_whose_stated_ages_leave_the_other_group_out() -> None:
    both = _ev(1, "Alphamab helps children and adults with relapsed disease.", own=["alphamab"])
    adults = _ev(2, "Betacel is available for adults with relapsed disease.", own=["betacel"])
    young = _ev(3, "Gammacel is for patients up to 25 years of age.", own=["gammacel"])
    anyone = _ev(4, "Radiation therapy is used for the involved site.", own=["radiation therapy"])
    options = [both, adults, young, anyone]
    kept, note = only_for(options, analyse("which treatments are only for adults?", GLOSSARY))
    assert kept == [adults] and "adults" in note
    assert only_for(options, analyse("which are for adults only?", GLOSSARY))[0] == [adults]
    # (no upper age asked: an upper age of its own is what keeps the other group out)
    assert only_for(options, analyse("which ones are just for kids?", GLOSSARY))[0] == [young]
    # "only" said of something else, or no "only": every option, no note.
    assert only_for(options, analyse("which treatments are for adults?", GLOSSARY)) == (options, "")
    assert only_for(options, analyse("my son is 5, is it just more chemo?", GLOSSARY)) == (options, "")


def test_asked_about_one_thing_a_sentence_about_it_leads_not_one_before_it_in_the_text() -> None:
    near = _ev(1, "Antibodies bring T cells close to the blasts.", own=["antibodies"])
    about = _ev(2, "Betacel cells are engineered from the patient's T cells.", own=["betacel"])
    analysis = analyse("explain betacel cells to me", GLOSSARY)
    assert order([near, about], analysis, ["betacel"], set(), GLOSSARY)[0] is about
    # no sentence about it: the text's order
    assert order([near], analysis, ["betacel"], set(), GLOSSARY) == [near]
