"""Which questions widen into an overview, read from the question and the fixture glossary."""

from __future__ import annotations

import pytest


def _analysis(engine, question: str):  # noqa: ANN202
    a = engine.answerer
    return a.understand(a.clean(question).text).analysis


def test_a_choice_or_one_ask_does_not_widen(engine) -> None:
    ov = engine.answerer.overviews.breadth
    assert not ov.broadens(_analysis(engine, "Which is used for children, alphamab or betacel?"))
    assert not ov.broadens(_analysis(engine, "What is the dose of methotrexate for CNS relapse?"))
    assert not ov.broadens(_analysis(engine, "What does alphamab target?"))


def test_a_treatment_named_as_what_came_before_is_not_asked_about(engine) -> None:
    ov = engine.answerer.overviews.breadth
    assert ov.named(_analysis(engine, "It came back after alphamab. Tell me about betacel")) == ["betacel"]


def test_asked_for_the_options_a_treatment_that_failed_came_before(engine) -> None:
    b = engine.answerer.overviews.breadth
    asked = _analysis(engine, "what are all the options when alphamab doesn't work anymore")
    assert b.before(asked) == {"alphamab"} and b.options(asked, set())
    # Asked about the treatment itself, it is the subject.
    assert b.before(_analysis(engine, "Alphamab didn't work the first time, so is there any point giving it again?")) == set()


def test_options_asked_head_first_widen_but_one_drug_described_does_not(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "options for relapsed disease"))
    assert b.broadens(_analysis(engine, "Tell me about alphamab and betacel"))
    assert b.options(_analysis(engine, "What are the treatment options?"), set())
    assert b.options(_analysis(engine, "T-cell relapse, what then?"), set())
    assert b.options(_analysis(engine, "what can u do when it comes back"), set())
    assert not b.options(_analysis(engine, "What are the treatment options with alphamab?"), set())


def test_medicines_asked_for_a_disease_or_group_are_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.options(_analysis(engine, "Agents for relapsed disease?"), set())
    assert b.options(_analysis(engine, "what drugs are there for children?"), set())
    # Drugs said of the text ("in here"), or a kind of agent asked about, are not the options asked for.
    assert not b.options(_analysis(engine, "Some drugs in here were approved on response rates alone."), set())
    assert not b.options(_analysis(engine, "Run me through the CD19-directed agents for relapse."), set())


def test_several_asks_about_nothing_named_do_not_widen(engine) -> None:
    b = engine.answerer.overviews.breadth
    q = "how does the pill cause it and what is the minimum amount, is there one that will not?"
    assert not b.broadens(_analysis(engine, q))


def test_the_thing_asked_for_is_not_a_subject_to_tour(engine) -> None:
    b = engine.answerer.overviews.breadth
    # "... combined with which betacel regimen?": what is asked for is the answer sought, not a second subject.
    assert b.named(_analysis(engine, "Alphamab is combined with which betacel regimen?")) == ["alphamab"]
    assert not b.tour(_analysis(engine, "Alphamab is combined with which betacel regimen?"))
    assert b.named(_analysis(engine, "Tell me about alphamab and betacel")) == ["alphamab", "betacel"]


def test_a_topic_with_its_aspects_listed_widens(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "Betacel in relapsed disease: indications, dosing, side effects."))
    assert not b.broadens(_analysis(engine, "Betacel: side effects?"))


def test_the_treatments_asked_for_or_a_topic_with_what_the_text_says_widen(engine) -> None:
    b = engine.answerer.overviews.breadth
    treatments = _analysis(engine, "what are the treatments")  # asked in the overview's own words now
    assert treatments.qtype == "overview" or b.broadens(treatments)
    assert b.broadens(_analysis(engine, "Prognosis after relapse: what does the section say?"))
    assert not b.broadens(_analysis(engine, "what are the treatments for CNS relapse"))


def test_a_broad_question_about_one_attribute_is_no_summary_of_everything(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.is_summary(_analysis(engine, "Summarize this text"))
    attribute = _analysis(engine, "Summarize the side effects")
    assert not b.is_summary(attribute) and not b.about_everything(attribute)


def test_three_or_more_compared_is_a_description_of_each_but_two_are_compared(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "Compare the options: alphamab vs betacel vs gammastat."))
    assert not b.broadens(_analysis(engine, "Compare alphamab vs betacel."))
    assert not b.broadens(_analysis(engine, "is alphamab safer than betacel or gammastat?"))


