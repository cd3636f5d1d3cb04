"""Whole-page extraction on the fixtures in tests/fixtures/: what must be kept, what must be dropped.

Each fixture is a realistic page of one kind (news article, forum thread, product, documentation) with
the chrome a real CMS emits around it. Expected strings are written out here in full so a failure says
exactly which sentence was lost or which piece of boilerplate leaked.
"""

from __future__ import annotations

import re

import pytest

import copydesk

# --------------------------------------------------------------------------------------------------
# News article (news-page.html)
# --------------------------------------------------------------------------------------------------

# The headline and body, verbatim from ../shared/examples/news-page-text.txt (the crawler dump the
# fixture was built from), in reading order: every paragraph and quote of the article, nothing else.
NEWS_HEADLINE = "SAS bid to assassinate Iran’s Qasem Soleimani ‘blocked’ by David Miliband in 2007"
NEWS_BODY = [
    "Soleimani was killed by a US airstrike near Baghdad airport on Friday morning. The strike was ordered by President Donald Trump following an attack on the American embassy.",  # noqa: E501
    "Back in 2007 Soleimani was alleged to have been involved in backing pro-Iranian militia groups in southern Iraq.",  # noqa: E501
    "These factions targeted British troops with bombs and rockets, killing and maiming a significant number of troops.",  # noqa: E501
    "In response the SAS set up a special operation to take out the Iranian backed cells.",
    "However according to The Daily Telegraph a mission to kill Soleimani was blocked by Mr Miliband, the then foreign secretary.",  # noqa: E501
    "The claim was made by a senior British military figure, who was based in Basra at the time, speaking to the paper.",  # noqa: E501
    "They commented: “The Foreign Secretary said that he wanted to talk to the Iranians, not kill them.",
    "“We had Soleimani in our crosshairs, but we had to call the operation off because of sensitivities in London about conducting this type of operation.”",  # noqa: E501
    "In total 179 British soldiers died during the Iraq War from 2003 to 2011.",
    "Following the 2003 invasion the UK assumed responsibility for Shia dominated parts of southern Iraq.",
    "Initially these areas were relatively quiet, in contrast to Sunni provinces where US forces faced a fierce insurgency from groups including Al-Qaeda.",  # noqa: E501
    "However the situation worsened after the Mahdi Army, led by Shia cleric Muqtada al-Sadr, staged two uprisings in 2004.",  # noqa: E501
    "Shia insurgent groups, allegedly backed by Iran, then launched an insurgency against British troops until their withdrawal.",  # noqa: E501
    "Donald Trump has said the US killing of Iran’s top military chief General Qassem Soleimani “should have been done a long time ago”.",  # noqa: E501
    "The US president said: “We took action last night to stop a war. We did not take action to start a war.”",  # noqa: E501
    "Mr Trump said the US was not seeking regime change in Iran, but claimed the world was a safer place without “monsters” such as Gen Soleimani.",  # noqa: E501
    "He said: “If Americans anywhere are threatened we have all of those targets fully identified and I am ready and prepared to take whatever action is necessary, and that particularly refers to Iran.”",  # noqa: E501
    "Mr Trump said the Iranian general was plotting “imminent and sinister attacks” and added: “We caught him in the act and terminated him.”",  # noqa: E501
    "However, despite the President’s insistence that his actions were done to stop a war, fears of a global conflict have exploded.",  # noqa: E501
    "US citizens in Iraq have been told to leave the country immediately in the wake of the air strike.",
    "The attack dramatically increases already heightened tensions in the region, with religious leader Ayatollah Ali Khamenei warning of “severe revenge”.",  # noqa: E501
    "An advisory posted by the embassy stated: “Due to heightened tensions in Iraq and the region, the US Embassy urges American citizens to heed the January 2020 Travel Advisory and depart Iraq immediately.",  # noqa: E501
    "“US citizens should depart via airline while possible, and failing that, to other countries via land.”",
]

