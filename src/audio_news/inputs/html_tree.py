"""Parsing a page into an lxml tree, however broken or deeply nested it is."""

from __future__ import annotations

import logging
import re

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]

from ..errors import InputError

log = logging.getLogger(__name__)

_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*>", re.I)
_CONTAINER_TAG = re.compile(
    r"</?(?:div|span|section|article|main|header|font|center|b|i|u|em|strong|small|big"
    r"|blockquote|ul|ol|dl)(?:\s[^>]*)?>",
    re.I,
)


def _parse(text: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The tree, and whether libxml2 stopped descending at its nesting limit (losing text)."""
    parser = lxml.html.HTMLParser(huge_tree=True)  # nesting up to 2,048 levels, not 256
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as e:
        raise InputError(f"cannot parse HTML: {e}") from e
    too_deep = any(
        e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message for e in parser.error_log
    )
    return tree, too_deep


def parse_tree(text: str) -> lxml.html.HtmlElement:
    """Parse HTML leniently; ``InputError`` if there is nothing lxml can make a tree of.

    A page nested deeper than the parser goes is read again with its layout containers
    removed, so that the text past the limit is not dropped in silence.
    """
    text = _XML_DECL.sub("", text)
    tree, too_deep = _parse(text)
    if too_deep:
        log.warning("the page nests its tags too deep to parse: reading it without its containers")
        tree, too_deep = _parse(_CONTAINER_TAG.sub(" ", text))
        if too_deep:
            log.warning("the page still nests too deep: text past the limit may be missing")
    return tree
