"""Bytes in any encoding: BOM first, then the page's own declaration, then detection; never raise.

The pages are built here and encoded by the test itself, so each case says exactly which bytes go in:
the text is written once as Python str and must come back out of `extract` character for character.
"""

from __future__ import annotations

import codecs
import gzip

import pytest

import copydesk
from conftest import NEWS_PAGE


def page(title: str, paragraphs: list[str], head: str = "", lang: str = "en") -> str:
    """A small but complete page: header nav, the article, a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>{head}<title>{title}</title></head>
<body>
<header class="site-header"><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/news/">News</a></li><li><a href="/about/">About</a></li>
</ul></nav></header>
<main><article class="post">
<h1>{title}</h1>
{body}
</article></main>
<footer class="site-footer"><p>&copy; 2024 Example Press</p></footer>
</body>
</html>"""


# Western European text with the characters windows-1252 has and Latin-1 does not (curly quotes, euro,
# dashes) plus accented letters.
WESTERN_TITLE = "Café owners count the cost of “smart” tills"
WESTERN = [
    "Café owners in the old town say the new “smart” tills cost €1,200 each — "
    "and they’re not happy about it.",
    "“We were told it would pay for itself within a year,” said Renée Dubois, "
    "who runs a crêperie near the cathedral. “Instead we’ve paid another €85 a month in fees.”",
    "The council’s trade officer, José Müller, said the scheme’s costs would be reviewed at the next "
    "meeting – possibly before the summer season begins.",
    "Several owners said they’d rather go back to the old cash registers, which cost about €300 and "
    "never needed a software update.",
]

JAPANESE_TITLE = "京都の老舗和菓子店、創業三百年を迎える"
JAPANESE = [
    "京都市東山区にある老舗の和菓子店が、今年で創業三百年を迎えた。店主の山田太郎さんは「先代から受け継いだ味を守り続けることが"
    "何よりも大切だ」と話している。",
    "同店の看板商品である水ようかんは、北海道産の小豆と沖縄県産の黒糖を使い、職人が一つ一つ手作業で仕上げている。夏の時期には"
    "一日に千個以上が売れるという。",
    "記念の行事として、来月には店舗の前で特別な茶会が開かれる予定だ。参加は無料で、事前の申し込みは必要ない。",
    "山田さんは「これからも地域の皆さんに愛される店であり続けたい」と笑顔で語った。",
]

RUSSIAN_TITLE = "В Новосибирске открылся новый мост через Обь"
RUSSIAN = [
    "В среду в Новосибирске торжественно открыли новый мост через реку Обь. "
    "Строительство продолжалось почти четыре года и обошлось городскому бюджету "
    "в несколько миллиардов рублей.",
    "По словам мэра, новый мост позволит разгрузить центральные улицы и сократить время в пути "
    "для жителей левого берега на двадцать минут.",
    "Движение по мосту будет открыто для автомобилей и общественного транспорта, "
    "а для пешеходов предусмотрены широкие тротуары с обеих сторон.",
    "Жители города встретили новость с радостью, хотя многие отмечают, "
    "что пробки на подъездах к мосту пока никуда не исчезли.",
]


def assert_round_trip(article: copydesk.Article, title: str, paragraphs: list[str]) -> None:
    assert "\ufffd" not in article.text
    blocks = article.text.split("\n\n")
    for paragraph in paragraphs:
        assert paragraph in blocks
    assert article.title == title


def test_windows_1252_without_declaration():
    data = page(WESTERN_TITLE, WESTERN).encode("windows-1252")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_windows_1252_declared_as_utf8():
    data = page(WESTERN_TITLE, WESTERN, head='<meta charset="utf-8">').encode("windows-1252")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_windows_1252_declared_as_iso_8859_1():
    """Pages labelled Latin-1 are windows-1252 in practice (the HTML standard maps one to the other)."""
    head = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    data = page(WESTERN_TITLE, WESTERN, head=head).encode("windows-1252")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_shift_jis_with_meta_charset():
    data = page(JAPANESE_TITLE, JAPANESE, head='<meta charset="shift_jis">', lang="ja").encode("shift_jis")
    assert_round_trip(copydesk.extract(data), JAPANESE_TITLE, JAPANESE)


def test_shift_jis_without_declaration():
    data = page(JAPANESE_TITLE, JAPANESE, lang="ja").encode("shift_jis")
    assert_round_trip(copydesk.extract(data), JAPANESE_TITLE, JAPANESE)


def test_shift_jis_declared_as_utf8():
    data = page(JAPANESE_TITLE, JAPANESE, head='<meta charset="utf-8">', lang="ja").encode("shift_jis")
    assert_round_trip(copydesk.extract(data), JAPANESE_TITLE, JAPANESE)


