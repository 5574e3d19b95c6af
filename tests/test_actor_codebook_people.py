"""Named persons of people.yaml: office holders since 2016 code by the article's date."""

from __future__ import annotations

from datetime import date

import pytest

from dyad.api import text_article
from dyad.codebooks.actor_codebook import ActorCodebook


def test_person_aliases_are_unique_and_never_country_words() -> None:
    book = ActorCodebook.load()
    people = [entry for (section, _name), entry in book.named.items() if section == "people"]
    assert len(people) > 300
    for person in people:
        for alias in {person.name, *person.aliases}:
            assert book.names[alias][1] is person, f"{alias!r} of {person.name} means another"
            assert alias not in book.places, f"{alias!r} of {person.name} is a country word"


def actors(pipeline, text: str, published: date) -> dict[str, tuple[str | None, str | None]]:
    """Mention text -> (code, role) for the persons coded from the codebook."""
    result = pipeline.process_one(text_article(text, published=published))
    return {m.text: (m.code, m.role) for m in result.actors if m.resolved_by == "codebook"}


@pytest.mark.slow
def test_post_2016_leaders_code_by_their_role(pipeline) -> None:
    text = "Shehbaz Sharif received Sergey Lavrov in Islamabad. Lavrov praised the talks."
    found = actors(pipeline, text, date(2023, 5, 1))
    assert found["Shehbaz Sharif"] == ("PAK GOV", "Prime Minister")
    assert found["Sergey Lavrov"] == ("RUS GOV", "Foreign Minister")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("published", "truss", "starmer"),
    [
        (
            date(2022, 3, 1),
            ("GBR GOV", "Foreign Secretary"),
            ("GBR OPP", "Leader of the Opposition"),
        ),
        (date(2022, 10, 1), ("GBR GOV", "Prime Minister"), ("GBR OPP", "Leader of the Opposition")),
        (date(2024, 9, 1), ("GBR", None), ("GBR GOV", "Prime Minister")),
    ],
)
def test_role_depends_on_the_article_date(
    pipeline, published: date, truss: tuple[str, str | None], starmer: tuple[str, str | None]
) -> None:
    text = "Liz Truss and Keir Starmer clashed over sanctions on Russia in the Commons."
    found = actors(pipeline, text, published)
    assert found["Liz Truss"] == truss
    assert found["Keir Starmer"] == starmer
