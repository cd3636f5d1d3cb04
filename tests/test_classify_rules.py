"""The structural rules of classification and the page type, each on a page built to trip it."""

from __future__ import annotations

import numpy as np
import pytest
from selectolax.lexbor import LexborHTMLParser

import copydesk
from copydesk.blocks import HIDDEN, page_blocks
from copydesk.classify import SHORT_BODY_WORDS, apply_model, is_short_body, model_verdicts, raised_cut, select
from copydesk.options import Options
from copydesk.pagetype import PAGE_TYPES, body_threshold
from copydesk.pipeline import heuristic_pass

HEURISTICS_ONLY = Options(use_model=False)

PARAGRAPHS = [
    f"Paragraph {n} of the story tells what happened on the river that night, in plain and patient sentences."
    for n in range(1, 7)
]


def _story(*inserts: str) -> str:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:3]) + "".join(inserts)
    body += "".join(f"<p>{text}</p>" for text in PARAGRAPHS[3:])
    menu = "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    return f"<html><body>{menu}<article>{body}</article></body></html>"


@pytest.mark.parametrize("options", [HEURISTICS_ONLY, Options()])
def test_inline_trending_box_does_not_swallow_the_rest_of_the_article(options):
    box = (
        "<div><h4>Trending News</h4></div>"
        "<ul><li><a href='/a'>Man arrested after seven found in car, police say</a></li>"
        "<li><a href='/b'>Jail guards charged with falsifying their records</a></li></ul>"
    )
    text = copydesk.extract(_story(box), options=options).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Man arrested" not in text


def test_dialog_is_never_the_content_even_when_longest():
    policy = "".join(
        f"<p>Refund policy clause {n}: items may be returned within thirty days of delivery when unworn.</p>"
        for n in range(40)
    )
    page = (
        "<html><body><main><h1>Wool Runner</h1>"
        "<p>A true original, our runner pairs soft merino wool with a cushioned sole for all-day wear.</p>"
        "<p>Machine washable; remove the insoles and laces first, then air dry away from heat.</p></main>"
        f"<div role='dialog' aria-modal='true'><h2>Refund policy</h2>{policy}</div></body></html>"
    )
    for options in (HEURISTICS_ONLY, Options()):
        text = copydesk.extract(page, options=options).text
        assert "merino wool" in text
        assert "Refund policy clause" not in text


def test_hidden_copy_of_metadata_is_dropped():
    hidden = (
        "<div style='display:none' itemscope itemtype='http://schema.org/NewsArticle'>"
        "<div itemprop='author'>Charlie Wood</div><div itemprop='datePublished'>2019-11-19T08:57:40+01:00</div>"
        "<div itemprop='publisher'>Example Publisher Ltd</div></div>"
    )
    text = copydesk.extract(_story(hidden)).text
    assert PARAGRAPHS[0] in text
    assert "2019-11-19T08:57:40" not in text
    assert "Example Publisher Ltd" not in text


def test_hidden_schema_copy_of_the_whole_article_is_dropped_even_inside_the_body():
    # The copy repeats the article's text (articleBody): prose the heuristics keep with the body.
    copy = " ".join(text.replace("Paragraph", "Copied paragraph") for text in PARAGRAPHS)
    hidden = (
        "<div style='display:none' itemscope itemtype='http://schema.org/Article'>"
        f"<h1 itemprop='name'>River night</h1><div itemprop='articleBody'><p>{copy}</p></div></div>"
    )
    text = copydesk.extract(_story(hidden)).text
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert "Copied paragraph" not in text


def test_collapsed_panels_are_content_but_other_hidden_text_is_not():
    # An FAQ's answers and a tab's pane are hidden until clicked: the page's own text. A hidden sign-in
    # box is not.
    answers = [
        "Yes: the service covers every district of the city, and our crews reach most homes within the day.",
        "We quote a fixed price after a free visit, and the price we quote is the price you pay at the end.",
    ]
    faq = "".join(
        f"<h3>Question {n}?</h3><div class='accordion__content' style='visibility: hidden'><p>{answer}</p></div>"
        for n, answer in enumerate(answers)
    )
    tab = f"<section role='tabpanel' hidden><p>{PARAGRAPHS[5]}</p></section>"
    login = "<div class='login-box' hidden><p>Sign in to your account to see your orders and saved addresses.</p></div>"
    intro = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:3])
    page = f"<html><body>{login}<main><h1>Our services</h1>{intro}{faq}{tab}</main></body></html>"
    blocks = page_blocks(LexborHTMLParser(page).body)
    hidden = {block.text: bool(blocks.elements[block.element].flags & HIDDEN) for block in blocks.blocks}
    assert not hidden[answers[0]] and not hidden[PARAGRAPHS[5]]
    assert hidden["Sign in to your account to see your orders and saved addresses."]
    text = copydesk.extract(page).text
    assert all(answer in text for answer in answers)
    assert "Sign in to your account" not in text


