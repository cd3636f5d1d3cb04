"""copydesk as an HTTP service: `copydesk serve`.

| module | job |
|---|---|
| `settings.py` | `ServiceOptions` and `FetchOptions`: every limit, one frozen object |
| `app.py` | the FastAPI app: routes, request parsing, JSON errors, metrics and security headers |
| `fetch.py` | fetching a URL without SSRF: addresses vetted on every hop, connection to the vetted address |
| `limits.py` | request bodies read within the size limit |
| `workers.py` | extraction in killable worker processes: time limit, concurrency, queue bound |
| `jobs.py` | what a worker does with one page |
| `metrics.py` | the Prometheus metrics |
| `page.py`, `page.html` | the web page at `/` and its Content-Security-Policy |
"""

from __future__ import annotations

from .app import create_app
from .settings import FetchOptions, ServiceOptions

__all__ = ["FetchOptions", "ServiceOptions", "create_app", "serve"]


def serve(options: ServiceOptions) -> None:
    """Run the service with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(options), host=options.host, port=options.port, limit_concurrency=options.max_connections,
                timeout_graceful_shutdown=5, log_level="info")
