"""A file cache for things that take seconds to build and are the same from run to run
(the gazetteer index, the large imported codebooks): one pickle per value, named by a
hash of everything the value is built from, so a change of any input builds it anew.

The folder is ``$DYAD_CACHE_DIR`` or ``~/.cache/dyad``. A cache file that is missing,
unreadable or of an older layout only costs the next start time; it is never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from dyad.settings import setting_value

__all__ = ["built_from", "cache_file", "cached"]

T = TypeVar("T")


def cache_file(name: str, inputs: Iterable[bytes]) -> Path:
    """The cache file of ``name`` built from ``inputs`` (file contents, versions ...)."""
    digest = hashlib.sha256()
    for item in inputs:
        digest.update(hashlib.sha256(item).digest())
    root = Path(setting_value("cache_dir"))
    return root / f"{name}-{digest.hexdigest()[:16]}.pickle"


def built_from(name: str, files: Iterable[Path], packages: Iterable[str]) -> Path:
    """The cache file of ``name`` built from ``files`` (their contents) and the installed
    versions of ``packages``."""
    from importlib.metadata import version

    return cache_file(
        name, [*(Path(f).read_bytes() for f in files), *(version(p).encode() for p in packages)]
    )


def cached(path: Path, build: Callable[[], T], kind: type[T]) -> T:
    """The value stored at ``path``, or ``build()`` stored there for the next run."""
    try:
        with path.open("rb") as stream:
            value = pickle.load(stream)  # our own file, written below
        if isinstance(value, kind):
            return value
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError):
        pass
    value = build()
    try:  # written atomically; a cache that cannot be written only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return value
