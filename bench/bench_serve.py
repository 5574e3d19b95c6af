"""Reads and writes at once on a served database (run on demand, not a test).

    .venv/bin/python bench/bench_serve.py [--clients 16] [--seconds 20]
        [--writer none|ingest|ingest-server|watch|serve-watch] [--articles 500]
        [--db FILE] [--src DIR [DIR]] [--rounds 1]

Starts `dyad serve` in a subprocess over a copy of a database (default: the demo
database, built by `dyad demo`), and runs ``--clients`` concurrent clients, each a thread
with one kept-alive HTTP connection, looping over the read mix: ``/api/v1/events`` plain,
with ``dyad=``, with ``text=``, ``/timeline``, ``/upcoming`` and ``/stats``. Prints
requests per second, p50 and p99 latency and the errors (any answer but 200, or a broken
connection), by kind.

With a writer, the clients read while it writes ``--articles`` synthetic articles
(bench/synth.py), and the run lasts until the writer is done:

- ``ingest``: `dyad ingest` in its own process on the same file;
- ``ingest-server``: `dyad ingest --server URL`, through the server's write API;
- ``watch``: `dyad watch --once` in its own process, polling feeds served from here;
- ``serve-watch``: the server itself polls those feeds (`dyad serve --watch`).

``--src`` runs the server (and writer) from another source tree, to compare two versions
in paired runs: ``--src /work/main/src src --rounds 3`` alternates A, B, A, B ... and
prints the medians and the ratio B / A.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOKEN = "bench-token"
MIX = (
    "/api/v1/events",
    "/api/v1/events?dyad=ETH-KEN",
    "/api/v1/events?text=talks",
    "/api/v1/timeline",
    "/api/v1/upcoming",
    "/api/v1/stats",
)
ITEMS_PER_FEED = 50  # the watcher's default number of new items per feed and cycle


@dataclass
class Run:
    """One measured run: every read's latency and every error, and the writer's fate."""

    label: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    writer: str = "-"

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        errors = ", ".join(f"{n}× {k}" for k, n in self.errors.most_common()) or "none"
        return (
            f"{self.label:<34} {self.rate:7.1f} req/s  p50 {self.quantile(0.5):6.0f} ms"
            f"  p99 {self.quantile(0.99):6.0f} ms  reads {len(self.latencies):6d}"
            f"  errors: {errors}  writer: {self.writer}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src.resolve()), "DYAD_WRITE_TOKEN": TOKEN}


def dyad(src: Path, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dyad", *args],
        env=env_for(src),
        stdout=subprocess.DEVNULL,
        **kwargs,  # type: ignore[call-overload]
    )


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            con.request("GET", "/api/v1/info")
            if con.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def client(port: int, start: int, stop: threading.Event, run: Run, lock: threading.Lock) -> None:
    """Loop over the read mix on one kept-alive connection until ``stop``."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = start
    while not stop.is_set():
        path = MIX[i % len(MIX)]
        i += 1
        began = time.perf_counter()
        try:
            con.request("GET", path)
            response = con.getresponse()
            response.read()
            kind = None if response.status == 200 else f"HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            kind = type(exc).__name__
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        took = time.perf_counter() - began
        with lock:
            if kind is None:
                run.latencies.append(took)
            else:
                run.errors[kind] += 1
    con.close()


def articles_stored(port: int) -> int:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", "/api/v1/stats")
    return int(json.loads(con.getresponse().read())["articles"])


class FeedSite:
    """Feeds of ``ITEMS_PER_FEED`` article pages each, served from a local directory."""

    def __init__(self, corpus: Path, root: Path) -> None:
        articles = [json.loads(line) for line in corpus.read_text().splitlines() if line]
        root.mkdir(parents=True, exist_ok=True)
        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(_QuietHandler, directory=str(root))
        )
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        feeds = []
        for n in range(0, len(articles), ITEMS_PER_FEED):
            items = []
            for i, article in enumerate(articles[n : n + ITEMS_PER_FEED], start=n):
                body = "".join(f"<p>{escape(p)}</p>" for p in article["text"].split("\n") if p)
                (root / f"a{i}.html").write_text(
                    f"<html><head><title>{escape(article['title'])}</title>"
                    f'<meta property="article:published_time" content="{article["published"]}">'
                    f"</head><body><article><h1>{escape(article['title'])}</h1>{body}"
                    "</article></body></html>"
                )
                items.append(
                    f"<item><title>{escape(article['title'])}</title>"
                    f"<link>{base}/a{i}.html</link></item>"
                )
            name = f"feed{n // ITEMS_PER_FEED}.xml"
            (root / name).write_text(
                '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>'
                + "".join(items)
                + "</channel></rss>"
            )
            feeds.append(f"{base}/{name}")
        self.feeds_file = root / "feeds.txt"
        self.feeds_file.write_text("\n".join(feeds) + "\n")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(args: argparse.Namespace, src: Path, work: Path, label: str) -> Run:
    db = work / "serve.duckdb"
    shutil.copy(args.db, db)
    port = free_port()
    serve_args = ["serve", "--db", str(db), "--port", str(port)]
    if args.writer in ("ingest-server", "serve-watch"):
        serve_args += ["--write-token", TOKEN]
    site = None
    if args.writer in ("watch", "serve-watch"):
        site = FeedSite(args.corpus, work / "site")
    if args.writer == "serve-watch":
        assert site is not None
        serve_args += ["--watch", str(site.feeds_file), "--every", "1m", "--delay", "0"]
    server = dyad(src, *serve_args, stderr=subprocess.DEVNULL)
    run = Run(label)
    try:
        wait_ready(port, server)
        before = articles_stored(port)
        stop, lock = threading.Event(), threading.Lock()
        clients = [
            threading.Thread(target=client, args=(port, i, stop, run, lock))
            for i in range(args.clients)
        ]
        for thread in clients:
            thread.start()
        time.sleep(args.warmup)
        with lock:
            run.latencies.clear()
            run.errors.clear()
        began = time.perf_counter()
        run.writer = write(args, src, db, port, site, before)
        if args.writer == "none":
            time.sleep(args.seconds)
        run.seconds = time.perf_counter() - began
        stop.set()
        for thread in clients:
            thread.join()
        if args.writer != "none":
            run.writer += f"; {articles_stored(port) - before} articles added"
    finally:
        began = time.perf_counter()
        server.terminate()
        try:
            server.wait(300)
        except subprocess.TimeoutExpired:
            server.kill()
        run.writer += f"; server stopped in {time.perf_counter() - began:.0f} s"
        if site:
            site.close()
    return run


