"""For API and browser tests: a real uvicorn server on a free localhost port (in a thread),
a small hand-made database, and a stand-in pipeline for the write endpoint."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import uvicorn
from fastapi import FastAPI

from dyad.errors import InputError
from dyad.records import Article, ArticleResult, Sentence
from dyad.store.store import Store
from factories import article_result

TOKEN = "correct horse battery staple"
DAY = "2024-06-01"


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (an OS-chosen port) and yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, ws="none", lifespan="on", workers=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=120)  # shutting down closes the database and the pipeline
        assert not thread.is_alive(), "the test server did not stop"
        sock.close()


def build_db(path) -> None:
    """Four hand-made articles: a Kenya-Ethiopia dyad over three months, and others."""
    results = [
        article_result(
            "Kenya and Ethiopia held talks in Nairobi.\nKenya accused Ethiopia of delays.",
            [
                {
                    "source": "KEN GOV",
                    "target": "ETH GOV",
                    "plover": "CONSULT",
                    "date": "2024-03-01",
                    "place": ("Nairobi", "KEN", -1.29, 36.82),
                },
                {
                    "line": 1,
                    "source": "KEN GOV",
                    "target": "ETH",
                    "plover": "ACCUSE",
                    "trigger": "accused",
                    "date": "2024-03-02",
                },
            ],
            published=date(2024, 3, 4),
            path="a.txt",
        ),
        article_result(
            "Rebels attacked a police post in Mali.\nJapan sent aid to the Philippines.",
            [
                {
                    "source": "MLI REB",
                    "target": "MLI COP",
                    "plover": "ASSAULT",
                    "date": "2024-04-10",
                    "place": ("Gao", "MLI", 16.27, -0.04),
                },
                {"line": 1, "source": "JPN GOV", "target": "PHL", "plover": "AID"},
            ],
            published=date(2024, 4, 12),
            source="Coastal Wire",
            path="b.txt",
        ),
        article_result(
            "Ethiopia and Kenya will meet in May.\nNo more.",
            [
                {
                    "source": "ETH GOV",
                    "target": "KEN GOV",
                    "plover": "CONSULT",
                    "status": "planned",
                    "date": "2024-05-01",
                    "date_end": "2024-05-31",
                    "precision": "month",
                },
            ],
            published=date(2024, 4, 20),
            path="c.txt",
        ),
        article_result(
            'Headline <img src=x onerror="window.pwned=1"> & more\n'
            "Kenya sanctioned Ethiopia on <b>Friday</b>.",
            [
                {
                    "line": 1,
                    "source": "KEN GOV",
                    "target": "ETH GOV",
                    "plover": "SANCTION",
                    "trigger": "sanctioned",
                    "date": "2024-04-05",
                }
            ],
            published=date(2024, 4, 6),
            source='<script>alert("x")</script>',
            path="d.txt",
        ),
    ]
    with Store(path) as store:
        store.write_batch(results)


class FakePipeline:
    """Stands in for the spaCy pipeline: one CONSULT event per posted article."""

    def process(self, articles: Iterable[Article]) -> Iterator[ArticleResult | InputError]:
        for article in articles:
            if "FAIL" in article.text:
                yield InputError(article.path or article.article_id, "processing failed")
                continue
            made = article_result(
                article.text.split("\n", 1)[0],
                [
                    {
                        "source": "KEN GOV",
                        "target": "ETH GOV",
                        "plover": "CONSULT",
                        "date": "2024-06-01",
                    }
                ],
            )
            mention = replace(
                made.events[0],
                article_id=article.article_id,
                mention_id=article.article_id + "-0",
            )
            sentence = made.sentences[0]
            yield ArticleResult(
                article=article,
                sentences=(Sentence(index=0, start=0, end=sentence.end, text=sentence.text),),
                events=(mention,),
            )
