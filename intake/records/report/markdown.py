"""Markdown escaping: a contact's text must never turn into Markdown (or HTML) markup."""

from __future__ import annotations

import re

from markupsafe import Markup

# Characters that start inline markup anywhere in a line (emphasis, code, links, raw HTML,
# entities, tables, strikethrough); a backslash before any ASCII punctuation is literal.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
# Constructs that only count at the start of a line: headings, quotes, list items, setext
# underlines and ordered-list numbers.
_LINE_START = re.compile(r"^([#>+=-])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def md_inline(value: object) -> str:
    return _INLINE.sub(r"\\\1", str(value))


def md_block(value: object) -> Markup:
    """Escape one line that starts a Markdown line (a paragraph line or a list item body)."""
    text = md_inline(value)
    text = _LINE_START.sub(r"\\\1", text)
    text = _ORDERED.sub(r"\1\\\2", text)
    return Markup(text)  # noqa: S704 - already escaped for Markdown; Markup only marks it done


def md_finalize(value: object) -> object:
    """Escape every {{ value }} unless a filter already did (md_block, |safe on macro output)."""
    if isinstance(value, Markup):
        return value
    return md_inline(value)
