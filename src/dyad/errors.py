"""dyad's exceptions, each with a stable code the CLI shows and maps to an exit code.

DyadError                 [D000] base; exit 1
├── InputError            [D100] one input file (or line) cannot be read or parsed
├── CodebookError         [D200] a codebook file is invalid (names file, line, entry)
├── StoreError            [D300] the database cannot be opened, written or checked
│   ├── StoreLockedError  [D301] another process is writing the database
│   └── ServerError       [D302] the server that owns the database refused or failed
├── ConfigError           [D400] a setting has a bad value
└── UsageError            [D500] the request itself is wrong; exit 2
"""

from __future__ import annotations


class DyadError(Exception):
    code = "D000"
    exit_code = 1
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class InputError(DyadError):
    """One input cannot be read; names the file (and line) and the reason."""

    code = "D100"

    def __init__(self, path: str, reason: str, *, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        # picklable, so a worker process or a Dask worker can send it back
        return (_input_error, (self.path, self.reason, self.line))


def _input_error(path: str, reason: str, line: int | None) -> InputError:
    return InputError(path, reason, line=line)


class CodebookError(DyadError):
    code = "D200"

    def __init__(
        self, path: str, reason: str, *, line: int | None = None, entry: str | None = None
    ) -> None:
        where = f"{path}:{line}" if line is not None else path
        what = f" (entry {entry!r})" if entry else ""
        super().__init__(f"{where}{what}: {reason}")
        self.path = path
        self.line = line
        self.entry = entry


class StoreError(DyadError):
    code = "D300"


class StoreLockedError(StoreError):
    code = "D301"
    hint = (
        "another dyad process is writing this database; wait for it or use another --db"
        " (if `dyad serve` has it, write through it: dyad ingest --server URL)"
    )


class ServerError(StoreError):
    code = "D302"


class ConfigError(DyadError):
    code = "D400"


class UsageError(DyadError):
    code = "D500"
    exit_code = 2
