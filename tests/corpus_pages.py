"""Pages the corpus tests build: article-like HTML from a bank of English sentences, and the extractors
the tests swap in through `CorpusSettings.extractor` (a worker imports them by name, like any extractor)."""

from __future__ import annotations

import os
import random
import time
from typing import Any

from copydesk.corpus.work import copydesk_record
from copydesk.options import Options

SENTENCES = [
    "The council voted on Tuesday to extend the opening hours of the central library.",
    "Residents had asked for longer evening hours for more than two years.",
    "The new schedule starts next month and will be reviewed after six months.",
    "Staff numbers will rise by four, paid for by a grant from the regional government.",
    "A spokesperson said the change would help students who work during the day.",
    "Local businesses near the library welcomed the decision at a public meeting.",
    "The building was renovated in 2019 after a fire damaged its reading rooms.",
    "Critics argued that the money could have been spent on the bus network instead.",
    "The mayor said both projects would be funded in the next budget.",
    "Visitor numbers have grown steadily since the renovation was completed.",
    "Volunteers run a weekly reading club for children on Saturday mornings.",
    "The library also lends laptops and offers free language courses for adults.",
    "Engineers inspected the old bridge over the river and found serious cracks.",
    "Traffic will be diverted through the industrial estate while repairs are made.",
    "The repairs are expected to take at least three months to complete.",
    "Farmers in the valley reported a strong harvest despite the dry summer.",
    "Prices for wheat fell slightly as supply increased across the region.",
    "The weather service expects heavy rain in the north later this week.",
]


_SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "ro", "vi", "de", "pa", "zu", "fe", "go", "hi", "ju", "bo"]


def distinct_paragraphs(seed: int, paragraphs: int = 6, words: int = 40) -> list[str]:
    """Paragraphs of made-up words drawn for `seed`: two seeds share almost no word pairs."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices(_SYLLABLES, k=3)) for _ in range(300)]
    return [" ".join(rng.choices(vocabulary, k=words)).capitalize() + "." for _ in range(paragraphs)]


def article_html(seed: int, paragraphs: int = 6, marker: str = "", body: list[str] | None = None,
                 chrome: str = "") -> str:
    """An article page: nav, headline, paragraphs (from `body` or random sentences), footer."""
    rng = random.Random(seed)
    texts = body or [" ".join(rng.sample(SENTENCES, 4)) for _ in range(paragraphs)]
    paras = "".join(f"<p>{text}</p>" for text in texts)
    return (f"<html lang='en'><head><title>Story {seed}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
            f"<article><h1>Story number {seed} {marker}</h1>{paras}</article>"
            f"<footer><p>{chrome or 'Copyright the publisher. All rights reserved.'}</p></footer></body></html>")


def misbehaving(payload: bytes | str, url: str | None, options: Options) -> dict[str, Any]:
    """copydesk, except on pages that ask to hang (sleep far past any time limit) or to crash the worker."""
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if "HANG-HERE" in text:
        time.sleep(3600)
    if "CRASH-HERE" in text:
        os._exit(3)  # as a segfault in native code would: no exception, no cleanup
    return copydesk_record(payload, url, options)


def slow(payload: bytes | str, url: str | None, options: Options) -> dict[str, Any]:
    """copydesk plus 50 ms a page: a run long enough to be killed in the middle."""
    time.sleep(0.05)
    return copydesk_record(payload, url, options)
