"""The few named failures a user can meet, each with a French message for people."""


class EssError(Exception):
    """Base class: `str(error)` is a French sentence fit to show a user."""


class EmptyIndexError(EssError):
    def __init__(self) -> None:
        super().__init__("index vide : lancez `ess-assistant ingest`")


class ModelMismatchError(EssError):
    """The collection was built with another embedding model than the one configured."""

    def __init__(self, stored: str, configured: str) -> None:
        super().__init__(
            f"l'index a été construit avec le modèle « {stored} » mais le modèle configuré est "
            f"« {configured} » : relancez `ess-assistant ingest` pour ré-indexer avec ce modèle"
        )


class DamagedIndexError(EssError):
    """A data file of the index is unreadable or contradicts the others (a crash, a hand edit):
    the service cannot answer from it; the next `ess-assistant ingest` rewrites it."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"index endommagé : {what} ; lancez `ess-assistant ingest` pour le réparer"
        )


class InvalidQuestionError(EssError):
    """A question that cannot be answered as asked (empty, too long)."""


class DocumentError(EssError):
    """A document that cannot be read; the ingest reports it and goes on."""


class ChromaUnavailableError(EssError):
    """The Chroma server named by `ESS_CHROMA_URL` does not answer."""

    def __init__(self, url: str, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"le serveur Chroma {url} ne répond pas{detail} : vérifiez qu'il est lancé "
            "(`chroma run --path DOSSIER --port 8001`) et la variable ESS_CHROMA_URL"
        )


class LLMUnavailableError(EssError):
    """The language model is down, too slow or failed: the extractive answer is given instead."""

    @classmethod
    def timeout(cls, seconds: float) -> "LLMUnavailableError":
        return cls(f"le modèle de langue n'a pas répondu dans le délai ({seconds:g} s)")


class LegifranceError(EssError):
    """Légifrance (API PISTE or a LEGI archive) cannot give what the sync asked for: missing or
    refused credentials, an unreadable archive, a refused request."""


class LegifranceUnavailableError(LegifranceError):
    """Légifrance cannot be reached, or keeps answering 429 / 5xx after the retries: the sync
    stops, what it already wrote stays."""


class LegifranceResponseError(LegifranceError):
    """One answer (or one archive file) is malformed or names no such article: that article is
    reported and left as it was, the others go on."""
