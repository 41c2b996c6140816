"""`/admin/`: what changes the index or reads users' feedback, behind a bearer token.

Without `ESS_ADMIN_TOKEN` these routes answer 404: a service put on a network by default
exposes only questions and answers. Uploaded files land in the data folder's `uploads/`,
which every ingest indexes beside the configured folders.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import unicodedata
from dataclasses import asdict
from pathlib import Path
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import Settings
from assistant.server.feedback import FeedbackRow
from assistant.server.problems import ADMIN, documented
from assistant.server.state import AppState

UPLOAD_SUFFIXES = {".pdf", ".txt", ".md", ".markdown"}  # what ingest/read.py reads
_CHUNK = 1 << 20
MAX_NAME_BYTES = 200  # UTF-8 bytes: room below the 255 of file systems for the temporary name

_bearer = HTTPBearer(auto_error=False, description="Jeton ESS_ADMIN_TOKEN")
_ingest_lock = Lock()  # one index change at a time in this process


class Uploaded(BaseModel):
    file: str
    doc_id: str
    bytes: int
    replaced: bool


class IngestReport(BaseModel):
    added: list[str]
    kept: list[str]
    replaced: list[str]
    removed: list[str]
    skipped: list[dict[str, str]]
    notes: list[str]
    chunks_total: int
    lines: list[str]


def _state(request: Request) -> AppState:
    return request.app.state.ess


def refusal(token: str, authorization: str) -> HTTPException | None:
    """Why a request to `/admin/` is refused, or None: 404 while administration is off, 401
    without the right token (compared in constant time, so its characters cannot be guessed
    one by one from response times)."""
    if not token:
        return HTTPException(404, "administration désactivée : définissez ESS_ADMIN_TOKEN")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    if not secrets.compare_digest(given.strip().encode(), token.encode()):
        return HTTPException(
            401,
            "jeton d'administration manquant ou invalide (en-tête Authorization: Bearer …)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return None


def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The same check as `AdminGate`, for the OpenAPI description and in depth."""
    given = f"Bearer {credentials.credentials}" if credentials else ""
    refused = refusal(_state(request).settings.admin_token, given)
    if refused is not None:
        raise refused


class AdminGate:
    """Refuse an `/admin/` request before its body is read: FastAPI parses (and spools to
    disk) a multipart body before the route's dependencies run, so without this 32 uploads
    with no token held 1.5 GB of temporary files before being told 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == "/admin" or path.startswith("/admin/")):
            headers = dict(scope.get("headers") or [])
            refused = refusal(self.token, headers.get(b"authorization", b"").decode("latin-1"))
            if refused is not None:
                response = JSONResponse(
                    status_code=refused.status_code,
                    content={"detail": refused.detail},
                    headers=refused.headers,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


router = APIRouter(
    prefix="/admin",
    tags=["administration"],
    dependencies=[Depends(require_admin)],
    responses=ADMIN,
)


@router.post(
    "/documents",
    response_model=Uploaded,
    status_code=201,
    responses=documented(e415="Format de fichier non pris en charge"),
)
def upload(file: UploadFile, request: Request) -> Uploaded:
    """Dépose un document (PDF, texte, Markdown) ; il est indexé au prochain `POST /admin/ingest`."""
    settings = _state(request).settings
    name = safe_name(file.filename or "")
    target = settings.uploads_dir / name
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    # A temporary name of its own (hidden: ingest skips dot-files), so that two uploads of
    # the same name never write into one file; the last one moved into place wins, whole.
    handle, temporary = tempfile.mkstemp(
        prefix=".upload-", suffix=".part", dir=settings.uploads_dir
    )
    partial = Path(temporary)
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            head = file.file.read(_CHUNK)
            check_content(name, head)
            while head:
                size += len(head)
                if size > settings.max_upload_bytes:
                    raise HTTPException(
                        413,
                        f"fichier trop volumineux ({settings.max_upload_bytes // 1_000_000} Mo "
                        "au plus, réglage ESS_MAX_UPLOAD_BYTES)",
                    )
                out.write(head)
                head = file.file.read(_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        replaced = target.exists()
        os.replace(partial, target)  # whole or not at all: an ingest never reads half a file
    finally:
        partial.unlink(missing_ok=True)
    from ingest.catalog import slug  # ingest imports assistant, never the reverse at import

    return Uploaded(file=name, doc_id=slug(Path(name).stem), bytes=size, replaced=replaced)


@router.post(
    "/ingest",
    response_model=IngestReport,
    responses=documented(e409="Une indexation est déjà en cours"),
)
def run_ingest(request: Request) -> IngestReport:
    """Met l'index à jour : dossiers configurés et documents déposés."""
    return _ingest(_state(request))


