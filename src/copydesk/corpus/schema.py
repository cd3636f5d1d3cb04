"""The output row: one per input record, the article record's fields as typed columns.

The same schema serves the Parquet parts, the JSONL parts (as keys) and `copydesk.spark`; rows are built
in `rows` (workers do not import pyarrow).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

_TEXT = pa.string()
_TEXTS = pa.list_(pa.string())

RECORD_FIELDS = [
    pa.field("schema_version", _TEXT),
    pa.field("title", _TEXT),
    pa.field("subtitle", _TEXT),
    pa.field("authors", _TEXTS),
    pa.field("published", _TEXT),
    pa.field("modified", _TEXT),
    pa.field("section", _TEXT),
    pa.field("breadcrumb", _TEXTS),
    pa.field("site_name", _TEXT),
    pa.field("publisher", _TEXT),
    pa.field("language", _TEXT),
    pa.field("canonical_url", _TEXT),
    pa.field("description", _TEXT),
    pa.field("tags", _TEXTS),
    pa.field("lead_image", _TEXT),
    pa.field("page_type", _TEXT),
    pa.field("page_type_confidence", pa.float64()),
    pa.field("confidence", pa.float64()),
    pa.field("images", pa.list_(pa.struct([("src", _TEXT), ("alt", _TEXT), ("caption", _TEXT), ("credit", _TEXT)]))),
    pa.field("related", pa.list_(pa.struct([("title", _TEXT), ("url", _TEXT), ("tag", _TEXT)]))),
    pa.field("comments", pa.list_(pa.struct([("text", _TEXT), ("author", _TEXT), ("time", _TEXT)]))),
    pa.field("removed", pa.list_(pa.struct([("category", _TEXT), ("text", _TEXT)]))),
    pa.field("text", _TEXT),
    pa.field("markdown", _TEXT),
    pa.field("body", pa.list_(pa.struct([("kind", _TEXT), ("text", _TEXT), ("level", pa.int32()),
                                         ("ordered", pa.bool_())]))),
]

ROW_SCHEMA = pa.schema([
    pa.field("record_id", _TEXT, nullable=False),
    pa.field("url", _TEXT),
    pa.field("source", _TEXT),  # the input file the record came from
    pa.field("status", _TEXT, nullable=False),
    pa.field("reason", _TEXT),  # why a record was skipped
    pa.field("error", _TEXT),  # what went wrong, for status error
    pa.field("chars", pa.int64()),  # characters in `text`
    *RECORD_FIELDS,
    pa.field("dup_cluster", pa.int64()),  # with --dedup: the cluster's id (its canonical member's row number)
    pa.field("dup_canonical", pa.bool_()),  # with --dedup: the member that stands for the cluster
])

COLUMNS = tuple(ROW_SCHEMA.names)


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of ROW_SCHEMA: missing keys become nulls, unknown keys are dropped."""
    return pa.Table.from_pylist(rows, schema=ROW_SCHEMA)