def test_options_compared_across_conditions_are_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "B vs T lineage relapse: how do the options differ?"))
    assert b.options(_analysis(engine, "B- vs T-lineage relapse: which agents apply to each?"), set())
    assert not b.broadens(_analysis(engine, "How does alphamab differ from betacel?"))


def test_an_ask_after_a_dash_is_an_ask_of_its_own() -> None:
    from bot.breadth_words import ASK_CLAUSE

    assert len(ASK_CLAUSE.findall("Tell me about alphamab — how it works, who it's for")) == 2
    assert len(ASK_CLAUSE.findall("alphamab – what is it")) == 1


def test_a_mark_picks_the_options_of_an_overview_as_of_a_list(engine) -> None:
    b = engine.answerer.overviews.breadth
    q = "Summarize the options that can cause liver damage"
    analysis = _analysis(engine, q)
    assert analysis.qtype == "overview" and b.marks(analysis) == {"hepatotoxicity"}
    a = engine.session().ask(q)
    assert a.citations and all("Alphamab" not in c.quote for c in a.citations)


def test_options_matched_to_patients_are_each_option_with_whom_it_is_for(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.attribute_wide(_analysis(engine, "Which drugs are for which patients?"))
    assert not b.attribute_wide(_analysis(engine, "Which drugs are for children?"))


def test_which_ones_fit_an_asker_widens_into_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "which ones r for kids"))
    assert not b.broadens(_analysis(engine, "which one is for kids, alphamab or betacel?"))


def test_a_terse_message_with_a_word_for_the_options_widens(engine) -> None:
    b = engine.answerer.overviews.breadth
    for terse in ("relapsed disease tx", "kid relapsed, choices", "latest treatments?", "second time it came back. whats left"):
        assert b.broadens(_analysis(engine, terse)), terse
    # a question of a sentence's form, or one naming a treatment, asks for one thing
    assert not b.broadens(_analysis(engine, "For a relapse confined to one testicle, what is the treatment?"))
    assert not b.broadens(_analysis(engine, "alphamab treatment"))
    assert not b.broadens(_analysis(engine, "relapse"))  # no word for the options


def test_one_thing_asked_back_is_a_single_choice(engine) -> None:
    from bot.breadth import single_choice

    assert single_choice(_analysis(engine, "It's the antibody with the liver problem. Which drug was that?"), "antibodies")
    assert not single_choice(_analysis(engine, "Which drugs are antibodies?"), "antibodies")


def test_a_class_said_of_a_member_it_names_is_no_class_asked_about(class_engine) -> None:  # noqa: ANN001
    # "the fixture antibody drug alphamab" is about alphamab: no options of the class to list.
    breadth = class_engine.answerer.overviews.breadth
    assert not breadth.has_class(_analysis(class_engine, "how old is too old for the fixture antibody drug alphamab"))
    assert breadth.has_class(_analysis(class_engine, "how old is too old for the fixture antibodies"))


def test_a_class_asked_of_in_the_plural_asks_of_each_member(class_engine) -> None:  # noqa: ANN001
    breadth = class_engine.answerer.overviews.breadth
    # The class in the plural, or as a kind of agents, with none of its members named.
    assert breadth.plural(_analysis(class_engine, "target antigens of the fixture antibody agents?"))
    assert breadth.plural(_analysis(class_engine, "what do the fixture antibodies target?"))
    assert breadth.broadens(_analysis(class_engine, "what do the fixture antibodies target?"))
    # One of them, a member named beside it, or the class told of in a story before the question: not.
    assert not breadth.plural(_analysis(class_engine, "what does the fixture antibody target?"))
    assert not breadth.plural(_analysis(class_engine, "how do fixture antibodies like alphamab work?"))
    assert not breadth.plural(_analysis(class_engine, "We read about fixture antibodies. Does that approach work?"))



