"""The web page in a real browser (Debian's chromium driven by Playwright): paste the news page with
hostile additions, see the article and the removed blocks highlighted by category, and check that
nothing in the input ran. Skips only when chromium is not installed (`.ci/run` installs it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import NEWS_PAGE
from copydesk.service import ServiceOptions
from service_server import running_service

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Markup that would run if the page ever put the input (or the text extracted from it) into the DOM as HTML.
PAYLOAD = "<img src=x onerror=\"window.__pwned='text'\"> and <script>window.__pwned='text-script'</script>"
HOSTILE = (
    "<script>window.__pwned = 'script';</script>"
    "<img src=x onerror=\"window.__pwned='img'\">"
    "<p>Readers quoted this markup to the editors verbatim, and it is printed here as it was sent to us: "
    + PAYLOAD.replace("<", "&lt;").replace(">", "&gt;") + "</p>"
)


@pytest.fixture(scope="module")
def base_url():
    with running_service(ServiceOptions(workers=1)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.goto(base_url + "/")
    yield tab
    context.close()


def hostile_news_page() -> str:
    html = NEWS_PAGE.read_text(encoding="utf-8")
    anchor = "<p>Soleimani was killed"
    assert anchor in html
    return html.replace(anchor, HOSTILE + anchor, 1)


def extract_in_page(page) -> None:
    page.click("#go")
    # A selector, not wait_for_function: the page's CSP forbids the eval that the latter would need.
    page.wait_for_selector("#results:not([hidden])", timeout=60_000)


def test_pasted_page_shows_article_and_highlighted_removals(page, news_article):
    page.fill("#html", hostile_news_page())
    extract_in_page(page)
    assert page.locator("#article h3").first.inner_text() == news_article.title
    legend = page.eval_on_selector_all("#legend li", "items => items.map(i => [i.dataset.category, "
                                       "getComputedStyle(i).backgroundColor])")
    colours = dict(legend)
    assert {"advertisement", "caption", "comment-form", "spam-notice", "navigation", "related"} <= set(colours)
    assert len(set(colours.values())) == len(colours)  # one colour per category
    ads = page.locator("#page .block.removed[data-category='advertisement']")
    assert ads.count() >= 2
    assert "- Advertisement -" in ads.first.inner_text()
    assert ads.first.evaluate("b => getComputedStyle(b).backgroundColor") == colours["advertisement"]
    captions = page.locator("#page .block[data-category='caption']").all_inner_texts()
    assert any("(Image: GETTY)" in text for text in captions)
    kept = page.locator("#page .block:not(.removed)").all_inner_texts()
    assert any(text.startswith("Soleimani was killed") for text in kept)
    assert page.locator("#article figure figcaption").count() == len(news_article.images)


def test_nothing_in_the_input_runs(page):
    page.fill("#html", hostile_news_page())
    extract_in_page(page)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("#article script, #page script").count() == 0
    # The payload is shown, as text, exactly as the page said it.
    assert PAYLOAD in page.locator("#article").inner_text()
    assert not [error for error in page.console_errors if "Content Security Policy" in error]


def test_downloads_hold_the_record_and_the_markdown(page, news_article):
    page.fill("#html", NEWS_PAGE.read_text(encoding="utf-8"))
    extract_in_page(page)
    record, markdown = (download(page, link) for link in ("#download-json", "#download-md"))
    assert json.loads(record)["title"] == news_article.title
    assert markdown.startswith("---\n") and f"# {news_article.title}" in markdown


def download(page, link: str) -> str:
    with page.expect_download() as info:
        page.click(link)
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_dropped_file_is_extracted(page, news_article):
    page.set_input_files("#file", str(NEWS_PAGE))
    extract_in_page(page)
    assert page.locator("#article h3").first.inner_text() == news_article.title


def test_errors_are_shown_to_the_reader(page):
    page.fill("#url", "http://127.0.0.1/")
    page.click("#go")
    page.wait_for_selector("#message.error")
    assert "public addresses" in page.inner_text("#message")
