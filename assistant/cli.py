"""`ess-assistant`: thin commands that parse, call the library and print."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.config import Settings
from assistant.errors import EssError

if TYPE_CHECKING:
    from assistant.writer import Writer

os.environ.setdefault("HF_HUB_OFFLINE", "1")

app = typer.Typer(
    help="Assistant ESS : réponses sourcées pour les collectivités.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _settings() -> Settings:
    return Settings()


def _fail(message: str) -> None:
    typer.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Dossiers ou fichiers")] = None,
) -> None:
    """Indexe les dossiers configurés (ou PATH...) : ajoute, remplace, supprime, sans doublon."""
    from assistant.embedding import build_embedder
    from assistant.store import ChunkStore, open_client
    from ingest.index import ingest as run_ingest

    settings = _settings()
    store, reset = ChunkStore.for_ingest(
        open_client(settings), settings.collection, build_embedder(settings)
    )
    if reset:
        typer.echo("Modèle d'embedding changé : ré-indexation complète.")
    summary = run_ingest(settings, store, paths or None, progress=sys.stderr.isatty())
    for line in summary.lines():
        typer.echo(line)


def _assistant(settings: Settings):
    from assistant.embedding import build_embedder
    from assistant.service import Assistant

    return Assistant.open(settings, build_embedder(settings))


@app.command()
def ask(
    question: str,
    as_json: Annotated[bool, typer.Option("--json", help="Même JSON que POST /ask")] = False,
    k: Annotated[int | None, typer.Option("--k", min=1, max=20)] = None,
    after: Annotated[
        list[str] | None,
        typer.Option(
            "--apres",
            help="Question précédente de la conversation (répétable, dans l'ordre) : "
            "« et pour une région ? » se comprend alors comme une suite",
        ),
    ] = None,
) -> None:
    """Pose une question et affiche la réponse avec ses sources numérotées (rédigée par le
    modèle de langue configuré par ESS_LLM_*, sinon extractive)."""
    from assistant.followup import Turn

    settings = _settings()
    assistant, writer = _assistant(settings), _writer(settings)
    history: list[Turn] = []
    for earlier in after or []:
        history.append(Turn(question=assistant.understand(earlier, history, writer)))
    answer = assistant.ask(question, k, history, writer=writer)
    if as_json:
        typer.echo(json.dumps(answer.model_dump(), ensure_ascii=False, indent=2))
        return
    if answer.question and answer.question != question:
        typer.echo(f"Question comprise : {answer.question}\n")
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("\nSources :")
        for c in answer.citations:
            # An article is named as a lawyer cites it, then the document that holds it.
            if c.label and c.label != c.title:
                page = c.locator.split(", ", 1)[1] if ", " in c.locator else ""  # "pages 6-7"
                name = f"{c.label} — {c.title}" + (f", {page}" if page else "")
            else:
                name = c.title + (f", {c.locator}" if c.locator else "")
            typer.echo(
                f"[{c.n}] {name} ({c.date}, {c.status})" + (f"\n    {c.link}" if c.link else "")
            )
    for warning in answer.warnings:
        typer.echo(f"Attention : {warning}")


def _writer(settings: Settings) -> Writer | None:
    """The LLM writer when ESS_LLM_BASE_URL or ESS_LLM_GGUF is set, else None (extractive)."""
    from assistant.llm import build_llm
    from assistant.writer import Writer

    model = build_llm(settings)
    return Writer(model, settings) if model else None


@app.command()
def search(query: str, k: Annotated[int, typer.Option("--k", min=1, max=50)] = 5) -> None:
    """Affiche les passages trouvés, avec leurs scores."""
    for hit in _assistant(_settings()).search(query, k):
        typer.echo(
            f"{hit.score:.3f} (dense {hit.dense:.3f}, lexical {hit.lexical:.2f}) "
            f"{hit.doc_id} — {hit.locator}"
        )
        typer.echo("    " + hit.text[:300].replace("\n", " "))


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Liste les documents indexés (identifiant, titre, date, statut, nombre de passages)."""
    rows = _assistant(_settings()).documents()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['doc_id']:30} {row['chunks']:5} passages  {row['date']:10}  "
            f"{row['status']:10}  {row['title']}"
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, max=64, help="Processus (ESS_WORKERS)")
    ] = None,
) -> None:
    """Démarre l'API (et sa documentation sur /docs)."""
    import uvicorn

    from assistant.api import create_app

    settings = _settings()
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    if workers > 1:
        # Each worker is a process that imports the app factory and loads its own model.
        uvicorn.run(
            "assistant.api:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
        )
        return
    # No access log: it holds the client's address and `/search?q=` questions (personal data);
    # anonymised question logging is ESS_LOG_QUESTIONS.
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False)


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
) -> None:
    """Mesure ingestion, latence de /ask (1 et 16 utilisateurs), mémoire, face au pipeline naïf ;
    avec --scale, la même chose à 1×, 10×, 100× le corpus de départ."""
    settings = _settings()
    if scale is not None:
        from evals.scale import ScaleConfig, parse_factors, run_and_report

        scaled = ScaleConfig(
            factors=parse_factors(scale),
            starter_dirs=[d.resolve() for d in settings.corpus_dirs if d.is_dir()],
            modes=("embedded", "server") if chroma_server else ("embedded",),
            seed=seed,
            random_vectors=random_vectors,
            load_seconds=seconds,
            progress=sys.stderr.isatty(),
        )
        run_and_report(scaled, json_out or Path("evals/scale.json"), report, typer.echo)
        return
    from evals.bench import BenchConfig, run_bench, summary_lines, write_outputs

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
    from assistant.service import Assistant
    from evals.baselines import build_baselines, split_corpus
    from evals.report import RunContext, write_report
    from evals.run import as_json, compare, load_questions, table
    from evals.run import sample as draw

    settings = _settings()
    embedder = build_embedder(settings)
    assistant = Assistant.open(settings, embedder)
    names = baseline or []
    passages = split_corpus(settings.corpus_dirs) if names else []
    baselines = build_baselines(names, passages, embedder)
    writer = None
    if generator == "llm":
        writer = _writer(settings)
        if writer is None:
            _fail("--generator llm : aucun modèle configuré (ESS_LLM_BASE_URL ou ESS_LLM_GGUF)")
    elif generator != "extractive":
        _fail(f"--generator : « {generator} » inconnu (extractive ou llm)")
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


