"""Run the evaluation set through the same path as `POST /ask` and summarise it."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from assistant.followup import Turn
from assistant.pipeline import Assistant
from assistant.types import Answer, Hit
from assistant.writer import Writer
from evals.drafts import Draft, draft_fields, llm_summary, stream_answer
from evals.metrics import (
    citation_checks,
    fact_found,
    fact_recall,
    first_rank,
    lead_fact_recall,
    lead_source,
    opening,
    percentile,
    reference_exact,
    verdict_given,
    word_count,
)
from evals.questions import Question

OURS = "ess-assistant"
QUALITY_BAR = {
    "hit_at_5": 0.95,
    "fact_recall": 0.85,
    "citation_validity": 0.98,
    "refusal_accuracy": 0.9,
    "false_refusal_rate": 0.05,
    "usable": 0.75,
    "lead_fact_recall": 0.8,
    "median_words": 150,
    "reference_exact": 1.0,
}

# What the suite holds today on evals/questions.jsonl (figures of the last evaluation, rounded
# down): a change that loses ground fails tests/test_eval.py. Below QUALITY_BAR where the target
# is not met yet (see evals/REPORT.md).
FLOOR = {
    "usable": 0.63,
    "lead_fact_recall": 0.72,
    "hit_at_5": 0.99,
    "citation_validity": 0.98,
    "refusal_accuracy": 0.83,
    "false_refusal_rate": 0.05,
    "reference_exact": 1.0,
    "median_words": 150,
}

# (question, k, earlier questions of the conversation, oldest first) -> answer and passages
AskFn = Callable[[str, int, list[str]], tuple[Answer, list[Hit]]]


def ranked_documents(answer: Answer, hits: list[Hit]) -> list[str]:
    """Distinct documents, cited ones first, then the retrieved ones."""
    docs = [c.doc_id for c in answer.citations] + [h.doc_id for h in hits]
    return list(dict.fromkeys(docs))


def evaluate_one(q: Question, ask: AskFn, k: int) -> dict[str, Any]:
    started = time.perf_counter()
    answer, hits = ask(q.question, k, list(q.history))
    latency = (time.perf_counter() - started) * 1000
    rank = first_rank(ranked_documents(answer, hits), q.expected_sources)
    citations = [c.model_dump() for c in answer.citations]
    valid, total = citation_checks(answer.answer, citations)
    recall = fact_recall(answer.answer, q.must_contain) if q.answerable else None
    lead_recall = lead_fact_recall(answer.answer, q.must_contain) if q.answerable else None
    lead_doc = None if answer.refused else lead_source(answer.answer, citations)
    lead_hit = lead_doc is not None and (not q.expected_sources or lead_doc in q.expected_sources)
    verdict_ok = not q.verdict or verdict_given(answer.answer, q.verdict)
    reference_ok: bool | None = None
    if q.reference:
        ref = q.reference
        reference_ok = reference_exact(
            answer.answer,
            citations,
            [str(ref.get("doc_id", "")), *map(str, ref.get("also_in", []))],
            str(ref.get("article", "")),
            bool(ref.get("absent", False)),
        )
    # What a person can act on as printed: answered, every expected fact in the opening, the
    # opening citing a right source, the verdict first when one is expected, the named article.
    usable = (
        q.answerable
        and not answer.refused
        and lead_recall in (None, 1.0)
        and lead_hit
        and verdict_ok
        and reference_ok is not False
    )
    return {
        "id": q.id,
        "persona": q.persona,
        "kind": q.kind,
        "question": q.question,
        "history": list(q.history),
        "answerable": q.answerable,
        "refused": answer.refused,
        "rank": rank,
        "fact_recall": recall,
        "lead_fact_recall": lead_recall,
        "lead_source": lead_doc,
        "lead_source_hit": lead_hit,
        "verdict_ok": verdict_ok,
        "reference_exact": reference_ok,
        "usable": usable,
        "words": word_count(answer.answer),
        "opening": opening(answer.answer),
        "citations_valid": valid,
        "citations_total": total,
        "latency_ms": round(latency, 1),
        "fallback": answer.llm_rejected is not None,
        "answer": answer.answer,
        "cited": [c.doc_id for c in answer.citations],
        "expected_sources": q.expected_sources,
        "missing_facts": [
            f[0] for f in q.must_contain if q.answerable and not fact_found(answer.answer, f)
        ],
        "missing_lead_facts": [
            f[0]
            for f in q.must_contain
            if q.answerable and not fact_found(opening(answer.answer), f)
        ],
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    ranks = [r["rank"] for r in answerable]
    recalls = [r["fact_recall"] for r in answerable if r["fact_recall"] is not None]
    lead_recalls = [
        r["lead_fact_recall"] for r in answerable if r.get("lead_fact_recall") is not None
    ]
    answered = [r for r in answerable if not r["refused"]]
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
        "lead_fact_recall": round(sum(lead_recalls) / len(lead_recalls), 4)
        if lead_recalls
        else 0.0,
        "lead_source_hit": share([r.get("lead_source_hit", False) for r in answered]),
        "usable": share([r.get("usable", False) for r in answerable]),
        "reference_exact": share(
            [r["reference_exact"] for r in rows if r.get("reference_exact") is not None]
        ),
        "median_words": statistics.median([r.get("words", 0) for r in rows]) if rows else 0,
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
    return results_of([evaluate_one(q, ask, k) for q in questions])


def results_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary, by persona, and the rows."""
    result = summarise(rows)
    result["by_persona"] = {
        p: summarise([r for r in rows if r["persona"] == p])
        for p in sorted({r["persona"] for r in rows})
    }
    result["per_question"] = rows
    return result