# Everything on the page that is not the article. Each string occurs only in boilerplate.
NEWS_NOISE = {
    # the crawler dump's noise lines
    "ad label": "Advertisement",
    "caption 1": "An SAS plan to kill Qasem Soleimani was reportedly blocked",
    "caption 2": "Protest against the killing of Qasem Soleimani in Iran",
    "caption 3": "President Trump speaking after the killing of Qasem Soleimani",
    "caption 4": "Iranian protestors burn British and Israeli flags",
    "caption 5": "Syrians hand out sweets to celebrate the death of Soleimani",
    "caption 6": "Iranian protestors tear up an American flag",
    "image credit": "(Image: GETTY)",
    "read-more label": "READ MORE",
    "read-more link": "World War 3 fears explode as air strike hits Iranian backed militia",
    "related 1": "THOUSANDS of extra US troops sent to Middle East",
    "related 2": "WW3 fears surge as expert exposes terrifying ways Iran could strike US",
    "related 3": "Terrifying moment US missile hits Qasem Soleimani convoy",
    "related tag 1": "[CONFLICT]",
    "related tag 2": "[WARNING]",
    "related tag 3": "[VIDEO]",
    "comment form 1": "Please enter your comment!",
    "comment form 2": "Please enter your name here",
    "comment form title": "LEAVE A REPLY",
    "comment form consent": "Save my name, email, and website",
    "spam notice": "This site uses Akismet to reduce spam",
    "spam notice link": "Learn how your comment data is processed",
    "truncated breadcrumb headline": "Miliband in...",
    "breadcrumb section": "U.K.",
    # header and menus
    "top bar date": "Saturday, January 4, 2020",
    "login link": "Sign in / Join",
    "top menu": "E-Edition",
    "main menu": "Life & Style",
    "mega menu story": "Army Reserve recruitment rises for the first time in a decade",
    "mega menu story 2": "Storm Brendan",
    # byline, share bars, tags, next/previous, author box
    "byline": "Staff Reporter",
    "share button": "WhatsApp",
    "share button 2": "Pinterest",
    "tag list": "TAGS",
    "previous article": "NHS winter waiting times hit record high",
    "next article": "Fishing fleet warns of quota chaos",
    "author box": "Our defence and security desk covers the armed forces",
    # related posts block
    "related block title": "RELATED ARTICLES",
    "related block title 2": "MORE FROM AUTHOR",
    "related post": "MoD signs £65m drone contract with Welsh manufacturer",
    "related post 2": "Royal Navy ordered to escort tankers through the Gulf",
    # sidebar widgets
    "social counter": "STAY CONNECTED",
    "social counter figure": "182,417",
    "popular title": "MOST POPULAR",
    "popular story": "Panto season ends with record ticket sales",
    "newsletter": "Get the day’s top stories from the Daily Ledger newsroom",
    "popular categories": "POPULAR CATEGORY",
    # footer
    "footer about": "The Daily Ledger is an independent news website",
    "footer email": "newsroom@dailyledger.example",
    "footer picks": "A decade in review",
    "footer menu": "Terms and Conditions",
    "copyright": "All rights reserved",
    # overlays
    "cookie banner": "We use cookies to ensure that we give you the best experience",
    "login popup": "Welcome! Log into your account",
}


def _blocks(text: str) -> list[str]:
    return text.split("\n\n")


def test_news_body_paragraphs_all_present_in_order_each_its_own_block(news_article):
    blocks = _blocks(news_article.text)
    missing = [p for p in NEWS_BODY if p not in blocks]
    assert not missing, f"body paragraphs not found as blocks: {missing}"
    positions = [blocks.index(p) for p in NEWS_BODY]
    assert positions == sorted(positions), "body paragraphs out of order"


@pytest.mark.parametrize("label", list(NEWS_NOISE))
def test_news_boilerplate_absent(news_article, label):
    noise = NEWS_NOISE[label]
    assert noise not in news_article.text
    assert noise not in news_article.markdown


def test_news_no_breadcrumb_line(news_article):
    lines = news_article.text.splitlines()
    assert "Home" not in lines
    assert not any(line.startswith("Home U.K.") for line in lines)


