"""Metadata: each source on its own (JSON-LD, OpenGraph, meta, microdata, byline), their order of
trust, dates, languages and the news example page."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import copydesk
from copydesk.metadata.dates import date_in_text, date_in_url, parse_date
from copydesk.metadata.language import normalise
from copydesk.metadata.names import all_full_names, all_logins, clean_authors

BODY = "<p>" + "The council met on Tuesday to discuss the new budget for the coming year. " * 4 + "</p>"


def page(head: str = "", body: str = "", lang: str | None = "en") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{lang_attr}><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- JSON-LD -------------------------------------------------------------------------------------


def test_json_ld_graph_with_author_object_and_publisher():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": "#site", "name": "The Valley Courier"},
        {"@type": "Person", "@id": "#ann", "name": "Ann Lee"},
        {"@type": "NewsArticle", "headline": "Council passes the budget", "datePublished": "2023-04-05T09:30:00+02:00",
         "dateModified": "2023-04-06T10:00:00+02:00", "author": {"@id": "#ann"},
         "publisher": {"@type": "Organization", "name": "Courier Media"}, "articleSection": "Politics",
         "keywords": "budget, council", "image": {"@type": "ImageObject", "url": "/img/budget.jpg"}},
        {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 2, "item": {"@id": "/local", "name": "Local"}},
            {"@type": "ListItem", "position": 1, "name": "Home"}]},
    ]}
    article = copydesk.extract(page(ld(graph), "<h1>Council passes the budget</h1>"), url="https://news.test/a/1")
    assert article.title == "Council passes the budget"
    assert article.authors == ["Ann Lee"]
    assert article.published == "2023-04-05T09:30:00+02:00"
    assert article.modified == "2023-04-06T10:00:00+02:00"
    assert article.publisher == "Courier Media"
    assert article.site_name == "The Valley Courier"
    assert article.section == "Politics"
    assert article.breadcrumb == ["Home", "Local"]
    assert article.tags == ["budget", "council"]
    assert article.lead_image == "https://news.test/img/budget.jpg"


def test_json_ld_author_list_of_strings_and_objects():
    data = [{"@type": "BlogPosting", "headline": "Notes", "datePublished": "2021-02-03",
             "author": ["Ann Lee", {"@type": "Person", "name": "Bo Chen"}, {"@type": "Person", "name": "ann lee"}]}]
    article = copydesk.extract(page(ld(data)))
    assert article.authors == ["Ann Lee", "Bo Chen"]
    assert article.published == "2021-02-03"


def test_json_ld_beats_opengraph_and_meta():
    head = (ld({"@type": "Article", "headline": "H", "author": {"name": "From LD"}, "datePublished": "2022-01-02"})
            + '<meta property="article:published_time" content="2019-05-05">'
            + '<meta name="author" content="From Meta">')
    article = copydesk.extract(page(head))
    assert article.authors == ["From LD"]
    assert article.published == "2022-01-02"


@pytest.mark.parametrize("script", [
    "{not json at all",
    '{"@type": "NewsArticle", "author": ',
    "[1, 2, null, \"text\"]",
    '{"@type": ["NewsArticle"], "author": 42, "datePublished": {"x": 1}, "headline": ["a", "b"]}',
    '{"@graph": "nope", "@type": null}',
    "",
])
def test_invalid_json_ld_never_raises_and_other_sources_still_count(script):
    head = f'<script type="application/ld+json">{script}</script><meta name="author" content="By Meta Person">'
    article = copydesk.extract(page(head))
    assert article.authors == ["Meta Person"]


def test_json_ld_in_html_comment_wrapper_is_read():
    head = '<script type="application/ld+json"><!-- {"@type": "Article", "datePublished": "2020-03-04"} --></script>'
    assert copydesk.extract(page(head)).published == "2020-03-04"


def test_organisation_author_yields_to_a_named_person():
    head = (ld({"@type": "Article", "author": {"@type": "Organization", "name": "Valley Courier"},
                "publisher": {"name": "Valley Courier"}})
            + '<meta name="author" content="Dana Smith">')
    assert copydesk.extract(page(head)).authors == ["Dana Smith"]


# --- OpenGraph and meta only ---------------------------------------------------------------------


def test_opengraph_only_page():
    head = ('<meta property="og:title" content="Harbour reopens after storm">'
            '<meta property="og:site_name" content="Coast Daily">'
            '<meta property="og:description" content="The harbour reopened on Monday.">'
            '<meta property="og:image" content="https://coast.test/h.jpg">'
            '<meta property="og:url" content="https://coast.test/harbour">'
            '<meta property="og:locale" content="fr_FR">'
            '<meta property="article:published_time" content="2024-10-01T08:00:00Z">'
            '<meta property="article:section" content="Harbour news">'
            '<meta property="article:tag" content="storm"><meta property="article:tag" content="port">')
    article = copydesk.extract(page(head, lang=None))
    assert article.title == "Harbour reopens after storm"
    assert article.site_name == "Coast Daily"
    assert article.description == "The harbour reopened on Monday."
    assert article.lead_image == "https://coast.test/h.jpg"
    assert article.canonical_url == "https://coast.test/harbour"
    assert article.language == "fr-FR"
    assert article.published == "2024-10-01T08:00:00+00:00"
    assert article.section == "Harbour news"
    assert article.tags == ["storm", "port"]
    assert article.authors == []


def test_meta_only_page_with_dublin_core_and_generic_names():
    head = ('<title>Rail timetable changes | Metro Post</title>'
            '<meta name="dc.creator" content="Written by Sam Roe">'
            '<meta name="dc.date" content="12 March 2022">'
            '<meta name="last-modified" content="2022-03-14">'
            '<meta name="keywords" content="rail, timetable, Rail">'
            '<meta name="description" content="New times from May.">'
            '<link rel="canonical" href="/rail-timetable">')
    article = copydesk.extract(page(head), url="https://metro.test/x?utm=1")
    assert article.title == "Rail timetable changes"
    assert article.authors == ["Sam Roe"]
    assert article.published == "2022-03-12"
    assert article.modified == "2022-03-14"
    assert article.tags == ["rail", "timetable"]
    assert article.canonical_url == "https://metro.test/rail-timetable"
    assert article.url == "https://metro.test/x?utm=1"


def test_author_meta_that_is_a_url_is_not_a_name():
    head = '<meta property="article:author" content="https://social.test/annlee"><meta name="author" content="Ann Lee">'
    assert copydesk.extract(page(head)).authors == ["Ann Lee"]


def test_microdata_author_and_date():
    body = ('<div itemscope itemtype="https://schema.org/Article"><h1 itemprop="headline">Trail guide</h1>'
            '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
            '<span itemprop="name">Kim Park</span><img alt="avatar"> Hiking editor and guide</span>'
            '<meta itemprop="datePublished" content="2019-06-07"></div>')
    article = copydesk.extract(page(body=body))
    assert article.authors == ["Kim Park"]
    assert article.published == "2019-06-07"


# --- the visible page ----------------------------------------------------------------------------


def test_byline_only_page():
    body = ('<header><h1>Library extends its hours</h1>'
            '<div class="post-byline">By Maria Lopez and Tom Hill | 3 May 2021</div></header>')
    article = copydesk.extract(page(body=body))
    assert article.authors == ["Maria Lopez", "Tom Hill"]
    assert article.published == "2021-05-03"


def test_by_line_text_near_the_headline_without_classes():
    body = "<div><h1>Bridge repairs start</h1><p>By Jo March</p><p>Posted on March 3, 2020</p></div>"
    article = copydesk.extract(page(body=body))
    assert article.authors == ["Jo March"]
    assert article.published == "2020-03-03"


def test_comment_authors_are_not_the_byline():
    body = ('<h1>Quiet street</h1><div class="comments"><div class="comment"><span class="comment-author">'
            'Spammy Sam</span></div></div>')
    assert copydesk.extract(page(body=body)).authors == []


def test_date_line_after_the_headline_beats_a_date_in_the_header():
    body = ('<div class="top">Tuesday, January 5, 2021</div><main><div><div><h1>Market day</h1>'
            '<h5><span>2020-11-06</span></h5></div></div></main>')
    assert copydesk.extract(page(body=body)).published == "2020-11-06"


def test_date_in_url_is_the_last_resort():
    assert copydesk.extract(page(), url="https://blog.test/2018/07/09/trip").published == "2018-07-09"
    assert copydesk.extract(page(), url="https://blog.test/trip").published is None


def test_breadcrumb_nav_gives_section_and_trail():
    body = ('<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li>'
            '<li><a href="/sport/rugby">Rugby</a></li><li>Wales win the cup final after a late try</li></ol></nav>'
            '<h1>Wales win the cup final after a late try</h1>')
    article = copydesk.extract(page(body=body))
    assert article.breadcrumb == ["Home", "Sport", "Rugby"]
    assert article.section == "Rugby"


def test_standfirst_is_the_subtitle():
    body = '<h1>Ferry fares rise</h1><p class="article-standfirst">Operators blame fuel costs for a 12% increase.</p>'
    assert copydesk.extract(page(body=body)).subtitle == "Operators blame fuel costs for a 12% increase."


def test_page_without_metadata_gives_nones_and_empty_lists():
    article = copydesk.extract("<html><body><p>Just a line.</p></body></html>")
    assert article.authors == [] and article.tags == [] and article.breadcrumb == []
    assert article.published is None and article.modified is None and article.section is None
    assert article.site_name is None and article.canonical_url is None and article.lead_image is None


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("2020-01-04T11:32:10+00:00", "2020-01-04T11:32:10+00:00"),
    ("2020-01-04T11:32:10-05:00", "2020-01-04T11:32:10-05:00"),
    ("2020-01-04T11:32:10.123Z", "2020-01-04T11:32:10+00:00"),
    ("2020-01-04T11:32:10", "2020-01-04T11:32:10"),
    ("Mon, 06 Jan 2020 10:00:00 +0100", "2020-01-06T10:00:00+01:00"),
    ("January 4, 2020", "2020-01-04"),
    ("2020-01-04", "2020-01-04"),
    ("1577836800", "2020-01-01T00:00:00+00:00"),
])
def test_dates_keep_their_offset_or_stay_a_day(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", "garbage", "2020", "March 2020", "2020-13-45", "1985-02-02",
                                   "2999-01-01", "31/31/2020", None, 20200101, "９" * 500])
def test_implausible_dates_are_refused_without_raising(value):
    assert parse_date(value) is None


def test_dates_in_text_and_url():
    assert date_in_text("By Joe | Posted on 3rd March 2024 at 10:00") == "2024-03-03"
    assert date_in_text("No date here, only 42 cats") is None
    assert date_in_url("https://x.test/news/2021/5/06/story") == "2021-05-06"
    assert date_in_url("https://x.test/news/2021/13/06/story") is None


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "names"), [
    ("By Jane Doe", ["Jane Doe"]),
    ("Written by Jane Doe | March 3, 2024", ["Jane Doe"]),
    ("Chen Zhao, Daryl Fairweather", ["Chen Zhao", "Daryl Fairweather"]),
    ("Ann Lee, MD", ["Ann Lee, MD"]),
    ("Jane Doe, Senior Editor", ["Jane Doe"]),
    ("Mark Lu and Jo Jaeger", ["Mark Lu", "Jo Jaeger"]),
    ("03/10/2023 by Wine Guild", ["Wine Guild"]),
    ("Author: Sam", ["Sam"]),
    ("https://social.test/jane", []),
    ('"David Kim"', ["David Kim"]),
])
def test_author_names_lose_by_roles_and_dates(raw, names):
    assert clean_authors([raw]) == names


# --- language ------------------------------------------------------------------------------------


def test_declared_language_is_normalised():
    assert normalise("en_gb") == "en-GB"
    assert normalise("DE-de, en") == "de-DE"
    assert normalise("und") is None
    assert normalise("not a tag") is None
    assert copydesk.extract(page(lang="pt-br")).language == "pt-BR"


def test_language_detected_from_body_when_undeclared():
    german = ("<p>Der Gemeinderat hat am Dienstag über den neuen Haushalt für das kommende Jahr beraten. "
              "Die Mitglieder waren sich einig, dass die Schulen und die Straßen Vorrang haben sollen.</p>") * 3
    article = copydesk.extract(f"<html><body><article>{german}</article></body></html>")
    assert article.language == "de"
    assert copydesk.extract(page(lang=None)).language == "en"


def test_too_little_text_is_not_guessed():
    assert copydesk.extract("<html><body><p>Ok.</p></body></html>").language is None


# --- the news example page -----------------------------------------------------------------------


def test_news_page_metadata(news_article):
    assert news_article.title == "SAS bid to assassinate Iran’s Qasem Soleimani ‘blocked’ by David Miliband in 2007"
    assert news_article.section == "U.K."
    assert news_article.breadcrumb == ["Home", "U.K."]
    assert news_article.authors == ["Staff Reporter"]
    assert news_article.published == "2020-01-04T11:32:10+00:00"
    assert news_article.site_name == "The Daily Ledger"
    assert news_article.language == "en-GB"
    assert news_article.lead_image.endswith("/soleimani-sas-1.jpg")


def test_news_page_breadcrumb_from_the_dom_alone():
    # The page's own breadcrumb markup, without the JSON-LD and meta that also name the section.
    from conftest import NEWS_PAGE

    html = NEWS_PAGE.read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">')
    html = html[:start] + html[html.index("</script>", start) + len("</script>"):]
    html = html.replace('<meta property="article:section" content="U.K." />', "")
    article = copydesk.extract(html)
    assert article.section == "U.K."
    assert article.breadcrumb == ["Home", "U.K."]


# --- more sources and fallbacks ------------------------------------------------------------------


def test_twitter_written_by_label_and_generic_date_meta_names():
    head = ('<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Lee Park">'
            '<meta name="x-published-date" content="2022-08-09T10:00:00Z">'
            '<meta name="x-last-updated-time" content="2023-01-01T00:00:00Z">')
    article = copydesk.extract(page(head))
    assert article.authors == ["Lee Park"]
    assert article.published == "2022-08-09T10:00:00+00:00"
    assert article.modified == "2023-01-01T00:00:00+00:00"


def test_update_date_is_modified_and_published_only_when_nothing_else_is_shown():
    only_update = '<div><h1>Park rules</h1><p class="post-date">Last updated: 13 Nov 2024</p></div>'
    article = copydesk.extract(page(body=only_update))
    assert article.published == "2024-11-13" and article.modified == "2024-11-13"
    both = ('<div><h1>Park rules</h1><p class="post-date">Updated 13 Nov 2024</p>'
            '<p class="post-date">Published 2 Feb 2023</p></div>')
    article = copydesk.extract(page(body=both))
    assert article.published == "2023-02-02" and article.modified == "2024-11-13"


def test_unmarked_date_just_before_the_headline():
    body = '<div><div><span>Dec 12, 2025</span></div><h1>Winter fair opens</h1><p>Come along.</p></div>'
    assert copydesk.extract(page(body=body)).published == "2025-12-12"


def test_by_alone_takes_the_next_text_and_lowercase_fragments_are_not_names():
    body = '<h1>Dock works</h1><p><span>By</span> <a href="/a/x">Ruth Okafor</a></p>'
    assert copydesk.extract(page(body=body)).authors == ["Ruth Okafor"]
    body = "<h1>Dock works</h1><p>The plan was approved</p><p>by integrating two budgets into one</p>"
    assert copydesk.extract(page(body=body)).authors == []


def test_json_ld_publisher_by_reference_and_webpage_fallback():
    graph = {"@graph": [{"@type": "Organization", "@id": "#org", "name": "Harbour Press"},
                        {"@type": ["WebPage"], "name": "Tide tables", "datePublished": "2021-06-01",
                         "publisher": {"@id": "#org"}, "inLanguage": "en-US"}]}
    article = copydesk.extract(page(ld(graph), lang=None))
    assert article.publisher == "Harbour Press"
    assert article.published == "2021-06-01"
    assert article.language == "en-US"


def test_breadcrumb_drops_the_truncated_title_and_home_is_not_the_section():
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"position": 1, "name": "Home"}, {"position": 2, "name": "Sport"},
        {"position": 3, "name": "City beat rivals in a late..."}]}
    article = copydesk.extract(page(ld(crumbs), "<h1>City beat rivals in a late derby thriller</h1>"))
    assert article.breadcrumb == ["Home", "Sport"]
    assert article.section == "Sport"
    only_home = copydesk.extract(page(ld({"@type": "BreadcrumbList", "itemListElement": [{"name": "Home"}]})))
    assert only_home.section is None


def test_zone_abbreviations_become_offsets_and_unknown_ones_do_not_warn(recwarn):
    assert parse_date("Jan 5, 2020 10:00 EST") == "2020-01-05T10:00:00-05:00"
    assert parse_date("5 January 2020 10:00 BST") == "2020-01-05T10:00:00+01:00"
    assert parse_date("Jan 5, 2020 10:00 IST") == "2020-01-05T10:00:00"  # Irish, Israeli or Indian: no guess
    assert not [w for w in recwarn if "tz" in str(w.message).lower()]


PIECES = [
    '<script type="application/ld+json">', "</script>", '{"@type": "NewsArticle", "author": ', '[{"@id": "#a"}',
    '"datePublished": "', "2020-02-30", "9999-99-99", '"}', "null", '<meta name="author" content="', '">',
    '<meta property="article:published_time" content="', "By ", "<h1>", "</h1>", "<time datetime='", "'>",
    '<nav aria-label="breadcrumb"><ol><li>', "</li></ol></nav>", '<div class="byline">', "</div>", "Updated ",
    "March 3, 2024", "\x00", "\ud7ff", "&amp;", "<html lang='", "zz_ZZ-123", "'>", "<p>", "text " * 5,
]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_metadata_never_raises_on_broken_markup(pieces):
    try:
        article = copydesk.extract("".join(pieces) + "<p>x</p>")
    except copydesk.ExtractionError:  # the documented refusal of input that is not a page at all
        return
    record = article.to_dict()
    assert isinstance(record["authors"], list)
    assert record["published"] is None or record["published"][:4].isdigit()


def test_an_earlier_day_shown_by_the_headline_beats_a_later_declared_date():
    head = '<meta property="article:published_time" content="2025-06-24T10:00:00Z">'
    earlier = '<div><h1>Yoga prices</h1><div class="text__date">August 25, 2024</div></div>'
    assert copydesk.extract(page(head, earlier)).published == "2024-08-25"
    later = '<div><h1>Yoga prices</h1><div class="text__date">August 25, 2025</div></div>'
    assert copydesk.extract(page(head, later)).published == "2025-06-24T10:00:00+00:00"


# --- names and dates the page marks without a byline ------------------------------------------------


def test_forum_thread_starter_is_the_author_not_a_later_poster():
    post = ('<div class="post"><div class="postprofile"><a class="username" href="/member/{0}">{0}</a></div>'
            '<div class="content"><p>{1}</p></div></div>')
    body = ('<h1>Which tent for a wet week?</h1>' + post.format("fellwalker", "I need a tent for Wales.")
            + post.format("rainman", "Go for a tunnel tent."))
    assert copydesk.extract(page(body=body)).authors == ["fellwalker"]


def test_a_username_before_the_headline_is_the_visitor_not_the_author():
    body = ('<header><span class="username">guest_42</span></header><h1>Harbour walk</h1>'
            '<div class="author-box"><h4 class="author-box__name">Nia Evans</h4><p>Nia writes.</p></div>')
    assert copydesk.extract(page(body=body)).authors == ["Nia Evans"]


def test_by_line_with_a_handle_or_a_date_on_a_new_line():
    body = "<h1>Night markets</h1><p>by   kestrel_9\n</p>"
    assert copydesk.extract(page(body=body)).authors == ["kestrel_9"]
    body = "<h1>Night markets</h1><p>by Jon Foster\n        -\n        2025-09-13</p>"
    assert copydesk.extract(page(body=body)).authors == ["Jon Foster"]


def test_plain_published_meta_name():
    article = copydesk.extract(page(head='<meta name="published" content="July 17, 2025">', body="<h1>Tools</h1>"))
    assert article.published == "2025-07-17"


def test_a_line_break_in_the_headline_is_a_space():
    body = "<h1>Data Analytics<span><br>Agency</span></h1>"
    assert copydesk.extract(page(head="<title>Data Analytics Agency | Acme</title>", body=body)).title == \
        "Data Analytics Agency"


@pytest.mark.parametrize("label", ["Author", "Authors:", "Contributors:", "Article by", "Written by"])
def test_an_author_label_takes_the_next_text(label):
    body = f"<h1>Low-light houseplants</h1><div><strong>{label}</strong> <span>Janet Loughrey</span></div>"
    assert copydesk.extract(page(body=body)).authors == ["Janet Loughrey"]


def test_a_declared_update_date_alone_is_the_best_publication_date():
    head = '<meta property="article:modified_time" content="2023-06-12T10:39:42+00:00">'
    article = copydesk.extract(page(head=head, body="<h1>Portfolio</h1>"))
    assert article.published == article.modified == "2023-06-12T10:39:42+00:00"


@pytest.mark.parametrize(("meta_line", "name"), [
    ("<p>Dec. 19, 2025 · Niko Marsh on behalf of the docs team</p>", "Niko Marsh"),
    ("<p><span>2025-12-17</span><span>·</span><span>Trond Tei</span></p>", "Trond Tei"),
    ("<p><span>Bence Kovas</span><span>02-12-2025</span></p>", "Bence Kovas"),
    ("<p><span>Ema Oyo</span><span>#Cloud</span><span>Published on Oct 21, 2025</span></p>", "Ema Oyo"),
])
def test_an_unmarked_name_beside_the_date_line_is_the_author(meta_line, name):
    assert copydesk.extract(page(body=f"<h1>Pipelines</h1>{meta_line}")).authors == [name]


def test_a_label_beside_the_date_line_is_not_a_name():
    body = "<h1>Pipelines</h1><p>Last Updated: March 3, 2025</p><p><a>Get Started</a></p>"
    assert copydesk.extract(page(body=body)).authors == []


def test_a_labelled_thread_starter_outranks_the_first_of_several_marked_posters():
    post = ('<article itemprop="comment" itemscope><div itemprop="author" itemscope>'
            '<span class="username" itemprop="name">{0}</span></div><p>{1}</p></article>')
    body = ('<h1>Which GPU for 1440p?</h1><ul><li><span>Thread starter</span> <a>kestrel_9</a></li></ul>'
            + post.format("ModeratorMo", "Pinned: read the rules.") + post.format("kestrel_9", "Which one?")
            + post.format("rainman", "The cheaper one."))
    assert copydesk.extract(page(body=body)).authors == ["kestrel_9"]


def test_the_first_poster_still_names_a_thread_without_a_byline():
    post = ('<div itemprop="comment" itemscope><div itemprop="author" itemscope>'
            '<span itemprop="name">{0}</span></div><p>{1}</p></div>')
    body = "<h1>Tent for a wet week?</h1>" + post.format("fellwalker", "Which tent?") + post.format("rain", "Tunnel.")
    assert copydesk.extract(page(body=body)).authors == ["fellwalker"]


def test_login_links_are_not_a_byline_and_a_bylines_name_element_is_the_name():
    body = ('<header><a class="authorize__link">Sign In</a></header><h1>Consulting: worth it?</h1>'
            '<div class="post-author"><span class="author__username">AtlanG</span> <span class="rank">CO</span></div>')
    assert copydesk.extract(page(body=body)).authors == ["AtlanG"]


@pytest.mark.parametrize(("raw", "names"), [
    ("CM Craig McCarthy", ["Craig McCarthy"]),
    ("page.head.extra.author", []),
    ("sara.r.peter", ["sara.r.peter"]),
])
def test_avatar_initials_and_template_keys_are_not_names(raw, names):
    assert clean_authors([raw]) == names


def test_the_publishers_name_is_not_an_author():
    head = ('<meta property="og:site_name" content="The Daily Post">'
            + ld({"@type": "NewsArticle", "headline": "Rates", "author": "Ann Lee and Bo Chen, The Daily Post"}))
    assert copydesk.extract(page(head, "<h1>Rates</h1>")).authors == ["Ann Lee", "Bo Chen"]
    body = '<h1>Rates</h1><div class="byline">Ann Lee The Daily Post</div>'
    assert copydesk.extract(page('<meta property="og:site_name" content="The Daily Post">', body)).authors == \
        ["Ann Lee"]


def test_the_declared_title_confirming_the_headline_outranks_a_section_heading_in_the_title_tag():
    head = ('<title>Meditation calms anxiety : Shots - Health News : NPR</title>'
            '<meta property="og:title" content="Daily meditation may work as well as a drug, study finds">')
    body = '<h2>Shots</h2><h1>Daily meditation may work as well as a drug, study finds</h1>'
    assert copydesk.extract(page(head, body)).title == "Daily meditation may work as well as a drug, study finds"


def test_a_heading_that_is_the_sites_name_is_not_the_headline():
    head = ('<title>Audeze LCD-2 Planar Headphones – Headphones.com</title>'
            '<meta property="og:site_name" content="Headphones.com">')
    body = '<h2>Headphones.com</h2><h1>Audeze LCD-2 Headphones</h1>'
    assert copydesk.extract(page(head, body)).title == "Audeze LCD-2 Headphones"


def test_a_blog_name_the_declared_title_leaves_out_of_the_title_tag_is_no_headline():
    # <title> "Blog | Headline", og:title "Headline": the part left out is the blog's name, and so its <h1>.
    head = ("<title>Jo's Notebook | Advent of Code week 2</title>"
            '<meta property="og:title" content="Advent of Code week 2">')
    assert copydesk.extract(page(head, "<h1>Jo's Notebook</h1><h2>Day 7</h2>")).title == "Advent of Code week 2"


def test_a_logo_heading_is_no_headline_but_a_shops_name_first_in_its_title_is():
    head = ('<meta property="og:site_name" content="bazaar.">'
            '<meta property="og:title" content="Wireless Mechanical Keyboard RGB - Bazaar 7">')
    assert copydesk.extract(page(head, "<h1>Bazaar</h1>")).title == "Wireless Mechanical Keyboard RGB"
    shop = '<title>The Barn Swallow - Shop</title><meta property="og:site_name" content="The Barn Swallow">'
    assert copydesk.extract(page(shop, "<h1>The Barn Swallow</h1>")).title == "The Barn Swallow"


def test_a_home_pages_title_that_starts_with_the_sites_name_gives_the_tagline():
    head = '<title>Renderly | The cloud for builders</title><meta property="og:site_name" content="Renderly">'
    assert copydesk.extract(page(head, "<h2>Pricing</h2>")).title == "The cloud for builders"


@pytest.mark.parametrize("heading", ["Dec 18 2025 Preparing a transition in the archive",
                                     "Preparing a transition in the archive / Dec 2025",
                                     "15 Replies to “Preparing a transition in the archive”"])
def test_a_date_or_reply_count_in_the_heading_is_not_part_of_the_headline(heading):
    head = "<title>Preparing a transition in the archive | Colin's blog</title>"
    assert copydesk.extract(page(head, f"<h1>{heading}</h1>")).title == "Preparing a transition in the archive"


def test_a_twice_escaped_heading_is_unescaped():
    head = "<title>Tools for 2026: Python, SQL &amp;amp; AI</title>"
    body = "<h1>Tools for 2026: Python, SQL &amp;#x26; AI</h1>"
    assert copydesk.extract(page(head, body)).title == "Tools for 2026: Python, SQL & AI"


def test_an_organisation_typed_as_the_author_yields_to_the_byline():
    head = ld({"@type": "BlogPosting", "headline": "Rates",
               "author": {"@type": "Organization", "name": "Courier Media Group"}})
    body = '<h1>Rates</h1><div class="byline">By Justin C. Meserole</div>'
    assert copydesk.extract(page(head, body)).authors == ["Justin C. Meserole"]
    assert copydesk.extract(page(head, "<h1>Rates</h1>")).authors == ["Courier Media Group"]


def test_a_login_declared_as_the_author_yields_to_the_bylines_full_name():
    head = '<meta name="author" content="andrew.keaveney">'
    body = '<h1>Rates</h1><div class="byline">By Denise Everheart</div>'
    assert copydesk.extract(page(head, body)).authors == ["Denise Everheart"]
    assert copydesk.extract(page(head, "<h1>Rates</h1>")).authors == ["andrew.keaveney"]


def test_a_reading_time_label_by_the_date_is_no_name():
    body = "<h1>Rates</h1><p>Reading Time</p><p>March 3, 2024</p>"
    assert copydesk.extract(page("", body)).authors == []


@pytest.mark.parametrize(("name", "login"), [("andrew.keaveney", True), ("KatieS", True), ("jdoe42", True),
                                             ("jdoe", False), ("Ann Lee", False)])
def test_a_login_is_one_word_with_a_dot_an_underscore_a_digit_or_an_inner_capital(name, login):
    assert all_logins([name]) is login
    assert all_full_names([name]) is (name == "Ann Lee")
