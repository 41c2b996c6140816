"""What stands between the network and the routes: CORS, a request size cap, French errors.

CORS stays closed unless origins are listed (`ESS_CORS_ORIGINS`): the page is served by the
API itself, so no other site needs to call it from a browser.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings

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
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLargeError()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await _too_large(send, limit)


class _TooLargeError(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    response = JSONResponse(
        status_code=413,
        content={"detail": f"requête trop volumineuse ({limit // 1000} ko au plus)"},
    )
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def install(app: FastAPI, settings: Settings) -> None:
    """Add the size cap, CORS when origins are configured, and French HTTP errors."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.add_middleware(
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
