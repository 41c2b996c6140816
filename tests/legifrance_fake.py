"""Légifrance as the tests need it, since this machine cannot reach it: a few article versions
served by a local HTTP server in the API's documented shapes (PISTE OAuth token, `/search`,
`/consult/getArticle`), and written as a LEGI open-data archive (tar.gz of XML files).

Both are built from the same records, so the two import paths can be compared. The ids are
made up (LEGIARTI0000990000xx); the wording is that of the real articles, abridged.
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

CLIENT_ID, CLIENT_SECRET = "client-de-test", "secret-de-test"
API_PATH = "/dila/legifrance/lf-engine-app"
TOKEN_PATH = "/api/oauth/token"
OPEN_END = "2999-01-01"
CCP = ("LEGITEXT000037701019", "Code de la commande publique", "CODE")
LOI_ESS = (
    "JORFTEXT000029313296",
    "LOI n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire (1)",
    "LOI",
)
SPASER_SECTIONS = (
    "Partie réglementaire",
    "Deuxième partie : Marchés publics",
    "Livre Ier : Dispositions générales",
    "Titre Ier : Préparation du marché",
    "Chapitre Ier : Définition du besoin",
)


@dataclass(frozen=True)
class Record:
    """One version of one article, as Légifrance holds it."""

    legiarti: str
    num: str
    state: str
    start: str
    end: str
    text: tuple[str, str, str]  # (cid, title, nature)
    sections: tuple[str, ...]
    paragraphs: tuple[str, ...]
    nota: str = ""


def d2111_3_2019(state: str = "VIGUEUR", end: str = OPEN_END) -> Record:
    return Record(
        "LEGIARTI000099000001",
        "D2111-3",
        state,
        "2019-04-01",
        end,
        CCP,
        SPASER_SECTIONS,
        ("Le montant mentionné à l'article L. 2111-3 est fixé à 100 millions d'euros hors taxes.",),
    )


D2111_3_2023 = Record(
    "LEGIARTI000099000002",
    "D2111-3",
    "VIGUEUR",
    "2023-01-01",
    OPEN_END,
    CCP,
    SPASER_SECTIONS,
    (
        "Le montant annuel des achats prévu à l'article L. 2111-3 est fixé à cinquante millions "
        "d'euros hors taxes.",
        "Afin de déterminer le montant total annuel de leurs achats, les pouvoirs adjudicateurs "
        "et les entités adjudicatrices soumis à l'article L. 2111-3 prennent en compte les "
        "dépenses effectuées au cours d'une année civile dans le cadre de leurs marchés.",
    ),
    "Conformément au premier alinéa de l'article 11 du décret n° 2022-767 du 2 mai 2022, ces "
    "dispositions entrent en vigueur le 1er janvier 2023.",
)

L2111_3 = Record(
    "LEGIARTI000099000010",
    "L2111-3",
    "VIGUEUR",
    "2023-10-25",
    OPEN_END,
    CCP,
    (
        "Partie législative",
        "Deuxième partie : Marchés publics",
        "Livre Ier : Dispositions générales",
        "Titre Ier : Préparation du marché",
        "Chapitre Ier : Définition du besoin",
    ),
    (
        "Les acheteurs qui sont soumis au présent code et dont le montant total annuel des "
        "achats est supérieur à un montant fixé par voie réglementaire adoptent un schéma de "
        "promotion des achats publics socialement et écologiquement responsables.",
        "Ce schéma détermine les objectifs de politique d'achat de biens et de services "
        "comportant des éléments à caractère social et des éléments à caractère écologique.",
    ),
)

LOI_ESS_13 = Record(
    "LEGIARTI000099000020",
    "13",
    "ABROGE",
    "2014-08-02",
    "2019-04-01",
    LOI_ESS,
    (
        "TITRE Ier : DISPOSITIONS COMMUNES",
        "Chapitre IV : Dispositions relatives à la commande publique",
    ),
    (
        "I. - Lorsque le montant total annuel de leurs achats est supérieur à un montant fixé "
        "par décret, les collectivités territoriales adoptent un schéma de promotion des achats "
        "publics socialement responsables.",
    ),
)


def first_records() -> list[Record]:
    """Légifrance before 1 January 2023, as far as D2111-3 is concerned."""
    return [d2111_3_2019(), L2111_3, LOI_ESS_13]


def later_records() -> list[Record]:
    """After the decree of 2 May 2022 took effect: D2111-3 has a new version."""
    return [d2111_3_2019("MODIFIE", "2023-01-01"), D2111_3_2023, L2111_3, LOI_ESS_13]


LIST_TOML = """
[[texte]]
id = "JORFTEXT000029313296"
titre = "Loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire"
court = "Loi n° 2014-856"
nature = "loi"
numero = "2014-856"
articles = ["13"]

