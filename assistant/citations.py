"""How a passage is named and cited: "Loi n° 2014-856, art. 13", its date in French, its link,
and the warning a superseded text carries."""

from __future__ import annotations

import re
from typing import Any

from assistant.french import fold
from assistant.references import find_references, own_reference, stored_link
from assistant.types import Citation, Hit

HISTORIC = "historique"
LEGAL_KINDS = frozenset({"loi", "code"})
_ARTICLE_WORD = re.compile(r"^Article\s+")
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(iso: str) -> str:
    """ "2014-07-31" -> "31 juillet 2014"; a bare year stays as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return iso or "date inconnue"
    day = int(m.group(3))
    return f"{'1er' if day == 1 else day} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def document_label(meta: dict[str, Any]) -> str:
    """The short name of a document ("Loi ESS 2014"), else its title."""
    return str(meta.get("short") or meta.get("title") or meta.get("doc_id"))


def article_label(meta: dict[str, Any]) -> str:
    """ "Loi n° 2014-856, art. 13", "Code rural et de la pêche maritime, art. L521-3": the way a
    lawyer cites an article; "" for a passage that is no article of a legal text."""
    article = str(meta.get("article", ""))
    if meta.get("kind") not in LEGAL_KINDS or not article:
        return ""
    short = _ARTICLE_WORD.sub("art. ", article)
    text = str(meta.get("legal_text") or "") or document_label(meta)
    if fold(short) in fold(text):
        return text
    return f"{text}, {short}"


def citation(n: int, hit: Hit, quoted: list[str] | None = None) -> Citation:
    meta = hit.meta
    refs = find_references(hit.text)
    own = own_reference(str(meta.get("article", "")), str(meta.get("title", "")))
    link: str | None = refs[0].link if refs else None
    if meta.get("kind") in LEGAL_KINDS and own:
        link = own.link
    link = stored_link(meta) or link  # an imported article's own Légifrance page
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        title=str(meta.get("title", "")),
        date=str(meta.get("date", "")),
        status=str(meta.get("status", "")),
        locator=hit.locator,
        excerpt=hit.text,
        source=str(meta.get("source", "")),
        link=link,
        heading=str(meta.get("heading", "")),
        quoted=list(dict.fromkeys(quoted or [])),
    )


def status_warning(c: Citation) -> str:
    if c.status != HISTORIC:
        return ""
    return (
        f"[{c.n}] « {c.title} » est un texte historique "
        f"({french_date(c.date)}) : antérieur à des textes plus récents, il peut être dépassé."
    )