def test_a_popover_stays_out_even_with_tab_panels_inside():
    # A push-notifications prompt, closed until a script opens it over the page, with a tab panel per
    # browser (panels opened in place are not hidden): it is removed before the walk. An element with
    # the attribute that holds most of the page (one left unclosed) stays.
    steps = "<ol><li>Click the padlock icon in the address bar next to the page's address.</li></ol>"
    prompt = (
        "<i-card popover id='pushPrompt'><h4>Configure browser push notifications</h4>"
        f"<div role='tabpanel'>{steps}</div><div role='tabpanel' hidden>{steps}</div></i-card>"
    )
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[:3])
    page = f"<html><body>{prompt}<main><h1>A thread</h1>{body}</main></body></html>"
    on = Options(drop_popovers=True)
    text = copydesk.extract(page, options=on).text
    assert PARAGRAPHS[0] in text and "padlock" not in text

    def walked(options: Options) -> str:
        return " ".join(block.text for block in heuristic_pass(page, options)[1].blocks)

    assert "padlock" not in walked(on) and "padlock" in walked(Options())
    swallowed = f"<html><body><div popover><main><h1>A thread</h1>{body}</main></div></body></html>"
    assert PARAGRAPHS[0] in copydesk.extract(swallowed, options=on).text


def test_blog_comments_after_a_post_stay_out_even_when_longer():
    comments = "".join(
        f"<li class='comment'><div class='comment-author'>Reader {n} said:</div>"
        f"<p>I have a long question number {n} about the method you describe and its many consequences for us.</p>"
        f"<p>And a follow-up thought, also long enough to read as prose in anyone's judgement, number {n}.</p></li>"
        for n in range(12)
    )
    page = (
        "<html><body><article><h1>September open thread</h1>"
        f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></article>"
        f"<div id='comments' class='comments-area'><h3>Comments</h3><ul class='comment-list'>{comments}</ul></div>"
        "</body></html>"
    )
    text = copydesk.extract(page, options=HEURISTICS_ONLY).text
    assert PARAGRAPHS[0] in text
    assert "long question number" not in text


def test_a_list_is_kept_whole_when_its_items_are_content_on_average():
    probabilities = np.array([0.9, 0.7, 0.66, 0.45, 0.2, 0.1])
    groups = np.array([-1, 5, 5, 5, -1, 9])
    kept = model_verdicts(probabilities, groups, 0.5)
    assert kept.tolist() == [True, True, True, True, False, False]


def test_a_weak_list_is_not_pulled_in():
    probabilities = np.array([0.6, 0.3, 0.2])
    kept = model_verdicts(probabilities, np.array([3, 3, 3]), 0.5)
    assert kept.tolist() == [True, False, False]


def test_a_list_far_below_the_threshold_loses_its_strong_item_too():
    # A comment list or a menu the model judges boilerplate as a whole: its one long item goes with it,
    # while a block outside any list, as strong, stays.
    probabilities = np.array([0.7, 0.7, 0.1, 0.1, 0.1])
    kept = model_verdicts(probabilities, np.array([-1, 4, 4, 4, 4]), 0.5)
    assert kept.tolist() == [True, False, False, False, False]


class _FixedModel:
    """A block model stand-in: the given probability per block, in page order."""

    threshold = 0.5

    def __init__(self, probabilities: list[float]):
        self._probabilities = np.array(probabilities)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return self._probabilities


