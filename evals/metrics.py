"""Pure measures of one answer against one expected item of the evaluation set."""

from __future__ import annotations

import re
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


def opening(answer: str) -> str:
    """What a reader sees first: the answer up to its first blank line."""
    return re.split(r"\n\s*\n", answer.strip(), maxsplit=1)[0]


def lead_fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of the expected facts stated in the opening, not somewhere further down."""
    return fact_recall(opening(answer), facts)


def lead_source(answer: str, citations: Sequence[dict[str, Any]]) -> str | None:
    """The document the opening cites first, None when it cites nothing."""
    found = _CITE.search(opening(answer))
    if not found:
        return None
    by_n = {int(c["n"]): str(c.get("doc_id", "")) for c in citations}
    return by_n.get(int(found.group(1)))


def verdict_given(answer: str, verdict: str) -> bool:
    """Whether the opening starts with the expected yes/no verdict ("oui", "non", "oui, sous
    conditions": the first word decides; a conditional yes still opens with "Oui")."""
    first = re.findall(r"\w+", normalise(opening(answer)))[:1]
    return bool(first) and first[0] == normalise(verdict).split()[0].strip(",")


def _article_key(text: str) -> str:
    """ "Article L. 2113-15" / "art. 1er" / "L2113-15" -> "l2113-15" / "1"."""
    folded = normalise(text)
    folded = re.sub(r"\b(?:article|art)\b\.?", " ", folded)
    folded = re.sub(r"\b([lrda])\.?\s*(?=\d)", r"\1", folded)
    folded = re.sub(r"\b1er\b", "1", folded)
    return re.sub(r"\s+", " ", folded).strip()


def reference_exact(
    answer: str,
    citations: Sequence[dict[str, Any]],
    doc_ids: Sequence[str],
    article: str,
    absent: bool,
) -> bool:
    """Whether the opening answers a question that names an article the right way: it cites that
    article of one of `doc_ids`, or, for an article the documents lack, says it is absent."""
    lead = opening(answer)
    if absent:
        return bool(
            re.search(r"ne figure pas|n'est pas dans|ne contient pas|absent", normalise(lead))
        )
    wanted = _article_key(article)
    cited = {int(n) for n in _CITE.findall(lead)}
    for c in citations:
        if int(c["n"]) not in cited or str(c.get("doc_id")) not in doc_ids:
            continue
        locator = _article_key(str(c.get("locator", "")))
        if re.search(rf"(?<![\w-]){re.escape(wanted)}(?![\w-])", locator):
            return True
    return False


def word_count(answer: str) -> int:
    """Words a person reads in the answer, citation numbers left out (sources are listed apart)."""
    return len(re.findall(r"\w+(?:['’-]\w+)*", _CITE.sub(" ", answer)))


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
    """The `q`-th percentile (0 to 100), linear between the two nearest ranks (numpy's default);
    0 when there is nothing to rank. Every latency figure of the evaluation and the speed tools."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))
