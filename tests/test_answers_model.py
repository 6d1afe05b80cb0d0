"""The real bundled model on the project's own corpus: behaviour users see, end to end.

Marked ``model``: loads all-MiniLM-L6-v2 from its package (offline) and builds a fresh index once.
Questions here are the project's own wording, not the evaluation kit's.
"""

import pytest

pytestmark = pytest.mark.model


def first_quote(answer) -> str:  # noqa: ANN001
    assert not answer.abstained, answer.answer
    return answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("tell me what brexucabtagene autoleucel is", "Brexucabtagene autoleucel, a CD19-directed"),
        ("which target does Besponsa bind", "Inotuzumab ozogamicin, a CD22-directed"),
        ("what are the most frequent neuro symptoms with Blincyto", "The most common neurologic symptoms"),
        ("who qualifies for Tecartus", "Brexucabtagene autoleucel, a CD19-directed"),
        ("how do you treat leukemia that came back in the brain", "CNS relapse treatment includes"),
        ("how is a relapse in the testicles handled", "Treatment is radiation therapy"),
        ("does inotuzamab harm the liver", "Inotuzumab may cause hepatotoxicity"),
        ("is a bone marrow relapse serious", "Bone marrow relapse is particularly ominous."),
        ("what is clofarabin approved for", "Clofarabine (a purine nucleoside analog)"),
        ("Inotuzumab is an antibody joined to which toxin?", "Inotuzumab ozogamicin, a CD22-directed"),
    ],
)
def test_answers_quote_the_right_sentence(real_engine, question: str, starts: str):
    assert first_quote(real_engine.session().ask(question)).startswith(starts)


def test_list_of_immunotherapies(real_engine):
    a = real_engine.session().ask("name the immunotherapy options for refractory ALL")
    quotes = [c.quote for c in a.citations]
    # The text's own list leads; each listed drug then has its own sentence.
    assert quotes[0].startswith("Available immunotherapies for relapsed or refractory ALL include")
    for drug in ("Blinatumomab", "Tisagenlecleucel", "Inotuzumab ozogamicin"):
        assert any(q.startswith(drug) for q in quotes[1:]), drug


def test_a_list_filtered_to_one_item_answers_with_it(real_engine):
    # Every listed agent is for later lines; only one is for T-cell disease: it leads, the list's
    # introduction (with its qualifier) follows, and the note says what was filtered.
    a = real_engine.session().ask("T-ALL after 2 prior regimens - which agent does the text list?")
    quotes = [c.quote for c in a.citations]
    assert quotes[0].startswith("Nelarabine") and len(quotes) == 2
    assert quotes[1].startswith("Other agents have been available")
    assert "Of the items the text lists, only this one fits T-cell" in a.answer


def test_follow_up_about_a_brand_name(real_engine):
    s = real_engine.session()
    s.ask("What is Kymriah?")
    a = s.ask("up to what age is it given?")
    assert "kymriah" in a.searched_for.lower()  # the user's own word, resolved from the last turn
    assert "25 years of age" in first_quote(a)


def test_switching_drug_in_a_follow_up(real_engine):
    s = real_engine.session()
    s.ask("what toxicities does inotuzumab have")
    a = s.ask("what about blinatumomab?")
    assert "blinatumomab" in a.searched_for.lower()
    assert "blinatumomab" in " ".join(c.quote for c in a.citations).lower() or first_quote(a).startswith("Life")


@pytest.mark.parametrize(
    "question",
    [
        "how many milligrams of clofarabine per day",
        "what is the price of brexucabtagene",
        "what are the symptoms of chronic lymphocytic leukemia",
        "is imatinib used for Ph+ ALL",
        "how do I get rid of a migraine",
        "recommend a good pizza place",
        "zxqv plmokn",
    ],
)
def test_questions_the_text_does_not_answer_are_abstained(real_engine, question: str):
    a = real_engine.session().ask(question)
    assert a.abstained, a.answer
    assert a.citations == [] and a.confidence < 0.5


def test_answers_are_short(real_engine):
    a = real_engine.session().ask("what is nelarabine")
    assert len(a.citations[0].quote) < 320
    assert len(a.answer) < 700


def test_source_date_question(real_engine):
    a = real_engine.session().ask("how recent is this information?")
    assert not a.abstained and "2023-10-05" in a.answer


def _quotes(answer) -> list[str]:  # noqa: ANN001
    assert not answer.abstained, answer.answer
    return [c.quote for c in answer.citations]


def test_the_other_members_of_a_class_leave_out_the_one_asked_about(real_engine):
    s = real_engine.session()
    s.ask("What is blinatumomab?")
    quotes = _quotes(s.ask("and the other immunotherapies?"))
    assert not any(q.startswith("Blinatumomab") for q in quotes)
    assert any(q.startswith("Inotuzumab ozogamicin, a CD22") for q in quotes)
    assert any(q.startswith("Tisagenlecleucel") for q in quotes)


