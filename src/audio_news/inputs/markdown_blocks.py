"""Markdown parsed with markdown-it into what a listener hears, and a list of what was left out.

Link text stays and its address goes; images, link-only lines (share buttons, breadcrumbs, a
menu), code blocks and script or style HTML are dropped, each named in ``Rendered.dropped``;
headings, list items and table rows become paragraphs of their own.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from typing import Any

from ..models import Removal
from .meta import collapse, shorten

MAX_NESTING = 20
"""Blockquotes, lists and brackets nested deeper than this are read as plain text (markdown-it's
guard against recursion, which on its own would drop the rest of the document)."""

MARKUP_BUDGET = 100_000
"""Characters that may start inline Markdown (``*``, ``_``, a line break ...) parsed as Markdown
in one article; past this, or past ``BRACKET_BUDGET``, the rest of the text is kept as written,
for the cleaner's rules. markdown-it spends microseconds on each, and up to 50 µs on a ``[``
(1 MB of ``[`` took 10 s): these bound hostile input to about a second, and an article has a
few thousand of them, a few hundred brackets."""

BRACKET_BUDGET = 10_000

MAX_TABLE_COLUMNS = 64
"""A wider "table" is read as text: markdown-it's table rule is quadratic in its columns."""

_MARKUP = re.compile(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")
_SEPARATORS = re.compile(r"[\s|·•/,;:\-–—>»«]*")
_JINA_IMAGE = re.compile(r"^Image\s+\d+\s*:\s*")
_DROPPED_HTML = re.compile(r"^\s*<(?:script|style|!--|\?|!\[CDATA\[)", re.I)
_TAG = re.compile(r"<[^<>]*>")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def _joined(text: str) -> str:
    """Lines joined with one space; other spaces (a no-break space) kept for the cleaner."""
    return _ASCII_SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Block:
    """One paragraph of text and what kind of Markdown block it came from."""

    kind: str
    """``p`` (paragraph, list item, quote, table row) or ``head`` (a heading)."""
    text: str


@dataclass
class Rendered:
    """The blocks of an article body, what was dropped, and the bot header's link and image."""

    blocks: list[Block] = field(default_factory=list)
    dropped: list[Removal] = field(default_factory=list)
    lead_link: tuple[str, str] | None = None
    """Text and address of a paragraph that is one link, before any text."""
    lead_image: str | None = None
    """Address of the first image before any text."""

    def drop(self, rule: str, text: str) -> None:
        if text.strip():
            self.dropped.append(Removal(rule=rule, text=shorten(text)))


def _bounded_inline(state: Any) -> None:
    """markdown-it's inline stage, with text past ``MARKUP_BUDGET`` kept as plain text."""
    from markdown_it.token import Token

    budget, brackets = MARKUP_BUDGET, BRACKET_BUDGET
    for token in state.tokens:
        if token.type != "inline":
            continue
        token.children = []
        cost, opened = len(_MARKUP.findall(token.content)), token.content.count("[")
        if cost > budget or opened > brackets:
            budget = brackets = 0
            token.children.append(Token("text", "", 0, content=token.content))
            continue
        budget, brackets = budget - cost, brackets - opened
        state.md.inline.parse(token.content, state.md, state.env, token.children)


def _narrow_table(state: Any, start: int, end: int, silent: bool) -> bool:
    from markdown_it.rules_block.table import getLine, table

    for line in (start, start + 1):
        if line < end and getLine(state, line).count("|") > MAX_TABLE_COLUMNS:
            return False
    return bool(table(state, start, end, silent))


def _flat_when_deep(tokenize: Any) -> Any:
    """markdown-it's block tokenizer, with what lies past ``MAX_NESTING`` kept as paragraphs."""

    def run(state: Any, start: int, end: int) -> None:
        line = state.skipEmptyLines(start) if state.level >= MAX_NESTING else end
        if line >= end or state.sCount[line] < state.blkIndent:
            tokenize(state, start, end)
            return
        for chunk in _BLANK_LINE.split(state.getLines(line, end, state.blkIndent, False)):
            if chunk.strip():
                state.push("paragraph_open", "p", 1).map = [line, end]
                inline = state.push("inline", "", 0)
                inline.content, inline.map, inline.children = chunk.strip(), [line, end], []
                state.push("paragraph_close", "p", -1)
        state.line = end

    return run


@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING, "html": True})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # nothing is rendered
    md.disable("code")  # indented lines of a scraped article are text, not code
    md.block.ruler.at("table", _narrow_table)
    md.core.ruler.at("inline", _bounded_inline)
    md.block.tokenize = _flat_when_deep(md.block.tokenize)  # type: ignore[method-assign]
    return md


