"""Read stage: every input format, every kind of bad input, and the seed articles."""

from __future__ import annotations

import io
import json
import os
import random
from datetime import date
from pathlib import Path

import pytest

from dyad.errors import InputError
from dyad.pipeline import read_articles
from dyad.records import Article
from dyad.stages.clean import NO_DATE_WARNING, WIDGET_WARNING
from dyad.stages.read import count_articles, iter_articles, read_html_bytes

DATA = Path(__file__).parent / "data" / "read"
NOISE = bytes(random.Random(1).randrange(128, 256) for _ in range(300))
BODY = (
    "The foreign ministers of Chile and Peru met in Lima on Tuesday to discuss a "
    "dispute over fishing rights, officials said."
)


def read_all(*inputs: str | Path, **options: object) -> list[Article | InputError]:
    """Read and clean, as every entry point does."""
    return list(read_articles(list(inputs), **options))


def test_reading_leaves_cleaning_to_the_clean_stage(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"Advertisement\n\n{BODY}\n", encoding="utf-8")
    (read,) = iter_articles([path])
    assert isinstance(read, Article)
    assert read.original_text is None and read.text.startswith("Advertisement")
    (cleaned,) = read_articles([path])
    assert isinstance(cleaned, Article)
    assert (cleaned.text, cleaned.original_text) == (BODY, read.text)


def one_article(*inputs: str | Path, **options: object) -> Article:
    items = read_all(*inputs, **options)
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def one_error(*inputs: str | Path, **options: object) -> InputError:
    items = read_all(*inputs, **options)
    assert len(items) == 1, items
    assert isinstance(items[0], InputError), items[0]
    return items[0]


# --- plain text -------------------------------------------------------------------------


def test_text_with_date_line_boilerplate_and_signature() -> None:
    path = DATA / "txt" / "story.txt"
    article = one_article(path)
    assert article.path == str(path)
    assert article.published == date(2024, 5, 6)
    assert article.published_from == "date line"
    assert article.source == "NORDIC HERALD"
    assert article.text.startswith("Chile and Norway agreed on Monday")
    assert "Officials said they would read the full text" in article.text
    for gone in ("Also Read", "LEAVE A REPLY", "Please enter", "NORDIC HERALD", "date 2024"):
        assert gone not in article.text
    assert article.warnings == ()


def test_text_with_published_line_title_and_dateline() -> None:
    article = one_article(DATA / "txt" / "published.txt")
    assert (article.published, article.published_from) == (date(2024, 3, 12), "published line")
    assert article.title == "Ministers Pledge Closer Border Cooperation"
    assert article.dateline == "Quito"
    assert article.text.startswith("Ecuador and Peru pledged")
    assert "Share this" not in article.text and "WhatsApp" not in article.text


def test_text_with_updated_line_and_source_line() -> None:
    article = one_article(DATA / "txt" / "updated.txt")
    assert (article.published, article.published_from) == (date(2024, 3, 3), "published line")
    assert article.dateline == "Karachi"
    assert article.source == "Example Wire"
    assert article.text.startswith("Port workers in the city")
    assert "Advertisement" not in article.text


def test_text_whose_only_date_is_a_widget() -> None:
    article = one_article(DATA / "txt" / "widget.txt")
    assert (article.published, article.published_from) == (date(2025, 3, 4), "page text")
    assert WIDGET_WARNING in article.warnings
    assert article.title == "Finance Ministers Meet to Discuss Trade Corridor"
    assert article.dateline == "Geneva"
    assert "Key Takeaways" in article.text
    for gone in ("Top 5", "Related Posts", "Popular Articles", "incorrect email"):
        assert gone not in article.text


def test_text_without_date_is_kept_with_warning() -> None:
    article = one_article(DATA / "txt" / "nodate.txt")
    assert article.published is None and article.published_from is None
    assert NO_DATE_WARNING in article.warnings
    assert article.text.startswith("Farmers in the northern valley")


def test_published_override() -> None:
    for item in read_all(DATA / "txt", published=date(2025, 1, 2)):
        assert isinstance(item, Article)
        assert (item.published, item.published_from) == (date(2025, 1, 2), "override")
        assert NO_DATE_WARNING not in item.warnings
        assert WIDGET_WARNING not in item.warnings


# --- HTML -------------------------------------------------------------------------------


def test_html_article() -> None:
    article = one_article(DATA / "html" / "article.html")
    assert (article.published, article.published_from) == (date(2024, 4, 18), "meta")
    assert article.title == "Coastal states sign fisheries pact"
    assert article.source == "Harbour Times"
    assert article.url == "https://harbour-times.example/world/coastal-states-sign-fisheries-pact"
    assert article.text.startswith("Senegal and Mauritania signed")
    assert "Nouakchott in October" in article.text
    for gone in ("Also read", "Subscribe", "All rights reserved", "Home", "Sport"):
        assert gone not in article.text


