"""Follow-up questions resolve against the previous turn's focus; sessions never share state."""

import pytest


def test_pronoun_follow_up_uses_the_previous_focus(engine):
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("What are its side effects?")
    assert not a.abstained
    assert a.searched_for == "What are betacel side effects?"
    assert "*Searched for: What are betacel side effects?*" in a.answer
    assert "Betacel may cause hepatotoxicity" in a.citations[0].quote


def test_elliptical_follow_up_swaps_the_focus(engine):
    s = engine.session()
    s.ask("What are the adverse effects of betacel?")
    a = s.ask("and alphamab?")
    assert "alphamab" in a.searched_for.lower() and "adverse effects" in a.searched_for
    assert not a.abstained
    assert "alphamab" in a.citations[0].quote.lower() or a.citations[0].quote.startswith("Life-threatening")
    # two named at once: the same question of both
    s = engine.session()
    s.ask("What are the adverse effects of betacel?")
    a = s.ask("and alphamab, gammastat?")
    assert "alphamab and gammastat" in a.searched_for.lower() and "adverse effects" in a.searched_for


def test_an_elliptical_follow_up_keeps_the_condition_said_with_its_new_focus(engine):
    # "and alphamab for adults?": the same question, of alphamab for adults (not a new question of its own)
    s = engine.session()
    s.ask("What are the adverse effects of betacel?")
    a = s.ask("and alphamab for adults?")
    assert "adverse effects" in a.searched_for and "alphamab for adults" in a.searched_for.lower()


def test_site_follow_up_keeps_the_relapse_phrase(engine):
    s = engine.session()
    s.ask("How is testicular relapse recognised?")
    a = s.ask("And how is it managed?")
    assert a.searched_for == "How is testicular relapse managed?"
    assert a.citations[0].quote == "Treatment is radiation therapy of the involved testis."


def test_two_interleaved_sessions_keep_their_own_focus(engine):
    one, two = engine.session(), engine.session()
    one.ask("What is alphamab?")
    two.ask("What is betacel?")
    a1 = one.ask("What are its side effects?")
    a2 = two.ask("What are its side effects?")
    assert "alphamab" in a1.searched_for and "betacel" not in a1.searched_for
    assert "betacel" in a2.searched_for and "alphamab" not in a2.searched_for
    assert a2.citations[0].quote.startswith("Betacel may cause")


def test_a_question_with_its_own_focus_is_not_rewritten(engine):
    s = engine.session()
    s.ask("What is alphamab?")
    a = s.ask("What are the side effects of betacel?")
    assert a.searched_for == ""


def test_no_previous_turn_means_no_rewrite(engine):
    a = engine.session().ask("What are its side effects?")
    assert a.searched_for == ""


def test_reset_forgets_the_conversation(engine):
    s = engine.session()
    s.ask("What is betacel?")
    s.reset()
    assert s.ask("What are its side effects?").searched_for == ""


def test_long_conversations_keep_bounded_memory(engine):
    s = engine.session()
    for _ in range(50):
        s.ask("What is alphamab?")
    assert len(s.turns) <= 20


def test_date_follow_up_reports_the_cited_document(engine):
    s = engine.session()
    s.ask("What is alphamab?")
    a = s.ask("When was this published?")
    assert "2024-01-15" in a.answer and "Fixture drugs" in a.answer


def test_what_about_after_a_yes_no_question_asks_the_same_yes_no_question(engine) -> None:
    session = engine.session()
    session.ask("Is alphamab used for relapsed ALL?")
    answer = session.ask("what about for children?")
    # Whether alphamab is for children: its own sentence (for adults) decides, not betacel's (for children).
    assert answer.citations and answer.citations[0].quote.startswith("Alphamab")


def test_a_follow_up_naming_another_thing_of_the_same_kind_asks_the_same_question_of_it(engine):
    s = engine.session()
    s.ask("How is CNS relapse treated?")
    a = s.ask("and if it's in the testis instead?")
    assert "testis" in a.searched_for.lower() and "cns" not in a.searched_for.lower()
    assert a.citations and a.citations[0].quote == "Treatment is radiation therapy of the involved testis."


def test_after_a_story_the_same_question_is_asked_of_the_new_site_relapsing_there(engine):
    # "it comes back" is the relapse said again; the question asked again is the story's question, about
    # the site its asking sentence named (the story named the brain, the question the CNS).
    s = engine.session()
    s.ask("My son was treated for a relapse in his brain last year. How is CNS relapse treated?")
    a = s.ask("And if it comes back in the testis instead?")
    assert a.searched_for.lower().startswith("how is testis relapse treated")
    assert a.citations and a.citations[0].quote == "Treatment is radiation therapy of the involved testis."