def test_options_for_a_lineage_lead_with_the_option_for_it(real_engine):
    quotes = _quotes(real_engine.session().ask("options for relapsed T-ALL"))
    assert quotes[0].startswith("Nelarabine") and len(quotes) >= 3


def test_a_sentence_that_introduces_a_list_is_answered_with_its_list(real_engine):
    quotes = _quotes(real_engine.session().ask("Run through the drugs the text says have unproven benefit"))
    assert quotes[0].startswith("Other agents have been available")
    assert sum(q.startswith(("Liposomal", "Clofarabine", "Nelarabine")) for q in quotes) == 3


def test_a_tour_of_named_classes_gives_each_its_sentence(real_engine):
    quotes = _quotes(real_engine.session().ask(
        "Outline the treatment arsenal for recurrent ALL, from salvage chemo through antibodies and cell therapy to HSCT"))
    assert any(q.startswith("Although a new round of chemotherapy") for q in quotes)
    assert any(q.startswith("Chimeric antigen receptor T") for q in quotes)
    assert any(q.startswith("Stem cell transplantation following") for q in quotes)
    assert len(quotes) <= 8


def test_the_risks_of_a_class_start_with_a_risk_not_with_its_list(real_engine):
    quotes = _quotes(real_engine.session().ask("What are the risks of the immunotherapies?"))
    assert not quotes[0].startswith("Available immunotherapies")
    assert any(q.startswith("Inotuzumab may cause hepatotoxicity") for q in quotes)


def test_options_other_than_a_class_leave_out_the_class_and_its_members(real_engine) -> None:
    answer = real_engine.session().ask("What are the options other than CAR-T?")
    quotes = [c.quote for c in answer.citations]
    assert answer.answer.startswith("The text describes these options besides CAR-T")
    assert len(quotes) >= 3
    assert not any(q.startswith(("Tisagenlecleucel", "Brexucabtagene", "Chimeric antigen receptor")) for q in quotes)
    assert any(q.startswith("Blinatumomab") for q in quotes)


def test_what_else_besides_named_treatments_lists_the_others(real_engine) -> None:
    answer = real_engine.session().ask("what else is there besides chemo and a transplant?")
    quotes = [c.quote for c in answer.citations]
    assert answer.answer.startswith("The text describes these options besides chemo and transplant")
    assert len(quotes) >= 3 and not any(q.startswith(("Stem cell transplantation", "Although a new round")) for q in quotes)


def test_two_members_compared_beside_their_class_are_the_two_sides(real_engine) -> None:
    a = real_engine.session().ask("Among the CAR-T therapies, how does Kymriah compare with Tecartus?")
    compare = [p for p in a.parts if p.kind == "compare"]
    assert compare and compare[0].labels == ["tisagenlecleucel", "brexucabtagene autoleucel"]


def test_options_stating_more_of_the_askers_conditions_lead(real_engine) -> None:
    # The re-induction sentence speaks of adults; blinatumomab's of adults with B-cell precursor ALL.
    a = real_engine.session().ask("What are the choices for an adult with B-cell ALL that came back?")
    assert a.citations[0].quote.startswith("Blinatumomab"), a.citations[0].quote


def test_a_question_about_unproven_agents_is_answered_by_the_qualified_sentence_and_its_list(real_engine) -> None:
    a = real_engine.session().ask("Which drugs were approved without proven survival benefit?")
    quotes = [c.quote for c in a.citations]
    assert quotes[0].startswith("Other agents have been available"), quotes
    assert any(q.startswith("Clofarabine") for q in quotes), quotes


def test_the_askers_situation_carries_into_a_broad_follow_up(real_engine) -> None:
    s = real_engine.session()
    s.ask("My husband is 40 and his B-cell ALL came back. Is blinatumomab used in adults?")
    a = s.ask("And what other choices does he have?")
    assert "blinatumomab" in a.parts[0].text.lower()  # "... besides blinatumomab:"
    assert a.citations[0].quote.startswith("Inotuzumab"), [c.quote[:40] for c in a.citations]


def test_what_is_indicated_for_a_condition_lists_the_options_for_it(real_engine) -> None:
    a = real_engine.session().ask("Third relapse: what is indicated?")
    assert a.parts[0].kind == "lead" and "options" in a.parts[0].text
    # The options for the line lead; the qualifier the text gives its list of older agents comes with them.
    options = [c.quote for c in a.citations if not c.quote.startswith("Other agents")]
    assert len(options) >= 2 and all("2nd" in q or "≥ 2" in q for q in options[:2])
    if any(q.startswith("Liposomal vincristine") for q in options):
        assert any("not been convincingly demonstrated" in c.quote for c in a.citations)


