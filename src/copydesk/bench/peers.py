"""The systems measured: copydesk itself and six peers, each called through its documented main-text API.

Input choice (the same for all, so timings compare): copydesk gets the page's raw bytes, as a crawler
hands them over, because detecting the encoding is part of its job. Every peer gets the same bytes
decoded once as UTF-8 into a str (the benchmarks are UTF-8), because str is what all six document as
their input; that decoding happens before the clock starts, which if anything favours the peers.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (html, url) -> main text; html is bytes for copydesk and str for the peers (see `System.wants_bytes`).
Extractor = Callable[[Any, "str | None"], str]

PEERS = ("trafilatura", "readability", "resiliparse", "justext", "newspaper4k", "goose3")
BASELINE = "trafilatura"  # speed ratios are given relative to it, the best-known peer
INSTALL_HINT = "pip install copydesk[bench]"

# Libraries whose log lines would otherwise scribble over the progress bar and the table.
_NOISY_LOGGERS = ("trafilatura", "readability", "readability.readability", "goose3", "newspaper", "justext")


class PeerMissing(Exception):
    """A requested peer's package is not installed."""


@dataclass(frozen=True)
class System:
    """One extractor under test."""

    name: str
    extract: Extractor
    wants_bytes: bool = False


# The main-text bench measures the text: copydesk reads no metadata, as trafilatura.extract reads none
# by default. `copydesk bench --metadata` measures both with their metadata on.
TEXT_ONLY = {"metadata": False}


def copydesk_system() -> System:
    """copydesk, through its public API, fed raw bytes."""
    import copydesk

    options = copydesk.Options(**TEXT_ONLY)

    def run(html: bytes, url: str | None) -> str:
        return copydesk.extract(html, url=url, options=options).text

    return System("copydesk", run, wants_bytes=True)


PARSE_FLOOR = "parse"  # the pseudo-peer `copydesk bench --speed` measures as the floor


def parse_system() -> System:
    """The floor: copydesk's own decoding and lexbor parse of the same bytes, and nothing after it.

    Not a peer (it extracts nothing, so it stays out of PEERS and the F1 tables); `--speed` adds it to
    say how much of copydesk's time is the parse no extractor built on lexbor can avoid.
    """
    from copydesk.options import DEFAULT_OPTIONS
    from copydesk.parse import parse, prepare

    def run(html: bytes, url: str | None) -> str:
        parse(*prepare(html, DEFAULT_OPTIONS))
        return ""

    return System(PARSE_FLOOR, run, wants_bytes=True)


def copydesk_cv_system(data_dir: Path, folds: int, quiet: bool = True) -> System:
    """copydesk with cross-validated models: each page is extracted by the model of the folds that
    did not hold its domain (the split `copydesk train` uses), so WCXB scores are out of sample."""
    import tempfile

    import copydesk
    from copydesk.train import domain_of, fold_of, train_fold_models

    model_dir = Path(tempfile.mkdtemp(prefix="copydesk-cv-"))
    paths = train_fold_models(data_dir, model_dir, folds, progress=not quiet)
    options = {
        fold: copydesk.Options(model_path=str(blocks), page_model_path=str(page_types), **TEXT_ONLY)
        for fold, (blocks, page_types) in paths.items()
    }

    def run(html: bytes, url: str | None) -> str:
        return copydesk.extract(html, url=url, options=options[fold_of(domain_of(url), folds)]).text

    return System("copydesk", run, wants_bytes=True)


def load_peers(names: list[str]) -> list[System]:
    """Build the adapters for `names`; raise PeerMissing with a one-line hint if a package is absent."""
    for logger in _NOISY_LOGGERS:
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        # newspaper4k warns at import that its optional NLP extra is absent; text extraction needs none.
        warnings.simplefilter("ignore")
        return [_FACTORIES[name]() for name in names]


def _require(module: str, peer: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        message = f"peer {peer!r} is not installed ({exc}); install the peers with: {INSTALL_HINT}"
        raise PeerMissing(message) from exc


def _trafilatura() -> System:
    trafilatura = _require("trafilatura", "trafilatura")

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url) or ""  # None means "found nothing"

    return System("trafilatura", run)


def _readability() -> System:
    readability = _require("readability", "readability")
    lxml_html = _require("lxml.html", "readability")

    def run(html: str, url: str | None) -> str:
        summary = readability.Document(html, url=url).summary()
        return html_to_text(lxml_html.fromstring(summary))

    return System("readability", run)


def _resiliparse() -> System:
    html2text = _require("resiliparse.extract.html2text", "resiliparse")
    parse = _require("resiliparse.parse.html", "resiliparse")

    def run(html: str, url: str | None) -> str:
        return html2text.extract_plain_text(parse.HTMLTree.parse(html), main_content=True)

    return System("resiliparse", run)


def _justext() -> System:
    justext = _require("justext", "justext")
    stoplist = justext.get_stoplist("English")  # loaded once: a per-call file read is not extraction

    def run(html: str, url: str | None) -> str:
        paragraphs = justext.justext(html, stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return System("justext", run)


def _newspaper4k() -> System:
    newspaper = _require("newspaper", "newspaper4k")

    def run(html: str, url: str | None) -> str:
        # input_html makes download() skip the network; fetch_images=False keeps parse() offline too.
        article = newspaper.Article(url or "", fetch_images=False)
        article.download(input_html=html)
        article.parse()
        return article.text or ""

    return System("newspaper4k", run)


def _goose3() -> System:
    goose3 = _require("goose3", "goose3")
    goose = goose3.Goose()  # one instance, as its docs use it; with raw_html it never fetches

    def run(html: str, url: str | None) -> str:
        return goose.extract(raw_html=html).cleaned_text or ""

    return System("goose3", run)


_FACTORIES: dict[str, Callable[[], System]] = {
    "trafilatura": _trafilatura,
    "readability": _readability,
    "resiliparse": _resiliparse,
    "justext": _justext,
    "newspaper4k": _newspaper4k,
    "goose3": _goose3,
}

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
})


def html_to_text(root: Any) -> str:
    """Text of an lxml tree with a line break after each block element.

    lxml's text_content() would glue "<p>end</p><p>Next" into "endNext", merging two words into one
    token and penalising readability for a serialisation detail, not for what it extracted.
    """
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return root.text_content()
