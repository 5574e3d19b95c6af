"""Read stage: files, directories, globs and stdin in; ``Article`` records out, as read.

Each input becomes zero or more articles. Problems with one input (an empty or binary
file, a broken JSON line, HTML without text, ...) are *yielded* as :class:`InputError`
values, never raised, so one bad file does not stop a batch of thousands. The clean
stage (`dyad.stages.clean`) comes next: only then is ``article_id`` the hash of the cleaned
text, the same whatever the container (txt, HTML, JSONL or feed);
`dyad.pipeline.read_articles` runs both.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import feedparser
import htmldate
import lxml.html
import trafilatura
from lxml.etree import ParserError

from dyad.errors import InputError
from dyad.records import Article
from dyad.settings import setting_value
from dyad.stages.dates import parse_date

__all__ = [
    "EXTENSIONS",
    "count_articles",
    "iter_articles",
    "max_bytes_setting",
    "read_html_bytes",
]


_TEXT = "text"
_HTML = "html"
_JSONL = "jsonl"
_JSON = "json"
_FEED = "feed"

#: File name endings dyad reads, and how.
EXTENSIONS: dict[str, str] = {
    ".txt": _TEXT,
    ".text": _TEXT,
    "": _TEXT,
    ".html": _HTML,
    ".htm": _HTML,
    ".xhtml": _HTML,
    ".jsonl": _JSONL,
    ".ndjson": _JSONL,
    ".json": _JSON,
    ".xml": _FEED,
    ".rss": _FEED,
    ".atom": _FEED,
}

#: JSON fields that fill Article fields; every other field goes to ``Article.metadata``.
_JSON_FIELDS = {
    "text": "text",
    "title": "title",
    "url": "url",
    "source": "source",
    "published": "published",
    "date": "published",
    "published_at": "published",
    "publish_date": "published",
}

#: Characters XML cannot hold: control characters other than tab and newlines, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_BLOCK_TAGS = frozenset(
    ["p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"]
)


def max_bytes_setting(value: int | None = None) -> int:
    """The size limit of one input file or JSON line: ``value``, else the
    ``DYAD_MAX_ARTICLE_BYTES`` environment variable, else 10 MB (`dyad.settings`)."""
    return int(setting_value("max_article_bytes", value))


def iter_articles(
    inputs: Sequence[str | Path],
    *,
    published: date | None = None,
    stdin: TextIO | None = None,
    max_bytes: int | None = None,
    skip_file: Callable[[str], bool] | None = None,
) -> Iterator[Article | InputError]:
    """Yield one Article (as read, not yet cleaned) per article found in ``inputs``, or an
    InputError.

    An input is a file, a directory (read recursively in sorted order, skipping hidden
    files and unknown extensions), a glob pattern, or "-" for ``stdin`` (plain text, or
    JSON Lines when it starts with "{"). ``published`` overrides any date found.
    ``max_bytes`` caps a file, a JSON line or stdin text (see `max_bytes_setting`);
    files for which ``skip_file(path)`` is true are not read at all.
    """
    limit = max_bytes_setting(max_bytes)
    for item in inputs:
        raw = str(item)
        if raw == "-":
            stream = stdin if stdin is not None else sys.stdin
            yield from _finish(_stdin(stream, limit), published)
            continue
        for path, error in _expand(raw):
            if error is not None:
                yield error
            elif skip_file is None or not skip_file(path):
                yield from _finish(_read_file(path, limit), published)


def count_articles(
    inputs: Sequence[str | Path], *, skip_file: Callable[[str], bool] | None = None
) -> int | None:
    """How many articles (or errors) reading ``inputs`` will yield, for a progress bar:
    one per text or HTML file or bad input, one per non-blank JSON line. None when that
    is not known without parsing (stdin, JSON lists, feeds)."""
    total = 0
    for item in inputs:
        if str(item) == "-":
            return None
        for path, error in _expand(str(item)):
            if error is not None or (skip_file is not None and skip_file(path)):
                total += error is not None
            elif _kind(path) in (_TEXT, _HTML):
                total += 1
            elif _kind(path) == _JSONL:
                try:
                    with open(path, "rb") as handle:
                        total += sum(1 for line in handle if line.strip()) or 1
                except OSError:
                    total += 1
            else:
                return None
    return total


def _stdin(stream: TextIO, max_bytes: int) -> Iterator[Article | InputError]:
    """stdin as JSON Lines (streamed, ``max_bytes`` per line) or one text article."""
    lead = ""
    while (char := stream.read(1)) and char.isspace() and len(lead) <= max_bytes:
        lead += char
    if char == "{":
        first = lead.rsplit("\n", 1)[-1] + char + stream.readline()
        lines = itertools.chain([first], stream)
        for number, line in enumerate(lines, start=1 + lead.count("\n")):
            size = len(line.encode("utf-8", "surrogatepass"))
            if size > max_bytes:
                reason = f"line is {size:,} bytes, over the limit of {max_bytes:,}"
                yield InputError("<stdin>", reason, line=number)
                continue
            yield from _jsonl_line("<stdin>", number, line)
        return
    data = lead + char + stream.read(max_bytes + 1)
    size = len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        yield InputError("<stdin>", f"input is over the limit of {max_bytes:,} bytes")
        return
    yield from _parse(_TEXT, "<stdin>", data)


def _finish(
    items: Iterator[Article | InputError], published: date | None
) -> Iterator[Article | InputError]:
    """Apply the date override."""
    for item in items:
        if published is not None and not isinstance(item, InputError):
            item = replace(item, published=published, published_from="override")
        yield item


def _expand(raw: str) -> Iterator[tuple[str, InputError | None]]:
    """Paths named by one input, as (path as the user would write it, error)."""
    path = Path(raw)
    if path.is_dir():
        found = False
        for child in _walk(path):
            found = True
            yield os.path.join(raw, child), None
        if not found:
            yield raw, InputError(raw, "directory holds no readable article files")
    elif path.is_symlink() and not path.exists():
        yield raw, InputError(raw, "broken symbolic link")
    elif path.exists():
        yield raw, None
    elif glob.has_magic(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        readable = [m for m in matches if Path(m).is_dir() or _kind(m) is not None]
        if not readable:
            yield raw, InputError(raw, "no readable file matches this pattern")
        for match in readable:
            yield from _expand(match)
    else:
        yield raw, InputError(raw, "no such file or directory")


def _walk(root: Path) -> Iterator[str]:
    """Readable files under ``root`` (relative, sorted), skipping hidden names."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and _kind(name) is not None:
                yield os.path.relpath(os.path.join(dirpath, name), root)