def test_one_treatment_asked_about_then_what_else_is_the_rest_of_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.besides_asked(_analysis(engine, "Is alphamab an option, and what else is there?")) == "alphamab"
    assert b.besides_asked(_analysis(engine, "What is alphamab, and what other treatments are there?")) == "alphamab"
    # Set aside in words ("besides alphamab") or asked alone: not this.
    assert b.besides_asked(_analysis(engine, "What else is there besides alphamab?")) is None
    assert b.besides_asked(_analysis(engine, "What is alphamab?")) is None
    # The answer: what the text says of alphamab first, then the options besides it, none of alphamab's again.
    quotes = [c.quote for c in engine.session().ask("Is alphamab an option, and what else is there?").citations]
    alphamab = ("Alphamab, a CD19", "Life-threatening toxicities", "The most common symptoms after alphamab")
    assert quotes[0].startswith(alphamab) and quotes[1].startswith("Betacel, a CD22-directed conjugate")
    assert not any(q.startswith(alphamab) for q in quotes[1:])


def test_a_treatment_the_asker_cannot_have_asks_the_rest_of_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.besides_asked(_analysis(engine, "What if she is too sick for alphamab?")) == "alphamab"
    assert b.besides_asked(_analysis(engine, "And if I can't have alphamab?")) == "alphamab"
    assert b.besides_asked(_analysis(engine, "What if he is not fit for alphamab?")) == "alphamab"
    # An age is a condition the text states: whether one is "too old for it" is asked of the treatment.
    assert b.besides_asked(_analysis(engine, "Is he too old for alphamab?")) is None
    assert b.besides_asked(_analysis(engine, "Is she too sick after alphamab?")) is None
    # The answer: alphamab's sentences, then the options besides it (a list, not what alphamab's paragraph says).
    quotes = [c.quote for c in engine.session().ask("What if she is too sick for alphamab?").citations]
    assert any(q.startswith("Betacel, a CD22-directed conjugate") for q in quotes[1:])


def test_the_rest_of_the_options_leaves_out_what_the_last_answer_just_said(engine) -> None:
    session = engine.session()
    said = {c.quote for c in session.ask("What are the side effects of alphamab?").citations}
    assert "Life-threatening toxicities may include cytokine release syndrome (eg, fever and hypotension)." in said
    quotes = [c.quote for c in session.ask("And if I can't have alphamab, what else is there?").citations]
    # Asked alone, alphamab's answer would lead (the test above); just said, the rest of the options lead.
    assert quotes[0].startswith("Betacel, a CD22-directed conjugate") and not said & set(quotes)


