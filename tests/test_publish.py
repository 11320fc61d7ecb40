"""The player's files: assets, the episode page and the index."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from audio_news.output.episode import EpisodeDocument, list_episodes
from audio_news.output.feed import FeedSettings, write_feed
from audio_news.output.page import (
    ASSETS,
    install_assets,
    refresh_pages,
    write_index,
    write_page,
)
from audio_news.output.page_meta import vietnamese_date
from support.episode_factory import make_episode

MAX_PLAYER_BYTES = 20_000


def _asset(name: str) -> bytes:
    return (resources.files("audio_news.output") / "player" / name).read_bytes()


@pytest.fixture(scope="module")
def episode_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    make_episode(out)
    return out


def test_write_player_writes_page_and_assets(tmp_path: Path, episode_dir: Path) -> None:
    for name in ("ban-tin-thu-nghiem.json", "ban-tin-thu-nghiem.mp3"):
        (tmp_path / name).write_bytes((episode_dir / name).read_bytes())
    page = write_page(EpisodeDocument.load(tmp_path / "ban-tin-thu-nghiem.json"), tmp_path)
    assert page == tmp_path / "ban-tin-thu-nghiem.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and '<meta charset="utf-8">' in html
    assert '<h1 id="anp-h1">Bản tin thử nghiệm: Hà Nội đón mưa lớn</h1>' in html
    assert '<script src="player.js"></script>' in html
    assert 'data-episode="ban-tin-thu-nghiem.json"' in html
    assert "Người dân được khuyên hạn chế ra đường." in html
    for name in ASSETS:
        assert (tmp_path / name).read_bytes() == _asset(name)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_outdated_assets_are_replaced_and_current_ones_kept(tmp_path: Path) -> None:
    assert sorted(p.name for p in install_assets(tmp_path)) == sorted(ASSETS)
    assert install_assets(tmp_path) == []
    (tmp_path / "player.js").write_text("old version", encoding="utf-8")
    assert install_assets(tmp_path) == [tmp_path / "player.js"]
    assert (tmp_path / "player.js").read_bytes() == _asset("player.js")


def test_markup_in_titles_is_escaped(tmp_path: Path) -> None:
    json_path = make_episode(
        tmp_path,
        slug="xss",
        title='<script>alert("x")</script> & "Tin"',
        body=(("Câu <b>một</b>.",),),
    )
    html = write_page(EpisodeDocument.load(json_path), tmp_path).read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Tin&quot;" in html
    assert "Câu &lt;b&gt;một&lt;/b&gt;." in html


def test_player_is_small() -> None:
    total = sum(len(_asset(name)) for name in ("player.js", "player.css"))
    assert total < MAX_PLAYER_BYTES, f"player.js + player.css is {total} bytes"


def test_index_lists_valid_episodes_newest_first(tmp_path: Path) -> None:
    make_episode(tmp_path, slug="cu", title="Tin cũ", date="2024-01-02")
    make_episode(tmp_path, slug="moi", title="Tin mới", date="2024-06-30")
    make_episode(tmp_path, slug="mat-mp3", title="Mất MP3", date="2024-07-01")
    (tmp_path / "mat-mp3.mp3").unlink()
    (tmp_path / "rac.json").write_text('{"version": 1}', encoding="utf-8")
    (tmp_path / "ban-sao.json").write_bytes((tmp_path / "moi.json").read_bytes())  # not its MP3
    assert [e.slug for e in list_episodes(tmp_path)] == ["moi", "cu"]
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert html.index("Tin mới") < html.index("Tin cũ")
    assert "Mất MP3" not in html
    assert html.count('class="audio-news-player"') == 2
    assert '<a href="moi.html">Tin mới</a>' in html
    assert (tmp_path / "player.js").is_file()


def test_index_takes_the_feed_title_and_links_the_feed(tmp_path: Path) -> None:
    make_episode(tmp_path, slug="moi", title="Tin mới", date="2024-06-30")
    assert "<title>Bản tin âm thanh</title>" in write_index(tmp_path).read_text(encoding="utf-8")
    assert "application/rss+xml" not in (tmp_path / "index.html").read_text(encoding="utf-8")
    (tmp_path / "feed.xml").write_text(
        "<rss><channel><title>Báo &amp; Đài</title></channel></rss>", encoding="utf-8"
    )
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<title>Báo &amp; Đài</title>" in html and "<h1>Báo &amp; Đài</h1>" in html
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Báo &amp; Đài" href="feed.xml">'
        in html
    )
    assert '<meta property="og:title" content="Báo &amp; Đài">' in html
    (series,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    data = json.loads(series)
    assert (data["@type"], data["webFeed"]) == ("PodcastSeries", "feed.xml")
    assert [e["name"] for e in data["episode"]] == ["Tin mới"]
    assert (tmp_path / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_after_the_feed_pages_link_it_with_absolute_urls(tmp_path: Path) -> None:
    doc = EpisodeDocument.load(make_episode(tmp_path, slug="moi", title="Tin mới"))
    write_page(doc, tmp_path)
    write_index(tmp_path)
    assert 'content="moi.mp3"' in (tmp_path / "moi.html").read_text(encoding="utf-8")
    base = "https://pod.example.vn/ban-tin"
    write_feed(tmp_path, base + "/", FeedSettings(title="Báo Mới"))
    refresh_pages(tmp_path, "Báo Mới")
    page = (tmp_path / "moi.html").read_text(encoding="utf-8")
    assert f'<meta property="og:audio" content="{base}/moi.mp3">' in page
    assert f'<meta property="og:url" content="{base}/moi.html">' in page
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    assert json.loads(block)["associatedMedia"]["contentUrl"] == f"{base}/moi.mp3"
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<title>Báo Mới</title>" in index and 'href="feed.xml"' in index
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', index)
    assert json.loads(block)["webFeed"] == f"{base}/feed.xml"


def test_json_ld_cannot_close_its_script(tmp_path: Path) -> None:
    json_path = make_episode(tmp_path, slug="x", title="</script><b>Tin</b>", body=(("Câu.",),))
    html = write_page(EpisodeDocument.load(json_path), tmp_path).read_text(encoding="utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["name"] == "</script><b>Tin</b>"
    assert data["associatedMedia"]["contentUrl"] == "x.mp3"
    assert data["timeRequired"].startswith("PT")


@pytest.mark.parametrize(
    ("date", "published", "text"),
    [
        ("2023-12-28", None, "Thứ Năm, 28/12/2023"),
        ("2024-05-19", "2024-05-19T18:05:00+07:00", "Chủ Nhật, 19/5/2024, 18:05"),
        ("2024-05-19", "2024-05-18T18:05:00+07:00", "Chủ Nhật, 19/5/2024"),
    ],
)
def test_vietnamese_dates(date: str, published: str | None, text: str) -> None:
    assert vietnamese_date(date, published) == text


def test_empty_folder_gets_an_index_saying_so(tmp_path: Path) -> None:
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "Chưa có bản tin nào." in html
