"""Syndicated copies: an article that near-duplicates one already processed is built from
that article's result instead of being parsed again.

One wire story reaches a feed many times over, each outlet adding a byline, a headline of
its own or a closing line, and parsing is most of what ingest costs. So a copy costs a
MinHash and a paragraph alignment: the paragraphs it shares with its original keep the
original's sentences, actors and event mentions, moved onto the copy's offsets and with
the ids a parse of the copy would give them; only the paragraphs that differ are parsed,
on their own. The shortcut is taken only where it gives what a parse would: the same
publication date and dateline (dates and places are resolved against them), most of the
text shared, paragraphs of its own that name no actor (a byline, an outlet's closing
line: nothing the stages carry from one sentence to the next), and no kept mention
leaning on a paragraph the copy changed. Otherwise the copy is parsed whole, as any
article.
"""

from __future__ import annotations

import difflib
import re
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from typing import Protocol

from dyad.errors import InputError
from dyad.pipeline import Processor
from dyad.records import (
    ActorMention,
    Article,
    ArticleResult,
    EventMention,
    Sentence,
    mention_id,
)
from dyad.stages.link import LinkSettings, NearDuplicates, minhash_signature

__all__ = ["CopyPlan", "CopyShortcut", "StoredOriginals", "plan_copy"]

# A blank line (with the whitespace around it) separates paragraphs; the parser starts a
# sentence after each one, so no sentence spans two paragraphs.
_BREAK = re.compile(r"\s*\n[^\S\n]*\n\s*")
# Share of a copy's paragraph text that must come from the original for the shortcut.
MIN_SHARED = 0.5


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph's text, without the whitespace around it."""
    out, position = [], len(text) - len(text.lstrip())
    for gap in _BREAK.finditer(text, position):
        if gap.start() > position:
            out.append((position, gap.start()))
        position = gap.end()
    end = len(text.rstrip())
    if end > position:
        out.append((position, end))
    return out


@dataclass(frozen=True, slots=True)
class _Moves:
    """Paragraphs of a source text found in the copy: ``(start, end, to)`` says the
    source's ``text[start:end]`` is the copy's ``text[to:to + end - start]``."""

    spans: tuple[tuple[int, int, int], ...]

    def delta(self, start: int, end: int) -> int | None:
        """How far a source span moves, or None when no one paragraph holds it."""
        for lo, hi, to in self.spans:
            if lo <= start and end <= hi:
                return to - lo
        return None


@dataclass(frozen=True, slots=True)
class CopyPlan:
    """How to build a copy's result: which of the original's paragraphs it keeps
    (``kept``), and the paragraphs of its own to parse (``part``, an article made of them
    alone, with ``part_moves`` onto the copy; None when there are none)."""

    copy: Article
    kept: _Moves
    part: Article | None
    part_moves: _Moves

    def assemble(self, original: ArticleResult, part: ArticleResult | None) -> ArticleResult | None:
        """The copy's result from its original's and its own parsed part; None when the
        copy must be parsed whole: its part names an actor or an event (read alone, it
        would miss what the paragraphs before tell it, and the paragraphs after would
        miss it), or a mention of a kept paragraph leans on one the copy does not have."""
        if part is not None and (part.actors or part.events):
            return None
        pieces = [_moved(original, self.kept, self.copy.text)]
        if part is not None:
            pieces.append(_moved(part, self.part_moves, self.copy.text))
        if any(p is None for p in pieces):
            return None
        starts = sorted(s.start for p in pieces if p for s in p[0].values())
        index = {start: i for i, start in enumerate(starts)}
        sentences, actors, events = [], [], []
        aid = self.copy.article_id
        for piece in pieces:
            assert piece is not None
            moved_sentences, moved_actors, moved_events = piece
            renumber = {old: index[s.start] for old, s in moved_sentences.items()}
            sentences += [replace(s, index=renumber[old]) for old, s in moved_sentences.items()]
            actors += [replace(a, sentence_index=renumber[a.sentence_index]) for a in moved_actors]
            for m in moved_events:
                src, tgt = (
                    None if a is None else replace(a, sentence_index=renumber[a.sentence_index])
                    for a in (m.source, m.target)
                )
                i = renumber[m.sentence_index]
                events.append(
                    replace(
                        m,
                        mention_id=mention_id(
                            aid,
                            i,
                            m.trigger_start,
                            m.trigger_end,
                            src.code if src else None,
                            tgt.code if tgt else None,
                            m.plover,
                        ),
                        article_id=aid,
                        sentence_index=i,
                        source=src,
                        target=tgt,
                    )
                )
        return ArticleResult(
            article=self.copy,
            sentences=tuple(sorted(sentences, key=lambda s: s.index)),
            actors=tuple(sorted(actors, key=lambda a: (a.start, a.end))),
            events=tuple(sorted(events, key=lambda m: (m.sentence_index, m.trigger_start))),
        )