def test_koi8_r_with_http_equiv_declaration():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    data = page(RUSSIAN_TITLE, RUSSIAN, head=head, lang="ru").encode("koi8_r")
    assert_round_trip(copydesk.extract(data), RUSSIAN_TITLE, RUSSIAN)


def test_koi8_r_without_declaration():
    data = page(RUSSIAN_TITLE, RUSSIAN, lang="ru").encode("koi8_r")
    assert_round_trip(copydesk.extract(data), RUSSIAN_TITLE, RUSSIAN)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + page(RUSSIAN_TITLE, RUSSIAN, lang="ru").encode(codec)
    assert_round_trip(copydesk.extract(data), RUSSIAN_TITLE, RUSSIAN)


def test_utf16_bom_wins_over_declaration():
    html = page(WESTERN_TITLE, WESTERN, head='<meta charset="iso-8859-1">')
    data = codecs.BOM_UTF16_LE + html.encode("utf-16-le")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_utf8_with_bom():
    data = codecs.BOM_UTF8 + page(JAPANESE_TITLE, JAPANESE, lang="ja").encode("utf-8")
    article = copydesk.extract(data)
    assert_round_trip(article, JAPANESE_TITLE, JAPANESE)
    assert "\ufeff" not in article.text


def test_utf8_bom_wins_over_wrong_declaration():
    html = page(WESTERN_TITLE, WESTERN, head='<meta charset="windows-1252">')
    data = codecs.BOM_UTF8 + html.encode("utf-8")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_utf8_page_with_meta_claiming_utf16():
    """An 8-bit page cannot really be UTF-16; HTML treats such a declaration as UTF-8."""
    data = page(WESTERN_TITLE, WESTERN, head='<meta charset="utf-16">').encode("utf-8")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_utf8_page_with_unknown_charset_label():
    data = page(WESTERN_TITLE, WESTERN, head='<meta charset="x-no-such-charset">').encode("utf-8")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_utf8_page_declared_as_shift_jis():
    data = page(WESTERN_TITLE, WESTERN, head='<meta charset="shift_jis">').encode("utf-8")
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_utf8_page_with_one_stray_byte_keeps_the_rest():
    """A single invalid byte (a truncated upload, a bad concatenation) must not re-decode the whole page."""
    html = page(WESTERN_TITLE, [*WESTERN, "Stray byte follows: end of article."])
    data = html.encode("utf-8").replace(b"end of article", b"end of \xff article")
    article = copydesk.extract(data)
    blocks = article.text.split("\n\n")
    for paragraph in WESTERN:
        assert paragraph in blocks
    assert article.title == WESTERN_TITLE


def test_gzip_compressed_utf8_page():
    data = gzip.compress(page(JAPANESE_TITLE, JAPANESE, lang="ja").encode("utf-8"))
    assert_round_trip(copydesk.extract(data), JAPANESE_TITLE, JAPANESE)


def test_gzip_compressed_windows_1252_page():
    data = gzip.compress(page(WESTERN_TITLE, WESTERN).encode("windows-1252"))
    assert_round_trip(copydesk.extract(data), WESTERN_TITLE, WESTERN)


def test_gzip_and_plain_bytes_give_the_same_record(fixtures_dir):
    raw = NEWS_PAGE.read_bytes()
    assert copydesk.extract(gzip.compress(raw)).to_dict() == copydesk.extract(raw).to_dict()


# Declarations that are wrong, empty or nonsense, and bytes no codec decodes cleanly: each still gives a
# record with the page's text (pairs of input and a string its text must hold).
NEVER_RAISE = {
    "odd-length utf-16": (
        codecs.BOM_UTF16_LE + "<p>Grüße aus Köln</p>".encode("utf-16-le") + b"\x00",
        "Grüße aus Köln",
    ),
    "truncated utf-8 at end": ("<p>Zürich am Abend</p>".encode() + "€".encode()[:2], "Zürich am Abend"),
    "meta charset empty": (b'<meta charset=""><p>hello there</p>', "hello there"),
    "meta charset junk": (b'<meta charset="\xff\xfe"><p>hello there</p>', "hello there"),
    "meta charset utf-7": (b'<meta charset="utf-7"><p>hello +AGEA- there</p>', "hello +AGEA- there"),
    "declaration only in a comment": (b"<!-- charset=ebcdic-cp-us --><p>hello there</p>", "hello there"),
    "nul byte in text": (b"<html><body><p>hello\x00 there, a stray NUL byte.</p></body></html>", "hello"),
    "control bytes": (b"<html><body><p>\x01\x02 colour \x1b[0m text</p></body></html>", "colour"),
}


@pytest.mark.parametrize("label", list(NEVER_RAISE))
def test_wrong_or_odd_declarations_never_raise(label):
    data, expected = NEVER_RAISE[label]
    article = copydesk.extract(data)
    assert expected in article.text
