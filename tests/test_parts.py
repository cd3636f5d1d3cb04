"""The parts kept apart from the body: images with credits, related links, comments, removed blocks."""

from __future__ import annotations

import json

import pytest

import copydesk
from conftest import NEWS_PAGE
from copydesk.parts import split_credit

NEWS_CAPTIONS = [
    "An SAS plan to kill Qasem Soleimani was reportedly blocked",
    "Protest against the killing of Qasem Soleimani in Iran",
    "President Trump speaking after the killing of Qasem Soleimani",
    "Iranian protestors burn British and Israeli flags after the killing of Soleimani",
    "Syrians hand out sweets to celebrate the death of Soleimani",
    "Iranian protestors tear up an American flag",
]


@pytest.fixture(scope="module")
def explained(news_page_bytes):
    return copydesk.extract(news_page_bytes, url="https://www.dailyledger.example/uk/sas-bid/", explain=True)


@pytest.fixture(scope="module")
def news_page_bytes():
    return NEWS_PAGE.read_bytes()


def test_six_captioned_images_each_credited_getty(explained):
    assert [image.caption for image in explained.images] == NEWS_CAPTIONS
    assert {image.credit for image in explained.images} == {"GETTY"}
    assert all(image.src.startswith("https://www.dailyledger.example/wp-content/") for image in explained.images)


def test_four_related_links_with_their_tags(explained):
    related = [(link.title, link.tag) for link in explained.related]
    assert related == [
        ("World War 3 fears explode as air strike hits Iranian backed militia", None),
        ("Iran crisis: THOUSANDS of extra US troops sent to Middle East", "CONFLICT"),
        ("WW3 fears surge as expert exposes terrifying ways Iran could strike US", "WARNING"),
        ("WATCH: Terrifying moment US missile hits Qasem Soleimani convoy", "VIDEO"),
    ]
    assert all(link.url.startswith("https://www.dailyledger.example/world/") for link in explained.related)


def test_removed_blocks_carry_their_categories(explained):
    removed = {(block.category, block.text) for block in explained.removed}
    assert ("advertisement", "- Advertisement -") in removed
    assert sum(1 for block in explained.removed if block.text == "- Advertisement -") >= 2
    assert ("comment-form", "Please enter your comment!") in removed
    assert ("comment-form", "Please enter your name here") in removed
    spam = "This site uses Akismet to reduce spam. Learn how your comment data is processed."
    assert ("spam-notice", spam) in removed
    assert ("caption", "Iranian protestors tear up an American flag (Image: GETTY)") in removed
    for block in explained.removed:
        assert block.text not in explained.text.split("\n\n")


def test_removed_only_on_request(news_article, explained):
    assert news_article.removed is None
    assert news_article.to_dict()["removed"] is None
    record = json.loads(json.dumps(explained.to_dict()))
    assert record["removed"][0].keys() == {"category", "text"}
    assert record["images"][0]["credit"] == "GETTY"


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Protest in Tehran (Image: GETTY)", ("Protest in Tehran", "GETTY")),
        ("The harbour at dawn. Photo: Reuters", ("The harbour at dawn.", "Reuters")),
        ("Crowds outside the court | Credit: AP", ("Crowds outside the court", "AP")),
        ("A view of the valley © Jane Doe", ("A view of the valley", "Jane Doe")),
        ("A caption without any credit", ("A caption without any credit", None)),
        ("(Image: GETTY)", ("(Image: GETTY)", None)),
    ],
)
def test_split_credit(caption, expected):
    assert split_credit(caption) == expected


BLOG = """<html><body><article><h1>September open thread</h1>
<p>Our goal with open threads is to let readers raise questions about our work in public, and we answer them.</p>
</article>
<div id="comments" class="comments-area"><h3>Comments</h3><ol class="comment-list">
<li class="comment"><div class="comment-body">
<div class="comment-author">Milan on September 12, 2018 at 4:47 pm said:</div>
<p>Any update on how the follow-up paper will affect the cash transfer recommendation this year?</p></div></li>
<li class="comment"><div class="comment-body">
<div class="comment-author">Catherine on September 13, 2018 at 5:23 pm said:</div>
<p>Hi Milan, we have not reviewed it yet but plan to as part of our year-end review of cash transfers.</p></div></li>
</ol>
<div id="respond" class="comment-respond"><h3 class="comment-reply-title">Leave a Reply</h3>
<form class="comment-form"><p>Your email address will not be published.</p></form></div></div>
</body></html>"""


def test_comments_come_back_apart_with_author_and_time():
    article = copydesk.extract(BLOG)
    assert [(c.author, c.time) for c in article.comments] == [
        ("Milan", "September 12, 2018 at 4:47 pm"),
        ("Catherine", "September 13, 2018 at 5:23 pm"),
    ]
    assert article.comments[0].text.startswith("Any update on how the follow-up paper")
    assert "follow-up paper" not in article.text
    assert "open threads" in article.text
