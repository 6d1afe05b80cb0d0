"""Answer -> HTML for the chat page, from the answer's structured parts and citations (never its markdown).

    answer_html(answer)                          # one assistant message
    answer_html(answer, show_confidence=False)   # the kiosk's: no confidence number for visitors
    answer_text(answer)                          # the same message as plain text (accessible names, tests)

Every piece of text that comes from a user or from the corpus is escaped: it renders as itself whether or
not the chat's renderer parses markdown. Sources are grouped by document; each quoted sentence is one
expandable row labelled with its first words, opening to its paragraph with the quote highlighted.
Character offsets stay in the API and are never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import Answer, Citation, Part

# html.escape plus the characters markdown (and LaTeX) give meaning to, as numeric entities.
_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    **{c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~$:=^%"},
}
_TABLE = str.maketrans(_ESCAPES)
LABEL_WORDS = 12  # a source row is labelled with its quote's first words


def esc(text: object) -> str:
    """Text for HTML (body or attribute) that no markdown or HTML parser can turn into markup."""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)
    return s.replace("\n", "<br>")  # no raw newline: the whole message stays one HTML block


def first_words(text: str, n: int = LABEL_WORDS) -> str:
    words = text.split()
    return " ".join(words) if len(words) <= n else " ".join(words[:n]).rstrip(",;:") + " …"


@dataclass(frozen=True)
class Notice:
    title: str
    default: str


# How each status that is not a plain answer is announced; the answer's own reason replaces the default.
NOTICES = {
    "abstain": Notice("Not answered by the text", "The text does not answer this question."),
    "language": Notice(
        "Please ask in English",
        "I answer from an English text, in English, by quoting it. Please ask your question in English.",
    ),
    "advice": Notice(
        "Not personal medical advice",
        "I cannot advise on a person's care. Please ask the clinician who knows the patient.",
    ),
    "partial": Notice("Answered in part", "The text answers only part of this question."),
    "empty": Notice("No question", "Please type a question about the text."),
}


def _marker(n: int) -> str:
    # A button: it opens source n in place (bot/static/chat.js). Classes carry the number: the chat's
    # sanitizer drops data- and aria- attributes.
    return (
        f'<button type="button" class="bot-marker bot-cite-{n}">&#91;{n}&#93;'
        f'<span class="bot-sr"> open source {n}</span></button>'
    )


def _quote(c: Citation) -> str:
    return f"“{esc(c.quote)}” {_marker(c.marker)}"


def _cited(cites: list[int], by_marker: dict[int, Citation]) -> list[Citation]:
    return [by_marker[m] for m in cites if m in by_marker]


def part_html(part: Part, by_marker: dict[int, Citation], skip_text: str = "") -> str:
    """One block of the answer. Unknown kinds render generically: their text, then their quotes."""
    cites = _cited(part.cites, by_marker)
    text = part.text.strip()
    if part.kind in ("items", "related") and cites:
        cls = "bot-items" + (" bot-related" if part.kind == "related" else "")
        return f'<ul class="{cls}">' + "".join(f"<li>{_quote(c)}</li>" for c in cites) + "</ul>"
    if part.kind == "compare" and cites:
        labels = [*part.labels, *[""] * len(cites)][: len(cites)]
        head = "".join(f'<th scope="col">{esc(label)}</th>' for label in labels)
        row = "".join(f"<td>{_quote(c)}</td>" for c in cites)
        return (
            '<table class="bot-table"><thead><tr><td></td>' + head + "</tr></thead>"
            '<tbody><tr><th scope="row">What the text says</th>' + row + "</tr></tbody></table>"
        )
    out = []
    if text and text != skip_text:
        cls = "bot-lead" if part.kind == "lead" else "bot-note" if part.kind == "note" else "bot-text"
        out.append(f'<p class="{cls}">{esc(text)}</p>')
    out.extend(f'<p class="bot-quote">{_quote(c)}</p>' for c in cites)
    return "".join(out)


def passage_html(c: Citation) -> str:
    """The paragraph around a quote, the quoted sentence highlighted."""
    context = c.context or c.quote
    off = c.start - c.context_start
    if not (off >= 0 and context[off : off + len(c.quote)] == c.quote):
        off = context.find(c.quote) if c.quote else -1

    def para(text: str) -> str:
        return esc(re.sub(r"\n\s*\n+", "\n", text))  # a list's blank lines as single line breaks

    if off < 0 or not c.quote:
        return f'<blockquote class="bot-passage">{para(context)}</blockquote>'
    end = off + len(c.quote)
    return (
        f'<blockquote class="bot-passage">{para(context[:off])}<mark>{para(c.quote)}</mark>'
        f"{para(context[end:])}</blockquote>"
    )


def _where(c: Citation) -> str:
    """Where a quote stands in its document: section and page (a PDF's, a web page's headings)."""
    bits = [esc(c.section)] if c.section else []
    bits += [f"p. {c.page}"] if c.page else []
    return f' <span class="bot-where">({", ".join(bits)})</span>' if bits else ""


def sources_html(cites: list[Citation], title: str, numbered: bool = True) -> str:
    """Cited passages grouped by document: the document's title and date once, then one row per quote."""
    if not cites:
        return ""
    docs: dict[str, list[Citation]] = {}
    for c in cites:
        docs.setdefault(c.doc_id, []).append(c)
    out = [f'<div class="bot-sources"><p class="bot-sources-title">{esc(title)}</p>']
    for group in docs.values():
        first = group[0]
        date = f" — dated {esc(first.date)}" if first.date else ""
        out.append(f'<div class="bot-doc"><p class="bot-doc-title">{esc(first.title or first.doc_id)}{date}</p>')
        for c in group:
            num = f'<span class="bot-num">&#91;{c.marker}&#93;</span> ' if numbered else ""
            cls = f" bot-cite-{c.marker}" if numbered else ""
            out.append(
                f'<details class="bot-source{cls}"><summary>{num}“{esc(first_words(c.quote))}”{_where(c)}</summary>'
                f"{passage_html(c)}</details>"
            )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _notice(answer: Answer) -> tuple[str, str]:
    """The notice box for a status other than a plain answer (HTML), and the reason text it shows."""
    status = answer.status
    if status == "answer" and answer.abstained:
        status = "abstain"  # an answer built before statuses existed
    notice = NOTICES.get(status)
    if notice is None:
        return "", ""
    reason = answer.reason.strip() or notice.default
    body = f"<p>{esc(reason)}</p>"
    # The reason usually names what is missing already ("does not discuss pregnancy"): say it once.
    if answer.missing and not all(m.lower() in reason.lower() for m in answer.missing):
        body += "<p>The text does not cover: " + esc(", ".join(answer.missing)) + ".</p>"
    kind = "bot-partial" if status == "partial" else "bot-abstain"
    html = (
        f'<div class="{kind}" role="note"><p class="bot-notice-title">{esc(notice.title)}</p>{body}</div>'
    )
    return html, reason


