"""How a passage is named and cited: "Loi n° 2014-856, art. 13", its date in French, its link,
and the warning a superseded text carries."""

from __future__ import annotations

import re

from assistant.articles import number_key
from assistant.french import fold
from assistant.references import find_references, passage_link
from assistant.types import Citation, Hit, PassageMeta

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


def document_label(meta: PassageMeta) -> str:
    """The short name of a document ("Loi ESS 2014"), else its title."""
    return str(meta.short or meta.title or meta.doc_id)


def article_label(meta: PassageMeta, dated: bool = True) -> str:
    """ "Loi n° 2014-856, art. 13", "Code rural et de la pêche maritime, art. L521-3 (rédaction
    au 2 août 2014)": the way a lawyer cites an article, with the date of a superseded wording
    unless `dated` is False (a short mention in a sentence; the source list dates it);
    "" for a passage that is no article of a legal text."""
    article = str(meta.article)
    if meta.kind not in LEGAL_KINDS or not article:
        return ""
    short = _ARTICLE_WORD.sub("art. ", article)
    if number_key(article) == "1":
        short = "art. 1er"
    text = str(meta.legal_text or "") or document_label(meta)
    label = text if fold(short) in fold(text) else f"{text}, {short}"
    return label + wording_date(meta) if dated else label


def wording_date(meta: PassageMeta) -> str:
    """ " (rédaction au 2 août 2014)" for a historic text, whose wording may have changed since."""
    date = str(meta.date or "")
    if meta.status != HISTORIC or not date:
        return ""
    return f" (rédaction {'au' if '-' in date else 'de'} {french_date(date)})"


def according_to(label: str) -> str:
    """ "la loi n° 2014-856, art. 13", "le Code de la commande publique, art. L2113-15": a
    label as it reads after "Selon"."""
    if re.match(r"(?:Loi|Ordonnance)\b", label):
        return "la " + label[0].lower() + label[1:]
    if re.match(r"(?:Code|Décret)\b", label):
        return "le " + label
    return label


def source_label(meta: PassageMeta) -> str:
    """How the source list names a passage: the article as a lawyer cites it, else the
    document's title."""
    return article_label(meta) or str(meta.title or meta.doc_id or "")


def citation(n: int, hit: Hit, quoted: list[str] | None = None) -> Citation:
    meta = hit.meta
    link = passage_link(meta) if meta.kind in LEGAL_KINDS else None
    if link is None:  # a note or a guide: the first text it cites
        refs = find_references(hit.text)
        link = refs[0].link if refs else None
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        title=str(meta.title),
        date=str(meta.date),
        status=str(meta.status),
        locator=hit.locator,
        excerpt=hit.text,
        source=str(meta.source),
        link=link,
        heading=str(meta.heading),
        label=source_label(meta),
        quoted=list(dict.fromkeys(quoted or [])),
    )


def status_warning(c: Citation) -> str:
    if c.status != HISTORIC:
        return ""
    return (
        f"[{c.n}] « {c.title} » est un texte historique "
        f"({french_date(c.date)}) : antérieur à des textes plus récents, il peut être dépassé."
    )
