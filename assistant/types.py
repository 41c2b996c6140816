"""The data that flows from a document to a cited answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from assistant.articles import number_key, text_key

# A document sent to POST /admin/documents: whoever sent it, it is not an official text.
UPLOADED = "depot"
# Kinds that sit beside the official texts and never take their place: our practice notes
# (they paraphrase the texts they cite) and uploaded documents (anyone's words).
SECONDARY_KINDS = frozenset({"fiche", UPLOADED})


@dataclass(frozen=True)
class DocumentMeta:
    """What the catalog (or the file itself) says about one document."""

    doc_id: str
    title: str
    kind: str = "document"
    date: str = ""
    status: str = "en vigueur"
    source: str = ""
    short: str = ""
    path: str = ""
    # An article imported from Légifrance (ingest/legifrance): its version id, its own page on
    # Légifrance, and the dates its wording was in force ("" = still in force / unknown).
    legiarti: str = ""
    url: str = ""
    valid_from: str = ""
    valid_to: str = ""

    @property
    def version_fields(self) -> dict[str, str]:
        """The Légifrance fields that are set (none for other documents)."""
        fields = {
            "legiarti": self.legiarti,
            "url": self.url,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }
        return {k: v for k, v in fields.items() if v}


@dataclass(frozen=True)
class Page:
    """Normalised text of one page (PDF) or of a whole text file (number None)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Chunk:
    """A passage ready to embed: `text` is shown and cited, `context` only helps retrieval."""

    id: str
    doc: DocumentMeta
    text: str
    context: str = ""
    page: int | None = None
    page_end: int | None = None
    article: str = ""
    heading: str = ""
    legal_text: str = ""  # the law or code the article belongs to: "Code rural et de la pêche…"
    position: int = 0  # order of the passage in its document

    @property
    def index_text(self) -> str:
        """Text given to the embedder and the lexical index: heading path, then passage."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma (no None values)."""
        meta: dict[str, Any] = {
            "doc_id": self.doc.doc_id,
            "title": self.doc.title,
            "short": self.doc.short,
            "kind": self.doc.kind,
            "date": self.doc.date,
            "status": self.doc.status,
            "source": self.doc.source,
            "path": self.doc.path,
            "article": self.article,
            "heading": self.heading,
            "context": self.context,
            "legal_text": self.legal_text,
            "position": self.position,
            # What a question naming "l'article 13 de la loi ESS" is matched on (articles.py).
            "article_key": number_key(self.article) if self.article else "",
            "text_key": (text_key(self.legal_text) or "") if self.legal_text else "",
            **self.doc.version_fields,
        }
        if self.page is not None:
            meta["page"] = self.page
            meta["page_end"] = self.page_end if self.page_end is not None else self.page
        return meta


@dataclass(frozen=True, slots=True)
class PassageMeta:
    """What is stored beside a passage (`Chunk.metadata`) and read back with every hit: its
    document (title, kind, date, status, source), where it sits (article, page, heading), and
    the keys a question naming an article is matched on."""

    doc_id: str = ""
    title: str = ""
    short: str = ""
    kind: str = "document"
    date: str = ""
    status: str = ""
    source: str = ""
    path: str = ""
    article: str = ""
    heading: str = ""
    context: str = ""
    legal_text: str = ""
    position: int = 0
    article_key: str = ""
    text_key: str = ""
    legiarti: str = ""
    url: str = ""
    valid_from: str = ""
    valid_to: str = ""
    page: int | None = None
    page_end: int | None = None

    @classmethod
    def from_record(cls, raw: Mapping[str, Any]) -> PassageMeta:
        """From Chroma's flat metadata (or any mapping): known keys only, each as its type."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = raw.get(name)
            if value is None:
                continue
            if name in ("page", "page_end", "position"):
                try:
                    values[name] = int(value)
                except (TypeError, ValueError):
                    continue
            else:
                values[name] = str(value)
        return cls(**values)

    @property
    def label(self) -> str:
        """The document's short name ("Loi ESS 2014"), else its title, else its id."""
        return self.short or self.title or self.doc_id


@dataclass
class Hit:
    """A retrieved passage with everything needed to cite it; nothing is looked up later."""

    chunk_id: str
    text: str
    meta: PassageMeta
    score: float = 0.0
    dense: float = 0.0
    lexical: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    @property
    def locator(self) -> str:
        """ "Article 19 septies", "page 3" or "Article 8, page 6"."""
        parts = []
        if self.meta.article:
            parts.append(self.meta.article)
        page, end = self.meta.page, self.meta.page_end
        if page is not None:
            parts.append(f"page {page}" if not end or end == page else f"pages {page}-{end}")
        if not parts and self.meta.heading:
            parts.append(self.meta.heading.split(" > ")[-1])
        return ", ".join(parts)


class Citation(BaseModel):
    n: int = Field(description="Numéro cité dans la réponse, [n]")
    doc_id: str
    title: str
    date: str
    status: str
    locator: str = Field(description="Article ou page, ex. « Article 19 septies » ou « page 3 »")
    excerpt: str
    source: str
    link: str | None = Field(default=None, description="Lien Légifrance pour la référence citée")
    heading: str = ""
    label: str = Field(
        default="",
        description="Nom de la source tel qu'on la cite : « Code du travail, art. L3332-17-1 »",
    )
    quoted: list[str] = Field(
        default_factory=list, description="Phrases du passage reprises dans la réponse"
    )


class Answer(BaseModel):
    answer: str
    refused: bool
    citations: list[Citation]
    warnings: list[str] = Field(default_factory=list)
    question: str = Field(
        default="", description="La question telle que comprise (suite de conversation réécrite)"
    )
    llm_shown: bool = Field(
        default=False,
        description="Vrai quand le texte est celui du modèle de langue, citations vérifiées ; "
        "faux pour une réponse extractive",
    )
    llm_rejected: str | None = Field(
        default=None,
        description="Pourquoi le texte du modèle de langue n'est pas affiché (la réponse est "
        "alors l'extractive) ; absent quand aucun modèle n'a écrit",
    )