def _kind(name: str) -> str | None:
    return EXTENSIONS.get(Path(name).suffix.lower())


def _read_file(path: str, max_bytes: int) -> Iterator[Article | InputError]:
    kind = _kind(path)
    if kind is None:
        known = ", ".join(sorted(e for e in EXTENSIONS if e))
        yield InputError(path, f"unknown extension {Path(path).suffix!r} (dyad reads {known})")
        return
    if kind == _JSONL:  # streamed: a corpus file may be far larger than one article
        yield from _jsonl_file(path, max_bytes)
        return
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            yield InputError(path, f"file is {size:,} bytes, over the limit of {max_bytes:,}")
            return
        data = Path(path).read_bytes()
    except IsADirectoryError:
        yield InputError(path, "is a directory, not a file")
        return
    except PermissionError:
        yield InputError(path, "permission denied")
        return
    except OSError as err:
        yield InputError(path, f"cannot read: {err.strerror or err}")
        return
    if kind == _FEED:
        yield from _feed(path, data)
        return
    try:
        text = _decode(data)
    except ValueError as err:
        yield InputError(path, str(err))
        return
    yield from _parse(kind, path, text)


def read_html_bytes(
    data: bytes, *, url: str, charset: str | None = None, published: date | None = None
) -> Article | InputError:
    """A downloaded web page as an Article, read exactly as an .html file would be.

    ``url`` becomes the article's path (and its URL unless the page names a canonical
    one); ``charset`` is the encoding the server declared, tried before guessing.
    """
    try:
        text = _decode(data, charset)
    except ValueError as err:
        return InputError(url, str(err))
    return next(_finish(iter([_html(url, text, url=url)]), published))


