"""One typed, frozen settings object passed down the pipeline (no module-level knobs)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    """How `extract` behaves. Build one and pass it down; every stage reads only this.

    Attributes:
        include_tables: keep tables that belong to the content.
        include_code: keep `<pre>`/code blocks.
        include_links: keep link targets in the Markdown rendering.
        min_block_chars: blocks shorter than this never count as content evidence on their own.
        max_link_density: a block whose share of characters inside links exceeds this is navigation.
        max_input_bytes: larger inputs are cut to this many bytes before parsing (bounded memory).
    """

    include_tables: bool = True
    include_code: bool = True
    include_links: bool = True
    min_block_chars: int = 25
    max_link_density: float = 0.5
    max_input_bytes: int = 64 * 1024 * 1024


DEFAULT_OPTIONS = Options()
