"""The player page's publishing features in real headless Chromium: the page's head and
links, the keyboard path, skip buttons, chapters, the Media Session, the analytics events,
the focus ring's contrast and the slider's spoken position."""

# ruff: noqa: F811  (test arguments are the fixtures imported from support.player_site)
from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest

from audio_news.output.serve import LocalServer
from support.player_site import (  # noqa: F401  (fixtures)
    CHAPTERS,
    LONG_SLUG,
    SLUG,
    SOURCE_URL,
    TIMEOUT_MS,
    browser,
    current_time,
    page,
    segments,
    server,
    site,
)

pytestmark = pytest.mark.browser

TITLE = "Bản tin thử nghiệm: Hà Nội đón mưa lớn"
AUDIO = "document.querySelector('.anp audio')"
EVENTS = ("play", "pause", "progress", "ended", "speed")


def _open(browser: Any, server: LocalServer, slug: str, width: int = 1000) -> Any:
    tab = browser.new_page(viewport={"width": width, "height": 800})
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(server.url + f"{slug}.html")
    tab.wait_for_selector(".anp[data-ready=true]")
    return tab


def test_title_once_date_cover_and_links(page: Any, server: LocalServer) -> None:
    assert page.locator("body").inner_text().count(TITLE) == 1
    assert page.locator("h1").count() == 1
    time = page.locator(".anp-meta time")
    assert time.get_attribute("datetime") == "2024-05-17T07:30:00+07:00"
    assert time.inner_text() == "Thứ Sáu, 17/5/2024, 07:30"
    assert page.evaluate("document.querySelector('.anp-cover').naturalWidth") == 320
    assert page.locator("a", has_text="Đọc bài gốc").get_attribute("href") == SOURCE_URL
    download = page.locator("a[download]")
    assert download.inner_text() == "Tải MP3"
    with urllib.request.urlopen(server.url + download.get_attribute("href")) as answer:
        assert answer.headers["content-type"] == "audio/mpeg"
    box = "getComputedStyle(document.querySelector('.anp-transcript'))"
    assert page.evaluate(f"{box}.overflowY") == "visible"  # the article flows in the page
    assert page.evaluate(f"{box}.maxHeight") == "none"


def test_head_has_og_json_ld_and_a_favicon(page: Any, server: LocalServer) -> None:
    og = {
        m["property"]: m["content"]
        for m in page.locator("meta[property^='og:']").evaluate_all(
            "ms => ms.map(m => ({property: m.getAttribute('property'), content: m.content}))"
        )
    }
    assert og["og:title"] == TITLE and og["og:image"] == f"{SLUG}.png"
    assert og["og:audio"] == f"{SLUG}.mp3" and og["og:locale"] == "vi_VN"
    ld = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert (ld["@type"], ld["name"], ld["isBasedOn"]) == ("PodcastEpisode", TITLE, SOURCE_URL)
    assert ld["associatedMedia"]["@type"] == "AudioObject"
    assert ld["associatedMedia"]["encodingFormat"] == "audio/mpeg"
    icon = page.locator("link[rel=icon]").get_attribute("href")
    with urllib.request.urlopen(server.url + icon) as answer:
        assert answer.status == 200 and answer.headers["content-type"] == "image/x-icon"
        assert answer.read()[:4] == b"\x00\x00\x01\x00"


def _tab_stops(page: Any, count: int) -> list[str]:
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return e.classList.contains('anp-s') ? 's' + e.dataset.i"
                " : e.getAttribute('aria-label') || e.textContent.trim(); })()"
            )
        )
    return stops


def test_keyboard_path_through_the_transcript(page: Any, segments: list[dict[str, Any]]) -> None:
    expected = [
        "Tất cả bản tin",
        "s0",  # the title, in the page's heading
        "Đọc bài gốc",
        "Tải MP3",
        "Lùi 15 giây",
        "Phát",
        "Tới 15 giây",
        "Vị trí phát",
        "Tốc độ phát",
        f"{CHAPTERS[0]['title']}, 0 giây",
        f"{CHAPTERS[1]['title']}, 3 giây",
        "Bản ghi lời đọc",
        *(f"s{i}" for i in range(1, len(segments))),
    ]
    assert _tab_stops(page, len(expected)) == expected
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back to the third sentence
    page.keyboard.press("Enter")
    target = len(segments) - 3
    page.wait_for_function(f"() => !{AUDIO}.paused")
    assert current_time(page) == pytest.approx(segments[target]["start"], abs=0.3)
    page.wait_for_function(f"() => +document.querySelector('.anp').dataset.sentence === {target}")
    page.keyboard.press("Space")  # on a sentence, Space pauses as anywhere in the player
    page.wait_for_function(f"() => {AUDIO}.paused")


def test_skip_buttons_move_fifteen_seconds(browser: Any, server: LocalServer) -> None:
    tab = _open(browser, server, LONG_SLUG)
    assert tab.locator(".anp-skip").all_inner_texts() == ["−15", "+15"]
    tab.click(".anp-fwd15")
    assert current_time(tab) == pytest.approx(15, abs=0.05)
    tab.click(".anp-fwd15")
    assert current_time(tab) == pytest.approx(30, abs=0.05)
    tab.click(".anp-back15")
    assert current_time(tab) == pytest.approx(15, abs=0.05)
    tab.click(".anp-back15")
    tab.click(".anp-back15")
    assert current_time(tab) == 0
    tab.close()


