"""Builders for the pathological corpus: inputs real crawls throw at an extractor, made in memory.

Each `Case` says what goes in and what must come out: an `Article` (optionally checked further) or
one particular `ExtractionError` subclass. The big inputs (tens of MB) are functions so nothing is built
until a test asks for it.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import copydesk

MB = 1024 * 1024
DEEP = 100_000

# Real text in the languages whose legacy encodings pages still use, long enough for detection to work
# on when nothing is declared.
WESTERN = ("Café owners in the old town say the new “smart” tills cost €1,200 each — and they’re not happy "
           "about it. “We were told it would pay for itself,” said Renée Dubois, who runs a crêperie.")
JAPANESE = ("京都市東山区にある老舗の和菓子店が、今年で創業三百年を迎えた。店主の山田太郎さんは「先代から受け継いだ味を"
            "守り続けることが何よりも大切だ」と話している。同店の看板商品である水ようかんは職人が手作業で仕上げている。")
CHINESE = ("北京市交通委员会今天发布了新的城市交通发展规划，计划在未来五年内新建三条地铁线路，并对现有的公交网络进行"
           "全面优化。市民普遍对这一计划表示欢迎，认为这将大大缓解早晚高峰时段的交通压力。")
RUSSIAN = ("В среду в Новосибирске торжественно открыли новый мост через реку Обь. Строительство продолжалось "
           "почти четыре года и обошлось городскому бюджету в несколько миллиардов рублей.")
GERMAN = "Grüße aus Köln: Die Straßenbahn fährt ab heute wieder über die Brücke, sagte die Bürgermeisterin."


def page(text: str, head: str = "", title: str = "A page") -> str:
    """A minimal whole page with `text` as its one article paragraph (repeated, so it reads as prose)."""
    paragraphs = "".join(f"<p>{text}</p>\n" for _ in range(3))
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>\n{paragraphs}</article></body></html>")


def charset(label: str) -> str:
    return f'<meta charset="{label}">'


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def pdf() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 4


def garbage(size: int = 4096) -> bytes:
    """Deterministic high-entropy bytes, the statistics of compressed or encrypted data."""
    return zlib.compress(bytes(i * 7919 % 251 for i in range(size * 4)), 0)[:size] or bytes(size)


def gzip_of_garbage() -> bytes:
    return gzip.compress(bytes((i * 131 + i // 7) % 256 for i in range(8192)))


def gzip_bomb(unpacked: int = 200 * MB) -> bytes:
    """A small gzip stream that unpacks to `unpacked` bytes of markup, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip container
    chunk = b"<p>" + b"a" * (MB - 3)
    packed = [packer.compress(chunk) for _ in range(unpacked // MB)]
    return b"".join(packed) + packer.flush()


def truncated_gzip() -> bytes:
    whole = gzip.compress(page(WESTERN).encode() * 20)
    return whole[: len(whole) // 2]


def utf8_declared_windows_1252() -> bytes:
    return page(WESTERN, charset("windows-1252")).encode("utf-8")


def windows_1252_declared_utf8() -> bytes:
    return page(WESTERN, charset("utf-8")).encode("cp1252")


def windows_1252_declared() -> bytes:
    return page(WESTERN, charset("windows-1252")).encode("cp1252")


def utf16_with_bom() -> bytes:
    return codecs.BOM_UTF16_LE + page(GERMAN + " " + RUSSIAN).encode("utf-16-le")


def utf16_without_bom() -> bytes:
    return page(GERMAN + " " + RUSSIAN).encode("utf-16-be")


def shift_jis_claiming_utf8() -> bytes:
    return page(JAPANESE, charset("utf-8")).encode("shift_jis")


def gb18030_declared_gb2312() -> bytes:
    return page(CHINESE, charset("gb2312")).encode("gb18030")


def gb18030_undeclared() -> bytes:
    return page(CHINESE).encode("gb18030")


def koi8_r_declared() -> bytes:
    return page(RUSSIAN, charset("koi8-r")).encode("koi8_r")


def koi8_r_undeclared() -> bytes:
    return page(RUSSIAN).encode("koi8_r")


def mixed_utf8_with_a_latin1_line() -> bytes:
    """A UTF-8 page with one paragraph pasted in from a windows-1252 source (a CMS classic)."""
    body = page(JAPANESE + " " + GERMAN, charset("utf-8")).encode("utf-8")
    return body.replace(b"</article>", "<p>Pasted: café €5</p></article>".encode("cp1252"))


def nul_bytes() -> bytes:
    return b"\x00" * 4096


def nuls_inside_text() -> bytes:
    return page("Some text\x00 with NUL\x00 bytes in the\x00 middle of words and sentences.").encode()


def deep_divs(depth: int = DEEP) -> str:
    return "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>"


def deep_tables(depth: int = DEEP) -> str:
    return "<html><body>" + "<table><tr><td>" * depth + "deep cell" + "</td></tr></table>" * depth + "</body></html>"


def deep_unclosed(depth: int = DEEP) -> str:
    """Every kind of block opened and never closed: the parser must build the tree and the walk survive."""
    return "<html><body>" + "<div><p>a<ul><li>b<blockquote><span>c<a href=x>d" * (depth // 8)


def big_page(size: int = 50 * MB) -> bytes:
    """A realistic article page of `size` bytes: navigation, many distinct paragraphs with links, a footer.
    (Distinct: a hundred thousand copies of one paragraph would read as repeated boilerplate.)"""
    head = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Big</title></head><body><article>"
    tail = b"</article></body></html>"
    units, total, number = [], len(head) + len(tail), 0
    while True:
        unit = (f"<div class='post'><h2>Section {number}</h2><p>{WESTERN} The council heard report {number} on "
                f"day {number % 365}, and {number % 97} traders spoke. <a href='/more/{number}'>Read more about it</a>."
                "</p><ul><li><a href='/a'>Home</a></li><li><a href='/b'>News</a></li></ul></div>\n").encode()
        if total + len(unit) > size:
            return head + b"".join(units) + tail
        units.append(unit)
        total, number = total + len(unit), number + 1


def one_huge_text_node(size: int = 10 * MB) -> str:
    words = "lorem ipsum dolor sit amet consectetur "
    return "<html><body><p>" + words * (size // len(words)) + "</p></body></html>"


def sibling_links(count: int = 100_000) -> str:
    links = "".join(f"<a href='/p/{i}'>link {i}</a> " for i in range(count))
    return f"<html><body><div>{links}</div></body></html>"


def unclosed_everywhere() -> str:
    return ("<html><head><title>Unclosed</title><body><div><p>First paragraph of the story, never closed"
            "<p>Second <b>bold <i>italic <a href='/x'>link <table><tr><td>cell<td>cell two<tr><td>row two"
            "<ul><li>one<li>two<ol><li>nested<h2>Heading inside a list<p>" + WESTERN + "<blockquote>quote"
            "<pre>code <span>span <script>var x = '<p>not text</p>'")


def frameset() -> str:
    return ("<html><head><title>Frames</title></head><frameset cols='20%,80%'><frame src='nav.html'>"
            "<frame src='main.html'><noframes><body><p>" + WESTERN + "</p></body></noframes></frameset></html>")


def iframes() -> str:
    inner = "<iframe src='/ad'></iframe><iframe srcdoc='&lt;p&gt;inner document&lt;/p&gt;'></iframe>"
    return page(WESTERN + inner * 50)


def huge_attribute(name: str, size: int = 10 * MB) -> str:
    """One attribute of `size` bytes on the article's wrapper, the rest a normal page."""
    return f"<html><body><div {name}='{'x' * size}'><p>{WESTERN}</p></div><p>{WESTERN}</p></body></html>"


def huge_class_list(size: int = 10 * MB) -> str:
    """A class attribute of many tokens, the case the class-name rules actually tokenise."""
    value = "nav-item sidebar content " * (size // 25)
    return f"<html><body><div class='{value}'><p>{WESTERN}</p></div></body></html>"


def huge_select(options: int = 40_000, closed: bool = True) -> str:
    """A form with a select of every town in the country, then the article."""
    option = "<option value='v'>Town</option>" if closed else "<option>Town"
    return f"<html><body><form><select>{option * options}</select></form>{page(WESTERN)}</body></html>"


def many_attributes(count: int) -> str:
    names = " ".join(f"data-a{i}" for i in range(count))
    return f"<html><body><div {names}><p>{WESTERN}</p></div></body></html>"


def script_only() -> str:
    script = "var a = '<p>hidden</p>';" * 1000
    return f"<html><head><script>{script}</script></head><body><script>x()</script></body></html>"


def comment_only() -> str:
    return "<!-- " + "nothing but a comment " * 1000 + "-->"


def only_brs() -> str:
    return "<br>" * 100_000


def whitespace_str() -> str:
    return " \n\t\r\n  " * 1000


@dataclass(frozen=True)
class Case:
    """One pathological input and its expected outcome.

    `expect` is `copydesk.Article` or the exact `ExtractionError` subclass; `contains` lists strings
    the article's text must hold (for the encodings: the real text, decoded right).
    """

    name: str
    build: Callable[[], bytes | str]
    expect: type = copydesk.Article
    contains: tuple[str, ...] = ()
    seconds: float = 5.0


CASES = [
    Case("empty-bytes", lambda: b"", copydesk.EmptyInputError),
    Case("empty-str", lambda: "", copydesk.EmptyInputError),
    Case("whitespace-bytes", lambda: whitespace_str().encode(), copydesk.EmptyInputError),
    Case("whitespace-str", whitespace_str, copydesk.EmptyInputError),
    Case("nul-bytes", nul_bytes, copydesk.NotHTMLError),
    Case("nul-str", lambda: nul_bytes().decode(), copydesk.EmptyInputError),
    Case("nuls-inside-text", nuls_inside_text, contains=("Some text with NUL bytes in the middle",)),
    Case("png", png, copydesk.NotHTMLError),
    Case("pdf", pdf, copydesk.NotHTMLError),
    Case("random-bytes", garbage, copydesk.NotHTMLError),
    Case("gzip-of-garbage", gzip_of_garbage, copydesk.NotHTMLError),
    Case("truncated-gzip", truncated_gzip, copydesk.DecodeError),
    Case("utf8-declared-windows-1252", utf8_declared_windows_1252, contains=(WESTERN,)),
    Case("windows-1252-declared-utf8", windows_1252_declared_utf8, contains=(WESTERN,)),
    Case("windows-1252", windows_1252_declared, contains=(WESTERN,)),
    Case("utf16-with-bom", utf16_with_bom, contains=(GERMAN,)),
    Case("utf16-without-bom", utf16_without_bom, contains=(GERMAN,)),
    Case("shift-jis-claiming-utf8", shift_jis_claiming_utf8, contains=(JAPANESE,)),
    Case("gb18030-declared-gb2312", gb18030_declared_gb2312, contains=(CHINESE,)),
    Case("gb18030-undeclared", gb18030_undeclared, contains=(CHINESE,)),
    Case("koi8-r", koi8_r_declared, contains=(RUSSIAN,)),
    Case("koi8-r-undeclared", koi8_r_undeclared, contains=(RUSSIAN,)),
    Case("utf8-with-a-windows-1252-line", mixed_utf8_with_a_latin1_line, contains=(JAPANESE, GERMAN)),
    Case("100k-deep-divs", deep_divs, contains=("deep text",), seconds=10),
    Case("100k-deep-tables", deep_tables, contains=("deep cell",), seconds=10),
    Case("100k-deep-unclosed", deep_unclosed, seconds=10),
    Case("10mb-text-node", one_huge_text_node, contains=("lorem ipsum dolor",), seconds=10),
    Case("100k-sibling-links", sibling_links, seconds=10),
    Case("unclosed-everywhere", unclosed_everywhere, contains=(WESTERN,)),
    Case("frameset", frameset),
    Case("iframes", iframes, contains=(WESTERN,)),
    *(Case(f"10mb-{name}-attribute", lambda name=name: huge_attribute(name), contains=(WESTERN,), seconds=10)
      for name in ("class", "style", "href", "data-blob")),
    Case("10mb-class-list", huge_class_list, seconds=10),
    Case("40k-closed-options", huge_select, contains=(WESTERN,)),
    Case("19k-open-options", lambda: huge_select(19_000, closed=False), contains=(WESTERN,)),
    Case("5k-attributes-on-one-tag", lambda: many_attributes(5000), contains=(WESTERN,)),
    Case("script-only", script_only),
    Case("comment-only", comment_only),
    Case("only-brs", only_brs),
]