def test_news_text_is_exactly_the_article(news_article):
    """The showcase: nothing but the article's paragraphs (the headline may lead)."""
    blocks = _blocks(news_article.text)
    if blocks and blocks[0] == NEWS_HEADLINE:
        blocks = blocks[1:]
    assert blocks == NEWS_BODY


def test_news_title_is_the_full_headline(news_article):
    assert news_article.title == NEWS_HEADLINE
    assert news_article.title.endswith("in 2007")


def test_news_closing_quote_is_a_quote_node(news_article):
    quotes = [node for node in news_article.body if node.kind == "quote"]
    assert [node.text for node in quotes] == [NEWS_BODY[-1]]
    assert "> " + NEWS_BODY[-1] in news_article.markdown.splitlines()


def test_news_markdown_keeps_inline_links(news_article):
    md = news_article.markdown
    assert "[President Donald Trump](https://www.dailyledger.example/tag/donald-trump/)" in md
    assert "[Al-Qaeda](https://www.dailyledger.example/tag/al-qaeda/)" in md
    assert "[Qassem Soleimani](https://www.dailyledger.example/tag/qasem-soleimani/)" in md


def test_news_body_nodes_are_paragraphs_and_the_quote(news_article):
    kinds = {node.kind for node in news_article.body if node.text != NEWS_HEADLINE}
    assert kinds == {"paragraph", "quote"}


# --------------------------------------------------------------------------------------------------
# Forum thread (forum-thread.html)
# --------------------------------------------------------------------------------------------------

FORUM_TOPIC = "Starter smells like nail polish remover after feeding – normal?"

# Each post's body, cut at its <br><br> paragraph breaks, in thread order.
FORUM_POSTS = {
    "hydration_hanna #1": [
        "Hi all, first proper post here after lurking for a few months. I started a rye and white flour starter about three weeks ago and it has been doubling reliably within six hours of each feed, so I thought I was over the hump.",  # noqa: E501
        "Since Wednesday, though, it smells sharply of acetone about twelve hours after feeding, almost like nail polish remover, and there is a thin layer of grey liquid on top. I feed it 1:1:1 twice a day with filtered water and keep it on the kitchen counter, which is about 18°C at the moment.",  # noqa: E501
        "Is this a sign it has gone bad and I should start over, or is it just hungry? I would hate to bin three weeks of work if it is normal.",  # noqa: E501
    ],
    "OldMillBaker": [
        "That is completely normal and it is good news rather than bad. The acetone smell and the grey liquid (bakers call it hooch) both mean the yeast and bacteria have eaten through everything you gave them and are running out of food.",  # noqa: E501
        "Your starter has simply become more active now that it is established. Either feed it more often, or feed it a bigger ratio such as 1:3:3 so that it takes longer to peak. Stir the hooch back in if you want a more sour loaf, or pour it off for a milder one.",  # noqa: E501
    ],
    "ryeguy_77": [
        "Agree with the above. Rye ferments much faster than white flour, so a starter with a lot of rye in it gets hungry sooner. I moved mine to a cooler shelf in the pantry and switched to one feed a day at 1:4:4, and the acetone smell disappeared within a week.",  # noqa: E501
        "One test I find useful: drop a teaspoon of starter into a glass of water a few hours after feeding. If it floats it is ready to bake with; if it sinks, give it more time.",  # noqa: E501
    ],
    "crumbshot_clara": [
        "I had exactly the same panic last winter. The thing that actually fixed it for me was weighing everything instead of using cups, because my “1:1:1” turned out to be closer to 1:0.7:1 by weight and the starter was permanently underfed.",  # noqa: E501
        "Also worth knowing that a starter only really goes bad if you see pink or orange streaks or fuzzy mould on the surface. A sharp smell on its own is never a reason to throw it away.",  # noqa: E501
    ],
    "hydration_hanna #2": [
        "Thank you all, that is a huge relief. I weighed my feeds this morning like Clara suggested and she was right, I was adding far too little flour.",  # noqa: E501
        "I switched to 1:3:3 with bread flour and moved the jar away from the oven. Twelve hours later it had domed nicely, passed the float test and smelled of yoghurt instead of acetone. First loaf goes in tomorrow!",  # noqa: E501
    ],
    "proofing_pete": [
        "Glad it worked out. For the first loaf keep the hydration around 70 percent and do a long cold retard in the fridge overnight; it is far more forgiving than a same-day bake and the flavour is better too.",  # noqa: E501
        "Post a crumb shot when it is done, we all like a crumb shot.",
    ],
}
FORUM_PARAGRAPHS = [p for post in FORUM_POSTS.values() for p in post]
FORUM_QUOTED = (
    "Since Wednesday, though, it smells sharply of acetone about twelve hours after feeding, almost like "
    "nail polish remover, and there is a thin layer of grey liquid on top."
)

