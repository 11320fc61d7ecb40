"""Settings in parts: the config file's flat and sectioned keys, checks made once, what counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_news.config import (
    MAX_JOBS,
    AudioSettings,
    EngineSettings,
    InputLimits,
    Pauses,
    Settings,
    settings_from_dict,
)
from audio_news.errors import ConfigError
from support.helpers import run_cli


def test_flat_keys_land_in_their_parts() -> None:
    settings = settings_from_dict(
        {
            "engine": "espeak",
            "jobs": 3,
            "speed": 1.25,
            "bitrate_kbps": 96,
            "artist": "Báo Bắc Kạn",
            "max_input_chars": 1000,
            "lexicon": "lex.toml",
            "disabled_rules": ["caption"],
            "out_dir": "tin",
            "pauses": {"title": 2.0},
        }
    )
    assert settings.engine == EngineSettings(name="espeak", jobs=3)
    assert settings.audio == AudioSettings(speed=1.25, bitrate_kbps=96, pauses=Pauses(title=2.0))
    assert settings.tags.artist == "Báo Bắc Kạn"
    assert settings.limits == InputLimits(max_input_chars=1000)
    assert settings.text.lexicon == "lex.toml"
    assert settings.text.disabled_rules == frozenset({"caption"})
    assert settings.out_dir == "tin"


def test_a_part_has_a_table_of_its_own_and_produce_takes_flat_keys() -> None:
    settings = settings_from_dict(
        {"audio": {"speed": 0.8}, "engine": {"lang": "en"}, "produce": {"jobs": 2}}
    )
    assert settings.audio.speed == 0.8
    assert settings.engine == EngineSettings(name="auto", lang="en", jobs=2)


def test_overlaying_keeps_what_the_base_had() -> None:
    base = settings_from_dict({"artist": "A", "speed": 1.5, "pauses": {"clause": 0.1}})
    settings = settings_from_dict({"bitrate_kbps": 128}, base)
    assert (settings.tags.artist, settings.audio.speed) == ("A", 1.5)
    assert settings.audio.pauses.clause == 0.1
    assert settings.audio.bitrate_kbps == 128


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"speed": 3.0}, "speed must be between 0.5 and 2"),
        ({"jobs": MAX_JOBS + 1}, "jobs must be between 1 and 64"),
        ({"jobs": 0}, "jobs must be between 1 and 64"),
        ({"bitrate_kbps": 100}, "bitrate must be one of"),
        ({"max_download_bytes": 0}, "input size limits must be positive"),
        ({"fetch_timeout": 0}, "fetch timeout must be positive"),
        ({"date": "3/12/2026"}, "date must be YYYY-MM-DD"),
        ({"pauses": {"title": -1}}, "title pause must be between 0 and 10"),
        ({"pauses": {"title": float("nan")}}, "pauses.title must be a number, not nan"),
        ({"pauses": {"sentence": 1e9}}, "sentence pause must be between 0 and 10"),
        ({"out_dir": 5}, "out_dir must be text, not 5"),
        ({"out_dir": " "}, "output folder must not be empty"),
        ({"lang": 5}, "lang must be text, not 5"),
        ({"tags": {"artist": 5}}, "artist must be text or unset, not 5"),
        ({"disabled_rules": 5}, "disabled_rules must be a list of names"),
        ({"disabled_rules": [5]}, "disabled_rules must be a list of names"),
        ({"fetch_timeout": float("inf")}, "fetch_timeout must be a number, not inf"),
        ({"fetch_timeout": 1e12}, "fetch timeout must be between 0 and 3600"),
        ({"player": "no"}, "player must be true or false, not 'no'"),
        ({"use_cache": "no"}, "use_cache must be true or false, not 'no'"),
        ({"jobs": True}, "jobs must be a whole number or unset, not True"),
        ({"date": "20240101"}, "date must be YYYY-MM-DD, not '20240101'"),
        ({"date": "0001-01-01"}, "date must be between 1900 and 2999"),
        ({"colour": "red"}, "unknown setting.*colour"),
        ({"audio": {"colour": "red"}}, "unknown setting.*audio.colour"),
        ({"pauses": {"comma": 1}}, "unknown setting.*pauses.comma"),
        ({"produce": 5}, "unknown setting.*produce"),
        ({"pauses": 5}, "unknown setting.*pauses"),
        ({"speed": "fast"}, "speed must be a number, not 'fast'"),
        ({"speed": 16**5000}, r"speed must be a number, not a \d+-bit number"),
        ({"jobs": 10**400}, "jobs must be between 1 and 64, not a 1329-bit number"),
        ({"bitrate_kbps": 10**400}, "bitrate must be one of .* not a 1329-bit number"),
    ],
)
def test_bad_values_are_one_config_error(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from_dict(values)


def test_a_whole_number_is_a_number_and_one_fingerprint() -> None:
    assert settings_from_dict({"speed": 1}).content() == Settings().content()
    assert isinstance(settings_from_dict({"speed": 1}).audio.speed, float)


def test_a_config_file_nested_too_deeply_is_one_error(tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = run_cli("--config", str(config), "engines", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: cannot read config {config}: nested too deeply"


def test_content_leaves_out_where_and_how_fast_files_are_made() -> None:
    base = Settings()
    elsewhere = settings_from_dict(
        {"out_dir": "x", "jobs": 7, "cache_dir": "c", "quiet": True, "max_input_chars": 9}
    )
    assert elsewhere.content() == base.content()
    for changed in ({"speed": 1.1}, {"artist": "B"}, {"lexicon": "l.csv"}, {"player": False}):
        assert settings_from_dict(changed).content() != base.content()


def test_the_cli_checks_ranges_through_the_settings(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Tựa\n\nMột câu.\n", encoding="utf-8")
    for option, message in (
        (["--speed", "9"], "error: speed must be between 0.5 and 2, not 9"),
        (["--jobs", "0"], "error: jobs must be between 1 and 64, not 0"),
        (["--timeout", "0"], "error: the fetch timeout must be positive"),
        (["--timeout", "inf"], "error: fetch_timeout must be a number, not inf"),
        (["--date", "20240101"], "error: date must be YYYY-MM-DD or DD/MM/YYYY, not '20240101'"),
    ):
        result = run_cli("produce", str(article), "-o", "out", *option, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.strip() == message
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"jobs = " + b"9" * 5000 + b"\n", "Exceeds the limit"),
        (b'artist = "B\xe1o"\n', "not UTF-8 text"),
        (b"jobs = = 1\n", "Invalid value"),
    ],
)
def test_an_unreadable_config_file_is_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(content)
    result = run_cli("--config", str(config), "engines", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot read config {config}: ")
    assert reason in result.stderr and result.stderr.count("\n") == 1
