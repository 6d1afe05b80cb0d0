"""bot.web.render: Answer -> HTML from parts and citations; everything from users and the corpus escaped."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from bot.models import Answer, Citation, Part
from bot.web.render import answer_html, answer_text, esc, first_words, html_text, question_html

XSS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    "[click me](http://example.com/steal)",
    "![img](http://example.com/x.png)",
    "$$x$$ **bold** `code` <a href='javascript:alert(1)'>a</a>",
]


def cite(marker: int = 1, doc: str = "d", quote: str = "Q <b>bold</b>.", **kw: Any) -> Citation:
    context = f"Before it. {quote} After [x](http://e)."
    base: dict[str, Any] = dict(
        doc_id=doc, quote=quote, start=11, end=11 + len(quote), score=0.9, marker=marker, chunk_id=f"{doc}#0",
        title=f"Title of {doc} <i>", date="2024-01-15", context=context, context_start=0,
    )
    return Citation(**{**base, **kw})


def answer(**kw: Any) -> Answer:
    base: dict[str, Any] = dict(answer="(markdown the page must not parse) *x*", abstained=False, confidence=0.8)
    return Answer(**{**base, **kw})


@pytest.mark.parametrize("text", XSS)
def test_user_text_is_escaped_for_html_and_markdown(text: str):
    shown = question_html(text)
    inner = shown.removeprefix('<div class="bot-question">').removesuffix("</div>")
    assert "<" not in inner and ">" not in inner and "[" not in inner and "(" not in inner and "*" not in inner
    assert html.unescape(inner) == text  # shown as exactly what was typed


def test_a_long_question_shows_the_part_that_is_kept():
    shown = question_html("word " * 500, limit=100)
    assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == ("word " * 500)[:100] + " …"


def test_escaping_keeps_one_html_block():
    assert esc("a\n\nb\r\nc") == "a<br><br>b<br>c"
    out = answer_html(answer(citations=[cite(quote="x\n\ny")], parts=[Part(kind="quote", cites=[1])]))
    assert "\n" not in out


def test_a_quote_has_a_marker_button_and_a_source_row_labelled_by_its_words():
    a = answer(citations=[cite()], parts=[Part(kind="quote", cites=[1])], searched_for="what is q")
    out = answer_html(a)
    assert '<p class="bot-searched">Searched for: what is q</p>' in out
    assert '<button type="button" class="bot-marker bot-cite-1">&#91;1&#93;' in out
    assert '<details class="bot-source bot-cite-1"><summary><span class="bot-num">&#91;1&#93;</span> ' in out
    assert "“Q &lt;b&gt;bold&lt;/b&gt;.”</summary>" in out  # the row's label is the quote itself
    assert '<p class="bot-doc-title">Title of d &lt;i&gt; — dated 2024&#45;01&#45;15</p>' in out
    assert "<mark>Q &lt;b&gt;bold&lt;/b&gt;.</mark>" in out  # highlighted in its paragraph
    assert "Before it." in html.unescape(out)
    assert "<b>" not in out and "<i>" not in out and "](" not in out and "*x*" not in out
    assert "characters" not in out and "11" not in out  # no offsets on the page
    assert "Confidence 0.80" in out
    assert "Confidence" not in answer_html(a, show_confidence=False)  # the kiosk's


def test_sources_are_one_entry_per_document_with_one_row_per_quote():
    long = "Alphamab is given as a continuous infusion over four weeks followed by two weeks without it."
    cites = [cite(1, "a", "First of a."), cite(2, "b", "Only of b."), cite(3, "a", long)]
    a = answer(citations=cites, parts=[Part(kind="quote", cites=[1]), Part(kind="items", cites=[2, 3])])
    out = answer_html(a)
    assert out.count('class="bot-doc"') == 2 and out.count("<details") == 3
    sources = out[out.index("bot-sources") :]
    assert sources.index("Title of a") < sources.index("First of a") < sources.index("Alphamab is given")
    assert sources.index("Alphamab is given") < sources.index("Title of b")
    labels = re.findall(r"<summary>(.*?)</summary>", out)
    assert len(set(labels)) == 3  # every row can be told apart
    assert first_words(long) in html.unescape(labels[1]) and first_words(long).endswith("…")
    assert '<ul class="bot-items"><li>“Only of b.” ' in out and out.count("<li>") == 2


def test_compare_part_is_a_table_with_its_labels_as_column_heads():
    a = answer(citations=[cite(1, "a", "A does x."), cite(2, "b", "B does y.")],
               parts=[Part(kind="compare", cites=[1, 2], labels=["alpha", "beta"])])
    out = answer_html(a)
    assert '<th scope="col">alpha</th><th scope="col">beta</th>' in out
    assert '<th scope="row">What the text says</th><td>“A does x.” ' in out and out.count("<td>") == 3


def test_parts_render_in_order_and_unknown_kinds_generically():
    lead = Part(kind="lead", text="The text describes these options:")
    other = Part.model_construct(kind="group", text="Immunotherapy", cites=[2], labels=[])  # a future kind
    a = answer(citations=[cite(1, quote="One."), cite(2, quote="Two.")], parts=[lead, Part(kind="quote", cites=[1]), other])
    text = html_text(answer_html(a))
    assert text.index("The text describes") < text.index("“One.”") < text.index("Immunotherapy") < text.index("“Two.”")


def test_notes_are_plain_text_without_asterisks():
    a = answer(notes=["Your question was cut to its first 1000 characters."], citations=[cite()],
               parts=[Part(kind="quote", cites=[1])])
    out = answer_html(a)
    assert '<p class="bot-note">Your question was cut to its first 1000 characters.</p>' in out
    assert "*" not in html.unescape(out)


def test_abstention_is_a_notice_with_nearest_passages_grouped_the_same_way():
    reason = "The text does not state a dose for alphamab."
    related = [cite(1, "a", "Near one."), cite(2, "a", "Near two."), cite(3, "b", "Near three.")]
    a = answer(abstained=True, status="abstain", reason=reason, related=related, confidence=0.2,
               parts=[Part(kind="note", text=reason)])
    out = answer_html(a)
    assert 'class="bot-abstain" role="note"' in out and "Not answered by the text" in out
    assert out.count(esc(reason)) == 1  # the note part is the notice, not repeated
    assert "Nearest passages in the text" in out and out.count("<details") == 3 and out.count('class="bot-doc"') == 2
    assert "bot-marker" not in out and "Confidence" not in out


@pytest.mark.parametrize(
    ("status", "title"),
    [("language", "Please ask in English"), ("advice", "Not personal medical advice"), ("empty", "No question")],
)
def test_statuses_have_their_own_notice_with_the_reason_or_a_default(status: str, title: str):
    plain = answer_text(answer(abstained=True, status=status))
    assert plain.startswith(title) and len(plain.splitlines()) == 2
    why = answer_text(answer(abstained=True, status=status, reason="Because."))
    assert why.splitlines() == [title, "Because."]


def test_language_notice_says_it_answers_in_english():
    assert "English" in answer_text(answer(abstained=True, status="language"))


def test_partial_answer_quotes_first_then_names_what_is_missing():
    a = answer(status="partial", reason="The text covers only part of this.", missing=["pregnancy", "cost"],
               citations=[cite(quote="What it says.")], parts=[Part(kind="quote", cites=[1])])
    lines = answer_text(a).splitlines()
    assert lines[0].startswith("“What it says.”")
    assert lines[1:4] == ["Answered in part", "The text covers only part of this.",
                          "The text does not cover: pregnancy, cost."]
    assert 'class="bot-partial" role="note"' in answer_html(a)


def test_an_answer_without_parts_shows_its_citations_or_its_text_as_plain_text():
    assert "“Q <b>bold</b>.” [1]" in answer_text(answer(citations=[cite()]))
    shown = answer_html(answer(answer="The source “T” is dated 2024-01-15. *x*"))
    assert "<em>" not in shown and html_text(shown) == "The source “T” is dated 2024-01-15. *x*"


def test_highlight_falls_back_to_finding_the_quote_when_offsets_disagree():
    out = answer_html(answer(citations=[cite(context_start=5)], parts=[Part(kind="quote", cites=[1])]))
    assert "<mark>Q &lt;b&gt;bold&lt;/b&gt;.</mark>" in out


def test_a_pdf_quote_shows_its_page_and_section_in_the_source_view() -> None:
    from bot.models import Answer, Citation, Part
    from bot.web.render import answer_html

    c = Citation(doc_id="protocol", quote="Give the drug weekly.", start=10, end=31, score=0.9, marker=1,
                 title="Protocol", page=4, section="Treatment > Relapse", context="Give the drug weekly.",
                 context_start=10)
    html = answer_html(Answer(answer="x", abstained=False, confidence=0.9, citations=[c],
                              parts=[Part(kind="quote", cites=[1])]))
    assert "p. 4" in html and "Treatment &gt; Relapse" in html


def test_related_passages_are_a_list_of_their_own_after_the_answer():
    a = answer(citations=[cite(), cite(marker=2, quote="Another sentence of the text.")],
               parts=[Part(kind="quote", cites=[1]), Part(kind="lead", text="Related passages:"), Part(kind="related", cites=[2])])
    out = answer_html(a)
    assert '<ul class="bot-items bot-related">' in out and "Another sentence of the text." in out
    assert out.index("Related passages&#58;") < out.index('<ul class="bot-items bot-related">')
    assert "Related passages:\n“Another sentence of the text.” [2]" in answer_text(a)