def test_a_body_of_a_few_words_is_cut_again_lower():
    # A product page: the model keeps the name alone; its price and specifications, short lines it
    # scores below prose, come in once the cut is taken again lower. The menu stays out.
    lines = ["Oak Desk 120", "$149.99", "Width: 120 cm", "Depth: 60 cm", "Solid oak top, steel frame"]
    page_html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/desks'>Desks</a></nav><main>"
        + "".join(f"<p>{line}</p>" for line in lines) + "</main></body></html>"
    )
    page = page_blocks(LexborHTMLParser(page_html).body)
    assert [block.text for block in page.blocks][1:] == lines
    probabilities = [0.05, 0.9, 0.4, 0.35, 0.35, 0.45]
    kept = apply_model(page, select(page, Options()), _FixedModel(probabilities), Options())
    assert [block.text for block in kept.kept] == lines
    # A threshold the caller fixed is taken as it is.
    page = page_blocks(LexborHTMLParser(page_html).body)
    fixed = apply_model(page, select(page, Options()), _FixedModel(probabilities), Options(model_threshold=0.5))
    assert [block.text for block in fixed.kept] == lines[:1]


def test_a_raised_cut_that_drops_most_of_the_believed_text_falls_back():
    # A thread whose replies the model scores just under a forum's raised cut (0.68): cut there, the
    # opening post alone would stay; the posts hold most of what the model's own threshold keeps, so
    # the page is cut at that one. The menu stays out either way.
    # (The opening post is long enough not to be taken for a short body.)
    opening = "It has the latest firmware and sits in the hall, two rooms away from the desk. " * 4
    posts = [f"Reply {n}: I tried the same setting and it worked after a restart of the router." for n in range(4)]
    page_html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/forum'>Forum</a></nav><main>"
        f"<p>Opening post: my router drops the connection every evening, what should I check first? {opening}</p>"
        + "".join(f"<div class='post'><p>{post}</p></div>" for post in posts) + "</main></body></html>"
    )
    page = page_blocks(LexborHTMLParser(page_html).body)
    probabilities = [0.05, 0.9, 0.6, 0.62, 0.58, 0.6]
    kept = apply_model(page, select(page, Options()), _FixedModel(probabilities), Options(), threshold=0.68)
    assert [block.text for block in kept.kept][1:] == posts
    # Without the guard, the raised cut stands.
    page = page_blocks(LexborHTMLParser(page_html).body)
    raised = apply_model(page, select(page, Options(guard_raised_cut=False)), _FixedModel(probabilities),
                         Options(guard_raised_cut=False), threshold=0.68)
    assert len(raised.kept) == 1
    # When the raised cut keeps most of the believed text (the posts above it, a signature under it),
    # it stands.
    page = page_blocks(LexborHTMLParser(page_html).body)
    probabilities = [0.05, 0.9, 0.8, 0.8, 0.8, 0.6]
    kept = apply_model(page, select(page, Options()), _FixedModel(probabilities), Options(), threshold=0.68)
    assert len(kept.kept) == 4
    assert raised_cut(page, np.array(probabilities), 0.68, 0.5) == 0.68
    assert raised_cut(page, np.array(probabilities), 0.4, 0.5) == 0.4


def test_a_body_of_enough_words_is_not_cut_again():
    assert is_short_body(["one two three"])
    assert not is_short_body(["word " * SHORT_BODY_WORDS])


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("forum-thread.html", "forum"), ("product-page.html", "product")],
)
def test_page_type_of_fixtures(fixtures_dir, fixture, expected):
    article = copydesk.extract((fixtures_dir / fixture).read_bytes())
    assert article.page_type == expected
    assert 0.5 < article.page_type_confidence <= 1.0


def test_page_type_of_the_news_page(news_article):
    assert news_article.page_type == "article"
    record = news_article.to_dict()
    assert record["page_type"] in PAGE_TYPES
    assert 0.0 <= record["page_type_confidence"] <= 1.0


def test_no_page_type_without_the_model():
    article = copydesk.extract(_story(), options=HEURISTICS_ONLY)
    assert article.page_type is None
    assert article.page_type_confidence is None


def test_confidence_is_an_expected_f1(news_article):
    assert 0.8 <= news_article.confidence <= 1.0
    assert news_article.to_dict()["confidence"] == news_article.confidence


def test_confidence_is_lower_on_a_page_of_links_than_on_an_article(news_article):
    cards = "".join(
        f"<div class='card'><h3><a href='/story/{n}'>Headline number {n} about something else entirely</a></h3>"
        f"<span>{n} hours ago</span></div>"
        for n in range(30)
    )
    menu = "".join(f"<li><a href='/s{n}'>Section {n}</a></li>" for n in range(15))
    page = f"<html><body><nav><ul>{menu}</ul></nav><main>{cards}</main><footer>© Example</footer></body></html>"
    article = copydesk.extract(page)
    assert article.confidence is not None
    assert article.confidence < news_article.confidence


