"""The LLM path's report: extractive and LLM figures side by side on the same questions and the
same calls, the LLM's times with the machine's load, why drafts were not shown, and answers as
a person reads them (five shown, two rejected with the guard's reasons).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from evals.run import llm_results

SIDE_BY_SIDE = [
    "fact_recall",
    "lead_fact_recall",
    "citation_validity",
    "usable",
    "refusal_accuracy",
    "false_refusal_rate",
    "median_words",
]
SHOWN = 5
REJECTED = 2


@dataclass(frozen=True)
class LLMRun:
    """How the figures were produced."""

    command: str
    date: str
    model: str
    settings: dict[str, object]


def render(result: dict[str, Any], run: LLMRun) -> str:
    llm, extractive = result["llm"], result["extractive"]
    rows = result["per_question"]
    lines = [
        "# Réponses rédigées par un modèle de langue local",
        "",
        f"- Commande : `{run.command}` ({run.date})",
        f"- Modèle : `{run.model}` ; réglages : "
        + ", ".join(f"{k}={v}" for k, v in run.settings.items()),
        f"- Questions : {result['n']} ({sum(r['answerable'] for r in rows)} avec réponse, "
        f"{sum(not r['answerable'] for r in rows)} à refuser) ; modèle appelé {llm['asked']} fois",
        f"- Charge de la machine (load average 1 min, 2 cœurs) : médiane {llm['load']['median']}, "
        f"max {llm['load']['max']}",
        "",
        "## Extractif et LLM, mêmes questions, mêmes appels",
        "",
        "| métrique | extractif | LLM (affiché) |",
        "|---|---|---|",
    ]
    for metric in SIDE_BY_SIDE:
        lines.append(f"| {metric} | {extractive[metric]:.3f} | {result[metric]:.3f} |")
    lines += [
        f"| brouillons du LLM affichés, questions avec réponse | — | "
        f"{llm['drafts_shown_answerable']:.3f} "
        f"({llm['answerable_shown']}/{llm['answerable_asked']}) |",
        f"| brouillons du LLM affichés, toutes questions où il est appelé | — | "
        f"{llm['drafts_shown']:.3f} ({llm['shown']}/{llm['asked']}) |",
        f"| questions à refuser répondues (dont brouillon du LLM affiché) | "
        f"{_answered_unanswerable(rows)} | {llm['out_of_scope_answered']} "
        f"({llm['unanswerable_shown']}) |",
        f"| premier mot, p50 / p95 (s) | {llm['extractive_s']['p50']} / "
        f"{llm['extractive_s']['p95']} (réponse entière) | "
        f"{llm['first_word_s']['p50']} / {llm['first_word_s']['p95']} |",
        f"| réponse entière, p50 / p95 (s) | {llm['extractive_s']['p50']} / "
        f"{llm['extractive_s']['p95']} | {llm['total_s']['p50']} / {llm['total_s']['p95']} |",
        f"| part des questions : 1er mot ≤ 10 s / réponse ≤ 30 s | — | "
        f"{llm['first_word_within_10s']:.3f} / {llm['total_within_30s']:.3f} |",
        _on_shown(rows),
        "",
        "Temps du LLM mesurés sur les questions où le modèle est appelé, de la question posée "
        "au premier mot diffusé et à la réponse affichée (recherche et réponse extractive "
        "comprises).",
        "",
        "## Pourquoi un brouillon n'est pas affiché",
        "",
        "| motif | brouillons |",
        "|---|---|",
    ]
    lines += [f"| {kind} | {count} |" for kind, count in llm["rejections"].items()]
    lines += ["", f"## {SHOWN} réponses du LLM telles qu'affichées", ""]
    for r in [r for r in rows if r.get("llm_shown")][:SHOWN]:
        lines += [*_question(r), "", _quote(r["answer"]), ""]
    lines += [f"## {REJECTED} brouillons écartés, avec le motif du garde-fou", ""]
    for r in _rejected(rows):
        reasons = "; ".join(f"{p['kind']} : {p['text']}" for p in r["rejected"])
        lines += [*_question(r), "", "Brouillon :", "", _quote(r["draft"]), ""]
        lines += [f"Motif : {reasons}", ""]
    lines += ["## Par question", "", _per_question(rows)]
    return "\n".join(lines) + "\n"


# The reasons that most show what the guard is for (a wrong figure, an echo) come first.
KINDS_FIRST = ["figure_not_in_passage", "restates_question", "unsupported", "unknown_passage"]


def _rejected(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rejected drafts to show, one per reason, in the order of KINDS_FIRST, then any."""
    drafts = [r for r in rows if r.get("llm_called") and not r.get("llm_shown") and r["draft"]]
    chosen: list[dict[str, Any]] = []
    for kind in KINDS_FIRST:
        found = next((r for r in drafts if kind in {p["kind"] for p in r["rejected"]}), None)
        if found is not None and found not in chosen:
            chosen.append(found)
    chosen += [r for r in drafts if r not in chosen]
    return chosen[:REJECTED]


