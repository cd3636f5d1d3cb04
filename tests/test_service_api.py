"""The HTTP API in-process: every route, every input shape, errors as JSON with the right status."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conftest import NEWS_PAGE
from copydesk.cli import main
from copydesk.service import ServiceOptions, create_app

HTML = {"content-type": "text/html"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServiceOptions(workers=2, max_batch=4))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def news_html() -> bytes:
    return NEWS_PAGE.read_bytes()


def test_raw_html_gives_the_record(client, news_html, news_article):
    response = client.post("/v1/extract", content=news_html, headers=HTML)
    assert response.status_code == 200
    article = response.json()["article"]
    assert article["title"] == news_article.title
    assert article["text"] == news_article.text
    assert article["removed"] is None


def test_gzip_body_and_url_in_the_query(client, news_html):
    url = "https://news.example/uk/story"
    response = client.post("/v1/extract", params={"url": url, "explain": "true"}, content=gzip.compress(news_html),
                           headers=HTML)
    article = response.json()["article"]
    assert article["url"] == url
    assert {"advertisement", "comment-form", "caption"} <= {block["category"] for block in article["removed"]}


def test_json_with_html_and_url_resolves_links(client):
    page = ("<html><body><article><h1>Links</h1><p>Read the <a href='/docs/intro'>introduction</a> before you "
            "start with the rest of this long enough paragraph of text.</p></article></body></html>")
    response = client.post("/v1/extract", json={"html": page, "url": "https://site.example/a/b"})
    assert response.status_code == 200
    assert "https://site.example/docs/intro" in response.json()["article"]["markdown"]


def test_view_lists_every_block_with_the_categories_of_removed(client, news_html):
    data = client.post("/v1/extract", json={"html": news_html.decode(), "view": True}).json()
    removed = data["article"]["removed"]
    marked = [(block["category"], block["text"]) for block in data["page"] if block["category"]]
    assert marked == [(block["category"], block["text"]) for block in removed]
    kept = "\n\n".join(block["text"] for block in data["page"] if block["category"] is None)
    for node in data["article"]["body"]:
        assert node["text"].split("\n")[0][:40] in kept
    assert data["markdown_document"].startswith("---\ntitle: ")


@pytest.mark.parametrize(("body", "headers", "status", "code"), [
    (b"", HTML, 422, "not_a_page"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, HTML, 422, "not_a_page"),
    (b"<p>hello</p>", {"content-type": "image/png"}, 415, "unsupported_media_type"),
    (b"{not json", {"content-type": "application/json"}, 422, "invalid_request"),
    (b'{"explain": true}', {"content-type": "application/json"}, 422, "nothing_to_extract"),
    (b'{"html": 3}', {"content-type": "application/json"}, 422, "invalid_request"),
    (b"<p>x</p>", {"content-type": "text/html", "content-length": "ten"}, 400, "bad_content_length"),
])
def test_bad_input_is_a_json_error(client, body, headers, status, code):
    response = client.post("/v1/extract", content=body, headers=headers)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (status, code)
    assert len(error["message"]) > 10


def test_unknown_path_and_method_are_json_errors(client):
    assert client.get("/v2/nothing").json()["error"]["status"] == 404
    response = client.get("/v1/extract")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "http_error"


def test_forbidden_url_is_refused_with_403(client):
    response = client.post("/v1/extract", json={"url": "http://169.254.169.254/latest/meta-data/"})
    assert response.status_code == 403
    assert "link-local" in response.json()["error"]["message"]


def test_batch_answers_each_item_in_order(client, news_html):
    items = [{"html": news_html.decode()}, {"url": "ftp://files.example/page"}, {"html": ""}]
    response = client.post("/v1/extract/batch", json={"items": items, "explain": True})
    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert first["article"]["title"].startswith("SAS bid")
    assert first["article"]["removed"]
    assert second["error"]["status"] == 400
    assert third["error"]["code"] == "not_a_page"


def test_batch_over_the_limit_is_413(client):
    response = client.post("/v1/extract/batch", json={"items": [{"html": "<p>a</p>"}] * 5})
    assert response.status_code == 413
    assert "at most 4" in response.json()["error"]["message"]


def test_healthz_counts_ready_workers(client):
    assert client.get("/healthz").json()["workers"] == 2


def test_metrics_are_prometheus_text(client, news_html):
    client.post("/v1/extract", content=news_html, headers=HTML)
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    counted = re.search(r'copydesk_requests_total\{route="/v1/extract",status="200"\} (\d+)', response.text)
    assert counted and int(counted.group(1)) >= 1
    assert re.search(r'copydesk_extractions_total\{outcome="ok"\} [1-9]', response.text)
    assert "copydesk_extraction_seconds_bucket" in response.text


def test_openapi_documents_both_body_types(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/extract", "/v1/extract/batch", "/healthz", "/metrics"} <= set(spec["paths"])
    content = spec["paths"]["/v1/extract"]["post"]["requestBody"]["content"]
    assert {"text/html", "application/json"} <= set(content)
    assert "413" in spec["paths"]["/v1/extract"]["post"]["responses"]
    # Every reference resolves inside the document.
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(spec)):
        assert ref in spec["components"]["schemas"], ref
    assert "html" in spec["components"]["schemas"]["ExtractRequest"]["properties"]


def test_serve_is_a_command():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--extract-timeout" in result.output and "--allow-network" in result.output


def test_page_runs_only_its_own_script(client):
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy
    script = re.search(r"<script>(.*?)</script>", response.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_api_answers_carry_the_safety_headers(client):
    headers = client.get("/healthz").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"].startswith("default-src 'none'")



def _worker_pids() -> list[int]:
    """The extraction processes this test process spawned (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and b"spawn_main" in command:
            pids.append(int(stat.parent.name))
    return pids


def test_workers_killed_from_outside_are_replaced(client, news_html):
    pids = _worker_pids()
    assert len(pids) == 2
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    for pid in pids:  # wait until each has exited (all its threads), leaving it for the pool to reap
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            time.sleep(0.01)
    response = client.post("/v1/extract", content=news_html, headers=HTML)
    assert response.status_code == 200, response.text
    assert set(_worker_pids()).isdisjoint(pids)
    restarts = re.search(r"^copydesk_worker_restarts_total (\S+)$", client.get("/metrics").text, re.M)
    assert float(restarts.group(1)) >= 1
