"""Sibling pages and namesakes (bot/siblings.py): a document's aspect and a namesake's title, in the answer."""

from __future__ import annotations

import json
from pathlib import Path

from bot.siblings import aspects, said_title

# One condition's page split by aspect, as health sites (and MedQuAD) do, and a namesake condition.
SIBLINGS = [
    {"id": "gout-info", "title": "Gout", "section": "information",
     "text": "Gout is a form of arthritis that causes sudden pain and swelling in the joints of people with gout."},
    {"id": "gout-treat", "title": "Gout", "section": "treatment",
     "text": "Gout is treated with medicines that lower uric acid and with anti-inflammatory drugs for the pain."},
    {"id": "gout-symptoms", "title": "Gout", "section": "symptoms",
     "text": "The symptoms of gout are sudden pain, swelling and redness of a joint, often the big toe."},
    {"id": "pseudogout-info", "title": "Tophaceous gout", "section": "information",
     "text": "Tophaceous gout is a form of arthritis that causes sudden pain and swelling in the joints, like gout."},
    {"id": "kidney-info", "title": "Kidney stones", "section": "information",
     "text": "Kidney stones are hard deposits of minerals and salts that form inside the kidneys."},
]


def test_a_question_asks_for_the_aspects_it_names_or_else_the_general_one() -> None:
    a = aspects()
    assert a.asked("What are the treatments for gout?") == {"treatment"}
    assert a.asked("How to diagnose dry eye?") == {"exams and tests"}
    assert a.asked("Is cystic fibrosis inherited?") == {"inheritance"}
    assert a.asked("What is (are) gout?") == {"information"}
    assert a.of_label("Exams and Tests") == "exams and tests"
    assert a.of_label("something else") is None


def test_a_title_is_said_when_the_question_says_all_its_words_and_its_designator() -> None:
    assert said_title("What is (are) Spinal Cord Injury ?", "spinal cord injury") == 3
    assert said_title("Can an abscessed tooth cause a heart attack?", "heart attack") == 2
    assert said_title("What is diabetes?", "diabetic heart disease") == 0
    # "type I" tells namesakes apart, though "type" and "I" are stop words.
    assert said_title("What are the symptoms of osteogenesis imperfecta?", "osteogenesis imperfecta type i") == 0
    assert said_title("What causes osteogenesis imperfecta type I?", "osteogenesis imperfecta type i") == 2
    assert said_title("What is anything?", "") == 0


def _engine(tmp_path: Path, fake_embedder):  # noqa: ANN001, ANN202
    import bot

    path = tmp_path / "siblings.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in SIBLINGS), encoding="utf-8")
    return bot.load(corpus=path, index=tmp_path / "index", embedder=fake_embedder)


def _ranked(engine, question: str):  # noqa: ANN001, ANN202
    """The question as understood, and the evidence the answer path scores for it."""
    answerer = engine.answerer
    understood = answerer.understand(answerer.clean(question).text)
    qvec = answerer.embedder.encode([understood.query.expanded])[0]
    return understood, answerer.evidence(understood, qvec, answerer.candidates(understood.query, qvec))


