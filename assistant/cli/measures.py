"""Commands that measure: `bench` (speed, load, scale) and `eval` (answer quality)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.app import app, fail, llm_writer, settings_from_env

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.writer import Writer


@app.command()
def bench(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Écrit les mesures en JSON")
    ] = None,
    report: Annotated[
        Path, typer.Option("--report", help="Rapport Markdown (et graphique dans report/)")
    ] = Path("evals/BENCH.md"),
    seconds: Annotated[
        float, typer.Option("--seconds", min=1, help="Durée de la charge à 16 utilisateurs")
    ] = 20.0,
    scale: Annotated[
        str | None,
        typer.Option(
            "--scale",
            help="Tailles du corpus, en multiples du corpus de départ (1,10,100) : mesure le "
            "passage à l'échelle (corpus synthétique) au lieu de la comparaison au pipeline naïf",
        ),
    ] = None,
    chroma_server: Annotated[
        bool, typer.Option("--chroma-server", help="Avec --scale : mesure aussi avec `chroma run`")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Graine du corpus synthétique")] = 1,
    random_vectors: Annotated[
        bool,
        typer.Option(
            "--random-vectors",
            help="Avec --scale : vecteurs aléatoires à l'ingestion (tout sauf le modèle)",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            help="Avec --scale : workers uvicorn à 16 utilisateurs (0 = un par cœur)",
        ),
    ] = 0,
    work_dir: Annotated[
        Path | None,
        typer.Option("--work-dir", help="Avec --scale : garde corpus et index dans ce dossier"),
    ] = None,
    serve_only: Annotated[
        bool,
        typer.Option(
            "--serve-only",
            help="Avec --scale et --work-dir : remesure le serveur sur l'index déjà construit",
        ),
    ] = False,
) -> None:
    """Mesure ingestion, latence de /ask (1 et 16 utilisateurs), mémoire, face au pipeline naïf ;
    avec --scale, la même chose à 1×, 10×, 100× le corpus de départ."""
    settings = settings_from_env()
    if serve_only and (scale is None or work_dir is None):
        fail("--serve-only : avec --scale et --work-dir (l'index d'un passage précédent)")
    if scale is not None:
        from evals.speed.scale import ScaleConfig, parse_factors, run_and_report

        scaled = ScaleConfig(
            factors=parse_factors(scale),
            starter_dirs=[d.resolve() for d in settings.corpus_dirs if d.is_dir()],
            modes=("embedded", "server") if chroma_server else ("embedded",),
            seed=seed,
            random_vectors=random_vectors,
            load_workers=workers,
            work_dir=work_dir.resolve() if work_dir else None,
            serve_only=serve_only,
            load_seconds=seconds,
            progress=sys.stderr.isatty(),
        )
        run_and_report(scaled, json_out or Path("evals/scale.json"), report, typer.echo)
        return
    from evals.speed.bench import BenchConfig, run_bench, summary_lines, write_outputs

    config = BenchConfig(corpus_dirs=list(settings.corpus_dirs), load_seconds=seconds)
    result = run_bench(config)
    for line in summary_lines(result):
        typer.echo(line)
    for written in write_outputs(result, json_out, report):
        typer.echo(f"Écrit : {written}")


@app.command(name="eval")
def evaluate(
    questions: Annotated[
        Path, typer.Option("--questions", help="Fichier JSONL de questions")
    ] = Path("evals/questions.jsonl"),
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Écrit les résultats en JSON")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=20)] = 5,
    baseline: Annotated[
        list[str] | None,
        typer.Option("--baseline", help="Pipeline de comparaison : naive ou bm25 (répétable)"),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Écrit le rapport Markdown et son graphique")
    ] = None,
    generator: Annotated[
        str,
        typer.Option("--generator", help="extractive, ou llm (le modèle configuré par ESS_LLM_*)"),
    ] = "extractive",
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample", min=1, help="N questions avec réponse tirées au sort (+ les refus)"
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Graine du tirage de --sample")] = 19,
    progress: Annotated[
        Path | None,
        typer.Option("--progress", help="Avec --generator llm : chaque question en JSONL, au fil"),
    ] = None,
) -> None:
    """Mesure la recherche, les réponses et les refus sur un jeu de questions."""
    import shlex
    from datetime import date

    from assistant.embedding import build_embedder
    from assistant.pipeline import Assistant
    from evals.baselines import build_baselines, split_corpus
    from evals.questions import load_questions
    from evals.questions import sample as draw
    from evals.report import RunContext, write_report
    from evals.run import as_json, compare, table

    settings = settings_from_env()
    embedder = build_embedder(settings)
    assistant = Assistant.open(settings, embedder)
    names = baseline or []
    passages = split_corpus(settings.corpus_dirs) if names else []
    baselines = build_baselines(names, passages, embedder)
    writer = None
    if generator == "llm":
        writer = llm_writer(settings)
        if writer is None:
            fail("--generator llm : aucun modèle configuré (ESS_LLM_BASE_URL ou ESS_LLM_GGUF)")
    elif generator != "extractive":
        fail(f"--generator : « {generator} » inconnu (extractive ou llm)")
    chosen = load_questions(questions)
    if sample:
        chosen = draw(chosen, sample, seed)
    results = compare(assistant, baselines, chosen, k, writer, progress)
    typer.echo(table(results))
    if writer is not None:
        _llm_figures(next(iter(results.values())))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(as_json(results), ensure_ascii=False, indent=2)
        json_out.write_text(body, encoding="utf-8")
        typer.echo(f"Résultats écrits dans {json_out}")
    if report and writer is not None:
        _llm_report(report, next(iter(results.values())), writer, settings, sys.argv[1:])
    elif report:
        command = ["ess-assistant", "eval", "--questions", str(questions), "--k", str(k)]
        command += [arg for name in baselines for arg in ("--baseline", name)]
        command += ["--generator", generator] if writer else []
        command += ["--report", str(report)]
        context = RunContext(
            command=shlex.join(command),
            date=date.today().isoformat(),
            questions=str(questions),
            corpus_dirs=[str(d) for d in settings.corpus_dirs],
            documents=assistant.documents(),
            embedding=embedder.name,
            k=k,
            baseline_passages=len(passages),
        )
        written, chart = write_report(report, results, context)
        typer.echo(f"Rapport écrit dans {written} (graphique : {chart})")


def _llm_figures(result: dict[str, Any]) -> None:
    llm, ext = result["llm"], result["extractive"]
    typer.echo(
        f"LLM : brouillons affichés {llm['drafts_shown']:.3f} ({llm['shown']}/{llm['asked']}), "
        f"premier mot p50 {llm['first_word_s']['p50']} s, réponse p50 {llm['total_s']['p50']} s "
        f"(charge médiane {llm['load']['median']}) ; motifs de rejet : {llm['rejections']}"
    )
    for metric in ("fact_recall", "lead_fact_recall", "citation_validity", "usable"):
        typer.echo(f"{metric} : extractif {ext[metric]:.3f}, LLM {result[metric]:.3f}")


def _llm_report(
    path: Path, result: dict[str, Any], writer: Writer, settings: Settings, args: list[str]
) -> None:
    import shlex
    from datetime import date

    from evals.llm_report import LLMRun, write_llm_report

    keys = ("llm_passages", "llm_context_chars", "llm_max_tokens", "llm_threads", "guard_overlap")
    run = LLMRun(
        command=shlex.join(["ess-assistant", *args]),
        date=date.today().isoformat(),
        model=writer.llm.name,
        settings={key: getattr(settings, key) for key in keys},
    )
    typer.echo(f"Rapport écrit dans {write_llm_report(path, result, run)}")
