"""copydesk.spark in a local Spark session: the documented job, and the same rows as `copydesk corpus` writes.

One test, one session: starting Spark is most of its time."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from copydesk import spark as copydesk_spark
from copydesk.corpus import CorpusSettings, run
from copydesk.corpus.schema import ROW_SCHEMA
from copydesk.corpus.warcfile import WarcWriter
from corpus_pages import article_html

COMPARED = ("record_id", "url", "status", "reason", "title", "text", "chars", "language", "page_type")


@pytest.fixture(scope="module")
def session():
    from pyspark.sql import SparkSession

    # Spark's Python workers must be this interpreter (the one with this copydesk), not python3 from PATH.
    saved = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master("local[1]").appName("copydesk-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate())
    yield spark
    spark.stop()
    if saved is None:
        os.environ.pop("PYSPARK_PYTHON")
    else:
        os.environ["PYSPARK_PYTHON"] = saved


def _job():
    script = Path(__file__).parent.parent / "docs" / "spark_corpus.py"
    spec = importlib.util.spec_from_file_location("spark_corpus", script)
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)
    return job


def test_spark_gives_the_corpus_rows_for_html_strings_and_warc_paths(session, tmp_path: Path):
    pages = [("page-1", "http://a.test/1", article_html(1)), ("page-2", None, "")]
    frame = session.createDataFrame(pages, "record_id string, url string, html string")
    extracted = frame.mapInArrow(copydesk_spark.extract_html, copydesk_spark.spark_schema())
    assert [field.name for field in extracted.schema.fields] == ROW_SCHEMA.names
    rows = {row["record_id"]: row for row in extracted.collect()}
    assert rows["page-1"]["status"] == "ok" and rows["page-1"]["title"].startswith("Story number 1")
    assert rows["page-1"]["body"][0]["text"] and rows["page-1"]["url"] == "http://a.test/1"
    assert rows["page-2"]["status"] == "skipped" and rows["page-2"]["reason"] == "empty input"

    (tmp_path / "crawl").mkdir()
    warc = tmp_path / "crawl" / "one.warc.gz"
    with warc.open("wb") as stream:
        writer = WarcWriter(stream)
        writer.warcinfo()
        for number in range(3):
            writer.request(f"http://d.test/{number}")
            writer.response(f"http://d.test/{number}", article_html(20 + number).encode())
    (tmp_path / "warc.paths").write_text("crawl/one.warc.gz\n")

    _job().main(str(tmp_path / "warc.paths"), str(tmp_path / "rows"), prefix=f"{tmp_path}/")

    from_spark = {row["record_id"]: row for row in pq.read_table(tmp_path / "rows").to_pylist()}
    run([str(warc)], tmp_path / "out", CorpusSettings(workers=1, progress=False))
    local = {row["record_id"]: row for part in sorted((tmp_path / "out").glob("part-*.parquet"))
             for row in pq.read_table(part).to_pylist()}
    assert len(from_spark) == 7 and from_spark.keys() == local.keys()
    for record_id, row in local.items():
        assert {key: from_spark[record_id][key] for key in COMPARED} == {key: row[key] for key in COMPARED}
    assert sum(row["status"] == "ok" for row in from_spark.values()) == 3