def test_a_follow_up_reads_every_sentence_of_the_document_being_discussed(engine):
    answerer = engine.answerer
    u = answerer.understand("Who are the donors?")
    qvec = answerer.embedder.encode([u.query.expanded])[0]
    doc = engine.data.doc_pos["extra-2"]
    # Search found another document only; the conversation is about the transplant page.
    cands = [c for c in answerer.retriever.rank(u.query.expanded, k=20, qvec=qvec) if int(engine.data.chunk_doc[c.row]) != doc][:1]
    alone = {e.doc for e in answerer.evidence(u, qvec, cands)}
    ranked = answerer.evidence(u, qvec, cands, documents=(doc,))
    assert doc not in alone
    assert set(answerer.scorer.document_rows(doc)) <= {e.row for e in ranked}


def test_the_other_member_of_a_class_gets_the_previous_question(class_engine) -> None:  # noqa: ANN001
    engine = class_engine
    for follow_up in ("and the other fixture antibody?", "what about the other one?"):
        s = engine.session()
        s.ask("What are the adverse effects of betacel?")
        a = s.ask(follow_up)
        assert a.searched_for == "What are the adverse effects of alphamab?", follow_up
    s = engine.session()
    s.ask("What are the adverse effects of betacel?")
    assert "alphamab" not in (s.ask("what are the other options?").searched_for or "")  # options: not a member


def test_it_after_a_question_naming_nothing_is_what_its_answer_named(engine) -> None:
    # "Which drug is for children?" names no drug; its answer does, and "it" next is that drug.
    session = engine.session()
    first = session.ask("Which drug is available for children with refractory disease?")
    assert first.citations and "Betacel" in first.citations[0].quote
    follow = session.ask("can it damage the liver?")
    assert "betacel" in follow.searched_for.lower()


def test_a_short_yes_no_follow_up_about_another_kind_of_thing_keeps_the_topic(engine):
    # "How is CNS relapse treated?" then "does irradiation help?": asked of the CNS relapse.
    s = engine.session()
    s.ask("How is a CNS relapse treated?")
    a = s.ask("does irradiation help?")
    assert a.searched_for.lower().startswith("does irradiation help for cns")


def test_a_new_kind_of_focus_beside_a_pronoun_is_asked_of_the_last_thing(engine):
    # "what does it do to the liver?" asks the liver of betacel, not the last question of the liver.
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("what can it do to the liver?")
    assert "betacel" in a.searched_for.lower()


def test_setting_named_options_aside_asks_for_the_rest(engine):
    # "beyond alphamab?" after a first question: the other options, alphamab left out.
    s = engine.session()
    s.ask("What are the options for relapsed disease?")
    a = s.ask("beyond alphamab?")
    assert a.question_type == "overview" and not a.abstained
    assert all("Alphamab" not in c.quote for c in a.citations)


def test_is_that_different_reads_that_as_the_last_thing(engine):
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("How is that different from alphamab?")
    assert a.searched_for.lower().startswith("how is betacel different from alphamab")


def test_the_askers_conditions_stay_with_the_conversation(engine):
    s = engine.session()
    s.ask("My son is 8 and his leukemia came back. What is betacel?")
    s.ask("what are the options?")
    assert s.turns[-1].analysis.conditions.age == (8.0, 8.0)
    s.ask("and for adults?")  # a turn stating its own replaces them
    assert s.turns[-1].analysis.conditions.labels == ("adults",)


def test_what_if_the_patient_were_another_age_asks_the_last_question_for_them(engine):
    s = engine.session()
    s.ask("My son is 8 and his leukemia came back. What are the options?")
    s.ask("What if he were 30 instead?")
    assert s.turns[-1].analysis.conditions.age == (30.0, 30.0)
    assert "options" in s.turns[-1].resolved


def test_a_course_of_the_disease_said_alone_keeps_the_patient(engine):
    s = engine.session()
    s.ask("What are the options for a child with relapsed disease?")
    s.ask("What if it is refractory instead, it never responded?")
    c = s.turns[-1].analysis.conditions
    assert c.age == (0.0, 17.0) and c.refractory and c.labels == ("children", "refractory")


def test_anything_else_she_could_get_after_a_treatment_asks_for_the_other_options(engine):
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("Is there anything else she could get?")
    assert a.question_type == "overview" and "besides betacel" in a.parts[0].text
    assert all("betacel" not in c.quote.lower() for c in a.citations)


def test_chat_contractions_are_spelled_out(engine):
    a = engine.session().ask("whats out there for leukemia thats come back")
    assert a.searched_for.startswith("what's out there") and "that's come back" in a.searched_for


def test_whats_the_deal_at_the_end_asks_for_an_overview(engine):
    a = engine.session().ask("relapsed leukemia whats the deal")
    assert a.question_type == "overview"


