import re

import pytest

from assistant.articles import named_articles, without_references
from assistant.citations import source_label
from assistant.references import article_url, find_references, passage_link, stored_link
from assistant.types import PassageMeta


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
    assert find_references(text)[0].link.startswith("https://www.legifrance.gouv.fr/search/code?")


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
    assert stored_link(PassageMeta.from_record({"url": page, "kind": "code"})) == page
    assert stored_link(PassageMeta.from_record({"kind": "code"})) is None
    assert (
        stored_link(
            PassageMeta.from_record(
                {"url": "https://exemple.fr/codes/article_lc/LEGIARTI000037730651"}
            )
        )
        is None
    )
    assert stored_link(PassageMeta.from_record({"url": page + "?x=javascript:alert(1)"})) is None


# What a citation's link must be for the passages of our corpus: the article's own page when we
# hold its identifier, the search by number for a code article, the law's page otherwise; never
# a search on our document titles.
_EXPECTED_LINKS = [
    (  # a single-article document whose catalog source is that article's page
        {
            "kind": "code",
            "article": "Article L3332-17-1",
            "title": "Code du travail, article L3332-17-1 : agrément « entreprise solidaire… »",
            "source": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006903144",
            "text_key": "code du travail",
        },
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006903144",
    ),
    (  # an article imported from Légifrance keeps its own page
        {
            "kind": "code",
            "article": "Article L2113-15",
            "url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730651",
            "source": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019",
        },
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730651",
    ),
    (  # a code article we hold no identifier for: the search by its number
        {
            "kind": "code",
            "article": "Article L2113-15",
            "title": "Code de la commande publique : SPASER, clauses sociales, marchés réservés",
            "source": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019",
            "text_key": "code de la commande publique",
        },
        "https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE"
        "&query=L2113-15",
    ),
    (
        {
            "kind": "code",
            "article": "Article R2113-7",
            "source": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019",
        },
        "https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE"
        "&query=R2113-7",
    ),
    (  # a code of several codes' articles, bare Légifrance source
        {
            "kind": "code",
            "article": "Article L521-3",
            "title": "Loi n° 2014-856 : articles de codes créés ou modifiés (version au 2 août 2014)",
            "source": "https://www.legifrance.gouv.fr",
            "text_key": "code rural et de la peche maritime",
        },
        "https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE"
        "&query=L521-3",
    ),
    (  # an article number without a letter: the code's own page
        {
            "kind": "code",
            "article": "Article 53",
            "title": "Code des marchés publics (2006), articles 14, 15 et 53",
            "source": "https://www.legifrance.gouv.fr",
            "text_key": "code des marches publics",
        },
        "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000005627819",
    ),
    (  # a law article: the law's page
        {
            "kind": "loi",
            "article": "Article 13",
            "title": "Loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire",
            "source": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296",
            "text_key": "2014-856",
        },
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296",
    ),
    (
        {
            "kind": "loi",
            "article": "Article 19 septies",
            "title": "Loi n° 47-1775 du 10 septembre 1947 portant statut de la coopération",
            "source": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004",
            "text_key": "47-1775",
        },
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004",
    ),
    (  # a law we hold no id for: its catalog page when it is a Légifrance text page
        {
            "kind": "loi",
            "article": "Article 3",
            "title": "Loi n° 2021-1104 du 22 août 2021",
            "source": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043956924",
            "text_key": "2021-1104",
        },
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000043956924",
    ),
    (  # nothing official to land on: no link rather than a search on our title
        {"kind": "loi", "article": "Article 3", "title": "Loi n° 2021-1104", "source": ""},
        None,
    ),
]


@pytest.mark.parametrize(("meta", "expected"), _EXPECTED_LINKS)
def test_a_cited_article_links_to_its_narrowest_legifrance_page(
    meta: dict[str, str], expected: str | None
) -> None:
    assert passage_link(PassageMeta.from_record(meta)) == expected


def test_references_in_a_note_link_to_the_article_or_its_text_not_to_a_free_search() -> None:
    text = (
        "L'article L. 2113-15 du code de la commande publique, l'article 13 de la loi n° 2014-856 "
        "du 31 juillet 2014 et la loi n° 47-1775 du 10 septembre 1947."
    )
    assert [r.link for r in find_references(text)] == [
        "https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE"
        "&query=L2113-15",
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296",
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004",
    ]


@pytest.mark.parametrize(
    ("meta", "label"),
    [
        (
            {
                "kind": "code",
                "article": "Article L521-3",
                "legal_text": "Code rural et de la pêche maritime",
                "date": "2014-08-02",
                "status": "historique",
            },
            "Code rural et de la pêche maritime, art. L521-3 (rédaction au 2 août 2014)",
        ),
        (
            {
                "kind": "code",
                "article": "Article L2113-15",
                "legal_text": "Code de la commande publique",
                "date": "2023-10-25",
                "status": "partiel",
            },
            "Code de la commande publique, art. L2113-15",
        ),
        (
            {"kind": "loi", "article": "Article 13", "legal_text": "Loi n° 2014-856"},
            "Loi n° 2014-856, art. 13",
        ),
        ({"kind": "fiche", "title": "Fiche SPASER", "article": ""}, "Fiche SPASER"),
    ],
)
def test_a_source_is_named_as_a_lawyer_cites_it(meta: dict[str, str], label: str) -> None:
    assert source_label(PassageMeta.from_record(meta)) == label


@pytest.mark.parametrize(
    ("question", "number", "text"),
    [
        ("Que dit l'article 13 de la loi ESS ?", "13", "2014-856"),
        ("art. 13 de la loi du 31 juillet 2014", "13", "2014-856"),
        ("art. 1er de la loi du 31/07/2014", "1", "2014-856"),
        ("l'article 1er de la loi n° 2014-856", "1", "2014-856"),
        ("Que dit l'article 13 de la loi SSE ?", "13", "2014-856"),
        ("L. 2113-15 du code de la commande publique", "l2113-15", "code de la commande publique"),
        ("L2113-15", "l2113-15", None),
        ("article 19 septies de la loi de 1947", "19 septies", "47-1775"),
        ("L3332-17-1 du code du travail", "l3332-17-1", "code du travail"),
        ("R2113-7", "r2113-7", None),
        ("art. 9-1 de la loi du 12/04/2000", "9-1", "2000-321"),
    ],
)
def test_every_form_of_a_reference_names_the_article_and_its_text(
    question: str, number: str, text: str | None
) -> None:
    assert [(r.number, r.text) for r in named_articles(question)] == [(number, text)]


@pytest.mark.parametrize(
    ("question", "rest"),
    [
        ("L. 2113-15 du code de la commande publique", ""),
        ("art 91 du code des marchés publics (édition 2006)", ""),
        ("Que dit l'article 13 de la loi relative à l'économie sociale et solidaire ?", "que dit"),
        (
            "L'article 13 de la loi ESS oblige-t-il les régions à adopter un schéma ?",
            "oblige-t-il les regions a adopter un schema",
        ),
    ],
)
def test_what_a_question_asks_of_the_article_it_names(question: str, rest: str) -> None:
    words = [w for w in re.findall(r"[\w-]+", without_references(question)) if len(w) > 3]
    assert " ".join(words) == " ".join(w for w in rest.split() if len(w) > 3)
