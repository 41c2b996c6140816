from pathlib import Path

from assistant.types import DocumentMeta, Page
from ingest.chunk import chunk_document
from ingest.read import read_document

LAW = DocumentMeta(doc_id="loi-test", title="Loi de test", kind="loi", date="2014-07-31")


def test_law_pdf_chunks_are_located_at_their_articles_and_pages(shared_corpus: Path) -> None:
    pdf = shared_corpus / "loi-2014-856-economie-sociale-solidaire.pdf"
    meta = DocumentMeta(doc_id="loi-2014-856", title="Loi ESS", kind="loi")
    chunks = chunk_document(meta, read_document(pdf).pages)
    by_article = {c.article: c for c in reversed(chunks)}  # first chunk of each article
    assert {"Article 1", "Article 2", "Article 9", "Article 13", "Article 15"} <= set(by_article)
    assert by_article["Article 1"].page == 1
    assert "pôles territoriaux de coopération économique" in by_article["Article 9"].text
    assert by_article["Article 9"].page == 6
    assert "Titre Ier" in by_article["Article 1"].heading
    assert all(c.page is not None for c in chunks)


def test_legal_text_splits_at_articles_of_every_form() -> None:
    text = (
        "Chapitre III : Organisation de l'achat\nArticle L2113-15\nDes marchés peuvent être réservés.\n"
        "Art. 19 septies\nPeut être associé d'une société coopérative.\n"
        "Article 13\nI. - Lorsque le montant total annuel des achats est supérieur au seuil."
    )
    chunks = chunk_document(LAW, [Page(None, text)])
    assert [c.article for c in chunks] == ["Article L2113-15", "Article 19 septies", "Article 13"]
    assert chunks[0].heading == "Chapitre III : Organisation de l'achat > Article L2113-15"


def test_long_article_splits_at_numbered_paragraphs_under_the_size_limit() -> None:
    paragraphs = [
        f"{n}. - " + ("Le représentant de l'Etat consulte la chambre régionale. " * 8)
        for n in ("I", "II", "III", "IV")
    ]
    chunks = chunk_document(LAW, [Page(1, "Article 7\n" + "\n".join(paragraphs))], size=1000)
    assert len(chunks) >= 2
    assert all(len(c.text) <= 1000 for c in chunks)
    assert all(c.article == "Article 7" for c in chunks)
    assert chunks[1].text.startswith(("II.", "III."))


def test_guide_splits_at_headings_and_ids_are_stable() -> None:
    guide = DocumentMeta(doc_id="guide", title="Guide", kind="guide")
    text = "# Créer une SCIC\n## Les associés\nTrois catégories d'associés au moins.\n## Le capital\nJusqu'à la moitié."
    first = chunk_document(guide, [Page(None, text)])
    again = chunk_document(guide, [Page(None, text)])
    assert [c.heading for c in first] == [
        "Créer une SCIC > Les associés",
        "Créer une SCIC > Le capital",
    ]
    assert [c.id for c in first] == [c.id for c in again]


def test_a_list_cut_in_two_keeps_what_it_lists_in_its_second_passage() -> None:
    """Item 3° alone ("Elles concourent au développement durable…") does not say it is one of
    the conditions of social utility: its passage repeats the sentence announcing the list."""
    lead = "Sont considérées comme poursuivant une utilité sociale les entreprises qui remplissent "
    lead += "l'une des conditions suivantes :"
    items = [
        f"{n}° " + ("Elles poursuivent un objectif de cohésion territoriale. " * 12)
        for n in (1, 2, 3)
    ]
    text = "Article 2\n" + lead + "\n" + "\n".join(items) + "\nLe décret précise ces conditions."
    chunks = chunk_document(LAW, [Page(1, text)], size=1000)
    with_items = [c for c in chunks if "° Elles" in c.text]
    assert len(with_items) >= 2
    assert all(c.text.startswith(lead) for c in with_items)
    assert sum(c.text.count("3° ") for c in chunks) == 1  # items are not repeated


def test_numbered_steps_stay_in_one_passage_when_the_list_runs_a_little_long() -> None:
    """ "5. Côté collectivité : faire décider la prise de participation…" cut from steps 1 to 4
    would leave the official with four steps of five."""
    note = DocumentMeta(doc_id="note", title="Fiche", kind="fiche")
    steps = "\n".join(
        f"{n}. Étape {n} : " + ("une démarche à mener avec les associés du projet. " * 4)
        for n in range(1, 6)
    )
    text = "# Créer une SCIC\n## Quelles étapes ?\n" + steps
    chunks = chunk_document(note, [Page(None, text)], size=1000)
    assert len(chunks) == 1 and "1. Étape 1" in chunks[0].text and "5. Étape 5" in chunks[0].text


def test_each_gathered_article_knows_its_code_from_the_banner_above_it() -> None:
    gathered = DocumentMeta(
        doc_id="codes", title="Loi n° 2014-856 : articles de codes créés ou modifiés", kind="code"
    )
    text = (
        "CODE DES ASSURANCES\n# Article 53\nLe contrat d'assurance est régi par le présent code.\n"
        "CODE DES MARCHÉS PUBLICS (ÉDITION 2006)\n# Article 91\nLes acomptes sont versés "
        "au moins tous les trois mois.\nCODE RURAL ET DE LA PÊCHE MARITIME\n# Article L521-3\n"
        "Ne peuvent prétendre à la qualité de coopérative que les sociétés dont les statuts…"
    )
    chunks = chunk_document(gathered, [Page(None, text)])
    assert [(c.article, c.legal_text) for c in chunks] == [
        ("Article 53", "Code des assurances"),
        ("Article 91", "Code des marchés publics (édition 2006)"),
        ("Article L521-3", "Code rural et de la pêche maritime"),
    ]
    keys = [c.metadata()["text_key"] for c in chunks]
    assert keys == [
        "code des assurances",
        "code des marches publics",
        "code rural et de la peche maritime",
    ]


def test_a_reference_cut_by_a_line_break_after_its_abbreviation_stays_one_sentence(
    shared_corpus: Path,
) -> None:
    """The law's PDF breaks a line after "l'article L." and goes on with "3332-17-1 du code
    du travail…": that is one sentence, not a sentence "…l'article L." and another opening on a
    number, which an answer would quote cut in two."""
    from assistant.french import sentences

    doc = read_document(shared_corpus / "loi-2014-856-economie-sociale-solidaire.pdf")
    text = "\n".join(page.text for page in doc.pages)
    assert "l'article L.\n3332-17-1" in text  # the break the PDF has
    quoted = [s for s in sentences(text) if "réputées bénéficier" in s]
    assert quoted and all("l'article L. 3332-17-1 du code du travail" in s for s in quoted)
    # and after "n°": "…si la loi n°" / "47-1775 du 10 septembre 1947 portant statut…"
    assert "la loi n°\n47-1775" in text
    report = [s for s in sentences(text) if "portant statut de la coopération pourrait" in s]
    assert report and all(s.startswith("Le Gouvernement remet au Parlement") for s in report)