def test_chapter_list_jumps_and_marks_the_current_one(page: Any) -> None:
    buttons = page.locator(".anp-chapters .anp-ch")
    assert buttons.all_inner_texts() == ["0:00 Mưa ở nội thành", "0:03 Dự báo"]
    assert page.locator(".anp-chapters").get_attribute("aria-label") == "Các phần"
    buttons.nth(1).click()
    assert current_time(page) == pytest.approx(CHAPTERS[1]["start"], abs=0.05)
    assert buttons.nth(1).get_attribute("aria-current") == "true"
    assert buttons.nth(0).get_attribute("aria-current") is None
    buttons.nth(0).click()
    assert current_time(page) == 0
    assert buttons.nth(0).get_attribute("aria-current") == "true"


def test_media_session_gets_title_artist_and_artwork(page: Any, server: LocalServer) -> None:
    assert page.evaluate("navigator.mediaSession.metadata") is None
    page.click(".anp-play")
    page.wait_for_function("() => navigator.mediaSession.playbackState === 'playing'")
    meta = page.evaluate(
        "(() => { const m = navigator.mediaSession.metadata;"
        " return {title: m.title, artist: m.artist, art: m.artwork.map(a => a.src)}; })()"
    )
    assert meta == {"title": TITLE, "artist": "Báo Thử Nghiệm", "art": [f"{server.url}{SLUG}.png"]}
    page.click(".anp-play")
    page.wait_for_function("() => navigator.mediaSession.playbackState === 'paused'")


def test_analytics_events_fire_with_no_third_party_call(browser: Any, server: LocalServer) -> None:
    tab = browser.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.add_init_script(
        "window.seen = [];"
        + "".join(
            f"document.addEventListener('audio-news:{name}', e => window.seen.push("
            f"['{name}', e.detail.percent || e.detail.rate || null, e.detail.title]));"
            for name in EVENTS
        )
    )
    tab.goto(server.url + f"{SLUG}.html")
    tab.wait_for_selector(".anp[data-ready=true]")
    tab.select_option(".anp-speed", "2")
    tab.click(".anp-play")
    tab.wait_for_function(f"() => {AUDIO}.currentTime > 1.5")
    tab.click(".anp-play")
    tab.wait_for_function(f"() => {AUDIO}.paused")
    tab.click(".anp-play")
    tab.wait_for_function("() => window.seen.some(e => e[0] === 'ended')")
    seen = tab.evaluate("window.seen")
    names = [e[0] for e in seen]
    assert names[:2] == ["speed", "play"] and seen[0][1] == 2
    assert names.count("play") == 2 and names.count("pause") == 1 and names[-1] == "ended"
    assert [e[1] for e in seen if e[0] == "progress"] == [10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert {e[2] for e in seen} == {TITLE}
    assert requests and all(url.startswith(server.url) for url in requests)
    tab.close()


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


RING = """(() => {
  const e = document.activeElement, s = getComputedStyle(e);
  let n = e.parentElement, bg = 'rgb(255, 255, 255)';
  for (; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
  }
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, bg};
})()"""


def test_focus_ring_has_three_to_one_contrast(page: Any) -> None:
    rings = []
    for _ in range(14):  # links, title, buttons, slider, chapters, transcript, sentences
        page.keyboard.press("Tab")
        rings.append(page.evaluate(RING))
    for ring in rings:
        assert ring["style"] == "solid" and ring["width"] >= 2, ring
        assert _contrast(ring["color"], ring["bg"]) >= 3, ring


def test_seek_slider_says_its_position_in_words(browser: Any, server: LocalServer) -> None:
    tab = _open(browser, server, LONG_SLUG)
    seek = tab.locator(".anp-seek")
    tab.wait_for_function(f"() => {AUDIO}.readyState >= 1")
    total = tab.evaluate(f"Math.floor({AUDIO}.duration || 0)")
    assert total > 65
    spoken_total = f"{total // 60} phút {total % 60} giây" if total % 60 else f"{total // 60} phút"
    assert seek.get_attribute("aria-valuetext") == f"0 giây trên {spoken_total}"
    tab.evaluate(f"{AUDIO}.currentTime = 65.4")
    tab.wait_for_function(
        "() => document.querySelector('.anp-seek').getAttribute('aria-valuetext')"
        " .startsWith('1 phút 5 giây')"
    )
    assert seek.get_attribute("aria-valuetext") == f"1 phút 5 giây trên {spoken_total}"
    seek.focus()
    tab.keyboard.press("End")
    tab.wait_for_function(f"() => {AUDIO}.currentTime > 70")
    tab.close()


RECORD_HANDLERS = """
window.handlers = {};
const session = navigator.mediaSession, set = session.setActionHandler.bind(session);
session.setActionHandler = (action, handler) => {
  window.handlers[action] = handler;
  set(action, handler);
};
"""


def test_media_session_handlers_play_pause_and_seek(browser: Any, server: LocalServer) -> None:
    tab = browser.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.add_init_script(RECORD_HANDLERS)
    tab.goto(server.url + f"{LONG_SLUG}.html")
    tab.wait_for_selector(".anp[data-ready=true]")
    tab.click(".anp-play")
    tab.wait_for_function("() => Object.keys(window.handlers).length === 5")
    tab.evaluate("window.handlers.pause({action: 'pause'})")
    tab.wait_for_function(f"() => {AUDIO}.paused")
    tab.evaluate(f"{AUDIO}.currentTime = 20")
    tab.evaluate("window.handlers.seekforward({action: 'seekforward'})")
    assert current_time(tab) == pytest.approx(35, abs=0.05)
    tab.evaluate("window.handlers.seekbackward({action: 'seekbackward', seekOffset: 10})")
    assert current_time(tab) == pytest.approx(25, abs=0.05)
    tab.evaluate("window.handlers.seekto({action: 'seekto', seekTime: 61.5})")
    assert current_time(tab) == pytest.approx(61.5, abs=0.05)
    tab.evaluate("window.handlers.play({action: 'play'})")
    tab.wait_for_function(f"() => !{AUDIO}.paused")
    tab.close()
