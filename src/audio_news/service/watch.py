"""Feeds in, episodes out: poll RSS and Atom feeds and make an episode per new or changed item.

The state (``watch.json`` in the state folder; this module is its one reader and writer)
holds, per feed, each item's content digest and the files its episode went to, written after
every item: a restart redoes nothing done. A feed seen for the first time is only noted
unless ``since`` asks for its items from that date. An item with its text in the feed
(``content:encoded``, Atom ``content``) is spoken from that, else from its link's page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import AudioNewsError, FetchError, InputError, reason
from ..fsutil import write_text_atomic
from ..inputs.guard import HostPolicy

log = logging.getLogger(__name__)

STATE_VERSION = 1
STATE_NAME = "watch.json"
MAX_FEED_BYTES = 5_000_000
FEED_TIMEOUT_S = 20.0
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
MAX_ITEMS_PER_FEED = 200
"""Items read from one feed per poll, newest first as feeds list them."""
MAX_ITEM_FAILURES = 3
"""Polls an unchanged failing item is retried in; then it waits until it changes."""
MIN_CONTENT_CHARS = 200
"""Feed text shorter than this is a teaser: the item's page is read instead."""
EPISODE_SUFFIXES = (".mp3", ".json", ".vtt", ".html")


@dataclass(frozen=True)
class Item:
    """One feed entry, as much of it as decides its episode."""

    key: str
    """The entry's id, else its link."""
    title: str
    link: str | None
    content: str | None
    """HTML of the article when the feed carries it."""
    published: dt.date | None
    author: str | None

    @property
    def digest(self) -> str:
        blob = json.dumps([self.title, self.link, self.content], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def page(self) -> str:
        """The item as a small HTML page for the HTML reader."""
        meta = []
        if self.published:
            meta.append(f'<meta property="article:published_time" content="{self.published}">')
        if self.author:
            meta.append(f'<meta name="author" content="{html.escape(self.author)}">')
        title = html.escape(self.title)
        return (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
            f"{''.join(meta)}</head><body><article><h1>{title}</h1>"
            f"{self.content or ''}</article></body></html>"
        )


def _date(entry: Any) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return dt.date(parsed[0], parsed[1], parsed[2])
    except (TypeError, ValueError):
        return None


def item_from_entry(entry: Any) -> Item | None:
    """The entry as an ``Item``; None when it has neither a title nor a way to its text."""
    title = " ".join(str(entry.get("title") or "").split())
    link = entry.get("link")
    link = link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
    content = None
    for block in entry.get("content") or ():
        if len(block.get("value") or "") > len(content or ""):
            content = block.get("value")
    summary = entry.get("summary") or ""
    if (content is None or len(content) < len(summary)) and len(summary) >= MIN_CONTENT_CHARS:
        content = summary
    if content is not None and len(content) < MIN_CONTENT_CHARS:
        content = None
    key = entry.get("id") or link
    if not title or not key or (content is None and link is None):
        return None
    author = entry.get("author")
    return Item(str(key), title, link, content, _date(entry), author if author else None)


def fetch_feed(
    url: str,
    *,
    max_bytes: int = MAX_FEED_BYTES,
    timeout: float = FEED_TIMEOUT_S,
    hosts: HostPolicy | None = None,
) -> bytes:
    """The feed's bytes, within ``timeout`` seconds and ``max_bytes``, from an address
    ``hosts`` allows (the article reader's fetch, any content type); ``FetchError`` else."""
    from ..inputs.url import fetch

    if not url.startswith(("http://", "https://")):
        raise FetchError(f"feed {url}: only http(s) URLs")
    fetched = fetch(
        url, max_bytes=max_bytes, timeout=timeout, hosts=hosts, media_types=None, accept=FEED_ACCEPT
    )
    return fetched.data


def parse_feed(url: str, data: bytes) -> list[Item | None]:
    """The feed's entries (None for each unusable one); ``InputError`` if it is no feed."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise InputError(f"feed {url}: not an RSS or Atom feed")
    return [item_from_entry(e) for e in parsed.entries[:MAX_ITEMS_PER_FEED]]


class WatchState:
    """``watch.json``: per feed, per item, the digest made and where its files went."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.feeds: dict[str, dict[str, dict[str, Any]]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == STATE_VERSION and isinstance(data.get("feeds"), dict):
                self.feeds = data["feeds"]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError) as e:
            raise InputError(f"cannot read the watch state {path}: {e}") from e

    def save(self) -> None:
        document = {"version": STATE_VERSION, "feeds": self.feeds}
        write_text_atomic(self.path, json.dumps(document, ensure_ascii=False, indent=1))