feedback_app = typer.Typer(help="Avis des utilisateurs sur les réponses.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier CSV (sinon, sortie standard)")
    ] = None,
) -> None:
    """Exporte tous les avis en CSV (UTF-8), du plus ancien au plus récent."""
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(_settings().feedback_db)
    if out is None:
        store.export_csv(sys.stdout)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        n = store.export_csv(handle)
    typer.echo(f"{n} avis exportés dans {out}", err=True)


legifrance_app = typer.Typer(
    help="Textes officiels tenus à jour depuis Légifrance.", no_args_is_help=True
)
app.add_typer(legifrance_app, name="legifrance")


@legifrance_app.command("sync")
def legifrance_sync(
    archive: Annotated[
        list[Path] | None,
        typer.Option(
            "--archive",
            help="Archive LEGI de la DILA (.tar.gz), répétable, de la plus ancienne à la plus "
            "récente ; sans elle, l'API Légifrance (identifiants ESS_LEGIFRANCE_CLIENT_ID / _SECRET)",
        ),
    ] = None,
) -> None:
    """Importe la version en vigueur des articles listés dans corpus/legifrance.toml ; une
    version remplacée reste, datée, en « historique »."""
    from ingest.legifrance.sync import run_sync

    report = run_sync(_settings(), archive or [], progress=typer.echo)
    for line in report.lines():
        typer.echo(line)
    if report.failed:
        sys.exit(1)


def main() -> None:
    """Entry point: French one-line errors, never a traceback, for the errors users can meet."""
    logging.basicConfig(level=os.environ.get("ESS_LOG_LEVEL", "WARNING"))
    try:
        app(standalone_mode=True)
    except EssError as exc:
        _fail(str(exc))
    except (OSError, ValueError) as exc:
        _fail(f"{type(exc).__name__} : {exc}")


if __name__ == "__main__":
    main()
