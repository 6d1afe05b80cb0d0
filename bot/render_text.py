"""Plain-text rendering of an Answer for the terminal, from its structured parts (never its markdown)."""

from __future__ import annotations

from bot.models import Answer, Citation


def _quote(c: Citation) -> str:
    return f"“{c.quote}” [{c.marker}]"


def _source(c: Citation) -> str:
    where = [c.title or c.doc_id]
    if c.section:
        where.append(c.section)
    if c.page:
        where.append(f"p. {c.page}")
    if c.date:
        where.append(c.date)
    return f"[{c.marker}] " + ", ".join(where) + f" ({c.doc_id} chars {c.start}-{c.end})"


def render(answer: Answer, confidence: bool = True) -> str:
    by_marker = {c.marker: c for c in answer.citations}
    lines: list[str] = []
    if answer.searched_for:
        lines += [f"Searched for: {answer.searched_for}", ""]
    for note in answer.notes:
        lines += [f"({note})", ""]
    previous = ""
    for part in answer.parts:
        cites = [by_marker[m] for m in part.cites if m in by_marker]
        if part.kind in ("lead", "note"):
            lines.append(part.text)
        elif part.kind == "quote" and previous == "lead" and lines and lines[-1] == "":
            lines[-2] += " " + "\n\n".join(_quote(c) for c in cites)  # "The text says: “...”"
            previous = part.kind
            continue
        elif part.kind == "quote":
            lines.append("\n\n".join(_quote(c) for c in cites))
        elif part.kind in ("items", "related"):
            lines.append("\n".join(f"- {_quote(c)}" for c in cites))
        elif part.kind == "compare":
            lines.append("\n".join(f"{label}: {_quote(c)}" for label, c in zip(part.labels, cites, strict=False)))
        lines.append("")
        previous = part.kind
    if answer.related:
        lines.append("Nearest passages in the text (they may not answer the question):")
        lines += [f"- “{c.quote}” ({c.title or c.doc_id})" for c in answer.related]
        lines.append("")
    if answer.citations:
        lines.append("Sources:")
        lines += [_source(c) for c in answer.citations]
        lines.append("")
    if confidence:
        lines.append(f"(confidence {answer.confidence:.2f}{', abstained' if answer.abstained else ''})")
    return "\n".join(lines).rstrip()
