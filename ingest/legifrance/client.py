"""The Légifrance API behind PISTE: an OAuth2 token (client credentials), renewed when it
expires or is refused, and JSON POSTs retried with back-off on 429, 5xx and network errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from assistant.config import Settings
from assistant.errors import (
    LegifranceError,
    LegifranceResponseError,
    LegifranceUnavailableError,
)

RETRIED = frozenset({429, 500, 502, 503, 504})
_MAX_WAIT_S = 60.0
_EXPIRY_MARGIN_S = 60.0  # a token is renewed this long before PISTE says it expires


class LegifranceClient:
    """POSTs to the Légifrance API; the caller sees a JSON object or a French error."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        api_url: str,
        token_url: str,
        retries: int = 4,
        backoff_s: float = 1.0,
        timeout_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self._token = ""
        self._expires_at = 0.0
        self._http = httpx.Client(timeout=timeout_s, headers={"Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: Settings) -> LegifranceClient:
        secret = settings.legifrance_client_secret.get_secret_value()
        if not settings.legifrance_client_id or not secret:
            raise LegifranceError(
                "identifiants PISTE absents : définissez ESS_LEGIFRANCE_CLIENT_ID et "
                "ESS_LEGIFRANCE_CLIENT_SECRET (voir le README), ou importez une archive LEGI "
                "téléchargée (--archive)"
            )
        return cls(
            settings.legifrance_client_id,
            secret,
            settings.legifrance_api_url,
            settings.legifrance_token_url,
            settings.legifrance_retries,
            settings.legifrance_backoff_s,
            settings.legifrance_timeout_s,
        )

    def close(self) -> None:
        self._http.close()

    def post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        """The JSON object answered by `route`; a refused token is renewed once, a 429 / 5xx or
        a network error is retried `retries` times in all, waiting longer each time."""
        url = f"{self.api_url}/{route.lstrip('/')}"
        renewed = False
        problem, retry_after = "", ""
        for attempt in range(self.retries):
            if attempt:
                self.sleep(self._wait(attempt, retry_after))
            try:
                response = self._send(url, body)
                if response.status_code == 401 and not renewed:
                    # Expired or revoked before the time PISTE gave: a new token, once.
                    self._token, renewed = "", True
                    response = self._send(url, body)
            except httpx.TransportError as exc:
                problem, retry_after = type(exc).__name__, ""
                continue
            if response.status_code in RETRIED:
                problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After", "")
                continue
            return self._json(route, response)
        raise LegifranceUnavailableError(
            f"Légifrance injoignable ou saturé ({urlsplit(url).netloc} : {problem}, "
            f"{self.retries} essais) : réessayez plus tard, ou importez une archive LEGI "
            "téléchargée (--archive)"
        )

    def _send(self, url: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._valid_token()}"}
        return self._http.post(url, json=body, headers=headers)

    def _wait(self, attempt: int, retry_after: str) -> float:
        """Seconds before try `attempt` (1, 2...): the server's Retry-After when it gives one in
        seconds, else a delay that doubles (1, 2, 4 s with the default back-off)."""
        if retry_after.strip().isdigit():
            return min(float(retry_after), _MAX_WAIT_S)
        return min(self.backoff_s * 2 ** (attempt - 1), _MAX_WAIT_S)

    def _json(self, route: str, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            raise LegifranceError(
                "Légifrance refuse le jeton PISTE (401) : vérifiez que l'application PISTE est "
                "abonnée à l'API Légifrance"
            )
        if status in {400, 404}:  # this request (one list entry), not the whole sync
            raise LegifranceResponseError(
                f"Légifrance refuse ou ne trouve pas ({route} : HTTP {status})"
            )
        if status >= 400:
            raise LegifranceError(f"Légifrance refuse la requête {route} (HTTP {status})")
        try:
            data = response.json()
        except ValueError as exc:
            raise LegifranceResponseError(
                f"réponse illisible de Légifrance ({route} : ce n'est pas du JSON)"
            ) from exc
        if not isinstance(data, dict):
            raise LegifranceResponseError(f"réponse inattendue de Légifrance ({route})")
        return data

    def _valid_token(self) -> str:
        if self._token and time.monotonic() < self._expires_at:
            return self._token
        form = {"grant_type": "client_credentials", "scope": "openid", **self._credentials}
        try:
            response = self._http.post(self.token_url, data=form)
        except httpx.TransportError as exc:
            host = urlsplit(self.token_url).netloc
            raise LegifranceUnavailableError(
                f"Légifrance injoignable (jeton PISTE, {host} : {type(exc).__name__}) : "
                "vérifiez le réseau, ou importez une archive LEGI téléchargée (--archive)"
            ) from exc
        if response.status_code in {400, 401, 403}:
            raise LegifranceError(
                f"identifiants PISTE refusés (HTTP {response.status_code}) : vérifiez "
                "ESS_LEGIFRANCE_CLIENT_ID et ESS_LEGIFRANCE_CLIENT_SECRET"
            )
        if response.status_code >= 400:
            raise LegifranceUnavailableError(
                f"le serveur de jetons PISTE répond HTTP {response.status_code} : réessayez plus tard"
            )
        try:
            data = response.json()
            token, lifetime = str(data["access_token"]), float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise LegifranceResponseError("réponse illisible du serveur de jetons PISTE") from exc
        self._token = token
        self._expires_at = time.monotonic() + max(lifetime - _EXPIRY_MARGIN_S, 0.0)
        return token
