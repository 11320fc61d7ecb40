"""Cleaning: drop from an article everything a listener must never hear.

Cleaning is an explicit, replaceable list of small named rules (``DEFAULT_RULES``), applied in
order. Each rule sees the whole draft (title and paragraphs) and returns a new draft plus the
pieces of text it removed, so an editor can see what went and why (``format_removed``). Any rule
can be switched off by name. Character and inline rules live in ``clean_rules``, rules over
whole paragraphs in ``clean_blocks``, page chrome between paragraphs (keyword lines, teasers,
BBC caption lines, date lines) in ``clean_chrome``; the phrases they look for in
``data/clean_phrases.toml``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from audio_news.errors import ConfigError
from audio_news.models import Article, Removal
from audio_news.text import clean_bare as bare
from audio_news.text import clean_blocks as blocks
from audio_news.text import clean_chrome as chrome
from audio_news.text import clean_rules as inline
from audio_news.text import clean_title as titles
from audio_news.text.clean_rules import Draft, Rule, per_paragraph

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanResult:
    """A cleaned article and what cleaning removed from it."""

    article: Article
    """The same article with cleaned title and paragraphs."""
    removed: tuple[Removal, ...]
    """Each removed piece of text with the rule that removed it, in the order removed."""


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("unicode-nfc", per_paragraph(inline.nfc, title=True)),
    Rule("invisible-chars", per_paragraph(inline.invisible_chars, title=True)),
    Rule("stacked-marks", per_paragraph(inline.stacked_marks, title=True)),
    Rule("spaces", per_paragraph(inline.spaces, title=True)),
    Rule("emoji", per_paragraph(inline.emoji, title=True)),
    Rule("title-tag", inline.title_tag),
    Rule("title-site", chrome.title_site),
    Rule("teaser-site", chrome.teaser_site),
    Rule("markdown-image", per_paragraph(inline.markdown_image)),
    Rule("markdown-link", per_paragraph(inline.markdown_link, title=True)),
    Rule("url", per_paragraph(inline.url)),
    Rule("markdown-markers", per_paragraph(inline.markdown_markers, title=True)),
    Rule("markdown-emphasis", per_paragraph(inline.markdown_emphasis, title=True)),
    Rule("player", per_paragraph(inline.player, title=True)),
    Rule("advert", blocks.phrase_rule("advert")),
    Rule("read-more", blocks.phrase_rule("read-more")),
    Rule("share-chrome", blocks.phrase_rule("share-chrome")),
    Rule("video-player", blocks.phrase_rule("video-player")),
    Rule("newsletter", per_paragraph(inline.newsletter)),
    Rule("related-link", per_paragraph(inline.related_link)),
    Rule("teaser-link", per_paragraph(chrome.teaser_link)),
    Rule("tag-line", chrome.tag_line),
    Rule("caption-line", chrome.caption_line),
    Rule("video-label", chrome.video_label),
    Rule("related-tail", blocks.related_tail),
    Rule("pointer-tail", chrome.pointer_tail),
    Rule("glued-related", chrome.glued_related),
    Rule("nav-junk", blocks.nav_junk),
    Rule("title-repeat", blocks.title_repeat),
    Rule("title-word", titles.title_word),
    Rule("title-cut", titles.title_cut),
    Rule("teaser", blocks.teaser),
    Rule("teaser-sentences", chrome.teaser_sentences),
    Rule("caption-repeat", blocks.caption_repeat),
    Rule("caption", blocks.caption),
    Rule("bare-caption", bare.bare_caption),
    Rule("photo-credit", per_paragraph(inline.photo_credit)),
    Rule("source-credit", per_paragraph(chrome.source_credit)),
    Rule("date-line", chrome.date_line),
    Rule("kicker", blocks.kicker),
    Rule("byline", blocks.byline),
    Rule("dateline", blocks.dateline),
    Rule("closing-mark", per_paragraph(inline.closing_mark)),
    Rule("duplicate", blocks.duplicate),
    Rule("broken-line", blocks.broken_line),
    Rule("space-before-punctuation", per_paragraph(inline.space_before_punctuation)),
    Rule("inline-bullet", per_paragraph(inline.inline_bullet)),
    Rule("punctuation-only", per_paragraph(inline.punctuation_only)),
)
"""The rules applied by default, in order."""

RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in DEFAULT_RULES)
"""Every default rule's name, in the order applied."""


def clean_article(
    article: Article,
    disabled: frozenset[str] = frozenset(),
    rules: Sequence[Rule] = DEFAULT_RULES,
) -> CleanResult:
    """Apply every rule not in ``disabled`` to the article's title and paragraphs.

    Raises ``ConfigError`` when ``disabled`` names a rule that does not exist.
    """
    known = {rule.name for rule in rules}
    unknown = sorted(disabled - known)
    if unknown:
        raise ConfigError(
            f"unknown cleaning rule(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    draft = Draft(title=article.title, paragraphs=tuple(article.paragraphs))
    removed: list[Removal] = []
    for rule in rules:
        if rule.name in disabled:
            continue
        draft, pieces = rule.apply(draft)
        removed.extend(Removal(rule=rule.name, text=piece) for piece in pieces if piece.strip())
    cleaned = dataclasses.replace(
        article,
        title=draft.title,
        paragraphs=tuple(p for p in draft.paragraphs if p.strip()),
    )
    if not _speakable(cleaned.title) and cleaned.paragraphs:
        cleaned = _titled_by_its_first_line(cleaned)
    return CleanResult(article=cleaned, removed=tuple(removed))


_TITLE_LINE_CHARS = 150
_TITLE_MIN_WORDS, _TITLE_WORDS = 3, 16
"""Fewer words make no title (a leftover domain, a lone label); more are cut with "…"."""


def _speakable(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _titled_by_its_first_line(article: Article) -> Article:
    """An article whose title says nothing (emoji, symbols) takes its first line as title.

    A short first paragraph becomes the title; a long or only one lends its opening words
    and stays.
    """
    first, *rest = article.paragraphs
    if not _speakable(first) or len(first.split()) < _TITLE_MIN_WORDS:
        return article
    log.warning("the title has no words to say: using the text's first line instead")
    if len(first) <= _TITLE_LINE_CHARS and rest:
        return dataclasses.replace(article, title=first, paragraphs=tuple(rest))
    words = first.split()
    opening = " ".join(words[:_TITLE_WORDS])
    while len(opening) > _TITLE_LINE_CHARS:
        opening = opening.rsplit(" ", 1)[0]
    cut = opening != " ".join(words)
    return dataclasses.replace(article, title=f"{opening}…" if cut else opening)


def format_removed(removed: Sequence[Removal]) -> list[str]:
    """One line per removal, ``[rule-name] removed text``, for ``clean --show-removed``."""
    return [f"[{item.rule}] {' '.join(item.text.split())}" for item in removed]