def evaluate_assistant(
    assistant: Assistant,
    questions: list[Question],
    k: int = 5,
    writer: Writer | None = None,
    progress: Path | None = None,
) -> dict[str, Any]:
    """Our path; with `writer`, the LLM's checked answers (or their extractive fallback),
    streamed and timed, with the extractive path's figures on the same calls under "extractive"
    and the LLM's own (drafts shown, times, rejections) under "llm"."""
    drafts: list[Draft] = []

    def ask(question: str, kk: int, history: list[str]) -> tuple[Answer, list[Hit]]:
        if writer is None:
            return assistant.ask_with_hits(question, kk, conversation(history))
        answer, draft = stream_answer(assistant, writer, question, kk, conversation(history))
        drafts.append(draft)
        return answer, draft.hits

    def conversation(history: list[str]) -> list[Turn]:
        """The earlier turns as the page sends them back: each as the assistant understood it."""
        turns: list[Turn] = []
        for earlier in history:
            turns.append(Turn(question=assistant.understand(earlier, turns, writer)))
        return turns

    if writer is None:
        return evaluate(questions, ask, k)
    writer.warm()  # as the service does at start-up: no question waits for the system prompt
    rows, extractive = [], []
    for q in questions:
        rows.append(evaluate_one(q, ask, k))
        draft = drafts.pop()
        rows[-1] |= draft_fields(draft) | model_part(q, draft, rows[-1]["answer"])
        extractive.append(evaluate_one(q, replay(draft.extractive, draft.hits), k))
        if progress:  # a slow model on a busy machine: what is measured is kept as it comes
            with progress.open("a", encoding="utf-8") as out:
                row = {"llm": rows[-1], "extractive": extractive[-1]}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return llm_results(rows, extractive)


def model_part(q: Question, draft: Draft, shown: str) -> dict[str, Any]:
    """What the model itself wrote of a shown answer (the extractive opening follows it): the
    expected facts its words hold, and its share of the characters shown."""
    if not draft.shown or not shown.strip():
        return {"draft_fact_recall": None, "draft_share": None}
    recall = fact_recall(draft.text, q.must_contain) if q.answerable else None
    return {
        "draft_fact_recall": recall,
        "draft_share": round(len(draft.text.strip()) / len(shown.strip()), 3),
    }


def llm_results(rows: list[dict[str, Any]], extractive: list[dict[str, Any]]) -> dict[str, Any]:
    """The LLM path's figures, with the extractive path's on the same calls."""
    for row, ext in zip(rows, extractive, strict=True):
        row["extractive_fact_recall"] = ext["fact_recall"]
        row["extractive_lead_fact_recall"] = ext["lead_fact_recall"]
    result = results_of(rows)
    result["llm"] = llm_summary(rows)
    result["extractive"] = summarise(extractive)
    result["extractive_answers"] = {r["id"]: r["answer"] for r in extractive}
    return result


def replay(answer: Answer, hits: list[Hit]) -> AskFn:
    """An ask function that gives back an answer already computed (the extractive answer of an
    LLM call, measured on the same passages)."""
    return lambda *_: (answer, hits)


def compare(
    assistant: Assistant,
    baselines: dict[str, AskFn],
    questions: list[Question],
    k: int = 5,
    writer: Writer | None = None,
    progress: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """Our system first, then each baseline, on the same questions and the same k."""
    results = {OURS: evaluate_assistant(assistant, questions, k, writer, progress)}
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
    "usable",
    "lead_fact_recall",
    "lead_source_hit",
    "reference_exact",
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
    lines.append(
        "| mots (médiane) | "
        + " | ".join(f"{results[n]['median_words']:.0f}" for n in names)
        + " |"
    )
    lines.append("| questions | " + " | ".join(str(results[n]["n"]) for n in names) + " |")
    return "\n".join(lines)
