"""The episode document: its schema, its round trip, what it refuses, and the credits that the
tags, the JSON, the page and the feed share."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutagen.id3 import ID3

from audio_news.config import TagSettings
from audio_news.errors import InputError
from audio_news.models import Chapter, Cue, Metadata, Segment
from audio_news.output.episode import (
    VERSION,
    Credits,
    EpisodeDocument,
    schema,
)
from audio_news.output.episode_fields import READABLE_VERSIONS
from support.helpers import assert_valid_episode_file, episode_schema_errors, run_cli

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
BASE = "https://bao.example.org/podcast"
SITE = "Báo Thử Nghiệm"
SLUG = "mua-lon-o-da-nang"
ARTICLE = f"""---
title: Mưa lớn ở Đà Nẵng
site_name: {SITE}
date: 2024-03-05
---

Sáng nay, mưa lớn kéo dài khiến nhiều tuyến phố ở Đà Nẵng ngập sâu.

Cơ quan khí tượng dự báo mưa sẽ giảm từ chiều tối.
"""

MINIMAL: dict[str, Any] = {
    "version": 1,
    "title": "Tin ngắn",
    "audio": "tin-ngan.mp3",
    "duration": 2.5,
    "engine": "espeak",
    "date": "2024-05-17",
    "summary": "Một câu.",
    "paragraphs": ["Tin ngắn", "Một câu."],
    "segments": [
        {"text": "Tin ngắn", "start": 0.0, "end": 0.8, "paragraph": 0},
        {"text": "Một câu.", "start": 1.5, "end": 2.4, "paragraph": 1},
    ],
}
"""The least a valid document holds: what an older writer, or a person, may have written."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real espeak episode of a Markdown article whose front matter names only its site,
    and the feed of its folder."""
    work = tmp_path_factory.mktemp("credits")
    (work / "tin.md").write_text(ARTICLE, encoding="utf-8")
    made = run_cli(
        "produce", "tin.md", "--engine", "espeak", "-o", "out", "--cache-dir", "cache", cwd=work
    )
    assert made.returncode == 0, made.stderr
    feed = run_cli("feed", "out", "--base-url", BASE, cwd=work)
    assert feed.returncode == 0, feed.stderr
    return work / "out"


def test_site_name_is_the_artist_in_tags_json_page_and_feed(site: Path) -> None:
    tags = ID3(site / f"{SLUG}.mp3")
    assert str(tags["TPE1"]) == SITE
    assert "TALB" not in tags
    assert str(tags["TDRC"]) == "2024-03-05"
    document = json.loads((site / f"{SLUG}.json").read_text(encoding="utf-8"))
    assert (document["artist"], document["album"], document["date"]) == (SITE, None, "2024-03-05")
    page = (site / f"{SLUG}.html").read_text(encoding="utf-8")
    (meta,) = [line for line in page.splitlines() if 'class="anp-meta"' in line]
    assert meta.startswith(
        '<p class="anp-meta"><time datetime="2024-03-05">Thứ Ba, 5/3/2024</time> · 0:'
    ) and meta.endswith(f" · {SITE}</p>")
    item = ET.parse(site / "feed.xml").getroot().find("channel/item")
    assert item is not None
    assert item.findtext(f"{ITUNES}author") == SITE
    assert (item.findtext("pubDate") or "").startswith("Tue, 05 Mar 2024")


def test_a_written_document_meets_the_schema_and_round_trips(site: Path) -> None:
    path = site / f"{SLUG}.json"
    raw = assert_valid_episode_file(path)
    document = EpisodeDocument.load(path)
    assert document.to_json() == path.read_text(encoding="utf-8")
    assert document.source == "tin.md" and document.source_sha256 == raw["source_sha256"]
    assert document.fingerprint and len(document.fingerprint) == 64
    assert all(s.spoken for s in document.segments)
    tags = ID3(site / f"{SLUG}.mp3")
    assert str(tags.getall("USLT")[0]) == document.written_text
    assert str(tags.getall("TXXX:spoken")[0]) == "\n\n".join(document.spoken_paragraphs())


def test_the_schema_is_valid_and_declares_every_key_written() -> None:
    published = schema()
    jsonschema.Draft202012Validator.check_schema(published)
    assert published["properties"]["version"]["enum"] == list(READABLE_VERSIONS)
    assert max(READABLE_VERSIONS) == VERSION
    timed = {
        "chapters": [{"start": 0, "end": 2.5, "title": "Tin"}],
        "captions": [{"start": 0, "end": 1, "text": "Tin"}],
    }
    written = EpisodeDocument.from_json(json.dumps({**MINIMAL, **timed})).to_dict()
    assert set(published["properties"]) == set(written)
    segment = published["properties"]["segments"]["items"]["properties"]
    assert set(segment) == set(written["segments"][0])
    for key in ("chapters", "captions"):
        assert set(published["properties"][key]["items"]["properties"]) == set(written[key][0])


_TEXT = st.text(max_size=40)
_SECONDS = st.floats(min_value=0, max_value=1e6, allow_nan=False)
_SEGMENTS = st.builds(
    Segment,
    text=_TEXT,
    start=_SECONDS,
    end=_SECONDS,
    paragraph=st.integers(min_value=0, max_value=10_000),
    spoken=_TEXT,
)
_DOCUMENTS = st.builds(
    EpisodeDocument,
    title=_TEXT.filter(str.strip),
    audio=st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}\.mp3", fullmatch=True),
    duration=_SECONDS,
    engine=st.sampled_from(["espeak", "gtts"]),
    date=st.dates().map(dt.date.isoformat),
    summary=_TEXT,
    artist=st.none() | _TEXT,
    album=st.none() | _TEXT,
    paragraphs=st.lists(_TEXT, max_size=4).map(tuple),
    segments=st.lists(_SEGMENTS, max_size=4).map(tuple),
    source=st.none() | _TEXT,
    source_sha256=st.none() | st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
    fingerprint=st.none() | st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
    guid=st.none() | st.uuids().map(str),
    url=st.none() | _TEXT,
    published=st.none()
    | st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=7)))).map(
        lambda d: d.replace(microsecond=0).isoformat()
    ),
    image=st.none() | st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}\.(jpg|png)", fullmatch=True),
    chapters=st.lists(
        st.builds(Chapter, start=_SECONDS, end=_SECONDS, title=_TEXT), max_size=3
    ).map(tuple),
    captions=st.lists(st.builds(Cue, start=_SECONDS, end=_SECONDS, text=_TEXT), max_size=3).map(
        tuple
    ),
)


@given(_DOCUMENTS)
def test_any_document_round_trips_and_meets_the_schema(document: EpisodeDocument) -> None:
    text = document.to_json()
    assert EpisodeDocument.from_json(text) == document
    assert episode_schema_errors(json.loads(text)) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("version", 3),
        ("version", None),
        ("version", True),
        ("published", "2024-05-17"),
        ("published", "2024-05-17T06:30:00"),
        ("image", "../cover.jpg"),
        ("image", "cover.gif"),
        ("chapters", [{"start": 0, "end": 1}]),
        ("captions", [{"start": 0, "end": "1", "text": "x"}]),
        ("captions", {"0": "x"}),
        ("audio", "../../etc/passwd.mp3"),
        ("audio", "sub/tin.mp3"),
        ("audio", ".hidden.mp3"),
        ("audio", "song.wav"),
        ("title", "   "),
        ("title", None),
        ("engine", 3),
        ("date", "17/05/2024"),
        ("date", "20240517"),
        ("date", "2024-02-30"),
        ("duration", "six"),
        ("duration", -1),
        ("duration", True),
        ("summary", None),
        ("segments", [{"text": "x", "start": "0", "end": 1, "paragraph": 0}]),
        ("segments", [{"text": "x", "start": 0, "end": 1, "paragraph": -1}]),
        ("segments", [{"text": "x", "start": 0, "end": 1, "paragraph": 0, "spoken": 5}]),
        ("segments", [{"text": "x", "start": 0, "end": 1}]),
        ("segments", ["not an object"]),
        ("segments", {"0": "x"}),
        ("paragraphs", [1, 2]),
        ("artist", 5),
        ("album", ["Tin"]),
        ("source_sha256", 7),
        ("fingerprint", False),
    ],
)
def test_the_schema_and_the_reader_refuse_the_same_documents(key: str, value: object) -> None:
    document = copy.deepcopy(MINIMAL)
    document[key] = value
    if value is None and key not in ("artist", "album"):
        del document[key]
    assert episode_schema_errors(document), "the schema accepts it"
    with pytest.raises(InputError, match=r"^bad\.json is not a valid episode file: \S"):
        EpisodeDocument.from_json(json.dumps(document), "bad.json")


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"artist": None, "album": "Tin tức", "source": "-"},
        {
            "version": 2,
            "guid": "e29d51e1-3685-5b40-9018-9c1bcbbbc36e",
            "published": "2024-05-17T06:30:00+07:00",
            "image": "tin-ngan.jpg",
            "chapters": [{"start": 0, "end": 2.5, "title": "Tin"}],
            "captions": [{"start": 0, "end": 1, "text": "Tin"}],
        },
        {"future_field": {"any": "thing"}},
        {"segments": [{"text": "Tin", "start": 0, "end": 1, "paragraph": 0, "extra": 1}]},
    ],
    ids=["minimal", "nulls", "version-2", "unknown-key", "unknown-segment-key"],
)
def test_the_schema_and_the_reader_accept_the_same_documents(change: dict[str, Any]) -> None:
    document = {**copy.deepcopy(MINIMAL), **change}
    assert episode_schema_errors(document) == []
    episode = EpisodeDocument.from_json(json.dumps(document))
    assert episode.slug == "tin-ngan" and episode.page_name == "tin-ngan.html"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_does_not_have_are_refused(number: str) -> None:
    text = json.dumps(MINIMAL).replace('"duration": 2.5', f'"duration": {number}')
    assert number in text
    with pytest.raises(InputError, match=rf"not JSON \({number} is not a JSON number"):
        EpisodeDocument.from_json(text, "bad.json")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (json.dumps(MINIMAL).replace('"duration": 2.5', '"duration": 1' + "0" * 400), "digit"),
        (json.dumps(MINIMAL).replace('"duration": 2.5', '"duration": 1e400'), "duration"),
    ],
)
def test_hostile_documents_are_one_line_input_errors(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as refused:
        EpisodeDocument.from_json(text, "bad.json")
    assert "\n" not in str(refused.value)


def test_unreadable_files_are_one_line_input_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\xff\xfe{not json")
    with pytest.raises(InputError, match="cannot read episode file"):
        EpisodeDocument.load(broken)
    truncated = tmp_path / "truncated.json"
    truncated.write_text(json.dumps(MINIMAL)[:-20], encoding="utf-8")
    with pytest.raises(InputError, match=r"^truncated\.json is not a valid episode file: not JSON"):
        EpisodeDocument.load(truncated)
    with pytest.raises(InputError, match="cannot read episode file"):
        EpisodeDocument.load(tmp_path / "missing.json")


TODAY = dt.date(2025, 1, 2)


@pytest.mark.parametrize(
    ("tags", "meta", "expected"),
    [
        (TagSettings(), Metadata(), Credits(None, None, "2025-01-02")),
        (TagSettings(), Metadata(site_name="Báo A"), Credits("Báo A", None, "2025-01-02")),
        (
            TagSettings(),
            Metadata(author="Tác giả", site_name="Báo A", date="2024-03-05"),
            Credits("Tác giả", None, "2024-03-05"),
        ),
        (
            TagSettings(artist="Đài B", album="Bản tin sáng", date="2024-12-31"),
            Metadata(author="Tác giả", site_name="Báo A", date="2024-03-05"),
            Credits("Đài B", "Bản tin sáng", "2024-12-31"),
        ),
    ],
    ids=["nothing", "site-only", "author-over-site", "settings-win"],
)
def test_credits_are_resolved_once_in_this_order(
    tags: TagSettings, meta: Metadata, expected: Credits
) -> None:
    assert Credits.resolve(tags, meta, today=TODAY) == expected


@pytest.mark.parametrize(
    ("given", "source", "url"),
    [
        (
            "https://ed:pw@bao.vn/a.html?id=5&access_token=XYZ#top",
            "https://bao.vn/a.html",
            "https://bao.vn/a.html?id=5#top",
        ),
        ("https://bao.vn/a.html?api_key=1&keyword=vang", "https://bao.vn/a.html", None),
        ("/home/editor/private/tin.txt", "tin.txt", None),
        ("-", "-", None),
    ],
)
def test_what_is_published_of_a_source(given: str, source: str, url: str | None) -> None:
    from audio_news.output.naming import published_source, published_url

    assert published_source(given) == source
    if url is not None:
        assert published_url(given) == url
    assert published_url("https://bao.vn/a.html?api_key=1&keyword=vang") == (
        "https://bao.vn/a.html?keyword=vang"
    )


def test_an_edited_article_keeps_the_name_its_older_document_gave_it(tmp_path: Path) -> None:
    from audio_news.inputs import read_article
    from audio_news.output.naming import episode_stem
    from support.episode_factory import make_episode

    article_path = tmp_path / "tin.txt"
    article_path.write_text("Bản tin thử nghiệm\n\nNội dung đã sửa. Câu hai.\n", encoding="utf-8")
    out = tmp_path / "out"
    # A document of the format before source_key: the source as given, other bytes.
    make_episode(out, extra={"source": str(article_path), "source_sha256": "0" * 64})
    article = read_article(str(article_path))
    assert episode_stem(out, article) == "ban-tin-thu-nghiem"
    assert episode_stem(out, dataclasses.replace(article, source=str(tmp_path / "other.txt"))) == (
        "ban-tin-thu-nghiem-2"
    )
