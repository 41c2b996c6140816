"""Articles from the Légifrance API: find an article by its text and number (`/search`), read it
(`/consult/getArticle`), and follow its version list to the version in force."""

from __future__ import annotations

from typing import Any

from assistant.errors import LegifranceResponseError
from ingest.legifrance.article import (
    IN_FORCE,
    ArticleVersion,
    Version,
    article_number,
    check_legiarti,
    current_version,
    html_text,
    iso_date,
    title_without_note,
)
from ingest.legifrance.client import LegifranceClient
from ingest.legifrance.targets import Target


class ApiSource:
    """The sync's source when an operator has PISTE credentials."""

    def __init__(self, client: LegifranceClient) -> None:
        self.client = client

    def fetch(self, target: Target) -> ArticleVersion:
        """The version in force of the target article (or its last version if repealed)."""
        legiarti = target.legiarti or self._find(target)
        article = self._article(legiarti)
        current = current_version(article.versions)
        if current is not None and current.legiarti != article.legiarti:
            article = self._article(current.legiarti)
        return article

    def close(self) -> None:
        self.client.close()

    def _article(self, legiarti: str) -> ArticleVersion:
        return article_from_api(self.client.post("consult/getArticle", {"id": legiarti}))

    def _find(self, target: Target) -> str:
        response = self.client.post("search", search_request(target))
        wanted = article_number(target.article)
        found = [e for e in search_extracts(response) if article_number(e["num"]) == wanted]
        if not found:
            raise LegifranceResponseError(
                f"{target.label} : article introuvable sur Légifrance (vérifiez son numéro)"
            )
        in_force = [e for e in found if e["state"] == IN_FORCE]
        return check_legiarti((in_force or found)[0]["id"])


def search_request(target: Target) -> dict[str, Any]:
    """The `/search` body that finds an article by number: in a code by the code's name (fund
    CODE_ETAT), in another text by the text's number (fund LODA_ETAT), as in the DILA's
    examples; every state, so that a repealed article is found too."""
    fields = [_field("NUM_ARTICLE", target.article)]
    filters: list[dict[str, Any]] = []
    if target.kind == "code":
        filters.append({"facette": "TEXT_NOM_CODE", "valeurs": [target.title]})
        fund = "CODE_ETAT"
    else:
        fields.insert(0, _field("NUM", target.number))
        fund = "LODA_ETAT"
    return {
        "fond": fund,
        "recherche": {
            "champs": fields,
            "filtres": filters,
            "pageNumber": 1,
            "pageSize": 100,
            "operateur": "ET",
            "sort": "PERTINENCE",
            "typePagination": "ARTICLE",
        },
    }


def _field(kind: str, value: str) -> dict[str, Any]:
    criterion = {"typeRecherche": "EXACTE", "valeur": value, "operateur": "ET"}
    return {"typeChamp": kind, "criteres": [criterion], "operateur": "ET"}


def search_extracts(response: dict[str, Any]) -> list[dict[str, str]]:
    """The articles of a search answer (results > sections > extracts of type "articles")."""
    results = response.get("results")
    if not isinstance(results, list):
        raise LegifranceResponseError("réponse de recherche Légifrance sans « results »")
    found = []
    for result in results:
        for section in _dicts(result, "sections"):
            for extract in _dicts(section, "extracts"):
                if extract.get("type", "articles") == "articles" and extract.get("id"):
                    state = str(extract.get("legalStatus") or "")
                    found.append(
                        {
                            "id": str(extract["id"]),
                            "num": str(extract.get("num") or ""),
                            "state": state,
                        }
                    )
    return found


def _dicts(parent: object, key: str) -> list[dict[str, Any]]:
    items = parent.get(key) if isinstance(parent, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def article_from_api(response: dict[str, Any]) -> ArticleVersion:
    """An `ArticleVersion` from a `/consult/getArticle` answer; a French error naming the
    missing part when the answer is not an article."""
    art = response.get("article")
    if not isinstance(art, dict):
        raise LegifranceResponseError("réponse Légifrance sans « article »")
    legiarti = check_legiarti(art.get("id"))
    body = html_text(str(art.get("texteHtml") or "")) or html_text(str(art.get("texte") or ""))
    num, state = str(art.get("num") or "").strip(), str(art.get("etat") or "").strip()
    if not body or not num or not state or not art.get("dateDebut"):
        missing = [k for k, v in (("texte", body), ("num", num), ("etat", state)) if not v]
        missing += [] if art.get("dateDebut") else ["dateDebut"]
        raise LegifranceResponseError(f"{legiarti} : réponse incomplète ({', '.join(missing)})")
    titles = _dicts(art, "textTitles") or _dicts(art.get("context"), "titreTxt")
    title = titles[0] if titles else {}
    text_id = str(art.get("cidTexte") or title.get("cid") or "")
    nature = str(title.get("nature") or "")
    versions = tuple(
        Version(
            check_legiarti(v.get("id")),
            str(v.get("etat") or ""),
            iso_date(v.get("dateDebut")),
            iso_date(v.get("dateFin")),
        )
        for v in _dicts(art, "articleVersions")
    )
    sections = [str(s.get("titre") or "").strip() for s in _dicts(art.get("context"), "titresTM")]
    return ArticleVersion(
        legiarti=legiarti,
        num=num,
        state=state,
        valid_from=iso_date(art.get("dateDebut")),
        valid_to=iso_date(art.get("dateFin")),
        text_id=text_id,
        text_title=title_without_note(str(title.get("titre") or "")),
        in_code=nature == "CODE" if nature else text_id.startswith("LEGITEXT"),
        sections=tuple(s for s in sections if s),
        body=body,
        nota=html_text(str(art.get("notaHtml") or art.get("nota") or "")),
        versions=versions
        or (
            Version(legiarti, state, iso_date(art.get("dateDebut")), iso_date(art.get("dateFin"))),
        ),
    )
