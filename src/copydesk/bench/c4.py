"""The C4 line filter, as a baseline for text mode (bench only, never used in extraction).

Implemented from the rules in the C4 paper (Raffel et al. 2020, "Exploring the Limits of Transfer
Learning with a Unified Text-to-Text Transformer", section 2.2):

- keep only lines that end in a terminal punctuation mark (period, exclamation mark, question mark
  or end quotation mark);
- keep only lines of at least 5 words (the paper's number; not 3);
- drop any line with the word "javascript" (enable-JavaScript warnings);
- drop lines with the policy strings "terms of use", "privacy policy", "cookie policy",
  "uses cookies", "use of cookies" or "use cookies";
- remove Wikipedia-style citation markers ("[1]", "[citation needed]");
- page rules (`page_rules=True`): drop the whole page when it has fewer than 3 sentences, contains
  "lorem ipsum", or contains a curly bracket (code).

Left out because they are corpus-level or need outside data: the bad-words list, the English-only
language filter and the deduplication of repeated three-sentence spans.
"""

from __future__ import annotations

import re

MIN_WORDS = 5
MIN_SENTENCES = 3
_END_MARKS = (".", "!", "?", '"', "”", "’", "'")
_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
_CITATION = re.compile(r"\[(\d+|citation needed|edit)\]", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’]?(\s|$)")


def c4_lines(text: str) -> list[str]:
    """The lines C4's line rules keep."""
    kept = []
    for raw in text.splitlines():
        line = _CITATION.sub("", raw).strip()
        lowered = line.lower()
        if not line.endswith(_END_MARKS) or len(line.split()) < MIN_WORDS:
            continue
        if "javascript" in lowered or any(policy in lowered for policy in _POLICY):
            continue
        kept.append(line)
    return kept


def c4_filter(text: str, page_rules: bool = True) -> str:
    """The page's text after C4's line rules (and, with `page_rules`, "" when a page rule drops it)."""
    lowered = text.lower()
    if page_rules and ("lorem ipsum" in lowered or "{" in text):
        return ""
    kept = "\n".join(c4_lines(text))
    if page_rules and len(_SENTENCE_END.findall(kept)) < MIN_SENTENCES:
        return ""
    return kept
