# ruff: noqa: E501  (the template tables read best one entry per line)
"""Synthetic news articles for benchmarks: realistic length and wording, any size, seeded.

    .venv/bin/python bench/synth.py --articles 20000 --out /tmp/synth.jsonl [--seed 1]
    .venv/bin/python bench/synth.py --articles 500 --out /tmp/synth_txt --files

Each article is a wire-style story of 350-700 words: a dateline lead in which one actor
does something to another (a minister, an army, a rebel group, a ministry, a capital used
as a metonym, an international organisation), dates said the way reporters say them
("on Tuesday", "next month", "from 3 to 5 March", "last week"), places, quotes, a paragraph
of background with further events, reactions, and the boilerplate a scraper brings along
("Also Read", share buttons, copyright lines) for the clean stage to drop. The wording is
this project's own; no real article is copied.

The output is one JSON Lines file (what a corpus dump looks like) or, with ``--files``,
one .txt file per article with a ``date`` first line (what a folder of articles looks like).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# (country, adjective, capital, other city, leader title, leader name, army, rebels)
COUNTRIES = [
    ("Kenya", "Kenyan", "Nairobi", "Mombasa", "President", "Joseph Kariuki", "Kenya Defence Forces", "al-Shabaab"),
    ("Ethiopia", "Ethiopian", "Addis Ababa", "Mekelle", "Prime Minister", "Tesfaye Bekele", "Ethiopian National Defense Force", "Fano militia"),
    ("Pakistan", "Pakistani", "Islamabad", "Karachi", "Prime Minister", "Imran Qadir", "Pakistan Army", "Tehreek-e-Taliban"),
    ("India", "Indian", "New Delhi", "Mumbai", "Prime Minister", "Rajesh Malhotra", "Indian Army", "Maoist insurgents"),
    ("Germany", "German", "Berlin", "Hamburg", "Chancellor", "Klaus Weber", "Bundeswehr", "far-right extremists"),
    ("France", "French", "Paris", "Marseille", "President", "Claire Dubois", "French army", "separatist militants"),
    ("Brazil", "Brazilian", "Brasilia", "Sao Paulo", "President", "Marcos Oliveira", "Brazilian army", "drug gangs"),
    ("Nigeria", "Nigerian", "Abuja", "Lagos", "President", "Emeka Okafor", "Nigerian army", "Boko Haram"),
    ("Turkey", "Turkish", "Ankara", "Istanbul", "President", "Mehmet Aydin", "Turkish armed forces", "PKK militants"),
    ("Japan", "Japanese", "Tokyo", "Osaka", "Prime Minister", "Hiroshi Tanaka", "Self-Defense Forces", "activists"),
    ("Indonesia", "Indonesian", "Jakarta", "Surabaya", "President", "Budi Santoso", "Indonesian military", "separatist rebels"),
    ("Mexico", "Mexican", "Mexico City", "Monterrey", "President", "Lucia Hernandez", "Mexican army", "cartel gunmen"),
    ("Egypt", "Egyptian", "Cairo", "Alexandria", "President", "Omar Farouk", "Egyptian army", "Islamist militants"),
    ("Colombia", "Colombian", "Bogota", "Medellin", "President", "Andres Restrepo", "Colombian army", "FARC dissidents"),
    ("Philippines", "Philippine", "Manila", "Davao", "President", "Ramon Villanueva", "Philippine army", "Abu Sayyaf"),
    ("Poland", "Polish", "Warsaw", "Krakow", "Prime Minister", "Piotr Nowak", "Polish army", "protesters"),
    ("Sudan", "Sudanese", "Khartoum", "Port Sudan", "General", "Abdel Hamid", "Sudanese Armed Forces", "Rapid Support Forces"),
    ("Iran", "Iranian", "Tehran", "Isfahan", "President", "Hassan Rahimi", "Revolutionary Guards", "Kurdish rebels"),
    ("Ukraine", "Ukrainian", "Kyiv", "Kharkiv", "President", "Oleksandr Koval", "Ukrainian army", "saboteurs"),
    ("Mali", "Malian", "Bamako", "Gao", "Colonel", "Moussa Traore", "Malian army", "jihadist fighters"),
    ("Bangladesh", "Bangladeshi", "Dhaka", "Chittagong", "Prime Minister", "Farida Rahman", "Bangladesh army", "student protesters"),
    ("Argentina", "Argentine", "Buenos Aires", "Cordoba", "President", "Martin Alvarez", "Argentine army", "union members"),
]  # fmt: skip
IGOS = [
    "the United Nations",
    "the European Union",
    "the African Union",
    "NATO",
    "the IMF",
    "the World Bank",
    "ASEAN",
]
MINISTRIES = [
    "Foreign Minister",
    "Defence Minister",
    "Interior Minister",
    "Finance Minister",
    "Trade Minister",
]
FIRST = [
    "Amina",
    "David",
    "Sofia",
    "Ahmed",
    "Maria",
    "Kenji",
    "Elena",
    "Samuel",
    "Nadia",
    "Luis",
    "Grace",
    "Tomasz",
]
LAST = [
    "Mwangi",
    "Schmidt",
    "Costa",
    "Hassan",
    "Lopez",
    "Sato",
    "Ivanova",
    "Otieno",
    "Khan",
    "Silva",
    "Mensah",
    "Kowalski",
]
OUTLETS = [
    "Daily Courier",
    "Regional Wire",
    "The Morning Ledger",
    "Capital Post",
    "Frontier Times",
    "Evening Herald",
]

# (template, needs a target) — {S} source actor, {T} target actor, {P} place, {D} date words
LEADS = [
    "{S} met {T} in {P} {D} to discuss border security and trade.",
    "{S} held talks with {T} in {P} {D}, officials said.",
    "{S} accused {T} of violating the ceasefire {D}.",
    "{S} signed an agreement with {T} in {P} {D} on energy cooperation.",
    "{S} will visit {P} {D} for talks with {T}, the ministry said.",
    "{S} condemned {T} {D} over the arrest of opposition politicians.",
    "{S} threatened to impose sanctions on {T} {D}.",
    "{S} attacked positions held by {T} near {P} {D}, killing at least a dozen people.",
    "{S} rejected a proposal from {T} {D} to reopen negotiations.",
    "{S} praised {T} {D} for its role in the peace process.",
    "{S} expelled the ambassador of {T} {D}, citing interference in domestic affairs.",
    "{S} sent humanitarian aid to {T} {D} after floods displaced thousands.",
    "{S} demanded that {T} release detained journalists {D}.",
    "{S} did not meet {T} in {P} {D}, despite earlier reports.",
    "{S} is expected to sign a trade deal with {T} in {P} {D}.",
    "{S} clashed with {T} near {P} {D}, residents said.",
    "{S} called on {T} {D} to withdraw its troops from the disputed area.",
    "{S} arrested dozens of {T} in {P} {D}.",
]
DATES_PAST = [
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "last week",
    "on {day} {month}",
    "earlier this month",
    "last month",
    "in {month}",
]
DATES_FUTURE = [
    "next week",
    "next month",
    "from {day} to {day2} {month}",
    "later this year",
    "on {day} {month}",
    "in {month} next year",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
BODY = [
    "The two sides agreed to set up a joint committee that will meet every three months, according to a statement released after the meeting.",
    "Officials said the talks covered water sharing, transit fees and the security of pipelines that cross the region.",
    "{Q}, {W} told reporters in {P}.",
    "Analysts said the move reflected growing frustration in {C} over stalled negotiations.",
    "The {A} government has denied the allegations and said it remained committed to dialogue.",
    "{S} also spoke with {T} by telephone {D}, the foreign ministry said in a statement.",
    "Relations between the two countries have been strained since a dispute over fishing rights erupted {D}.",
    "Police fired tear gas to disperse protesters who gathered outside the parliament in {P} {D}.",
    "The meeting was postponed {D} after a disagreement over the agenda, diplomats said.",
    "{S} warned that further violations would be met with a firm response.",
    "Trade between the two countries reached a record last year, driven by exports of grain, fertiliser and machinery.",
    "The army said it had killed several militants in an operation near {P} {D}.",
    "A spokesman for {T} said the government would study the proposal before responding.",
    "{S} is due to travel to {P} {D} for a summit with regional leaders.",
    "Human rights groups urged both governments to protect civilians and allow aid workers into the area.",
    "The agreement must still be approved by parliament, where the ruling coalition holds a narrow majority.",
    "Opposition lawmakers criticised the deal, saying it gave away too much for too little.",
    "{S} and {T} last met {D} on the sidelines of a regional summit.",
    "The talks are expected to resume {D} in {P}, a senior official said on condition of anonymity.",
    "Inflation has risen sharply this year, and the central bank raised interest rates twice.",
]
QUOTES = [
    '"We are ready to work with our neighbours, but we will defend our interests"',
    '"This is a good day for the people of both countries"',
    '"The door to dialogue remains open"',
    '"We will not accept threats of any kind"',
    '"There is still much work to do before a final agreement"',
]
BOILERPLATE = [
    "Also Read: Markets close higher as investors await central bank decision",
    "Share this article",
    "Follow us on Twitter",
    "Subscribe to our newsletter for daily updates",
    "LEAVE A REPLY",
    "Copyright 2025 {O}. All rights reserved.",
    "Advertisement",
]


@dataclass(frozen=True)
class SynthArticle:
    """One generated article."""

    title: str
    text: str
    published: date
    source: str
    url: str


class Generator:
    """Seeded article generator; the same seed gives the same corpus."""

    def __init__(self, seed: int = 1, start: date = date(2025, 1, 1), days: int = 365) -> None:
        self.rng = random.Random(seed)
        self.start = start
        self.days = days

    def _person(self, country: tuple[str, ...]) -> str:
        r = self.rng.random()
        adj = country[1]
        if r < 0.3:
            return f"{adj} {country[4]} {country[5]}"
        if r < 0.6:
            who = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            return f"{adj} {self.rng.choice(MINISTRIES)} {who}"
        if r < 0.85:
            return f"the {adj} government"
        return country[0]

    def _actor(self, country: tuple[str, ...], lead_verb: str) -> str:
        if any(w in lead_verb for w in ("attacked", "clashed", "arrested")):
            return self.rng.choice([country[6], country[7], f"{country[1]} police"])
        return self._person(country)

    def _date_words(self, published: date, future: bool) -> str:
        words = self.rng.choice(DATES_FUTURE if future else DATES_PAST)
        month = MONTHS[(published.month - 1 + (1 if future else 0)) % 12]
        day = self.rng.randint(1, 25)
        return words.format(month=month, day=day, day2=day + self.rng.randint(1, 3))

    def article(self, number: int) -> SynthArticle:
        rng = self.rng
        published = self.start + timedelta(days=rng.randrange(self.days))
        a, b = rng.sample(COUNTRIES, 2)
        lead = rng.choice(LEADS)
        future = "will" in lead or "expected" in lead
        source = self._actor(a, lead)
        target = rng.choice(IGOS) if rng.random() < 0.1 else self._actor(b, lead)
        place = rng.choice([a[2], a[3], b[2], b[3]])
        outlet = rng.choice(OUTLETS)

        def fill(template: str) -> str:
            one, other = (a, b) if rng.random() < 0.5 else (b, a)
            return template.format(
                S=self._person(one),
                T=self._person(other),
                P=rng.choice([a[2], a[3], b[2], b[3]]),
                D=self._date_words(published, rng.random() < 0.3),
                Q=rng.choice(QUOTES),
                W=self._person(a),
                C=rng.choice((a[0], b[0])),
                A=b[1],
                O=outlet,
            )

        first = lead.format(S=source, T=target, P=place, D=self._date_words(published, future))
        first = first[0].upper() + first[1:]
        dateline = (
            f"{place.upper()}, {MONTHS[published.month - 1][:3]} {published.day} ({outlet}) - "
        )
        paragraphs = [dateline + first]
        words = len(first.split())
        target_words = rng.randint(350, 700)
        while words < target_words:
            size = rng.randint(2, 4)
            sentences = [
                fill(rng.choice(BODY if rng.random() < 0.8 else LEADS)) for _ in range(size)
            ]
            sentences = [s[0].upper() + s[1:] for s in sentences]
            paragraph = " ".join(sentences)
            words += len(paragraph.split())
            paragraphs.append(paragraph)
            if rng.random() < 0.08:
                paragraphs.append(fill(rng.choice(BOILERPLATE)))
        paragraphs.append(fill(BOILERPLATE[-2]))
        title = f"{a[0]} and {b[0]}: {lead.split('{T}')[0].replace('{S} ', '').strip()} talks"
        slug = f"{a[0]}-{b[0]}-{number}".lower().replace(" ", "-")
        return SynthArticle(
            title=title,
            text="\n\n".join(paragraphs),
            published=published,
            source=outlet,
            url=f"https://news.example.org/{published:%Y/%m/%d}/{slug}",
        )

    def articles(self, n: int) -> Iterator[SynthArticle]:
        for i in range(n):
            yield self.article(i)


CLOSING_LINES = [
    "This story was first published by {O}.",
    "Additional reporting by {N}; editing by the {O} desk.",
    "Follow {O} for live updates on this story.",
    "{O} has contacted both governments for comment.",
]


def syndicated(
    stories: Iterator[SynthArticle], max_outlets: int, seed: int = 1
) -> Iterator[SynthArticle]:
    """Each story on 1 to ``max_outlets`` outlets (fewer more likely: the mean is
    (max + 2) / 3, about 4 for 10), each copy with small edits of its own: a byline, a
    headline of its own, a closing line, now and then published a day later. Copies come
    later in the stream, among other stories, as a feed brings them."""
    rng = random.Random(seed)
    weights = list(range(max_outlets, 0, -1))
    pending: list[tuple[float, int, SynthArticle]] = []
    for number, story in enumerate(stories):
        yield story
        outlets = rng.choices(range(1, max_outlets + 1), weights)[0]
        for copy in range(1, outlets):
            outlet = rng.choice([o for o in OUTLETS if o != story.source])
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            text = story.text
            if rng.random() < 0.5:
                text = f"By {name}\n\n{text}"
            if rng.random() < 0.6:
                text += "\n\n" + rng.choice(CLOSING_LINES).format(O=outlet, N=name)
            title = (
                story.title
                if rng.random() < 0.4
                else f"{story.title.split(':')[0]}: {outlet} report"
            )
            later = rng.random() < 0.1
            pending.append(
                (
                    number + rng.uniform(1, 40),
                    copy,
                    SynthArticle(
                        title=title,
                        text=text,
                        published=story.published + timedelta(days=1 if later else 0),
                        source=outlet,
                        url=f"{story.url}-{outlet.lower().replace(' ', '-')}-{copy}",
                    ),
                )
            )
        pending.sort(key=lambda p: (p[0], p[1]))
        while pending and pending[0][0] <= number:
            yield pending.pop(0)[2]
    yield from (p[2] for p in pending)


HEAVY_LEADS = [
    "The Sudanese Armed Forces attacked Rapid Support Forces positions in Khartoum on {D}, {T}",
    "Sudanese Armed Forces troops attacked the Rapid Support Forces in Khartoum on {D}, {T}",
    "On {D} the Sudanese army attacked Rapid Support Forces fighters in Khartoum, {T}",
]
HEAVY_TAILS = [
    "witnesses said.",
    "officials said.",
    "according to a military statement.",
    "residents told reporters.",
    "in the heaviest fighting of the year, aid groups said.",
]


def heavy_event(n: int, seed: int = 1, start: date = date(2025, 3, 1)) -> Iterator[SynthArticle]:
    """One event reported ``n`` times over the month after it: each report a short story
    whose lead tells the event with its date (in other words each time), then a
    paragraph of other news."""
    rng = random.Random(seed)
    generator = Generator(seed, start=start, days=30)
    when = f"{start.day} {MONTHS[start.month - 1]}"
    for number, story in enumerate(generator.articles(n)):
        lead = rng.choice(HEAVY_LEADS).format(D=when, T=rng.choice(HEAVY_TAILS))
        published = start + timedelta(days=rng.randrange(30))
        body = story.text.split("\n\n")[1]  # one paragraph of other news: short reports
        yield SynthArticle(
            title=f"Fighting in Khartoum, report {number}",
            text=f"KHARTOUM, {MONTHS[published.month - 1][:3]} {published.day} - {lead}\n\n{body}",
            published=published,
            source=rng.choice(OUTLETS),
            url=f"https://news.example.org/{published:%Y/%m/%d}/khartoum-{number}",
        )


BORDER_VERBS = ["fired on", "exchanged fire with", "shelled the posts of", "clashed with"]
BORDER_AFTER = [
    "The two armies have traded fire along the Line of Control for years.",
    "Residents of nearby villages were asked to stay indoors.",
    "Both sides accuse each other of breaking the ceasefire.",
    "Schools in the district were closed as a precaution.",
]


def border_month(
    per_day: int, seed: int = 1, start: date = date(2024, 5, 1), days: int = 28
) -> Iterator[SynthArticle]:
    """A border incident every day for ``days`` days, each told ``per_day`` times on its
    day in short reports that give no date, at one place, in look-alike words (only the
    toll differs from day to day)."""
    rng = random.Random(seed)
    for day in range(days):
        published = start + timedelta(days=day)
        dead = rng.randint(2, 9)
        for k in range(per_day):
            reporter = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            text = (
                f"Pakistani troops {rng.choice(BORDER_VERBS)} Indian soldiers near Kupwara, "
                f"killing {dead} soldiers, officials said. {rng.choice(BORDER_AFTER)} "
                f"Our correspondent {reporter} counted {rng.randint(3, 60)} craters on the "
                f"road to the {rng.choice(['northern', 'eastern', 'upper', 'lower'])} posts."
            )
            yield SynthArticle(
                title=f"Border firing near Kupwara ({k})",
                text=text,
                published=published,
                source=rng.choice(OUTLETS),
                url=f"https://news.example.org/{published:%Y/%m/%d}/border-{day}-{k}",
            )


def _span(n: int, per_day: float | None) -> int:
    """Days the corpus covers: a year, or as many days as ``per_day`` articles a day need
    (a corpus that grows in time, as an archive does, keeps its density)."""
    return 365 if per_day is None else max(1, round(n / per_day))


def corpus(
    n: int, seed: int = 1, per_day: float | None = None, outlets: int = 1, kind: str = "news"
) -> Iterator[SynthArticle]:
    """The articles of one corpus: ``news`` (``n`` stories, each on 1 to ``outlets``
    outlets), ``heavy`` (``heavy_event``, ``n`` reports) or ``border`` (``border_month``,
    ``n`` reports in all)."""
    if kind == "heavy":
        return heavy_event(n, seed)
    if kind == "border":
        return border_month(max(1, round(n / 28)), seed)
    stories = Generator(seed, days=_span(n, per_day)).articles(n)
    return syndicated(stories, outlets, seed) if outlets > 1 else stories


def write_jsonl(
    path: Path,
    n: int,
    seed: int = 1,
    per_day: float | None = None,
    outlets: int = 1,
    kind: str = "news",
) -> Path:
    """Write a corpus (``corpus``) as one JSON Lines file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for art in corpus(n, seed, per_day, outlets, kind):
            record = {
                "title": art.title,
                "url": art.url,
                "published": art.published.isoformat(),
                "source": art.source,
                "text": art.text,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_files(folder: Path, n: int, seed: int = 1, per_day: float | None = None) -> Path:
    """Write ``n`` articles as .txt files (first line ``date YYYY-MM-DD``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, art in enumerate(Generator(seed, days=_span(n, per_day)).articles(n)):
        body = f"date {art.published.isoformat()}\n{art.title}\n\n{art.text}\n"
        (folder / f"{i:07d}.txt").write_text(body, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--files", action="store_true", help="one .txt file per article")
    parser.add_argument(
        "--outlets", type=int, default=1, help="each story on 1 to this many outlets (JSON Lines)"
    )
    parser.add_argument(
        "--kind",
        choices=["news", "heavy", "border"],
        default="news",
        help="news stories; one event reported --articles times over a month; or a month "
        "of daily undated border incidents, --articles reports in all (JSON Lines)",
    )
    parser.add_argument(
        "--per-day", type=float, help="articles a day (the corpus spans as many days as that needs)"
    )
    args = parser.parse_args()
    if args.files:
        write_files(args.out, args.articles, args.seed, args.per_day)
    else:
        write_jsonl(args.out, args.articles, args.seed, args.per_day, args.outlets, args.kind)


if __name__ == "__main__":
    main()