def test_no_confidence_without_the_model():
    assert copydesk.extract(_story(), options=HEURISTICS_ONLY).confidence is None


def _types(**probabilities):
    row = np.zeros(len(PAGE_TYPES))
    for kind, probability in probabilities.items():
        row[PAGE_TYPES.index(kind)] = probability
    return row


def test_item_pages_keep_more_the_surer_the_type():
    sure_listing = body_threshold(_types(listing=0.95, article=0.05), 0.5)
    fairly_sure_listing = body_threshold(_types(listing=0.65, article=0.35), 0.5)
    assert sure_listing < fairly_sure_listing < 0.5
    assert body_threshold(_types(listing=0.45, forum=0.35, article=0.2), 0.5) == 0.5
    assert body_threshold(_types(service=0.9, article=0.1), 0.5) < 0.5
    assert body_threshold(_types(article=0.6, listing=0.4), 0.5) == 0.5
    assert body_threshold(_types(documentation=0.7, service=0.3), 0.5) == 0.5


def test_threads_ask_for_more_and_product_pages_keep_the_models_cut():
    assert body_threshold(_types(product=0.9, article=0.1), 0.5) == 0.5
    assert body_threshold(_types(forum=0.9, article=0.1), 0.5) > 0.5
    assert body_threshold(_types(article=0.5, forum=0.5), 0.5) == 0.5


def test_collections_keep_more_than_listings_and_services():
    collection = body_threshold(_types(collection=0.9, article=0.1), 0.5)
    assert collection < body_threshold(_types(listing=0.9, article=0.1), 0.5) < 0.5
    assert collection < body_threshold(_types(service=0.9, article=0.1), 0.5) < 0.5


@pytest.mark.parametrize("heading", ["Leia também", "À lire aussi", "Das könnte Sie auch interessieren",
                                     "Artículos relacionados", "You may also like"])
def test_related_module_headings_in_several_languages(heading):
    box = (f"<div><h3>{heading}</h3></div><ul><li><a href='/a'>Homem preso depois de sete encontrados num carro</a>"
           "</li><li><a href='/b'>Guardas prisionais acusados de falsificar os registos</a></li></ul>")
    article = copydesk.extract(_story(box), explain=True)
    assert all(paragraph in article.text for paragraph in PARAGRAPHS)
    categories = {r.text: r.category for r in article.removed}
    assert categories["Homem preso depois de sete encontrados num carro"] == "related"


def test_custom_elements_with_href_count_as_links():
    # A script-rendered mega-menu: <dropdown-item href> is a link, though not an <a>.
    items = "".join(f"<dropdown-item href='/c{n}'>Category number {n} of guitars and basses</dropdown-item>"
                    for n in range(12))
    page = ("<html><body><div class='mega'><div class='col'>" + items + "</div></div><article>"
            + "".join(f"<p>{text}</p>" for text in PARAGRAPHS) + "</article></body></html>")
    for options in (HEURISTICS_ONLY, Options()):
        text = copydesk.extract(page, options=options).text
        assert PARAGRAPHS[0] in text
        assert "Category number 3" not in text


def _teaser(n: int) -> str:
    return (f"<li><div><h5><a href='/story-{n}'>Other story number {n} about the council and its budget</a></h5>"
            f"<div>Reporter {n}</div><div>Wednesday November 20, 2019</div>"
            f"<p>The first lines of other story {n}, long enough to read as a paragraph of its own deck text.</p>"
            "</div></li>")


@pytest.mark.parametrize("options", [HEURISTICS_ONLY, Options()])
def test_a_teaser_grid_longer_than_a_short_article_is_related(options):
    # The "More ..." module holds more than half the page's text, but it comes after the article.
    teasers = "".join(_teaser(n) for n in range(3))
    grid = f"<div><div><h5>More The Valley Courier</h5><ul>{teasers}</ul></div></div>"
    article = "<article><h1>River night</h1>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS) + "</article>"
    text = copydesk.extract(f"<html><body>{article}{grid}</body></html>", options=options).text
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert "Other story number" not in text and "first lines of other story" not in text


def test_a_related_heading_at_the_top_of_the_wrapper_does_not_take_the_article():
    top = "<div><h5>Trending</h5><ul><li><a href='/t'>A trending headline about something else</a></li></ul>"
    page = (f"<html><body><div>{top}" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS) + "</div></div></body></html>")
    assert all(paragraph in copydesk.extract(page).text for paragraph in PARAGRAPHS)


