"""A watcher in a process of its own, for the tests that signal or kill it.

``python watch_child.py DB FEED [FEED ...]`` polls once with the stand-in pipeline of
`live_server.FakePipeline` (no spaCy model to load) and stops on SIGTERM / SIGINT, as
`dyad watch --once` does; `poll` does the same in a process started by multiprocessing.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from dyad.sources.fetch import FetchSettings
from dyad.sources.watch import Watcher, WatchSettings, stop_on_signals
from live_server import FakePipeline

FETCH = FetchSettings(
    connect_timeout=2.0, timeout=2.0, total_timeout=4.0, retries=0, host_interval=0.0
)


def poll(db: str, feeds: list[str]) -> int:
    settings = WatchSettings(batch_size=16)
    with (
        Watcher(
            feeds, db=db, pipeline=FakePipeline(), fetch_settings=FETCH, watch_settings=settings
        ) as watcher,
        stop_on_signals(watcher),
    ):
        report = watcher.run_once()
    return 0 if report.feeds_ok else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    sys.exit(poll(sys.argv[1], sys.argv[2:]))
