"""How much a silent or trickling site costs a poll, and how fast a stop is (on demand).

    .venv/bin/python bench/bench_watch.py [--pages 20] [--bad 2] [--runs 3]

Serves news sites on 127.0.0.x in this process (the tests' local site): one good site
with ``--pages`` pages, one site that accepts connections and never answers, one that
sends its pages a byte every 50 ms (``--bad`` pages each). A feed on the good site lists
the bad sites' pages first. With dyad's default time limits, it prints:

- when the good site's pages were all downloaded, seconds after the poll started, with
  and without the bad sites in the feed (their ratio is what the bad sites cost the
  others), and how long the whole poll took;
- how long `dyad stats` takes to answer in another process during that poll;
- how long `dyad watch` takes to exit after SIGTERM while waiting for the silent site
  (median and worst of ``--runs``).

Articles are processed by the tests' stand-in pipeline, so only fetching and storing are
timed. Runs alternate (with and without the bad sites) so a busy machine weighs on both.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dyad.sources.watch import Watcher
from live_server import FakePipeline
from local_site import SilentHost, Site, numbered_story, rss

DATE = "Mon, 04 Mar 2024 08:00:00 GMT"
NEWER = "Tue, 05 Mar 2024 08:00:00 GMT"


def _dyad(*args: str) -> list[str]:
    return [sys.executable, "-m", "dyad", *args]


def one_poll(pages: int, bad: int, tmp: Path, reader: bool) -> dict[str, float]:
    db = tmp / f"poll-{time.monotonic_ns()}.duckdb"
    with Site() as good, Site("127.0.0.2") as trickler, SilentHost("127.0.0.3") as silent:
        items = []
        for n in range(bad):
            trickler.add(f"/news/{n}.html", numbered_story(1000 + n), trickle=0.05)
            items.append((trickler.url(f"/news/{n}.html"), NEWER))
            items.append((f"{silent}/news/{n}.html", NEWER))
        for n in range(pages):
            good.add(f"/news/{n}.html", numbered_story(n))
            items.append((good.url(f"/news/{n}.html"), DATE))
        good.add("/feed.rss", rss(items), content_type="application/rss+xml")
        answered: list[float] = []
        if reader:
            good.routes["/feed.rss"].on_request = lambda: threading.Thread(
                target=_ask_stats, args=(db, answered), daemon=True
            ).start()
        with Watcher([good.url("/feed.rss")], db=db, pipeline=FakePipeline()) as watcher:
            started = time.monotonic()
            watcher.run_once()
            took = time.monotonic() - started
        asked = [t for path, t, _ in good.requests if path.startswith("/news/")]
    result = {"good pages done": max(asked) - started, "poll": took}
    if answered:
        result["stats answered"] = answered[0]
    return result


def _ask_stats(db: Path, answered: list[float]) -> None:
    time.sleep(1.0)  # the poll is under way
    started = time.monotonic()
    done = subprocess.run(_dyad("stats", "--db", str(db)), capture_output=True, check=False)
    answered.append(time.monotonic() - started if done.returncode == 0 else float("nan"))


def sigterm_exit(tmp: Path) -> float:
    with Site() as site, SilentHost("127.0.0.3") as silent:
        site.add("/feed.rss", rss([(f"{silent}/news/a.html", DATE)]))
        feeds = tmp / "feeds.txt"
        feeds.write_text(site.url("/feed.rss") + "\n")
        db = tmp / f"stop-{time.monotonic_ns()}.duckdb"
        env = {**os.environ, "NO_COLOR": "1"}
        proc = subprocess.Popen(
            _dyad("watch", str(feeds), "--db", str(db), "--timeout", "60", "--every", "15m"),
            stderr=subprocess.DEVNULL,
            env=env,
        )
        while not site.hits["/feed.rss"]:
            time.sleep(0.05)
        time.sleep(1.0)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(300)
        return time.monotonic() - sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--bad", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dyad-bench-watch-") as name:
        tmp = Path(name)
        runs: dict[bool, list[dict[str, float]]] = {False: [], True: []}
        for _ in range(args.runs):
            for bad in (False, True):
                runs[bad].append(one_poll(args.pages, args.bad if bad else 0, tmp, reader=bad))
        print(
            f"{args.pages} good pages, {args.bad} silent and {args.bad} trickling pages;"
            f" medians of {args.runs}"
        )
        for bad, label in ((False, "good site alone"), (True, "with the bad sites")):
            for key in runs[bad][0]:
                value = statistics.median(r[key] for r in runs[bad])
                print(f"  {label:20} {key:18} {value:7.2f} s")
        alone = statistics.median(r["good pages done"] for r in runs[False])
        mixed = statistics.median(r["good pages done"] for r in runs[True])
        print(f"  good pages done, with / without the bad sites: {mixed / alone:.2f}x")
        exits = [sigterm_exit(tmp) for _ in range(args.runs)]
        print(
            f"SIGTERM to exit with a silent site in flight: median {statistics.median(exits):.2f}"
            f" s, worst {max(exits):.2f} s"
        )


if __name__ == "__main__":
    main()