@dataclass
class _Inline:
    """One inline run as it will be heard, and what it held besides."""

    text: str
    links: list[tuple[str, str]]
    images: list[tuple[str, str]]
    """(alt text, address) of each image."""
    only_links: bool


def _inline(children: list[Any]) -> _Inline:
    spoken: list[str] = []
    outside: list[str] = []
    links: list[tuple[str, str]] = []
    images: list[tuple[str, str]] = []
    href: str | None = None
    label: list[str] = []
    autolink = False
    for child in children:
        kind = child.type
        if kind == "link_open":
            href, label, autolink = (
                str(child.attrs.get("href") or ""),
                [],
                child.markup == "autolink",
            )
        elif kind == "link_close":
            links.append(("".join(label), href or ""))
            href = None
        elif kind == "image":
            alt = _JINA_IMAGE.sub("", collapse(child.content))
            images.append((alt, str(child.attrs.get("src") or "")))
        elif kind in {"text", "text_special", "code_inline", "softbreak", "hardbreak"}:
            piece = " " if kind.endswith("break") else child.content
            if href is None:
                outside.append(piece)
            elif autolink:
                continue
            else:
                label.append(piece)
            spoken.append(piece)
        elif kind == "html_inline":
            spoken.append(" ")
    text = _joined("".join(spoken))
    rest = "".join(outside)
    only = bool(links or images) and _SEPARATORS.fullmatch(rest) is not None
    return _Inline(text, links, images, only and bool(links))


class _Walk:
    """The token stream of one document, turned into a ``Rendered``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out = Rendered()
        self.quotes = 0
        self.items: list[str] = []
        """For each open list item, the number to say before its first paragraph (or "")."""
        self.row: list[str] | None = None
        self.context = ""

    def token(self, token: Any) -> None:
        kind = token.type
        if kind == "blockquote_open":
            self.quotes += 1
        elif kind == "blockquote_close":
            self.quotes -= 1
        elif kind == "list_item_open":
            # "1. Tắt nguồn" would be split into a sentence "một." of its own: say "một, ..."
            self.items.append(f"{token.info}, " if token.info else "")
        elif kind == "list_item_close":
            self.items.pop()
        elif kind in {"paragraph_open", "heading_open", "th_open", "td_open"}:
            self.context = kind
            if kind == "paragraph_open" and self.quotes > 1 and self._line(token).startswith(">>"):
                self.context = "related"  # ">> Xem thêm ...", a link the cleaner knows
        elif kind == "tr_open":
            self.row = []
        elif kind == "tr_close":
            if self.row:
                self.emit("p", ", ".join(self.row))
            self.row = None
        elif kind == "inline":
            self.inline(_inline(token.children or []))
        elif kind in {"fence", "code_block"}:
            self.out.drop("markdown-code", token.content)
        elif kind == "html_block":
            self.html(token.content)

    def _line(self, token: Any) -> str:
        start = token.map[0] if token.map else -1
        return self.lines[start].lstrip() if 0 <= start < len(self.lines) else ""

    def inline(self, run: _Inline) -> None:
        out = self.out
        started = bool(out.blocks)
        for alt, src in run.images:
            out.drop("markdown-image", alt or src)
            if not started and out.lead_image is None and src and not run.links:
                out.lead_image = src  # a picture of its own, not a logo linking home
        if run.only_links:
            if self.context in {"th_open", "td_open"}:
                self.cell(run.text)
                return
            rule = "markdown-link-list" if self.items else "markdown-link-only"
            if not started and out.lead_link is None and rule == "markdown-link-only" and run.text:
                out.lead_link = run.links[0]
            if run.text or not run.images:  # a linked picture is listed once, as its image
                out.drop(rule, run.text or run.links[0][1])
            return
        for _, href in run.links:
            out.drop("markdown-link", href)
        if self.context in {"th_open", "td_open"}:
            self.cell(run.text)
        elif self.context == "heading_open":
            self.emit("head", run.text)
        elif self.context == "related":
            self.emit("p", f">> {run.text}")
        else:
            prefix = self.items[-1] if self.items else ""
            if self.items:
                self.items[-1] = ""
            self.emit("p", prefix + run.text if run.text else "")

    def cell(self, text: str) -> None:
        if self.row is not None and text:
            self.row.append(text)

    def html(self, content: str) -> None:
        if _DROPPED_HTML.match(content):
            self.out.drop("markdown-html", content.strip().split(">", 1)[0] + ">")
            return
        self.emit("p", collapse(html.unescape(_TAG.sub(" ", content))))

    def emit(self, kind: str, text: str) -> None:
        if text.strip():
            self.out.blocks.append(Block(kind, text))


def render(body: str) -> Rendered:
    """The paragraphs of a Markdown body, in order, and what was dropped from it."""
    walk = _Walk(body.split("\n"))
    for token in _parser().parse(body):
        walk.token(token)
    return walk.out
