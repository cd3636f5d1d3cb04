"""The corpus run's settings: one frozen object, built once by the command and passed down to every worker."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..options import Options

# The extractor a worker calls, as "module:function" so a spawned worker can import it by name.
# The bench swaps in trafilatura here, and tests a deliberately slow or crashing one.
COPYDESK_EXTRACTOR = "copydesk.corpus.work:copydesk_record"
FORMATS = ("parquet", "jsonl")


@dataclass(frozen=True, slots=True)
class Filters:
    """Pages that fail one of these still get a row: status `skipped`, reason `filtered: ...`.

    Attributes:
        languages: keep pages whose language's primary subtag is one of these (`en` keeps `en-GB`).
        min_chars: keep pages whose body has at least this many characters.
        page_types: keep pages of these types.
        min_confidence: keep pages whose confidence reaches this (pages without one fail).
    """

    languages: tuple[str, ...] = ()
    min_chars: int = 0
    page_types: tuple[str, ...] = ()
    min_confidence: float | None = None


@dataclass(frozen=True, slots=True)
class CorpusSettings:
    """How `copydesk corpus` runs.

    Attributes:
        options: what `copydesk.extract` is given for every page.
        filters: which extracted pages are kept as `ok`.
        workers: extraction processes (the parent only reads inputs and writes rows).
        timeout: seconds one page may take before its worker is killed and the page recorded as an error.
        recycle_pages: a worker that has done this many pages is replaced by a fresh process between chunks
            (long-lived processes keep the memory their biggest pages fragmented).
        chunk_pages: pages sent to a worker at once (bounds what is in flight: workers x chunk).
        chunk_bytes: ... or fewer, when their raw bytes reach this.
        group_rows: rows per Parquet row group (or per flush of a JSONL part).
        part_rows: rows per part file; a part is the unit a resumed run keeps or redoes.
        format: "parquet" or "jsonl".
        dedup: mark near-duplicate bodies (MinHash + LSH) once every page is written.
        dedup_threshold: estimated Jaccard similarity of word 2-shingles from which two bodies are near-copies
            (0.3: chosen on perturbed WCXB dev bodies, see `copydesk bench --dedup`).
        extractor: the per-page function, "module:function" (see COPYDESK_EXTRACTOR).
        progress: draw a progress bar on stderr.
    """

    options: Options = field(default_factory=Options)
    filters: Filters = field(default_factory=Filters)
    workers: int = 1
    timeout: float = 60.0
    recycle_pages: int = 10000
    chunk_pages: int = 16
    chunk_bytes: int = 8 * 1024 * 1024
    group_rows: int = 1000
    part_rows: int = 20000
    format: str = "parquet"
    dedup: bool = False
    dedup_threshold: float = 0.3
    extractor: str = COPYDESK_EXTRACTOR
    progress: bool = True
