"""`ess-assistant legifrance sync`: articles from the Légifrance API (a local server in the API's
documented shapes) or from a LEGI archive built here, written as dated, linked documents."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import SecretStr

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import LegifranceError, LegifranceUnavailableError
from assistant.pipeline import Assistant
from assistant.store import ChunkStore, open_client
from ingest.index import ingest
from ingest.legifrance.api import search_request
from ingest.legifrance.archive import article_from_xml
from ingest.legifrance.sync import run_sync
from ingest.legifrance.targets import Target, load_targets
from tests.fixtures import ROOT
from tests.legifrance_fake import (
    API_PATH,
    CLIENT_ID,
    CLIENT_SECRET,
    LIST_TOML,
    TOKEN_PATH,
    FakeLegifrance,
    first_records,
    later_records,
    legi_xml,
    serve,
    write_archive,
)

D2111_3_2019 = "LEGIARTI000099000001"
D2111_3_2023 = "LEGIARTI000099000002"
L2111_3 = "LEGIARTI000099000010"
LOI_ESS_13 = "LEGIARTI000099000020"
CODES = "https://www.legifrance.gouv.fr/codes/article_lc/"
LODA = "https://www.legifrance.gouv.fr/loda/article_lc/"


def make_settings(tmp_path: Path, base: str = "http://127.0.0.1:9", name: str = "a") -> Settings:
    listing = tmp_path / "legifrance.toml"
    listing.write_text(LIST_TOML, encoding="utf-8")
    return Settings(
        data_dir=tmp_path / name,
        corpus_dirs=[],
        legifrance_list=listing,
        legifrance_client_id=CLIENT_ID,
        legifrance_client_secret=SecretStr(CLIENT_SECRET),
        legifrance_api_url=base + API_PATH,
        legifrance_token_url=base + TOKEN_PATH,
        legifrance_backoff_s=0.05,
    )


def files(settings: Settings) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(settings.legifrance_dir.iterdir())}


def catalog(settings: Settings) -> dict[str, dict[str, str]]:
    data = tomllib.loads((settings.legifrance_dir / "catalog.toml").read_text("utf-8"))
    return {d["legiarti"]: d for d in data["document"]}


def test_each_article_is_written_with_its_text_dates_status_and_legifrance_page(
    tmp_path: Path,
) -> None:
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        report = run_sync(settings)
    assert len(report.added) == 3 and not report.failed
    entries = catalog(settings)
    current = entries[D2111_3_2019]
    assert current["title"] == "Code de la commande publique, article D2111-3"
    assert current["short"] == "Code de la commande publique, art. D2111-3"
    assert (current["status"], current["date"], current["valid_to"]) == (
        "en vigueur",
        "2019-04-01",
        "",
    )
    assert current["url"] == current["source"] == CODES + D2111_3_2019
    assert (current["kind"], current["article"], current["texte"]) == (
        "code",
        "D2111-3",
        "Code de la commande publique",
    )
    repealed = entries[LOI_ESS_13]
    assert repealed["status"] == "historique" and repealed["etat"] == "ABROGE"
    assert (repealed["valid_from"], repealed["valid_to"]) == ("2014-08-02", "2019-04-01")
    assert repealed["url"] == LODA + LOI_ESS_13  # a law's article lives under /loda/
    assert repealed["title"].endswith("(rédaction en vigueur du 2 août 2014 au 1er avril 2019)")
    text = (settings.legifrance_dir / current["file"]).read_text("utf-8")
    assert text.splitlines()[:2] == [
        "--- Partie réglementaire > Deuxième partie : Marchés publics > Livre Ier : Dispositions "
        "générales > Titre Ier : Préparation du marché > Chapitre Ier : Définition du besoin ---",
        "Article D2111-3",
    ]
    assert "100 millions d'euros hors taxes" in text


def test_api_and_legi_archive_write_the_same_documents_first_and_after_a_change(
    tmp_path: Path,
) -> None:
    fake = FakeLegifrance(first_records())
    stock = write_archive(tmp_path / "Freemium_legi_global_20221201-140000.tar.gz", first_records())
    increment = write_archive(
        tmp_path / "LEGI_20230102-213000.tar.gz", later_records(), prefix="20230102-213000/"
    )
    with serve(fake) as base:
        by_api = make_settings(tmp_path, base, "api")
        by_archive = make_settings(tmp_path, base, "archive")
        run_sync(by_api)
        run_sync(by_archive, [stock])
        assert files(by_api) == files(by_archive)
        fake.records = later_records()
        run_sync(by_api)
        run_sync(by_archive, [stock, increment])
    assert files(by_api) == files(by_archive)
    assert len(files(by_api)) == 5  # catalog + 4 versions


def test_a_rerun_with_nothing_new_writes_nothing(tmp_path: Path) -> None:
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        run_sync(settings)
        before = {p.name: p.stat().st_mtime_ns for p in settings.legifrance_dir.iterdir()}
        report = run_sync(settings)
    assert report.files_written == 0 and len(report.unchanged) == 3 and not report.added
    assert {p.name: p.stat().st_mtime_ns for p in settings.legifrance_dir.iterdir()} == before
    assert report.lines() == [
        "Légifrance : 0 articles ajoutés, 0 mis à jour, 3 inchangés, 0 versions passées en "
        f"historique, 0 en échec ; 0 fichiers écrits dans {settings.legifrance_dir}."
    ]


def test_a_new_version_is_current_and_the_old_one_stays_dated_as_historique(
    tmp_path: Path,
) -> None:
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        run_sync(settings)
        fake.records = later_records()
        report = run_sync(settings)
    assert report.added == ["Code de la commande publique, art. D2111-3"]
    entries = catalog(settings)
    old, new = entries[D2111_3_2019], entries[D2111_3_2023]
    assert (new["status"], new["valid_from"], new["url"]) == (
        "en vigueur",
        "2023-01-01",
        CODES + D2111_3_2023,
    )
    assert (old["status"], old["valid_from"], old["valid_to"]) == (
        "historique",
        "2019-04-01",
        "2023-01-01",
    )
    assert old["title"] == (
        "Code de la commande publique, article D2111-3 "
        "(rédaction en vigueur du 1er avril 2019 au 1er janvier 2023)"
    )
    assert report.superseded == [old["title"]]
    assert "cinquante millions" in (settings.legifrance_dir / new["file"]).read_text("utf-8")


def test_renaming_a_text_in_the_list_renames_its_files_without_leaving_the_old_ones(
    tmp_path: Path,
) -> None:
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        run_sync(settings)
        listing = settings.legifrance_list
        listing.write_text(
            listing.read_text().replace('court = "Loi n° 2014-856"', 'court = "Loi ESS"')
        )
        report = run_sync(settings)
    assert report.updated == ["Loi ESS, art. 13"]
    names = sorted(files(settings))
    assert names == sorted(["catalog.toml", *(e["file"] for e in catalog(settings).values())])
    assert [n for n in names if "loi" in n] == [f"loi-ess-13-{LOI_ESS_13}.txt"]


def test_a_token_refused_before_its_time_is_renewed(tmp_path: Path) -> None:
    fake = FakeLegifrance(first_records(), revoke_after_first_use=True)
    with serve(fake) as base:
        report = run_sync(make_settings(tmp_path, base))
    assert len(report.added) == 3 and not report.failed
    api_statuses = [status for _, _, status in fake.api_calls]
    assert api_statuses.count(401) >= 2  # each refusal was followed by a new token and a retry
    assert fake.tokens_issued == api_statuses.count(200)


def test_429_and_5xx_are_retried_waiting_longer_each_time(tmp_path: Path) -> None:
    fake = FakeLegifrance(first_records(), failures=[503, 429, 502])
    with serve(fake) as base:
        report = run_sync(make_settings(tmp_path, base))
    assert len(report.added) == 3
    calls = fake.api_calls[:4]
    assert [status for _, _, status in calls] == [503, 429, 502, 200]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(calls)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2  # 0.05 s doubled each time


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    fake = FakeLegifrance(first_records(), failures=[429], retry_after="1")
    with serve(fake) as base:
        run_sync(make_settings(tmp_path, base))
    first, second = fake.api_calls[:2]
    assert second[0] - first[0] >= 0.95


def test_a_request_refused_for_one_article_fails_that_article_only(tmp_path: Path) -> None:
    fake = FakeLegifrance(first_records(), failures=[400])  # the first search: loi, art. 13
    with serve(fake) as base:
        report = run_sync(make_settings(tmp_path, base))
    assert report.failed == ["Loi n° 2014-856, art. 13"]
    assert len(report.added) == 2


def test_a_lasting_outage_is_reported_in_french_and_nothing_is_lost(tmp_path: Path) -> None:
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        run_sync(settings)
        before = files(settings)
        fake.records = later_records()
        fake.failures = [503] * 50
        with pytest.raises(LegifranceUnavailableError) as caught:
            run_sync(settings)
    assert "HTTP 503, 4 essais" in str(caught.value) and "réessayez plus tard" in str(caught.value)
    assert files(settings) == before


def test_a_malformed_answer_is_reported_and_nothing_indexed_is_lost(
    tmp_path: Path, embedder: Embedder
) -> None:
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        run_sync(settings)
        store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
        first = ingest(settings, store)
        fake.malformed = {L2111_3}
        report = run_sync(settings)
    assert report.failed == ["Code de la commande publique, art. L2111-3"]
    assert len(report.unchanged) == 2
    again = ingest(settings, store)
    assert not again.removed and not again.added and again.chunks_total == first.chunks_total
    assert "Code de la commande publique, article L2111-3" in {
        row["title"] for row in Assistant.open(settings, embedder).documents()
    }


def test_an_unreadable_article_file_in_an_archive_is_reported_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    broken = {
        "legi/global/code_et_TNC_en_vigueur/code_en_vigueur/LEGI/TEXT/00/00/37/70/10/LEGITEXT000037701019/article/LEGI/ARTI/00/00/99/00/00/LEGIARTI000099000077.xml": b"<ARTICLE><META>"
    }
    archive = write_archive(tmp_path / "legi.tar.gz", first_records(), extra=broken)
    lines: list[str] = []
    report = run_sync(make_settings(tmp_path), [archive], progress=lines.append)
    assert len(report.added) == 3
    assert any("LEGIARTI000099000077.xml" in line and "XML illisible" in line for line in lines)


def test_a_damaged_archive_is_a_french_error(tmp_path: Path) -> None:
    archive = tmp_path / "legi.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00 ceci n'est pas une archive")
    with pytest.raises(LegifranceError, match="archive LEGI illisible"):
        run_sync(make_settings(tmp_path), [archive])


def test_article_xml_reads_dates_sections_versions_and_nota() -> None:
    records = later_records()
    article = article_from_xml(legi_xml(records[1], records))
    assert (article.legiarti, article.num, article.state) == (D2111_3_2023, "D2111-3", "VIGUEUR")
    assert (article.valid_from, article.valid_to, article.in_code) == ("2023-01-01", "", True)
    assert article.sections[0] == "Partie réglementaire"
    assert [v.legiarti for v in article.versions] == [D2111_3_2019, D2111_3_2023]
    assert article.versions[0].valid_to == "2023-01-01"
    assert article.nota.startswith("Conformément au premier alinéa")


def test_search_requests_follow_the_dila_examples() -> None:
    code = Target("LEGITEXT000037701019", "Code de la commande publique", "", "code", "", "L2111-3")
    body = search_request(code)
    assert body["fond"] == "CODE_ETAT"
    assert body["recherche"]["filtres"] == [
        {"facette": "TEXT_NOM_CODE", "valeurs": ["Code de la commande publique"]}
    ]
    assert body["recherche"]["champs"][0]["typeChamp"] == "NUM_ARTICLE"
    law = Target("JORFTEXT000029313296", "Loi…", "", "loi", "2014-856", "13")
    body = search_request(law)
    assert body["fond"] == "LODA_ETAT"
    assert [c["typeChamp"] for c in body["recherche"]["champs"]] == ["NUM", "NUM_ARTICLE"]
    assert body["recherche"]["champs"][0]["criteres"][0]["valeur"] == "2014-856"


def test_the_starter_list_names_the_articles_our_answers_rely_on() -> None:
    labels = {t.label for t in load_targets(ROOT / "corpus" / "legifrance.toml")}
    for expected in [
        "Loi n° 2014-856, art. 1",
        "Loi n° 2014-856, art. 13",
        "Code de la commande publique, art. L2111-3",
        "Code de la commande publique, art. D2111-3",
        "Code de la commande publique, art. L2112-2",
        *(f"Code de la commande publique, art. L2113-{n}" for n in range(12, 17)),
        "Code de la commande publique, art. R2113-7",
        "Code du travail, art. L3332-17-1",
        "Loi n° 47-1775, art. 19 septies",
        "Loi n° 2000-321, art. 9-1",
        "Loi n° 2000-321, art. 10",
    ]:
        assert expected in labels


def test_a_wrong_list_entry_is_named_in_french(tmp_path: Path) -> None:
    listing = tmp_path / "legifrance.toml"
    listing.write_text('[[texte]]\nid = "LEGITEXT000037701019"\ntitre = "Code"\nnature = "code"\n')
    with pytest.raises(LegifranceError, match=r"\[\[texte\]\] n° 1 : « articles » doit lister"):
        load_targets(listing)


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=ROOT,
        timeout=300,
    )


def _env(settings: Settings) -> dict[str, str]:
    return {
        "ESS_DATA_DIR": str(settings.data_dir),
        "ESS_LEGIFRANCE_LIST": str(settings.legifrance_list),
        "ESS_LEGIFRANCE_API_URL": settings.legifrance_api_url,
        "ESS_LEGIFRANCE_TOKEN_URL": settings.legifrance_token_url,
        "ESS_LEGIFRANCE_CLIENT_ID": CLIENT_ID,
        "ESS_LEGIFRANCE_CLIENT_SECRET": CLIENT_SECRET,
        "ESS_LEGIFRANCE_BACKOFF_S": "0.01",
    }


def test_without_credentials_the_sync_says_so_in_one_french_line(tmp_path: Path) -> None:
    env = _env(make_settings(tmp_path))
    del env["ESS_LEGIFRANCE_CLIENT_ID"], env["ESS_LEGIFRANCE_CLIENT_SECRET"]
    out = _cli(["legifrance", "sync"], env)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("Erreur : identifiants PISTE absents : définissez ")
    assert "ESS_LEGIFRANCE_CLIENT_ID" in out.stderr


def test_without_network_the_sync_says_so_in_one_french_line(tmp_path: Path) -> None:
    out = _cli(["legifrance", "sync"], _env(make_settings(tmp_path)))  # nothing on port 9
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("Erreur : Légifrance injoignable (jeton PISTE, 127.0.0.1:9")
    assert not (tmp_path / "a" / "legifrance").exists()


def test_sync_from_the_api_then_ingest_and_the_answer_cites_the_current_article(
    tmp_path: Path, embedder: Embedder
) -> None:
    """End to end: the CLI syncs from the local server twice (the SPASER threshold changes in
    between), ingest indexes our notes and the articles, the answer cites the article in force
    with its Légifrance page."""
    fake = FakeLegifrance(first_records())
    with serve(fake) as base:
        settings = make_settings(tmp_path, base)
        first = _cli(["legifrance", "sync"], _env(settings))
        fake.records = later_records()
        second = _cli(["legifrance", "sync"], _env(settings))
    assert first.returncode == 0, first.stderr
    assert (
        "Ajouté : Code de la commande publique, art. D2111-3 (en vigueur depuis le 1er avril 2019)"
        in first.stdout
    )
    assert second.returncode == 0, second.stderr
    assert (
        "Historique : Code de la commande publique, article D2111-3 (rédaction en vigueur du 1er avril 2019 au 1er janvier 2023)"
        in second.stdout
    )
    corpus = tmp_path / "corpus"  # our SPASER note, its catalog and the Légifrance list
    corpus.mkdir()
    for name in ["fiche-03-spaser.md", "catalog.toml", "legifrance.toml"]:
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    settings = settings.model_copy(update={"corpus_dirs": [corpus]})
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    summary = ingest(settings, store)
    assert not summary.skipped  # legifrance.toml is a setting, not a document
    assert len(summary.added) == 5  # the note and four article versions
    answer = Assistant.open(settings, embedder).ask(
        "Quelles dépenses compte-t-on pour savoir si un acheteur doit adopter un SPASER ?"
    )
    assert not answer.refused
    # Only the 2023 wording says how the annual amount is counted.
    assert "dépenses effectuées au cours d'une année civile" in answer.answer
    links = {c.link: c for c in answer.citations}
    current = links[CODES + D2111_3_2023]
    assert (current.status, current.date, current.locator) == (
        "en vigueur",
        "2023-01-01",
        "Article D2111-3",
    )
    assert links[CODES + L2111_3].title == "Code de la commande publique, article L2111-3"
    old = links.get(CODES + D2111_3_2019)
    assert old is None or old.status == "historique"
