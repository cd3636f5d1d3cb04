"""The HTTP API and the web page: routes, request parsing, errors as JSON, metrics, security headers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from .errors import ServiceError
from .fetch import fetch_page
from .jobs import Job
from .limits import read_body
from .metrics import Metrics
from .page import WebPage
from .settings import ServiceOptions
from .workers import WorkerPool

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/octet-stream", "")
_ROUTES = ("/", "/healthz", "/metrics", "/openapi.json", "/v1/extract", "/v1/extract/batch")
# Every response: no sniffing, no referrer, no framing; API answers may not load anything at all.
_API_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


class ExtractRequest(BaseModel):
    """A page to extract: its HTML (with its URL, to resolve links), or a URL for the service to fetch."""

    html: str | None = Field(None, description="The page's HTML. With it, `url` only resolves relative links.")
    url: str | None = Field(None, description="The page's URL; fetched when `html` is absent.")
    explain: bool = Field(False, description="List every removed block with its category (`article.removed`).")
    view: bool = Field(False, description="Also return the page's text block by block with categories and the "
                                          "Markdown document (what the web page shows).")


class BatchRequest(BaseModel):
    items: list[ExtractRequest] = Field(..., description="The pages, each as in /v1/extract.")
    explain: bool = Field(False, description="Explain every item.")


class ExtractResponse(BaseModel):
    article: dict[str, Any] = Field(..., description="The record (schema: copydesk/schema/article.schema.json).")
    fetched_url: str | None = Field(None, description="The URL the page was fetched from, after redirects.")
    page: list[dict[str, Any]] | None = Field(None, description="With view: every block, category or null.")
    markdown_document: str | None = Field(None, description="With view: front matter and body as Markdown.")


class ErrorResponse(BaseModel):
    error: dict[str, Any] = Field(..., description="status, code and a message for a person.")


def create_app(options: ServiceOptions | None = None) -> FastAPI:
    """The service as an ASGI app. Its worker processes start and stop with the app's lifespan."""
    options = options or ServiceOptions()
    metrics = Metrics()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = WorkerPool(options, metrics)
        try:
            await pool.start()
            # No proxy from the environment (it would connect on our behalf, past the address checks).
            async with httpx.AsyncClient(trust_env=False, follow_redirects=False) as client:
                state.update(pool=pool, client=client)
                yield
        finally:
            await pool.close()

    app = FastAPI(title="copydesk", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Web pages in, clean structured article records out.")
    app.add_middleware(_Observe, metrics=metrics)
    _add_error_handlers(app)
    page = WebPage.load()

    async def run(request: ExtractRequest) -> dict[str, Any]:
        return await extract_one(request, options, state["pool"], state["client"], metrics)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home() -> Response:
        return page.response()

    @app.get("/healthz", summary="Liveness: the number of extraction workers ready")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "workers": len(state["pool"].workers), "version": __version__}

    @app.get("/metrics", summary="Prometheus metrics (text format)", response_class=Response)
    async def metrics_endpoint() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.post("/v1/extract", summary="Extract one page", openapi_extra=_EXTRACT_BODY,
              responses={200: {"model": ExtractResponse}, **_ERRORS})
    async def extract_endpoint(request: Request, url: str | None = None, explain: bool = False,
                               view: bool = False) -> JSONResponse:
        body = await read_body(request, options.max_body_bytes)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/json":
            item, raw = _parse(ExtractRequest, body), None
        elif media in _HTML_TYPES:
            item, raw = ExtractRequest(url=url, explain=explain, view=view), body
        else:
            raise ServiceError(415, "unsupported_media_type",
                               f"send the page as text/html or a JSON object as application/json, not {media}")
        return JSONResponse(await extract_one(item, options, state["pool"], state["client"], metrics, raw))

    @app.post("/v1/extract/batch", summary="Extract several pages", responses=_ERRORS,
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": {"$ref": "#/components/schemas/BatchRequest"}}}}})
    async def batch_endpoint(request: Request) -> JSONResponse:
        batch = _parse(BatchRequest, await read_body(request, options.max_body_bytes))
        if len(batch.items) > options.max_batch:
            raise ServiceError(413, "batch_too_large", f"a batch holds at most {options.max_batch} items, "
                               f"not {len(batch.items)}")
        items = [item.model_copy(update={"explain": item.explain or batch.explain}) for item in batch.items]
        results = await asyncio.gather(*(_settled(run(item)) for item in items))
        return JSONResponse({"results": results})

    _document_request_bodies(app)
    return app


def _document_request_bodies(app: FastAPI) -> None:
    """The request models in the OpenAPI components: the routes read their bodies themselves (raw HTML
    or JSON, within the size limit), so FastAPI does not see the models on its own."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (ExtractRequest, BatchRequest):
                schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas[model.__name__].pop("$defs", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def extract_one(item: ExtractRequest, options: ServiceOptions, pool: WorkerPool, client: httpx.AsyncClient,
                      metrics: Metrics, raw: bytes | None = None) -> dict[str, Any]:
    """One page's answer: the HTML given (raw or in JSON), or the page fetched from `item.url`."""
    fetched_url = None
    if raw is not None:
        html = raw
    elif item.html is not None:
        html = item.html.encode("utf-8", "surrogatepass")
    elif item.url:
        fetched = await _fetch(item.url, options, client, metrics)
        html, fetched_url = fetched.content, fetched.url
    else:
        raise ServiceError(422, "nothing_to_extract", "give the page's HTML (\"html\") or a URL to fetch (\"url\")")
    result = await pool.run(Job(html, fetched_url or item.url, item.explain, item.view))
    if "error" in result:
        reason = result["error"]["message"]
        raise ServiceError(422, "not_a_page", f"this input is not a page copydesk can read: {reason}")
    if fetched_url:
        result["fetched_url"] = fetched_url
    return result


async def _fetch(url: str, options: ServiceOptions, client: httpx.AsyncClient, metrics: Metrics) -> Any:
    try:
        fetched = await fetch_page(client, url, options.fetch)
    except ServiceError as error:
        metrics.fetches.labels("refused" if error.code == "url_refused" else "failed").inc()
        raise
    metrics.fetches.labels("ok").inc()
    return fetched


async def _settled(answer: Any) -> dict[str, Any]:
    try:
        return await answer
    except ServiceError as error:
        return error.to_dict()


def _parse(model: type[BaseModel], body: bytes) -> Any:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem.get("loc", ())) or "body"
        raise ServiceError(422, "invalid_request", f"the JSON body is not valid: {where}: {problem['msg']}") from None


