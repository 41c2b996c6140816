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


class InvalidQuestionError(EssError):
    """A question that cannot be answered as asked (empty, too long)."""


class DocumentError(EssError):
    """A document that cannot be read; the ingest reports it and goes on."""