def test_a_follow_up_opening_with_and_continues_the_document_though_it_names_its_own_focus(engine, monkeypatch):
    answerer = engine.answerer
    seen: list[object] = []
    respond = answerer.respond

    def spy(cleaned, u=None, typed=None, previous_docs=None, exclude=None, **more):  # noqa: ANN001, ANN003, ANN202
        seen.append((typed, previous_docs))
        return respond(cleaned, u, typed, previous_docs, exclude, **more)

    monkeypatch.setattr(answerer, "respond", spy)
    s = engine.session()
    s.ask("How is CNS relapse treated?")
    s.ask("And is radiation of the brain part of it after that?")
    typed, docs = seen[-1]
    assert typed is not None and docs == [engine.data.doc_pos["drugs"]]
    # The same question opening a conversation continues nothing.
    engine.session().ask("And is radiation of the brain part of it after that?")
    assert seen[-1][0] is None


def test_what_about_for_a_new_asker_after_options_asks_the_options_for_them(engine):
    s = engine.session()
    first = s.ask("what are the treatment options for a child with relapsed disease?")
    a = s.ask("what about for adults?")
    # The same question, read for the new asker (and shown so): not "what about adults" on its own.
    assert a.searched_for.startswith("what are the treatment options") and "for adults" in a.searched_for
    assert a.question_type == first.question_type and not a.abstained
    assert s.turns[-1].analysis.conditions.labels == ("adults",)


def test_anything_else_after_an_overview_gives_the_options_it_did_not(engine):
    s = engine.session()
    first = s.ask("what are the options?")
    a = s.ask("anything else?")
    given = {c.quote for c in first.citations if c.quote.lower().startswith(("alphamab,", "betacel,"))}
    assert given and {"alphamab", "betacel"} <= set(s.turns[0].given)
    assert not given & {c.quote for c in a.citations}


def test_just_the_ones_for_kids_after_a_broad_list_narrows_it_to_them(engine):
    s = engine.session()
    s.ask("list all the treatments for relapsed disease")
    a = s.ask("just the ones for kids")
    # Answered as the broad question re-asked for them (in the fixture one item fits: a list, not an overview).
    again = engine.session().ask(a.searched_for)
    assert a.searched_for.startswith("list all the treatments") and a.question_type == again.question_type
    assert [c.quote for c in a.citations] == [c.quote for c in again.citations]
    assert s.turns[-1].analysis.conditions.age is not None


@pytest.mark.parametrize("narrowing", ["narrow that down to the ones that can be used in children pls",
                                       "What applies to children specifically?"])
def test_narrowing_down_or_asking_what_applies_to_a_group_asks_the_broad_question_again_for_them(engine, narrowing):
    s = engine.session()
    s.ask("list all the treatments for relapsed disease")
    a = s.ask(narrowing)
    assert a.searched_for.startswith("list all the treatments"), a.searched_for
    assert s.turns[-1].analysis.conditions.age is not None


def test_anything_for_a_group_after_a_broad_question_asks_it_again_for_them(engine):
    s = engine.session()
    s.ask("what are the options?")
    s.ask("anything for kids?")
    assert s.turns[-1].resolved.lower().startswith("what are the options")
    assert s.turns[-1].analysis.conditions.age is not None


def test_and_the_other_one_of_a_kind_asks_the_same_question_of_it(engine):
    s = engine.session()
    s.ask("cns relapse treatment?")
    s.ask("and the testicle one?")
    assert "testicle" in s.turns[-1].resolved.lower() and "treatment" in s.turns[-1].resolved.lower()


def test_the_second_one_is_the_second_treatment_the_last_answer_listed(engine):
    s = engine.session()
    first = s.ask("what are the options?")
    listed = s.turns[-1].given
    assert len(listed) >= 2 and first.citations
    s.ask("more detail on the second one")
    assert listed[1] in s.turns[-1].resolved.lower()
    s.ask("what are the options?")
    s.ask("tell me about the last one")
    assert s.turns[-1].resolved.lower().endswith(s.turns[-2].given[-1])


def test_the_rest_after_an_attribute_of_one_treatment_asks_it_of_the_others(engine):
    s = engine.session()
    s.ask("what are the side effects of alphamab?")
    a = s.ask("and the rest of the drugs?")
    assert s.turns[-1].analysis.qtype == "side_effects" and "overview" in s.turns[-1].analysis.types
    quotes = [c.quote for c in a.citations]
    assert quotes and not any(q.startswith(("Alphamab", "The most common symptoms after alphamab")) for q in quotes)
    assert any("hepatotoxicity" in q for q in quotes)  # betacel's


def test_the_same_question_of_another_site_keeps_the_relapse_word(engine):
    s = engine.session()
    s.ask("Testicular relapse: how is it treated?")
    a = s.ask("And CNS?")
    assert a.searched_for == "CNS relapse: how is it treated?"
    assert a.citations[0].quote.startswith("CNS relapse treatment includes")


