"""The player's files: assets, the episode page, the index, and checking episode JSON."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from audio_news.errors import InputError
from audio_news.output.page import (
    ASSETS,
    install_assets,
    list_episodes,
    load_episode,
    write_index,
    write_player,
)
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
    page = write_player(tmp_path, tmp_path / "ban-tin-thu-nghiem.json")
    assert page == tmp_path / "ban-tin-thu-nghiem.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and '<meta charset="utf-8">' in html
    assert "<h1>Bản tin thử nghiệm: Hà Nội đón mưa lớn</h1>" in html
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
    html = write_player(tmp_path, json_path).read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Tin&quot;" in html
    assert "Câu &lt;b&gt;một&lt;/b&gt;." in html


def test_player_is_small() -> None:
    total = sum(len(_asset(name)) for name in ASSETS)
    assert total < MAX_PLAYER_BYTES, f"player.js + player.css is {total} bytes"


def _doc(episode_dir: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((episode_dir / "ban-tin-thu-nghiem.json").read_text())
    return doc


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("version", 2),
        ("audio", "../../etc/passwd.mp3"),
        ("audio", ".hidden.mp3"),
        ("audio", "song.wav"),
        ("title", "   "),
        ("date", "17/05/2024"),
        ("duration", "six"),
        ("duration", float("nan")),
        ("segments", [{"text": "x", "start": "0", "end": 1, "paragraph": 0}]),
        ("segments", ["not an object"]),
        ("paragraphs", [1, 2]),
        ("artist", 5),
    ],
)
def test_invalid_episode_json_is_refused(
    tmp_path: Path, episode_dir: Path, key: str, value: object
) -> None:
    doc = _doc(episode_dir)
    doc[key] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json"):
        load_episode(path)


def test_unreadable_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b"\xff\xfe{not json")
    with pytest.raises(InputError, match="cannot read episode file"):
        load_episode(path)


def test_extra_keys_from_the_pipeline_are_accepted(tmp_path: Path, episode_dir: Path) -> None:
    doc = _doc(episode_dir)
    doc.update(source="article.md", source_sha256="ab" * 32, fingerprint="f" * 16)
    path = tmp_path / "ban-tin-thu-nghiem.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    episode = load_episode(path)
    assert episode.slug == "ban-tin-thu-nghiem"
    assert len(episode.segments) == 5
    assert episode.segments[1].paragraph == 1


def test_index_lists_valid_episodes_newest_first(tmp_path: Path) -> None:
    make_episode(tmp_path, slug="cu", title="Tin cũ", date="2024-01-02")
    make_episode(tmp_path, slug="moi", title="Tin mới", date="2024-06-30")
    make_episode(tmp_path, slug="mat-mp3", title="Mất MP3", date="2024-07-01")
    (tmp_path / "mat-mp3.mp3").unlink()
    (tmp_path / "rac.json").write_text('{"version": 1}', encoding="utf-8")
    assert [e.slug for e in list_episodes(tmp_path)] == ["moi", "cu"]
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert html.index("Tin mới") < html.index("Tin cũ")
    assert "Mất MP3" not in html
    assert html.count('class="audio-news-player"') == 2
    assert '<a href="moi.html">Tin mới</a>' in html
    assert (tmp_path / "player.js").is_file()


def test_empty_folder_gets_an_index_saying_so(tmp_path: Path) -> None:
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "Chưa có bản tin nào." in html
