"""evals/REPORT.md: the figures against the quality bar, by persona, and the worst questions.

Everything in it is derived from the evaluation results, in a fixed order, so two runs on the
same index give the same file apart from the date and the latencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.chart import LABELS, persona_chart
from evals.run import METRICS, OURS, QUALITY_BAR

LOWER_IS_BETTER = {"false_refusal_rate", "median_words"}
WORST = 12
CHART = Path("report") / "personas.png"  # relative to the report, so the link works anywhere


@dataclass(frozen=True)
class RunContext:
    """How the figures were produced, stated at the top of the report."""

    command: str
    date: str
    questions: str
    corpus_dirs: list[str]
    documents: list[dict[str, Any]]
    embedding: str
    k: int
    baseline_passages: int = 0


def meets(metric: str, value: float) -> bool | None:
    """Whether `value` reaches the quality bar; None when the bar says nothing of `metric`."""
    bar = QUALITY_BAR.get(metric)
    if bar is None:
        return None
    return value <= bar if metric in LOWER_IS_BETTER else value >= bar


def label(metric: str) -> str:
    return f"{LABELS[metric].replace(chr(10), ' ')} (`{metric}`)"


def results_table(results: dict[str, dict[str, Any]]) -> str:
    """One column per system; ✅ / ❌ beside each figure the quality bar covers."""
    names = list(results)
    lines = [
        "| métrique | seuil | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for metric in METRICS:
        bar = QUALITY_BAR.get(metric)
        sign = "≤" if metric in LOWER_IS_BETTER else "≥"
        cells = []
        for name in names:
            value = results[name][metric]
            ok = meets(metric, value)
            cells.append(f"{value:.3f}" + ("" if ok is None else " ✅" if ok else " ❌"))
        bar_cell = f"{sign} {bar:.2f}" if bar is not None else "—"
        lines.append(f"| {label(metric)} | {bar_cell} | " + " | ".join(cells) + " |")
    words = []
    for name in names:
        ok = meets("median_words", results[name]["median_words"])
        words.append(f"{results[name]['median_words']:.0f}" + (" ✅" if ok else " ❌"))
    lines.append(
        f"| mots par réponse, médiane (`median_words`) | ≤ {QUALITY_BAR['median_words']} | "
        + " | ".join(words)
        + " |"
    )
    for pct in ("p50", "p95"):
        cells = [f"{results[n]['latency_ms'][pct]:.1f}" for n in names]
        lines.append(f"| latence {pct} (ms) | — | " + " | ".join(cells) + " |")
    lines.append("| questions | — | " + " | ".join(str(results[n]["n"]) for n in names) + " |")
    return "\n".join(lines)


def persona_values(result: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per persona, each metric, or None where the persona has no question it applies to
    (refusal accuracy needs out-of-scope questions, the others answerable ones)."""
    out: dict[str, dict[str, float | None]] = {}
    for persona, summary in result["by_persona"].items():
        rows = [r for r in result["per_question"] if r["persona"] == persona]
        has_answerable = any(r["answerable"] for r in rows)
        has_unanswerable = any(not r["answerable"] for r in rows)
        out[persona] = {
            m: summary[m]
            if (has_unanswerable if m == "refusal_accuracy" else has_answerable)
            else None
            for m in METRICS
        }
    return out