def test_the_other_one_after_a_site_is_not_another_site_of_its_class():
    from types import SimpleNamespace

    from bot.dialogue import Session, Turn
    from bot.glossary import Entry, Glossary
    from bot.question import analyse

    glossary = Glossary([
        Entry("testes", "site", ("testicles",), broader=("extramedullary",)),
        Entry("central nervous system", "site", ("cns",), broader=("extramedullary",)),
        Entry("alphamab", "drug", broader=("antibodies",)),
        Entry("betamab", "drug", broader=("antibodies",)),
        Entry("extramedullary", "site"),
        Entry("antibodies", "therapy"),
    ])
    s = Session(SimpleNamespace(glossary=glossary), {})  # type: ignore[arg-type]
    for first, other in (("how is it treated in the testicles", None), ("who can get alphamab", "betamab")):
        s.turns = [Turn(first, first, analyse(first, glossary))]
        follow = "do they check the other one as well"
        assert s._the_other_one(follow, analyse(follow, glossary)) == other


def test_tell_me_more_about_that_is_about_the_last_answers_subject(engine):
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("tell me more about that")
    assert a.searched_for.lower() == "tell me more about betacel"
    assert a.citations and all("betacel" in c.quote.lower() for c in a.citations)


def test_the_rest_after_one_member_asks_for_the_other_members_of_its_class(class_engine):
    s = class_engine.session()
    s.ask("What is alphamab?")
    a = s.ask("and the rest?")
    assert a.question_type == "overview" and "besides alphamab" in a.parts[0].text
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("Betacel") for q in quotes) and not any(q.startswith("Alphamab") for q in quotes), quotes


def test_anything_else_about_a_subject_asks_more_about_it_not_for_other_options(engine):
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("anything else about hepatotoxicity?")
    assert "besides" not in a.answer
    assert a.citations and "hepatotoxicity" in a.citations[0].quote


def test_the_other_places_after_one_site_are_the_sites_but_that_one(engine):
    s = engine.session()
    s.ask("how is CNS relapse treated")
    a = s.ask("what about the other places it can come back?")
    assert not any(c.quote.startswith("CNS relapse") for c in a.citations), a.answer


def test_the_other_options_after_one_member_are_every_other_option_not_its_class(class_engine):
    s = class_engine.session()
    s.ask("What is alphamab?")
    a = s.ask("Tell me more about the other options.")
    assert "fixture antibod" not in a.parts[0].text.lower(), a.answer


def test_compare_the_first_two_compares_the_first_two_treatments_the_last_answer_listed(engine):
    s = engine.session()
    s.ask("what are the options?")
    listed = [t for t in s.turns[-1].given if t in ("alphamab", "betacel")]
    assert len(listed) == 2
    s.ask("Compare the first two.")
    resolved = s.turns[-1].resolved.lower()
    first, second = s.turns[-2].given[:2]
    assert first in resolved and second in resolved and " and " in resolved


def test_pros_and_cons_right_after_one_subject_are_of_that_subject(engine):
    s = engine.session()
    s.ask("What is betacel?")
    s.ask("pros and cons?")
    assert "betacel" in s.turns[-1].resolved.lower()


def test_and_if_that_fails_asks_for_the_options_beyond_the_last_answer(engine):
    s = engine.session()
    s.ask("what is alphamab?")
    a = s.ask("and if that fails?")
    assert s.turns[-1].analysis.qtype == "overview" and not a.abstained and a.citations
    assert not any(c.quote.startswith("Alphamab") for c in a.citations)  # the options beyond it


def test_management_right_after_side_effects_asks_how_those_are_managed(engine):
    s = engine.session()
    s.ask("what are the side effects of alphamab?")
    s.ask("Management?")
    assert s.turns[-1].analysis.qtype == "toxicity_management"
    assert "alphamab" in s.turns[-1].resolved.lower()
    # asked as what the doctors do when that happens
    s = engine.session()
    s.ask("what are the side effects of alphamab?")
    s.ask("so what do the doctors do when that happens")
    assert s.turns[-1].analysis.qtype == "toxicity_management" and "alphamab" in s.turns[-1].resolved.lower()
    # a longer way in, after two connectives ("ok and how do the doctors handle ...")
    s = engine.session()
    s.ask("what side effects can alphamab cause?")
    s.ask("ok and how do the doctors handle it when those get serious?")
    assert s.turns[-1].analysis.qtype == "toxicity_management" and "alphamab" in s.turns[-1].resolved.lower()
    # the effects named, in shorthand: how those are managed, of the drug asked about
    s = engine.session()
    s.ask("alphamab - main tox?")
    s.ask("mx if severe CRS?")
    assert s.turns[-1].analysis.qtype == "toxicity_management" and "alphamab" in s.turns[-1].resolved.lower()
    assert "crs" in s.turns[-1].resolved.lower()


def test_is_that_it_after_an_overview_gives_the_options_it_did_not(engine):
    s = engine.session()
    first = s.ask("what are the options?")
    a = s.ask("is that it?")
    given = {c.quote for c in first.citations if c.quote.lower().startswith(("alphamab,", "betacel,"))}
    assert given and a.citations and not given & {c.quote for c in a.citations}
