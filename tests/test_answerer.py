"""The answer path on the fixture corpus with the fake embedder: its stages and its decisions."""

from __future__ import annotations


def test_understand_corrects_and_types_the_question(engine) -> None:
    u = engine.answerer.understand("What are the side efects of alphamab?")
    assert u.analysis.qtype == "side_effects"
    assert u.analysis.focus == ["alphamab"]
    assert "effects" in u.query.corrected


def test_candidates_are_internal_rows_and_hits_only_at_the_api(engine) -> None:
    a = engine.answerer
    u = a.understand("alphamab toxicity")
    qvec = a.embedder.encode([u.query.expanded])[0]
    cands = a.candidates(u.query, qvec)
    assert cands and all(isinstance(c.row, int) for c in cands)
    hits = engine.search("alphamab toxicity", k=3)
    assert hits[0].chunk_id == engine.data.chunk_id(engine.retriever.rank("alphamab toxicity", k=3)[0].row)


def test_advice_gets_the_fixed_message_and_nearest_passages(engine) -> None:
    answer = engine.session().ask("Should I stop taking alphamab?")
    assert answer.abstained and answer.status == "advice"
    assert "care team" in answer.reason
    assert answer.related


def test_another_language_is_named_not_answered(engine) -> None:
    answer = engine.session().ask("¿Cuáles son los efectos secundarios de alphamab?")
    assert answer.abstained and answer.status == "language"


def test_a_key_word_the_text_never_discusses_is_named(engine) -> None:
    answer = engine.session().ask("Does alphamab cause infertility?")
    assert answer.abstained
    assert "infertility" in answer.answer


def test_every_answer_carries_parts_that_point_at_its_citations(engine) -> None:
    for q in ("What is alphamab?", "Which fixture therapies are available?", "alphamab vs betacel"):
        answer = engine.session().ask(q)
        assert not answer.abstained, q
        markers = [m for p in answer.parts for m in p.cites]
        assert sorted(markers) == [c.marker for c in answer.citations], q


def test_a_summary_quotes_a_key_sentence_of_each_paragraph(engine) -> None:
    s = engine.session()
    s.ask("What is alphamab?")
    answer = s.ask("Summarize this text")  # the document that answered the last question
    assert not answer.abstained
    assert answer.parts[0].kind == "lead" and answer.parts[1].kind == "items"
    starts = {c.quote.split(",")[0].split(" ")[0] for c in answer.citations}
    assert {"Alphamab", "Betacel", "CNS"} <= starts


def test_what_else_lists_the_other_options(engine) -> None:
    s = engine.session()
    s.ask("What is alphamab?")
    answer = s.ask("What else can be done?")
    assert not answer.abstained
    assert not any(c.quote.startswith("Alphamab") for c in answer.citations)


def test_a_question_pointing_at_the_text_is_answered_from_the_main_document(engine) -> None:
    # The fixture's main document is the one naming the most glossary terms (drugs.md).
    main = engine.answerer.main_document()
    assert main is not None and engine.data.documents[main].id.startswith("drugs")
    plain = engine.session().ask("What is given with radiation therapy of the testis?")
    assert plain.citations and plain.citations[0].doc_id == "extra-1"
    pointed = engine.session().ask("What radiation therapy is described here?")
    assert pointed.citations and {c.doc_id for c in pointed.citations} == {engine.data.documents[main].id}


def test_the_text_wordings() -> None:
    from bot.glossary import Glossary
    from bot.question import analyse

    g = Glossary([])
    assert analyse("Some drugs in here were approved on response rates alone", g).about_the_text
    assert analyse("Which of the therapies here fit each?", g).about_the_text
    assert not analyse("What does the text say about transplant?", g).about_the_text
    assert analyse("Summarise the section on immunotherapy for me", g).about_the_text
    assert analyse("give me the gist of the transplant part", g).about_the_text
    assert not analyse("which part of the body does it affect?", g).about_the_text
    assert not analyse("What is the source of the stem cells?", g).about_the_text
    assert not analyse("Here is my question: is it safe?", g).about_the_text


