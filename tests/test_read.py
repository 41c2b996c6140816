from pathlib import Path

import pytest

from assistant.errors import DocumentError
from ingest.normalise import join_lines, strip_running_lines
from ingest.read import ReadLimits, markdown_to_text, read_document
from tests.fixtures import make_pdf


def test_pdf_comes_back_clean_with_page_numbers(tmp_path: Path) -> None:
    header = "Guide des achats responsables - Commune de Test"
    pdf = make_pdf(
        tmp_path / "guide.pdf",
        [
            [
                "Article 1",
                "Les acheteurs publics peuvent favoriser l'inser-",
                "tion professionnelle.",
            ],
            ["Article 2", "Le schéma est adopté par l'assemblée délibé-", "rante chaque année."],
            ["Article 3", "Les clauses sociales sont suivies par un médiateur."],
        ],
        header=header,
    )
    result = read_document(pdf)
    assert [p.number for p in result.pages] == [1, 2, 3]
    text = "\n".join(p.text for p in result.pages)
    assert header not in text
    assert "Page 1 / 3" not in text and "Page 3 / 3" not in text
    assert "insertion professionnelle" in result.pages[0].text
    assert "délibérante" in result.pages[1].text
    assert "médiateur" in result.pages[2].text


def test_hyphen_of_a_real_compound_is_kept() -> None:
    text = "un accompagnement médico-social adapté.\nLe suivi médico-\nsocial est annuel."
    assert "suivi médico-social est annuel" in join_lines(text)


def test_running_lines_removed_only_when_repeated() -> None:
    pages = ["Titre courant\nTexte un.\nPage 1 / 2", "Titre courant\nTexte deux.\nPage 2 / 2"]
    assert strip_running_lines(pages) == ["Texte un.", "Texte deux."]


def test_html_table_in_markdown_becomes_rows() -> None:
    md = "# Aides\n<table><tr><th>Aide</th><th>Montant</th></tr><tr><td>CPO</td><td>3 ans</td></tr></table>"
    text = markdown_to_text(md)
    assert "Aide | Montant" in text and "CPO | 3 ans" in text and "<td>" not in text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("vide.txt", b"", "vide"),
        ("casse.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer\n%%EOF garbage", "PDF"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binaire"),
        ("tableur.xlsx", b"PK\x03\x04", "format"),
    ],
)
def test_unreadable_files_raise_a_french_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        read_document(path)


def test_pdf_without_text_layer_is_reported(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "scan.pdf", [[], []], footer=False)
    with pytest.raises(DocumentError, match="couche texte"):
        read_document(pdf)


def test_a_pdf_past_its_reading_time_is_refused_with_the_setting_to_change(tmp_path: Path) -> None:
    """The time bound stops inside a page too (pypdf's operator callback reads the clock)."""
    pdf = make_pdf(tmp_path / "guide.pdf", [["Article 1", "Les SCIC."], ["Article 2", "Les CAE."]])
    assert len(read_document(pdf, ReadLimits(pdf_seconds=60)).pages) == 2
    with pytest.raises(DocumentError, match=r"trop long à lire.*ESS_MAX_PDF_SECONDS"):
        read_document(pdf, ReadLimits(pdf_seconds=1e-9))


def test_markdown_escapes_are_text_and_empty_marks_go() -> None:
    """ "\\_" and "\\*" are characters, not markup; a pair of escaped marks around nothing (a
    converter's leftover: "ad nutum \\_\\_ dans le jargon") is not printed as "\\\\"."""
    from ingest.read import markdown_to_text

    text = markdown_to_text(
        "révoqué [_ad nutum_](https://x.fr/article\\_lc/1/) \\_\\_ dans le jargon ; "
        "un taux de 5 \\* 2, un fichier\\_nom et **gras**."
    )
    assert "ad nutum dans le jargon" in text
    assert "\\" not in text
    assert "5 * 2" in text and "fichier_nom" in text and "gras" in text and "**" not in text
