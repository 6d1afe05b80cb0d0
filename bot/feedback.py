"""Thumbs up/down on answers, kept on this machine only: one JSON object per line, never sent anywhere.

    store = FeedbackStore(Settings().feedback_dir)
    store.record(question, answer, "up")      # appends to <feedback_dir>/feedback.jsonl
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.models import Answer

FILE_NAME = "feedback.jsonl"
MAX_FIELD_CHARS = 20_000  # a pasted novel as a question must not bloat the file
VERDICTS = {True: "up", False: "down"}


def verdict_of(liked: object) -> str:
    """Gradio's like value (True, False, or a custom option string) as 'up', 'down' or the option."""
    if isinstance(liked, bool):
        return VERDICTS[liked]
    text = str(liked).strip().lower()
    return {"like": "up", "dislike": "down", "": "none"}.get(text, text[:40])


class FeedbackStore:
    """Appends feedback records to ``<folder>/feedback.jsonl``; the folder is created on first use."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self._lock = threading.Lock()

    def record(self, question: str, answer: Answer, verdict: str, **extra: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "verdict": verdict,
            "question": str(question)[:MAX_FIELD_CHARS],
            "answer": answer.answer[:MAX_FIELD_CHARS],
            "abstained": answer.abstained,
            "confidence": answer.confidence,
            "chunk_ids": [c.chunk_id for c in answer.citations],
            "doc_ids": list(dict.fromkeys(c.doc_id for c in answer.citations)),
            **extra,
        }
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            # One write of one line, in append mode: concurrent writers never interleave a record.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        return row

    def read(self) -> list[dict[str, Any]]:
        """All records, oldest first (an unreadable line is skipped)."""
        if not self.path.is_file():
            return []
        rows = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return rows
