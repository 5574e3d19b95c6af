"""Scaling table: one process, N worker processes, and a Dask LocalCluster of N workers.

    .venv/bin/python bench/bench_scale.py [--articles 500] [--workers 2] [--keep DIR]

Runs the same ingest (synthetic corpus from bench/synth.py, JSON Lines, new database each
time) three ways, each in a fresh subprocess, and prints wall time, articles/s, speed-up
over one process, CPU seconds, and whether the stored events match the one-process run
(they must: the scale-out changes where the stages run, not what they find). Model
loading is outside the timed part for one process and ``--workers``; with Dask the
workers load it on their first shard, inside the timed part, as a user would see it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_pipeline import _live_children_cpu, _usage  # noqa: E402  (bench/ is not a package)
from synth import write_jsonl  # noqa: E402


def child(corpus: Path, db: Path, how: str, workers: int) -> dict:
    from dyad.api import ingest
    from dyad.pipeline import Pipeline, PipelineSettings, WorkerPool

    n_process = workers if how == "workers" else 1
    settings = PipelineSettings(n_process=n_process)
    pipeline = None
    if how == "workers":
        pipeline = WorkerPool(settings)
    elif how == "single":
        pipeline = Pipeline(settings)
    live_before = _live_children_cpu()
    before = _usage()
    start = time.perf_counter()
    if how == "dask":
        report = ingest([corpus], db=db, settings=settings, dask=f"local:{workers}")
    else:
        report = ingest([corpus], db=db, pipeline=pipeline)
    wall = time.perf_counter() - start
    after = _usage()
    live = sum(t - live_before.get(pid, 0.0) for pid, t in _live_children_cpu().items())
    if isinstance(pipeline, WorkerPool):
        pipeline.close()
    return {
        "wall_s": wall,
        "cpu_s": after["cpu_s"] - before["cpu_s"] + live,
        "articles": report.articles_added,
        "events": _fingerprint(db),
    }


def _fingerprint(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT count(*), sum(hash(event_id, plover, cameo, source, target, date, status,"
            " location_name, num_mentions)) FROM events"
        ).fetchone()
    finally:
        con.close()
    return f"{row[0]}:{row[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        corpus, db, how, workers = args.child
        print(json.dumps(child(Path(corpus), Path(db), how, int(workers))))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="dyad-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = write_jsonl(work / f"synth_{args.articles}.jsonl", args.articles, args.seed)
    n = args.workers
    runs = [("one process", "single", 1), (f"--workers {n}", "workers", n)]
    runs.append((f"--dask local:{n}", "dask", n))
    print(f"{args.articles:,} synthetic articles; in {work}")
    print(f"{'run':<18}{'wall s':>9}{'art/s':>9}{'speed-up':>10}{'cpu s':>9}  same events")
    base_wall = base_events = None
    for label, how, workers in runs:
        db = work / f"{how}.duckdb"
        db.unlink(missing_ok=True)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(corpus), str(db), how, str(workers)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        base_wall = base_wall or r["wall_s"]
        base_events = base_events or r["events"]
        print(
            f"{label:<18}{r['wall_s']:>9.1f}{r['articles'] / r['wall_s']:>9.2f}"
            f"{base_wall / r['wall_s']:>9.2f}x{r['cpu_s']:>9.1f}  "
            f"{'yes' if r['events'] == base_events else 'NO'}"
        )


if __name__ == "__main__":
    main()
