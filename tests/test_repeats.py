"""Second copies of kept blocks (text mode: lines): dropped from the body as "duplicate", the first copy kept."""

from __future__ import annotations

import copydesk
from copydesk.blocks import Block
from copydesk.classify import Selection, drop_repeats
from copydesk.features import HeuristicView
from copydesk.options import Options

PARAGRAPHS = [
    "The valve assembly is machined from a single block of marine-grade bronze, so it never corrodes.",
    "Each unit is pressure tested to twice its rated load before it leaves the workshop in Leeds.",
    "Fitting takes about twenty minutes with the supplied spanner and the two sealing rings.",
    "Spare seals are sold in packs of four and fit every model made since the first series.",
]
# Shown once on the page's wide layout and again in the narrow layout's tab, as shops often do.
REPEATED = PARAGRAPHS[1:3]


def _page() -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    rows = "<tr><td>Thread size</td><td>M12 standard fitting</td></tr>" * 2
    return (
        "<html><head><title>Bronze valve</title></head><body><main><article><h1>Bronze valve</h1>"
        f"{paragraphs}<div class='tab'>{''.join(f'<p>{p}</p>' for p in REPEATED)}</div>"
        f"<table><tr><th>Property</th><th>Value</th></tr>{rows}</table>"
        "<p>Works with every hose we sell, and with most others on the market today as well.</p>"
        "</article></main></body></html>"
    )


def test_a_repeated_paragraph_is_kept_once_and_reported_as_duplicate():
    article = copydesk.extract(_page(), explain=True)
    assert all(article.text.count(p) == 1 for p in PARAGRAPHS)
    assert [r.text for r in article.removed if r.category == "duplicate"] == REPEATED


def test_repeated_table_rows_stay():
    article = copydesk.extract(_page())
    assert article.text.count("M12 standard fitting") == 2


def test_with_drop_repeats_off_both_copies_stay():
    article = copydesk.extract(_page(), options=Options(drop_repeats=False), explain=True)
    assert all(article.text.count(p) == 2 for p in REPEATED)
    assert not any(r.category == "duplicate" for r in article.removed)


def _blocks(*kinds_and_texts: tuple[str, str]) -> list[Block]:
    blocks = [Block(0, kind, [], text=text) for kind, text in kinds_and_texts]
    for position, block in enumerate(blocks):
        block.position = position
    return blocks


def _dropped(blocks: list[Block]) -> list[tuple[int, str | None]]:
    selection = drop_repeats(Selection(blocks, [], HeuristicView([], 0, 0, False, set())))
    assert sorted(b.position for b in selection.kept + selection.removed) == list(range(len(blocks)))
    return [(b.position, b.label) for b in selection.removed]


LONG = "A paragraph long enough to be a copy when it is seen twice."


def test_short_texts_and_code_repeat_honestly():
    blocks = _blocks(("paragraph", "Reply"), ("paragraph", "Reply"), ("code", "import copydesk as cd  # twice"),
                     ("code", "import copydesk as cd  # twice"), ("paragraph", LONG), ("paragraph", "My mother."))
    assert _dropped(blocks) == []


def test_every_later_copy_is_dropped_whatever_its_kind():
    blocks = _blocks(("paragraph", LONG), ("item", "A second item of the same list."),
                     ("paragraph", "Something new between them."), ("heading", LONG),
                     ("item", "A second item of the same list."), ("paragraph", LONG))
    assert _dropped(blocks) == [(3, "duplicate"), (4, "duplicate"), (5, "duplicate")]


def test_text_mode_keeps_the_first_copy_of_a_repeated_line():
    lines = ["Home", "News", "Library to close",
             "The council voted on Tuesday to close the old library by the end of the year.",
             "Residents said they had not been told, and a petition has since gathered 4,000 names.",
             "The council voted on Tuesday to close the old library by the end of the year.",
             "The library opened in 1904 and was paid for by a local mill owner, records show.",
             "Copyright 2024"]
    article = copydesk.extract_text("\n".join(lines), explain=True)
    assert article.text.count(lines[3]) == 1 and lines[4] in article.text
    assert [r.text for r in article.removed if r.category == "duplicate"] == [lines[3]]
    kept = copydesk.extract_text("\n".join(lines), options=Options(drop_repeats=False), explain=True)
    assert kept.text.count(lines[3]) == 2
