"""Shared fixtures: the page fixtures under tests/fixtures/, read once and extracted once per session."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

import copydesk

FIXTURES = Path(__file__).parent / "fixtures"


def _extract_fixture(name: str) -> copydesk.Article:
    return copydesk.extract((FIXTURES / name).read_bytes())


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


# The news page is the bundled example (src/copydesk/examples/news-page.html): one copy, used by
# the README's first command and by the tests.
NEWS_PAGE = Path(str(resources.files("copydesk") / "examples" / "news-page.html"))


@pytest.fixture(scope="session")
def news_article() -> copydesk.Article:
    return copydesk.extract(NEWS_PAGE.read_bytes())


@pytest.fixture(scope="session")
def forum_article() -> copydesk.Article:
    return _extract_fixture("forum-thread.html")


@pytest.fixture(scope="session")
def product_article() -> copydesk.Article:
    return _extract_fixture("product-page.html")


@pytest.fixture(scope="session")
def docs_article() -> copydesk.Article:
    return _extract_fixture("docs-page.html")
