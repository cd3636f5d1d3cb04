"""Article pages: what stays out of the body beside the story (teaser cards, footers, what the site's own
JSON-LD copy of the article leaves out), each on a page built for it."""

from __future__ import annotations

import json

import numpy as np
from selectolax.lexbor import LexborHTMLParser

import copydesk
from copydesk.blocks import page_blocks
from copydesk.classify import (
    Selection,
    apply_model,
    drop_footers,
    drop_outside_schema_body,
    drop_teasers,
    keep_shop_prose,
    select,
)
from copydesk.features import HeuristicView
from copydesk.metadata.linked_data import article_body
from copydesk.options import Options

STORY = [
    f"Paragraph {n} of the story tells what happened on the river that night, in plain and patient sentences, "
    "with the names of the boats and the hours they left the quay."
    for n in range(1, 9)
]


def _walked(markup: str):
    body = LexborHTMLParser(markup).body
    assert body is not None
    return page_blocks(body)


def _all_kept(page) -> Selection:
    return Selection(list(page.blocks), [], HeuristicView([None] * len(page.elements), 0, 0, False, set()))


def _cards(count: int, ellipsis: str = "...") -> str:
    return "".join(
        f"<article class='card'><div class='title'><a href='/story-{n}'>Other story number {n} of the week</a></div>"
        f"<div class='author'>Webmaster</div><div class='body'>THE HARBOUR BOARD met on Tuesday to discuss the "
        f"state of the quay number {n}, and the members agreed that the repairs would begin in spring{ellipsis}"
        "</div></article>"
        for n in range(count)
    )


def _story_page(cards: str, paragraphs: int = 8) -> str:
    story = "".join(f"<p>{text}</p>" for text in STORY[:paragraphs])
    return (f"<html><body><main><article><h1>River night</h1>{story}</article>"
            f"<section>{cards}</section></main></body></html>")


def test_teaser_cards_with_cut_excerpts_beside_a_story_are_dropped():
    page = _walked(_story_page(_cards(5)))
    selection = drop_teasers(page, _all_kept(page))
    kept = "\n".join(block.text for block in selection.kept)
    assert all(text in kept for text in STORY)
    assert "HARBOUR BOARD" not in kept and "Other story number" not in kept and "Webmaster" not in kept
    assert {block.label for block in selection.removed} == {"related"}


def test_teaser_cards_stay_without_a_story_beside_them_or_when_too_few_or_whole():
    for markup in (_story_page(_cards(8), paragraphs=1),  # a listing: the cards are the page
                   _story_page(_cards(2)),  # two are not a grid
                   _story_page(_cards(5, ellipsis="."))):  # whole paragraphs, not excerpts
        page = _walked(markup)
        assert len(drop_teasers(page, _all_kept(page)).kept) == len(page.blocks)


SIGN_UP = ["Get editor selected deals texted right to your phone!",
           "By clicking Sign Me Up, you confirm you are 16+ and agree to our Terms of Use and Privacy Policy."]


def _article_with_box() -> str:
    box = "".join(f"<div>{text}</div>" for text in SIGN_UP)
    story = "".join(f"<p>{text}</p>" for text in STORY[:4]) + f"<div class='x'>{box}</div>"
    story += "".join(f"<p>{text}</p>" for text in STORY[4:])
    return f"<html><body><article><h1>River night</h1>{story}</article></body></html>"


def _json_ld(body: str) -> str:
    return json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example"},
        {"@type": "NewsArticle", "headline": "River night", "articleBody": body}]})


def test_article_body_is_read_from_the_json_ld():
    assert article_body([_json_ld("The text.")]) == "The text."
    assert article_body(['{"@type": "Article", "headline": "No body"}', "not json"]) == ""


def test_blocks_the_json_ld_article_body_leaves_out_are_dropped():
    page = _walked(_article_with_box())
    selection = drop_outside_schema_body(_all_kept(page), " ".join(STORY))
    kept = "\n".join(block.text for block in selection.kept)
    assert all(text in kept for text in STORY)
    assert not any(text in kept for text in SIGN_UP)
    assert "River night" in kept  # too short to judge


def test_a_short_or_foreign_article_body_changes_nothing():
    page = _walked(_article_with_box())
    for body in (STORY[0], "An entirely different story about mountains, snow and the long winter. " * 20):
        assert len(drop_outside_schema_body(_all_kept(page), body).kept) == len(page.blocks)


def test_extract_drops_what_the_article_body_leaves_out_and_the_option_turns_it_off():
    markup = _article_with_box().replace(
        "<html>", f"<html><head><script type='application/ld+json'>{_json_ld(' '.join(STORY))}</script></head>")
    text = copydesk.extract(markup).text
    assert STORY[0] in text and STORY[-1] in text
    assert not any(line in text for line in SIGN_UP)
    # Off, the same cut less this one step: every line kept with it on is kept.
    without = copydesk.extract(markup, options=Options(schema_body=False)).text
    assert set(text.split("\n")) <= set(without.split("\n"))


