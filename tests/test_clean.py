"""Clean stage: boilerplate rules, metadata lines, dateline, offsets back to the original."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyad.records import Article, article_id_for
from dyad.stages.clean import RULES, WIDGET_WARNING, clean
from dyad.stages.dates import parse_date

BODY = (
    "The foreign ministers of Chile and Peru met in Lima on Tuesday to discuss a "
    "dispute over fishing rights, officials said."
)
MORE = "Both sides agreed to meet again in May to review progress on the talks."


def cleaned(text: str, **fields: object) -> Article:
    return clean(Article(article_id="", text=text, **fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "line",
    [
        "Also Read | Neighbours trade blame over a border closure",
        "Also read: Opposition leader calls for early vote",
        "READ MORE:",
        "Related: Port strike ends after two days",
        "Related Posts",
        "LEAVE A REPLY",
        "Please enter your name here",
        "Please enter your comment!",
        "You have entered an incorrect email address!",
        "Top 5 This Week",
        "Popular Articles",
        "Most Read",
        "Trending",
        "Video",
        "Count : 25",
        "Published : Monday, 6 March, 2023 at 09:30 AM  Count : 12",
        "Share this:",
        "Share on Facebook",
        "Tweet",
        "WhatsApp",
        "Print",
        "Facebook Twitter WhatsApp Email",
        "Advertisement",
        "We use cookies to improve your experience on our site.",
        "Subscribe to our newsletter",
        "Follow us on Twitter",
        "© 2024 Example Times. All rights reserved.",
        "All rights reserved.",
        "The post Ministers meet in Lima appeared first on Example Times.",
        "Tags: trade, fisheries, Peru",
        # page chrome seen in real excerpts (issue 22), in words of our own
        "READ MORE:Port strike ends after two days",
        "Check Also",
        "Read the full story here.",
        "Continue reading",
        "• Follow us on",
        "• google-news",
        "- WhatsApp",
        "Get short URL",
        "Discuss as:",
        "Author: Jane Roe (Example Wire, AFP)",
        "Editor: Sam Doe",
        "(Reporting by Jane Roe; Editing by Sam Doe)",
        "— Jane Roe (@janeroe) May 5, 2025",
        "Kim Lee / AP",
        "Contributor/Getty Images",
        "(AP Photo/Sam Doe)",
        "Photo: Jane Roe",
        "calendarCalendar of Events",
        "searchSearch",
        "|",
        "184210",
        "6 hours ago",
        "2 days ago | 4 min read",
    ],
)
def test_boilerplate_line_is_dropped(line: str) -> None:
    article = cleaned(f"{BODY}\n\n{line}\n\n{MORE}\n")
    assert line not in article.text
    assert article.text == f"{BODY}\n\n{MORE}"


@pytest.mark.parametrize(
    "line",
    [
        "Officials said they would read the full report to parliament next week.",
        "Read more widely, the statement suggests a change of course.",
        "Related talks in Geneva ended without agreement on Friday.",
        "The video showed troops crossing the river at dawn.",
        "Print and broadcast journalists were barred from the hearing.",
        "Trending higher, food prices rose by five percent in March.",
        "Key Takeaways from the Meeting",
        "Comments by the minister angered opposition lawmakers.",
        "Share prices fell sharply after the announcement.",
        "Author and activist Jane Roe was detained in Lima on Monday.",
        "Reporting by state media could not be verified.",
        "Lima / Callao",
        "US / Peru",
        "A protester is treated for injuries near the ministry in Lima, Peru, March 3. (Photo: AP)",
        "Photographs of the meeting were released by the ministry on Monday.",
        "Continued talks are expected next week, a spokesman said.",
        "2,000 troops",
    ],
)
def test_content_line_survives(line: str) -> None:
    article = cleaned(f"{BODY}\n\n{line}\n\n{MORE}\n")
    assert line in article.text


def test_rules_have_unique_names() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


def test_long_line_is_never_dropped_by_a_rule() -> None:
    line = "Related: " + " ".join(["word"] * 40) + "."
    assert line in cleaned(f"{BODY}\n\n{line}\n").text


def test_date_line_followed_by_text_on_same_line() -> None:
    article = cleaned(f" date 2023-02-14 {BODY}\n\n{MORE}\n")
    assert article.published == date(2023, 2, 14)
    assert article.published_from == "date line"
    assert article.text.startswith("The foreign ministers")
    assert "date 2023" not in article.text


def test_date_line_followed_by_video_and_published_line() -> None:
    text = (
        " date 2023-02-05 Video\nTalks on water sharing resume next month\n\n"
        "Published : Sunday, 5 February, 2023 at 12:00 AM \xa0Count : 25\n"
        f"LIMA\n\n{BODY}\n{MORE}\n"
    )
    article = cleaned(text)
    assert article.published == date(2023, 2, 5)
    assert article.published_from == "date line"
    assert article.title == "Talks on water sharing resume next month"
    assert article.dateline == "Lima"
    assert article.text == f"{BODY}\n{MORE}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 12 March 2024", date(2024, 3, 12)),
        ("Updated March 3, 2024", date(2024, 3, 3)),
        ("Published : Monday, 6 March, 2023 at 09:30 AM  Count : 12", date(2023, 3, 6)),
        ("Posted on 2024-07-01 | 4 min read", date(2024, 7, 1)),
    ],
)
def test_published_line(line: str, expected: date) -> None:
    article = cleaned(f"{line}\n\n{BODY}\n")
    assert article.published == expected
    assert article.published_from == "published line"
    assert article.warnings == ()
    assert article.text == BODY


def test_bare_first_date_line_is_a_widget() -> None:
    article = cleaned(f"Tuesday, March 4, 2025\n\nTop 5 This Week\n\n{BODY}\n")
    assert article.published == date(2025, 3, 4)
    assert article.published_from == "page text"
    assert WIDGET_WARNING in article.warnings
    assert article.text == BODY


def test_date_line_wins_over_widget() -> None:
    article = cleaned(f" date 2024-02-01\nMonday, March 4, 2024\n\n{BODY}\n")
    assert article.published == date(2024, 2, 1)
    assert article.warnings == ()


def test_date_only_line_inside_body_is_kept() -> None:
    text = f"{BODY}\n\nMarch 4, 2024\n\n{MORE}\n"
    article = cleaned(text)
    assert "March 4, 2024" in article.text
    assert article.published is None


def test_known_date_is_not_replaced() -> None:
    day = date(2020, 1, 1)
    article = cleaned(f" date 2023-02-14 {BODY}\n", published=day, published_from="meta")
    assert (article.published, article.published_from) == (date(2020, 1, 1), "meta")
    assert article.text == BODY


@pytest.mark.parametrize(
    ("first", "city", "rest"),
    [
        (
            "QUITO — Ecuador and Peru pledged on Monday to reopen two crossings.",
            "Quito",
            "Ecuador and Peru",
        ),
        (
            "KARACHI, March 2 (Example Wire) – Port workers ended a strike on Saturday.",
            "Karachi",
            "Port workers",
        ),
        (
            "Washington D.C. – In a significant meeting, the two ministers met today.",
            "Washington D.C.",
            "In a significant",
        ),
        (
            "ISLAMABAD: The government announced new fuel prices on Friday evening.",
            "Islamabad",
            "The government",
        ),
        (
            "WASHINGTON, D.C. — The talks ended late on Thursday without a statement.",
            "Washington, D.C.",
            "The talks ended",
        ),
        (
            "NEW DELHI - Officials confirmed the visit of the delegation on Tuesday.",
            "New Delhi",
            "Officials confirmed",
        ),
    ],
)
def test_dateline_prefix(first: str, city: str, rest: str) -> None:
    article = cleaned(f"{first}\n\n{MORE}\n")
    assert article.dateline == city
    assert article.text.startswith(rest)


@pytest.mark.parametrize(
    "first",
    [
        "The minister – who arrived late – said the talks had gone well overall.",
        "Officials said: the border will reopen on Monday for all traffic.",
        "Pakistan-US talks will be held next month in the capital, officials said.",
        "US - China trade talks resumed in Geneva on Monday after a long pause.",
    ],
)
def test_no_false_dateline(first: str) -> None:
    article = cleaned(f"{first}\n\n{MORE}\n")
    assert article.dateline is None
    assert article.text.startswith(first)


def test_dateline_line_under_title() -> None:
    article = cleaned(f"Ministers Agree on River Plan\n\nWashington D.C.\n\n{BODY}\n")
    assert article.dateline == "Washington D.C."
    assert article.title == "Ministers Agree on River Plan"
    assert article.text == BODY


def test_byline_above_the_story_is_metadata() -> None:
    article = cleaned(f"Ministers Agree on River Plan\nBy Jane Doe and Sam Roe\n\n{BODY}\n")
    assert article.title == "Ministers Agree on River Plan"
    assert article.metadata == {"byline": "Jane Doe and Sam Roe"}
    assert article.text == BODY
    body_line = "By Tuesday the talks had collapsed, diplomats said."
    assert body_line in cleaned(f"{BODY}\n\n{body_line}\n").text


def test_outlet_signature_and_source_line() -> None:
    signed = cleaned(f"{BODY}\n\n{MORE}    NORDIC HERALD\n\n\n")
    assert signed.source == "NORDIC HERALD"
    assert signed.text == f"{BODY}\n\n{MORE}"
    sourced = cleaned(f"{BODY}\n\n{MORE}\n\nSource: Example Wire\n")
    assert sourced.source == "Example Wire"
    assert "Source" not in sourced.text
    kept = cleaned(f"{BODY}\n\n{MORE}\n", source="Given Outlet")
    assert kept.source == "Given Outlet"


def test_whitespace_is_normalised() -> None:
    article = cleaned(f"\n\n  {BODY}   \n\n\n\n\n{MORE}\t \n  \n")
    assert article.text == f"{BODY}\n\n{MORE}"


def test_article_id_is_hash_of_cleaned_text() -> None:
    plain = cleaned(f"{BODY}\n\n{MORE}\n")
    noisy = cleaned(f"Advertisement\n{BODY}\n\nAlso Read | Other story here\n\n{MORE}\nPrint\n")
    assert plain.article_id == noisy.article_id == article_id_for(plain.text)


def test_clean_twice_is_harmless() -> None:
    once = cleaned(f" date 2024-01-02 Video\nLIMA\n\n{BODY}\n\nLEAVE A REPLY\n")
    twice = clean(once)
    assert twice == once


def test_span_end_maps_before_removed_text() -> None:
    article = cleaned(f"{BODY}\n\nAdvertisement\n\n{MORE}\n")
    end = len(BODY)
    assert article.original_offset(end, end=True) == len(BODY)
    start = article.text.index("Both sides")
    assert article.original_text is not None
    assert article.original_text[article.original_offset(start) :].startswith("Both sides")


def test_parse_date_requires_day_month_year() -> None:
    assert parse_date("12 March 2024") == date(2024, 3, 12)
    assert parse_date("2024-02-30") is None
    assert parse_date("March 2024") is None
    assert parse_date("Monday") is None
    # relative to whoever reads the page, not a date the page gives
    assert parse_date("6 hours ago") is None
    assert parse_date("2 days ago") is None


_LINES = st.sampled_from(
    [
        "",
        "   ",
        " date 2023-02-14 Video",
        " date 2023-02-14 " + BODY,
        "Tuesday, March 4, 2025",
        "Published : Monday, 6 March, 2023 at 09:30 AM  Count : 12",
        "WASHINGTON",
        "Washington D.C. – In a meeting, the two ministers spoke for an hour today.",
        "Talks Resume Between the Two Neighbours",
        "By Jane Doe",
        "Also Read | Another story entirely",
        "LEAVE A REPLY",
        "Popular Articles",
        BODY,
        MORE + "   ",
        "  • A bullet point about trade and visas.",
        MORE + "    DAWN",
        "Source: Example Wire",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(_LINES, max_size=14),
    endings=st.lists(st.sampled_from(["\n", "\n\n", "\r\n", " \n"]), min_size=14, max_size=14),
)
def test_every_kept_character_maps_back(lines: list[str], endings: list[str]) -> None:
    text = "".join(line + end for line, end in zip(lines, endings, strict=False))
    article = cleaned(text)
    assert article.original_text == text
    for i, char in enumerate(article.text):
        assert text[article.original_offset(i)] == char
    assert "\n\n\n" not in article.text
    assert article.text == article.text.strip()
    assert clean(article) is article


@pytest.mark.parametrize(
    ("header", "dateline", "source"),
    [
        ("Harbour Wire | Staff reporter\n\nNAIROBI —", "Nairobi", "Harbour Wire"),
        ("Harbour Wire\n\nMOYALE, Kenya", "Moyale, Kenya", "Harbour Wire"),
        ("The Evening Ledger — Tokyo", "Tokyo", "The Evening Ledger"),
        ("Harbour Wire\n\nLima", "Lima", "Harbour Wire"),
        ("Evening Ledger", None, "Evening Ledger"),
    ],
)
def test_outlet_and_dateline_lines_under_title(header, dateline, source) -> None:
    article = cleaned(f"Ministers Agree on River Plan\n\n{header}\n\n{BODY}\n")
    assert article.title == "Ministers Agree on River Plan"
    assert article.dateline == dateline
    assert article.source == source
    assert article.text == BODY


def test_capitals_prefix_wins_over_an_outlet_line() -> None:
    article = cleaned(f"Ministers Agree on River Plan\n\nEvening Ledger\n\nGAO, Mali — {BODY}\n")
    assert article.dateline == "Gao, Mali"
    assert article.source == "Evening Ledger"
    assert article.text == BODY


def test_teaser_card_under_a_lone_label_goes_with_it() -> None:
    card = (
        "Check Also\n\nCoastal states sign a fishing accord in Quito\n\n"
        "Quito, Example Wire - The foreign ministers of Ecuador and Colombia said in a joint …\n"
    )
    article = cleaned(f"{BODY}\n\n{MORE}\n\n{card}")
    assert article.text == f"{BODY}\n\n{MORE}"
    # a label with its teaser on one line leaves the next paragraph alone
    article = cleaned(f"{BODY}\n\nRelated: Port strike ends\n\n{MORE}\n")
    assert article.text == f"{BODY}\n\n{MORE}"
    # under a lone label, a full paragraph is the story going on, not a card
    article = cleaned(f"{BODY}\n\nREAD MORE:\n\n{MORE}\n")
    assert article.text == f"{BODY}\n\n{MORE}"


def test_menus_above_the_headline_are_dropped() -> None:
    title = "Chile and Peru agree to talks on fishing rights"
    text = (
        "Top\nRegister\n12:54 GMT 25 February 2024\nLive\n"
        "Opinion Fact check Our newsletters Start the day informed ☀️\n\n"
        f"{title}\n\n{title}\n\n{BODY}\n\n{MORE}\n"
    )
    article = cleaned(text, title=title)
    assert article.title == title
    assert article.source is None  # a menu word is no outlet
    assert article.text == f"{BODY}\n\n{MORE}"
    # without a known title, the first headline-like line is the headline
    article = cleaned(f"6 hours ago 4\n\n{title}\n\n{BODY}\n")
    assert (article.title, article.text) == (title, BODY)


def test_a_photo_caption_above_the_headline_is_kept() -> None:
    title = "Chile and Peru agree to talks on fishing rights"
    caption = "Fishing boats are moored in the port of Callao, Peru, on March 3, 2024."
    text = f"Register\nSearch\n\n{caption}\n\n{title}\n\n{BODY}\n"
    article = cleaned(text, title=title)
    assert article.text == f"{caption}\n\n{title}\n\n{BODY}"


@pytest.mark.parametrize(
    "byline",
    ["By (AP)", "Jane Roe , Tuesday 22 Nov 2011", "By Jane Roe | March 3, 2024"],
)
def test_byline_forms_above_the_story(byline: str) -> None:
    title = "Chile and Peru agree to talks on fishing rights"
    article = cleaned(f"{title}\n{byline}\n\n{BODY}\n")
    assert article.text == BODY
    assert "byline" in article.metadata


def test_a_dateline_with_a_date_is_no_byline() -> None:
    title = "Chile and Peru agree to talks on fishing rights"
    article = cleaned(f"{title}\nLima, March 3, 2024\n\n{BODY}\n")
    assert "byline" not in article.metadata
