"""The output folder: numbered part files committed by atomic rename, so a killed run resumes.

Layout of OUT (a folder):

    manifest.json              what the run is (inputs, format, extraction settings); a resumed run must match
    part-000001.parquet        committed parts (or .jsonl): each row once, parts never change after commit,
    part-000002.parquet        except that --dedup fills dup_cluster/dup_canonical at the end
    part-000003.parquet.tmp    the part being written (row groups flushed as they fill); dropped on resume
    part-000001.minhash.npz    with --dedup: the part's MinHash signatures, committed before the part itself
    _SUCCESS.json              the summary, written when every input record has its row

A part is committed when its rename lands, so after kill -9 the committed parts hold whole rows for a set
of records; a resumed run reads their `record_id`s, skips those records and writes the rest to new parts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import dedup, schema
from .settings import CorpusSettings

MANIFEST = "manifest.json"
SUCCESS = "_SUCCESS.json"


class OutputMismatch(Exception):
    """OUT holds a run made with other inputs or settings."""


def part_name(number: int, fmt: str) -> str:
    return f"part-{number:06d}.{fmt}"


def committed_parts(out: Path, fmt: str) -> list[Path]:
    return sorted(out.glob(f"part-*.{fmt}"))


def manifest(inputs: list[str], settings: CorpusSettings) -> dict[str, Any]:
    """What makes two runs the same run: the rows they would write (not workers, timeouts or progress)."""
    from dataclasses import asdict

    return {"inputs": inputs, "format": settings.format, "extractor": settings.extractor,
            "options": asdict(settings.options), "filters": asdict(settings.filters), "dedup": settings.dedup,
            "dedup_threshold": settings.dedup_threshold}


def prepare(out: Path, inputs: list[str], settings: CorpusSettings) -> tuple[set[str], int]:
    """Create or reopen OUT: the record ids already committed and the next part number."""
    out.mkdir(parents=True, exist_ok=True)
    wanted = json.loads(json.dumps(manifest(inputs, settings)))
    path = out / MANIFEST
    if path.exists():
        found = json.loads(path.read_text(encoding="utf-8"))
        if found != wanted:
            raise OutputMismatch(f"{out} holds a run with other inputs or settings: use another output folder")
    else:
        _write_atomic(path, json.dumps(wanted, indent=1).encode("utf-8"))
    for stale in out.glob("*.tmp"):
        stale.unlink()
    (out / SUCCESS).unlink(missing_ok=True)
    parts = committed_parts(out, settings.format)
    done = set().union(*(record_ids(part, settings.format) for part in parts)) if parts else set()
    return done, (int(parts[-1].name[5:11]) + 1 if parts else 1)


def record_ids(part: Path, fmt: str) -> set[str]:
    if fmt == "parquet":
        return set(pq.read_table(part, columns=["record_id"]).column(0).to_pylist())
    with part.open(encoding="utf-8") as lines:
        return {json.loads(line)["record_id"] for line in lines}


class PartWriter:
    """Rows in, part files out: a row group per `group_rows`, a committed part per `part_rows`."""

    def __init__(self, out: Path, settings: CorpusSettings, first_part: int) -> None:
        self.out, self.settings, self.number = out, settings, first_part
        self.buffer: list[dict[str, Any]] = []
        self.signatures: list[tuple[int, bytes, int]] = []  # (row in part, signature, chars)
        self.in_part = 0
        self.handle: Any = None

    @property
    def _final(self) -> Path:
        return self.out / part_name(self.number, self.settings.format)

    @property
    def _tmp(self) -> Path:
        return self._final.with_name(self._final.name + ".tmp")

    def write(self, row: dict[str, Any]) -> None:
        signature = row.pop(dedup.SIGNATURE_KEY, None)
        if signature is not None:
            self.signatures.append((self.in_part, signature, row.get("chars") or 0))
        self.buffer.append(row)
        self.in_part += 1
        if len(self.buffer) >= self.settings.group_rows:
            self._flush()
        if self.in_part >= self.settings.part_rows:
            self.commit()

    def commit(self) -> None:
        """Flush what is buffered and make the part final (nothing happens for an empty part)."""
        self._flush()
        if self.handle is None:
            return
        self.handle.close()
        self.handle = None
        _fsync(self._tmp)
        if self.settings.dedup:
            _write_signatures(self._final.with_suffix(".minhash.npz"), self.signatures)
        os.replace(self._tmp, self._final)
        _fsync_dir(self.out)
        self.number += 1
        self.in_part = 0
        self.signatures = []

    def _flush(self) -> None:
        if not self.buffer:
            return
        if self.settings.format == "parquet":
            if self.handle is None:
                self.handle = pq.ParquetWriter(self._tmp, schema.ROW_SCHEMA, compression="zstd")
            self.handle.write_table(schema.to_table(self.buffer))
        else:
            if self.handle is None:
                self.handle = self._tmp.open("w", encoding="utf-8")
            self.handle.writelines(json.dumps(_jsonl_row(row), ensure_ascii=False) + "\n" for row in self.buffer)
            self.handle.flush()
        self.buffer = []


def _jsonl_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row.get(name) for name in schema.COLUMNS}


def _write_signatures(path: Path, signatures: list[tuple[int, bytes, int]]) -> None:
    rows = np.array([row for row, _, _ in signatures], dtype=np.int64)
    matrix = np.frombuffer(b"".join(sig for _, sig, _ in signatures), dtype=np.uint32).reshape(-1, dedup.NUM_PERM)
    chars = np.array([chars for _, _, chars in signatures], dtype=np.int64)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        np.savez(handle, rows=rows, signatures=matrix, chars=chars)
    os.replace(tmp, path)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    _fsync(tmp)
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # The rename is durable only once the folder's entry is on disk.
    _fsync(path)


def write_success(out: Path, summary: dict[str, Any]) -> None:
    _write_atomic(out / SUCCESS, json.dumps(summary, indent=1).encode("utf-8"))


# --- --dedup: fill the two columns once every part is written ------------------------------------------


def mark_duplicates(out: Path, fmt: str, threshold: float, group_rows: int) -> dict[str, int]:
    """Cluster every signed row across parts and rewrite each part with dup_cluster and dup_canonical.

    Cluster ids are global row numbers (parts in order, rows in order) of the canonical member.
    Rewriting is idempotent: killed halfway, the next run recomputes the same clusters and rewrites again.
    """
    parts = committed_parts(out, fmt)
    where, signatures, chars, offset = [], [], [], 0
    sizes = [_part_rows(part, fmt) for part in parts]
    for number, (part, size) in enumerate(zip(parts, sizes, strict=True)):
        with np.load(part.with_suffix(".minhash.npz")) as saved:
            where += [(number, int(row), offset + int(row)) for row in saved["rows"]]
            signatures.append(saved["signatures"])
            chars.append(saved["chars"])
        offset += size
    if not where:
        return {"clusters": 0, "duplicates": 0}
    canonical = dedup.clusters(np.concatenate(signatures), np.concatenate(chars), threshold)
    global_ids = np.array([global_row for _, _, global_row in where])
    by_part: dict[int, list[tuple[int, int]]] = {}
    for index, (part_number, row, _) in enumerate(where):
        by_part.setdefault(part_number, []).append((row, index))
    for number, (part, size) in enumerate(zip(parts, sizes, strict=True)):
        cluster: list[int | None] = [None] * size
        is_canonical: list[bool | None] = [None] * size
        for row, index in by_part.get(number, []):
            cluster[row] = int(global_ids[canonical[index]])
            is_canonical[row] = bool(canonical[index] == index)
        _rewrite_part(part, fmt, cluster, is_canonical, group_rows)
    return {"clusters": len(set(canonical.tolist())), "duplicates": int(np.sum(canonical != np.arange(len(where))))}


def _part_rows(part: Path, fmt: str) -> int:
    if fmt == "parquet":
        return pq.ParquetFile(part).metadata.num_rows
    with part.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def _rewrite_part(part: Path, fmt: str, cluster: list[int | None], is_canonical: list[bool | None],
                  group_rows: int) -> None:
    tmp = part.with_name(part.name + ".tmp")
    if fmt == "parquet":
        table = pq.read_table(part, schema=schema.ROW_SCHEMA)
        table = table.set_column(table.schema.get_field_index("dup_cluster"), "dup_cluster",
                                 pa.array(cluster, pa.int64()))
        table = table.set_column(table.schema.get_field_index("dup_canonical"), "dup_canonical",
                                 pa.array(is_canonical, pa.bool_()))
        pq.write_table(table, tmp, compression="zstd", row_group_size=group_rows)
    else:
        with part.open(encoding="utf-8") as source, tmp.open("w", encoding="utf-8") as target:
            for line, dup, first in zip(source, cluster, is_canonical, strict=True):
                row = json.loads(line)
                row.update(dup_cluster=dup, dup_canonical=first)
                target.write(json.dumps(row, ensure_ascii=False) + "\n")
    _fsync(tmp)
    os.replace(tmp, part)
