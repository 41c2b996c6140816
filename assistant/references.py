"""Recognise references to legal texts in a passage and turn them into Légifrance links that
land on the article: its own page when we hold its identifier, else, for a code article, the
search by article number (its results list that article, code by code), else the text's own
page. Légifrance URL forms used (all in use on legifrance.gouv.fr):
  /codes/article_lc/LEGIARTI…  /loda/article_lc/LEGIARTI…  one version of an article
  /search/code?tab_selection=code&searchField=NUM_ARTICLE&query=L2113-15  by article number
  /codes/texte_lc/LEGITEXT…  a code          /loda/id/JORFTEXT…  a law, an ordinance, a decree
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import quote_plus

from assistant.articles import number_key, shown_number, text_key
from assistant.types import PassageMeta

LEGIFRANCE = "https://www.legifrance.gouv.fr"
LEGIFRANCE_SEARCH = f"{LEGIFRANCE}/search/all?tab_selection=all&query="
ARTICLE_SEARCH = f"{LEGIFRANCE}/search/code?tab_selection=code&searchField=NUM_ARTICLE&query="
_LEGIARTI = re.compile(r"^LEGIARTI\d{12}$")
_ARTICLE_PAGE = re.compile(rf"^{re.escape(LEGIFRANCE)}/(?:codes|loda)/article_lc/LEGIARTI\d{{12}}$")
_TEXT_PAGE = re.compile(
    rf"^{re.escape(LEGIFRANCE)}/(?:codes/(?:texte_lc|id)/LEGITEXT|loda/id/(?:JORF|LEGI)TEXT)\d{{12}}/?$"
)
_CODE_NUMBER = re.compile(r"^[lrda]\d")

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
            link = article_link(_clean_article(article), text_key(target)) if article else None
            link = link or text_page(text_key(target)) or legifrance_link(label)
            found.append((m.start(), Reference(text=label, link=link)))
    return [ref for _, ref in sorted(found, key=lambda item: item[0])]


@cache
def _text_ids() -> dict[str, dict[str, str]]:
    raw = resources.files("assistant").joinpath("legifrance_texts.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    codes = {text_key(name) or name: tid for name, tid in data.get("codes", {}).items()}
    return {"codes": codes, "lois": dict(data.get("lois", {}))}


def text_page(key: str | None) -> str | None:
    """The Légifrance page of a law ("2014-856") or code (its text key), None when unknown."""
    if not key:
        return None
    ids = _text_ids()
    if key in ids["lois"]:
        return f"{LEGIFRANCE}/loda/id/{ids['lois'][key]}"
    if key in ids["codes"]:
        return f"{LEGIFRANCE}/codes/texte_lc/{ids['codes'][key]}"
    return None


def article_link(number: str, text: str | None) -> str | None:
    """The narrowest Légifrance page we can name for an article without its identifier: the
    search by number for a code article ("L2113-15": its results list the article, code by
    code), else its text's page; None when neither is known."""
    key = number_key(number)
    if _CODE_NUMBER.match(key):
        return ARTICLE_SEARCH + quote_plus(shown_number(key).replace(" ", ""))
    return text_page(text)


def passage_link(meta: PassageMeta) -> str | None:
    """Where the citation of a passage of a legal text lands: the article's own page when
    imported from Légifrance or when the document is that one article (its catalog source
    names it), else `article_link`, else the text's page (ours, or the catalog's source)."""
    if stored := stored_link(meta):
        return stored
    article = str(meta.article or "")
    source = str(meta.source or "")
    number = number_key(article)
    if _ARTICLE_PAGE.match(source) and number and _names(str(meta.title or ""), number):
        return source
    text = str(meta.text_key or "") or None
    link = article_link(number, text) if number else text_page(text)
    return link or (source if _TEXT_PAGE.match(source) else None)


def _names(title: str, number: str) -> bool:
    """Whether a document's title names the article ("Code du travail, article L3332-17-1")."""
    keys = {number_key(m.group(0)) for m in re.finditer(r"\b[LRDA]?\.?\s?\d[\w-]*", title)}
    return number in keys


def article_url(legiarti: str, in_code: bool) -> str:
    """The Légifrance page of one version of an article: codes and other texts (LODA: lois,
    ordonnances, décrets) have their own paths; the id names the version shown."""
    if not _LEGIARTI.match(legiarti):
        raise ValueError(f"identifiant d'article Légifrance invalide : {legiarti!r}")
    return f"{LEGIFRANCE}/{'codes' if in_code else 'loda'}/article_lc/{legiarti}"


def stored_link(meta: PassageMeta) -> str | None:
    """The article's own Légifrance page when the passage was imported from Légifrance (its
    `url` metadata); None otherwise, and for anything that is not such a page."""
    url = str(meta.url or "")
    return url if _ARTICLE_PAGE.match(url) else None