def test_a_sibling_page_on_another_aspect_is_penalised(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    engine = _engine(tmp_path, fake_embedder)
    answer = engine.session().ask("What are the treatments for gout?")
    assert not answer.abstained
    assert answer.citations[0].doc_id == "gout-treat"
    scorer = engine.answerer.scorer
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    assert scorer.siblings.aspect(docs["gout-symptoms"]) == "symptoms"
    assert engine.params.p_aspect > 0


def test_a_namesake_title_with_words_the_question_lacks_costs_relative_to_the_best(
    tmp_path: Path, fake_embedder  # noqa: ANN001
) -> None:
    engine = _engine(tmp_path, fake_embedder)
    scorer = engine.answerer.scorer
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    extras = scorer.siblings.title_extras("What is gout?", [docs["gout-info"], docs["pseudogout-info"]])
    assert extras[docs["gout-info"]] == 0.0
    assert extras[docs["pseudogout-info"]] == 0.5
    # One document alone is never penalised, whatever its title says.
    assert scorer.siblings.title_extras("What is gout?", [docs["pseudogout-info"]]) == {docs["pseudogout-info"]: 0.0}
    # A title naming nothing of the question is no yardstick: the one naming its topic is not penalised.
    assert set(scorer.siblings.title_extras("What is gout?", [docs["pseudogout-info"], docs["kidney-info"]]).values()) == {0.0}
    # Beside namesakes, a title naming nothing of the question costs as much as the farthest of them:
    # naming part of the question never scores below naming none of it.
    three = scorer.siblings.title_extras("What is gout?", [docs["gout-info"], docs["pseudogout-info"], docs["kidney-info"]])
    assert three[docs["kidney-info"]] == three[docs["pseudogout-info"]] == 0.5
    answer = engine.session().ask("What is gout?")
    assert answer.citations and answer.citations[0].doc_id == "gout-info"


def test_a_paragraph_and_a_title_say_a_question_word_as_a_sentence_does(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    # "treatment" is said by a paragraph's "treated" just as by a sentence's: the stemmer keeps them apart.
    engine = _engine(tmp_path, fake_embedder)
    answerer = engine.answerer
    understood, ranked = _ranked(engine, "What is the treatment of gout?")
    treat = next(e for e in ranked if engine.data.documents[e.doc].id == "gout-treat")
    stems = answerer.scorer.stems(understood.query.expanded)
    assert "treatment" in stems and "treatment" not in answerer.scorer.stems(SIBLINGS[1]["text"])
    assert treat.context == 1.0


def test_a_word_only_other_documents_use_costs_as_one_the_corpus_lacks(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    import pytest

    engine = _engine(tmp_path, fake_embedder)
    understood, ranked = _ranked(engine, "Do mineral deposits cause gout?")
    gout = next(e for e in ranked if engine.data.documents[e.doc].id == "gout-info")
    weight = understood.analysis.subject["deposits"]
    assert weight > 0 and "deposits" in gout.missing
    # "deposits" is a word of the corpus (the kidney page), but never of the gout page.
    assert gout.missing_weight >= weight * engine.params.unknown_word_cost - 1e-9
    assert engine.params.unknown_word_cost > 1
    assert gout.missing_weight == pytest.approx(sum(
        understood.analysis.subject[w] * engine.params.unknown_word_cost for w in gout.missing
    ))


def test_a_general_page_answers_an_aspect_no_page_of_its_topic_covers(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    engine = _engine(tmp_path, fake_embedder)
    siblings = engine.answerer.scorer.siblings
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    treatment = frozenset({"treatment"})
    # Gout has a treatment page beside its general one: the general page answers another question.
    assert siblings.other_aspect(docs["gout-info"], treatment, dedicated=False)
    # Kidney stones have only a general page: it is where the text says how they are treated, if anywhere.
    assert not siblings.other_aspect(docs["kidney-info"], treatment, dedicated=False)
    # ... unless a page on that aspect, titled as the question names its topic, is among the candidates.
    assert siblings.dedicated("How are gout attacks treated?", [docs["gout-treat"]], treatment)
    assert not siblings.dedicated("How are kidney stones treated?", [docs["gout-treat"]], treatment)
    assert siblings.other_aspect(docs["kidney-info"], treatment, dedicated=True)
    # A page on another aspect stays another aspect's page, whatever its topic has.
    assert siblings.other_aspect(docs["gout-symptoms"], treatment, dedicated=False)


def test_the_page_written_for_the_aspect_asked_answers_in_its_own_words(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    rows = SIBLINGS + [{"id": "gout-freq", "title": "Gout", "section": "frequency",
                        "text": "Gout occurs in about four in a hundred adults; it is rare in young women."}]
    path = tmp_path / "freq.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    import bot

    engine = bot.load(corpus=path, index=tmp_path / "index", embedder=fake_embedder)
    question = "How many people are affected by gout?"
    answer = engine.session().ask(question)
    assert not answer.abstained and answer.citations[0].doc_id == "gout-freq"
    from scripts.fit_scale import with_values

    # Without the rule, no sentence states a figure the way the question type's pattern reads one.
    assert with_values(engine, {"need_dedicated": 0}).session().ask(question).abstained


def test_search_topics_are_the_titles_of_its_first_documents(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    engine = _engine(tmp_path, fake_embedder)
    siblings = engine.answerer.scorer.siblings
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    ranking = [docs["gout-treat"], docs["gout-info"], docs["kidney-info"], docs["pseudogout-info"]]
    assert siblings.topics(ranking, 2) == {"gout"}
    assert siblings.topics(ranking, 3) == {"gout", "kidney stones"}


def test_the_page_on_the_aspect_asked_beside_a_found_sibling_is_read(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    engine = _engine(tmp_path, fake_embedder)
    siblings = engine.answerer.scorer.siblings
    docs = {d.id: i for i, d in enumerate(engine.data.documents)}
    found = [docs["gout-symptoms"], docs["kidney-info"]]
    assert siblings.asked_siblings(found, frozenset({"information"}), 1) == [docs["gout-info"]]
    assert siblings.asked_siblings(found, frozenset({"treatment"}), 2) == [docs["gout-treat"]]
    # A found page on the aspect asked needs no sibling; nor does a page outside any topic's run.
    assert siblings.asked_siblings([docs["gout-info"]], frozenset({"information"}), 1) == []
    assert siblings.asked_siblings([docs["kidney-info"]], frozenset({"treatment"}), 1) == []


def test_the_scorer_reads_aspects_and_titles_only_where_they_can_matter(tmp_path: Path, fake_embedder) -> None:  # noqa: ANN001
    from bot.siblings import question_stems

    siblings = _engine(tmp_path, fake_embedder).answerer.scorer.siblings
    q = "What are the treatments for gout?"
    docs = {0, 1, 3}  # pages naming their aspect: read as before
    assert siblings.weigh(q, q, docs, True) == (
        aspects().asked(q), siblings.title_extras(question_stems(q), docs),
        siblings.dedicated(question_stems(q), docs, aspects().asked(q)),
    )
    assert siblings.weigh(q, q, docs, True)[2]  # the treatment page, its title said in full
    assert siblings.weigh(q, q, {1}, False)[1] == {}  # titles not weighed: the scorer reads 0.0 for each

    class Unlabelled:  # the same documents without the record's aspect (a PDF, a web page)
        def __init__(self, inner) -> None:  # noqa: ANN001
            self.inner = inner

        def __getitem__(self, i: int):  # noqa: ANN204
            return self.inner[i].model_copy(update={"metadata": {}})

        def __len__(self) -> int:
            return len(self.inner)

    siblings.data.documents = Unlabelled(siblings.data.documents)
    siblings._aspect.cache_clear()
    asked, extras, dedicated = siblings.weigh(q, q, {1}, True)
    assert (asked, extras, dedicated) == (frozenset(), {}, False)  # one page, no aspect: nothing to weigh
    assert siblings.weigh(q, q, {0, 4}, True)[1] == siblings.title_extras(question_stems(q), {0, 4})