FORUM_NOISE = {
    # header and board navigation
    "site tagline": "The home baker's community",
    "skip link": "Skip to content",
    "quick links": "Quick links",
    "quick link item": "Unanswered topics",
    "menu item": "Recipe Library",
    "menu item 2": "Bake-along Calendar",
    "breadcrumb": "Board index",
    "search": "Advanced search",
    "register": "Register",
    "moderator line": "Moderator:",
    # pagination and action bars
    "post count": "14 posts",
    "post reply button": "Post Reply",
    "return link": "Return to",
    "jump box": "Jump to",
    "jump box forum": "Enriched Doughs",
    # similar threads box
    "similar box title": "Similar topics",
    "similar thread 1": "Hooch on top every morning, should I feed more?",
    "similar thread 2": "Rye starter vs white starter for beginners",
    "similar thread 3": "Pink streaks in my starter jar",
    "similar thread author": "wildyeast_will",
    # who is online, footer, cookie banner
    "online list": "Who is online",
    "online guests": "27 guests",
    "footer tz": "All times are",
    "footer cookies": "Delete cookies",
    "powered by": "Powered by",
    "cookie banner": "This board uses cookies",
}

# Per-post chrome: signatures and the poster's profile panel.
FORUM_POST_CHROME = {
    "signature 1": "My starter is called Doughlene",
    "signature 2": "Forum rules and the beginners' FAQ are pinned",
    "signature 3": "Currently baking: 100% rye with caraway",
    "signature 4": "If in doubt, bake it out.",
    "signature link": "My bake log",
    "profile joined": "Joined:",
    "profile posts": "Posts:",
    "profile location": "Location:",
    "profile rank": "Site Admin",
    "profile rank 2": "New Member",
}


def test_forum_all_post_bodies_present_in_order(forum_article):
    text = forum_article.text
    missing = [p for p in FORUM_PARAGRAPHS if p not in text]
    assert not missing, f"post paragraphs lost: {missing}"
    # Post 1's second paragraph is also quoted in a reply, so look for each after the previous one.
    position = 0
    for paragraph in FORUM_PARAGRAPHS:
        found = text.find(paragraph, position)
        assert found >= 0, f"out of order: {paragraph[:60]!r}"
        position = found + len(paragraph)


def test_forum_post_paragraph_breaks_kept(forum_article):
    """A post's <br><br> paragraph breaks are line breaks in the text, not run together."""
    lines = forum_article.text.splitlines()
    run_together = [p for p in FORUM_PARAGRAPHS if p not in lines]
    assert not run_together, f"paragraphs not on their own line: {run_together}"


def test_forum_quoted_reply_is_a_quote_node(forum_article):
    quotes = [node for node in forum_article.body if node.kind == "quote"]
    assert len(quotes) == 1
    assert FORUM_QUOTED in quotes[0].text
    assert any(line.startswith("> ") and FORUM_QUOTED in line for line in forum_article.markdown.splitlines())


def test_forum_title_is_the_topic(forum_article):
    assert forum_article.title == FORUM_TOPIC


@pytest.mark.parametrize("label", list(FORUM_NOISE))
def test_forum_boilerplate_absent(forum_article, label):
    assert FORUM_NOISE[label] not in forum_article.text


@pytest.mark.parametrize("label", list(FORUM_POST_CHROME))
def test_forum_signatures_and_profiles_absent(forum_article, label):
    assert FORUM_POST_CHROME[label] not in forum_article.text


