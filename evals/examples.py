"""Example questions for the web page, taken from the evaluation set: per profile, the
questions the corpus answers best on the last evaluation run (right source first, every
expected fact, valid citations), one per expected source so the examples cover the ground.

    ess-assistant eval --json /tmp/eval.json
    python -m evals.examples --results /tmp/eval.json --out assistant/server/web/examples.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.config import Settings
from ingest.catalog import load_catalog

PERSONAS = ("elu", "technicien", "formateur")


def current_documents(corpus_dirs: list[Path]) -> set[str]:
    """Ids of the documents not marked `historique`: an example should not lead to a text
    that has been superseded."""
    return {
        entry.get("id", "")
        for folder in corpus_dirs
        for entry in load_catalog(folder).entries.values()
        if entry.get("status") != "historique"
    }


def pick(
    per_question: list[dict[str, Any]], current: set[str], per_persona: int = 4
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for persona in PERSONAS:
        good = [
            q
            for q in per_question
            if q["persona"] == persona
            and q["answerable"]
            and not q["refused"]
            and q["rank"] == 1
            and q["fact_recall"] == 1.0
            and q["citations_valid"] == q["citations_total"]
            and 20 <= len(q["question"]) <= 140
            and q["question"][:1].isupper()  # not a follow-up ("et pour…") out of its thread
            and set(q["expected_sources"]) & current
        ]
        good.sort(key=lambda q: len(q["question"]))  # short questions make readable buttons
        chosen: list[str] = []
        seen: set[str] = set()
        for q in good:  # first pass: one question per source
            source = (q["expected_sources"] or [""])[0]
            if source not in seen:
                seen.add(source)
                chosen.append(q["question"])
        chosen += [q["question"] for q in good if q["question"] not in chosen]
        out[persona] = chosen[:per_persona]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=Path, required=True, help="JSON de `eval --json`")
    parser.add_argument("--out", type=Path, default=Path("assistant/server/web/examples.json"))
    args = parser.parse_args()
    results = json.loads(args.results.read_text(encoding="utf-8"))
    examples = pick(results["per_question"], current_documents(Settings().corpus_dirs))
    args.out.write_text(json.dumps(examples, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{sum(map(len, examples.values()))} exemples écrits dans {args.out}")


if __name__ == "__main__":
    main()