def _decode(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16/32 with BOM, else the detected charset.

    Raises ValueError naming the reason for empty, binary or undecodable data. Newlines
    are normalised to LF (``original_text`` offsets refer to the normalised text).
    """
    if not data.strip():
        raise ValueError("empty file")
    text: str | None = None
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise ValueError(
                    f"undecodable: invalid {codec} after its byte-order mark"
                ) from None
            break
    if text is None and b"\x00" in data[:8192]:
        text = _utf16_without_bom(data)
        if text is None:
            raise ValueError("binary file (contains NUL bytes), not text")
    if text is None:
        text = _decode_guess(data, charset)
        if text is not None and _mostly_control(text):
            raise ValueError("binary file (mostly control characters), not text")
        if text is None or _mostly_symbols(text):
            raise ValueError("undecodable: not UTF-8 and no text encoding fits")
    if _mostly_control(text):
        raise ValueError("binary file (mostly control characters), not text")
    if not text.strip():
        raise ValueError("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text that lacks its byte-order mark: the NUL bytes of its Latin letters
    all fall on odd offsets (little-endian) or all on even ones (big-endian), and there
    are many of them (one stray NUL in a short UTF-8 text is no UTF-16)."""
    sample = data[:8192]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if len(data) % 2 or min(odd, even) > len(sample) // 100 or 4 * max(odd, even) < len(sample):
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        raise ValueError(
            "undecodable: looks like UTF-16 without a byte-order mark, but is not valid UTF-16"
        ) from None
    return None if _mostly_symbols(text) else text


def _decode_guess(data: bytes, charset: str | None = None) -> str | None:
    """UTF-8, else the declared charset (servers often declare a wrong one), else a guess."""
    for codec in ("utf-8", charset) if charset else ("utf-8",):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it comes with requests/trafilatura
        best = None
    else:
        best = from_bytes(data, cp_isolation=None).best()
    if best is not None and best.encoding and not best.encoding.startswith(("utf_16", "utf_32")):
        return str(best)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _mostly_symbols(text: str) -> bool:
    """A guessed decoding that yields few letters or digits is a wrong guess."""
    visible = [ch for ch in text[:8192] if not ch.isspace()]
    return sum(ch.isalnum() for ch in visible) < len(visible) // 2


def _mostly_control(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return control > max(8, len(sample) // 20)


def _parse(kind: str, path: str, text: str) -> Iterator[Article | InputError]:
    if kind == _TEXT:
        yield Article(article_id="", text=text, path=path)
    elif kind == _HTML:
        yield _html(path, text)
    elif kind == _JSONL:
        yield from _jsonl(path, text)
    else:
        yield from _json(path, text)


#: A page whose every line is shorter than this (a menu, a list of links) is no article.
MIN_SENTENCE_WORDS = 4


def _html(path: str, html: str, *, url: str | None = None) -> Article | InputError:
    """Main text by trafilatura, publication date by htmldate (meta first, then page).

    ``url`` is where the page was downloaded from, when it was."""
    doc = _main_text(html, url)
    warnings: tuple[str, ...] = ()
    repaired, breaks = repair_html(html)
    if breaks:
        # A break in the markup hides the rest of the page from the parser, as it would
        # from a browser: read the repaired page, and say what was repaired.
        fixed = _main_text(repaired, url)
        if len(fixed.get("text") or "") > len(doc.get("text") or ""):
            doc = fixed
            warnings = (f"malformed HTML repaired ({'; '.join(breaks)}); check the text",)
        else:
            warnings = (f"malformed HTML ({'; '.join(breaks)}); text after it may be missing",)
    text = (doc.get("text") or "").strip()
    if not text:
        why = "; ".join(breaks) or "truncated, or not an article page"
        return InputError(path, f"no article text in the HTML ({why})")
    if not any(len(line.split()) >= MIN_SENTENCE_WORDS for line in text.splitlines()):
        return InputError(path, "no article text in the HTML (only menus, links or captions)")
    url = doc.get("url") or url or None
    published, how = _html_date(html, url)
    return Article(
        article_id="",
        text=text,
        path=path,
        title=doc.get("title") or None,
        url=url,
        source=doc.get("sitename") or doc.get("hostname") or None,
        published=published,
        published_from=how,
        warnings=warnings,
    )


def _main_text(html: str, url: str | None) -> dict[str, Any]:
    doc = _extract(html, url=url, favor_precision=True)
    if not doc.get("text"):  # precision mode drops too much on short pages
        doc = _extract(html, url=url, favor_recall=True)
    return doc


# Breaks after which an HTML parser (and a browser) sees no more text: a comment or a
# raw-text element never closed, an attribute quote never closed, an early </html>.
_RAW_TEXT = re.compile(r"<(script|style|textarea|title|xmp)\b[^>]*>", re.I)
_OPEN_QUOTE = re.compile(r"""(=\s*(["']))([^"'<>]*)(?=>[^"']*<)""")
_EARLY_END = re.compile(r"</(?:body|html)\s*>(?!(?:\s|<!--.*?-->|</html\s*>)*$)", re.I | re.S)


def repair_html(html: str) -> tuple[str, list[str]]:
    """``html`` with the breaks that hide the rest of a page closed where they most
    likely end, and a description of each break (empty when there was none)."""
    breaks: list[str] = []

    def line(at: int) -> int:
        return html.count("\n", 0, at) + 1

    last_close = html.rfind("-->")
    opened = html.find("<!--", last_close + 3 if last_close >= 0 else 0)
    if opened >= 0:  # a comment opened after the last "-->" runs to the end of the page
        breaks.append(f"comment opened on line {line(opened)} never closed")
        end = html.find(">", opened + 4)
        html = html[:opened] + (html[end + 1 :] if end >= 0 else "")
    for element in reversed(list(_RAW_TEXT.finditer(html))):
        name = element.group(1).lower()
        if re.compile(rf"</{name}\s*>", re.I).search(html, element.end()):
            continue
        breaks.append(f"<{name}> on line {line(element.start())} never closed")
        next_tag = re.compile(r"<[a-zA-Z/!]").search(html, element.end())
        at = next_tag.start() if next_tag else len(html)
        html = f"{html[:at]}</{name}>{html[at:]}"
    quotes = list(_OPEN_QUOTE.finditer(html))
    for quote in reversed(quotes):
        html = f"{html[: quote.end()]}{quote.group(2)}{html[quote.end() :]}"
    if quotes:
        breaks.append(f"attribute quote on line {line(quotes[0].start())} never closed")
    if _EARLY_END.search(html):
        breaks.append("text after </html>")
        html = _EARLY_END.sub("", html)
    if _too_deep(html):
        breaks.append(f"elements nested more than {_PARSER_DEPTH} levels deep")
        html = _CONTAINER.sub("", html)
    return html, breaks


_PARSER_DEPTH = 255  # libxml2 drops everything nested deeper than this
_CONTAINER = re.compile(r"</?(?:div|span|section|font|center)\b[^>]*>", re.I)


def _too_deep(html: str) -> bool:
    parser = lxml.html.HTMLParser()
    try:
        lxml.html.document_fromstring(html, parser=parser)
    except ParserError:
        return False
    return any("Excessive depth" in error.message for error in parser.error_log)


def _extract(
    html: str,
    *,
    url: str | None = None,
    favor_precision: bool = False,
    favor_recall: bool = False,
) -> dict[str, Any]:
    """trafilatura's text and metadata as a dict (empty when the page cannot be parsed)."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            favor_precision=favor_precision,
            favor_recall=favor_recall,
        )
    except (ParserError, ValueError):
        return {}
    if doc is None:
        return {}
    return doc if isinstance(doc, dict) else doc.as_dict()


def _html_date(html: str, url: str | None) -> tuple[date | None, str | None]:
    html = _NOT_XML.sub("", html)  # lxml refuses such text (ValueError)
    quick = htmldate.find_date(
        html, extensive_search=False, original_date=True, url=url, deferred_url_extractor=True
    )
    if quick:
        day = date.fromisoformat(quick)
        in_url = bool(url and re.search(rf"{day.year}\D?{day.month:02d}\D?{day.day:02d}", url))
        return day, "url" if in_url else "meta"
    found = htmldate.find_date(html, extensive_search=True, original_date=True, url=url)
    return (date.fromisoformat(found), "page text") if found else (None, None)


def _jsonl(path: str, text: str) -> Iterator[Article | InputError]:
    for number, line in enumerate(text.split("\n"), start=1):
        yield from _jsonl_line(path, number, line)


def _jsonl_file(path: str, max_bytes: int) -> Iterator[Article | InputError]:
    """JSON Lines read line by line (UTF-8, as the format requires); ``max_bytes`` per line."""
    seen_text = False
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if len(raw) > max_bytes:
                    reason = f"line is {len(raw):,} bytes, over the limit of {max_bytes:,}"
                    yield InputError(path, reason, line=number)
                    continue
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield InputError(path, "undecodable: JSON Lines must be UTF-8", line=number)
                    continue
                seen_text = seen_text or bool(line.strip())
                yield from _jsonl_line(path, number, line)
    except IsADirectoryError:
        yield InputError(path, "is a directory, not a file")
    except PermissionError:
        yield InputError(path, "permission denied")
    except OSError as err:
        yield InputError(path, f"cannot read: {err.strerror or err}")
    else:
        if not seen_text:
            yield InputError(path, "empty file")


def _jsonl_line(path: str, number: int, line: str) -> Iterator[Article | InputError]:
    if not line.strip():
        return
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        yield InputError(path, f"broken JSON line: {err.msg} (column {err.colno})", line=number)
        return
    yield _json_article(path, number, obj)


def _json(path: str, text: str) -> Iterator[Article | InputError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield InputError(path, f"broken JSON: {err.msg} (column {err.colno})", line=err.lineno)
        return
    items = data if isinstance(data, list) else [data]
    for number, obj in enumerate(items, start=1):
        yield _json_article(path, number, obj)


def _json_article(path: str, number: int, obj: Any) -> Article | InputError:
    """One JSON object (a JSONL line or an element of a .json list) as an Article."""
    if not isinstance(obj, dict):
        return InputError(path, "not a JSON object", line=number)
    fields: dict[str, Any] = {}
    metadata: dict[str, object] = {}
    for key, value in obj.items():
        target = _JSON_FIELDS.get(key)
        if target and target not in fields:
            fields[target] = value
        else:
            metadata[key] = value
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        return InputError(path, "no 'text' field (a non-empty string is required)", line=number)
    warnings: tuple[str, ...] = ()
    published: date | None = None
    raw_date = fields.get("published")
    if raw_date not in (None, ""):
        published = parse_date(str(raw_date))
        if published is None:
            warnings = (f"unparseable 'published' value {str(raw_date)[:40]!r}",)
    return Article(
        article_id="",
        text=text.replace("\r\n", "\n"),
        path=f"{path}#{number}",
        title=_opt_str(fields.get("title")),
        url=_opt_str(fields.get("url")),
        source=_opt_str(fields.get("source")),
        published=published,
        published_from="jsonl" if published else None,
        metadata=metadata,
        warnings=warnings,
    )


def _opt_str(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _feed(path: str, data: bytes) -> Iterator[Article | InputError]:
    """RSS or Atom: each entry is an article (``path#N``, N counting entries from 1)."""
    if not data.strip():
        yield InputError(path, "empty file")
        return
    parsed = feedparser.parse(data)
    if not parsed.get("version") or not parsed.entries:
        reason = "not an RSS or Atom feed (no entries found)"
        if parsed.get("bozo"):
            reason += f": {parsed.get('bozo_exception')}"
        yield InputError(path, reason)
        return
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        contents = entry.get("content") or []
        body = contents[0].get("value", "") if contents else entry.get("summary", "")
        text = _html_to_text(body)
        if not text:
            yield InputError(path, "feed entry has no text", line=number)
            continue
        # dict.get: feedparser's own get maps a missing key to the other one, with a warning
        stamp: time.struct_time | None = dict.get(entry, "published_parsed") or dict.get(
            entry, "updated_parsed"
        )
        published = date(*stamp[:3]) if stamp else None
        source = entry.get("source", {}).get("title") if entry.get("source") else None
        yield Article(
            article_id="",
            text=text,
            path=f"{path}#{number}",
            title=entry.get("title") or None,
            url=entry.get("link") or None,
            source=source or outlet,
            published=published,
            published_from="feed" if published else None,
            metadata={"entry_id": entry["id"]} if entry.get("id") else {},
        )


def _html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, one paragraph per block element."""
    if "<" not in fragment:
        return fragment.strip()
    fragment = _NOT_XML.sub("", fragment)  # lxml refuses such text (ValueError)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    paragraphs = (re.sub(r"[ \t\xa0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