DISCLAIMER = ("This material is not intended to replace the advice of a qualified advisor. Information has been "
              "obtained from sources believed to be reliable, but its accuracy is not guaranteed.")


def test_kept_blocks_inside_a_footer_are_dropped():
    story = "".join(f"<p>{text}</p>" for text in STORY[:3])
    page = _walked(f"<html><body><article><h1>River night</h1>{story}<footer><p>{DISCLAIMER}</p></footer>"
                   "</article><footer><p>Contact us at the harbour office, open every weekday.</p></footer>"
                   "</body></html>")
    selection = drop_footers(page, _all_kept(page))
    kept = "\n".join(block.text for block in selection.kept)
    assert all(text in kept for text in STORY[:3])
    assert DISCLAIMER not in kept and "harbour office" not in kept
    assert {block.label for block in selection.removed} == {"footer"}


def test_a_page_that_wraps_its_content_in_a_footer_is_left_alone():
    story = "".join(f"<p>{text}</p>" for text in STORY[:3])
    page = _walked(f"<html><body><div>Menu</div><footer>{story}</footer></body></html>")
    assert len(drop_footers(page, _all_kept(page)).kept) == len(page.blocks)


class _FixedModel:
    """A block model that gives every block the same probability."""

    threshold = 0.5

    def probabilities(self, features):
        return np.full(len(features), 0.8)


def _script_shown_shop() -> str:
    items = "".join(f"<li><h3>Framed print number {n} of the harbour</h3><p>${n}9.00</p></li>" for n in range(1, 9))
    return ("<html><body><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>"
            f"<div style='display:none'><h1>Prints</h1><ul>{items}</ul></div></body></html>")


def test_a_short_cut_takes_in_the_hidden_blocks_of_a_page_shown_by_script():
    page = _walked(_script_shown_shop())
    features = np.zeros((len(page.blocks), 1))
    kept = apply_model(page, select(page, Options()), _FixedModel(), Options(), features).kept
    text = "\n".join(block.text for block in kept)
    assert "Framed print number 1 of the harbour" in text and "$89.00" in text
    # Off, the hidden blocks stay vetoed: only the visible menu can be kept.
    off = apply_model(page, select(page, Options()), _FixedModel(), Options(reveal_hidden=False), features).kept
    assert not any("Framed print" in block.text for block in off)


def test_hidden_blocks_stay_out_beside_a_visible_body():
    story = "".join(f"<p>{text}</p>" for text in STORY)
    markup = _script_shown_shop().replace("<nav>", f"<article>{story}</article><nav>")
    page = _walked(markup)
    features = np.zeros((len(page.blocks), 1))
    kept = apply_model(page, select(page, Options()), _FixedModel(), Options(), features).kept
    text = "\n".join(block.text for block in kept)
    assert STORY[0] in text and "Framed print" not in text


GUIDE = [
    f"Part {n} of the buying guide explains how to choose a lantern for the boat, what the glass and the brass "
    "are worth at sea, how long the wick lasts on a winter crossing, and why the harbour masters still prefer "
    "the old models to the new electric ones that the shops keep pushing on every sailor who walks in."
    for n in range(1, 9)
]


def _shop_page_blocks(items: int = 40):
    grid = "".join(f"<li><h3>Brass lantern model {n} with a glass chimney</h3><p>${n}9.00</p>"
                   "<p>In stock, ships in two days</p></li>" for n in range(1, items + 1))
    guide = "".join(f"<p>{text}</p>" for text in GUIDE)
    return _walked(f"<html><body><main><h1>Lanterns</h1><ul>{grid}</ul><h2>Choosing a lantern</h2>{guide}"
                   "</main></body></html>")


def test_a_shop_page_with_a_long_text_of_its_own_keeps_only_that_text():
    page = _shop_page_blocks()
    selection = keep_shop_prose(_all_kept(page))
    kept = "\n".join(block.text for block in selection.kept)
    assert all(text in kept for text in GUIDE) and "Choosing a lantern" in kept
    assert "Brass lantern model" not in kept and "$19.00" not in kept and "In stock" not in kept
    assert {block.label for block in selection.removed} == {"other"}


def test_a_shop_page_with_little_prose_keeps_its_grid():
    page = _shop_page_blocks()
    # Four parts of the guide (some 230 words) are not enough to make it the page's text.
    few = [block for block in page.blocks if not block.text.startswith(tuple(f"Part {n}" for n in range(5, 9)))]
    selection = Selection(few, [], _all_kept(page).view)
    assert len(keep_shop_prose(selection).kept) == len(few)


def test_a_shop_page_mostly_prose_keeps_the_rest_with_it():
    # A product's long description beside a few lines of specifications and prices: they go together.
    page = _shop_page_blocks(items=8)
    assert len(keep_shop_prose(_all_kept(page)).kept) == len(page.blocks)
