"""`ess-assistant`: thin commands that parse, call the library and print."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.config import Settings
from assistant.errors import EssError

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
) -> None:
    """Pose une question et affiche la réponse avec ses sources numérotées."""
    answer = _assistant(_settings()).ask(question, k)
    if as_json:
        typer.echo(json.dumps(answer.model_dump(), ensure_ascii=False, indent=2))
        return
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("\nSources :")
        for c in answer.citations:
            where = f", {c.locator}" if c.locator else ""
            typer.echo(
                f"[{c.n}] {c.title}{where} ({c.date}, {c.status})"
                + (f"\n    {c.link}" if c.link else "")
            )
    for warning in answer.warnings:
        typer.echo(f"Attention : {warning}")


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
) -> None:
    """Démarre l'API (et sa documentation sur /docs)."""
    import uvicorn

    from assistant.api import create_app

    settings = _settings()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)


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
) -> None:
    """Mesure la recherche, les réponses et les refus sur un jeu de questions."""
    import shlex
    from datetime import date

    from assistant.embedding import build_embedder
    from assistant.service import Assistant
    from evals.baselines import build_baselines, split_corpus
    from evals.report import RunContext, write_report
    from evals.run import as_json, compare, load_questions, table

    settings = _settings()
    embedder = build_embedder(settings)
    assistant = Assistant.open(settings, embedder)
    names = baseline or []
    passages = split_corpus(settings.corpus_dirs) if names else []
    baselines = build_baselines(names, passages, embedder)
    results = compare(assistant, baselines, load_questions(questions), k)
    typer.echo(table(results))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(as_json(results), ensure_ascii=False, indent=2)
        json_out.write_text(body, encoding="utf-8")
        typer.echo(f"Résultats écrits dans {json_out}")
    if report:
        command = ["ess-assistant", "eval", "--questions", str(questions), "--k", str(k)]
        command += [arg for name in baselines for arg in ("--baseline", name)]
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
