"""``watch`` against a local feed server: new items, edits, broken items and feeds, restarts."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytest.importorskip("feedparser")

from audio_news.config import settings_from_dict
from audio_news.service.watch import Watcher
from support.article_server import _QuietServer, running
from support.helpers import run_cli

pytestmark = pytest.mark.usefixtures("allow_private_hosts")


class FeedServer(BaseHTTPRequestHandler):
    """Serves whatever ``pages`` holds at each path; anything else is a 404."""

    pages: ClassVar[dict[str, tuple[str, bytes]]] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        content_type, body = self.pages.get(self.path, ("text/plain", b"not here"))
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def body_html(topic: str) -> str:
    return "".join(
        f"<p>Tin về {topic}: đoạn {i}, người dân Hà Nội theo dõi sát diễn biến mới nhất.</p>"
        for i in range(3)
    )


def rss(items: list[dict[str, str]]) -> bytes:
    entries = []
    for item in items:
        parts = [
            f"<{key}>{html.escape(value)}</{key}>"
            for key, value in item.items()
            if key != "content"
        ]
        if "content" in item:
            parts.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        entries.append(f"<item>{''.join(parts)}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Báo thử</title><link>http://127.0.0.1/</link>{''.join(entries)}"
        "</channel></rss>"
    ).encode()


def item(n: int, day: str = "Mon, 02 Dec 2024 08:00:00 +0700", **extra: str) -> dict[str, str]:
    return {
        "guid": f"urn:tin:{n}",
        "title": f"Tin thử số {n}",
        "pubDate": day,
        "content": body_html(f"chủ đề {n}"),
        **extra,
    }


@pytest.fixture
def feeds() -> Iterator[str]:
    FeedServer.pages = {}
    with running(_QuietServer(("127.0.0.1", 0), FeedServer)) as url:
        yield url


def publish(path: str, items: list[dict[str, str]]) -> None:
    FeedServer.pages[path] = ("application/rss+xml", rss(items))


def watcher(tmp: Path, since: dt.date | None = None) -> tuple[Watcher, list[str]]:
    errors: list[str] = []
    settings = settings_from_dict(
        {"engine": "espeak", "use_cache": False, "quiet": True, "out_dir": str(tmp / "out")}
    )
    return Watcher(settings, tmp / "state", since=since, on_error=errors.append), errors


def mp3s(tmp: Path) -> list[str]:
    return sorted(p.name for p in (tmp / "out").glob("*.mp3"))


def test_a_new_item_is_made_and_the_archive_only_noted(feeds: str, tmp_path: Path) -> None:
    publish("/rss", [item(1), item(2)])
    watch, errors = watcher(tmp_path)
    first = watch.poll([f"{feeds}/rss"])
    assert (first.made, first.noted, errors) == (0, 2, [])
    publish("/rss", [item(3), item(1), item(2)])
    second = watch.poll([f"{feeds}/rss"])
    assert (second.made, second.updated, second.failed) == (1, 0, 0)
    assert mp3s(tmp_path) == ["tin-thu-so-3.mp3"]
    assert watch.poll([f"{feeds}/rss"]).made == 0


def test_since_backfills_the_archive_from_a_date(feeds: str, tmp_path: Path) -> None:
    old, new = "Mon, 01 Jan 2024 08:00:00 +0700", "Sat, 01 Jun 2024 08:00:00 +0700"
    publish("/rss", [item(1, day=new), item(2, day=old)])
    watch, _ = watcher(tmp_path, since=dt.date(2024, 3, 1))
    report = watch.poll([f"{feeds}/rss"])
    assert (report.made, report.noted) == (1, 1)
    assert mp3s(tmp_path) == ["tin-thu-so-1.mp3"]


def test_an_edited_item_is_remade_in_place_and_a_retitled_one_moves(
    feeds: str, tmp_path: Path
) -> None:
    publish("/rss", [item(1)])
    watch, _ = watcher(tmp_path, since=dt.date(2000, 1, 1))
    watch.poll([f"{feeds}/rss"])
    before = (tmp_path / "out" / "tin-thu-so-1.mp3").read_bytes()
    publish("/rss", [item(1, content=body_html("một chủ đề khác hẳn") * 2)])
    report = watch.poll([f"{feeds}/rss"])
    assert (report.made, report.updated) == (0, 1)
    assert mp3s(tmp_path) == ["tin-thu-so-1.mp3"]
    assert (tmp_path / "out" / "tin-thu-so-1.mp3").read_bytes() != before
    publish("/rss", [item(1, title="Tin đã sửa tiêu đề")])
    assert watch.poll([f"{feeds}/rss"]).updated == 1
    assert mp3s(tmp_path) == ["tin-da-sua-tieu-de.mp3"]
    assert not (tmp_path / "out" / "tin-thu-so-1.json").exists()


def test_broken_items_and_feeds_do_not_stop_the_rest(feeds: str, tmp_path: Path) -> None:
    FeedServer.pages["/page.html"] = (
        "text/html; charset=utf-8",
        f"<html><head><title>Tin từ trang</title></head><body><article><h1>Tin từ trang"
        f"</h1>{body_html('trang')}</article></body></html>".encode(),
    )
    FeedServer.pages["/garbage"] = ("application/rss+xml", b"\x00\x01 not a feed at all")
    publish("/rss", [item(1)])
    watch, errors = watcher(tmp_path)
    watch.poll([f"{feeds}/rss"])
    broken: list[dict[str, Any]] = [
        {"guid": "urn:tin:notitle", "link": f"{feeds}/page.html"},
        {"guid": "urn:tin:gone", "title": "Trang đã mất", "link": f"{feeds}/missing"},
        {"guid": "urn:tin:page", "title": "Tin từ trang", "link": f"{feeds}/page.html"},
        item(2),
    ]
    publish("/rss", [*broken, item(1)])
    report = watch.poll([f"{feeds}/garbage", f"{feeds}/nowhere", f"{feeds}/rss"])
    assert (report.made, report.failed) == (2, 4)
    assert mp3s(tmp_path) == ["tin-thu-so-2.mp3", "tin-tu-trang.mp3"]
    assert len(errors) == 4 and all("\n" not in e for e in errors)
    assert any("not an RSS or Atom feed" in e for e in errors)
    assert any("Trang đã mất" in e and "404" in e for e in errors)


def test_a_restart_redoes_nothing(feeds: str, tmp_path: Path) -> None:
    publish("/rss", [item(1), item(2)])
    watch, _ = watcher(tmp_path, since=dt.date(2000, 1, 1))
    assert watch.poll([f"{feeds}/rss"]).made == 2
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.mp3")}
    again, _ = watcher(tmp_path, since=dt.date(2000, 1, 1))
    report = again.poll([f"{feeds}/rss"])
    assert (report.made, report.updated, report.failed) == (0, 0, 0)
    assert stamps == {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.mp3")}


def test_the_command_backfills_and_writes_the_podcast_feed(feeds: str, tmp_path: Path) -> None:
    publish("/rss", [item(1)])
    out = tmp_path / "out"
    args = ["watch", f"{feeds}/rss", "--once", "--since", "2000-01-01", "--engine", "espeak"]
    result = run_cli(*args, "-o", str(out), "--base-url", "http://pod.test/tin", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stderr
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "Tin thử số 1" in feed and "http://pod.test/tin/tin-thu-so-1.mp3" in feed
    failed = run_cli("watch", f"{feeds}/nowhere", "--once", "-o", str(out), cwd=tmp_path)
    assert failed.returncode == 1 and "/nowhere: HTTP 404" in failed.stderr
    assert "Traceback" not in failed.stderr
