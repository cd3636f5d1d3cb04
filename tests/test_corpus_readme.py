"""The README's DuckDB queries over `copydesk corpus` output run and count what the output holds."""

from __future__ import annotations

import re
from pathlib import Path

from copydesk.corpus import CorpusSettings, run
from corpus_pages import article_html

README = Path(__file__).parent.parent / "README.md"


def _duckdb_block() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("Query the output with DuckDB")
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


def test_readme_duckdb_queries(tmp_path, monkeypatch, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(article_html(1).replace("<head>", "<head><link rel='canonical' "
                                                           "href='https://www.one.test/a'>"))
    (pages / "b.html").write_text(article_html(2).replace("<head>", "<head><link rel='canonical' "
                                                           "href='https://one.test/b'>"))
    (pages / "c.html").write_text(article_html(3).replace("<head>", "<head><link rel='canonical' "
                                                           "href='https://two.test/c'>"))
    monkeypatch.chdir(tmp_path)
    run([str(pages)], Path("aeb.parquet"), CorpusSettings(workers=1, progress=False))

    exec(compile(_duckdb_block(), "README.md", "exec"), {})

    printed = capsys.readouterr().out
    assert re.search(r"│ one\.test\s+│\s+2 │", printed) and re.search(r"│ two\.test\s+│\s+1 │", printed)
    assert re.search(r"│ en\s+│\s+3 │", printed)
    assert re.search(r"│ article\s+│\s+3 │", printed)
