"""The per-persona bar chart of the report (where the assistant serves one audience worse), and
the figure and PNG every report's chart is drawn on and saved as."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Metric keys as in the JSON, with the label a French reader understands.
LABELS = {
    "usable": "réponses\nutilisables",
    "lead_fact_recall": "faits dans\nl'ouverture",
    "lead_source_hit": "bonne source\nen ouverture",
    "reference_exact": "article\ndemandé cité",
    "hit_at_1": "hit@1",
    "hit_at_5": "hit@5",
    "mrr": "MRR",
    "fact_recall": "rappel des faits",
    "citation_validity": "citations valides",
    "refusal_accuracy": "refus corrects\n(hors champ)",
    "false_refusal_rate": "faux refus\n(plus bas = mieux)",
}


def figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas directly, not pyplot: no display needed, no global figure
    state to leak."""
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def save_png(fig: Figure, path: Path) -> Path:
    """`fig` as a PNG at `path`, without the software stamp, so that the same figures give the
    same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path


def persona_chart(values: dict[str, dict[str, float | None]], path: Path) -> Path:
    """Grouped bars, one group per metric and one bar per persona; None (no such question for
    that persona) leaves the bar out rather than drawing a misleading 0."""
    personas = list(values)
    metrics = list(LABELS)
    x = np.arange(len(metrics))
    width = 0.8 / max(len(personas), 1)
    fig = figure(11, 5)
    ax = fig.subplots()
    for i, persona in enumerate(personas):
        heights = [values[persona].get(m) for m in metrics]
        offsets = x - 0.4 + width * (i + 0.5)
        shown = [(o, h) for o, h in zip(offsets, heights, strict=True) if h is not None]
        bars = ax.bar(
            [o for o, _ in shown], [h for _, h in shown], width, label=persona or "(sans persona)"
        )
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks(x, [LABELS[m] for m in metrics], fontsize=9)
    ax.set_ylim(0, 1.1)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("valeur (0 à 1)")
    ax.set_title("Métriques d'ess-assistant par persona")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(title="persona", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=len(personas))
    fig.tight_layout()
    return save_png(fig, path)
