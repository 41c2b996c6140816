"""Everyday commands: ingest, ask, search, documents, serve, feedback export, Légifrance."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.app import app, llm_writer, open_assistant, settings_from_env


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Dossiers ou fichiers")] = None,
) -> None:
    """Indexe les dossiers configurés (ou PATH...) : ajoute, remplace, supprime, sans doublon."""
    from assistant.embedding import build_embedder
    from assistant.store import ChunkStore, open_client
    from ingest.index import ingest as run_ingest

    settings = settings_from_env()
    store, reset = ChunkStore.for_ingest(
        open_client(settings), settings.collection, build_embedder(settings)
    )
    if reset:
        typer.echo("Modèle d'embedding changé : ré-indexation complète.")
    summary = run_ingest(
        settings,
        store,
        paths or None,
        progress=sys.stderr.isatty(),
        embedder_factory=partial(build_embedder, settings),
    )
    for line in summary.lines():
        typer.echo(line)


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

    settings = settings_from_env()
    assistant, writer = open_assistant(settings), llm_writer(settings)
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


@app.command()
def search(query: str, k: Annotated[int, typer.Option("--k", min=1, max=50)] = 5) -> None:
    """Affiche les passages trouvés, avec leurs scores."""
    for hit in open_assistant(settings_from_env()).search(query, k):
        typer.echo(
            f"{hit.score:.3f} (dense {hit.dense:.3f}, lexical {hit.lexical:.2f}) "
            f"{hit.doc_id} — {hit.locator}"
        )
        typer.echo("    " + hit.text[:300].replace("\n", " "))


@app.command()
def documents(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Liste les documents indexés (identifiant, titre, date, statut, nombre de passages)."""
    rows = open_assistant(settings_from_env()).documents()
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

    from assistant.server.app import create_app

    settings = settings_from_env()
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    if workers > 1:
        # Each worker is a process that imports the app factory and loads its own model.
        uvicorn.run(
            "assistant.server.app:app_from_env",
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


feedback_app = typer.Typer(help="Avis des utilisateurs sur les réponses.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier CSV (sinon, sortie standard)")
    ] = None,
) -> None:
    """Exporte tous les avis en CSV (UTF-8), du plus ancien au plus récent."""
    from assistant.server.feedback import FeedbackStore

    store = FeedbackStore(settings_from_env().feedback_db)
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

    report = run_sync(settings_from_env(), archive or [], progress=typer.echo)
    for line in report.lines():
        typer.echo(line)
    if report.failed:
        sys.exit(1)