@dataclass
class PollReport:
    made: int = 0
    updated: int = 0
    failed: int = 0
    noted: int = 0

    def __str__(self) -> str:
        return (
            f"{self.made} new, {self.updated} updated, {self.failed} failed, "
            f"{self.noted} noted without an episode"
        )


class Watcher:
    """Polls feeds into episodes in ``settings.out_dir``, keeping state in ``state_dir``."""

    def __init__(
        self,
        settings: Settings,
        state_dir: Path,
        since: dt.date | None = None,
        on_error: Callable[[str], None] = log.error,
    ) -> None:
        from ..pipeline import Producer

        self.settings, self.since, self.on_error = settings, since, on_error
        self.items_dir = Path(state_dir) / "items"
        self.state = WatchState(Path(state_dir) / STATE_NAME)
        self.producer = Producer(settings)
        self.out_dir = Path(settings.out_dir)
        self.hosts = HostPolicy.from_limits(settings.limits)

    def poll(self, feeds: Sequence[str]) -> PollReport:
        """One pass over ``feeds``; one bad feed or item never stops the rest."""
        report = PollReport()
        for url in feeds:
            try:
                items = parse_feed(url, fetch_feed(url, hosts=self.hosts))
            except InputError as e:
                self.on_error(str(e))
                report.failed += 1
                continue
            self._poll_items(url, items, report)
        return report

    def _poll_items(self, url: str, items: Iterable[Item | None], report: PollReport) -> None:
        first = url not in self.state.feeds
        known = self.state.feeds.setdefault(url, {})
        for number, item in enumerate(items, start=1):
            if item is None:
                self.on_error(f"feed {url}: item {number} has no title or no text and no link")
                report.failed += 1
                continue
            record = known.get(item.key)
            if record is not None and not _due(record, item):
                continue
            if record is None and not self._wanted(item, first):
                known[item.key] = {"digest": item.digest, "files": [], "noted": True}
                report.noted += 1
                continue
            known[item.key] = self._make(url, item, record or {}, report)
            self.state.save()
        self.state.save()

    def _wanted(self, item: Item, first_poll: bool) -> bool:
        if self.since is not None:
            return item.published is None or item.published >= self.since
        return not first_poll  # a feed's existing items are its archive: --since backfills

    def _source(self, item: Item) -> str:
        if item.content is None:
            return item.link or ""
        name = hashlib.sha256(item.key.encode()).hexdigest()[:24]
        path = self.items_dir / f"{name}.html"
        write_text_atomic(path, item.page())
        return str(path)

    def _make(
        self, url: str, item: Item, record: dict[str, Any], report: PollReport
    ) -> dict[str, Any]:
        """Make the item's episode; returns its new record."""
        old_files: list[str] = record.get("files") or []
        try:
            episode = self.producer.make(self.producer.plan(self._source(item)))
        except AudioNewsError as e:
            error = reason(e, None)
            self.on_error(f"feed {url}: {item.title}: {error}")
            report.failed += 1
            same = record.get("digest") == item.digest
            failures = record.get("failures", 0) + 1 if same else 1
            return {"digest": item.digest, "files": old_files, "failures": failures, "error": error}
        stem = Path(episode.mp3_path).stem
        files = [f"{stem}{suffix}" for suffix in EPISODE_SUFFIXES]
        for name in set(old_files) - set(files):
            (self.out_dir / name).unlink(missing_ok=True)  # the title, so the name, changed
        if old_files:
            report.updated += 1
        else:
            report.made += 1
        log.info("feed %s: %s -> %s", url, item.title, episode.mp3_path)
        return {"digest": item.digest, "files": files, "made": _now()}


def _due(record: dict[str, Any], item: Item) -> bool:
    """Whether a known item needs its episode (re)made: it changed, or its last try failed."""
    if record.get("digest") != item.digest:
        return True
    return "error" in record and record.get("failures", 0) < MAX_ITEM_FAILURES


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
