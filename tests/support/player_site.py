"""The web player's test site: real episodes, served by the real server, opened in real
headless Chromium. Test modules import the fixtures from here."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audio_news.audio.ffmpeg import ffmpeg_exe
from audio_news.output.episode import EpisodeDocument
from audio_news.output.page import write_index, write_page
from audio_news.output.serve import LocalServer
from support.episode_factory import make_episode

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]
SLUG = "ban-tin-thu-nghiem"
SCREENSHOT_ENV = "AUDIO_NEWS_SCREENSHOTS"
"""When set, a folder: screenshots at 375 and 1280 px are saved there for a person to look at."""
TIMEOUT_MS = 15_000

if not CHROMIUM.exists():
    if os.environ.get("AUDIO_NEWS_REQUIRE_BROWSER"):  # set by .ci/run, which installs it
        raise RuntimeError(f"{CHROMIUM} is required here but not installed")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


SOURCE_URL = "https://baothunghiem.vn/thoi-su/ha-noi-don-mua-lon.html"
CHAPTERS = [
    {"start": 0.0, "end": 3.75, "title": "Mưa ở nội thành"},
    {"start": 3.75, "end": 6.2, "title": "Dự báo"},
]
LONG_SLUG = "tin-dai"
LONG_BODY = tuple(
    tuple(f"Câu số {p * 4 + i + 1} của bản tin." for i in range(4)) for p in range(15)
)
"""60 sentences: about 76 s of audio, room for 15 s skips and a minute on the clock."""


def _cover(target: Path) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "color=c=0x0b5cad:s=320x320", "-frames:v", "1", str(target)],
        check=True,
        timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    _cover(out / f"{SLUG}.png")
    extra = {
        "guid": "6f1c2d3e-0000-5000-8000-000000000001",
        "url": SOURCE_URL,
        "published": "2024-05-17T07:30:00+07:00",
        "image": f"{SLUG}.png",
        "chapters": CHAPTERS,
    }
    made = [
        make_episode(out, extra=extra),
        make_episode(
            out, slug="tin-hai", title="Tin thứ hai", date="2024-05-16", body=(("Một câu ngắn.",),)
        ),
        make_episode(out, slug=LONG_SLUG, title="Tin dài", date="2024-05-15", body=LONG_BODY),
    ]
    for json_path in made:
        write_page(EpisodeDocument.load(json_path), out)
    (out / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Báo Thử Nghiệm - Podcast'
        "</title></channel></rss>",
        encoding="utf-8",
    )
    write_index(out)
    return out


@pytest.fixture(scope="module")
def segments(site: Path) -> list[dict[str, Any]]:
    doc = json.loads((site / f"{SLUG}.json").read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = doc["segments"]
    return result


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[LocalServer]:
    with LocalServer(site, port=0) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any, server: LocalServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(server.url + f"{SLUG}.html")
    tab.wait_for_selector(".anp[data-ready=true]")
    yield tab
    context.close()
    assert errors == []


def current_time(page: Any) -> float:
    return float(page.evaluate("document.querySelector('.anp audio').currentTime"))


def highlighted(page: Any) -> int:
    return int(page.evaluate("+document.querySelector('.anp').dataset.sentence"))
