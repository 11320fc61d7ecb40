"""The web player in real headless Chromium, served by the real server."""

# ruff: noqa: F811  (test arguments are the fixtures imported from support.player_site)
from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audio_news.output.serve import LocalServer
from support.player_site import (  # noqa: F401  (fixtures)
    SCREENSHOT_ENV,
    SLUG,
    TIMEOUT_MS,
    browser,
    current_time,
    highlighted,
    page,
    segments,
    server,
    site,
)

pytestmark = pytest.mark.browser


def test_page_renders_vietnamese_transcript(page: Any, segments: list[dict[str, Any]]) -> None:
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.evaluate("document.characterSet") == "UTF-8"
    texts = page.locator(".anp-s").all_inner_texts()
    assert texts == [s["text"] for s in segments]
    assert page.locator(".anp-play").get_attribute("aria-label") == "Phát"
    for selector in (".anp-seek", ".anp-speed", ".anp-transcript"):
        assert page.locator(selector).get_attribute("aria-label")
    duration = json.loads(
        page.evaluate("JSON.stringify(document.querySelector('.anp-dur').textContent)")
    )
    assert duration == "0:06"


def test_play_advances_time_and_highlight(page: Any, segments: list[dict[str, Any]]) -> None:
    page.click(".anp-play")
    page.wait_for_function("() => document.querySelector('.anp audio').currentTime > 0.3")
    assert page.locator(".anp").get_attribute("data-state") == "playing"
    assert page.locator(".anp-play").get_attribute("aria-label") == "Tạm dừng"
    assert highlighted(page) == 0
    page.wait_for_function(
        f"() => +document.querySelector('.anp').dataset.sentence >= 1"
        f" && document.querySelector('.anp audio').currentTime"
        f" >= {segments[1]['start']}"
    )
    current = page.locator(".anp-s.anp-current")
    assert current.count() == 1
    assert current.inner_text() == segments[highlighted(page)]["text"]
    assert current.get_attribute("aria-current") == "true"
    page.evaluate("document.querySelector('.anp audio').pause()")
    page.wait_for_function(
        "() => document.querySelector('.anp-cur').textContent"
        " === '0:0' + Math.floor(document.querySelector('.anp audio').currentTime)"
    )
    assert page.locator(".anp-cur").inner_text() in ("0:01", "0:02", "0:03", "0:04", "0:05")


def test_clicking_a_sentence_jumps_there(page: Any, segments: list[dict[str, Any]]) -> None:
    target = len(segments) - 1
    page.locator(".anp-s").nth(target).click()
    start = segments[target]["start"]
    audio = "document.querySelector('.anp audio')"
    page.wait_for_function(f"() => {audio}.currentTime >= {start - 0.05}")
    assert start - 0.05 <= current_time(page) < segments[target]["end"] + 0.5
    page.wait_for_function(f"() => +document.querySelector('.anp').dataset.sentence === {target}")
    assert page.locator(".anp-s").nth(target).get_attribute("class") == "anp-s anp-current"
    assert page.locator(".anp").get_attribute("data-state") == "playing"


def test_speed_changes_playback_rate(page: Any) -> None:
    page.select_option(".anp-speed", "1.5")
    assert page.evaluate("document.querySelector('.anp audio').playbackRate") == 1.5
    page.select_option(".anp-speed", "0.75")
    assert page.evaluate("document.querySelector('.anp audio').playbackRate") == 0.75
    options = page.locator(".anp-speed option").evaluate_all("os => os.map(o => +o.value)")
    assert options == [0.75, 1, 1.25, 1.5, 1.75, 2]


def test_keyboard_controls(page: Any, segments: list[dict[str, Any]]) -> None:
    page.focus(".anp-transcript")
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('.anp audio').paused")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.anp audio').paused")
    page.keyboard.press("ArrowRight")
    assert 4.9 <= current_time(page) <= 5.5
    page.keyboard.press("ArrowLeft")
    assert current_time(page) <= 0.5
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert current_time(page) == pytest.approx(segments[2]["start"], abs=0.05)
    page.focus(".anp-play")
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('.anp audio').paused")
    assert page.evaluate("document.activeElement.className") == "anp-play"
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.anp audio').paused")
    assert page.evaluate("window.scrollY") == 0


