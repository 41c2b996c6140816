"""The FastAPI service: heavy objects come from `create_app`'s caller or its lifespan, once."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, field_validator

from assistant.config import Settings
from assistant.embedding import Embedder, build_embedder
from assistant.errors import (
    ChromaUnavailableError,
    DamagedIndexError,
    EmptyIndexError,
    EssError,
    InvalidQuestionError,
    ModelMismatchError,
)
from assistant.followup import Turn
from assistant.llm import ChatModel, LlamaCppChat, build_llm
from assistant.server import admin, export, middleware, pages
from assistant.server.feedback import FeedbackIn, FeedbackRow, FeedbackUpdate
from assistant.server.pages import servable
from assistant.server.privacy import log_question
from assistant.server.problems import EVERY_ROUTE, READS_INDEX, TOO_MANY, documented, french
from assistant.server.sse import sse_events
from assistant.server.state import AppState, StateDep, client_of, limited
from assistant.types import Answer
from assistant.writer import Writer

log = logging.getLogger(__name__)


WEB = Path(__file__).parent / "web"
# The page loads only its own script, style and data: an injected <script> or a foreign
# frame finds no way in (the page also escapes everything it shows).
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MAX_HISTORY = 20


class AskRequest(BaseModel):
    question: str = Field(
        max_length=2000,
        pattern=r"\S",
        description="La question, en français (2 000 caractères au plus)",
    )
    k: int | None = Field(default=None, ge=1, le=20, description="Nombre de passages retenus")
    history: list[Turn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="Tours précédents de la conversation, le plus récent en dernier : une "
        "question de suite (« et pour une région ? ») est réécrite avec eux",
    )

    @field_validator("k", mode="before")
    @classmethod
    def _a_number(cls, value: object) -> object:
        """A JSON number with no fraction (5 or 5.0, as JSON Schema counts integers), never
        "5" or true, which a lax parser would turn into 5 and 1."""
        if isinstance(value, bool | str):
            raise ValueError("doit être un nombre entier")
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


class SearchHit(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    date: str
    status: str
    locator: str
    score: float
    dense: float
    lexical: float
    text: str


class Passage(BaseModel):
    chunk_id: str
    locator: str
    page: int | None = None
    page_end: int | None = Field(
        default=None, description="Dernière page, s'il en couvre plusieurs"
    )
    heading: str = ""
    text: str


class DocumentView(BaseModel):
    """One indexed document, passage by passage, for the page's document viewer."""

    doc_id: str
    title: str
    kind: str
    date: str
    status: str
    source: str
    link: str | None = Field(description="Adresse du texte en ligne, s'il en a une")
    file: str | None = Field(description="Chemin du fichier d'origine (PDF, texte) sur ce service")
    passages: list[Passage]


