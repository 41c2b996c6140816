"""evals/BENCH.md and its latency chart, from the benchmark's JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evals.chart import figure, save_png
from evals.speed.scale_report import kept_section

# JSON key, French label: the rows of the table and of the CLI summary.
ROWS = [
    ("ingest_cold_s", "ingestion à froid (s)"),
    ("ingest_noop_s", "ingestion sans changement (s)"),
    ("noop_chunks_embedded", "passages ré-vectorisés sans changement"),
    ("ask_p50_ms", "/ask, 1 utilisateur, p50 (ms)"),
    ("ask_p95_ms", "/ask, 1 utilisateur, p95 (ms)"),
    ("ask_p99_ms", "/ask, 1 utilisateur, p99 (ms)"),
    ("ask_repeat_p50_ms", "/ask, question fréquente, p50 (ms)"),
    ("ask_repeat_p95_ms", "/ask, question fréquente, p95 (ms)"),
    ("c16_answers_per_s", "16 utilisateurs : réponses/s"),
    ("c16_p50_ms", "16 utilisateurs : p50 (ms)"),
    ("c16_p95_ms", "16 utilisateurs : p95 (ms)"),
    ("c16_p99_ms", "16 utilisateurs : p99 (ms)"),
    ("errors", "erreurs"),
    ("peak_rss_mb", "mémoire max. du serveur (Mo)"),
    ("index_mb", "index sur disque (Mo)"),
]

SERIES_KEYS = ["ask_p50_ms", "ask_p95_ms", "ask_p99_ms", "c16_p50_ms", "c16_p95_ms", "c16_p99_ms"]
SERIES_LABELS = [
    "1 util.\np50",
    "1 util.\np95",
    "1 util.\np99",
    "16 util.\np50",
    "16 util.\np95",
    "16 util.\np99",
]


def _systems(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each measured server, labelled: ours with 1 worker, ours with more, the naive one."""
    systems = {f"ess-assistant, {result.get('workers', 1)} worker": result}
    for key, value in result.items():
        if key.startswith("workers_") and isinstance(value, dict):
            systems[f"ess-assistant, {value['workers']} workers"] = value
    systems["naive (LangChain), 1 worker"] = result["naive"]
    return systems


def latency_chart(result: dict[str, Any], path: Path) -> Path:
    """Grouped bars of latency percentiles, one bar per served system, log scale."""
    systems = _systems(result)
    x = np.arange(len(SERIES_KEYS))
    width = 0.8 / len(systems)
    fig = figure(10, 4.8)
    ax = fig.subplots()
    for i, (label, figures) in enumerate(systems.items()):
        heights = [max(float(figures.get(k, 0.0)), 0.1) for k in SERIES_KEYS]
        bars = ax.bar(x - 0.4 + width * (i + 0.5), heights, width, label=label)
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set_xticks(x, SERIES_LABELS, fontsize=9)
    ax.set_yscale("log")
    ax.set_ylabel("latence de POST /ask (ms, échelle log.)")
    ax.set_title("Latence via uvicorn : ess-assistant et pipeline naïf")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return save_png(fig, path)


def markdown(result: dict[str, Any], chart: str) -> str:
    m = result["machine"]
    systems = _systems(result)
    head = "| mesure | " + " | ".join(systems) + " |"
    lines = [head, "|---|" + "---|" * len(systems)]
    for key, label in ROWS:
        cells = [str(figures.get(key, "–")) for figures in systems.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(
        [
            "# Benchmark : vitesse, charge, mémoire",
            "",
            "Régénéré par `ess-assistant bench --json evals/bench.json --report evals/BENCH.md`.",
            "",
            f"Machine : {m['nproc']} cœurs ({m['cpu']}), {m['ram_gb']} Go de RAM, Python "
            f"{m['python']} ; charge moyenne (1, 5, 15 min) au début {m['loadavg_start']}, à la "
            f"fin {m.get('loadavg_end', '?')} (machine partagée : les chiffres varient d'un "
            "passage à l'autre).",
            f"Corpus : {', '.join(result['corpus_dirs'])} — {result.get('documents', '?')} "
            f"documents, {result.get('chunks', '?')} passages (naïf : "
            f"{result['naive'].get('chunks', '?')} passages de 1 000 caractères) ; modèle "
            f"`{result.get('embedding', '?')}` pour les deux ; {result['questions']} questions de "
            "`evals/questions.jsonl`.",
            "",
            *lines,
            "",
            f"![latences]({chart})",
            "",
            "Protocole : ingestion en processus, modèle déjà chargé ; serveurs `uvicorn --factory` "
            "sur 127.0.0.1 dans un sous-processus ; « 1 utilisateur » pose chaque question une "
            "fois, à la suite (aucune n'est encore en cache) ; « question fréquente » : les "
            f"{result.get('hot_questions', '?')} premières questions, déjà posées ; « 16 "
            "utilisateurs » : 16 threads httpx, chacun sa connexion, posent en boucle ces "
            f"questions fréquentes pendant {result.get('c16_seconds', '?')} s, après un "
            "échauffement non mesuré qui les fait passer par chaque worker (le vecteur d'une "
            "question déjà vue vient du cache de chaque worker ; ceux des phrases candidates "
            "viennent toujours de l'index, calculés à l'ingestion ; le pipeline naïf n'a pas "
            "de cache). Le client de charge tourne sur la même machine "
            "et lui prend du CPU. "
            "Mémoire : somme des pics (VmHWM) des processus du serveur. Le pipeline naïf n'a pas "
            "d'index persistant : sa « ré-ingestion » refait tout.",
            "",
        ]
    )


def write_report(result: dict[str, Any], path: Path) -> list[Path]:
    chart = latency_chart(result, path.parent / "report" / "latency.png")
    rel = chart.relative_to(path.parent).as_posix()
    path.parent.mkdir(parents=True, exist_ok=True)
    scale = kept_section(path)  # the scale benchmark's section, measured by another command
    path.write_text(markdown(result, rel) + (f"\n{scale}\n" if scale else ""), encoding="utf-8")
    return [path, chart]
