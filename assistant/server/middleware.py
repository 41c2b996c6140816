"""What stands between the network and the routes: CORS, a request size cap, French errors.

CORS stays closed unless origins are listed (`ESS_CORS_ORIGINS`): the page is served by the
API itself, so no other site needs to call it from a browser.
"""

from __future__ import annotations

import json
import logging
import traceback
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings

log = logging.getLogger(__name__)

UPLOAD_PATH = "/admin/documents"

# Starlette's own messages, for the errors raised before any route runs.
_FRENCH = {
    404: "adresse inconnue",
    405: "méthode non autorisée pour cette adresse",
    413: "requête trop volumineuse",
}


class BodyLimit:
    """Refuse a request body over its cap (413) before it is read in full into memory."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload + 64 * 1024  # room for the multipart envelope

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload if scope["path"] == UPLOAD_PATH else self.max_body
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        received = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer 413 here and tell the app the client left: raising instead would
                    # reach FastAPI's body parser, which turns any error into a 400.
                    refused = True
                    if not started:
                        await _too_large(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 is the answer; whatever the app says after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, tracking_send)


async def _too_large(send: Send, limit: int) -> None:
    response = JSONResponse(
        status_code=413,
        content={"detail": f"requête trop volumineuse ({limit // 1000} ko au plus)"},
    )
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class StrictJson:
    """Refuse a JSON body that Python's parser accepts but JSON forbids: NaN, Infinity and
    lone UTF-16 surrogates (422 in French). They reached the routes and made 500s: a NaN
    echoed in a validation error cannot be written back, a surrogate cannot be stored."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if b"json" not in headers.get(b"content-type", b"").lower():
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:  # the size was capped by BodyLimit, outside this one
            message = await receive()
            if message["type"] != "http.request":
                return  # the client left
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = json_problem(body)
        if problem:
            response = JSONResponse(
                status_code=422, content={"detail": f"requête invalide : {problem}"}
            )
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def json_problem(body: bytes) -> str:
    """What makes `body` unacceptable JSON, in French, or "" (left to the route's own parser
    when it is merely malformed: it says which field)."""

    def constant(name: str) -> object:
        raise _NotJsonError(f"valeur {name} interdite en JSON")

    try:
        value = json.loads(body, parse_constant=constant)
    except _NotJsonError as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return ""
    if _has_lone_surrogate(value):
        return "caractère Unicode isolé (demi-paire UTF-16) dans un texte"
    return ""


class _NotJsonError(ValueError):
    pass


def _has_lone_surrogate(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class Crash:
    """A 500 in French for what nothing else caught, logged with its traceback but without the
    exception's message: messages can quote the request (a question, personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error(
                "unhandled %s on %s %s\n%s",
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                frames,
            )
            if not started:
                response = JSONResponse(
                    status_code=500, content={"detail": "erreur interne du service"}
                )
                await response(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the size cap, CORS when origins are configured, and French HTTP errors."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.add_middleware(Crash)  # innermost of ours: the others never raise
    app.add_middleware(StrictJson)
    app.add_middleware(  # outside StrictJson, which reads the whole (capped) body
        BodyLimit, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes
    )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if not isinstance(detail, str) or detail == HTTPStatus(exc.status_code).phrase:
            detail = _FRENCH.get(exc.status_code, "requête refusée")  # Starlette's English default
        elif (
            exc.status_code == 400 and detail.isascii()
        ):  # Starlette's parsers ("Missing boundary")
            detail = "requête illisible : corps ou formulaire (multipart) mal formé"
        return JSONResponse(
            status_code=exc.status_code, content={"detail": detail}, headers=exc.headers
        )
