"""copydesk.spark in a local Spark session: the same rows and schema as `copydesk corpus` writes."""

from __future__ import annotations

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


def test_html_strings_and_warc_paths_give_the_corpus_rows(session, tmp_path: Path):
    pages = [("page-1", "http://a.test/1", article_html(1)), ("page-2", "http://b.test/2", article_html(2)),
             ("page-3", None, "")]
    frame = session.createDataFrame(pages, "record_id string, url string, html string")
    rows = {row["record_id"]: row for row in
            frame.mapInArrow(copydesk_spark.extract_html, copydesk_spark.spark_schema()).collect()}
    assert set(rows) == {"page-1", "page-2", "page-3"}
    assert rows["page-1"]["status"] == "ok" and rows["page-1"]["title"].startswith("Story number 1")
    assert rows["page-2"]["body"][0]["text"] and rows["page-2"]["url"] == "http://b.test/2"
    assert rows["page-3"]["status"] == "skipped" and rows["page-3"]["reason"] == "empty input"

    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as stream:
        writer = WarcWriter(stream)
        writer.warcinfo()
        for number in range(3):
            writer.request(f"http://c.test/{number}")
            writer.response(f"http://c.test/{number}", article_html(10 + number).encode())
    paths = session.createDataFrame([(str(warc),)], "path string")
    from_spark = paths.mapInArrow(copydesk_spark.extract_warcs, copydesk_spark.spark_schema())
    assert [field.name for field in from_spark.schema.fields] == ROW_SCHEMA.names
    spark_rows = {row["record_id"]: row.asDict(recursive=True) for row in from_spark.collect()}

    run([str(warc)], tmp_path / "out", CorpusSettings(workers=1, progress=False))
    local_rows = {row["record_id"]: row for part in sorted((tmp_path / "out").glob("part-*.parquet"))
                  for row in pq.read_table(part).to_pylist()}
    assert spark_rows.keys() == local_rows.keys() and len(spark_rows) == 7
    for record_id, local in local_rows.items():
        assert {key: spark_rows[record_id][key] for key in ("status", "reason", "title", "text", "chars")} == {
            key: local[key] for key in ("status", "reason", "title", "text", "chars")}


def test_the_documented_spark_job_runs_locally(session, tmp_path: Path):
    import importlib.util

    script = Path(__file__).parent.parent / "docs" / "spark_corpus.py"
    spec = importlib.util.spec_from_file_location("spark_corpus", script)
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)
    (tmp_path / "crawl").mkdir()
    with (tmp_path / "crawl" / "one.warc.gz").open("wb") as stream:
        writer = WarcWriter(stream)
        for number in range(4):
            writer.response(f"http://d.test/{number}", article_html(20 + number).encode())
    (tmp_path / "warc.paths").write_text("crawl/one.warc.gz\n")

    job.main(str(tmp_path / "warc.paths"), str(tmp_path / "rows"), prefix=f"{tmp_path}/")

    rows = pq.read_table(tmp_path / "rows").to_pylist()
    assert sorted(row["url"] for row in rows) == [f"http://d.test/{number}" for number in range(4)]
    assert all(row["status"] == "ok" and row["text"] for row in rows)