def test_html_date_from_url(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{BODY} Paragraph {n} adds more detail.</p>" for n in range(4))
    page = tmp_path / "page.htm"
    page.write_text(
        '<html><head><link rel="canonical" href="https://news.example/2024/05/03/talks">'
        f"</head><body><article>{paragraphs}</article></body></html>"
    )
    article = one_article(page)
    assert (article.published, article.published_from) == (date(2024, 5, 3), "url")


def test_truncated_html_is_an_error() -> None:
    error = one_error(DATA / "html" / "truncated.html")
    assert error.path.endswith("truncated.html")
    assert "no article text" in error.reason


def test_a_page_of_menus_and_links_is_no_article() -> None:
    links = "".join(f'<li><a href="/{x}">{x.upper()}</a></li>' for x in "abc")
    page = (
        "<html><head><title>World | The Courier</title></head>"
        f"<body><nav>{links}</nav><main><ul>{links}</ul></main></body></html>"
    )
    error = read_html_bytes(page.encode(), url="http://news.example/world")
    assert isinstance(error, InputError)
    assert error.reason == "no article text in the HTML (only menus, links or captions)"
    brief = page.replace("<main>", "<main><p>Ghana closed its border on Monday.</p>")
    assert isinstance(read_html_bytes(brief.encode(), url="http://news.example/b"), Article)


LEAD = "<p>Ghana and Togo agreed on Monday to patrol their shared border together.</p>"
AFTER = "<p>Burkina Faso welcomed the patrols and offered to send observers to Lome.</p>"


@pytest.mark.parametrize(
    ("broken", "what"),
    [
        ('<p>Benin said <a href="/benin>it would join</a> later.</p>', "attribute quote"),
        ("<p>Benin said it would join later.<!-- ad slot </p>", "comment opened on line 3"),
        ("<p>Benin said it would join later.<script>track();</p>", "<script> on line 3"),
        ("<p>Benin said it would join later.<style>p{}</p>", "<style> on line 3"),
        ("<p>Benin said it would join later.</p></body></html>", "text after </html>"),
    ],
)
def test_malformed_html_is_repaired_and_says_so(tmp_path: Path, broken: str, what: str) -> None:
    page = tmp_path / "broken.html"
    page.write_text(f"<html><body><article>\n{LEAD}\n{broken}{AFTER}</article></body></html>")
    article = one_article(page)
    assert "agreed on Monday to patrol" in article.text
    assert "offered to send observers to Lome." in article.text
    assert [w for w in article.warnings if w.startswith("malformed HTML repaired")] == [
        next(w for w in article.warnings if what in w)
    ]


def test_well_formed_html_has_no_repair_warning() -> None:
    article = one_article(DATA / "html" / "article.html")
    assert not [w for w in article.warnings if "malformed" in w]


def test_deeply_nested_html_is_read(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(f"<html><body>{'<div>' * 20_000}{LEAD}{AFTER}{'</div>' * 20_000}</body></html>")
    article = one_article(page)
    assert "shared border together." in article.text and "observers to Lome." in article.text
    assert any("nested more than 255 levels deep" in w for w in article.warnings)
    empty = tmp_path / "deep-empty.html"
    empty.write_text(f"<html><body>{'<div>' * 20_000}{'</div>' * 20_000}</body></html>")
    assert one_error(empty).reason == (
        "no article text in the HTML (elements nested more than 255 levels deep)"
    )


def test_same_story_as_text_and_html_gets_one_id(tmp_path: Path) -> None:
    html = one_article(DATA / "html" / "article.html")
    story = tmp_path / "copy.txt"
    story.write_text(
        " date 2024-04-18 Video\nCoastal states sign fisheries pact\n\n"
        + html.text.replace("\n", "\n\nAdvertisement\n\n")
        + "\n\nLEAVE A REPLY\n"
    )
    text = one_article(story)
    assert text.article_id == html.article_id
    assert text.text.split() == html.text.split()


# --- JSON Lines, JSON -------------------------------------------------------------------


def test_jsonl_good_broken_and_textless_lines() -> None:
    path = DATA / "jsonl" / "articles.jsonl"
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "InputError", "Article"]
    first, broken, textless, last = items
    assert isinstance(first, Article) and isinstance(last, Article)
    assert first.path == f"{path}#1"
    assert (first.published, first.published_from) == (date(2024, 6, 11), "jsonl")
    assert (first.title, first.source) == ("Island dispute settled", "Polar Post")
    assert first.url == "https://example.org/island"
    assert first.metadata == {"section": "world", "author": "A. Writer"}
    assert isinstance(broken, InputError) and broken.line == 2
    assert str(broken).startswith(f"[D100] {path}:2: broken JSON line")
    assert isinstance(textless, InputError) and textless.line == 3
    assert "'text'" in textless.reason
    assert last.path == f"{path}#5"
    assert last.published == date(2024, 6, 14)


def test_jsonl_is_streamed_with_a_limit_per_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    small = json.dumps({"text": BODY, "published": "2024-06-11T09:30:00+02:00"})
    large = json.dumps({"text": BODY * 20})
    path.write_text("\ufeff" + small + "\n" + large + "\n" + small + "\n")
    first, error, last = read_all(path, max_bytes=len(large) - 10)
    assert isinstance(first, Article) and first.published == date(2024, 6, 11)
    assert isinstance(error, InputError) and error.line == 2
    assert "over the limit" in error.reason
    assert isinstance(last, Article) and last.path == f"{path}#3"
    (tmp_path / "blank.jsonl").write_text("\n\n")
    assert one_error(tmp_path / "blank.jsonl").reason == "empty file"


def test_json_list(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"text": BODY, "date": "2024-01-09"}, {"title": "no text"}]))
    article, error = read_all(path)
    assert isinstance(article, Article) and article.path == f"{path}#1"
    assert article.published == date(2024, 1, 9)
    assert isinstance(error, InputError) and error.line == 2


