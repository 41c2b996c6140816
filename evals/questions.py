"""The question set (evals/questions.jsonl, evals/holdout.jsonl), read in one place: the quality
evaluation reads every field, the speed tools only the questions' text."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUESTIONS = Path(__file__).parent / "questions.jsonl"


@dataclass(frozen=True)
class Question:
    id: str
    persona: str
    question: str
    expected_sources: list[str]
    must_contain: list[list[str]]
    answerable: bool
    kind: str = ""
    history: tuple[str, ...] = ()
    # "oui" / "non" / "oui, sous conditions": the opening of a yes/no answer starts with it
    verdict: str = ""
    # A question that names an article: {"doc_id", "article", "absent", "also_in"}
    reference: dict[str, Any] | None = None


def load_questions(path: Path) -> list[Question]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(
                Question(
                    id=str(row["id"]),
                    persona=str(row.get("persona", "")),
                    question=str(row["question"]),
                    expected_sources=list(row.get("expected_sources", [])),
                    must_contain=[list(f) for f in row.get("must_contain", [])],
                    # An article the documents lack cannot be quoted: the right answer says so.
                    answerable=bool(row.get("answerable", True))
                    and not (row.get("reference") or {}).get("absent", False),
                    kind=str(row.get("kind", "")),
                    history=tuple(str(h) for h in row.get("history", [])),
                    verdict=str(row.get("verdict", "")),
                    reference=dict(row["reference"]) if row.get("reference") else None,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: ligne invalide ({exc})") from exc
    return out


def sample(questions: list[Question], n: int, seed: int) -> list[Question]:
    """`n` answerable questions drawn with `seed`, and every question that must be refused, in
    the file's order: a fixed subset for a generator too slow for the whole set."""
    answerable = [q for q in questions if q.answerable]
    if n >= len(answerable):
        return questions
    drawn = {id(q) for q in random.Random(seed).sample(answerable, n)}
    return [q for q in questions if id(q) in drawn or not q.answerable]


def question_texts(path: Path = QUESTIONS, limit: int = 0) -> list[str]:
    """The questions as a user types them, in the file's order (the first `limit` if given):
    what the load, soak and scale tools ask."""
    texts = [q.question for q in load_questions(path)]
    return texts[:limit] if limit else texts
