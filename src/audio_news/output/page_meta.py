"""What a page says about itself: the date as Vietnamese readers write it, ``og:`` tags for
link previews, and JSON-LD (schema.org ``PodcastEpisode`` with its ``AudioObject``)."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Sequence
from typing import Any

from .episode import EpisodeDocument

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
"""Monday first, as ``date.weekday()`` counts."""


def vietnamese_date(date: str, published: str | None = None) -> str:
    """``Thứ Sáu, 17/5/2024``, with ``, 14:30`` when the time of publication is known."""
    day = dt.date.fromisoformat(date)
    text = f"{WEEKDAYS[day.weekday()]}, {day.day}/{day.month}/{day.year}"
    if published and published[:10] == date:
        moment = dt.datetime.fromisoformat(published)
        text += f", {moment.hour:02d}:{moment.minute:02d}"
    return text


def time_element(episode: EpisodeDocument) -> str:
    """``<time datetime="...">`` holding the episode's date in Vietnamese form."""
    moment = episode.published if episode.published else episode.date
    text = vietnamese_date(episode.date, episode.published)
    return f'<time datetime="{html.escape(moment)}">{html.escape(text)}</time>'


def iso_duration(seconds: float) -> str:
    """``PT1M5S``: schema.org durations are ISO 8601."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def episode_ld(episode: EpisodeDocument, url: Callable[[str], str]) -> dict[str, Any]:
    """The episode as a schema.org ``PodcastEpisode``; ``url`` makes its files' URLs."""
    data: dict[str, Any] = {
        "@type": "PodcastEpisode",
        "name": episode.title,
        "description": episode.summary,
        "datePublished": episode.published or episode.date,
        "inLanguage": "vi",
        "timeRequired": iso_duration(episode.duration),
        "associatedMedia": {
            "@type": "AudioObject",
            "contentUrl": url(episode.audio),
            "encodingFormat": "audio/mpeg",
            "duration": iso_duration(episode.duration),
            "transcript": episode.written_text,
        },
        "url": url(episode.page_name),
    }
    if episode.image:
        data["image"] = url(episode.image)
    if episode.url:
        data["isBasedOn"] = episode.url
    if episode.artist:
        data["author"] = {"@type": "Organization", "name": episode.artist}
    if episode.album:
        data["partOfSeries"] = {"@type": "PodcastSeries", "name": episode.album}
    return data


def json_ld(data: dict[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` block that no text in ``data`` can close."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def series_ld(
    title: str, episodes: Sequence[EpisodeDocument], url: Callable[[str], str], feed: str | None
) -> str:
    """The index as a ``PodcastSeries`` listing its episodes."""
    data: dict[str, Any] = {
        "@type": "PodcastSeries",
        "name": title,
        "inLanguage": "vi",
        "episode": [episode_ld(e, url) for e in episodes],
    }
    if feed:
        data["webFeed"] = feed
    return json_ld(data)


def og_tags(
    title: str,
    description: str,
    kind: str,
    image: str | None = None,
    audio: str | None = None,
    page: str | None = None,
) -> str:
    """Open Graph tags for link previews (chat apps, social networks)."""
    tags = [
        ("og:type", kind),
        ("og:title", title),
        ("og:description", description),
        ("og:locale", "vi_VN"),
    ]
    if page:
        tags.append(("og:url", page))
    if image:
        tags.append(("og:image", image))
    if audio:
        tags += [("og:audio", audio), ("og:audio:type", "audio/mpeg")]
    return "\n".join(
        f'<meta property="{name}" content="{html.escape(value)}">' for name, value in tags
    )
