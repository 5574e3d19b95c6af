"""A small news site served on 127.0.0.1 for the fetch and watch tests.

Routes are added per test; the site counts requests per path and keeps the request
headers, so tests can assert what was (not) downloaded. Nothing here touches the internet.
The articles are fictional, written for these tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds to sleep before answering
    stream: int = 0  # serve this many bytes in chunks, without a Content-Length
    trickle: float = 0.0  # send the body one byte at a time, this many seconds apart
    headers: dict[str, str] = field(default_factory=dict)
    on_request: Callable[[], None] | None = None


class Site:
    """``with Site() as site: site.add("/a.html", "<html>…"); site.url("/a.html")``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """``host``: any 127.x.y.z address, so that tests can have several "hosts"."""
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.requests: list[tuple[str, float, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), _handler(self))
        self.server.handle_error = lambda request, address: None  # clients that hang up
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def add(self, path: str, body: str | bytes = b"", **options: object) -> Route:
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(body=data, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        self.add(path, status=status, headers={"Location": to}, content_type=None)

    def page_hits(self) -> Counter[str]:
        """Requests per path, robots.txt and feeds left out."""
        return Counter({p: n for p, n in self.hits.items() if p.startswith(("/news/", "/old/"))})

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((path, time.monotonic(), headers))


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            site.record(path, dict(self.headers.items()))
            route = site.routes.get(path)
            if route is None:
                self._send(404, b"not found", "text/plain", {})
                return
            if route.on_request is not None:
                route.on_request()
            if route.delay:
                time.sleep(route.delay)
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (route.etag and inm == route.etag) or (
                route.last_modified and ims == route.last_modified
            ):
                site.not_modified[path] += 1
                self._send(304, b"", None, self._validators(route))
                return
            headers = {**route.headers, **self._validators(route)}
            if route.stream:
                self._stream(route)
                return
            if route.trickle:
                self._trickle(route)
                return
            self._send(route.status, route.body, route.content_type, headers)

        def _validators(self, route: Route) -> dict[str, str]:
            out = {}
            if route.etag:
                out["ETag"] = route.etag
            if route.last_modified:
                out["Last-Modified"] = route.last_modified
            return out

        def _send(
            self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]
        ) -> None:
            try:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _stream(self, route: Route) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type or "text/html")
                self.end_headers()
                chunk = b"<p>" + b"filler text " * 5000 + b"</p>\n"
                sent = 0
                while sent < route.stream:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _trickle(self, route: Route) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type or "text/html")
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                for byte in route.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(route.trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class SilentHost:
    """A host that accepts connections and never answers (``with SilentHost() as url``)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.sock = socket.create_server((host, 0), backlog=64)

    def __enter__(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def refused_url(host: str = "127.0.0.1") -> str:
    """The base URL of a port nobody listens on: connections are refused."""
    with socket.create_server((host, 0)) as sock:
        port = sock.getsockname()[1]
    return f"http://{host}:{port}"


def numbered_story(number: int) -> str:
    """A distinct article for tests that need many."""
    return article_html(
        f"Ferry timetable change number {number}",
        [
            f"The ferry company of the fictional town of Lakeside changed timetable number "
            f"{number} on Monday, moving the first crossing of the day by {number} minutes.",
            "Commuters were told of the change by notices at the quay and on the boats, and "
            "the company said the new times would hold until the end of the season.",
            f"Route {number} will also gain a later crossing on Friday evenings in summer.",
        ],
    )


def article_html(title: str, paragraphs: list[str], published: str = "2024-03-04") -> str:
    """A news page as sites serve them: navigation, one article, a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Lakeside Courier</title>
<meta property="article:published_time" content="{published}T08:00:00+00:00">
<meta property="og:site_name" content="The Lakeside Courier"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer>Copyright The Lakeside Courier. All rights reserved.</footer></body></html>"""


def rss(items: list[tuple[str, str]], title: str = "Lakeside Courier: World") -> str:
    """An RSS 2.0 feed of (link, pubDate) items."""
    entries = "\n".join(
        f"<item><title>Story {i}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
        for i, (link, date) in enumerate(items)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1/</link>
<description>World news</description>
{entries}
</channel></rss>"""


#: Fictional stories, each long enough for trafilatura to find the article.
STORIES: dict[str, tuple[str, list[str]]] = {
    "kenya": (
        "Kenya and Ethiopia sign trade agreement",
        [
            "Kenya and Ethiopia signed a trade agreement in Nairobi on Monday.",
            "The agreement lowers tariffs on tea, coffee and cut flowers crossing the border "
            "at Moyale, according to officials from both trade ministries.",
            "Traders on both sides said the new rules would shorten queues of lorries that "
            "often wait for days at the crossing during the harvest season.",
        ],
    ),
    "harbour": (
        "Harbour dredging resumes after winter pause",
        [
            "Dredging of the northern harbour channel resumed this week after a pause of "
            "three months, the port authority of the fictional town of Lakeside said.",
            "Engineers expect the deeper channel to admit larger grain vessels by autumn, "
            "and fishermen have been asked to use the southern quay until then.",
            "The work is paid for by a regional fund and employs about forty people.",
        ],
    ),
    "council": (
        "Town council approves new library budget",
        [
            "The Lakeside town council approved a larger budget for the public library at "
            "its meeting on Tuesday evening, after a debate lasting two hours.",
            "The money will extend opening hours on weekends and buy books in the three "
            "languages most spoken in the district, the council chair said.",
            "Residents who spoke at the meeting mostly welcomed the plan.",
        ],
    ),
    "rail": (
        "Night trains return to the lake line",
        [
            "Night trains will run again on the lake line from next month, the regional "
            "railway operator announced, ending a gap of six years.",
            "Sleeping cars refurbished in a local workshop will carry up to ninety "
            "passengers between the coast and the mountain towns each night.",
            "Tickets go on sale on Friday through the operator's offices and stations.",
        ],
    ),
    "dam": (
        "Farmers meet engineers over reservoir levels",
        [
            "Farmers from the valley met engineers of the reservoir company on Wednesday to "
            "discuss how much water will be released for irrigation this summer.",
            "The company said the reservoir is fuller than last year after heavy snow, and "
            "promised to publish weekly figures on its notice board.",
            "A second meeting is planned before the planting season begins.",
        ],
    ),
    "market": (
        "Covered market reopens after roof repairs",
        [
            "The covered market in the old town reopened on Saturday after roof repairs "
            "that took most of the winter and cost less than first estimated.",
            "Stallholders selling cheese, bread and vegetables returned to their places, and "
            "several new stalls opened, among them a bookbinder and a coffee roaster.",
            "The market is open every day except Monday.",
        ],
    ),
    "bridge": (
        "Footbridge over the river opens to walkers",
        [
            "A new footbridge over the river opened to walkers and cyclists on Thursday, "
            "linking the railway station with the park on the eastern bank.",
            "The steel bridge was assembled on the bank and lifted into place overnight by "
            "two cranes, the builders said at the opening.",
            "It is lit at night by lamps powered by a small solar array.",
        ],
    ),
}


def story(name: str, published: str = "2024-03-04") -> str:
    title, paragraphs = STORIES[name]
    return article_html(title, paragraphs, published)
