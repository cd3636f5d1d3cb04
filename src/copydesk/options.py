"""One typed, frozen settings object passed down the pipeline (no module-level knobs)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    """How `extract` behaves. Build one and pass it down; every stage reads only this.

    Attributes:
        include_tables: keep tables that belong to the content.
        include_code: keep `<pre>`/code blocks.
        include_links: keep link targets in the Markdown rendering.
        min_block_chars: blocks shorter than this never count as content evidence on their own.
        max_link_density: a block whose share of characters inside links exceeds this is navigation.
        max_input_bytes: larger inputs are cut to this many bytes (characters for a str; for gzip, bytes
            after unpacking) before parsing, which bounds memory: dense markup costs about 25 bytes of
            memory per input byte at the peak, so the default 16 MiB keeps a worst-case page under 1 GB.
        use_model: let the trained block model make the final call (heuristics' verdicts are among
            its features). Off: the heuristics alone decide.
        use_heuristics: let wording rules veto blocks (ad labels, captions) over the model. Off with
            the model on: the model alone decides.
        model_path: a model file from `copydesk train`; None for the one shipped in the package.
        model_threshold: keep blocks whose probability reaches this; None for the model's own.
        page_model_path: a page-type model from `copydesk train`; None for the shipped one.
        confidence_model_path: a confidence model from `copydesk train`; None for the shipped one.
        metadata: read the page's metadata (authors, dates, section, language, ...). Off, the record
            has the title only: corpus runs that want the text save a millisecond a page.
        drop_repeats: of blocks (or text mode's lines) kept twice word for word, keep the first only;
            the others are removed as "duplicate". Off: every copy stays in the body.
        drop_footers: after the model's cut, drop the kept blocks inside a <footer> element, unless nearly
            all the kept text is in footers.
        drop_teasers: on pages the page-type model takes for articles, drop the kept teaser cards (excerpts
            of other pages cut short with an ellipsis, three or more of one shape) beside the story.
        drop_popovers: remove the elements with the HTML `popover` attribute (closed until opened over the
            page) before the walk, unless one holds more than half the body's text. Off by default: the
            search for the attribute reads the whole markup, about 70 us on a median AEB page (a twentieth
            of the extraction) for WCXB dev F1 +0.0003 (forum +0.004, one thread).
        guard_raised_cut: when the page's type raises the block model's cut (forum threads) and the blocks
            that reach the raised cut hold less than 70% of the characters of those that reach the model's
            own threshold, cut at the model's own (see `classify.raised_cut`).
        schema_body: when the page's JSON-LD articleBody holds most of the kept text, drop the kept blocks
            it does not hold.
        reveal_hidden: when the model's cut keeps a short body (under 50 words), cut again with hidden
            blocks (display:none, aria-hidden) allowed in: a page that shows its content by script.
        shop_prose: on pages the page-type model takes for a shop's (collection or product), when the kept
            prose holds 400 words or more but at most half the kept words, keep only that prose and its
            headings (a category page's own text, not its product grid).
        text_model_path: a line model for `extract_text` from `copydesk train --mode text`; None for the
            shipped one.
    """

    include_tables: bool = True
    include_code: bool = True
    include_links: bool = True
    min_block_chars: int = 25
    max_link_density: float = 0.5
    max_input_bytes: int = 16 * 1024 * 1024
    use_model: bool = True
    use_heuristics: bool = True
    model_path: str | None = None
    model_threshold: float | None = None
    page_model_path: str | None = None
    confidence_model_path: str | None = None
    metadata: bool = True
    text_model_path: str | None = None
    drop_repeats: bool = True
    drop_footers: bool = True
    drop_teasers: bool = True
    schema_body: bool = True
    guard_raised_cut: bool = True
    drop_popovers: bool = False
    reveal_hidden: bool = True
    shop_prose: bool = True


DEFAULT_OPTIONS = Options()