def test_forum_buttons_and_pager_absent(forum_article):
    lines = set(forum_article.text.splitlines())
    for label in ("Quote", "Report", "Reply", "Post Reply", "Top", "Next", "Search", "Login", "1", "2"):
        assert label not in lines


# --------------------------------------------------------------------------------------------------
# Product page (product-page.html)
# --------------------------------------------------------------------------------------------------

PRODUCT_TITLE = "Halden 2-Slice Stainless Steel Toaster – Brushed Steel"
PRODUCT_DESCRIPTION = [
    "The Halden 2-slice toaster is built for the way people actually eat breakfast. Its extra-wide 38 mm slots take thick-cut sourdough, bagels and crumpets without squashing them, and the self-centring guides make sure both sides brown evenly.",  # noqa: E501
    "Seven browning levels let you go from barely warm to deeply golden, while the dedicated reheat, defrost and bagel buttons take the guesswork out of frozen bread and half-toasted bagels. A high-lift lever raises smaller items clear of the slots so you never have to fish for them with a knife.",  # noqa: E501
    "The brushed stainless steel body is fingerprint resistant and wipes clean in seconds, and the full-width crumb tray slides out from the front so there is no need to turn the toaster upside down over the sink.",  # noqa: E501
]
PRODUCT_FEATURES = [
    "Extra-wide 38 mm slots for thick bread and bagels",
    "Seven browning levels with an illuminated dial",
    "Reheat, defrost and bagel functions",
    "High-lift lever for crumpets and small slices",
    "Slide-out full-width crumb tray",
    "Cool-touch sides and automatic shut-off",
]
PRODUCT_SPECS = [
    ("Model number", "HT-2040-BS"),
    ("Power", "900 W"),
    ("Voltage", "220–240 V"),
    ("Slot width", "38 mm"),
    ("Dimensions (H × W × D)", "19 × 29 × 17 cm"),
    ("Weight", "1.6 kg"),
    ("Cable length", "0.9 m"),
    ("Warranty", "2 years"),
]
PRODUCT_NOISE = {
    # "Customers also bought" carousel
    "carousel title": "Customers also bought",
    "carousel item 1": "Halden 1.7 L Rapid Boil Kettle",
    "carousel item 2": "Oakridge Bamboo Roll-Top Bread Bin",
    "carousel item 3": "Stoneware Butter Dish with Lid",
    "carousel item 4": "Chrome Six-Slice Toast Rack",
    "carousel item 5": "Halden Seven-Egg Cooker",
    "carousel price": "£44.99",
    "add to basket": "Add to basket",
    # reviews widget navigation
    "write a review": "Write a review",
    "reviews tab": "Reviews (128)",
    "questions tab": "Questions (14)",
    "sort": "Sort by",
    "filter": "Verified buyers only",
    "review pager": "Next page",
    "review votes": "Was this review helpful?",
    "histogram": "5 stars",
    # recently viewed
    "recently viewed": "Recently viewed",
    "recently viewed item": "Linen Tea Towels",
    # header, cart, breadcrumb
    "announcement": "Free UK delivery on orders over £40",
    "skip link": "Skip to content",
    "cart": "Basket",
    "account": "Sign in",
    "mega menu": "Coffee machines",
    "breadcrumb": "Small appliances",
    "share": "Pinterest",
    # footer and banners
    "footer column": "Track your order",
    "footer company": "Registered in England and Wales",
    "newsletter": "Join our mailing list",
    "payment methods": "Mastercard",
    "cookie banner": "We use cookies to personalise content",
}


def test_product_description_paragraphs_present(product_article):
    blocks = _blocks(product_article.text)
    missing = [p for p in PRODUCT_DESCRIPTION if p not in blocks]
    assert not missing, f"description paragraphs not found as blocks: {missing}"


def test_product_feature_bullets_are_a_list(product_article):
    lists = [node for node in product_article.body if node.kind == "list"]
    assert any(node.text.splitlines() == PRODUCT_FEATURES for node in lists)
    md_lines = product_article.markdown.splitlines()
    for feature in PRODUCT_FEATURES:
        assert "- " + feature in md_lines