@router.delete(
    "/documents/{doc_id}",
    response_model=IngestReport,
    responses=documented(
        e404="Document déposé introuvable", e409="Une indexation est déjà en cours"
    ),
)
def delete_document(
    doc_id: Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9-]{0,199}$")], request: Request
) -> IngestReport:
    """Retire un document déposé (fichier et passages) ; ceux des dossiers du corpus se retirent
    de leur dossier."""
    from ingest.catalog import slug

    state = _state(request)
    uploads = state.settings.uploads_dir
    files = [p for p in uploads.glob("*") if p.is_file() and slug(p.stem) == doc_id]
    if not files:
        raise HTTPException(
            404,
            f"aucun document déposé n'a l'identifiant « {doc_id} » ; un document d'un dossier "
            "du corpus se retire en supprimant son fichier, puis POST /admin/ingest",
        )
    for path in files:
        path.unlink()
    return _ingest(state)


@router.get(
    "/feedback.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "Les avis, en CSV"}},
)
def feedback_csv(request: Request) -> StreamingResponse:
    """Tous les avis, en CSV (UTF-8)."""
    return StreamingResponse(  # a few hundred rows at a time, never the whole table
        _state(request).feedback.csv_pieces(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="avis.csv"'},
    )


@router.get("/feedback", response_model=list[FeedbackRow])
def feedback_rows(
    request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[FeedbackRow]:
    """Les avis reçus, du plus récent au plus ancien."""
    return _state(request).feedback.rows(limit)


def safe_name(filename: str) -> str:
    """The file's own name, without any folder part; a French 415/422 when unusable."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not name or name.startswith(".") or any(ord(c) < 32 for c in name):
        raise HTTPException(422, "nom de fichier invalide")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:  # file systems stop at 255 bytes
        raise HTTPException(
            422, f"nom de fichier trop long ({MAX_NAME_BYTES} octets au plus) : raccourcissez-le"
        )
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise HTTPException(
            415, "format non pris en charge : envoyez un PDF, un texte (.txt) ou du Markdown (.md)"
        )
    return name


def check_content(name: str, head: bytes) -> None:
    """Refuse a file whose first bytes contradict its name (a program named .pdf or .txt)."""
    if not head:
        raise HTTPException(422, "fichier vide")
    if name.lower().endswith(".pdf"):
        if b"%PDF-" not in head[:1024]:
            raise HTTPException(415, "ce fichier n'est pas un PDF (en-tête %PDF absent)")
    elif b"\x00" in head[:8192] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HTTPException(415, "ce fichier n'est pas du texte (contenu binaire)")


def _ingest(state: AppState) -> IngestReport:
    if not _ingest_lock.acquire(blocking=False):
        raise HTTPException(409, "une indexation est déjà en cours : réessayez dans un moment")
    try:
        from assistant.store import ChunkStore, fresh_client
        from ingest.index import ingest

        settings: Settings = state.settings
        # A client of its own: one opened earlier may predate an ingest run from the CLI.
        client = fresh_client(settings)
        store, _ = ChunkStore.for_ingest(client, settings.collection, state.embedder)
        summary = ingest(settings, store)
    finally:
        _ingest_lock.release()
    # The new files make a new generation: the next request swaps it in (snapshot.py).
    body: dict[str, Any] = asdict(summary)
    return IngestReport(
        **{k: body[k] for k in ("added", "kept", "replaced", "removed", "notes", "chunks_total")},
        skipped=body["skipped"],
        lines=summary.lines(),
    )