def test_a_word_asked_about_is_a_theme_but_a_common_word_is_not(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.theme(_analysis(engine, "what does the text say about survival?"))
    assert not b.theme(_analysis(engine, "tell me more about the other ones"))  # words as common as "other"
    assert not b.theme(_analysis(engine, "what is survival?"))  # no account asked
    assert not b.theme(_analysis(engine, "tell me about alphamab"))  # a glossary subject has its own account


def test_which_one_asks_for_one_not_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    a = _analysis(engine, "It came back after two different treatments. Of the drugs for relapse, which one is meant for children?")
    assert a.qtype != "overview" and not b.broadens(a)
    assert b.broadens(_analysis(engine, "Which of the drugs are for children?"))


def test_a_plural_noun_after_a_class_name_asks_for_several_members(class_engine) -> None:  # noqa: ANN001
    from bot.breadth import single_choice

    one = _analysis(class_engine, "Which fixture antibody is for adults?")
    several = _analysis(class_engine, "Which fixture antibody therapies are for adults?")
    assert single_choice(one, "fixture antibodies") and not single_choice(several, "fixture antibodies")


def test_which_member_of_a_class_is_for_a_group_picks_the_one_whose_sentence_states_it(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    from bot.question import classify

    assert classify("which CAR-T is for kids")[0] == "indication"
    text = ("Chimeric antigen receptor T (CAR-T) cells induce remission in patients with relapsed ALL with remarkable efficacy.\n\n"
            "Tisagenlecleucel, a CD19-directed T-cell immunotherapy, is available for patients up to 25 years of age with relapsed ALL. "
            "Life-threatening toxicities may include cytokine release syndrome.\n\n"
            "Brexucabtagene autoleucel, a CD19-directed T cell immunotherapy, can be used to treat adult patients with relapsed ALL. "
            "Complications may be life threatening.")
    engine = one_page(tmp_path, fake_embedder, text)
    kids = engine.session().ask("which CAR-T is for kids")
    adults = engine.session().ask("which CAR-T is for adults")
    assert kids.citations[0].quote.startswith("Tisagenlecleucel"), kids.answer
    assert adults.citations[0].quote.startswith("Brexucabtagene"), adults.answer
    # "Is there a CAR-T for a 40-year-old?" asks for one too: yes, the one whose sentence fits.
    forty = engine.session().ask("is there a CAR-T for a 40 year old?")
    assert not forty.abstained and forty.citations[0].quote.startswith("Brexucabtagene"), forty.answer


def test_a_yes_no_question_followed_by_two_more_asks_them_all(engine) -> None:  # noqa: ANN001
    a = engine.answerer
    breadth = a.overviews.breadth

    def broad(q: str) -> bool:
        return breadth.broadens(a.understand(a.clean(q).text).analysis)

    assert broad("Can it come back in the CNS? How would we even know, and what would they do about it?")
    assert not broad("Can it come back in the CNS?")
    assert not broad("Is alphamab for adults, and who else can get it?")  # one more ask: the yes/no decides


def test_which_treatments_fit_an_asker_widen_though_a_treatment_is_named_as_what_came_before(engine) -> None:
    b = engine.answerer.overviews.breadth
    asked = _analysis(engine, "I'm 45 and it relapsed after alphamab. Which of these treatments are actually meant for adults like me?")
    assert b.before(asked) == {"alphamab"} and b.broadens(asked)


def test_three_asks_about_one_subject_count_is_anyone_as_an_ask(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "When is a transplant used, who can be the donor, and is anyone considered too old?"))


def test_whether_the_treatment_depends_on_the_site_asks_each_sites_treatment(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "Where in the body can it come back, and does the treatment depend on the site?"))
    assert not b.broadens(_analysis(engine, "Where in the body can it come back?"))


def test_two_sites_set_side_by_side_ask_each_sites_paragraph(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "CNS vs testicular relapse - mx?"))
    assert not b.broadens(_analysis(engine, "Is CNS relapse more common than testicular relapse?"))


def test_what_they_offer_instead_of_a_treatment_asks_the_rest(engine) -> None:
    b = engine.answerer.overviews.breadth
    asked = _analysis(engine, "He is 72. Is a transplant normal, and what might they offer someone his age instead?")
    assert b.besides_asked(asked) == "stem cell transplantation"


def test_what_options_that_leaves_asks_the_rest(engine) -> None:
    b = engine.answerer.overviews.breadth
    asked = _analysis(engine, "Why is a transplant not usually done at his age, and what options does that leave for someone older?")
    assert b.besides_asked(asked) == "stem cell transplantation"


def test_other_parts_of_the_body_are_the_other_sites() -> None:
    from bot.breadth_words import EACH_SITE
    from bot.follow_words import OTHER_SITES

    text = "what else should I know about relapse in other parts of the body?"
    assert EACH_SITE.search(text) and OTHER_SITES.search(text)


def test_anything_newer_asks_the_options_not_a_summary(engine) -> None:
    b = engine.answerer.overviews.breadth
    newer = _analysis(engine, "is there anything newer?")
    assert b.options(newer, set()) and not b.is_summary(newer)
    assert b.is_summary(_analysis(engine, "summarise the text"))


def test_are_there_newer_treatments_asks_the_ones_there_are(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.broadens(_analysis(engine, "Are there newer treatments for relapsed disease than just more chemo?"))
    assert not b.broadens(_analysis(engine, "Is there a dose for alphamab?"))


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what is the meaning of relapse, and what can be done?", True),
        ("explain what that means and what happens next", True),
        ("what are the options for refractory ALL, meaning disease that didn't respond?", False),  # a gloss
    ],
)
def test_meaning_asked_for_is_not_a_gloss(text: str, asks: bool) -> None:
    from bot.breadth_words import MEANING

    assert bool(MEANING.search(text)) is asks


