"""Pure measures of one answer against one expected item of the evaluation set."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from typing import Any

from assistant.french import fold, terms

_CITE = re.compile(r"\[(\d+)\]")


def normalise(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form used to match expected facts."""
    return re.sub(r"\s+", " ", fold(text)).strip()


def fact_found(answer: str, spellings: Sequence[str]) -> bool:
    hay = normalise(answer)
    return any(normalise(s) in hay for s in spellings if s.strip())


def fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    if not facts:
        return None
    return sum(fact_found(answer, f) for f in facts) / len(facts)


def first_rank(ranked_docs: Sequence[str], expected: Sequence[str]) -> int | None:
    """1-based rank of the first expected document, None when absent."""
    wanted = set(expected)
    for i, doc in enumerate(ranked_docs, 1):
        if doc in wanted:
            return i
    return None


def citation_checks(answer: str, citations: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(valid, total) citation numbers: a number is valid when it names a returned citation whose
    passage contains most of the content words of the sentence it supports."""
    by_n = {int(c["n"]): set(terms(str(c.get("excerpt", "")))) for c in citations}
    valid = total = 0
    for line in answer.split("\n"):
        for sentence in re.split(r"(?<=\])\s+", line):
            numbers = [int(n) for n in _CITE.findall(sentence)]
            if not numbers:
                continue
            words = set(terms(_CITE.sub("", sentence)))
            for n in numbers:
                total += 1
                passage = by_n.get(n)
                if passage is not None and (not words or len(words & passage) / len(words) >= 0.5):
                    valid += 1
    return valid, total


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1])