def test_and_for_adults_after_a_question_for_children_asks_it_again_without_the_children(engine):
    s = engine.session()
    s.ask("Which fixture therapy is for kids up to 17?")
    a = s.ask("and for grown ups?")
    # The earlier question's group is replaced, not kept beside the new one.
    assert a.searched_for.lower().startswith("which fixture therapy is for")
    assert "kids" not in a.searched_for and "17" not in a.searched_for
    assert s.turns[-1].analysis.conditions.labels == ("adults",)
    assert a.citations and a.citations[0].quote.startswith("Alphamab")


def test_its_after_asking_which_member_of_a_class_is_the_member_the_answer_named(class_engine) -> None:  # noqa: ANN001
    s = class_engine.session()
    first = s.ask("Which fixture antibody is available for children?")
    assert first.citations[0].quote.startswith("Betacel")
    a = s.ask("Its side effects?")
    assert "betacel" in (a.searched_for or "").lower() and "fixture antibod" not in (a.searched_for or "").lower()


def test_a_narrowing_that_asks_its_own_question_is_not_the_last_question_again(engine) -> None:
    s = engine.session()
    s.ask("What are the side effects of alphamab?")
    own = s.ask("Just children then: which of the treatments here can kids get?")
    quotes = [c.quote for c in own.citations]
    assert quotes and not any("toxicities" in q or "headache" in q for q in quotes)
    assert any(q.startswith("Betacel") for q in quotes)
    s = engine.session()
    s.ask("What are the side effects of alphamab?")
    again = s.ask("Just children then?")  # only who asks: the same question, narrowed
    assert any("headache" in c.quote or "toxicities" in c.quote for c in again.citations)


@pytest.mark.parametrize("more", ["go on", "tell me more", "More please?"])
def test_go_on_quotes_more_of_the_text_about_the_last_subject_not_what_was_quoted(engine, more: str) -> None:
    session = engine.session()
    first = session.ask("What does alphamab target?")
    assert first.citations and first.citations[0].quote.startswith("Alphamab, a CD19")
    again = session.ask(more)
    quotes = [c.quote for c in again.citations]
    assert not again.abstained and len(quotes) >= 2, again.answer
    assert first.citations[0].quote not in quotes
    assert any("alphamab" in q for q in quotes) and not any("Betacel" in q for q in quotes)


def test_another_group_after_one_treatment_asks_its_answer_and_the_other_options_for_them(engine) -> None:
    s = engine.session()
    s.ask("Who can get betacel?")
    adults = s.ask("what about for adults?")
    assert adults.searched_for.endswith("and the other options?"), adults.searched_for
    assert not adults.abstained and any(c.quote.startswith("Alphamab, a CD19") for c in adults.citations)
    # One chosen from a class ("which ... is for children?") is asked again for the new group, no more.
    s = engine.session()
    s.ask("Which therapy is for children?")
    assert "other options" not in s.ask("what about for adults?").searched_for


def test_is_that_it_after_every_option_gives_the_treatment_of_the_sites_it_can_come_back_in(engine) -> None:
    s = engine.session()
    first = s.ask("What are the treatment options?")
    assert first.citations and not any(c.quote.startswith("CNS") for c in first.citations)
    more = s.ask("is that it?")
    assert not more.abstained and more.citations[0].quote.startswith("CNS relapse treatment includes"), more.answer


def test_which_one_was_for_a_group_picks_among_the_treatments_the_last_answer_listed(engine) -> None:
    s = engine.session()
    s.ask("What are the treatment options?")
    picked = s.ask("which one was for children again?")
    assert picked.searched_for.startswith("Which of alphamab"), picked.searched_for
    assert picked.citations and picked.citations[0].quote.startswith("Betacel, a CD22"), picked.answer


def test_for_each_after_the_sites_asks_each_sites_treatment_and_the_list_of_sites_leads_only_where_asked(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites. Bone marrow relapse is particularly ominous.\n\n"
            "CNS relapse treatment includes intrathecal methotrexate twice weekly until all signs disappear. "
            "The role of CNS irradiation is unclear.\n\n"
            "Testicular relapse may be evidenced clinically by painless firm swelling of a testis. "
            "Treatment is radiation therapy of the involved testis and administration of systemic reinduction therapy.")
    engine = one_page(tmp_path, fake_embedder, text)
    s = engine.session()
    s.ask("where can ALL come back?")
    each = s.ask("what do they do for each?")
    quotes = [c.quote for c in each.citations]
    assert quotes[0].startswith("CNS relapse treatment") and any(q.startswith("Treatment is radiation") for q in quotes), each.answer
    # Asked where and what at once, the sentence naming the sites comes first.
    both = engine.session().ask("where can it come back and what is done for each site?")
    assert both.citations[0].quote.startswith("Leukemic cells may reappear"), both.answer


