"""HTML pages: main text with trafilatura after removing what a listener must not hear."""

from __future__ import annotations

import copy
import difflib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document

from ..errors import InputError
from ..models import Article, Metadata, Removal
from .html_tree import parse_tree
from .meta import clip, collapse, date_from_url, iso_date, iso_datetime, shorten, xml_text

log = logging.getLogger(__name__)

_CODE_TAGS = ("script", "style", "noscript", "template")
"""Dropped without a word in ``Article.dropped``: their text is code, never article text."""
_DROP_TAGS = (
    "iframe", "svg", "form", "button", "nav", "aside", "footer", "select", "input", "object",
    "embed", "audio", "video", "canvas",
)  # fmt: skip
_CHROME = re.compile(
    r"(?:^|[-_])(related|comments?|breadcrumbs?|share|sharing|social|audio|adv?|ads|advert\w*"
    r"|dta|banner|newsletter|sidebar|widget|recommend\w*|tags?|menu|navbar|popup|modal"
    r"|subscribe|rating|interaction|reaction)(?:$|[-_])",
    re.I,
)
_LEAD = re.compile(r"(?:^|[-_])(?:sapo|lead|chapeau|standfirst|summary|excerpt)(?:$|[-_])", re.I)
_LEAD_ELEMENT = re.compile(
    r"(?:^|[-_])(?:sapo|lead|chapeau|chappeau|standfirst|description|intro)(?:$|[-_])", re.I
)
_LEAD_CHARS = (40, 1500)
_PHOTO_STORY = re.compile(r"photo-?story", re.I)
_CREDIT = re.compile(
    r"\s*\((?:Ảnh|Video|Clip|Đồ họa|Nguồn ảnh|Ảnh chụp màn hình)(?:\s*:[^()]{1,80})?\)", re.I
)
_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd"}
)
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date",
)  # fmt: skip
_MIN_EXTRACTED = 250
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')


def _classes(el: lxml.html.HtmlElement) -> list[str]:
    attrs = (el.get("class") or "", el.get("id") or "", el.get("data-module") or "")
    return " ".join(attrs).split()


def _paragraph_text_sizes(tree: lxml.html.HtmlElement) -> dict[Any, int]:
    """Characters of paragraph text inside each element, counted in one pass from the leaves."""
    sizes: dict[Any, int] = {}
    for el in reversed(list(tree.iter())):
        own = len(collapse(el.text_content())) if el.tag == "p" else 0
        sizes[el] = own + sum(sizes.get(child, 0) for child in el)
    return sizes


def _is_photo_story(tree: lxml.html.HtmlElement) -> bool:
    if any(_PHOTO_STORY.search(el.get("class") or "") for el in tree.iter("article", "div")):
        return True
    texts = [collapse(p.text_content()) for p in tree.iter("p")]
    texts = [t for t in texts if len(t) > 40]
    credited = sum(1 for t in texts if _CREDIT.search(t))
    return credited >= 3 and credited >= 0.5 * len(texts)


@dataclass
class Dropped:
    """What ``prepare`` took out of one page, each with its rule, in the order taken."""

    page: lxml.html.HtmlElement
    removals: list[Removal] = field(default_factory=list)


def _remove(el: lxml.html.HtmlElement, dropped: Dropped | None = None, rule: str = "") -> None:
    """Take ``el`` out of its tree; if it was still in the page, note its text under ``rule``."""
    parent = el.getparent()
    if parent is None:
        return
    top = parent
    for top in el.iterancestors():  # noqa: B007 (the last one is wanted)
        pass
    if dropped is not None and top is dropped.page:  # not inside something already dropped
        text = collapse(" ".join(el.itertext()))
        if text:
            dropped.removals.append(Removal(rule=rule, text=shorten(text)))
    el.drop_tree()


def _only_links(p: lxml.html.HtmlElement) -> bool:
    """A paragraph whose whole text is links: a "read also" teaser inside the body."""
    text = re.sub(r"\s", "", p.text_content())
    links = "".join(re.sub(r"\s", "", a.text_content()) for a in p.iter("a"))
    return bool(text) and text == links


