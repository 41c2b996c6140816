"""Recognise references to legal texts in a passage and turn them into Légifrance links."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus

LEGIFRANCE = "https://www.legifrance.gouv.fr"
LEGIFRANCE_SEARCH = f"{LEGIFRANCE}/search/all?tab_selection=all&query="
_LEGIARTI = re.compile(r"^LEGIARTI\d{12}$")
_ARTICLE_PAGE = re.compile(rf"^{re.escape(LEGIFRANCE)}/(?:codes|loda)/article_lc/LEGIARTI\d{{12}}$")

_CODES = (
    "général des collectivités territoriales",
    "de la commande publique",
    "des marchés publics",
    "du travail",
    "de commerce",
    "monétaire et financier",
    "de l'action sociale et des familles",
    "des assurances",
    "rural et de la pêche maritime",
    "général des impôts",
    "de la consommation",
    "de la mutualité",
    "des transports",
    "du service national",
    "civil",
    "de la construction et de l'habitation",
    "de l'environnement",
    "de l'éducation",
    "de la sécurité sociale",
    "pénitentiaire",
    "de la santé publique",
    "de l'urbanisme",
)
_CODE = r"code (?:" + "|".join(re.escape(c).replace("'", "['’]") for c in _CODES) + ")"
_ARTICLE_NUM = r"(?:[LRDA]\.?\s?\*?)?\d+(?:-\d+)*(?:\s(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|undecies))?(?:er)?"
_LAW = r"(?:loi|ordonnance|décret)(?: organique)?(?: n°\s?\d{2,4}-\d+)?(?: du \d{1,2}(?:er)? \w+ \d{4})?"

_PATTERNS = [
    # article L. 2113-15 du code de la commande publique
    re.compile(
        rf"\b(?:article|art\.)\s+({_ARTICLE_NUM})\s+(?:du\s+|de\s+la\s+|des\s+)?({_CODE})\b", re.I
    ),
    # article 13 de la loi n° 2014-856 du 31 juillet 2014
    re.compile(rf"\b(?:article|art\.)\s+({_ARTICLE_NUM})\s+de la\s+({_LAW})", re.I),
    # a bare law reference: loi n° 2014-856 du 31 juillet 2014
    re.compile(
        r"\b()((?:loi|ordonnance|décret) n°\s?\d{2,4}-\d+(?: du \d{1,2}(?:er)? \w+ \d{4})?)", re.I
    ),
]


@dataclass(frozen=True)
class Reference:
    text: str
    link: str


def legifrance_link(query: str) -> str:
    return LEGIFRANCE_SEARCH + quote_plus(query)


def _clean_article(num: str) -> str:
    num = re.sub(r"\s+", " ", num.replace("*", "")).strip()
    return re.sub(r"^([LRDA])\.?\s?(?=\d)", r"\1", num)


def find_references(text: str) -> list[Reference]:
    """Legal references in `text`, in order of appearance, without duplicates."""
    found: list[tuple[int, Reference]] = []
    seen: set[str] = set()
    covered: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(start <= m.start() < end for start, end in covered):
                continue
            article, target = m.group(1), re.sub(r"\s+", " ", m.group(2)).strip(" ,.;")
            label = f"article {_clean_article(article)} {target}" if article else target
            key = label.lower()
            if key in seen:
                continue
            seen.add(key)
            covered.append((m.start(), m.end()))
            found.append((m.start(), Reference(text=label, link=legifrance_link(label))))
    return [ref for _, ref in sorted(found, key=lambda item: item[0])]


def own_reference(article: str, title: str) -> Reference | None:
    """The reference of a passage that *is* an article of a legal text (its own locator)."""
    if not article:
        return None
    label = f"{article} {title}"
    return Reference(text=label, link=legifrance_link(label))


def article_url(legiarti: str, in_code: bool) -> str:
    """The Légifrance page of one version of an article: codes and other texts (LODA: lois,
    ordonnances, décrets) have their own paths; the id names the version shown."""
    if not _LEGIARTI.match(legiarti):
        raise ValueError(f"identifiant d'article Légifrance invalide : {legiarti!r}")
    return f"{LEGIFRANCE}/{'codes' if in_code else 'loda'}/article_lc/{legiarti}"


def stored_link(meta: Mapping[str, object]) -> str | None:
    """The article's own Légifrance page when the passage was imported from Légifrance (its
    `url` metadata); None otherwise, and for anything that is not such a page."""
    url = str(meta.get("url") or "")
    return url if _ARTICLE_PAGE.match(url) else None