def test_product_specifications_are_a_table(product_article):
    tables = [node for node in product_article.body if node.kind == "table"]
    assert len(tables) == 1
    rows = tables[0].text.splitlines()
    assert len(rows) == len(PRODUCT_SPECS)
    for row, (name, value) in zip(rows, PRODUCT_SPECS, strict=True):
        assert name in row and value in row and row.index(name) < row.index(value)


def test_product_specifications_are_a_pipe_table_in_markdown(product_article):
    md_lines = product_article.markdown.splitlines()
    for name, value in PRODUCT_SPECS:
        assert f"| {name} | {value} |" in md_lines
    assert any(re.fullmatch(r"\|( ?:?-{3,}:? ?\|){2}", line.replace(" ", "")) for line in md_lines)


def test_product_title(product_article):
    assert product_article.title == PRODUCT_TITLE


@pytest.mark.parametrize("label", list(PRODUCT_NOISE))
def test_product_boilerplate_absent(product_article, label):
    assert PRODUCT_NOISE[label] not in product_article.text


# --------------------------------------------------------------------------------------------------
# Documentation page (docs-page.html)
# --------------------------------------------------------------------------------------------------

DOCS_HEADINGS = [
    (1, "Retrying failed tasks"),
    (2, "Enabling retries"),
    (2, "Backoff strategies"),
    (3, "Adding jitter"),
    (2, "Retry parameters"),
    (2, "Giving up"),
]
# The code blocks exactly as a reader sees them: blank lines, indentation and alignment included.
DOCS_CODE = [
    """from ferrous import Retry, task


@task(retry=Retry(attempts=5, on=(TimeoutError, ConnectionError)))
def sync_invoice(invoice_id: int) -> None:
    invoice = load_invoice(invoice_id)
    if invoice.synced:
        return
    billing_api.push(invoice.to_payload())""",
    """retry = Retry(
    attempts=8,
    backoff="exponential",
    base_delay=0.5,
    max_delay=60,
)""",
    """$ ferrous retry-plan --attempts 4 --base-delay 1
attempt  delay
1        1.0s
2        2.0s
3        4.0s
4        8.0s""",
]
DOCS_PARAGRAPHS = [
    "Tasks fail for reasons that have nothing to do with your code: a database restarts, an upstream API times out, a network partition lasts a few seconds. Ferrous Queue can retry such tasks for you, waiting a little longer after each failure so that a struggling dependency has time to recover.",  # noqa: E501
    "Pass a Retry policy to the @task decorator. The policy below retries up to five times and only for the exceptions you list:",  # noqa: E501
    "When many tasks fail at once, for example during an outage, they would all retry at the same moments. Set jitter=True to spread the retries out by a random fraction of each delay.",  # noqa: E501
    "When the last attempt fails, Ferrous Queue calls the task's on_give_up hook, if it has one, and then moves the task to the dead-letter queue with its arguments and the final traceback.",  # noqa: E501
]
DOCS_ADMONITION = (
    "Delays are measured from the moment the task failed, not from when it was first enqueued. A worker that "
    "is restarted keeps the schedule, because the next attempt time is stored with the task."
)
DOCS_NOISE = {
    # left navigation sidebar
    "nav section": "Getting started",
    "nav page 1": "Your first worker",
    "nav page 2": "Deploying to production",
    "nav page 3": "Defining tasks",
    "nav page 4": "Scheduling and delays",
    "nav page 5": "Priorities and fairness",
    "nav page 6": "Dead-letter queues",
    "nav page 7": "Chaining and fan-out",
    "nav page 8": "Metrics and tracing",
    "nav api": "ferrous.Worker",
    "nav changelog": "Changelog",
    "nav contributing": "Contributing",
    # on-page table of contents (right sidebar)
    "toc title": "Table of contents",
    # header: version switcher, tabs, search, repository link
    "version current": "2.4 (latest)",
    "version beta": "3.0 (beta)",
    "version old": "1.x (unsupported)",
    "tab": "API reference",
    "search": "Initializing search",
    "repository": "ferrous/ferrous-queue",
    "announcement": "Ferrous Queue 3.0 beta is out",
    "skip link": "Skip to content",
    # page footer: edit link, feedback, git facts, prev/next, copyright
    "edit link": "Edit this page",
    "feedback": "Was this page helpful?",
    "feedback thanks": "Thanks for your feedback!",
    "last update": "Last update",
    "contributors": "Contributors:",
    "next page": "Rate limits",
    "copyright": "Copyright ©",
    "made with": "Made with",
    "social": "Community chat",
    "cookie banner": "We use cookies to recognize your repeated visits",
}


