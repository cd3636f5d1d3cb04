"""The publication date when the markup and the page's text disagree: which declared or shown date
the page presents as its own (metadata/published.py), labels set apart from their dates, and month
names in other languages."""

from __future__ import annotations

import json

import pytest

import copydesk
from copydesk.metadata.dates import date_in_text, parse_date
from copydesk.metadata.published import Declared, Shown, choose

BODY = "<p>" + "The council met on Tuesday to discuss the new budget for the coming year. " * 4 + "</p>"


def page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html lang='en'><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"


def ld(**fields: str) -> str:
    data = {"@context": "https://schema.org", "@type": "Article", "headline": "Garden guide", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


OG_PUBLISHED = '<meta property="article:published_time" content="2019-05-02T10:00:00+00:00">'
UPDATED_LINE = '<div><h1>Garden guide</h1><p class="post-date">Updated March 3, 2025</p></div>'


def test_a_shown_revision_beats_a_publication_date_only_structured_data_gives():
    head = ld(datePublished="2019-05-02T10:00:00+00:00", dateModified="2025-03-03T08:00:00+00:00")
    assert copydesk.extract(page(head, UPDATED_LINE)).published == "2025-03-03T08:00:00+00:00"


def test_a_publication_date_a_meta_tag_also_declares_stands_against_the_shown_revision():
    head = ld(datePublished="2019-05-02T10:00:00+00:00", dateModified="2025-03-03T08:00:00+00:00") + OG_PUBLISHED
    assert copydesk.extract(page(head, UPDATED_LINE)).published == "2019-05-02T10:00:00+00:00"


def test_a_shown_date_the_page_does_not_declare_does_not_replace_the_declared_one():
    head = ld(datePublished="2019-05-02T10:00:00+00:00", dateModified="2025-06-01T08:00:00+00:00")
    assert copydesk.extract(page(head, UPDATED_LINE)).published == "2019-05-02T10:00:00+00:00"


def test_disagreeing_declarations_are_settled_by_the_date_the_page_shows():
    head = ld(datePublished="2018-04-03T16:50:31+00:00") + \
        '<meta property="article:published_time" content="2025-03-03T18:06:00+00:00">'
    assert copydesk.extract(page(head, UPDATED_LINE)).published == "2025-03-03T18:06:00+00:00"


def test_a_threads_first_post_is_not_replaced_by_the_last_replys_shown_date():
    declared = Declared("2024-01-03T11:23:42-05:00", modified=["2024-09-26T01:50:27-04:00"], thread=True)
    assert choose(declared, lambda: Shown(line="2024-09-26")) == "2024-01-03T11:23:42-05:00"
    alone = Declared("2024-01-03T11:23:42-05:00", modified=["2024-09-26T01:50:27-04:00"])
    assert choose(alone, lambda: Shown(line="2024-09-26")) == "2024-09-26T01:50:27-04:00"


def test_an_earlier_date_line_counts_only_when_it_is_the_first_date_after_the_headline():
    declared = Declared("2025-09-12T00:00:00+00:00")
    # The marked date line's search reached a related story's date; the reader first meets the declared day.
    assert choose(declared, lambda: Shown(line="2024-05-08", first="2025-09-12")) == "2025-09-12T00:00:00+00:00"
    assert choose(declared, lambda: Shown(line="2024-05-08", first_update="2025-10-01")) == "2025-09-12T00:00:00+00:00"
    assert choose(declared, lambda: Shown(line="2024-05-08", first="2024-05-08")) == "2024-05-08"
    assert choose(declared, lambda: Shown(line="2024-05-08")) == "2024-05-08"


def test_a_declared_moment_is_shown_on_its_local_day():
    # Saved at 02:17 UTC on the 10th, shown as the 9th by a site on New York's clock: the same date.
    declared = Declared("2021-12-10T02:17:00+00:00")
    assert choose(declared, lambda: Shown(line="2021-12-09")) == "2021-12-10T02:17:00+00:00"
    # Two days off is another date (rule 4: an earlier date line), and a bare day has no time zone to move in.
    assert choose(declared, lambda: Shown(line="2021-12-08")) == "2021-12-08"
    assert choose(Declared("2021-12-10"), lambda: Shown(line="2021-12-09")) == "2021-12-09"


def test_an_update_label_set_apart_from_its_date_makes_it_the_update():
    body = '<div><h1>Garden guide</h1><p><span>Last updated:</span> <span>Sep 4, 2025</span></p></div>'
    article = copydesk.extract(page(body=body + "<p>Published June 2, 2024</p>"))
    assert article.published == "2024-06-02" and article.modified == "2025-09-04"


@pytest.mark.parametrize("label", ["Joined", "Member since", "Founded:", "Registered"])
def test_a_posters_joining_date_is_not_the_publication_date(label):
    body = (f'<div><h1>Which pump?</h1><div><span>{label}</span><span>Nov 4, 2011</span></div>'
            '<p>by pumpfan » Tue Aug 27, 2019 1:47 am</p></div>')
    assert copydesk.extract(page(body=body)).published == "2019-08-27"


@pytest.mark.parametrize(("text", "day"), [
    ("By: FlowGuard on 04-ago-2021 5:11:10", "2021-08-04"),
    ("Veröffentlicht am 4. August 2021", "2021-08-04"),
    ("Publicado el 4 de agosto de 2021", "2021-08-04"),
    ("Publié le 12 décembre 2023", "2023-12-12"),
    ("Gepubliceerd op 3 mei 2022", "2022-05-03"),
    ("Pubblicato il 7 marzo 2020", "2020-03-07"),
])
def test_month_names_in_other_languages(text, day):
    assert (date_in_text(text) or "")[:10] == day


def test_foreign_abbreviations_are_months_only_between_a_day_and_a_year():
    assert parse_date("3 févr. 2024") == "2024-02-03"
    assert parse_date("posted 3 days ago") is None
