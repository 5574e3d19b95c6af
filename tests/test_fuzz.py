"""Property tests: no input crashes dyad; each gives a clear per-file error or an article.

Generated inputs cover random bytes in every format dyad reads, text in mixed encodings
(UTF-8, UTF-8/UTF-16 with byte-order marks, cp1252) with control characters, emoji and
right-to-left scripts, huge lines, deep and broken HTML, arbitrary JSON, odd date strings,
and (for the stages after parsing) generated news-like text through the real Pipeline,
stored and checked with `dyad check`. Example counts stay modest so the suite stays fast;
docs/reliability.md records how many inputs a run tries.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from dyad.errors import InputError
from dyad.pipeline import read_articles
from dyad.records import STATUSES, Article, ArticleResult, article_id_for
from dyad.stages.clean import clean
from dyad.stages.dates import parse_date
from dyad.stages.read import EXTENSIONS
from dyad.store.check import check_database
from dyad.store.store import Store

#: Examples per property; DYAD_FUZZ_EXAMPLES raises it for a longer manual run.
EXAMPLES = int(os.environ.get("DYAD_FUZZ_EXAMPLES", "60"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that break naive code: controls, BOM and zero-width marks, RTL scripts and
# marks, emoji (astral plane), combining accents, typographic quotes, line separators.
_ODD = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u00a0\u00ad\u200b\u200d\u200e\u200f\u202e\u2028"
    "\u2029\ufeff\ufffd\u0301\u0308“”‘’—–…€"
    "مرحبا بالعالم שלום עולם 😀🇰🇪👩‍👩‍👧🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
)
_WORDS = [
    "Kenya",
    "Uganda",
    "police",
    "protesters",
    "Nairobi",
    "met",
    "accused",
    "talks",
    "minister",
    "on",
    "Monday",
    "3",
    "March",
    "2024",
    "said",
    "the",
    "and",
    "of",
    "in",
    "to",
    "a",
    "rebels",
    "attacked",
    "signed",
    "agreement",
    "will",
    "visit",
    "next",
    "week",
]

odd_text = st.lists(
    st.one_of(
        st.sampled_from(_WORDS),
        st.text(alphabet=_ODD, min_size=1, max_size=4),
        st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", ". ", ".", "!?", ""]),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=6),
    ),
    max_size=80,
).map(" ".join)


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _assert_sound(items: list[Article | InputError], path: Path) -> list[Article]:
    """Every item is a clean article or an error naming the file; returns the articles."""
    articles = []
    for item in items:
        assert isinstance(item, Article | InputError), item
        if isinstance(item, InputError):
            assert item.path.startswith(str(path)), item
            assert item.reason and "\n" not in str(item)
            continue
        assert item.path and item.path.startswith(str(path))
        assert item.text.strip()
        assert item.article_id == article_id_for(item.text)
        original = item.original_text
        assert original is not None
        for seg in item.segments:  # cleaned text is copied from the text as read
            piece = item.text[seg.start : seg.start + seg.length]
            assert piece == original[seg.original_start : seg.original_start + seg.length]
        articles.append(item)
    return articles


def _read(path: Path, **kw: object) -> list[Article | InputError]:
    return list(read_articles([path], **kw))


# -- readers -----------------------------------------------------------------------------

_SUFFIXES = sorted(e for e in EXTENSIONS if e)


@FAST
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(_SUFFIXES))
def test_random_bytes_in_any_format(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), f"x{suffix}", data)
        _assert_sound(_read(path), path)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252"]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding, errors="replace" if encoding == "cp1252" else "strict")


@FAST
@given(text=odd_text, encoding=st.sampled_from(ENCODINGS))
def test_text_in_mixed_encodings_keeps_every_character(text: str, encoding: str) -> None:
    """Unicode-safe encodings are read back exactly (no mojibake), newlines normalised."""
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "x.txt", _encode(text, encoding))
        articles = _assert_sound(_read(path), path)
        if articles and encoding != "cp1252":
            expected = text.replace("\r\n", "\n").replace("\r", "\n")
            if encoding == "utf-8" and expected.startswith("\ufeff"):
                expected = expected[1:]  # a leading U+FEFF is the UTF-8 byte-order mark
            assert articles[0].original_text == expected


@FAST
@given(text=odd_text, repeat=st.integers(1, 40_000))
def test_huge_lines(text: str, repeat: int) -> None:
    """One line of up to a megabyte or so, with and without newlines around it."""
    line = (text.replace("\n", " ") + " word") * max(1, repeat // max(1, len(text)))
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "x.txt", ("Title\n\n" + line + "\n").encode())
        _assert_sound(_read(path), path)
        small = _read(path, max_bytes=1000)
        if path.stat().st_size > 1000:
            (error,) = small
            assert isinstance(error, InputError) and "over the limit of 1,000" in str(error)


_TAGS = ["div", "p", "span", "b", "table", "tr", "td", "article", "li", "script", "br", "!--"]

html_soup = st.lists(
    st.one_of(
        st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
        st.sampled_from(
            ["<", ">", "&", "&amp;", "&#0;", "&#xD800;", "<p class='", '"', "<![CDATA["]
        ),
        odd_text,
    ),
    max_size=60,
).map("".join)


@FAST
@given(body=html_soup, depth=st.integers(0, 3000), charset=st.sampled_from(["", "utf-8", "bogus"]))
def test_deep_or_broken_html(body: str, depth: int, charset: str) -> None:
    meta = f'<meta charset="{charset}">' if charset else ""
    html = f"<html><head>{meta}</head><body>{'<div>' * depth}{body}{'</div>' * depth}</body>"
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "x.html", html.encode("utf-8", "surrogatepass"))
        _assert_sound(_read(path), path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
article_objects = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(odd_text, json_values),
        "published": st.one_of(json_values, st.sampled_from(["2024-02-30", "yesterday", "0"])),
        "title": json_values,
        "url": json_values,
        "source": json_values,
        "extra": json_values,
    },
)


@FAST
@given(lines=st.lists(st.one_of(article_objects, json_values), max_size=8), junk=st.booleans())
def test_arbitrary_json_lines_and_lists(lines: list[object], junk: bool) -> None:
    rows = [json.dumps(x) for x in lines] + (["{broken", "\x00\x01"] if junk else [])
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = _write(Path(tmp), "x.jsonl", "\n".join(rows).encode())
        items = _read(jsonl)
        _assert_sound(items, jsonl)
        assert max(1, sum(1 for r in rows if r.strip())) == len(items)  # one per line
        listing = _write(Path(tmp), "x.json", json.dumps(lines).encode())
        _assert_sound(_read(listing), listing)


@FAST
@given(entries=st.lists(st.tuples(odd_text, html_soup, st.text(max_size=30)), max_size=5))
@example(entries=[("t", "<p>Talks.</p>\x01 held", "")])  # lxml refused the control character
def test_feeds_with_odd_entries(entries: list[tuple[str, str, str]]) -> None:
    from xml.sax.saxutils import escape

    items = "".join(
        f"<item><title>{escape(t)}</title><description>{escape(b)}</description>"
        f"<pubDate>{escape(d)}</pubDate></item>"
        for t, b, d in entries
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "x.rss", feed.encode("utf-8", "replace"))
        _assert_sound(_read(path), path)


# -- clean and dates ---------------------------------------------------------------------


@FAST
@given(text=odd_text)
def test_clean_maps_back_and_is_idempotent(text: str) -> None:
    article = clean(Article(article_id="", text=text, path="x.txt"))
    assert article.article_id == article_id_for(article.text)
    assert clean(article) is article
    for seg in article.segments:
        copied = article.text[seg.start : seg.start + seg.length]
        assert copied == text[seg.original_start : seg.original_start + seg.length]


@FAST
@given(
    value=st.one_of(
        odd_text, st.text(max_size=40), st.from_regex(r"\d{1,5}[-/. ]\d{1,5}[-/. ]\d{1,6}")
    )
)
def test_odd_date_strings_never_crash(value: str) -> None:
    found = parse_date(value)
    assert found is None or isinstance(found, date)


_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%A, %d %B %Y", "%d %b %Y", "%b. %d, %Y"]


@FAST
@given(day=st.dates(date(1950, 1, 1), date(2090, 12, 31)), fmt=st.sampled_from(_FORMATS))
def test_written_dates_parse_to_themselves(day: date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt)) == day


# -- the stages after parsing, through the real pipeline -----------------------------------

_CLAUSES = [
    "Kenyan police arrested {n} protesters in Nairobi",
    "the Ugandan foreign minister met her Kenyan counterpart",
    "Kenya accused Uganda of arming rebels",
    "rebels attacked a police station near Gulu",
    "Ethiopia will host talks with Kenya next month",
    "the UN did not condemn the raid",
    "Uganda may impose sanctions on Kenya",
    "the two governments signed an agreement",
    "President Ruto will visit Kampala",
    "officials said",
]
_WHEN = ["", "on Monday", "last week", "on 3 March 2024", "in 2023", "next year", "yesterday"]

sentences = st.builds(
    lambda clause, when, n, junk, end: f"{clause.format(n=n)} {when} {junk}".strip() + end,
    st.sampled_from(_CLAUSES),
    st.sampled_from(_WHEN),
    st.integers(0, 10_000),
    st.one_of(st.just(""), st.text(alphabet=_ODD, max_size=3), odd_text.map(lambda t: t[:30])),
    st.sampled_from([".", "!", "?", "", "...", ". .", ";", "\n\n"]),
)
news_text = st.lists(sentences, min_size=1, max_size=12).map(" ".join)


@pytest.mark.slow
@settings(
    max_examples=max(10, EXAMPLES * 2 // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(texts=st.lists(news_text, min_size=1, max_size=3), published=st.none() | st.dates())
def test_pipeline_stages_on_generated_news(pipeline, texts: list[str], published) -> None:
    """Generated articles go through every stage without failing, the evidence offsets
    point at the article text, and the stored result passes every integrity check."""
    articles = []
    for text in texts:
        article = clean(Article(article_id="", text=text, path="gen.txt", published=published))
        assume(article.text.strip())
        articles.append(article)
    results = list(pipeline.process(articles))
    assert all(isinstance(r, ArticleResult) for r in results), results
    for result in results:
        _assert_offsets(result)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "x.duckdb"
        with Store(db) as store:
            store.write_batch(results)
        report = check_database(db)
        assert report.ok, report.problems
        assert report.counts["articles"] == len({a.article_id for a in articles})


def _assert_offsets(result: ArticleResult) -> None:
    text = result.article.text
    for s in result.sentences:
        assert text[s.start : s.end] == s.text
    for actor in result.actors:
        assert text[actor.start : actor.end] == actor.text
    indexes = {s.index for s in result.sentences}
    for m in result.events:
        assert m.sentence_index in indexes
        assert text[m.start_char : m.end_char] == m.sentence
        assert text[m.trigger_start : m.trigger_end] == m.trigger
        assert m.start_char <= m.trigger_start < m.trigger_end <= m.end_char
        assert m.status in STATUSES
        assert 1 <= m.quad_class <= 4 and -10 <= m.goldstein <= 10
        if m.date:
            start = date.fromisoformat(m.date)
            assert m.date_end is None or date.fromisoformat(m.date_end) >= start


@pytest.mark.slow
def test_ten_megabyte_article_is_one_clear_error(tmp_path, pipeline) -> None:
    """A 10 MB article is read (at the default limit) but is over the parser's length:
    one error naming it, nothing stored, the database sound."""
    from dyad.api import ingest

    para = "Kenyan officials met Ugandan ministers in Kampala on Monday to discuss trade.\n\n"
    big = tmp_path / "big.txt"
    big.write_text(para * (9_999_000 // len(para)))
    (tmp_path / "small.txt").write_text(para)
    report = ingest([tmp_path], db=tmp_path / "x.duckdb", pipeline=pipeline)
    assert report.articles_added == 1
    (error,) = report.errors
    assert error.path.endswith("big.txt") and "over the parser's limit" in error.reason
    assert check_database(tmp_path / "x.duckdb").ok