def persona_table(result: dict[str, Any]) -> str:
    values = persona_values(result)
    lines = [
        "| persona | questions | " + " | ".join(label(m) for m in METRICS) + " |",
        "|---|---|" + "---|" * len(METRICS),
    ]
    for persona, row in values.items():
        n = result["by_persona"][persona]["n"]
        cells = ["—" if row[m] is None else f"{row[m]:.3f}" for m in METRICS]
        lines.append(f"| {persona or '(sans persona)'} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def severity(row: dict[str, Any], k: int) -> float:
    """How badly a question went, as a reader sees it: one for an answer that is not usable as
    printed, plus the share of expected facts missing from its opening, plus one for a document
    missed at k and one for a false refusal; an out-of-scope question answered counts three."""
    if not row["answerable"]:
        return 0.0 if row["refused"] else 3.0
    missed = row["rank"] is None or row["rank"] > k
    lead_missed = 1 - (row.get("lead_fact_recall") or 0.0) if row.get("missing_lead_facts") else 0
    return (not row.get("usable", False)) + lead_missed + missed + row["refused"]


def worst(rows: list[dict[str, Any]], k: int, limit: int = WORST) -> list[dict[str, Any]]:
    """The `limit` worst questions, worst first, ties in the order of the question file."""
    failing = [(i, r) for i, r in enumerate(rows) if severity(r, k) > 0]
    failing.sort(key=lambda item: (-severity(item[1], k), item[0]))
    return [r for _, r in failing[:limit]]


def excerpt(text: str, size: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[:size].rstrip() + "…"


def codes(ids: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in dict.fromkeys(ids)) or "aucun"


def problems(row: dict[str, Any], k: int) -> list[str]:
    """What went wrong with one question, in words a reader can check against the corpus."""
    if not row["answerable"]:
        return (
            []
            if row["refused"]
            else ["**répondue alors que la question est hors du champ du corpus** (refus attendu)"]
        )
    found: list[str] = []
    if row["refused"]:
        found.append("**refus alors que la réponse est dans le corpus**")
    if row["rank"] is None or row["rank"] > k:
        found.append(f"**aucun document attendu parmi les {k} premiers**")
    elif row["rank"] > 1:
        found.append(f"premier document attendu au rang {row['rank']}")
    if row["missing_facts"]:
        facts = ", ".join(f"« {f} »" for f in row["missing_facts"])
        found.append(f"**faits manquants** ({row['fact_recall']:.0%} trouvés) : {facts}")
    late = [f for f in row.get("missing_lead_facts", []) if f not in row["missing_facts"]]
    if late and not row["refused"]:
        facts = ", ".join(f"« {f} »" for f in late)
        found.append(f"faits présents mais pas dans l'ouverture : {facts}")
    if not row["refused"] and not row.get("lead_source_hit", True):
        found.append(
            f"l'ouverture cite d'abord `{row.get('lead_source')}`, pas une source attendue"
        )
    if not row.get("verdict_ok", True):
        found.append("l'ouverture ne commence pas par le verdict (oui / non) attendu")
    return found


def worst_section(result: dict[str, Any], k: int) -> str:
    rows = result["per_question"]
    chosen = worst(rows, k)
    answered = sum(1 for r in rows if not r["answerable"] and not r["refused"])
    refused = sum(1 for r in rows if r["answerable"] and r["refused"])
    missed = sum(1 for r in rows if r["answerable"] and (r["rank"] is None or r["rank"] > k))
    partial = sum(1 for r in rows if r["answerable"] and r["missing_facts"])
    unusable = sum(1 for r in rows if r["answerable"] and not r.get("usable", False))
    lines = [
        f"Sur tout le jeu : {unusable} réponses non utilisables telles quelles, "
        f"{partial} questions avec au moins un fait manquant, {missed} sans "
        f"document attendu parmi les {k} premiers, {refused} faux refus, {answered} questions "
        "hors champ auxquelles l'assistant a répondu.",
        "",
        "Classement : 1 si la réponse n'est pas utilisable telle quelle + part des faits absents "
        f"de l'ouverture + 1 si aucun document attendu au rang ≤ {k} + 1 si refus à tort ; une "
        "question hors champ à laquelle il est répondu compte 3 ; à égalité, ordre du fichier.",
    ]
    for number, row in enumerate(chosen, 1):
        lines += [
            "",
            f"### {number}. `{row['id']}` ({row['persona'] or 'sans persona'})",
            "",
            f"> {row['question']}",
            "",
        ]
        lines += [f"- {p}" for p in problems(row, k)]
        if row["answerable"]:
            lines.append(
                f"- documents attendus : {codes(row['expected_sources'])} ; "
                f"cités : {codes(row['cited'])}"
            )
        else:
            lines.append(f"- documents cités : {codes(row['cited'])}")
        if row.get("history"):
            lines.append("- après : " + " → ".join(f"« {h} »" for h in row["history"]))
        lines.append(
            f"- ouverture de la réponse : « {excerpt(row.get('opening', row['answer']))} »"
        )
    return "\n".join(lines)


def render(results: dict[str, dict[str, Any]], context: RunContext) -> str:
    ours = results[OURS]
    chunks = sum(int(d.get("chunks", 0)) for d in context.documents)
    baselines = [n for n in results if n != OURS]
    lines = [
        "# Rapport d'évaluation d'ess-assistant",
        "",
        "## Production",
        "",
        f"- commande : `{context.command}`",
        f"- date : {context.date}",
        f"- questions : `{context.questions}` ({ours['n']} questions)",
        f"- corpus : {codes(context.corpus_dirs)} — {len(context.documents)} documents, "
        f"{chunks} passages dans l'index d'ess-assistant",
        f"- documents : {codes([str(d['doc_id']) for d in context.documents])}",
        f"- modèle d'embedding : `{context.embedding}`",
        f"- k (passages retenus par question) : {context.k}",
    ]
    if baselines:
        lines += [
            f"- baselines ({', '.join(baselines)}) : mêmes fichiers, pages jointes, découpés par "
            "`RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)` en "
            f"{context.baseline_passages} passages ; `naive` = recherche dense "
            "(`InMemoryVectorStore` de LangChain, même modèle d'embedding), `bm25` = BM25 seul "
            "(racinisation française) ; réponse = premier passage suivi de « [1] », jamais de refus",
        ]
    lines += [
        "",
        "Le rapport est régénéré à l'identique (hors date et latences) par la même commande.",
        "",
        "## Résultats",
        "",
        "✅ : le chiffre atteint le seuil de qualité (`evals.run.QUALITY_BAR`) ; ❌ : il ne "
        "l'atteint pas. Les latences dépendent de la machine.",
        "",
        results_table(results),
        "",
        f"## Par persona ({OURS})",
        "",
        "« — » : la persona n'a aucune question à laquelle la métrique s'applique.",
        "",
        persona_table(ours),
        "",
        f"![Métriques par persona]({CHART.as_posix()})",
        "",
        f"## Les {WORST} questions les plus mal traitées ({OURS})",
        "",
        worst_section(ours, context.k),
        "",
    ]
    return "\n".join(lines)


def write_report(
    path: Path, results: dict[str, dict[str, Any]], context: RunContext
) -> tuple[Path, Path]:
    """Write the Markdown report and its chart beside it; returns both paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chart = persona_chart(persona_values(results[OURS]), path.parent / CHART)
    path.write_text(render(results, context), encoding="utf-8")
    return path, chart
