"""The glossary's home document beside unrelated pages (bot/home.py), on the fixture corpus."""

from bot.home import names_asked


def _beside_a_namesake(tmp_path, fake_embedder):  # noqa: ANN001, ANN202
    """The fixture corpus and a page on another disease that names relapse and the CNS too."""
    import json
    import shutil

    import bot
    from bot.settings import PROJECT_ROOT

    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "corpus", corpus)
    page = {
        "id": "nb-1", "title": "Neuroblastoma", "section": "treatment",
        "text": "Neuroblastoma that comes back in the CNS is treated with surgery. "
        "A CNS relapse of neuroblastoma is treated with radiation therapy.",
    }
    with (corpus / "extra.jsonl").open("a") as f:
        f.write(json.dumps(page) + "\n")
    return bot.load(corpus=corpus, index=tmp_path / "index", embedder=fake_embedder)


def test_a_question_in_the_glossarys_words_is_answered_by_its_home_document(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    engine = _beside_a_namesake(tmp_path, fake_embedder)
    a = engine.answerer
    home = a.home.document(a.params)
    assert home is not None and engine.data.documents[home].id == "drugs"
    off = a.params.with_values(home_lacks_below=0.0)
    on = a.params.with_values(home_lacks_below=2.0)
    for question in ("How is a CNS relapse treated?", "how do they treat a relapse in the brain"):
        a.params = off  # the namesake's sentence says the question's words best
        assert engine.session().ask(question).citations[0].doc_id == "nb-1", question
        a.params = on
        answer = engine.session().ask(question)
        assert answer.citations[0].quote.startswith("CNS relapse treatment includes"), question
    # A word the home document never uses, rare enough to say what is asked about, leaves it to the evidence.
    assert a.home.about(a.understand("How is a relapse of neuroblastoma in the CNS treated?").analysis, [], a.params) is None
    assert engine.session().ask("How is a relapse of neuroblastoma in the CNS treated?").citations[0].doc_id == "nb-1"
    # So does a glossary term it never names (the testis is another page's).
    assert a.home.about(a.understand("How is a relapse in the testis treated?").analysis, [], a.params) is None
    assert a.home.about(a.understand("How is a CNS relapse treated?").analysis, [], a.params) == home


def test_the_glossarys_home_names_a_large_share_of_its_terms(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    engine = _beside_a_namesake(tmp_path, fake_embedder)
    a = engine.answerer
    a.params = a.params.with_values(home_glossary_share=0.99)  # drugs.md names 11 of the 14 terms
    assert a.main_document() is not None and a.home.document(a.params) is None
    assert a.home.about(a.understand("How is a CNS relapse treated?").analysis, [], a.params) is None


def test_one_document_is_no_home_to_choose(engine) -> None:
    import numpy as np

    a = engine.answerer
    a.data.documents = a.data.documents[:1]
    a.data.chunk_doc = np.zeros_like(a.data.chunk_doc)
    assert a.home.about(a.understand("How is a CNS relapse treated?").analysis, [], a.params) is None


def test_a_question_naming_no_glossary_term_is_the_homes_when_it_uses_the_words_as_fully(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    engine = _beside_a_namesake(tmp_path, fake_embedder)
    a = engine.answerer
    home = a.home.document(a.params)

    def home_for(question: str, untermed: int = 1) -> int | None:
        a.params = a.params.with_values(home_untermed=untermed)
        u = a.understand(question)
        assert not u.analysis.mentions, question
        cands = a.candidates(u.query, a.embedder.encode([u.query.expanded])[0])
        assert any(engine.data.documents[int(engine.data.chunk_doc[c.row])].id == "nb-1" for c in cands)
        return a.home.about(u.analysis, cands, a.params)

    # "symptoms" is the home's word, the neuroblastoma page's is "surgery".
    assert home_for("What are the most common symptoms?") == home
    assert home_for("What are the most common symptoms?", untermed=0) is None
    assert home_for("What does surgery do?") is None


def test_a_document_naming_a_kind_of_the_term_asked_names_it() -> None:
    from bot.glossary import Entry, Glossary

    glossary = Glossary([Entry("donors", "concept"), Entry("unrelated donors", "concept", broader=("donors",)),
                         Entry("age", "concept")])
    assert names_asked({"donors", "age"}, frozenset({"unrelated donors", "age"}), glossary) == 2
    assert names_asked({"donors", "age"}, frozenset({"age"}), glossary) == 1
    # A broader term named does not name its kinds: a page on "donors" says nothing of unrelated ones.
    assert names_asked({"unrelated donors"}, frozenset({"donors"}), glossary) == 0


OPTIONS_PAGE = ("Although a new round of chemotherapy may induce a second remission in most children, remissions tend to be brief.\n\n"
                "Stem cell transplantation offers the greatest hope of cure if a matched sibling is available.\n\n")


def test_how_the_disease_of_the_title_is_treated_asks_for_its_options(tmp_path, fake_embedder) -> None:  # noqa: ANN001
    from pages import SITES_PAGE, one_page

    engine = one_page(tmp_path, fake_embedder, OPTIONS_PAGE + SITES_PAGE)  # titled "Relapsed ALL"
    a = engine.answerer
    treated = [a.home.treated(a.understand(q).analysis, a.params) for q in (
        "How is relapsed ALL treated?", "how do you treat ALL that has come back?",
        "How is a CNS relapse treated?",  # a site: its paragraph
        "How is diabetes treated?",  # not the disease the page is about
        "What are the side effects of treating relapsed ALL?",  # another thing asked
    )]
    assert treated == [True, True, False, False, False]
    answer = engine.session().ask("How is relapsed ALL treated?")
    quotes = [c.quote for c in answer.citations]
    assert answer.answer.startswith("The text describes these options")
    assert quotes[0].startswith("Although a new round of chemotherapy") and any(q.startswith("Stem cell transplantation") for q in quotes)


def test_the_title_is_read_once_not_at_every_question(tmp_path, fake_embedder, monkeypatch) -> None:  # noqa: ANN001
    from pages import SITES_PAGE, one_page

    import bot.home

    engine = one_page(tmp_path, fake_embedder, OPTIONS_PAGE + SITES_PAGE)
    a = engine.answerer
    calls: list[str] = []
    real = bot.home.analyse
    monkeypatch.setattr(bot.home, "analyse", lambda text, g: calls.append(text) or real(text, g))
    for q in ("How is relapsed ALL treated?", "how do you treat ALL that has come back?", "How is relapsed ALL treated?"):
        assert a.home.treated(a.understand(q).analysis, a.params)
    assert calls == ["Relapsed ALL"]
