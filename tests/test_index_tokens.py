"""BM25 tokenising: the index build and a single query must tokenise alike."""

from pathlib import Path

from bot.index_store.tokens import bm25_tokens, query_tokens, stopwords


def test_query_tokens_match_the_index_tokenizer(corpus_dir: Path):
    # Queries skip bm25s's batch tokenizer for speed; a token it would make differently would miss.
    from bot.corpus import load_corpus

    docs, _ = load_corpus(corpus_dir)
    texts = [d.text for d in docs] + [
        "", "?!", "What are CAR-T's side effects?", "Blincyto® ≥ 2 doses, e.g. IT MTX", "Ünïcode naïve café 10mg",
        "THE and OF the", "x y z", "relapsed relapsing relapses", "tisagenlecleucel\tvs\nbrexucabtagene",
    ]
    for text in texts:
        assert query_tokens(text) == bm25_tokens([text])[0], text


def test_stopwords_are_bm25s_public_english_list():
    from bm25s.stopwords import STOPWORDS_EN

    assert stopwords() == tuple(STOPWORDS_EN) and "the" in stopwords()
    assert query_tokens("the treatments of the leukemia") == ["treatment", "leukemia"]


def test_keyword_scores_read_from_the_saved_arrays_equal_bm25s_own(engine):
    # The answer path scores BM25 from bm25s's saved arrays without importing bm25s: same numbers.
    import bm25s
    import numpy as np

    from bot.index_store.keyword import KeywordIndex

    ours = engine.data.bm25
    assert isinstance(ours, KeywordIndex)
    theirs = bm25s.BM25.load(str(engine.data.path / "bm25"), mmap=True, show_progress=False, verbosity=0)
    for q in ("alphamab side effects", "testicular relapse relapse", "betacel dose for adults", "zzz unknown"):
        tokens = [t for t in query_tokens(q) if t in theirs.vocab_dict]
        if not tokens:
            assert not any(t in ours.vocab_dict for t in query_tokens(q))
            continue
        assert np.allclose(ours.get_scores(tokens), theirs.get_scores(tokens), atol=1e-6), q
        assert ours.get_scores(tokens).any()


def test_the_index_records_its_stopwords_and_queries_use_them(engine):
    from bot.index_store.tokens import QueryTokenizer

    assert engine.data.manifest["keywords"]["stopwords"] == list(stopwords())
    for q in ("What are the side effects of alphamab?", "THE and OF the", ""):
        assert engine.data.query_tokens(q) == query_tokens(q)
    # Another stopword list recorded at build time is what queries then use.
    own = QueryTokenizer({**engine.data.manifest["keywords"], "stopwords": ["side"]})
    assert own("the side effects") == ["the", "effect"]
    assert QueryTokenizer(None)("the side effects") == query_tokens("the side effects")