def test_it_after_which_of_two_is_the_one_the_answer_picked(engine) -> None:
    session = engine.session()
    first = session.ask("Which of alphamab or betacel is for children?")
    assert first.citations[0].quote.startswith("Betacel"), first.answer
    again = session.ask("What are its side effects?")
    assert "betacel" in again.searched_for.lower() and "alphamab" not in again.searched_for.lower(), again.searched_for


def test_it_after_which_one_has_a_mark_is_the_treatment_the_answer_names_not_the_mark(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Blinatumomab, a CD19-directed T-cell engager, prolongs survival for children and adults with relapsed ALL.\n\n"
            "Inotuzumab ozogamicin, a CD22-directed antibody-drug conjugate, is available for adults with relapsed ALL. "
            "Inotuzumab may cause hepatotoxicity, including veno-occlusive disease.")
    session = one_page(tmp_path, fake_embedder, text).session()
    first = session.ask("which drug targets CD22?")
    assert first.citations[0].quote.startswith("Inotuzumab"), first.answer
    again = session.ask("what are its side effects?")
    assert "inotuzumab" in again.searched_for.lower() and "cd22" not in again.searched_for.lower(), again.searched_for


def test_is_it_after_several_options_asks_which_one_is_meant(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Nelarabine: For T-cell ALL that has relapsed after two prior regimens.\n\n"
            "Stem cell transplantation offers the greatest hope of cure if an HLA-matched sibling is available. "
            "Transplantation is rarely used for patients over 65 years.\n\n"
            "Blinatumomab prolongs overall survival for children and adults with relapsed B-cell precursor ALL.")
    engine = one_page(tmp_path, fake_embedder, text)
    session = engine.session()
    first = session.ask("What are the options for relapsed ALL?")
    assert len(first.citations) >= 2, first.answer
    which = session.ask("Is it approved for children?")
    assert which.abstained and which.answer.startswith("Which one do you mean:") and not which.citations, which.answer
    # Named, it is answered; "is that it?" asks whether that is all, not about one of them.
    assert not session.ask("Is blinatumomab approved for children?").abstained
    s2 = engine.session()
    s2.ask("What are the options for relapsed ALL?")
    assert not s2.ask("is that it?").answer.startswith("Which one do you mean")


