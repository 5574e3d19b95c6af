"""Scale-out: run the per-article stages on a Dask cluster, store the results locally.

The client streams articles from the inputs (reading and cleaning are about 2 % of the
work), cuts them into shards of ``shard_size`` articles and submits one task per shard.
Each task runs the same `Pipeline.process` a single-process ingest runs. The results come
back in submission order and go through the same ``Store.write_batch``, so near-duplicate
flags, linking and event ids are exactly those of a single-process run. At most a few
shards per worker are in flight, so memory on the client stays flat however large the
corpus.

Each worker builds its `Pipeline` once, on its first shard, and keeps it in a worker
plugin (`PipelinePlugin`) for every later task: the model loads once per worker, not per
task. Any Dask cluster works: ``local:N`` starts a `LocalCluster` of N processes,
otherwise the address of a running scheduler (started by hand, over SSH or by
dask-jobqueue on SLURM/PBS; see docs/scale.md).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dyad.errors import InputError, UsageError
from dyad.pipeline import Pipeline, PipelineSettings, in_order
from dyad.records import Article, ArticleResult
from dyad.store.partitions import partition_name, read_partition, write_partition

if TYPE_CHECKING:
    from distributed import Client, Worker

__all__ = [
    "DEFAULT_SHARD_SIZE",
    "PipelinePlugin",
    "Written",
    "dask_client",
    "process_on_dask",
    "process_shard",
]

#: Articles per task: large enough that scheduling overhead (~1 ms per task) is nothing
#: next to parsing them (seconds), small enough to spread a small corpus over workers.
DEFAULT_SHARD_SIZE = 64


try:
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - distributed is a dependency
    WorkerPlugin = object  # type: ignore[assignment,misc]


class PipelinePlugin(WorkerPlugin):
    """Holds one worker's `Pipeline`, built on first use from picklable settings."""

    def __init__(self, settings: PipelineSettings) -> None:
        self.settings = replace(settings, n_process=1)  # a worker is one process
        digest = hashlib.sha256(repr(self.settings).encode()).hexdigest()[:16]
        self.name = f"dyad-pipeline-{digest}"
        self._pipeline: Pipeline | None = None
        self._lock: threading.Lock | None = None

    def setup(self, worker: Worker) -> None:
        self._pipeline = None
        self._lock = threading.Lock()

    def teardown(self, worker: Worker) -> None:
        self._pipeline = None

    @property
    def pipeline(self) -> Pipeline:
        """The worker's pipeline; the first caller loads it, threads wait for it."""
        if self._lock is None:
            self._lock = threading.Lock()
        with self._lock:
            if self._pipeline is None:
                self._pipeline = Pipeline(self.settings)
            return self._pipeline


@dataclass(frozen=True, slots=True)
class Written:
    """A shard a worker wrote as a partition (``dyad.store.partitions``) instead of sending it."""

    directory: str
    name: str


def process_shard(
    articles: list[Article], plugin_name: str, partitions: str | None = None
) -> list[ArticleResult | InputError | Written]:
    """One task: run the worker's cached pipeline over a shard of articles. With
    ``partitions`` the results go to Parquet files there and only their name comes back
    (with the errors)."""
    from distributed import get_worker

    plugin: PipelinePlugin = get_worker().plugins[plugin_name]  # type: ignore[assignment]
    results = list(plugin.pipeline.process(articles))
    if partitions is None:
        return list(results)
    done = [r for r in results if isinstance(r, ArticleResult)]
    name = partition_name([r.article for r in done])
    write_partition(done, partitions, name)
    return [*(r for r in results if isinstance(r, InputError)), Written(partitions, name)]


def _has_plugin(name: str, dask_worker: Worker) -> bool:
    return name in dask_worker.plugins


def _check_codebooks(settings: PipelineSettings) -> None:
    """Load the codebooks on the client, so a bad one fails here with file and line
    rather than on every worker."""
    from dyad.stages.actors import ActorCodebook
    from dyad.stages.events import EventCodebook
    from dyad.stages.place import Gazetteer

    extra = [Path(p) for p in settings.codebooks]
    ActorCodebook.load(extra)
    EventCodebook.load(extra)
    Gazetteer.load(extra)


def process_on_dask(
    client: Client,
    settings: PipelineSettings,
    articles: Iterable[Article],
    *,
    shard_size: int = DEFAULT_SHARD_SIZE,
    in_flight: int | None = None,
    partitions: str | Path | None = None,
) -> Iterator[ArticleResult | InputError]:
    """Like `Pipeline.process`, on the cluster: results in input order, shard by shard.

    ``in_flight`` bounds the shards submitted but not yet consumed (default: two per
    worker, at least four), which keeps every worker busy while the caller writes. With
    ``partitions`` (a directory every worker and the client can reach) the workers write
    their results there as Parquet (`dyad.store.partitions`) and the client reads them back.
    """
    _check_codebooks(settings)
    plugin = PipelinePlugin(settings)
    have = client.run(_has_plugin, plugin.name)
    if not have or not all(have.values()):
        client.register_plugin(plugin, name=plugin.name)
    window = in_flight or max(4, 2 * len(client.scheduler_info().get("workers", {})))
    where = None if partitions is None else str(Path(partitions).resolve())
    for item in in_order(
        lambda shard: client.submit(process_shard, shard, plugin.name, where, pure=False),
        articles,
        shard_size=shard_size,
        in_flight=window,
    ):
        if isinstance(item, Written):
            yield from read_partition(item.directory, item.name)
        else:
            yield item


def _local_workers(address: str) -> int:
    raw = address.removeprefix("local:")
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"--dask {address!r}: expected local:N with N workers, 1 or more")
    return int(raw)


@contextmanager
def dask_client(address: str | Client, *, timeout: float = 20.0) -> Iterator[Client]:
    """A client for ``address``: ``local:N`` (a LocalCluster of N one-thread processes,
    closed afterwards), a scheduler address such as ``tcp://host:8786``, or a Client.
    An address that does not answer within ``timeout`` seconds is a UsageError."""
    from distributed import Client, LocalCluster

    if isinstance(address, Client):
        yield address
        return
    if address.startswith("local:"):
        n = _local_workers(address)
        with (
            LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(
            f"--dask {address!r}: cannot reach a Dask scheduler ({exc})",
            hint="give local:N, or the address `dask scheduler` printed (tcp://host:8786)",
        ) from exc
    with client:
        yield client