def prepare(tree: lxml.html.HtmlElement, *, photo_story: bool) -> list[Removal]:
    """Strip chrome, captions (or turn them into text in a photo story) and link teasers; says
    what went, each with a rule (``html-nav``, ``html-related``, ``html-caption`` ...)."""
    dropped = Dropped(tree)
    total = max(1, _paragraph_text_sizes(tree)[tree])
    for el in list(tree.iter(*_CODE_TAGS)):
        _remove(el)
    for el in list(tree.iter(*_DROP_TAGS)):
        _remove(el, dropped, f"html-{el.tag}")
    # Elements are visited parents first, so each size is still right when it is read.
    sizes = _paragraph_text_sizes(tree)
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag in {"html", "body", "main", "article"}:
            continue
        if el.getparent() is None:
            continue
        names = _classes(el)
        chrome = next((m for m in map(_CHROME.search, names) if m), None)
        if chrome and sizes[el] < 0.4 * total:
            _remove(el, dropped, _chrome_rule(chrome.group(1)))
        elif (
            el.tag in {"div", "h2", "h3", "section"}
            and any(_LEAD.search(n) for n in names)
            and not any(d.tag in _BLOCKS or d.tag == "div" for d in el.iterdescendants())
        ):
            el.tag = "p"
    for caption in list(tree.iter("figcaption")):
        figure = caption.getparent()
        if photo_story and figure is not None and figure.tag == "figure":
            paragraph = lxml.html.Element("p")
            paragraph.text = collapse(caption.text_content())
            paragraph.tail = figure.tail
            figure.getparent().replace(figure, paragraph)
        else:
            _remove(caption, dropped, "html-caption")
    if photo_story:
        return dropped.removals
    for el in list(tree.iter()):
        if isinstance(el.tag, str) and "caption" in (el.get("class") or "").lower():
            _remove(el, dropped, "html-caption")
    for p in list(tree.iter("p")):
        if _only_links(p):
            _remove(p, dropped, "html-link-only")
    return dropped.removals


def _chrome_rule(word: str) -> str:
    """``html-related``, ``html-share``, ``html-ad`` ... from the class name that marked it."""
    word = word.lower()
    for stem in ("advert", "recommend", "comment", "breadcrumb", "tag"):
        if word.startswith(stem):
            return f"html-{'ad' if stem == 'advert' else stem}"
    return f"html-{'ad' if word in {'ads', 'adv'} else word}"


def _xml_blocks(el: Any) -> Iterator[tuple[str, str]]:
    """(tag, text) of each block in trafilatura's XML body, in order."""
    for child in el:
        tag = child.tag
        if tag in {"list", "quote", "div"} or (tag == "table" and len(child)):
            yield from _xml_blocks(child)
        elif tag == "row":
            cells = [collapse("".join(cell.itertext())) for cell in child]
            text = ", ".join(c for c in cells if c)
            if text:
                yield "p", text
        elif tag in {"p", "head", "item", "code", "cell"}:
            text = collapse("".join(child.itertext()))
            if text:
                yield tag, text