def _moved(
    result: ArticleResult, moves: _Moves, text: str
) -> tuple[dict[int, Sentence], list[ActorMention], list[EventMention]] | None:
    """The result's sentences (by their old index), actors and mentions that lie in the
    moved paragraphs, with offsets in ``text``; None when a kept mention has an actor
    outside them."""
    sentences: dict[int, Sentence] = {}
    deltas: dict[int, int] = {}
    for s in result.sentences:
        content_end = s.start + len(s.text.rstrip())
        delta = moves.delta(s.start, content_end)
        if delta is None:
            continue
        start, end = s.start + delta, content_end + delta
        sentences[s.index] = Sentence(index=s.index, start=start, end=end, text=text[start:end])
        deltas[s.index] = delta

    def actor(a: ActorMention) -> ActorMention | None:
        delta = deltas.get(a.sentence_index)
        if delta is None:
            return None
        return replace(a, start=a.start + delta, end=a.end + delta, token_start=-1, token_end=-1)

    actors = [moved for a in result.actors if (moved := actor(a)) is not None]
    events = []
    for m in result.events:
        sentence = sentences.get(m.sentence_index)
        if sentence is None:
            continue
        sides = [actor(a) if a is not None else None for a in (m.source, m.target)]
        if any(
            a is not None and b is None for a, b in zip((m.source, m.target), sides, strict=True)
        ):
            return None
        delta = deltas[m.sentence_index]
        events.append(
            replace(
                m,
                sentence=sentence.text,
                start_char=sentence.start,
                end_char=sentence.end,
                trigger_start=m.trigger_start + delta,
                trigger_end=m.trigger_end + delta,
                source=sides[0],
                target=sides[1],
                event_id=None,
            )
        )
    return sentences, actors, events


def plan_copy(original: Article, copy: Article) -> CopyPlan | None:
    """How ``copy`` can be built from ``original``'s result, or None when it must be
    parsed: another publication date, dateline or language, or less than ``MIN_SHARED``
    of its text in paragraphs the original has."""
    same_setting = (original.published, original.dateline, original.language) == (
        copy.published,
        copy.dateline,
        copy.language,
    )
    if not same_setting:
        return None
    ours, theirs = _paragraphs(copy.text), _paragraphs(original.text)
    matcher = difflib.SequenceMatcher(
        None,
        [original.text[a:b] for a, b in theirs],
        [copy.text[a:b] for a, b in ours],
        autojunk=False,
    )
    kept: list[tuple[int, int, int]] = []
    shared = [False] * len(ours)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            (lo, hi), (to, _) = theirs[block.a + k], ours[block.b + k]
            kept.append((lo, hi, to))
            shared[block.b + k] = True
    total = sum(b - a for a, b in ours)
    if (
        not total
        or sum(b - a for (a, b), s in zip(ours, shared, strict=True) if s) < MIN_SHARED * total
    ):
        return None
    own = [span for span, s in zip(ours, shared, strict=True) if not s]
    if not own:
        return CopyPlan(copy, _Moves(tuple(kept)), None, _Moves(()))
    pieces, moves, position = [], [], 0
    for a, b in own:
        pieces.append(copy.text[a:b])
        moves.append((position, position + b - a, a))
        position += b - a + 2
    part = replace(copy, text="\n\n".join(pieces), original_text=None, segments=())
    return CopyPlan(copy, _Moves(tuple(kept)), part, _Moves(tuple(moves)))


