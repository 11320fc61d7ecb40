"""The voice catalog (data/voices.toml), cost estimates, and ``audio-news voices``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from audio_news.cli.main import cli
from audio_news.config import EngineSettings, settings_from_dict
from audio_news.errors import ConfigError
from audio_news.speech.voices import ACCENTS, catalog, estimate, format_cost, total_cost


def test_the_catalog_has_vietnamese_voices_over_all_three_accents() -> None:
    voices = catalog().voices
    assert len(voices) >= 12
    assert {v.accent for v in voices} == set(ACCENTS)
    assert {v.engine for v in voices} >= {"gcloud", "azure", "fpt", "gtts", "espeak", "piper"}
    ids = [v.qualified_id for v in voices]
    assert len(ids) == len(set(ids)), "an id is unique within its engine"
    assert catalog().prices_date.year >= 2025


@pytest.mark.parametrize(
    ("voice", "accent", "gender"),
    [
        ("banmai", "Bắc", "female"),
        ("leminh", "Bắc", "male"),
        ("giahuy", "Trung", "male"),
        ("myan", "Trung", "female"),
        ("lannhi", "Nam", "female"),
        ("minhquang", "Nam", "male"),
    ],
)
def test_fpt_voices_have_the_region_and_gender_fpt_documents(
    voice: str, accent: str, gender: str
) -> None:
    found = catalog().find(voice)
    assert (found.engine, found.accent, found.gender) == ("fpt", accent, gender)
    assert found.accent_source == "vendor"


def test_find_takes_an_id_or_engine_id_and_prefers_the_run_s_order() -> None:
    assert catalog().find("vi-VN-Wavenet-A").engine == "gcloud"
    assert catalog().find("VI-VN-WAVENET-A").id == "vi-VN-Wavenet-A"
    assert catalog().find("vi", ["espeak", "gtts"]).engine == "espeak"
    assert catalog().find("vi", ["gtts", "espeak"]).engine == "gtts"
    assert catalog().find("espeak:vi").engine == "espeak"
    with pytest.raises(ConfigError, match="no voice 'banmai' among gtts, espeak"):
        catalog().find("banmai", ["gtts", "espeak"])
    with pytest.raises(ConfigError, match="audio-news voices"):
        catalog().find("vi-VN-Wavenet-Z")


def test_costs_come_from_the_list_price() -> None:
    wavenet = catalog().find("vi-VN-Wavenet-A")
    assert wavenet.cost(1_000_000) == pytest.approx(4.0)
    assert catalog().find("vi-VN-HoaiMyNeural").cost(2_000_000) == pytest.approx(30.0)
    assert catalog().find("vi-VN-Chirp3-HD-Kore").cost(10_000) == pytest.approx(0.3)
    assert catalog().find("banmai").cost(1000) is None
    assert format_cost(wavenet, 12_345) == (
        "12,345 characters, about 0.0494 USD for gcloud:vi-VN-Wavenet-A"
    )
    assert estimate("espeak", "vi-vn-x-south", 500) == "500 characters, free (espeak:vi-vn-x-south)"
    assert "no list price" in estimate("fpt", "banmai", 500)
    assert estimate("piper", "vi_VN-25hours_single-low", 9) == (
        "9 characters, free (piper:vi_VN-25hours_single-low)"
    ), "any Piper file is priced as Piper"
    assert estimate("gcloud", "title=vi-VN-Standard-A, body=vi-VN-Neural2-A", 1_000_000) == (
        "1,000,000 characters, about 16.0000 USD for gcloud:vi-VN-Neural2-A"
    )


def test_total_cost_sums_per_currency_and_names_what_it_cannot_price() -> None:
    spent = [
        ("gcloud", "vi-VN-Wavenet-A", 500_000),
        ("azure", "vi-VN-NamMinhNeural", 100_000),
        ("espeak", "vi", 9_999),
        ("fpt", "lannhi", 1_000),
    ]
    assert total_cost(spent) == "about 3.5000 USD, 1,000 characters at no known price"
    assert total_cost([("espeak", "vi", 10)]) == "free"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner(mix_stderr=False).invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_voices_command_lists_every_voice_with_accent_gender_and_price() -> None:
    code, out, err = invoke("voices")
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header.split() == ["engine", "id", "accent", "gender", "where", "price/1M", "chars"]
    assert len(rows) == len(catalog().voices) >= 12
    assert any(
        r.split()[:6] == ["fpt", "giahuy", "Trung", "male", "online", "unpriced"] for r in rows
    )
    assert any(
        r.split() == ["gcloud", "vi-VN-Neural2-D", "Bắc*", "male", "online", "16", "USD"]
        for r in rows
    )
    assert any(
        r.split() == ["espeak", "vi-vn-x-south", "Nam", "male", "offline", "free"] for r in rows
    )
    assert f"{len(rows)} voices; list prices as of {catalog().prices_date}" in err


def test_voices_command_filters_by_engine() -> None:
    code, out, _ = invoke("voices", "--engine", "fpt")
    assert code == 0
    assert len(out.splitlines()) == 1 + 9
    code, _, err = invoke("voices", "--engine", "nope")
    assert code != 0 and "'nope'" in err


def test_engine_settings_hold_a_chain_and_the_voices() -> None:
    assert EngineSettings(name="gcloud, gtts,espeak").names == ("gcloud", "gtts", "espeak")
    with pytest.raises(ConfigError, match="no engine named"):
        EngineSettings(name=" , ")
    settings = settings_from_dict(
        {"engine": "espeak", "voice_model": "v.onnx", "voices": {"body": "espeak:vi"}}
    )
    assert (settings.engine.voice, settings.engine.voice_model) == ("espeak:vi", "v.onnx")
    overridden = settings_from_dict({"voice": "espeak:vi-vn-x-south"}, settings)
    assert overridden.engine.voice == "espeak:vi-vn-x-south"