def _on_shown(rows: list[dict[str, Any]]) -> str:
    """The model's own quality: fact recall of the answers shown with a draft against the
    extractive answer of the same questions (the column above mixes them with the fallbacks),
    then of the model's words alone, and their share of the text shown."""
    shown = [r for r in rows if r.get("llm_shown") and r["fact_recall"] is not None]

    def mean(key: str) -> str:
        values = [r[key] for r in shown if r.get(key) is not None]
        return f"{sum(values) / len(values):.3f}" if values else "—"

    return "\n".join(
        [
            f"| fact_recall / lead_fact_recall, sur les {len(shown)} réponses avec brouillon "
            f"affiché | {mean('extractive_fact_recall')} / "
            f"{mean('extractive_lead_fact_recall')} | {mean('fact_recall')} / "
            f"{mean('lead_fact_recall')} |",
            f"| fact_recall des seuls mots du modèle, mêmes réponses | — | "
            f"{mean('draft_fact_recall')} |",
            f"| part des caractères affichés écrite par le modèle, mêmes réponses | 0 | "
            f"{mean('draft_share')} |",
        ]
    )


def _answered_unanswerable(rows: list[dict[str, Any]]) -> int:
    """Questions to refuse that the extractive path answered (the LLM is asked only then)."""
    return sum(1 for r in rows if not r["answerable"] and r.get("llm_called"))


def _question(row: dict[str, Any]) -> list[str]:
    return [f"**{row['id']}** — {row['question']}"]


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def _per_question(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| question | affiché | faits en tête (LLM) | 1er mot (s) | total (s) | charge | motif |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if not r.get("llm_called"):
            continue
        kinds = ", ".join(sorted({p["kind"] for p in r["rejected"]}))
        lead = "—" if r["lead_fact_recall"] is None else f"{r['lead_fact_recall']:.2f}"
        first = "—" if r["first_word_s"] is None else f"{r['first_word_s']:.1f}"
        lines.append(
            f"| {r['id']} | {'oui' if r['llm_shown'] else 'non'} | {lead} | {first} | "
            f"{r['total_s']:.1f} | {r['load']:.1f} | {kinds} |"
        )
    return "\n".join(lines)


def write_llm_report(path: Path, result: dict[str, Any], run: LLMRun) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result, run), encoding="utf-8")
    return path


def main() -> None:
    """The report from an `eval --generator llm --progress` file, complete or not (a run that
    the deadline or a busy machine cut short still reports what it measured)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("progress", type=Path)
    parser.add_argument("--out", type=Path, default=Path("evals/LLM_REPORT.md"))
    parser.add_argument("--command", default="")
    parser.add_argument("--model", default="")
    parser.add_argument("--setting", action="append", default=[], help="clé=valeur")
    args = parser.parse_args()
    lines = args.progress.read_text(encoding="utf-8").splitlines()
    pairs = [json.loads(line) for line in lines if line.strip()]
    result = llm_results([p["llm"] for p in pairs], [p["extractive"] for p in pairs])
    settings: dict[str, object] = dict(s.split("=", 1) for s in args.setting)
    run = LLMRun(args.command, date.today().isoformat(), args.model, settings)
    print(write_llm_report(args.out, result, run))


if __name__ == "__main__":
    main()