def answer_html(answer: Answer, show_confidence: bool = True) -> str:
    """One assistant message: notes, the answer's parts, its notice, then its sources grouped by document."""
    out = [f'<div class="bot-answer" data-status="{esc(answer.status)}">']
    if answer.searched_for:
        out.append(f'<p class="bot-searched">Searched for: {esc(answer.searched_for)}</p>')
    out.extend(f'<p class="bot-note">{esc(n)}</p>' for n in answer.notes)
    notice, reason = _notice(answer)
    by_marker = {c.marker: c for c in answer.citations}
    parts = list(answer.parts)
    if not parts and answer.citations:
        parts = [Part(kind="quote", cites=[c.marker for c in answer.citations])]
    if not parts and not notice:
        parts = [Part(kind="lead", text=answer.answer)]  # shown as plain text, not parsed
    body = "".join(part_html(p, by_marker, skip_text=reason) for p in parts)
    if answer.status == "partial":
        out.extend([body, notice])  # what the text says, then what it does not
    else:
        out.extend([notice, body])
    out.append(sources_html(answer.citations, "Sources"))
    out.append(sources_html(answer.related, "Nearest passages in the text (they may not answer the question)",
                            numbered=False))
    if show_confidence and answer.citations:
        out.append(f'<p class="bot-meta">Confidence {answer.confidence:.2f}</p>')
    out.append("</div>")
    return "".join(out)


def question_html(question: str, limit: int | None = None) -> str:
    """The user's message: the question as typed, or its first ``limit`` characters (the answer's notes
    then say that it was cut)."""
    if limit is None or len(question) <= limit:
        return f'<div class="bot-question">{esc(question)}</div>'
    return f'<div class="bot-question">{esc(question[:limit])} …</div>'


PENDING_HTML = '<div class="bot-pending" role="status"><span class="bot-spinner" aria-hidden="true"></span>Searching the text…</div>'


def answer_text(answer: Answer, show_confidence: bool = True) -> str:
    """The message as a reader hears it: the HTML's text, one line per block."""
    return html_text(answer_html(answer, show_confidence))


def html_text(html: str) -> str:
    import html as _html

    text = re.sub(r"</(p|li|div|tr|summary|blockquote|details)>", "\n", html)
    text = re.sub(r"<[^>]+>", " ", text)
    lines = (" ".join(_html.unescape(line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