def test_phone_width_and_screenshot(browser: Any, server: LocalServer, tmp_path: Path) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(server.url + f"{SLUG}.html")
    tab.wait_for_selector(".anp[data-ready=true]")
    tab.locator(".anp-s").nth(2).click()
    tab.wait_for_function("() => +document.querySelector('.anp').dataset.sentence === 2")
    tab.evaluate("document.querySelector('.anp audio').pause()")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    for selector in (".anp-play", ".anp-seek", ".anp-speed", ".anp-transcript"):
        box = tab.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    shot = tmp_path / "player-phone.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get(SCREENSHOT_ENV):
        tab.screenshot(path=str(Path(os.environ[SCREENSHOT_ENV]) / "player-375.png"))
    context.close()


def test_wide_screen_and_screenshot(browser: Any, server: LocalServer, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(server.url + f"{SLUG}.html")
    tab.wait_for_selector(".anp[data-ready=true]")
    tab.locator(".anp-s").nth(3).click()
    tab.wait_for_function("() => +document.querySelector('.anp').dataset.sentence === 3")
    tab.evaluate("document.querySelector('.anp audio').pause()")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
    cover = tab.locator(".anp-cover").bounding_box()
    heading = tab.locator("h1").bounding_box()
    assert cover is not None and heading is not None
    assert cover["x"] > heading["x"] + heading["width"] / 2  # beside the title, not above it
    shot = tmp_path / "player-wide.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get(SCREENSHOT_ENV):
        tab.screenshot(path=str(Path(os.environ[SCREENSHOT_ENV]) / "player-1280.png"))
    context.close()


def test_index_embeds_a_player_per_episode(browser: Any, server: LocalServer) -> None:
    tab = browser.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(server.url)
    tab.wait_for_function("() => document.querySelectorAll('.anp[data-ready=true]').length === 3")
    assert tab.title() == "Báo Thử Nghiệm - Podcast"
    assert tab.locator(".anp-item h2").all_inner_texts() == [
        "Bản tin thử nghiệm: Hà Nội đón mưa lớn",
        "Tin thứ hai",
        "Tin dài",
    ]
    assert tab.locator(".anp-head").count() == 0  # the h2 is the title, once
    rss = tab.locator('link[rel=alternate][type="application/rss+xml"]')
    assert rss.get_attribute("href") == "feed.xml"
    overflow = tab.evaluate("getComputedStyle(document.querySelector('.anp-transcript')).overflowY")
    assert overflow == "auto"  # the compact embed keeps its scroll box
    tab.locator(".anp-play").nth(1).click()
    tab.wait_for_function("() => !document.querySelectorAll('.anp audio')[1].paused")
    tab.locator(".anp-play").nth(0).click()
    tab.wait_for_function("() => document.querySelectorAll('.anp audio')[1].paused")
    tab.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def newspaper(tmp_path: Path, server: LocalServer) -> Iterator[str]:
    """Another site on another port: an article page embedding the player."""
    (tmp_path / "article.html").write_text(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>'
        "<h1>Bài báo</h1>"
        f'<div class="audio-news-player" data-episode="{server.url}{SLUG}.json"></div>'
        f'<script src="{server.url}player.js"></script></body></html>',
        encoding="utf-8",
    )
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as site:
        thread = threading.Thread(target=site.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{site.server_address[1]}/article.html"
        site.shutdown()
        thread.join(timeout=10)


def test_embedding_on_another_site(browser: Any, server: LocalServer, newspaper: str) -> None:
    """A newspaper page on another origin needs one script tag and one element."""
    tab = browser.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(newspaper)
    tab.wait_for_selector(".anp[data-ready=true]")
    assert tab.locator(".anp-head").inner_text().strip() == "Bản tin thử nghiệm: Hà Nội đón mưa lớn"
    assert tab.locator(".anp-head .anp-s").count() == 1
    assert tab.locator(".anp-transcript .anp-title").count() == 0
    assert tab.locator(f'link[href="{server.url}player.css"]').count() == 1
    radius = tab.evaluate("getComputedStyle(document.querySelector('.anp-play')).borderRadius")
    assert radius == "50%"
    tab.locator(".anp-play").click()
    tab.wait_for_function("() => document.querySelector('.anp audio').currentTime > 0.2")
    tab.close()