def test_each_one_anywhere_in_a_follow_up_stands_for_the_sites_or_the_treatments_the_last_turn_named(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import SITES_PAGE, one_page

    text = SITES_PAGE + "\n\nBlinatumomab may cause cytokine release syndrome. Inotuzumab may cause hepatotoxicity."
    engine = one_page(tmp_path, fake_embedder, text)
    s = engine.session()
    s.ask("where can it come back after treatment?")
    each = s.ask("how is each one treated")
    assert each.searched_for == "how is each site treated", each.searched_for
    assert each.citations[0].quote.startswith("CNS relapse treatment"), each.answer
    s = engine.session()
    s.ask("My son relapsed and they're talking about blina or inotuzumab.")
    risks = s.ask("what are the risks of each one?")
    # The treatments as the asker named them (not the options an answer listed).
    assert risks.searched_for == "what are the risks of each of blina and inotuzumab?", risks.searched_for
    quotes = [c.quote for c in risks.citations]
    assert "Blinatumomab may cause cytokine release syndrome." in quotes and "Inotuzumab may cause hepatotoxicity." in quotes, risks.answer


def test_what_about_a_thing_after_a_question_about_nothing_in_particular_asks_that_question_of_it(engine) -> None:
    s = engine.session()
    s.ask("how is relapsed disease treated")
    brain = s.ask("ok what about the brain")
    assert brain.searched_for == "how is relapsed disease treated (ok what about the brain)", brain.searched_for
    assert brain.citations and brain.citations[0].quote.startswith("CNS relapse treatment"), brain.answer


def test_a_new_group_that_a_treatments_sentence_does_not_fit_asks_which_of_its_kind_is_for_them(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Tisagenlecleucel, a CD19-directed T-cell immunotherapy, is available for the treatment of patients up to 25 years of age.\n\n"
            "Brexucabtagene autoleucel, a CD19-directed T cell immunotherapy, can be used to treat adult patients with relapsed ALL.\n\n"
            "Inotuzumab ozogamicin, a CD22-directed antibody-drug conjugate, is also available for adults with relapsed ALL.")
    engine = one_page(tmp_path, fake_embedder, text)
    s = engine.session()
    s.ask("tisa-cel age limit?")
    adults = s.ask("and for adults?")
    assert adults.searched_for == "Which car-t is for adults?", adults.searched_for
    assert adults.citations[0].quote.startswith("Brexucabtagene"), adults.answer
    # A treatment alone in its kind (the one antibody-drug conjugate): its own answer, then the others.
    s = engine.session()
    s.ask("Is Besponsa used for relapsed ALL?")
    kids = s.ask("what about for kids?")
    assert not kids.searched_for.startswith("Which"), kids.searched_for


def test_which_of_those_would_suit_the_patient_told_of_before_picks_among_the_listed(engine) -> None:
    s = engine.session()
    s.ask("My son is 8 and his disease relapsed. What are the treatment options?")
    suits = s.ask("and which of those would suit him?")
    assert suits.searched_for.startswith("Which of alphamab"), suits.searched_for
    assert suits.citations and suits.citations[0].quote.startswith("Betacel, a CD22"), suits.answer  # (the one for children)


def test_is_it_after_an_answer_that_did_not_list_options_asks_no_clarification(engine) -> None:
    s = engine.session()
    s.ask("What does the text say about the outlook after a relapse?")
    again = s.ask("is it different for adults?")
    assert not again.answer.startswith("Which one do you mean"), again.answer


def test_a_pronoun_after_the_questions_own_focus_is_that_focus_not_the_last_turns(engine) -> None:
    s = engine.session()
    s.ask("What is betacel?")
    own = s.ask("Is alphamab used for adults too, and what are its side effects?")
    assert "betacel" not in own.searched_for.lower(), own.searched_for
    # before any focus of its own, "it" is the last turn's
    s = engine.session()
    s.ask("What is betacel?")
    last = s.ask("How does it compare with alphamab?")
    assert "betacel" in last.searched_for.lower(), last.searched_for


def test_any_others_after_one_treatment_described_asks_the_other_options(engine) -> None:
    s = engine.session()
    s.ask("Tell me about alphamab.")
    others = s.ask("any others?")
    quotes = [c.quote for c in others.citations]
    assert quotes and not any(q.startswith("Alphamab, a CD19") for q in quotes), others.answer
    assert any(q.startswith("Betacel") for q in quotes), others.answer


def test_which_ones_after_an_attribute_asks_of_what_the_last_answer_gave(engine):
    from bot.follow_words import of_those

    assert of_those("side_effects", "Which ones are the most common?", ["commonest", "list"]) == "side_effects"
    assert of_those("side_effects", "Which drug is newest?", ["list"]) is None  # points at nothing given
    assert of_those("definition", "Which ones are for kids?", ["list"]) is None  # no attribute asked before
    s = engine.session()
    s.ask("What side effects can the fixture antibodies cause?")
    s.ask("Which ones are the most common?")
    assert s.turns[-1].analysis.qtype == "side_effects"


def test_they_who_do_something_are_the_care_team_not_the_last_subject(engine):
    # "what can they even do about it?": "it" is the betacel asked about, "they" the doctors who act
    s = engine.session()
    s.ask("What is betacel?")
    a = s.ask("so what can they even do about it")
    assert a.searched_for.lower() == "what can they even do about betacel"
    s = engine.session()
    s.ask("What is betacel?")
    assert s.ask("are they safe?").searched_for.lower().startswith("are betacel safe")  # "they" who are: the subject


def test_a_noun_pointed_at_asks_of_the_term_said_before_it(engine):
    # "How is that kind of relapse treated?" after "... it's a CNS relapse": the CNS, not the first term named
    s = engine.session()
    s.ask("My patient had alphamab and the team says it's a CNS relapse.")
    a = s.ask("How is that kind of relapse treated?")
    assert a.searched_for == "How is CNS relapse treated?"
    assert a.citations[0].quote.startswith("CNS relapse treatment includes")


def test_what_happens_now_after_a_relapse_in_one_site_asks_how_it_is_treated(engine):
    s = engine.session()
    s.ask("My son has a CNS relapse.")
    a = s.ask("what happens now?")
    assert a.searched_for == "How is CNS relapse treated?"
    assert a.citations[0].quote.startswith("CNS relapse treatment includes")
    # After a treatment, it asks about the whole situation: the text's key points, not that treatment's.
    s = engine.session()
    s.ask("Tell me about alphamab")
    assert s.ask("what happens now?").searched_for == ""


def test_an_attribute_asked_of_they_after_the_options_asks_it_of_each_option(engine):
    s = engine.session()
    listed = s.ask("What are the treatment options?")
    assert listed.answer.startswith("The text describes these options")
    a = s.ask("And what are their side effects?")
    assert "alphamab" in a.searched_for.lower() and "betacel" in a.searched_for.lower()
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("Life-threatening toxicities") for q in quotes) and any(q.startswith("Betacel may cause") for q in quotes)
    # "Which of those ...?" asks for one or some of them, not for each.
    s = engine.session()
    s.ask("What are the treatment options?")
    assert "alphamab" not in s.ask("Which of those are for children?").searched_for.lower()


def test_versus_another_thing_asks_the_last_question_of_both(engine):
    s = engine.session()
    s.ask("What does alphamab target?")
    a = s.ask("vs betacel?")
    assert a.searched_for == "What does alphamab target, compared with betacel?"
    quotes = [c.quote for c in a.citations]
    assert any(q.startswith("Alphamab, a CD19-directed") for q in quotes) and any(q.startswith("Betacel, a CD22-directed") for q in quotes)