def test_a_question_choosing_among_a_class_reads_every_member_a_found_document_names(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    import json

    import bot

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = " ".join(f"Cell therapy paragraph sentence {i} says the cell therapy needs care." for i in range(30))
    text = f"{filler}\n\nZetacel, a cell therapy, is for adults older than 26 years."
    (corpus / "therapies.jsonl").write_text(json.dumps({"id": "t", "title": "Therapies", "text": text}) + "\n")
    (corpus / "glossary.json").write_text(json.dumps({"entries": [
        {"term": "cell therapy", "kind": "therapy"},
        {"term": "zetacel", "kind": "drug", "broader": ["cell therapy"]},
    ]}))
    engine = bot.load(corpus=corpus, index=tmp_path / "index", embedder=fake_embedder)
    answerer = engine.answerer
    answerer.search_k = 1  # only the first chunk is found
    assert engine.data.chunk_doc.shape[0] >= 2
    for question, chosen in (("Which cell therapy needs care?", True), ("Does cell therapy need care?", False)):
        u = answerer.understand(answerer.clean(question).text)
        qvec = answerer.embedder.encode([u.query.expanded])[0]
        cands = answerer.candidates(u.query, qvec)
        texts = [e.text for e in answerer.evidence(u, qvec, cands)]
        assert any(t.startswith("Zetacel") for t in texts) == chosen, question


def test_a_sentence_introducing_a_list_speaks_for_its_items(engine) -> None:
    scorer = engine.answerer.scorer
    rows = range(len(engine.data.sentence_doc))
    lead = next(r for r in rows if scorer.sentence(r).text.startswith("Available fixture therapies"))
    forms = engine.answerer.forms
    assert forms.speaks_for(scorer.sentence(lead), ["alphamab"])
    assert not forms.speaks_for(scorer.sentence(lead), ["methotrexate"])
    item = next(r for r in rows if scorer.sentence(r).kind == "item")
    assert not forms.speaks_for(scorer.sentence(item), ["alphamab"])


def test_two_values_of_one_condition_group_the_answer_by_value(engine) -> None:
    # "which for children and which for adults": each group quotes the treatments stating it, in the
    # question's order; the lead of each group states no fact of its own.
    answer = engine.session().ask("Which therapies are for children and which are for adults?")
    kinds = [p.kind for p in answer.parts]
    assert kinds[:4] == ["lead", "items", "lead", "items"]
    assert [answer.parts[0].text, answer.parts[2].text] == ["For children:", "For adults:"]
    children = [answer.citations[m - 1].quote for m in answer.parts[1].cites]
    adults = [answer.citations[m - 1].quote for m in answer.parts[3].cites]
    assert children and all("Betacel" in q and "children" in q for q in children)
    assert adults and all("Alphamab" in q and "adults" in q for q in adults)
    # One value asked: no groups.
    one = engine.session().ask("Which therapies are for adults?")
    assert "For adults:" not in [p.text for p in one.parts]


def test_a_sentence_naming_both_sides_by_a_longer_name_is_the_comparison() -> None:
    from bot.evidence import Evidence
    from bot.forms import Forms
    from bot.glossary import Glossary
    from bot.params import default_params
    from bot.question import Analysis
    from bot.settings import PROJECT_ROOT

    forms = Forms(None, Glossary.load(PROJECT_ROOT / "corpus" / "glossary.json"), default_params())  # type: ignore[arg-type]
    study = Evidence(0, 0, 0, 10, 0, "prose", "One study found higher remission rates with inotuzumab ozogamicin "
                     "than with standard chemotherapy.", score=1.0)
    study.subjects = ["inotuzumab ozogamicin"]
    chemo = Evidence(1, 0, 20, 30, 1, "prose", "Chemotherapy helps only a few patients.", score=0.9)
    chemo.subjects = ["chemotherapy"]
    q = Analysis("What did the study of inotuzumab show compared with chemotherapy?", "comparison", ["comparison"],
                 False, ["inotuzumab ozogamicin", "chemotherapy"])
    # "standard chemotherapy" speaks of chemotherapy: quote the sentence, no table of two cells.
    assert forms.comparison(q, [study, chemo], study) is None
    # A sentence on one side only is compared with one on the other.
    alone = Evidence(2, 0, 40, 50, 2, "prose", "Inotuzumab ozogamicin is a conjugate.", score=1.0)
    alone.subjects = ["inotuzumab ozogamicin"]
    table = forms.comparison(q, [alone, chemo], alone)
    assert table is not None and table.blocks[0].kind == "compare"


def test_an_effect_the_text_never_names_is_not_answered(engine) -> None:
    # The fixture never speaks of hair loss: asked of a drug it describes, yes/no or not, the answer is
    # that the text does not discuss it (the glossary knows hair loss as an effect).
    for q in ("Does alphamab cause hair loss?", "hair loss with betacel"):
        a = engine.session().ask(q)
        assert a.abstained and "hair loss" in a.reason, q
    # An effect the text names is still answered.
    assert not engine.session().ask("Does betacel cause hepatotoxicity?").abstained


def test_words_asking_for_breadth_that_the_corpus_uses_are_not_the_subject(engine) -> None:
    from bot.breadth import without_breadth_words

    # "available" is a word of the fixture ("is available for children"); "nutshell" is not and stays.
    scorer = engine.answerer.scorer

    def strip(text: str) -> str:
        return without_breadth_words(text, scorer.known_stems, scorer.stem)

    assert "available" not in strip("what's available for relapse").split()
    assert strip("what's available for relapse").split()[-1] == "relapse"
    assert "nutshell" in strip("relapse in a nutshell")


def test_a_corpus_larger_than_the_lists_depth_keeps_more_of_the_keyword_lists_first(engine) -> None:
    a = engine.answerer
    a.params = a.params.with_values(pool_keep_top=1, pool_keep_top_many=3, candidate_chunks=4)
    # The fixture's few chunks are all in both lists: the one setting stays.
    assert len(a.data.chunk_doc) <= a.retriever.depth and a.keep_top() == 1
    a.retriever.depth = len(a.data.chunk_doc) - 1
    asked: dict[str, object] = {}
    rank = a.retriever.rank

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        asked.update(kwargs)
        return rank(*args, **kwargs)

    a.retriever.rank = spy  # type: ignore[method-assign]
    u = a.understand("sibling donor transplant")
    assert a.candidates(u.query, a.embedder.encode([u.query.expanded])[0])
    assert (asked["keep_top"], asked["keep_within"]) == (3, 4)


def test_the_options_for_a_disease_the_document_never_names_are_not_its_options(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    import json
    import shutil

    import bot
    from bot.settings import PROJECT_ROOT

    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "corpus", corpus)
    glossary = json.loads((corpus / "glossary.json").read_text())
    glossary["entries"].append({"term": "zeta lymphoma", "kind": "condition", "aliases": ["zl"]})
    (corpus / "glossary.json").write_text(json.dumps(glossary))
    engine = bot.load(corpus=corpus, index=tmp_path / "index", embedder=fake_embedder)
    for question in ("what are the options for zl?", "what are the treatment options for zeta lymphoma"):
        assert engine.session().ask(question).abstained, question
    assert not engine.session().ask("what are the treatment options for leukemia").abstained


def test_a_class_asked_for_the_asker_lists_its_members_whose_sentences_fit() -> None:
    from types import SimpleNamespace

    from bot.conditions import read
    from bot.evidence import Evidence
    from bot.forms import Forms
    from bot.params import default_params
    from bot.question import Analysis

    texts = [
        "Alphamab, an antibody, is for children and adults with relapsed disease.",
        "Betacel, a cell therapy, is for adults with relapsed disease.",
        "Gammacel, a cell therapy, is for patients up to 25 years of age.",
        "Cell therapies are effective.",
    ]
    names = [{"alphamab"}, {"betacel", "cell therapy"}, {"gammacel", "cell therapy"}, {"cell therapy"}]
    narrower = {"immunotherapy": ["alphamab", "cell therapy", "betacel", "gammacel"], "cell therapy": ["betacel", "gammacel"]}
    scorer = SimpleNamespace(
        document_rows=lambda doc: range(len(texts)), named=lambda r: frozenset(names[r]),
        conditions_of=lambda r: read(texts[r]),
        sentence=lambda r: Evidence(r, 0, 0, 10, 0, "prose", texts[r]),
    )
    glossary = SimpleNamespace(narrower=lambda t: narrower.get(t, []))
    forms = Forms(scorer, glossary, default_params())  # type: ignore[arg-type]
    best = [Evidence(2, 0, 0, 10, 0, "prose", texts[2], score=0.9)]

    def ask(text: str) -> list[str] | None:
        analysis = Analysis(text, "list", ["list"], False, ["immunotherapy"], conditions=read(text, True))
        draft = forms.members_fitting(analysis, best)
        return None if draft is None else [e.text.split(",")[0] for e in draft.blocks[-1].evidence]

    assert ask("My son is 8. Which immunotherapies are for him?") == ["Alphamab", "Gammacel"]
    assert ask("Which immunotherapies can a 40 year old get?") == ["Alphamab", "Betacel"]
    assert ask("Which immunotherapies are there?") is None  # no condition of the asker's: the list answers


def test_a_question_pointing_at_the_text_reads_its_chunks_whatever_search_put_first(engine) -> None:
    a = engine.answerer
    a.search_k = 1  # search's one chunk is another document's (the testis page on radiation therapy)
    u = a.understand("What radiation therapy is described here?")
    first = a.candidates(u.query, a.embedder.encode([u.query.expanded])[0])
    main = a.main_document()
    assert [int(engine.data.chunk_doc[c.row]) for c in first] != [main]
    answer = engine.session().ask("What radiation therapy is described here?")
    assert answer.citations and {c.doc_id for c in answer.citations} == {engine.data.documents[main].id}


def test_a_follow_up_ranks_the_chunks_of_the_document_being_read_among_themselves(engine) -> None:
    a = engine.answerer
    ranked_within: list[list[int]] = []
    within = a.retriever.rank_within

    def spy(text, rows, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        ranked_within.append(rows.tolist())
        return within(text, rows, *args, **kwargs)

    a.retriever.rank_within = spy  # type: ignore[method-assign]
    s = engine.session()
    first = s.ask("What is alphamab?")
    assert first.citations and first.citations[0].doc_id.startswith("drugs")
    ranked_within.clear()
    answer = s.ask("What are its side effects?")
    doc = engine.data.doc_pos[first.citations[0].doc_id]
    assert ranked_within == [a.retriever.document_chunks(doc).tolist()]
    assert answer.citations and answer.citations[0].doc_id == first.citations[0].doc_id


def test_a_heading_that_asks_chooses_its_document_but_the_sentences_after_it_answer(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    import json

    import bot

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docs = [
        {"id": "ms", "title": "Zetosis", "text": "What causes zetosis? Zetosis is caused by a change in the ZET1 gene."},
        {"id": "other", "title": "Other", "text": "Rain falls in spring. Zetosis is named after a town."},
    ]
    (corpus / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    engine = bot.load(corpus=corpus, index=tmp_path / "index", embedder=fake_embedder)
    answer = engine.ask("What causes zetosis?")
    quotes = [c.quote for c in answer.citations]
    assert not answer.abstained and quotes[0] == "Zetosis is caused by a change in the ZET1 gene."
    assert not any(q.endswith("?") for q in quotes)


def test_two_groups_set_against_each_other_are_compared_not_the_terms_named(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import ask_one_page

    text = ("A new round of chemotherapy may induce a second remission in most children and a third of adults. "
            "Stem cell transplantation following reinduction chemotherapy offers the greatest hope of cure.")
    a = ask_one_page(tmp_path, fake_embedder, text, "Reinduction chemo: second remission rate, peds vs adults?")
    # Not a table of "reinduction" beside "chemotherapy": the sentence stating both groups answers.
    assert "|" not in a.answer and a.citations[0].quote.startswith("A new round")


def test_a_broad_word_around_an_attribute_the_text_never_states_is_not_answered(engine) -> None:
    a = engine.session().ask("alphamab cost and insurance coverage overview")
    assert a.abstained and "cost" in a.answer
    # The overview alone is answered.
    assert not engine.session().ask("alphamab overview").abstained


def test_a_comparison_is_answered_first_by_the_sentence_that_speaks_of_both_sides(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import ask_one_page

    text = (
        "Inotuzumab ozogamicin, a CD22-directed antibody-drug conjugate with calicheamicin, is also available for "
        "adults with relapsed or refractory B-cell precursor ALL. One study found significantly higher remission "
        "rates after 1 to 2 cycles of therapy with inotuzumab ozogamicin than with standard chemotherapy (4)."
    )
    answer = ask_one_page(tmp_path, fake_embedder, text, "R/R B-ALL: ino vs standard chemo, what did the trial show for remission?")
    assert not answer.abstained and answer.citations[0].quote.startswith("One study found"), answer.answer


def test_a_subject_named_with_nothing_asked_of_it_is_answered_with_its_paragraph(engine) -> None:
    # "role of alphamab?" asks nothing of its own: the best sentence leads and the paragraph's other
    # sentences about alphamab follow; "what does alphamab target?" asks one thing, answered by one sentence.
    bare = engine.session().ask("role of alphamab?")
    quotes = [c.quote for c in bare.citations]
    assert quotes[0].startswith("Alphamab, a CD19-directed antibody")
    assert any(q.startswith("The most common symptoms after alphamab") for q in quotes[1:])
    assert not any("Betacel" in q for q in quotes)
    asked = engine.session().ask("What does alphamab target?")
    # (what else the text says nearly as closely follows apart, as related passages)
    answered = [m for p in asked.parts if p.kind != "related" for m in p.cites]
    assert [c.quote for c in asked.citations][:1] == quotes[:1] and answered == [1]
    # What it is: its paragraph, the definition first.
    what = [c.quote for c in engine.session().ask("What is alphamab?").citations]
    assert what[0] == quotes[0] and len(what) >= 2 and not any("Betacel" in q for q in what)


def test_a_comparison_table_is_followed_by_the_rest_of_each_sides_paragraph(engine) -> None:
    answer = engine.session().ask("What is the difference between alphamab and betacel?")
    kinds = [p.kind for p in answer.parts]
    assert kinds[:3] == ["compare", "lead", "items"], kinds
    table = [answer.citations[m - 1].quote for m in answer.parts[0].cites]
    more = [answer.citations[m - 1].quote for m in answer.parts[2].cites]
    assert table[0].startswith("Alphamab, a CD19") and table[1].startswith("Betacel, a CD22")
    assert any(q.startswith("Betacel may cause hepatotoxicity") for q in more)
    assert any("alphamab" in q for q in more) and not any(q.startswith("CNS") for q in more)
    # An attribute compared keeps to it: no more sentences unless they state it too.
    target = engine.session().ask("How do alphamab and betacel differ in what they target?")
    assert [p.kind for p in target.parts] == ["compare"]


def test_how_a_situation_goes_asked_of_no_term_quotes_its_paragraph_the_best_first() -> None:
    from bot.evidence import Evidence
    from bot.forms import Forms
    from bot.glossary import Glossary
    from bot.params import default_params
    from bot.question import Analysis
    from bot.settings import PROJECT_ROOT

    forms = Forms(None, Glossary.load(PROJECT_ROOT / "corpus" / "glossary.json"), default_params())  # type: ignore[arg-type]
    ominous = Evidence(1, 0, 0, 10, 0, "prose", "An early relapse is particularly ominous.", score=1.0)
    brief = Evidence(2, 0, 20, 30, 0, "prose", "A new round of chemotherapy may induce a second remission, but remissions tend to be brief.", score=0.8)
    other = Evidence(5, 0, 60, 70, 1, "prose", "Stem cell transplantation offers the greatest hope of cure.", score=0.9)
    prognosis = Analysis("How serious is an early relapse?", "prognosis", ["prognosis"], False, [])
    blocks = forms.quotes(prognosis, [ominous, other, brief], ominous).blocks
    quoted = [e for b in blocks if b.kind != "related" for e in b.evidence]
    assert quoted == [ominous, brief]  # its paragraph, not another's (which may follow apart, as related)
    assert [e for b in blocks if b.kind == "related" for e in b.evidence] in ([], [other])
    # A narrow type keeps to one sentence.
    dose = Analysis("What dose is given after an early relapse?", "dose", ["dose"], False, [])
    assert [e for b in forms.quotes(dose, [ominous, other, brief], ominous).blocks for e in b.evidence] == [ominous]


def test_a_quote_that_never_names_what_was_asked_comes_with_the_sentence_of_its_paragraph_that_does(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import one_page

    text = ("Tisagenlecleucel, a CD19-directed T-cell immunotherapy, is available for patients up to 25 years of age. "
            "Life-threatening toxicities may include cytokine release syndrome and neurologic toxicities.\n\n"
            "Stem cell transplantation offers the greatest hope of cure if an HLA-matched sibling is available. "
            "Cells from other relatives or from matched, unrelated donors are sometimes used.")
    engine = one_page(tmp_path, fake_embedder, text)
    answer = engine.session().ask("What are the side effects of tisagenlecleucel?")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Life-threatening") and any(q.startswith("Tisagenlecleucel") for q in quotes[1:]), answer.answer
    # A quote naming it stands alone.
    named = [c.quote for c in engine.session().ask("Who can get tisagenlecleucel?").citations]
    assert named[0].startswith("Tisagenlecleucel") and len(named) == 1, named


def test_a_one_quote_answer_shows_what_else_the_text_says_nearly_as_closely_apart_but_not_for_a_value(engine) -> None:
    answer = engine.session().ask("Who can get betacel?")
    kinds = [p.kind for p in answer.parts]
    assert kinds[0] == "quote" and kinds[1:] == ["lead", "related"], kinds
    assert answer.parts[1].text == "Related passages:" and "Related passages:" in answer.answer
    related = [answer.citations[m - 1].quote for m in answer.parts[2].cites]
    assert related and all(q != answer.citations[0].quote for q in related)
    # A yes/no check or one value asked (a dose, an age limit): the sentence alone.
    assert all(p.kind != "related" for p in engine.session().ask("Is alphamab for adults?").parts)
    assert all(p.kind != "related" for p in engine.session().ask("What does alphamab target?").parts)


def test_each_group_gives_whom_a_treatment_is_for_before_an_outcome_in_the_group(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import ask_one_page

    text = ("Although a new round of chemotherapy may induce a second remission in the majority of children and about one third of adults, "
            "subsequent remissions tend to be brief.\n\n"
            "Blinatumomab is available for children and adults with relapsed ALL.\n\n"
            "Inotuzumab ozogamicin is also available for adults with relapsed ALL.\n\n"
            "Brexucabtagene autoleucel can be used to treat adult patients with relapsed ALL.\n\n"
            "Tisagenlecleucel is available for the treatment of patients up to 25 years of age.")
    answer = ask_one_page(tmp_path, fake_embedder, text, "relapsed ALL agents - which are for adults, which for kids?")
    assert [p.text for p in answer.parts if p.kind == "lead"][:2] == ["For adults:", "For children:"]
    assert answer.citations[0].quote.startswith("Blinatumomab")
    adults = [answer.citations[m - 1].quote for m in answer.parts[1].cites]
    assert adults[0].startswith("Blinatumomab") and not any(q.startswith("Although") for q in adults[:-1])


def test_a_list_item_is_never_quoted_without_the_qualifier_its_paragraph_gives_the_list(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import QUALIFIED_LIST, ask_one_page

    text = ("Blinatumomab is available for children and adults with relapsed ALL.\n\n" + QUALIFIED_LIST + "\n\n"
            "Nelarabine (a purine nucleoside) analog prodrug of guanosine arabinoside: For T-cell ALL after 2 prior regimens")
    answer = ask_one_page(tmp_path, fake_embedder, text, "What is nelarabine used for?")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Nelarabine")
    assert any("not been convincingly demonstrated" in q for q in quotes)
    assert len(quotes) == len(set(quotes))  # (not again among the related passages)


def test_donor_options_and_age_limits_quote_a_sentence_for_each(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import ask_one_page

    text = ("Stem cell transplantation offers the greatest hope of cure if an HLA-matched sibling is available. "
            "Cells from other relatives or from matched, unrelated donors are sometimes used. "
            "Transplantation is rarely used for patients > 65 years because it is much less likely to be successful.")
    quotes = [c.quote for c in ask_one_page(tmp_path, fake_embedder, text, "Transplant in relapsed ALL: donor options and age limits?").citations]
    assert any(q.startswith("Transplantation is rarely used") for q in quotes)
    assert any("sibling" in q or "donors" in q for q in quotes)


def _ranked(engine, question: str):  # noqa: ANN202
    a = engine.answerer
    u = a.understand(question)
    qvec = a.embedder.encode([u.query.expanded])[0]
    return u, a.evidence(u, qvec, a.candidates(u.query, qvec))


def test_groups_set_side_by_side_are_answered_per_group_unless_asked_how_they_fare(engine):
    # "Which treatments are for children and which for adults?": the treatments for each group. "The odds for
    # kids vs adults": how each fares, which a sentence on both says; not the treatments each may be given.
    forms = engine.answerer.forms
    u, ranked = _ranked(engine, "Which treatments are for children and which for adults?")
    assert forms.by_condition(u.analysis, ranked) is not None
    u, ranked = _ranked(engine, "what are the odds for children vs adults?")
    assert "prognosis" in u.analysis.types and forms.by_condition(u.analysis, ranked) is None