def test_docs_code_blocks_preserved_exactly_in_text(docs_article):
    # A code block may hold blank lines itself, so look for it between block separators.
    text = "\n\n" + docs_article.text + "\n\n"
    for code in DOCS_CODE:
        assert "\n\n" + code + "\n\n" in text


def test_docs_code_blocks_are_code_nodes(docs_article):
    codes = [node.text for node in docs_article.body if node.kind == "code"]
    assert codes == DOCS_CODE


def test_docs_code_blocks_fenced_in_markdown(docs_article):
    md = docs_article.markdown
    for code in DOCS_CODE:
        assert re.search(r"^```[\w+-]*\n" + re.escape(code) + r"\n```$", md, re.M), code[:40]


def test_docs_headings_are_heading_nodes_with_levels(docs_article):
    headings = [(node.level, node.text) for node in docs_article.body if node.kind == "heading"]
    if headings and headings[0][0] == 1:
        assert headings == DOCS_HEADINGS
    else:  # the h1 may be left to the title
        assert headings == DOCS_HEADINGS[1:]


def test_docs_headings_in_markdown(docs_article):
    md_lines = docs_article.markdown.splitlines()
    for level, heading in DOCS_HEADINGS[1:]:
        assert "#" * level + " " + heading in md_lines


def test_docs_title(docs_article):
    assert docs_article.title == "Retrying failed tasks"


def test_docs_prose_and_admonition_present(docs_article):
    blocks = _blocks(docs_article.text)
    for paragraph in [*DOCS_PARAGRAPHS, DOCS_ADMONITION]:
        assert paragraph in blocks


def test_docs_parameter_table(docs_article):
    tables = [node for node in docs_article.body if node.kind == "table"]
    assert len(tables) == 1
    rows = tables[0].text.splitlines()
    assert len(rows) == 7
    for name in ("attempts", "on", "backoff", "base_delay", "max_delay", "jitter"):
        assert any(re.match(re.escape(name) + r"\W", row) for row in rows[1:]), name
    md_lines = docs_article.markdown.splitlines()
    assert "| Parameter | Type | Default | Description |" in md_lines
    assert "| `base_delay` | `float` | `1.0` | Seconds to wait before the first retry. |" in md_lines


def test_docs_ordered_list(docs_article):
    lists = [node for node in docs_article.body if node.kind == "list"]
    assert len(lists) == 1 and lists[0].ordered
    assert "1. Log enough context to reproduce the failure later." in docs_article.markdown.splitlines()
    assert "3. Never retry inside the hook itself." in docs_article.markdown.splitlines()


def test_docs_inline_code_and_relative_link_in_markdown(docs_article):
    md = docs_article.markdown
    assert "`Retry`" in md and "`jitter=True`" in md
    assert "[dead-letter queue](../dead-letter-queues/)" in md


def test_docs_relative_link_resolved_against_url(fixtures_dir):
    url = "https://docs.ferrousqueue.example/2.4/guides/retries/"
    article = copydesk.extract((fixtures_dir / "docs-page.html").read_bytes(), url=url)
    resolved = "[dead-letter queue](https://docs.ferrousqueue.example/2.4/guides/dead-letter-queues/)"
    assert resolved in article.markdown


@pytest.mark.parametrize("label", list(DOCS_NOISE))
def test_docs_sidebar_and_chrome_absent(docs_article, label):
    assert DOCS_NOISE[label] not in docs_article.text


def test_docs_no_permalink_markers(docs_article):
    assert "¶" not in docs_article.text
    assert "¶" not in docs_article.markdown
