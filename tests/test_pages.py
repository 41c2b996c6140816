"""A cited PDF page shown as an image with the passage marked (GET /documents/{id}/pages/{n}
and its .png), and the conversation exported as a Word document (POST /export/docx): real PDFs
(the starter corpus's 2014 law, and PDFs made here), real PDFium, the real app."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.server.app import create_app
from assistant.server.pages import WIDTH_PX, page_png, spans_of
from assistant.store import ChunkStore, open_client
from ingest.index import ingest
from tests.fixtures import make_pdf

LAW = "loi-2014-856"
PTCE = "I. - Les pôles territoriaux de coopération économique sont constitués"


@pytest.fixture(scope="module")
def client(indexed: tuple[Settings, object], embedder: Embedder) -> Iterator[TestClient]:
    with TestClient(create_app(indexed[0], embedder)) as c:
        yield c


def passage(client: TestClient, doc_id: str, start: str) -> dict[str, object]:
    passages = client.get(f"/documents/{doc_id}").json()["passages"]
    return next(p for p in passages if p["text"].startswith(start))


def text_under(pdf_path: Path, number: int, mark: dict[str, float]) -> str:
    """What PDFium reads inside a mark, turned back into PDF units (the page has no offset)."""
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        page = pdf[number - 1]
        width, height = page.get_size()
        left, right = mark["left"] * width, (mark["left"] + mark["width"]) * width
        top, bottom = (1 - mark["top"]) * height, (1 - mark["top"] - mark["height"]) * height
        return " ".join(page.get_textpage().get_text_bounded(left, bottom, right, top).split())
    finally:
        pdf.close()


# ---- finding a text on a page --------------------------------------------------------------


def test_a_sentence_is_found_whatever_the_line_breaks_hyphens_and_accents() -> None:
    page = (
        "Titre\r\nL'ÉCONOMIE sociale et soli-\r\ndaire est un mode d'entreprendre adapté à tous\r\n"
        "les domaines de l'activité humaine.\r\nAutre phrase sans rapport avec elle."
    )
    spans = spans_of(
        "L'économie sociale et solidaire est un mode d'entreprendre adapté à tous les domaines "
        "de l'activité humaine.",
        page,
    )
    assert [page[a:b] for a, b in spans] == [page[page.index("L'ÉCO") : page.index("Autre") - 2]]


def test_a_phrase_shared_with_another_place_is_not_taken_for_the_text() -> None:
    page = (
        "Article 17\r\nLe Conseil supérieur de l'économie sociale et solidaire assure un suivi "
        "du financement des entreprises de l'économie sociale et solidaire.\r\nArticle 18"
    )
    elsewhere = (
        "I. - Le Conseil supérieur de l'économie sociale et solidaire est chargé d'établir tous "
        "les trois ans un rapport sur l'égalité entre les femmes et les hommes."
    )
    assert spans_of(elsewhere, page) == []


def test_a_passage_over_a_page_break_is_found_in_part_on_each_page() -> None:
    text = (
        "Les chambres régionales de l'économie sociale et solidaire assurent au plan local la "
        "promotion et le développement de l'économie sociale et solidaire. Elles sont "
        "constituées des entreprises de l'économie sociale et solidaire ayant leur siège social "
        "ou un établissement dans la région."
    )
    cut = text.index("Elles sont")
    first = "Article 6\r\nDu texte avant.\r\n" + text[:cut] + "\r\nPage 4 / 12"
    second = "LOI n° 2014-856 (1)\r\n" + text[cut:] + "\r\nArticle 7\r\nLa suite de la loi."
    (a, b), *_ = spans_of(text, first)
    assert first[a:b].startswith("Les chambres") and first[a:b].endswith("solidaire.")
    (c, d), *_ = spans_of(text, second)
    assert second[c:d] == text[cut:]


# ---- the page of the starter corpus's PDF -----------------------------------------------------


def test_a_cited_page_comes_with_boxes_over_the_passage_and_its_quoted_words(
    client: TestClient, shared_corpus: Path
) -> None:
    cited = passage(client, LAW, PTCE)
    assert cited["page"] == 6
    quote = "Les pôles territoriaux de coopération économique sont constitués par le regroupement"
    r = client.get(
        f"/documents/{LAW}/pages/6", params={"passage": cited["chunk_id"], "quote": quote}
    )
    assert r.status_code == 200
    view = r.json()
    assert view["pages"] == 12 and view["image"] == f"documents/{LAW}/pages/6.png"
    frames = [m for m in view["marks"] if m["kind"] == "passage"]
    quotes = [m for m in view["marks"] if m["kind"] == "quote"]
    assert len(frames) == 1 and quotes
    pdf_path = shared_corpus / "loi-2014-856-economie-sociale-solidaire.pdf"
    framed = text_under(pdf_path, 6, frames[0])
    assert framed.startswith("I. - Les pôles territoriaux") and "local durable" in framed
    assert "Article 9" not in framed and "II. - La sélection" not in framed
    assert text_under(pdf_path, 6, quotes[0]) == quote  # the quoted words, not the line
    frame = frames[0]
    for m in quotes:  # the quoted words lie inside the passage's frame
        assert frame["top"] - 0.005 <= m["top"] <= frame["top"] + frame["height"]
    # The next page does not hold this passage: nothing is marked there.
    other = client.get(f"/documents/{LAW}/pages/7", params={"passage": cited["chunk_id"]})
    assert other.status_code == 200 and other.json()["marks"] == []


def test_the_page_image_is_a_png_of_bounded_size(client: TestClient) -> None:
    r = client.get(f"/documents/{LAW}/pages/6.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content))
    assert image.width == WIDTH_PX and 1.3 < image.height / image.width < 1.5  # an A4 page
    assert len(r.content) < 1_000_000


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/documents/pas-de-tel-document/pages/1", 404, "document introuvable"),
        ("/documents/pas-de-tel-document/pages/1.png", 404, "document introuvable"),
        ("/documents/loi-1947-scic/pages/1", 404, "pas de PDF"),  # a text document
        ("/documents/loi-1947-scic/pages/1.png", 404, "pas de PDF"),
        (f"/documents/{LAW}/pages/13", 404, "page 13 introuvable : ce PDF a 12 page"),
        (f"/documents/{LAW}/pages/13.png", 404, "page 13 introuvable"),
        (f"/documents/{LAW}/pages/0", 422, "valeur trop petite"),
        (f"/documents/{LAW}/pages/-1.png", 422, "valeur trop petite"),
        (f"/documents/{LAW}/pages/999999999999999999999.png", 422, "valeur trop grande"),
        (f"/documents/{LAW}/pages/deux", 422, "nombre entier"),
        (f"/documents/{LAW}/pages/1?passage=inconnu", 404, "passage introuvable"),
        (f"/documents/{LAW}/pages/1?quote=" + "mot " * 400, 422, "texte trop long"),
        (f"/documents/{LAW}/pages/1?" + "&".join(["quote=ESS"] * 9), 422, "liste trop longue"),
    ],
)
def test_bad_documents_pages_and_marks_get_a_french_answer(
    client: TestClient, url: str, status: int, words: str
) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


def test_a_damaged_pdf_and_a_huge_page_never_make_a_server_error(
    tmp_path: Path, embedder: Embedder
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = make_pdf(
        corpus / "note-scic.pdf",
        [["Une commune peut entrer au capital d'une SCIC.", "Elle en détient au plus 50 %."]],
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dirs=[corpus])
    store, _ = ChunkStore.for_ingest(open_client(settings), settings.collection, embedder)
    ingest(settings, store)
    with TestClient(create_app(settings, embedder)) as c:
        doc_id = c.get("/documents").json()[0]["doc_id"]
        cited = c.get(f"/documents/{doc_id}").json()["passages"][0]
        view = c.get(f"/documents/{doc_id}/pages/1", params={"passage": cited["chunk_id"]})
        assert view.status_code == 200 and view.json()["marks"], "a PDF made here is marked too"
        pdf.write_bytes(b"%PDF-1.4 ceci n'est plus un PDF")
        for url in (f"/documents/{doc_id}/pages/1", f"/documents/{doc_id}/pages/1.png"):
            r = c.get(url)
            assert r.status_code == 404 and "illisible" in r.json()["detail"], r.text
    from reportlab.pdfgen import canvas

    huge = canvas.Canvas(str(tmp_path / "affiche.pdf"), pagesize=(14_000, 14_000))
    huge.drawString(100, 100, "Une affiche immense")
    huge.save()
    image = Image.open(io.BytesIO(page_png(tmp_path / "affiche.pdf", 1)))
    assert image.width <= WIDTH_PX and image.height <= 4000


# ---- the Word export ---------------------------------------------------------------------


def test_the_conversation_exports_as_a_word_document_with_its_sources(client: TestClient) -> None:
    body = {
        "turns": [
            {
                "question": "Une commune peut-elle entrer au capital d'une SCIC ?",
                "answer": "Oui, jusqu'à 50 % du capital [1].\n* avec d'autres collectivités\n"
                "* dans une SCIC",
                "warnings": ["Le texte de 2011 est historique."],
                "sources": [
                    {
                        "numbers": [1, 3],
                        "title": "Loi n° 47-1775 du 10 septembre 1947 portant statut de la coopération",
                        "where": "Loi n° 47-1775, art. 19 septies",
                        "date": "2014-08-01",
                        "status": "en vigueur",
                        "link": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004",
                    }
                ],
            },
            {"question": "et pour une région ?", "understood": "Et une région ?", "answer": "Non."},
        ]
    }
    r = client.post("/export/docx", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    name = re.search(r'filename="([^"]+)"', r.headers["content-disposition"])
    assert name and re.fullmatch(r"conversation-ess-\d{4}-\d{2}-\d{2}\.docx", name.group(1))
    document = docx.Document(io.BytesIO(r.content))
    lines = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "1. Une commune peut-elle entrer au capital d'une SCIC ?") in lines
    assert ("List Bullet", "avec d'autres collectivités") in lines  # lists stay lists
    assert ("Normal", "Question comprise : Et une région ?") in lines
    source = next(t for s, t in lines if t.startswith("[1] [3] Loi n° 47-1775"))
    assert "art. 19 septies (1er août 2014, en vigueur)" in source
    assert source.endswith("https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004")
    links = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert links == ["https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"turns": []}, "liste vide"),
        ({}, "champ obligatoire manquant"),
        ({"turns": [{"question": "x" * 2001, "answer": "Non."}]}, "texte trop long"),
        ({"turns": [{"question": "Q ?", "answer": "Non."}] * 101}, "liste trop longue"),
    ],
)
def test_a_bad_export_request_gets_a_french_answer(
    client: TestClient, body: dict[str, object], words: str
) -> None:
    r = client.post("/export/docx", json=body)
    assert r.status_code == 422 and words in r.json()["detail"], r.text


def test_a_link_that_is_no_web_address_is_not_made_clickable(client: TestClient) -> None:
    source = {"numbers": [1], "title": "Note", "link": "javascript:alert(1)"}
    turn = {"question": "Q ?", "answer": "R [1].", "sources": [source]}
    r = client.post("/export/docx", json={"turns": [turn]})
    document = docx.Document(io.BytesIO(r.content))
    assert not [rel for rel in document.part.rels.values() if rel.is_external]
    assert "javascript" not in "\n".join(p.text for p in document.paragraphs)


def test_control_characters_in_a_conversation_do_not_break_the_export(client: TestClient) -> None:
    turn = {"question": "Une SCIC\x00 ?", "answer": "Oui\x0c [1].", "warnings": ["\x1f"]}
    r = client.post("/export/docx", json={"turns": [turn]})
    assert r.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
    assert "1. Une SCIC ?" in text and "Oui [1]." in text
