"""Schemathesis against the OpenAPI schema of the running service (uvicorn on loopback), every
operation, admin ones included with the token: no 500, every error a JSON body whose `detail`
is a French sentence, and the responses conform to the schema (status codes, bodies)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from assistant.embedding import Embedder
from tests.live import TOKEN, indexed_notes, serve

EXAMPLES = 40  # per operation and mode: about a minute on two cores for the whole schema
CALLS: Counter[int] = Counter()  # status codes seen, printed at the end (docs/reliability.md)
FRENCH = re.compile(
    r"[éèêàâùûçîô«]|\b(le|la|les|de|du|des|est|pas|au|aux|un|une|plus|vide|texte|champ|"
    r"requête|jeton|adresse|fichier|document|question|index|valeur)\b",
    re.I,
)


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    with serve(
        indexed_notes(
            data,
            embedder,
            admin_token=TOKEN,
            rate_limit_ask="",  # the fuzzer is one client: without this most cases get 429
            rate_limit_feedback="",
        ),
        embedder,
    ) as url:
        yield url
    print(f"\nfuzz: {sum(CALLS.values())} requests, status codes {dict(sorted(CALLS.items()))}")


@pytest.fixture(scope="module")
def api_schema(live_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error_french_errors_and_the_schema_holds(
    case: schemathesis.Case, live_url: str
) -> None:
    auth = _token(case)
    response = case.call(base_url=live_url, headers=auth, timeout=120)
    CALLS[response.status_code] += 1
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        detail = body.get("detail")
        assert isinstance(detail, str) and detail, body
        assert detail != HTTPStatus(response.status_code).phrase, detail
        assert FRENCH.search(detail), detail
    # Schemathesis' conformance checks: documented status codes, content types and bodies
    # (the 422 `detail` is a French string, as documented), invalid data refused, valid
    # data accepted. Two refusals of schema-valid data are ours on purpose, the schema
    # cannot say them: an upload's file name must end in .pdf, .txt or .md, and a lone
    # surrogate ("\udade") is valid JSON but no text, refused with a French 422.
    # And 413 (a body over the cap, whatever it holds) is a refusal schemathesis does not
    # list among those of invalid data.
    unsaid = case.path == "/admin/documents" or _lone_surrogate(case.body)
    excluded = [positive_data_acceptance] if unsaid else []
    if response.status_code == 413:
        excluded.append(negative_data_rejection)
    case.validate_response(response, headers=auth, excluded_checks=excluded or None)


def _token(case: schemathesis.Case) -> dict[str, str]:
    """The admin token, unless the case is about headers gone wrong (a missing or malformed
    token must then reach the service as generated, and be refused)."""
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    if headers is not None and headers.mode.is_negative:
        return {}
    return {"Authorization": f"Bearer {TOKEN}"}


def _lone_surrogate(value: object) -> bool:
    text = repr(value) if not isinstance(value, str) else value
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text) or "\\ud" in text


def test_uploads_from_the_fuzzer_stay_in_the_uploads_folder(live_url: str, tmp_path: Path) -> None:
    """Whatever names the fuzzer sent, nothing was written outside `uploads/`."""
    import httpx

    response = httpx.post(
        f"{live_url}/admin/documents",
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("../../../etc/evil.txt", b"Texte sur les SCIC et les communes.")},
    )
    assert response.status_code == 201
    assert response.json()["file"] == "evil.txt"
