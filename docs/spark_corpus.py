"""copydesk over Common Crawl on a Spark cluster: WARC paths in, the corpus rows out as Parquet.

    spark-submit --master yarn --num-executors 50 --executor-cores 4 --executor-memory 4g \\
        --conf spark.sql.execution.arrow.maxRecordsPerBatch=64 \\
        docs/spark_corpus.py s3a://commoncrawl/crawl-data/CC-MAIN-2024-33/warc.paths.gz s3a://my-bucket/copydesk/

The paths file lists one WARC per line, relative to the crawl's bucket (as Common Crawl publishes them);
`--prefix` turns them into URLs the executors open through fsspec (install copydesk[spark] and s3fs there).
"""

from __future__ import annotations

import argparse

from pyspark.sql import SparkSession

from copydesk import spark as copydesk_spark


def main(paths_file: str, out: str, prefix: str = "s3://commoncrawl/", partitions: int = 0) -> None:
    session = SparkSession.builder.appName("copydesk-corpus").getOrCreate()
    lines = session.read.text(paths_file).withColumnRenamed("value", "path")
    if prefix:
        lines = lines.selectExpr(f"concat('{prefix}', path) AS path")
    # One WARC per task: a Common Crawl WARC holds about 40,000 pages, a few minutes of work.
    warcs = lines.repartition(partitions or max(1, lines.count()))
    rows = warcs.mapInArrow(copydesk_spark.extract_warcs, copydesk_spark.spark_schema())
    rows.write.mode("overwrite").parquet(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths_file", help="a file listing WARC paths, one a line (gzip accepted)")
    parser.add_argument("out", help="where the Parquet dataset goes")
    parser.add_argument("--prefix", default="s3://commoncrawl/", help="prepended to every path ('' for none)")
    parser.add_argument("--partitions", type=int, default=0, help="Spark partitions (default: one per WARC)")
    arguments = parser.parse_args()
    main(arguments.paths_file, arguments.out, arguments.prefix, arguments.partitions)
