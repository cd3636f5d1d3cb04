"""copydesk on Apache Spark: functions for `DataFrame.mapInArrow` that return the corpus rows.

    from copydesk import spark as copydesk_spark

    pages = session.createDataFrame([("id-1", "https://example.org/", "<html>...</html>")],
                                    "record_id string, url string, html string")
    rows = pages.mapInArrow(copydesk_spark.extract_html, copydesk_spark.spark_schema())

    warcs = session.createDataFrame([("s3://commoncrawl/crawl-data/.../x.warc.gz",)], "path string")
    rows = warcs.repartition(200).mapInArrow(copydesk_spark.extract_warcs, copydesk_spark.spark_schema())

The rows have the schema of `copydesk corpus`'s Parquet output (`copydesk.corpus.ROW_SCHEMA`), so a Spark
run and a one-machine run can be read together. Each Spark task extracts its pages in its own Python
worker, the way `copydesk corpus`'s workers do, with the same per-page code (`corpus.work.PageWorker`);
Spark retries a failed task, so the corpus runner's per-page time limit and resume are not used here.
To change settings, pass `functools.partial(extract_html, settings=CorpusSettings(...))`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from .corpus.readers import Task, read_warc
from .corpus.schema import ROW_SCHEMA, to_table
from .corpus.settings import CorpusSettings
from .corpus.work import PageWorker

BATCH_ROWS = 256  # rows per Arrow batch handed back to Spark


def spark_schema() -> Any:
    """ROW_SCHEMA as a Spark StructType (the second argument of `mapInArrow`)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(ROW_SCHEMA)


def extract_html(batches: Iterable[pa.RecordBatch],
                 settings: CorpusSettings | None = None) -> Iterator[pa.RecordBatch]:
    """Batches with an `html` column (string or binary), optional `url` and `record_id` (default: the url,
    else the row's position in its batch stream) -> one row per input row."""
    worker = PageWorker(settings or CorpusSettings())
    return _batched(worker.process(task) for task in _html_tasks(batches))


def extract_warcs(batches: Iterable[pa.RecordBatch],
                  settings: CorpusSettings | None = None) -> Iterator[pa.RecordBatch]:
    """Batches with a `path` column of WARC/WET files (local, or s3:// etc. through fsspec) -> one row per
    WARC record, as `copydesk corpus` writes them."""
    settings = settings or CorpusSettings()
    worker = PageWorker(settings)

    def rows() -> Iterator[dict[str, Any]]:
        for batch in batches:
            for path in batch.column("path").to_pylist():
                for item in read_warc(path, settings.options.max_input_bytes, lambda _: None):
                    yield worker.process(item) if isinstance(item, Task) else item

    return _batched(rows())


def _html_tasks(batches: Iterable[pa.RecordBatch]) -> Iterator[Task]:
    position = 0
    for batch in batches:
        data = batch.to_pydict()
        count = batch.num_rows
        urls = data.get("url") or [None] * count
        ids = data.get("record_id") or [None] * count
        for html, url, record_id in zip(data["html"], urls, ids, strict=True):
            position += 1
            yield Task(str(record_id or url or position), url, "spark", "html", html or b"")


def _batched(rows: Iterable[dict[str, Any]]) -> Iterator[pa.RecordBatch]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        row.pop("_signature", None)
        chunk.append(row)
        if len(chunk) >= BATCH_ROWS:
            yield from to_table(chunk).to_batches()
            chunk = []
    if chunk:
        yield from to_table(chunk).to_batches()
