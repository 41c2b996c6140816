"""The list of articles to import (`corpus/legifrance.toml`): texts with their article numbers,
or articles named by their LEGIARTI id."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LegifranceError

KINDS = ("code", "loi", "ordonnance", "décret")
_TEXT_ID = re.compile(r"^(?:LEGITEXT|JORFTEXT)\d{12}$")
_LEGIARTI = re.compile(r"^LEGIARTI\d{12}$")


@dataclass(frozen=True)
class Target:
    """One article to import: by its text and number, or by its own id."""

    text_id: str  # LEGITEXT (a code) or JORFTEXT (a law, an ordinance, a decree); "" if legiarti
    title: str  # the text as Légifrance names it: "Code de la commande publique"
    short: str  # the text as a citation names it: "Loi n° 2014-856"
    kind: str  # code | loi | ordonnance | décret ("" for an article named by its id: found out)
    number: str  # a law's number ("2014-856"), how the API finds a text that is not a code
    article: str  # "L2111-3", "19 septies"; "" when named by legiarti
    legiarti: str = ""

    @property
    def label(self) -> str:
        """How the sync names it to the operator: "Code du travail, art. L3332-17-1"."""
        if not self.article:
            return f"{self.short or self.title or 'article'} {self.legiarti}".strip()
        return f"{self.short or self.title}, art. {self.article}"


def load_targets(path: Path) -> list[Target]:
    """Every article the list names, in its order; a wrong entry is a French error that says
    which one and why."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LegifranceError(
            f"liste des articles à importer introuvable : {path} (réglage ESS_LEGIFRANCE_LIST)"
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise LegifranceError(f"{path} illisible : {exc}") from exc
    targets: list[Target] = []
    for n, text in enumerate(_tables(data, "texte", path), 1):
        targets += _text_targets(text, f"{path.name}, [[texte]] n° {n}")
    for n, entry in enumerate(_tables(data, "article", path), 1):
        targets.append(_article_target(entry, f"{path.name}, [[article]] n° {n}"))
    if not targets:
        raise LegifranceError(f"{path} ne nomme aucun article ([[texte]] ou [[article]])")
    return targets


def _tables(data: dict[str, object], key: str, path: Path) -> list[dict[str, object]]:
    tables = data.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise LegifranceError(f"{path} : « {key} » doit être une liste de tables [[{key}]]")
    return tables


def _text_targets(text: dict[str, object], where: str) -> list[Target]:
    text_id = _string(text, "id", where)
    if not _TEXT_ID.match(text_id):
        raise LegifranceError(f"{where} : « id » doit être un LEGITEXT ou un JORFTEXT ({text_id})")
    title = _string(text, "titre", where)
    kind = _string(text, "nature", where)
    if kind not in KINDS:
        raise LegifranceError(f"{where} : « nature » doit être l'un de {', '.join(KINDS)}")
    number = str(text.get("numero", "")).strip()
    if kind != "code" and not number:
        raise LegifranceError(f'{where} : « numero » (ex. "2014-856") est requis hors code')
    articles = text.get("articles")
    if not isinstance(articles, list) or not articles:
        raise LegifranceError(f"{where} : « articles » doit lister au moins un numéro")
    short = str(text.get("court", "")).strip() or title
    return [
        Target(text_id, title, short, kind, number, str(a).strip())
        for a in articles
        if str(a).strip()
    ]


def _article_target(entry: dict[str, object], where: str) -> Target:
    legiarti = _string(entry, "id", where)
    if not _LEGIARTI.match(legiarti):
        raise LegifranceError(f"{where} : « id » doit être un LEGIARTI ({legiarti})")
    kind = str(entry.get("nature", "")).strip()
    if kind and kind not in KINDS:
        raise LegifranceError(f"{where} : « nature » doit être l'un de {', '.join(KINDS)}")
    title = str(entry.get("titre", "")).strip()
    short = str(entry.get("court", "")).strip() or title
    return Target("", title, short, kind, "", "", legiarti)


def _string(table: dict[str, object], key: str, where: str) -> str:
    value = str(table.get(key, "")).strip()
    if not value:
        raise LegifranceError(f"{where} : « {key} » manquant")
    return value
