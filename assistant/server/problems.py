"""What an error looks like on the wire, and which errors each route documents in its OpenAPI
schema: every error is a JSON body whose `detail` is a French sentence for people, so clients
generated from the schema (and schemathesis' conformance checks) see what really comes back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """Any error the service answers (4xx, 5xx)."""

    detail: str = Field(description="Ce qui ne va pas, en français, pour la personne")
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="Pour 422 : les champs refusés (type, emplacement), sans leur valeur",
    )


Responses = dict[int | str, dict[str, Any]]


def documented(**codes: str) -> Responses:
    """`documented(e404="document introuvable")`: OpenAPI responses with the `Problem` body."""
    return {
        int(k.removeprefix("e")): {"model": Problem, "description": v} for k, v in codes.items()
    }


# Every route: a body over the size cap, or a request that does not fit the schema.
EVERY_ROUTE = documented(
    e400="Corps illisible (JSON ou formulaire mal formé)",
    e413="Corps de requête trop volumineux",
    e422="Requête invalide",
)
# Routes that read the index: none yet, a damaged one, or the Chroma server unreachable.
READS_INDEX = documented(e503="Index indisponible (pas encore d'ingestion, ou endommagé)")
TOO_MANY = documented(e429="Trop de requêtes de ce client : réessayez plus tard")
ADMIN = documented(
    e401="Jeton d'administration manquant ou invalide",
    e404="Administration désactivée (ESS_ADMIN_TOKEN non défini)",
)


# pydantic's error types, said in French (the field is named before).
_FRENCH = {
    "missing": "champ obligatoire manquant",
    "string_type": "doit être un texte",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "string_too_long": "texte trop long",
    "string_too_short": "texte vide",
    "string_pattern_mismatch": "texte vide",  # our only pattern: a non-blank character
    "too_long": "liste trop longue",
    "too_short": "liste vide",
    "list_type": "liste attendue",
    "bool_type": "doit être vrai ou faux",
    "bool_parsing": "doit être vrai ou faux",
    "literal_error": "valeur non prévue",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "objet JSON attendu",
}


def french(error: dict[str, Any]) -> str:
    """One validation error in French, naming the field."""
    field = ".".join(str(p) for p in error.get("loc", []) if p != "body") or "corps"
    kind = str(error.get("type", ""))
    limit = (error.get("ctx") or {}).get("max_length")
    if kind == "string_too_long" and limit:
        return f"{field} : texte trop long ({limit} caractères au plus)"
    if kind == "value_error":  # our own validators already speak French
        return f"{field} : {str(error.get('msg', '')).removeprefix('Value error, ')}"
    return f"{field} : {_FRENCH.get(kind, error.get('msg', 'valeur invalide'))}"