def _teaser_card(n: int) -> str:
    return (
        f"<article class='card'><header><div>KICKER {n}</div>"
        f"<h2><a href='/story/{n}'>Another story number {n} that the site would like you to read next</a></h2>"
        f"</header><p>Teaser {n}: a sentence that sells the other story to a reader passing by.</p></article>"
    )


@pytest.mark.parametrize("options", [HEURISTICS_ONLY, Options()])
def test_teaser_cards_beside_the_story_are_related(options):
    story = "".join(f"<p>{text} {text}</p>" for text in PARAGRAPHS)
    grid = "".join(_teaser_card(n) for n in range(1, 7))
    page = (f"<html><body><main><article><h1>The river</h1>{story}</article>"
            f"<div class='more'>{grid}</div></main></body></html>")
    article = copydesk.extract(page, options=options, explain=True)
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert "Another story number" not in article.text
    assert "Teaser 3" not in article.text
    assert any(r.category == "related" and "Another story number 2" in r.text for r in article.removed)


def test_listing_of_equal_cards_keeps_every_card():
    # No card dominates: a listing page, whose cards are its content.
    grid = "".join(_teaser_card(n) for n in range(1, 9))
    article = copydesk.extract(f"<html><body><main><h1>Latest</h1>{grid}</main></body></html>")
    for n in range(1, 9):
        assert f"Teaser {n}" in article.text


@pytest.mark.parametrize("options", [HEURISTICS_ONLY, Options()])
def test_related_heading_over_a_grid_of_cards_longer_than_the_post(options):
    # The module outweighs the short post above it; its heading and its run of like cards say what it is.
    post = f"<article><h1>Self-esteem</h1><p>{PARAGRAPHS[0]} {PARAGRAPHS[1]}</p></article>"
    cards = "".join(
        f"<article class='post-{n}'><div><a href='/share/{n}'>Share</a></div>"
        f"<p>Card {n}: another quotation of the day, long enough to read as prose to any counter of words, "
        f"and longer still so that the grid of cards outweighs the short post above it.</p></article>"
        for n in range(6)
    )
    page = f"<html><body><main>{post}<section><h3>You may also like...</h3>{cards}</section></main></body></html>"
    text = copydesk.extract(page, options=options).text
    assert PARAGRAPHS[0] in text
    assert "Card 2" not in text


@pytest.mark.parametrize("options", [HEURISTICS_ONLY, Options()])
def test_recommended_posts_of_a_forum_thread_stay(options):
    replies = "".join(
        f"<article class='post'><div><a href='/u/{n}'>member{n}</a></div>"
        f"<p>Reply {n}: I had the same trouble with the payment module after the upgrade, and the fix was "
        f"to clear the cache and reinstall it from the back office.</p></article>"
        for n in range(6)
    )
    page = (f"<html><body><main><h1>Payment issues</h1><article><p>{PARAGRAPHS[0]} {PARAGRAPHS[1]}</p></article>"
            f"<section><h3>Recommended Posts</h3>{replies}</section></main></body></html>")
    text = copydesk.extract(page, options=options).text
    assert "Reply 4" in text


@pytest.mark.parametrize("options", [HEURISTICS_ONLY, Options()])
def test_div_titled_link_list_is_related(options):
    links = "".join(f"<p><a href='/s/{n}'>Another project number {n} to build this weekend</a></p>" for n in range(5))
    module = f"<div class='widget'><div class='title'>You might also like:</div>{links}</div>"
    text = copydesk.extract(_story(module), options=options).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Another project number" not in text


def test_label_over_a_list_without_links_is_not_a_module():
    specs = ("<div>Recommended:</div><ul><li>OS: Windows 11 64bit</li><li>Memory: 16 GB RAM</li>"
             "<li>Storage: 8 GB</li></ul>")
    text = copydesk.extract(_story(specs), options=HEURISTICS_ONLY).text
    assert "Memory: 16 GB RAM" in text


@pytest.mark.parametrize("names", ["product-reviews", "review-list", "testimonials"])
def test_customer_reviews_are_marked_as_comments(names):
    from copydesk.rules import attribute_category

    assert attribute_category(names) == "comment"
    assert attribute_category("review-form") == "comment-form"
