"""The LLM path as a person waiting for it sees it: on each question, the time to the first
streamed word and to the whole answer, whether the model's draft was shown or the extractive
answer replaced it, and why. The extractive answer of the same call is kept, so both paths are
measured on the same questions, the same passages and the same machine load.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assistant.followup import Turn
from assistant.guard import Problem
from assistant.pipeline import Assistant
from assistant.types import Answer, Hit
from assistant.writer import Final, Writer
from evals.metrics import percentile


@dataclass
class Draft:
    """One question through the LLM path."""

    extractive: Answer
    hits: list[Hit]
    called: bool  # the model was asked (the extractive answer did not refuse)
    shown: bool  # its draft passed the guard and is what the user reads
    first_word_s: float | None  # from the question to the first streamed word
    total_s: float  # from the question to the answer shown
    extractive_s: float  # from the question to the extractive answer (the path without LLM)
    text: str = ""  # what the model wrote
    rejected: list[Problem] = field(default_factory=list)
    load: float = 0.0  # the machine's 1-minute load average when the question was asked


def stream_answer(
    assistant: Assistant, writer: Writer, question: str, k: int, history: list[Turn]
) -> tuple[Answer, Draft]:
    """The answer shown for `question`, through the streaming path the page uses, timed."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    text, hits, extractive = assistant.extractive(question, k, history, writer)
    extractive_s = time.perf_counter() - started
    first: float | None = None
    pieces: list[str] = []
    final: Final | None = None
    for event in writer.stream(text, hits, extractive):
        if isinstance(event, Final):
            final = event
            continue
        pieces.append(event)
        if first is None and any(ch.isalnum() for ch in event):
            first = time.perf_counter() - started
    assert final is not None  # a stream always ends with a Final
    called = not extractive.refused
    draft = Draft(
        extractive=extractive,
        hits=hits,
        called=called,
        shown=called and not final.rejected,
        first_word_s=first,
        total_s=time.perf_counter() - started,
        extractive_s=extractive_s,
        text="".join(pieces),
        rejected=final.rejected,
        load=load,
    )
    return final.answer, draft


def draft_fields(draft: Draft) -> dict[str, Any]:
    """What a result row records of the LLM path."""
    return {
        "llm_called": draft.called,
        "llm_shown": draft.shown,
        "first_word_s": None if draft.first_word_s is None else round(draft.first_word_s, 2),
        "total_s": round(draft.total_s, 2),
        "extractive_s": round(draft.extractive_s, 2),
        "draft": draft.text,
        "rejected": [{"kind": p.kind, "text": p.text} for p in draft.rejected],
        "load": round(draft.load, 2),
    }


def llm_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Shares and times over the questions the model was asked; rejection reasons by kind
    (a draft counts once per kind it breaks)."""
    called = [r for r in rows if r.get("llm_called")]
    # A draft that never wrote a word made its reader wait until the extractive answer came.
    firsts = [r["first_word_s"] if r["first_word_s"] is not None else r["total_s"] for r in called]
    totals = [r["total_s"] for r in called]
    loads = [r["load"] for r in rows if "load" in r]
    kinds: Counter[str] = Counter()
    for r in called:
        kinds.update({p["kind"] for p in r["rejected"]})

    def share(values: list[bool]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    def seconds(values: list[float]) -> dict[str, float]:
        return {"p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1)}

    # The target is on the questions that have an answer; the others (the extractive
    # path failed to refuse them) are counted apart.
    answerable = [r for r in called if r["answerable"]]
    return {
        "asked": len(called),
        "shown": sum(r["llm_shown"] for r in called),
        "drafts_shown": round(sum(r["llm_shown"] for r in called) / len(called), 4)
        if called
        else 0.0,
        "answerable_asked": len(answerable),
        "answerable_shown": sum(r["llm_shown"] for r in answerable),
        "drafts_shown_answerable": share([r["llm_shown"] for r in answerable]),
        "unanswerable_shown": sum(r["llm_shown"] for r in called if not r["answerable"]),
        "first_word_s": seconds(firsts),
        "total_s": seconds(totals),
        # The targets, question by question: first word by 10 s, whole answer by 30 s.
        "first_word_within_10s": share([f <= 10 for f in firsts]),
        "total_within_30s": share([t <= 30 for t in totals]),
        "extractive_s": seconds([r["extractive_s"] for r in rows if "extractive_s" in r]),
        "rejections": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "out_of_scope_answered": sum(1 for r in rows if not r["answerable"] and not r["refused"]),
        "load": {
            "median": round(percentile(loads, 50), 2),
            "max": round(max(loads), 2) if loads else 0.0,
        },
    }
