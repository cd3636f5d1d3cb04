"""Reading a request body within the service's size limit."""

from __future__ import annotations

from starlette.requests import Request

from .errors import ServiceError


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 before reading when its declared length is over `limit`, and as soon
    as the bytes received pass `limit` when it declares none (chunked) or declares less than it sends."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise ServiceError(400, "bad_content_length", "the Content-Length header is not a number")
        if int(declared) > limit:
            raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ServiceError:
    return ServiceError(413, "body_too_large", f"the request body is larger than the {limit} bytes this "
                        "service accepts")
