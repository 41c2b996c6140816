"""Run the evaluation set through the same path as `POST /ask` and summarise it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.types import Answer, Hit
from assistant.writer import FALLBACK, Writer
from evals.metrics import citation_checks, fact_found, fact_recall, first_rank, percentile

OURS = "ess-assistant"
QUALITY_BAR = {
    "hit_at_5": 0.95,
    "fact_recall": 0.85,
    "citation_validity": 0.98,
    "refusal_accuracy": 0.9,
    "false_refusal_rate": 0.05,
}

AskFn = Callable[[str, int], tuple[Answer, list[Hit]]]


@dataclass(frozen=True)
class Question:
    id: str
    persona: str
    question: str
    expected_sources: list[str]
    must_contain: list[list[str]]
    answerable: bool


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
                    answerable=bool(row.get("answerable", True)),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: ligne invalide ({exc})") from exc
    return out


def ranked_documents(answer: Answer, hits: list[Hit]) -> list[str]:
    """Distinct documents, cited ones first, then the retrieved ones."""
    docs = [c.doc_id for c in answer.citations] + [h.doc_id for h in hits]
    return list(dict.fromkeys(docs))


def evaluate_one(q: Question, ask: AskFn, k: int) -> dict[str, Any]:
    started = time.perf_counter()
    answer, hits = ask(q.question, k)
    latency = (time.perf_counter() - started) * 1000
    rank = first_rank(ranked_documents(answer, hits), q.expected_sources)
    valid, total = citation_checks(answer.answer, [c.model_dump() for c in answer.citations])
    recall = fact_recall(answer.answer, q.must_contain) if q.answerable else None
    return {
        "id": q.id,
        "persona": q.persona,
        "question": q.question,
        "answerable": q.answerable,
        "refused": answer.refused,
        "rank": rank,
        "fact_recall": recall,
        "citations_valid": valid,
        "citations_total": total,
        "latency_ms": round(latency, 1),
        "fallback": any(w.startswith(FALLBACK.split("{")[0]) for w in answer.warnings),
        "answer": answer.answer,
        "cited": [c.doc_id for c in answer.citations],
        "expected_sources": q.expected_sources,
        "missing_facts": [
            f[0] for f in q.must_contain if q.answerable and not fact_found(answer.answer, f)
        ],
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    ranks = [r["rank"] for r in answerable]
    recalls = [r["fact_recall"] for r in answerable if r["fact_recall"] is not None]
    valid = sum(r["citations_valid"] for r in rows if not r["refused"])
    total = sum(r["citations_total"] for r in rows if not r["refused"])
    latencies = [r["latency_ms"] for r in rows]

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "n": len(rows),
        "hit_at_1": share([r is not None and r <= 1 for r in ranks]),
        "hit_at_5": share([r is not None and r <= 5 for r in ranks]),
        "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 4) if ranks else 0.0,
        "fact_recall": round(sum(recalls) / len(recalls), 4) if recalls else 0.0,
        "citation_validity": round(valid / total, 4) if total else 1.0,
        "refusal_accuracy": share([r["refused"] for r in unanswerable]),
        "false_refusal_rate": share([r["refused"] for r in answerable]),
        "llm_fallback_rate": share([r.get("fallback", False) for r in rows if not r["refused"]]),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
        },
    }


def evaluate(questions: Iterable[Question], ask: AskFn, k: int = 5) -> dict[str, Any]:
    rows = [evaluate_one(q, ask, k) for q in questions]
    result = summarise(rows)
    result["by_persona"] = {
        p: summarise([r for r in rows if r["persona"] == p])
        for p in sorted({r["persona"] for r in rows})
    }
    result["per_question"] = rows
    return result


def evaluate_assistant(
    assistant: Assistant, questions: list[Question], k: int = 5, writer: Writer | None = None
) -> dict[str, Any]:
    """Our path; with `writer`, the LLM's checked answers (or their extractive fallback)."""
    return evaluate(questions, lambda q, kk: assistant.ask_with_hits(q, kk, writer=writer), k)


def compare(
    assistant: Assistant,
    baselines: dict[str, AskFn],
    questions: list[Question],
    k: int = 5,
    writer: Writer | None = None,
) -> dict[str, dict[str, Any]]:
    """Our system first, then each baseline, on the same questions and the same k."""
    results = {OURS: evaluate_assistant(assistant, questions, k, writer)}
    for name, ask in baselines.items():
        results[name] = evaluate(questions, ask, k)
    return results


def as_json(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Our figures at top level, as before baselines existed; theirs under "baselines"."""
    out = dict(results[OURS])
    others = {name: r for name, r in results.items() if name != OURS}
    if others:
        out["baselines"] = others
    return out


METRICS = [
    "hit_at_1",
    "hit_at_5",
    "mrr",
    "fact_recall",
    "citation_validity",
    "refusal_accuracy",
    "false_refusal_rate",
]


def table(results: dict[str, dict[str, Any]]) -> str:
    """A Markdown table with one column per system evaluated."""
    names = list(results)
    lines = ["| métrique | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for metric in METRICS:
        lines.append(
            f"| {metric} | " + " | ".join(f"{results[n][metric]:.3f}" for n in names) + " |"
        )
    for pct in ("p50", "p95"):
        lines.append(
            f"| latence {pct} (ms) | "
            + " | ".join(f"{results[n]['latency_ms'][pct]:.0f}" for n in names)
            + " |"
        )
    lines.append("| questions | " + " | ".join(str(results[n]["n"]) for n in names) + " |")
    return "\n".join(lines)