[[texte]]
id = "LEGITEXT000037701019"
titre = "Code de la commande publique"
court = "Code de la commande publique"
nature = "code"
articles = ["L2111-3", "D2111-3"]
"""


def _ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _html(paragraphs: tuple[str, ...]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _versions(record: Record, records: list[Record]) -> list[Record]:
    return [r for r in records if (r.text[0], r.num) == (record.text[0], record.num)]


def api_article(record: Record, records: list[Record]) -> dict[str, Any]:
    """A `/consult/getArticle` answer (GetArticleResponse), trimmed to documented fields."""
    cid, title, nature = record.text
    versions = _versions(record, records)
    return {
        "executionTime": 7,
        "dereferenced": False,
        "article": {
            "id": record.legiarti,
            "cid": versions[0].legiarti,
            "num": record.num,
            "etat": record.state,
            "nature": "Article",
            "type": "AUTONOME",
            "origine": "LEGI",
            "dateDebut": _ms(record.start),
            "dateFin": _ms(record.end),
            "texte": "\n".join(record.paragraphs),
            "texteHtml": _html(record.paragraphs),
            "nota": record.nota,
            "notaHtml": f"<p>{escape(record.nota)}</p>" if record.nota else "",
            "cidTexte": cid,
            "textTitles": [{"id": cid, "cid": cid, "titre": title, "nature": nature}],
            "context": {
                "titreTxt": [{"id": cid, "cid": cid, "titre": title}],
                "titresTM": [
                    {"titre": s, "debut": "2019-04-01", "fin": OPEN_END} for s in record.sections
                ],
            },
            "articleVersions": [
                {
                    "id": v.legiarti,
                    "etat": v.state,
                    "dateDebut": _ms(v.start),
                    "dateFin": _ms(v.end),
                    "numero": v.num,
                    "version": f"{i + 1}.0",
                }
                for i, v in enumerate(versions)
            ],
            "lienModifications": [],
        },
    }


def api_search(body: dict[str, Any], records: list[Record]) -> dict[str, Any]:
    """A `/search` answer (SearchResponseDTO) for a search by article number in a code (by
    the code's name) or in a law (by its number)."""
    champs = {c["typeChamp"]: c["criteres"][0]["valeur"] for c in body["recherche"]["champs"]}
    filters = {f["facette"]: f.get("valeurs") for f in body["recherche"].get("filtres", [])}
    codes = filters.get("TEXT_NOM_CODE") or []
    found = [
        r
        for r in records
        if r.num == champs.get("NUM_ARTICLE")
        and (
            r.text[1] in codes
            if body["fond"] == "CODE_ETAT"
            else champs.get("NUM", "") in r.text[1]
        )
    ]
    return {
        "totalResultNumber": len(found),
        "executionTime": 12,
        "typePagination": "ARTICLE",
        "facets": [],
        "results": [
            {
                "titles": [
                    {"id": r.text[0], "cid": r.text[0], "title": r.text[1], "nature": r.text[2]}
                ],
                "nature": r.text[2],
                "sections": [
                    {
                        "id": "LEGISCTA000099000900",
                        "title": r.sections[-1] if r.sections else "",
                        "legalStatus": "VIGUEUR",
                        "extracts": [
                            {
                                "id": r.legiarti,
                                "num": r.num,
                                "legalStatus": r.state,
                                "type": "articles",
                                "dateDebut": f"{r.start}T00:00:00.000+0000",
                                "dateFin": f"{r.end}T00:00:00.000+0000",
                                "values": list(r.paragraphs[:1]),
                            }
                        ],
                    }
                ],
            }
            for r in found
        ],
    }


@dataclass
class FakeLegifrance:
    """What the fake server serves and what it saw. Tests change `records` (a new version),
    queue failures, or revoke tokens."""

    records: list[Record]
    failures: list[int] = field(default_factory=list)  # statuses answered to the next API calls
    malformed: set[str] = field(default_factory=set)  # LEGIARTI ids answered with broken JSON
    revoke_after_first_use: bool = False
    retry_after: str = ""  # the Retry-After header sent with a queued failure ("" = none)
    tokens_issued: int = 0
    api_calls: list[tuple[float, str, int]] = field(default_factory=list)  # (time, path, status)
    _used: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes]:
        with self._lock:
            if path == TOKEN_PATH:
                return self._token(raw)
            status, body = self._api(path, headers, raw)
            self.api_calls.append((time.monotonic(), path, status))
            return status, body

    def _token(self, raw: bytes) -> tuple[int, bytes]:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, b'{"error":"invalid_client"}'
        if form.get("grant_type") != "client_credentials":
            return 400, b'{"error":"unsupported_grant_type"}'
        self.tokens_issued += 1
        token = f"jeton-{self.tokens_issued}"
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "openid",
        }
        return 200, json.dumps(body).encode()

    def _api(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes]:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if not token.startswith("jeton-") or int(token[6:]) > self.tokens_issued:
            return 401, b'{"error":"invalid_token"}'
        if self.revoke_after_first_use and token in self._used:
            return 401, b'{"error":"invalid_token","error_description":"expired"}'
        self._used.add(token)
        if self.failures:
            status = self.failures.pop(0)
            return status, b"<html>Service indisponible</html>"
        body = json.loads(raw)
        if path == f"{API_PATH}/search":
            return 200, json.dumps(api_search(body, self.records)).encode()
        if path == f"{API_PATH}/consult/getArticle":
            if body["id"] in self.malformed:
                return 200, b'{"article": {"id": "' + body["id"].encode() + b'", "num"'
            record = next((r for r in self.records if r.legiarti == body["id"]), None)
            if record is None:
                return 404, b'{"error":"not found"}'
            return 200, json.dumps(api_article(record, self.records)).encode()
        return 404, b'{"error":"no such route"}'