@pytest.mark.parametrize(
    "text",
    ["Transplant in relapsed ALL: indications, donors, age limits.",
     "quick rundown of blina pls - what it is, who gets it, does it work, tox?"],  # four aspects after a dash
)
def test_a_topic_then_three_or_more_aspects_is_a_tour_of_aspects(text: str) -> None:
    from bot.breadth_words import ASPECTS

    assert ASPECTS.match(text)


def test_whom_each_named_treatment_is_for_is_a_tour(engine) -> None:
    b = engine.answerer.overviews.breadth
    each = _analysis(engine, "Please go through alphamab, betacel and gammastat and tell me what each is indicated for.")
    assert each.qtype == "indication" and b.tour(each)
    # Whom one of them is for, asked as a choice, is not.
    assert not b.tour(_analysis(engine, "Who is indicated for alphamab or betacel?"))


def test_what_the_information_says_about_one_subject_is_its_account(engine) -> None:
    b = engine.answerer.overviews.breadth
    # "the information", "the leaflet": what is being read, as "the text" is
    for reader in ("information", "leaflet", "material"):
        assert b.broadens(_analysis(engine, f"What does the {reader} say about alphamab for someone his age?")), reader
    assert not b.broadens(_analysis(engine, "What does his doctor say about alphamab for someone his age?"))


def test_two_compared_on_three_aspects_or_more_is_a_description_of_each(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.tour(_analysis(engine, "Compare alphamab and betacel: target, who they're for and main toxicities."))
    assert not b.tour(_analysis(engine, "Compare the toxicities of alphamab and betacel."))  # one aspect: the table


def test_a_class_named_with_a_plural_noun_of_its_own_asks_for_its_members(class_engine) -> None:
    # "the immunotherapy things", "the antibody ones": the class's members, as "the antibody agents" asks
    b = class_engine.answerer.overviews.breadth
    assert b.plural(_analysis(class_engine, "what are the new fixture antibody things for relapsed disease"))
    assert not b.plural(_analysis(class_engine, "what does the fixture antibody do"))


def test_agents_or_medications_picked_by_a_mark_are_the_options(engine) -> None:
    b = engine.answerer.overviews.breadth
    assert b.marks(_analysis(engine, "Which agents can cause cytokine release syndrome or liver damage?")) == {
        "cytokine release syndrome", "hepatotoxicity"}
    assert b.marks(_analysis(engine, "Which medications can cause liver damage?")) == {"hepatotoxicity"}
    assert not b.marks(_analysis(engine, "Can betacel cause liver damage?"))


def test_each_other_and_one_another_ask_for_nothing_else() -> None:
    from bot.breadth_words import OTHER

    # "does it rank them against each other?" compares what was named; "what other options?" asks for more
    assert not OTHER.search("Does it rank them against each other anywhere?")
    assert not OTHER.search("how do they compare with one another")
    assert OTHER.search("what other options are there?") and OTHER.search("anything other than chemo?")


def test_treatments_named_as_guesses_before_asking_for_more_are_not_what_is_asked_about(engine) -> None:
    # "chemo again, transplant, anything new?": the options, not those two only.
    b = engine.answerer.overviews.breadth
    guesses = _analysis(engine, "what are the options now? alphamab again, a transplant, anything new?")
    assert b.named(guesses) == [] and b.guessed(guesses, guesses.focus) == set(guesses.focus) == {"alphamab", "stem cell transplantation"}
    # named without asking for more, or after it, they are what is asked about
    assert b.named(_analysis(engine, "what are the options now? alphamab again or a transplant?"))
    assert b.named(_analysis(engine, "anything new? or is it alphamab again?")) == ["alphamab"]


def test_what_happens_when_it_comes_back_asks_what_it_means_then_the_options(engine) -> None:  # noqa: ANN001
    b = engine.answerer.overviews.breadth
    for question in ("What happens when the disease relapses?", "what happens if it comes back?"):
        assert b.options(_analysis(engine, question), set()), question
    # About something in particular, it asks about that, not for the options.
    assert not b.options(_analysis(engine, "what happens when a patient gets cytokine release syndrome?"), set())
    assert not b.options(_analysis(engine, "what happens if alphamab is stopped?"), set())