def _error_response(error: ServiceError) -> JSONResponse:
    return JSONResponse(error.to_dict(), status_code=error.status, headers=error.headers)


def _add_error_handlers(app: FastAPI) -> None:
    async def service_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceError)
        return _error_response(exc)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        message = {404: "there is nothing at this path", 405: "this path does not take this method"}
        text = message.get(exc.status_code, str(exc.detail))
        return _error_response(ServiceError(exc.status_code, "http_error", text))

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problem = exc.errors()[0] if exc.errors() else {"msg": "invalid request"}
        where = ".".join(str(part) for part in problem.get("loc", ()))
        return _error_response(ServiceError(422, "invalid_request", f"{where}: {problem['msg']}"))

    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _error_response(ServiceError(500, "internal_error", f"the service failed: {type(exc).__name__}"))

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, unexpected)


class _Observe:
    """Counts and times every request by route, and adds the security headers to API answers."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = scope["path"] if scope["path"] in _ROUTES else "other"
        started, status = time.perf_counter(), 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name.encode(), value.encode()) for name, value in _API_HEADERS.items()
                               if name.encode() not in present)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            self.metrics.requests.labels(route, str(status)).inc()
            self.metrics.request_seconds.labels(route).observe(time.perf_counter() - started)


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description} for status, description in {
        400: "A malformed request or URL.", 403: "The URL names an address the service does not fetch.",
        413: "The body (or batch) is over the limit.", 415: "A body that is neither HTML nor JSON.",
        422: "Invalid JSON, nothing to extract, or input that is not a page.",
        502: "The page could not be fetched.", 503: "Too busy: retry.",
        504: "The fetch or the extraction ran over its time limit.",
    }.items()
}

_EXTRACT_BODY = {"requestBody": {"required": True, "content": {
    "text/html": {"schema": {"type": "string", "description": "The page's HTML (any encoding; gzip accepted)."}},
    "application/json": {"schema": {"$ref": "#/components/schemas/ExtractRequest"}},
}}}
