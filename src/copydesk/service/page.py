"""The web page at `/`: one static HTML file with its script and style inline, served under a
Content-Security-Policy that allows exactly those two (by their SHA-256) and nothing else to run."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from importlib import resources

from fastapi.responses import HTMLResponse

_INLINE = {"script": re.compile(r"<script>(.*?)</script>", re.S), "style": re.compile(r"<style>(.*?)</style>", re.S)}


@dataclass(frozen=True, slots=True)
class WebPage:
    html: str
    policy: str

    @classmethod
    def load(cls) -> WebPage:
        html = (resources.files("copydesk.service") / "page.html").read_text(encoding="utf-8")
        hashes = {kind: " ".join(_sha256(body) for body in pattern.findall(html)) for kind, pattern in _INLINE.items()}
        # Pictures are the only thing loaded from elsewhere (the article's own image URLs); they cannot run.
        policy = (f"default-src 'none'; script-src {hashes['script']}; style-src {hashes['style']}; "
                  "img-src http: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors 'none'")
        return cls(html, policy)

    def response(self) -> HTMLResponse:
        return HTMLResponse(self.html, headers={"content-security-policy": self.policy,
                                                "cache-control": "no-cache"})


def _sha256(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
