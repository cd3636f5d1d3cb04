"""Corpus runs: many pages in (WARC, WET, folders, JSONL), one row per record out (Parquet or JSONL).

    from copydesk.corpus import CorpusSettings, run
    run(["crawl.warc.gz"], Path("out.parquet"), CorpusSettings(workers=2))

Modules, in the order a record meets them: `readers` (inputs streamed into tasks), `pool` (workers with a
per-page time limit), `work` (what a worker does with a page), `filters`, `dedup`, `output` (part files and
resume), `runner` (the whole run), `command` (the CLI). `schema` is the row.
"""

from __future__ import annotations

from typing import Any

from .settings import CorpusSettings, Filters

__all__ = ["CorpusSettings", "Filters", "ROW_SCHEMA", "Summary", "run"]


def __getattr__(name: str) -> Any:
    # pyarrow is imported when a run starts, not when the CLI registers the command.
    if name in ("run", "Summary"):
        from . import runner

        return getattr(runner, name)
    if name == "ROW_SCHEMA":
        from .schema import ROW_SCHEMA

        return ROW_SCHEMA
    raise AttributeError(name)