def test_who_tells_the_story_is_not_what_is_asked(real_engine) -> None:
    a = real_engine.session().ask("My mum is 68 and it came back. The oncologist explained a lot. Big picture?")
    assert not a.abstained and "oncologist" not in a.missing


def test_an_agent_in_the_texts_list_that_fits_the_asker_is_one_of_the_options(real_engine):
    # The list "Examples include:" opens with an agent for adults; the next one (ages 1 to 21) fits a boy of 16.
    a = real_engine.session().ask("My boy is 16 and his ALL came back. What treatment options are there besides immunotherapy?")
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("Clofarabine") for q in quotes), quotes
    assert not any(q.startswith("Liposomal vincristine") for q in quotes), quotes


def test_medicines_no_longer_sold_get_the_paragraph_the_text_qualifies_most(real_engine):
    # Two paragraphs carry qualified statements ("... is unclear" of CNS treatment; "not convincingly
    # demonstrated" and "marketing has been discontinued" of the other agents): the second answers.
    a = real_engine.session().ask("which medicines are no longer sold or never proved they help?")
    assert a.citations and a.citations[0].quote.startswith("Other agents have been available"), a.answer
    assert not any(c.quote.startswith(("Blinatumomab", "CNS relapse")) for c in a.citations), a.answer


def test_the_other_one_after_the_testicle_is_the_other_testicle(real_engine):
    s = real_engine.session()
    s.ask("how is a relapse in the testicle treated?")
    a = s.ask("and what is done about the other one?")
    assert a.citations and a.citations[0].quote.startswith("If unilateral testicular involvement"), a.answer


def test_an_overview_of_what_is_not_an_immunotherapy_quotes_no_immunotherapy(real_engine):
    a = real_engine.session().ask("Give me an overview of the non-immunotherapy treatments.")
    subjects = ("Blinatumomab", "Inotuzumab", "Tisagenlecleucel", "Brexucabtagene", "Antibodies", "Chimeric")
    assert a.citations and not any(c.quote.startswith(subjects) for c in a.citations), a.answer


def test_the_outlook_asked_of_nothing_in_particular_gathers_the_texts_outcome_sentences(real_engine):
    from bot.question import rules

    a = real_engine.session().ask("overall outlook in a nutshell?")
    cue = rules().get("prognosis").cue
    quotes = [c.quote for c in a.citations]
    assert a.question_type == "overview" and len(quotes) >= 3, a.answer
    assert all(cue.search(q) for q in quotes), quotes
    assert quotes[0] == "Bone marrow relapse is particularly ominous.", quotes


def test_the_lead_says_options_only_when_the_options_are_asked(real_engine) -> None:
    risks = real_engine.session().ask("what are the risks of each of blinatumomab, inotuzumab and CAR-T?")
    assert risks.answer.startswith("The text says this about blinatumomab, inotuzumab and CAR-T:"), risks.answer
    assert real_engine.session().ask("What are the treatment options?").answer.startswith("The text describes these options")


def test_an_attribute_of_their_after_agents_picked_by_a_mark_asks_of_each_agent(real_engine) -> None:
    session = real_engine.session()
    listed = session.ask("Which agents for relapsed ALL are CD19-directed?")
    assert listed.answer.startswith("The text describes these options"), listed.answer
    follow = session.ask("And their side effects?")
    asked = follow.searched_for.lower()
    assert all(t in asked for t in ("blinatumomab", "tisagenlecleucel", "brexucabtagene")), asked
    assert not follow.abstained


@pytest.mark.parametrize(
    "question",
    ["is bone marrow transplant an option after relapse? who can be the donor",
     "Is transplant possible after relapse, and who can donate?"],
)
def test_a_yes_no_question_followed_by_another_ask_answers_both(real_engine, question: str) -> None:  # noqa: ANN001
    quotes = [c.quote for c in real_engine.session().ask(question).citations]
    assert quotes[:2] == [
        "Stem cell transplantation following reinduction chemotherapy or immunotherapy offers the greatest hope of "
        "long-term remission or cure if an HLA-matched sibling is available.",
        "Cells from other relatives or from matched, unrelated donors are sometimes used.",
    ], quotes
    # Whether alone, one sentence settles it.
    assert len(real_engine.session().ask("Is blinatumomab approved for children?").citations) == 1


def test_a_word_of_the_documents_title_asks_for_no_further_sentence(real_engine) -> None:  # noqa: ANN001
    # "ALL" reads as "acute lymphoblastic leukemia", the title's words: every sentence speaks of it, so no
    # sentence joins the answer for saying it ("New immunotherapy approaches ... in relapsed/refractory ALL.").
    answer = real_engine.session().ask("what type of relapse is the most ominous in ALL")
    quoted = [c.quote for p in answer.parts if p.kind != "related" for c in (answer.citations[i - 1] for i in p.cites)]
    assert quoted == ["Bone marrow relapse is particularly ominous."], answer.answer