def _fallback_blocks(tree: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    for el in tree.iter(*_BLOCKS):
        if any(a.tag in _BLOCKS for a in el.iterancestors()):
            continue
        text = collapse(el.text_content())
        if text:
            blocks.append(("head" if el.tag.startswith("h") else "p", text))
    if not blocks:
        body = tree.find("body")
        source = body if body is not None else tree
        lines = "\n".join(source.itertext()).split("\n")
        blocks = [("p", collapse(line)) for line in lines if collapse(line)]
    return blocks


def _meta_content(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> str | None:
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in names and el.get("content"):
            return str(el.get("content"))
    return None


def _published(tree: lxml.html.HtmlElement, url: str | None, fallback: object) -> str | None:
    """Explicit publication markup first, then the URL, then trafilatura's guess."""
    found = iso_date(_meta_content(tree, _DATE_META))
    if not found:
        for el in tree.iter("time"):
            found = iso_date(el.get("datetime")) or iso_date(collapse(el.text_content()))
            if found:
                break
    if not found:
        for script in tree.iter("script"):
            match = _JSONLD_DATE.search(script.text or "")
            found = iso_date(match.group(1)) if match else None
            if found:
                break
    return found or date_from_url(url) or iso_date(fallback)


def _published_time(tree: lxml.html.HtmlElement, date: str | None) -> str | None:
    """The publication time from the page's markup, when it falls on the date chosen."""
    stamp = iso_datetime(_meta_content(tree, _DATE_META))
    return stamp if stamp and date and stamp.startswith(date) else None


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio() >= 0.75


def _choose_title(meta_title: str | None, blocks: list[tuple[str, str]]) -> str:
    """The page's own heading when it opens the text (kept as written), else the metadata title."""
    if blocks:
        tag, first = blocks[0]
        if meta_title and (first == meta_title or (tag == "head" and _similar(first, meta_title))):
            blocks.pop(0)
            return first
        if not meta_title and (tag == "head" or len(first) <= 200):
            blocks.pop(0)
            return first
    if meta_title:
        return meta_title
    if blocks:
        return blocks[0][1][:100].rsplit(" ", 1)[0] + "…"
    return ""


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _lead(tree: lxml.html.HtmlElement, body_opening: str | None) -> str | None:
    """The page's lead (.sapo, p.description ...): many sites keep it outside the body
    element, where main-text extraction does not look. It comes before the body's first
    paragraph; a teaser further down belongs to some other article's listing."""
    for el in tree.iter("p", "h2", "h3", "div", "section"):
        is_lead = any(_LEAD_ELEMENT.search(n) for n in _classes(el))
        if not is_lead and el.tag != "p":
            continue  # a container's text is its whole subtree: read only what may be wanted
        text = collapse(el.text_content())
        if body_opening is not None and el.tag == "p" and text == body_opening:
            return None
        if not is_lead or any(d.tag in _BLOCKS - {"p"} for d in el.iterdescendants()):
            continue
        if _LEAD_CHARS[0] <= len(text) <= _LEAD_CHARS[1]:
            return text
    return None


def _with_lead(paragraphs: list[str], lead: str | None, title: str) -> list[str]:
    """The lead first, unless the extracted text already says it (or it is the title)."""
    if lead is None:
        return paragraphs
    said = "\n".join(_letters(p) for p in [title, *paragraphs])
    return paragraphs if _letters(lead) in said else [lead, *paragraphs]


def _full_title(tree: lxml.html.HtmlElement, title: str) -> str:
    """A title cut short ("…") completed from the page's og:title, twitter:title or h1."""
    if not title.endswith(("...", "…")):
        return title
    core = _letters(title.rstrip(" .…"))
    offered = [_meta_content(tree, (name,)) for name in ("og:title", "twitter:title")]
    offered += [collapse(h.text_content()) for h in tree.iter("h1")]
    for candidate in filter(None, offered):
        whole = not candidate.endswith(("...", "…")) and len(candidate) <= 1000
        if whole and _letters(candidate).startswith(core) and len(candidate) > len(title) - 3:
            return candidate
    return title


def _metadata(tree: lxml.html.HtmlElement, url: str | None) -> Document:
    try:
        return extract_metadata(copy.deepcopy(tree), default_url=url, extensive=False)
    except Exception as e:  # a bug in a third-party heuristic must not lose the article
        log.warning("page metadata unreadable: %s", e)
        return Document()


def _extract(tree: lxml.html.HtmlElement, url: str | None) -> list[tuple[str, str]]:
    """trafilatura's main-text blocks, or none when it finds nothing (or fails)."""
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
        )
    except Exception as e:  # as above: fall back to plain blocks
        log.warning("main-text extraction failed: %s", e)
        return []
    body = getattr(doc, "body", None)
    return list(_xml_blocks(body)) if body is not None else []


def _not_extracted(page: lxml.html.HtmlElement, spoken: list[str], title: str) -> list[Removal]:
    """The page's blocks the main-text extractor left out (menus, teasers, its own guesses).

    Blocks are compared whole (a set, not a search of the text) to stay linear in the page.
    """
    kept = {t.casefold() for t in spoken}
    seen: set[str] = set()
    out: list[Removal] = []
    for _, text in _fallback_blocks(page):
        key = text.casefold()
        bare = collapse(_CREDIT.sub("", text)).casefold()  # a photo story speaks it uncredited
        if key in seen or key == title.casefold() or key in kept or bare in kept:
            continue
        seen.add(key)
        out.append(Removal(rule="html-extractor", text=shorten(text)))
    return out


def parse_html(text: str, *, source: str, sha256: str, url: str | None = None) -> Article:
    """Build an ``Article`` from a decoded HTML page; ``url`` is where it was fetched from."""
    tree = parse_tree(xml_text(text))  # lxml refuses a tree holding a bell or U+FFFE
    info = _metadata(tree, url)
    date = _published(tree, info.url or url, info.date)
    photo_story = _is_photo_story(tree)
    work = copy.deepcopy(tree)
    dropped = prepare(work, photo_story=photo_story)
    blocks = _extract(copy.deepcopy(work), url)
    if sum(len(t) for _, t in blocks) < _MIN_EXTRACTED:
        # trafilatura is unreliable on very short pages: take their plain blocks instead.
        blocks = _fallback_blocks(work) or blocks
    if photo_story:
        blocks = [(tag, collapse(_CREDIT.sub("", t))) for tag, t in blocks]
        blocks = [(tag, t) for tag, t in blocks if t and t != "."]
    if not blocks:
        raise InputError(f"no article text found in {source}")
    meta_title = clip(info.title, 1000)
    title = _full_title(tree, _choose_title(meta_title, blocks))
    paragraphs = [t for _, t in blocks]
    paragraphs = _with_lead(paragraphs, _lead(work, paragraphs[0] if paragraphs else None), title)
    headings = tuple(t for tag, t in blocks if tag == "head" and t != title)
    if paragraphs and paragraphs[0].casefold() == title.casefold():
        paragraphs.pop(0)
    if not title:
        raise InputError(f"no article text found in {source}")
    meta = Metadata(
        author=clip(info.author),
        date=date,
        published=_published_time(tree, date),
        headings=headings,
        site_name=clip(info.sitename),
        url=url or clip(info.url, 2000),
        image=clip(info.image, 2000),
    )
    return Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=source,
        source_sha256=sha256,
        meta=meta,
        dropped=(*dropped, *_not_extracted(work, paragraphs, title)),
    )
