"""The scale section of evals/BENCH.md and its chart (cost against corpus size, log scales)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evals.chart import figure, save_png

BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"

# JSON key, French label, target at 100× ("<= x" or ">= x", "" when none).
ROWS: list[tuple[str, str, str]] = [
    ("documents", "documents", ""),
    ("passages", "passages", ""),
    ("sentences", "phrases vectorisées", ""),
    ("ingest_cold_s", "ingestion à froid, modèle compris (s)", "<= 900"),
    ("ingest_cold_cpu_s", "ingestion à froid : temps CPU (s)", ""),
    ("passages_per_s", "passages/s (phrases comprises)", ""),
    ("ingest_peak_mb", "mémoire max. de l'ingestion (Mo)", "<= 2048"),
    ("ingest_noop_s", "ré-ingestion sans changement (s)", ""),
    ("noop_passages_embedded", "passages ré-vectorisés sans changement", "<= 0"),
    ("add_one_s", "ajout d'un document (s)", "<= 5"),
    ("add_one_cpu_s", "ajout d'un document : temps CPU, démarrage compris (s)", ""),
    ("index_mb", "index sur disque (Mo)", ""),
    ("startup_s", "démarrage d'un worker, modèle et index prêts (s)", "<= 10"),
    ("startup_cpu_s", "démarrage d'un worker : temps CPU (s)", ""),
    ("worker_rss_mb", "mémoire d'un worker (Mo)", "<= 1536"),
    ("ask_p50_ms", "/ask, 1 utilisateur, questions nouvelles, p50 (ms)", "<= 50"),
    ("ask_p95_ms", "/ask, 1 utilisateur, p95 (ms)", "<= 150"),
    ("ask_p99_ms", "/ask, 1 utilisateur, p99 (ms)", ""),
    ("ask_cpu_ms", "/ask, 1 utilisateur : temps CPU par réponse (ms)", ""),
    ("c16_workers", "16 utilisateurs : workers uvicorn", ""),
    ("c16_answers_per_s", "16 utilisateurs : réponses/s", ">= 40"),
    ("c16_p95_ms", "16 utilisateurs : p95 (ms)", "<= 500"),
    ("c16_new_share", "16 utilisateurs : part de questions nouvelles", ""),
    ("c16_cpu_ms", "16 utilisateurs : temps CPU par réponse (ms)", ""),
    ("errors", "erreurs", "<= 0"),
    ("chroma_server_rss_mb", "mémoire du serveur Chroma (Mo)", ""),
]

# Panels of the chart: title, then (key, label) of each line.
PANELS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "durées (s)",
        [
            ("ingest_cold_s", "ingestion à froid"),
            ("ingest_noop_s", "sans changement"),
            ("add_one_s", "ajout d'un document"),
            ("startup_s", "démarrage d'un worker"),
        ],
    ),
    (
        "latence de /ask (ms)",
        [
            ("ask_p50_ms", "1 util. p50"),
            ("ask_p95_ms", "1 util. p95"),
            ("c16_p95_ms", "16 util. p95"),
        ],
    ),
    (
        "mémoire et disque (Mo)",
        [
            ("ingest_peak_mb", "ingestion (pic)"),
            ("worker_rss_mb", "un worker"),
            ("index_mb", "index sur disque"),
        ],
    ),
]


def meets(value: Any, target: str) -> bool | None:
    """Whether `value` meets a target written "<= x" or ">= x"; None when not measured."""
    if not target or not isinstance(value, int | float):
        return None
    op, bound = target.split()
    return value <= float(bound) if op == "<=" else value >= float(bound)


def _points(rows: list[dict[str, Any]], key: str, mode: str, vectors: str) -> list[Any]:
    return sorted(
        (r["passages"], r[key])
        for r in rows
        if r["mode"] == mode
        and r.get("vectors", "model") == vectors
        and isinstance(r.get(key), int | float)
        and r[key] > 0
    )


def scale_chart(rows: list[dict[str, Any]], path: Path) -> Path:
    """One panel per kind of cost, each cost against the number of passages, log-log: lines
    join the sizes measured alike (solid: embedded Chroma, dashed: Chroma server, random vectors
    at ingest when a size was measured so), crosses are the sizes measured with the model."""
    fig = figure(13, 4.6)
    axes = fig.subplots(1, len(PANELS))
    sizes = sorted({r["passages"] for r in rows})
    for ax, (title, series) in zip(axes, PANELS, strict=True):
        for i, (key, label) in enumerate(series):
            for mode, style in (("embedded", "-"), ("server", "--")):
                points = _points(rows, key, mode, "random")
                suffix = " (serveur)" if mode == "server" else ""
                if points:
                    ax.plot(
                        [p for p, _ in points],
                        [v for _, v in points],
                        style,
                        marker="o",
                        color=f"C{i}",
                        label=label + suffix,
                    )
                model = _points(rows, key, mode, "model")
                if model:
                    ax.plot(
                        [p for p, _ in model],
                        [v for _, v in model],
                        "x",
                        markersize=9,
                        color=f"C{i}",
                        label=f"{label}{suffix}, avec le modèle",
                    )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("passages dans l'index (échelle log.)")
        ax.set_title(title)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=6)
    fig.suptitle(
        "Coût selon la taille du corpus (machine partagée : comparer les tailles entre elles)"
    )
    fig.tight_layout()
    return save_png(fig, path)


# Figures that leave the model out when the vectors are random: no target check on them.
MODEL_FIGURES = {"ingest_cold_s", "passages_per_s", "ingest_peak_mb", "add_one_s"}


def heading(row: dict[str, Any]) -> str:
    where = "serveur Chroma" if row["mode"] == "server" else "embarqué"
    random = row.get("vectors") == "random"
    return f"{row['factor']}× {where}" + (" (vecteurs aléatoires*)" if random else "")


def _cell(row: dict[str, Any], key: str, target: str) -> str:
    value = row.get(key)
    if value is None:
        return "–"
    random = row.get("vectors") == "random"
    if random and key in MODEL_FIGURES:
        return f"{value}*"
    ok = meets(value, target) if row["factor"] >= 100 else None
    return f"{value}" + {True: " ✓", False: " ✗", None: ""}[ok]


PROFILE_ROWS = [
    ("passages", "passages"),
    ("sentences", "phrases"),
    ("read_chunk_s", "lecture et découpage de tous les fichiers (s)"),
    ("bm25_build_s", "analyse française et construction du BM25 (s)"),
    ("bm25_build_rss_mb", "mémoire prise par la construction du BM25 (Mo)"),
    ("bm25_file_mb", "BM25 sur disque (Mo)"),
    ("bm25_load_s", "chargement du BM25 par un worker (s)"),
    ("bm25_loaded_rss_mb", "mémoire du BM25 chargé (Mo)"),
    ("bm25_search_ms", "recherche BM25 (ms, p50 / p95)"),
]


def profile_table(profile: dict[str, Any]) -> list[str]:
    """The stages measured without Chroma nor the model
    (`evals.speed.scale_profile --no-chroma`)."""
    sizes = sorted((k for k in profile if k.isdigit()), key=int)
    if not sizes:
        return []
    lines = [
        "Mesuré sans Chroma ni modèle "
        "(`python -m evals.speed.scale_profile --factor N --no-chroma`) :",
        "",
        "| étape | " + " | ".join(f"{n}×" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for key, label in PROFILE_ROWS:
        cells = []
        for n in sizes:
            value = profile[n].get(key, "–")
            if isinstance(value, dict):
                value = f"{value.get('p50')} / {value.get('p95')}"
            cells.append(str(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    model = profile.get("model")
    if model:
        lines += [
            "",
            f"Coût du modèle à l'ingestion (`--model-sample {model['passages']}`) : "
            f"{model['cpu_s_per_passage']} s de CPU et {model['wall_s_per_passage']} s par "
            f"passage, ses {model['sentences'] / model['passages']:.1f} phrases comprises "
            f"(charge {model['loadavg']}).",
        ]
    return [*lines, ""]


def _when(row: dict[str, Any]) -> str:
    """When a column was measured and the load then; a server measured again later on the
    same index (`--serve-only`) says so."""
    when = f"{row.get('measured', '2 décembre 2026')}, charge {row.get('loadavg_start')} → "
    when += f"{row.get('loadavg_end')}"
    if row.get("served_only"):
        when += f" (serveur remesuré le {row['served_only']}"
        if row.get("serve_only_ingest_s") is not None:
            when += f", après une ingestion par ce code, corpus inchangé : {row['serve_only_ingest_s']} s"
        when += ")"
    return when


def section(saved: dict[str, Any], chart: str, profile: dict[str, Any] | None = None) -> str:
    """The Markdown of the scale section, between its markers."""
    rows = saved["rows"]
    m = saved.get("machine", {})
    heads = [heading(r) for r in rows]
    lines = [
        "| mesure | cible à 100× | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(rows),
    ]
    for key, label, target in ROWS:
        if not any(key in r for r in rows):
            continue
        shown = target.replace("<=", "≤").replace(">=", "≥")
        lines.append(
            f"| {label} | {shown} | " + " | ".join(_cell(r, key, target) for r in rows) + " |"
        )
    stages = [
        "| étape de l'ingestion à froid (s) | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(rows),
    ]
    names = sorted({k for r in rows for k in r.get("stages_cold", {})})
    for name in names:
        stages.append(
            f"| {name} | "
            + " | ".join(str(r.get("stages_cold", {}).get(name, "–")) for r in rows)
            + " |"
        )
    loads = ", ".join(f"{h} : {_when(r)}" for h, r in zip(heads, rows, strict=True))
    return "\n".join(
        [
            BEGIN,
            "## Passage à l'échelle : 1×, 10×, 100× le corpus de départ",
            "",
            "Régénéré par `ess-assistant bench --scale 1,10,100 [--chroma-server] "
            "[--random-vectors] [--workers N]` (chaque taille est écrite dès qu'elle est "
            "mesurée, dans `evals/scale.json`, à la place de la colonne de même taille, même "
            "mode et mêmes vecteurs ; les autres colonnes restent celles d'un passage "
            "précédent, à la date indiquée).",
            "",
            f"Machine : {m.get('nproc', '?')} cœurs ({m.get('cpu', '?')}), "
            f"{m.get('ram_gb', '?')} Go de RAM, **partagée** avec d'autres tâches ; date de "
            f"chaque colonne et charge moyenne (1, 5, 15 min) à son début et à sa fin : {loads}. "
            "Les durées varient d'un passage à l'autre ; les tailles et la mémoire, peu.",
            "",
            "Corpus : 1× est le corpus de départ (`corpus/` et `../shared/corpus`) ; N× y ajoute "
            "N − 1 copies synthétiques (`evals/speed/scale_corpus.py`, graine fixe) : articles "
            "et paragraphes du corpus de départ recombinés en documents qui ont leurs propres "
            "identifiants, titres, dates et catalogue. **Il mesure la vitesse et la mémoire, "
            "pas la qualité des réponses** ; son vocabulaire ne croît pas avec sa taille comme "
            "celui d'un vrai corpus (le BM25 y est un peu plus petit que sur de vrais textes).",
            "",
            *lines,
            "",
            "✓ / ✗ : cible tenue ou non à 100×. * Vecteurs aléatoires (`--random-vectors`) : "
            "à l'ingestion, des vecteurs unitaires aléatoires (512 dimensions, au nom du "
            "modèle) remplacent le modèle ; les chiffres marqués * ne comptent donc pas le "
            "calcul des vecteurs. Tout le reste y est réel (lecture, découpage, Chroma, BM25, "
            "serveur, modèle pour les questions), mais les passages retrouvés par le sens y "
            "sont quelconques : une réponse y coûte **moins** qu'avec les vrais vecteurs (à "
            "100×, 36 ms de CPU contre 75 ms avant la correction des voisins, mesuré), donc "
            "seules les colonnes « embarqué » sans * valent pour `/ask` et les 16 utilisateurs.",
            "",
            f"![coût selon la taille]({chart})",
            "",
            *stages,
            "",
            *profile_table(profile or {}),
            "Ce qui en découle pour une machine dédiée, et les cibles à 100× (estimations) : "
            "`docs/deploy.md`, section 4.",
            "",
            "Protocole : chaque ingestion tourne dans son propre processus "
            "(`python -m evals.speed.scale_ingest`, comme `ess-assistant ingest`) : sa mémoire "
            "max. (VmHWM) compte le modèle et, quand une grande ingestion vectorise dans un processus "
            "par cœur, ces processus (le pic du plus gros, fois leur nombre) ; « à froid » part d'un dossier de données vide, modèle "
            "compris ; « passages/s » divise les passages par la durée de l'ingestion seule "
            "(lecture, découpage, vecteurs des passages et de leurs phrases, écriture, BM25) ; "
            "« ajout d'un document » : un document de plus dans le dossier, puis `ingest`. "
            "Serveur : un worker uvicorn neuf pour le démarrage, « 1 utilisateur » et la "
            "mémoire d'un worker ; « 16 utilisateurs » charge un second serveur avec le nombre "
            "de workers indiqué (par défaut un par cœur, 2 ici, comme le déploierait cette "
            "machine), après 32 questions d'échauffement non mesurées qui font ouvrir l'index "
            "à chaque worker (les colonnes plus anciennes sans ce nombre : 1 worker) ; "
            "« démarrage » va du lancement à la première "
            "réponse de `/health` (modèle chargé, index ouvert, BM25 chargé ou, avec un serveur "
            "Chroma, reconstruit depuis le serveur) ; « 1 utilisateur » pose une fois chacune "
            "des premières questions de `evals/questions.jsonl` (aucune en cache) ; « 16 "
            "utilisateurs » : 16 threads httpx posent, chacun dans sa part, ces questions "
            "précédées d'une tournure (« Pour une commune, … ») qui les rend nouvelles pour les "
            "caches ; la part de questions nouvelles est indiquée. Mémoire d'un worker : VmHWM "
            "du processus uvicorn.",
            END,
        ]
    )


def write_section(
    saved: dict[str, Any], report: Path, profile: dict[str, Any] | None = None
) -> list[Path]:
    """Put the scale section into `report`, replacing the earlier one, keeping the rest."""
    chart = scale_chart(saved["rows"], report.parent / "report" / "scale.png")
    text = report.read_text(encoding="utf-8") if report.is_file() else ""
    body = section(saved, chart.relative_to(report.parent).as_posix(), profile)
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: body, text)
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")
    return [report, chart]


def kept_section(report: Path) -> str:
    """The scale section already in `report` ("" when none), for the speed benchmark, which
    rewrites the rest of the file, to keep."""
    if not report.is_file():
        return ""
    found = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), report.read_text("utf-8"), re.S)
    return found.group(0) if found else ""
