import pytest

from assistant.references import article_url, find_references, stored_link


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


def test_an_article_version_links_to_its_own_page_on_legifrance() -> None:
    assert (
        article_url("LEGIARTI000037730651", in_code=True)
        == "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730651"
    )
    assert (
        article_url("LEGIARTI000029315045", in_code=False)
        == "https://www.legifrance.gouv.fr/loda/article_lc/LEGIARTI000029315045"
    )
    with pytest.raises(ValueError):
        article_url("JORFTEXT000029313296", in_code=False)


def test_a_stored_article_page_is_the_citation_link_and_nothing_else_is() -> None:
    page = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730651"
    assert stored_link({"url": page, "kind": "code"}) == page
    assert stored_link({"kind": "code"}) is None
    assert stored_link({"url": "https://exemple.fr/codes/article_lc/LEGIARTI000037730651"}) is None
    assert stored_link({"url": page + "?x=javascript:alert(1)"}) is None
