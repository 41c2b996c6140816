"""Chooses the guard's overlap threshold (`ESS_GUARD_OVERLAP`) on the evaluation set.

For every sentence of our extractive answers, the passage it comes from is a true citation and
the other retrieved passages (other documents, same topic: the hardest wrong citations) are
false ones. Each threshold is scored by the share of true citations it keeps and of false ones
it rejects. Extractive sentences are verbatim, so the true side is optimistic: an LLM
paraphrases, hence a threshold taken below the best separating value.

    python -m evals.guard_threshold [--questions evals/questions.jsonl]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from assistant.config import Settings
from assistant.embedding import build_embedder
from assistant.french import terms
from assistant.guard import overlap, split_sentences, states_fact
from assistant.pipeline import Assistant
from evals.questions import load_questions

_LABEL = re.compile(r"\s*\([^()]*\)\s*(?=\[\d+\]\s*$)")  # "(Loi ESS 2014, art. 6)" before [n]
THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]


def pairs(assistant: Assistant, questions: Path) -> tuple[list[float], list[float]]:
    """Overlap of each answer sentence with its own passage, and with the best other one."""
    true, false = [], []
    for q in load_questions(questions):
        if not q.answerable:
            continue
        answer, hits = assistant.ask_with_hits(q.question)
        if answer.refused:
            continue
        by_n = {c.n: c for c in answer.citations}
        for sentence in split_sentences(answer.answer):
            text = _LABEL.sub(" ", sentence.text.lstrip("- "))
            if not sentence.numbers or not states_fact(text):
                continue
            cited = by_n.get(sentence.numbers[0])
            if cited is None:
                continue
            true.append(overlap(text, set(terms(cited.excerpt))))
            others = [h for h in hits if h.doc_id != cited.doc_id]
            if others:
                false.append(max(overlap(text, set(terms(h.text))) for h in others))
    return true, false


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=Path, default=Path("evals/questions.jsonl"))
    args = parser.parse_args()
    settings = Settings()
    true, false = pairs(Assistant.open(settings, build_embedder(settings)), args.questions)
    print(f"{len(true)} vraies citations, {len(false)} fausses (autre document retrouvé)")
    print("| seuil | vraies gardées | fausses rejetées |\n|---|---|---|")
    for t in THRESHOLDS:
        kept = sum(v >= t for v in true) / len(true)
        rejected = sum(v < t for v in false) / len(false)
        print(f"| {t:.2f} | {kept:.3f} | {rejected:.3f} |")


if __name__ == "__main__":
    main()
