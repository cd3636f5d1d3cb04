"""What a worker process does with one job: extract, and render what the service answers with.

Runs inside the worker processes (see `workers.py`); everything it returns is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ExtractionError
from ..formats import to_markdown
from ..options import Options
from ..parts import RemovedBlock
from ..pipeline import extract, heuristic_pass

# The page view lists at most this many blocks: a browser shows that many spans comfortably.
MAX_VIEW_BLOCKS = 20_000


@dataclass(frozen=True, slots=True)
class Job:
    html: bytes
    url: str | None = None
    explain: bool = False
    view: bool = False  # the web page's extras: the page's text with categories, the Markdown document


def run_job(job: Job, options: Options) -> dict[str, Any]:
    """`{"article": ...}` (with `page` and `markdown_document` for a view), or `{"error": ...}` for
    input that is not a page."""
    try:
        article = extract(job.html, url=job.url, options=options, explain=job.explain or job.view)
    except ExtractionError as exc:
        return {"error": {"code": type(exc).__name__, "message": str(exc)}}
    result: dict[str, Any] = {"article": article.to_dict()}
    if job.view:
        result["page"] = page_view(job.html, options, article.removed or [])
        result["markdown_document"] = to_markdown(article)
    return result


def page_view(html: bytes, options: Options, removed: list[RemovedBlock]) -> list[dict[str, Any]]:
    """Every block of the page in reading order, each with the category it was removed under (None
    when kept). `removed` is the blocks left out, in reading order, so it is matched in sequence
    against a fresh walk of the same page (the walk is deterministic; two blocks with the same text
    may swap their marks, which shows the same text either way)."""
    _, page, _ = heuristic_pass(html, options)
    view, pending = [], 0
    for block in page.blocks[:MAX_VIEW_BLOCKS]:
        category = None
        if pending < len(removed) and removed[pending].text == block.text:
            category = removed[pending].category
            pending += 1
        view.append({"text": block.text, "category": category})
    return view
