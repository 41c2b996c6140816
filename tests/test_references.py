from assistant.references import find_references


def test_code_and_law_references_are_recognised() -> None:
    text = (
        "Conformément à l'article L. 2113-15 du code de la commande publique et à l'article 13 "
        "de la loi du 31 juillet 2014, voir aussi la loi n° 47-1775 du 10 septembre 1947."
    )
    refs = [r.text for r in find_references(text)]
    assert refs == [
        "article L2113-15 code de la commande publique",
        "article 13 loi du 31 juillet 2014",
        "loi n° 47-1775 du 10 septembre 1947",
    ]
    assert find_references(text)[0].link.startswith("https://www.legifrance.gouv.fr/search/")


def test_plain_text_has_no_reference() -> None:
    assert find_references("La commune soutient les associations du quartier.") == []