def write(
    args: argparse.Namespace, src: Path, db: Path, port: int, site: FeedSite | None, before: int
) -> str:
    """Run the writer to its end; say how it ended and how long it took."""
    began = time.perf_counter()
    if args.writer == "none":
        return "-"
    if args.writer == "serve-watch":
        deadline = time.monotonic() + args.timeout
        while articles_stored(port) < before + args.articles and time.monotonic() < deadline:
            time.sleep(1)
        return f"server's watcher, {time.perf_counter() - began:.0f} s"
    if args.writer == "ingest":
        command = ["ingest", str(args.corpus), "--db", str(db), "--quiet"]
    elif args.writer == "ingest-server":
        command = ["ingest", str(args.corpus), "--server", f"http://127.0.0.1:{port}", "--quiet"]
    else:
        assert site is not None
        command = ["watch", str(site.feeds_file), "--db", str(db), "--once", "--delay", "0"]
        command += ["--quiet"]
    process = dyad(src, *command, stderr=subprocess.PIPE)
    try:
        _, stderr = process.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return "timed out"
    took = time.perf_counter() - began
    if process.returncode:
        last = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        return f"FAILED (exit {process.returncode}: {last[0][:120]}) after {took:.0f} s"
    return f"done in {took:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20, help="length of a reads-only run")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument(
        "--writer",
        choices=["none", "ingest", "ingest-server", "watch", "serve-watch"],
        default="none",
    )
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=1800, help="most seconds for a writer")
    parser.add_argument("--db", type=Path, help="database to serve (copied); default: demo")
    parser.add_argument("--src", type=Path, nargs="+", default=[HERE.parent / "src"])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--cache", type=int, help="answers the server keeps (DYAD_SERVE_CACHE; 0: none)"
    )
    args = parser.parse_args()
    if args.cache is not None:
        os.environ["DYAD_SERVE_CACHE"] = str(args.cache)
    with tempfile.TemporaryDirectory(prefix="dyad-bench-serve-") as tmp:
        work = Path(tmp)
        if args.db is None:
            args.db = work / "demo.duckdb"
            demo = dyad(args.src[-1], "demo", "--db", str(args.db), "--quiet")
            if demo.wait():
                raise SystemExit("dyad demo failed")
        if args.writer != "none":
            args.corpus = work / "corpus.jsonl"
            synth = [sys.executable, str(HERE / "synth.py"), "--articles", str(args.articles)]
            subprocess.run(
                [*synth, "--out", str(args.corpus)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            # Dates near the demo's, so the new events link with and read like the old.
            lines = args.corpus.read_text().splitlines()
            day = date(2024, 3, 1)
            args.corpus.write_text(
                "".join(
                    json.dumps(json.loads(line) | {"published": str(day + timedelta(i % 60))})
                    + "\n"
                    for i, line in enumerate(lines)
                )
            )
        print(
            f"{args.clients} clients, writer: {args.writer}"
            + (f" ({args.articles} articles)" if args.writer != "none" else ""),
            flush=True,
        )
        runs: dict[Path, list[Run]] = {src: [] for src in args.src}
        for _ in range(args.rounds):
            for src in args.src:
                (work / "round").mkdir()
                run = measure(args, src, work / "round", str(src))
                shutil.rmtree(work / "round")
                runs[src].append(run)
                print(run.line(), flush=True)
        if args.rounds > 1 or len(args.src) > 1:
            print("medians:")
            rates = {}
            for src, done in runs.items():
                rates[src] = statistics.median(r.rate for r in done)
                p50 = statistics.median(r.quantile(0.5) for r in done)
                p99 = statistics.median(r.quantile(0.99) for r in done)
                errors = sum(sum(r.errors.values()) for r in done)
                print(
                    f"{src!s:<34} {rates[src]:7.1f} req/s  p50 {p50:6.0f} ms  p99 {p99:6.0f} ms"
                    f"  errors {errors}"
                )
            if len(args.src) == 2:
                a, b = args.src
                print(f"throughput ratio {b} / {a}: {rates[b] / rates[a]:.2f}×")


if __name__ == "__main__":
    main()