def test_jsonl_with_bad_date_warns(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_text(json.dumps({"text": BODY, "published": "someday"}) + "\n")
    article = one_article(path)
    assert article.published is None
    assert any("someday" in w for w in article.warnings)
    assert NO_DATE_WARNING in article.warnings


# --- feeds ------------------------------------------------------------------------------


def test_rss_feed() -> None:
    path = DATA / "feeds" / "world.rss"
    first, second = read_all(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.path == f"{path}#1" and second.path == f"{path}#2"
    assert (first.published, first.published_from) == (date(2024, 5, 7), "feed")
    assert first.title == "Ministers meet over river dam"
    assert first.url == "https://news.example/world/river-dam"
    assert first.source == "Example World News"
    assert first.text == (
        "The water ministers of Egypt and Sudan met in Khartoum on Monday to discuss the "
        "filling of a dam upstream.\n\nThey agreed to meet again next month."
    )
    assert "<p>" not in second.text


def test_atom_feed() -> None:
    article = one_article(DATA / "feeds" / "world.atom")
    assert (article.published, article.published_from) == (date(2024, 5, 9), "feed")
    assert article.url == "https://atom.example/observers"
    assert article.text.startswith("A team of regional election observers")


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    path.write_text("<?xml version='1.0'?><inventory><item>bolts</item></inventory>")
    assert "not an RSS or Atom feed" in one_error(path).reason


def test_count_articles_for_progress(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.html").write_text(f"<p>{BODY}</p>")
    (tmp_path / "c.jsonl").write_text(f'{{"text": "{BODY}"}}\n\n{{"text": "x"}}\n')
    assert count_articles([tmp_path]) == 4
    assert count_articles([tmp_path / "a.txt", tmp_path / "missing.txt"]) == 2
    assert count_articles([tmp_path], skip_file=lambda p: p.endswith(".jsonl")) == 2
    assert count_articles(["-"]) is None
    (tmp_path / "d.json").write_text("[]")
    assert count_articles([tmp_path]) is None


# --- encodings and bad files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (("\ufeff" + BODY).encode("utf-8"), "utf8bom.txt"),
        (BODY.encode("utf-16"), "utf16.txt"),
        (BODY.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf16be.txt"),
        (BODY.encode("utf-16-le"), "utf16le-without-bom.txt"),
        (BODY.encode("utf-16-be"), "utf16be-without-bom.txt"),
    ],
)
def test_unicode_with_and_without_bom(tmp_path: Path, raw: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    assert one_article(path).text == BODY


def test_a_stray_nul_in_short_utf8_text_is_no_utf16(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(b"Talks on 12\x00")  # read as UTF-16 it would be three CJK letters
    assert one_error(path).reason == "binary file (contains NUL bytes), not text"


def test_cp1252_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    text = (
        "Caf\u00e9 owners \u2013 \u201cangry\u201d about taxes \u2013 marched in Lima.\r\n\r\nMore."
    )
    path.write_bytes(text.encode("cp1252"))
    article = one_article(path)
    assert article.text == text.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n\t ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary file"),
        (bytes(range(1, 31)) * 20, "binary file"),
        (NOISE, "undecodable"),
        (b"\xa2" * 300, "undecodable"),
        (b"\xff\xfe\x00\xd8", "undecodable"),
        (b"Advertisement\n\nLEAVE A REPLY\n", "no article text left"),
    ],
)
def test_bad_file_is_one_error(tmp_path: Path, raw: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(raw)
    error = one_error(path)
    assert error.path == str(path)
    assert reason in error.reason
    assert "\n" not in str(error)


def test_over_max_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(BODY * 10)
    assert "over the limit" in one_error(path, max_bytes=100).reason


def test_missing_path_unknown_extension_and_broken_link(tmp_path: Path) -> None:
    assert one_error(tmp_path / "nope.txt").reason == "no such file or directory"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert "unknown extension '.pdf'" in one_error(pdf).reason
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing-target.txt")
    assert one_error(link).reason == "broken symbolic link"


def test_directory_where_a_file_is_expected(tmp_path: Path) -> None:
    odd = tmp_path / "folder.txt"
    odd.mkdir()
    assert "no readable article files" in one_error(odd).reason


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(BODY)
    path.chmod(0)
    try:
        assert one_error(path).reason == "permission denied"
    finally:
        path.chmod(0o644)


def test_one_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    items = read_all(tmp_path / "empty.txt", DATA / "txt" / "story.txt")
    assert isinstance(items[0], InputError) and isinstance(items[1], Article)


# --- directories, globs, stdin ----------------------------------------------------------


def test_directory_recursion_is_sorted_and_skips_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text(BODY)
    (tmp_path / "a.txt").write_text(BODY + " First.")
    (tmp_path / "notes").write_text(BODY + " No extension.")
    (tmp_path / ".hidden.txt").write_text(BODY)
    (tmp_path / ".git" / "x.txt").write_text(BODY)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF")
    items = read_all(tmp_path)
    assert [i.path for i in items if isinstance(i, Article)] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "notes"),
        str(tmp_path / "b" / "z.txt"),
    ]


def test_paths_stay_as_the_user_typed_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    paths = [i.path for i in read_all("txt") if isinstance(i, Article)]
    assert paths == [
        os.path.join("txt", name)
        for name in ("nodate.txt", "published.txt", "story.txt", "updated.txt", "widget.txt")
    ]


def test_glob(tmp_path: Path) -> None:
    pattern = str(DATA / "txt" / "[su]*.txt")
    paths = [Path(i.path).name for i in read_all(pattern) if isinstance(i, Article)]
    assert paths == ["story.txt", "updated.txt"]
    assert "no readable file matches" in one_error(str(tmp_path / "*.txt")).reason


def test_stdin_text_and_jsonl() -> None:
    article = one_article("-", stdin=io.StringIO(f" date 2024-02-03 {BODY}\n"))
    assert article.path == "<stdin>"
    assert article.published == date(2024, 2, 3)
    lines = json.dumps({"text": BODY}) + "\n" + json.dumps({"text": BODY + " Again."}) + "\n"
    items = read_all("-", stdin=io.StringIO(lines))
    assert [i.path for i in items if isinstance(i, Article)] == ["<stdin>#1", "<stdin>#2"]


# --- the seed articles ------------------------------------------------------------------


def test_seed_articles(shared_dir: Path) -> None:
    gold = {
        row["article"]: row
        for row in map(
            json.loads, (shared_dir / "gold" / "seed_articles.jsonl").read_text().splitlines()
        )
    }
    items = read_all(shared_dir / "seeds")
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == len(items) == 5
    boilerplate = ("Also Read", "LEAVE A REPLY", "Popular Articles", "Top 5 This Week")
    for article in articles:
        assert article.path is not None
        expected = gold[Path(article.path).name]
        assert article.published == date.fromisoformat(expected["published"])
        assert expected["published_from"].startswith(article.published_from or "?") or (
            article.published_from == "page text" and "first line" in expected["published_from"]
        )
        assert (WIDGET_WARNING in article.warnings) == (article.published_from == "page text")
        for line in boilerplate:
            assert line not in article.text
        assert article.original_text is not None
        for i in range(0, len(article.text), 7):
            assert article.original_text[article.original_offset(i)] == article.text[i]
        # every substantive paragraph of the original survives, whole
        for para in article.original_text.split("\n"):
            if len(para.split()) >= 25:
                assert para.strip()[20:100] in article.text
    assert sum(a.published_from == "page text" for a in articles) == 1
    again = [i.article_id for i in read_all(shared_dir / "seeds") if isinstance(i, Article)]
    assert again == [a.article_id for a in articles]
    assert len(set(again)) == 5