@contextmanager
def serve(fake: FakeLegifrance) -> Iterator[str]:
    """The fake on 127.0.0.1; yields its base URL (token at /api/oauth/token, API under
    /dila/legifrance/lf-engine-app, as on PISTE)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body = fake.handle(self.path, headers, raw)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status in {429, 503} and fake.retry_after:
                self.send_header("Retry-After", fake.retry_after)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def legi_xml(record: Record, records: list[Record]) -> bytes:
    """One article file of the LEGI archives (ARTICLE: META, CONTEXTE, VERSIONS, NOTA,
    BLOC_TEXTUEL, LIENS), as the DILA's documentation and the archives lay it out."""
    cid, title, nature = record.text
    tms = ""
    for section in reversed(record.sections):
        tms = f'<TM><TITRE_TM debut="2019-04-01" fin="{OPEN_END}" id="LEGISCTA000099000900">{escape(section)}</TITRE_TM>{tms}</TM>'
    versions = "".join(
        f'<VERSION etat="{v.state}"><LIEN_ART debut="{v.start}" etat="{v.state}" fin="{v.end}" '
        f'id="{v.legiarti}" num={quoteattr(v.num)} origine="LEGI"/></VERSION>'
        for v in _versions(record, records)
    )
    nota = f"<p>{escape(record.nota)}</p>" if record.nota else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ARTICLE>'
        f"<META><META_COMMUN><ID>{record.legiarti}</ID><ANCIEN_ID/><ORIGINE>LEGI</ORIGINE>"
        f"<URL>article/LEGI/ARTI/00/00/99/00/00/{record.legiarti}.xml</URL>"
        "<NATURE>Article</NATURE></META_COMMUN>"
        f"<META_SPEC><META_ARTICLE><NUM>{escape(record.num)}</NUM><ETAT>{record.state}</ETAT>"
        f"<DATE_DEBUT>{record.start}</DATE_DEBUT><DATE_FIN>{record.end}</DATE_FIN>"
        "<TYPE>AUTONOME</TYPE></META_ARTICLE></META_SPEC></META>"
        f'<CONTEXTE><TEXTE autorite="" cid="{cid}" date_publi="2014-08-01" '
        f'date_signature="2014-07-31" ministere="" nature="{nature}" nor="" num="">'
        f'<TITRE_TXT c_titre_court={quoteattr(title[:40])} debut="2014-08-02" fin="{OPEN_END}" '
        f'id_txt="{cid}">{escape(title)}</TITRE_TXT>{tms}</TEXTE></CONTEXTE>'
        f"<VERSIONS>{versions}</VERSIONS>"
        f"<NOTA><CONTENU>{nota}</CONTENU></NOTA>"
        f"<BLOC_TEXTUEL><CONTENU>{_html(record.paragraphs)}</CONTENU></BLOC_TEXTUEL>"
        "<LIENS/></ARTICLE>"
    ).encode()


def legi_path(record: Record) -> str:
    """Where the archives put an article file: under its text's folder, by id digits."""
    cid = record.text[0]
    folder = "code_en_vigueur/LEGI" if cid.startswith("LEGITEXT") else "TNC_en_vigueur/JORF"
    digits = cid[8:]
    text_dir = "/".join(digits[i : i + 2] for i in range(0, 10, 2))
    art = record.legiarti[8:]
    art_dir = "/".join(art[i : i + 2] for i in range(0, 10, 2))
    return (
        f"legi/global/code_et_TNC_en_vigueur/{folder}/TEXT/{text_dir}/{cid}/article/LEGI/ARTI/"
        f"{art_dir}/{record.legiarti}.xml"
    )


def write_archive(
    path: Path,
    records: list[Record],
    prefix: str = "",
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A LEGI archive holding `records` (and any `extra` members), with a few files of other
    texts that the import must skip. `prefix` is the dated folder of a daily increment."""
    unrelated = replace(
        L2111_3,
        legiarti="LEGIARTI000099000999",
        text=("LEGITEXT000006070721", "Code civil", "CODE"),
    )
    members = {legi_path(r): legi_xml(r, records) for r in records}
    members[legi_path(unrelated)] = legi_xml(unrelated, [unrelated])
    members.update(extra or {})
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{prefix}{name}")
            info.size = len(data)
            info.mtime = 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return path