class StoredOriginals(Protocol):
    """What the shortcut asks of the database: for articles by their MinHash signature
    and publication date, the stored result of an article each one copies."""

    def originals(
        self, signatures: Mapping[str, bytes], published: Mapping[str, date | None]
    ) -> dict[str, ArticleResult]: ...


@dataclass(slots=True)
class _Entry:
    article: Article
    plan: CopyPlan | None = None
    original: ArticleResult | str | None = None  # a stored result, or an id of this run
    parsing: bool = False  # waiting for the inner processor
    parsed: ArticleResult | InputError | None = None  # the article's, or its part's
    result: ArticleResult | InputError | None = None


class CopyShortcut:
    """A processor that builds copies from their originals and has ``inner`` parse the
    rest; results come in input order, as ``inner``'s do.

    Originals are looked for among the stored articles (``stored``, asked once per
    ``chunk`` of articles) and the last ``memory`` articles of this run (enough for those
    read but not yet stored).
    """

    def __init__(
        self,
        inner: Processor,
        stored: StoredOriginals | None = None,
        settings: LinkSettings | None = None,
        *,
        chunk: int = 64,
        memory: int = 1024,
    ) -> None:
        self.inner = inner
        self.stored = stored
        self.settings = settings or LinkSettings()
        self.chunk = chunk
        self.memory = memory
        self.copies = 0  # articles built from an original

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]:
        queue: deque[_Entry] = deque()
        waiting: deque[_Entry] = deque()
        done: OrderedDict[str, _Entry] = OrderedDict()  # this run's results, by article id
        index = NearDuplicates(self.settings)

        def route(
            article: Article, signature: bytes | None, stored: ArticleResult | None
        ) -> _Entry:
            nonlocal index
            entry = _Entry(article)
            if len(index) >= self.memory:
                index = NearDuplicates(self.settings)
            same = index.add_signature(article.article_id, signature, article.published)
            original = done.get(same) if same else None
            if stored is not None:
                entry.plan, entry.original = plan_copy(stored.article, article), stored
            elif original is not None:
                entry.plan = plan_copy(original.article, article)
                entry.original = original.article.article_id
            done[article.article_id] = entry
            while len(done) > self.memory:
                done.popitem(last=False)
            return entry

        def feed() -> Iterator[Article]:
            stream = iter(articles)
            while chunk := list(islice(stream, self.chunk)):
                signatures = {a.article_id: minhash_signature(a.text, self.settings) for a in chunk}
                known = {k: v for k, v in signatures.items() if v is not None}
                published = {a.article_id: a.published for a in chunk}
                stored = self.stored.originals(known, published) if self.stored and known else {}
                for article in chunk:
                    entry = route(
                        article, signatures[article.article_id], stored.get(article.article_id)
                    )
                    queue.append(entry)
                    todo = entry.article if entry.plan is None else entry.plan.part
                    if todo is not None:
                        entry.parsing = True
                        waiting.append(entry)
                        yield todo

        def ready() -> Iterator[ArticleResult | InputError]:
            while queue and not queue[0].parsing:
                entry = queue.popleft()
                entry.result = self._finish(entry, done)
                yield entry.result

        for parsed in self.inner.process(feed()):
            entry = waiting.popleft()
            entry.parsed, entry.parsing = parsed, False
            yield from ready()
        yield from ready()

    def _finish(self, entry: _Entry, done: Mapping[str, _Entry]) -> ArticleResult | InputError:
        if entry.plan is None:
            assert entry.parsed is not None
            return entry.parsed
        original: ArticleResult | InputError | str | None = entry.original
        if isinstance(original, str):
            found = done.get(original)
            original = found.result if found is not None else None
        part = entry.parsed
        built = None
        if isinstance(original, ArticleResult) and not isinstance(part, InputError):
            built = entry.plan.assemble(original, part)
        if built is None:  # the original failed, or the copy leans on what it changed
            return next(iter(self.inner.process([entry.article])))
        self.copies += 1
        return built