def test_the_two_of_them_are_the_two_things_the_last_turn_asked_about(engine):
    s = engine.session()
    s.ask("How does alphamab compare with betacel?")
    a = s.ask("And what risks do the two of them share?")
    assert a.searched_for == "What risks do alphamab and betacel share?"


def test_the_two_of_them_are_the_two_named_not_the_class_they_were_said_to_be_of(class_engine):
    s = class_engine.session()
    s.ask("so alphamab and betacel are both fixture antibodies, right? What is each one for?")
    a = s.ask("And what risks do the two of them share?")
    assert a.searched_for == "What risks do alphamab and betacel share?"


def test_which_of_those_is_a_kind_after_a_list_names_the_ones_of_that_kind(class_engine):
    s = class_engine.session()
    s.ask("What are the treatment options?")
    a = s.ask("which of those is a fixture antibody?")
    assert a.searched_for == "Tell me about alphamab and betacel"


def test_the_other_one_after_a_site_named_in_the_same_message_is_the_other_of_that_site(engine):
    # "Only one testis is swollen. What about the other one?": the other testis, with nothing asked before.
    a = engine.session().ask("Only one testis is swollen on exam. What should be done about the other one?")
    assert "the other testis" in a.searched_for
    # no site before it: left as it is
    a = engine.session().ask("what should be done about the other one?")
    assert "testis" not in (a.searched_for or "")


def test_they_who_talk_of_a_treatment_are_the_care_team_not_the_last_thing_asked_about() -> None:
    from bot import follow_words as fw

    # "they talk of transplant": the doctors; "are they dangerous?": the last things asked about
    for told in ("they talk of transplant. who can give the cells?", "they mentioned blinatumomab", "they discussed a transplant"):
        assert not fw.PRONOUN.search(told), told
    assert fw.PRONOUN.search("are they dangerous?")


def test_what_else_said_with_a_donor_the_asker_lacks_asks_for_other_donors_not_other_options(engine):
    # "no HLA-matched sib. what else gets used" after a donor question: the text's other donors, not the
    # treatments besides transplant.
    s = engine.session()
    s.ask("Who can be the donor for a stem cell transplant?")
    a = s.ask("no matched sibling. what else gets used")
    assert not a.answer.startswith("The text describes these options")
    assert a.citations and "HLA-matched sibling" in a.citations[0].quote
    # without a donor said to be lacking, "what else?" still asks for the other options
    s = engine.session()
    s.ask("Tell me about alphamab")
    assert s.ask("what else is there?").answer.startswith("The text describes these options")


def test_their_after_two_things_asked_in_turn_is_both_of_them(engine):
    # "What is blinatumomab?", "and inotuzumab?", then "compare their side effects": both, not the last one.
    s = engine.session()
    s.ask("What is alphamab?")
    s.ask("and betacel?")
    a = s.ask("compare their side effects")
    assert "alphamab" in a.searched_for.lower() and "betacel" in a.searched_for.lower()
    # One thing asked: "their" is that thing's.
    s = engine.session()
    s.ask("What is betacel?")
    assert "alphamab" not in s.ask("and what are their side effects?").searched_for.lower()


def test_a_summary_asked_right_after_an_answer_about_one_thing_is_of_that_thing(engine):
    # "give me the short version" after asking about a transplant: that, in short, not the whole text's key points.
    s = engine.session()
    s.ask("What is alphamab?")
    a = s.ask("give me the short version")
    assert "alphamab" in a.searched_for.lower() and not a.answer.startswith("The text's key points")
    # the whole text, said so, stays the whole text; and options asked are not a summary
    s = engine.session()
    s.ask("What is alphamab?")
    assert s.ask("summarise the whole text").searched_for == ""
    s = engine.session()
    s.ask("What is alphamab?")
    assert "alphamab" not in s.ask("ok but what are all the options then?").searched_for.lower()


def test_which_is_superior_after_comparing_two_asks_which_of_those_two(engine):
    s = engine.session()
    s.ask("Compare alphamab and betacel.")
    a = s.ask("Head to head, which one has the better remission rate? Just tell me which is superior.")
    assert a.searched_for.endswith("(alphamab or betacel)")
    # after one thing, or with a thing named, the question stands as asked
    s = engine.session()
    s.ask("What is alphamab?")
    assert "(alphamab" not in s.ask("which one is superior, alphamab or betacel?").searched_for


def test_which_of_those_after_an_outcome_is_not_asked_of_the_outcome(engine):
    # "Which drugs were approved without a survival benefit?" then "which of those was withdrawn?": the drugs.
    s = engine.session()
    s.ask("Which drugs can cause hepatotoxicity?")
    a = s.ask("which of those was withdrawn?")
    assert "hepatotoxicity" not in (a.searched_for or "").lower()