def create_app(
    settings: Settings, embedder: Embedder | None = None, llm: ChatModel | None = None
) -> FastAPI:
    """The app; `embedder` is built here once when the caller does not pass one in."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        model = llm or build_llm(settings)
        writer = Writer(model, settings) if model else None
        if writer is not None and isinstance(model, LlamaCppChat):
            # A local model reads the system prompt once now, not while the first user waits.
            threading.Thread(target=writer.warm, name="llm-warm", daemon=True).start()
        app.state.ess = AppState(settings, embedder or build_embedder(settings), writer)
        try:
            app.state.ess.generations.current()
        except EssError as exc:
            log.warning("index not ready at start-up: %s", exc)
        yield

    app = FastAPI(
        title="ESS Assistant",
        description="Réponses sourcées sur l'économie sociale et solidaire pour les collectivités.",
        version="0.1.0",
        lifespan=lifespan,
        responses=EVERY_ROUTE,
    )
    middleware.install(app, settings)  # size cap, CORS only for listed origins, French errors
    app.add_middleware(admin.AdminGate, token=settings.admin_token)  # before any body is read
    app.include_router(admin.router)
    app.include_router(pages.router)  # a PDF page as an image, with the cited passage's boxes
    app.include_router(export.router)  # the conversation as a .docx

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={
                "detail": "requête invalide : " + "; ".join(french(e) for e in exc.errors()),
                # Without the input: it may be a question (personal data) or unencodable.
                "errors": jsonable_encoder(
                    [
                        {k: v for k, v in e.items() if k not in ("input", "ctx")}
                        for e in exc.errors()
                    ]
                ),
            },
        )

    @app.exception_handler(EssError)
    async def ess_error(_: Request, exc: EssError) -> JSONResponse:
        status = {
            EmptyIndexError: 503,
            DamagedIndexError: 503,
            ModelMismatchError: 503,
            ChromaUnavailableError: 503,
            InvalidQuestionError: 422,
        }
        return JSONResponse(status_code=status.get(type(exc), 400), content={"detail": str(exc)})

    @app.exception_handler(httpx.TransportError)
    async def chroma_down(_: Request, exc: httpx.TransportError) -> JSONResponse:
        # The Chroma server (ESS_CHROMA_URL) went away after start-up.
        log.error("Chroma server unreachable: %s", exc)
        detail = str(ChromaUnavailableError(settings.chroma_url, type(exc).__name__))
        return JSONResponse(status_code=503, content={"detail": detail})

    def logged(body: AskRequest, request: Request) -> None:
        """The question in the anonymised log, when ESS_LOG_QUESTIONS is on."""
        if settings.log_questions:
            log_question(body.question, client_of(request), request.headers.get("user-agent", ""))

    @app.post(
        "/ask",
        response_model=Answer,
        dependencies=[limited("ask")],
        responses=TOO_MANY | READS_INDEX,
    )
    def ask(body: AskRequest, state: StateDep, request: Request) -> Answer:
        logged(body, request)
        return state.assistant().ask(body.question, body.k, body.history, state.writer)

    @app.post(
        "/ask/stream",
        response_class=StreamingResponse,
        dependencies=[limited("ask")],
        responses=TOO_MANY | READS_INDEX,
    )
    def ask_stream(body: AskRequest, state: StateDep, request: Request) -> StreamingResponse:
        """Server-Sent Events : `delta` ({"text"}) au fil de la rédaction par le modèle de
        langue, puis un `final` : la réponse vérifiée (même JSON que POST /ask) et `replace`,
        vrai quand le texte reçu est remplacé par la réponse extractive."""
        logged(body, request)
        events = state.assistant().ask_stream(body.question, body.k, body.history, state.writer)
        return StreamingResponse(
            sse_events(events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.get("/search", response_model=list[SearchHit], responses=READS_INDEX)
    def search(
        state: StateDep,
        q: Annotated[str, Query(max_length=2000, pattern=r"\S")],
        k: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> list[SearchHit]:
        hits = state.assistant().search(q, k)
        return [
            SearchHit(
                chunk_id=h.chunk_id,
                doc_id=h.doc_id,
                title=str(h.meta.title),
                date=str(h.meta.date),
                status=str(h.meta.status),
                locator=h.locator,
                score=round(h.score, 4),
                dense=round(h.dense, 4),
                lexical=round(h.lexical, 4),
                text=h.text,
            )
            for h in hits
        ]

    @app.get("/documents", responses=READS_INDEX)
    def documents(state: StateDep) -> list[dict[str, Any]]:
        return state.assistant().documents()

    @app.get(
        "/documents/{doc_id}",
        response_model=DocumentView,
        responses=READS_INDEX | documented(e404="Document introuvable"),
    )
    def document(doc_id: str, state: StateDep) -> DocumentView:
        """Un document indexé, passage par passage, dans l'ordre de lecture."""
        hits = state.assistant().document(doc_id)
        if not hits:
            raise HTTPException(404, detail=f"document introuvable : « {doc_id} »")
        meta = hits[0].meta
        source = str(meta.source)
        link = str(meta.url) or (source if source.startswith(("http://", "https://")) else None)
        return DocumentView(
            doc_id=doc_id,
            title=str(meta.title),
            kind=str(meta.kind),
            date=str(meta.date),
            status=str(meta.status),
            source=source,
            link=link,
            file=f"documents/{doc_id}/file" if servable(meta, settings) else None,
            passages=[
                Passage(
                    chunk_id=h.chunk_id,
                    locator=h.locator,
                    page=h.meta.page,
                    page_end=h.meta.page_end,
                    heading=h.meta.heading,
                    text=h.text,
                )
                for h in hits
            ],
        )

    @app.get(
        "/documents/{doc_id}/file",
        response_class=FileResponse,
        responses=READS_INDEX
        | documented(e404="Fichier introuvable")
        | {200: {"content": {"application/pdf": {}, "text/plain": {}}}},
    )
    def document_file(doc_id: str, state: StateDep) -> FileResponse:
        """Le fichier d'origine d'un document indexé (un PDF s'ouvre à la page citée)."""
        hits = state.assistant().document(doc_id)
        path = servable(hits[0].meta, settings) if hits else None
        if path is None:
            raise HTTPException(404, detail=f"fichier introuvable pour le document « {doc_id} »")
        kind = "application/pdf" if path.suffix.lower() == ".pdf" else "text/plain; charset=utf-8"
        # inline: the browser shows it (a PDF at #page=n) rather than downloading it
        return FileResponse(path, media_type=kind, content_disposition_type="inline")

    @app.get("/health")
    def health(state: StateDep) -> dict[str, Any]:
        body: dict[str, Any] = {"model": state.embedder.name, "collection": settings.collection}
        body["llm"] = state.writer.llm.name if state.writer else None
        try:
            snapshot = state.generations.current()
        except EssError as exc:
            return body | {"status": "indisponible", "chunks": 0, "detail": str(exc)}
        body |= {"status": "ok", "chunks": snapshot.store.count()}
        problems = [*snapshot.problems]
        if state.generations.failure:  # the newest files are unreadable: the previous ones serve
            problems.append(f"{state.generations.failure} (l'index précédent reste servi)")
        if problems:  # answering, but an ingest should repair what is listed
            body |= {"status": "dégradé", "detail": " ; ".join(problems)}
        return body

    @app.post(
        "/feedback",
        response_model=FeedbackRow,
        status_code=201,
        dependencies=[limited("feedback")],
        responses=TOO_MANY,
    )
    def give_feedback(body: FeedbackIn, state: StateDep) -> FeedbackRow:
        """Avis sur une réponse : utile ou non, commentaire et étiquettes facultatifs."""
        return state.feedback.add(body)

    @app.patch(
        "/feedback/{row_id}",
        response_model=FeedbackRow,
        dependencies=[limited("feedback")],
        responses=TOO_MANY | documented(e404="Avis introuvable"),
    )
    def amend_feedback(
        row_id: Annotated[
            int, PathParam(ge=1, le=2**63 - 1)
        ],  # SQLite's INTEGER, never an overflow
        body: FeedbackUpdate,
        state: StateDep,
    ) -> FeedbackRow:
        """Compléter un avis déjà enregistré : commentaire, étiquettes, ou l'autre vote."""
        row = state.feedback.update(row_id, body)
        if row is None:
            raise HTTPException(
                404, detail=f"Cet avis est introuvable (n° {row_id}) : vérifiez son numéro."
            )
        return row

    # Reading the feedback (users' questions) is an admin route: GET /admin/feedback.

    app.mount("/static", StaticFiles(directory=WEB), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(
            WEB / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
        )

    return app


def app_from_env() -> FastAPI:
    """The app with settings from `ESS_*`: the import string `uvicorn --factory` needs to start
    several workers, each loading the model once."""
    return create_app(Settings())
