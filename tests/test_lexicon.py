"""User pronunciation lexicons: TOML and CSV files, flags, errors, and winning over rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_news.errors import ConfigError
from audio_news.text.lexicon import load_lexicon
from audio_news.text.normalize import Normalizer, builtin_abbreviations


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_words_table(tmp_path: Path) -> None:
    path = _write(tmp_path, "lex.toml", '[words]\n"FLC" = "ép en xi"\n"Faros" = "Pha rốt"\n')
    lexicon = load_lexicon(path)
    assert len(lexicon) == 2
    normalizer = Normalizer(lexicon)
    assert normalizer.normalize("Tập đoàn FLC mua Faros năm 2011.") == (
        "Tập đoàn ép en xi mua Pha rốt năm hai nghìn không trăm mười một."
    )


def test_toml_entries_with_flags(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "lex.toml",
        '[[entry]]\nwritten = "hose"\nspoken = "Hô dê"\ncase_sensitive = false\n\n'
        '[[entry]]\nwritten = "Vin"\nspoken = "Vin"\n\n'
        '[[entry]]\nwritten = "@"\nspoken = "a còng"\nwhole_word = false\n',
    )
    lexicon = load_lexicon(path)
    assert lexicon.apply("sàn HOSE và sàn HoSE") == "sàn Hô dê và sàn Hô dê"
    assert lexicon.apply("ban@vnexpress") == "ban a còng vnexpress"
    assert lexicon.apply("VinFast") == "VinFast"


def test_csv_with_flags(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "lex.csv",
        "# newsroom lexicon\nwritten,spoken,whole_word,case_sensitive\n"
        "Kherson,Khe xôn,,\nkm,ki lô mét,true,true\nUSD,đô,yes,no\n",
    )
    lexicon = load_lexicon(path)
    assert lexicon.written_forms() == ["Kherson", "km", "USD"]
    assert lexicon.apply("Kherson cách 5 km, giá 3 usd") == "Khe xôn cách 5 ki lô mét, giá 3 đô"


def test_user_lexicon_wins_over_builtin(tmp_path: Path) -> None:
    path = _write(tmp_path, "lex.csv", "written,spoken\nUBND,ủy ban\n2-1,hai trên một\n")
    normalizer = Normalizer(load_lexicon(path))
    assert normalizer.normalize("UBND tỉnh thắng 2-1.") == "Ủy ban tỉnh thắng hai trên một."
    spoken = Normalizer().normalize("UBND tỉnh thắng 2-1.")
    assert spoken == "Ủy ban nhân dân tỉnh thắng hai - một."


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.toml", "[words\n", "not valid TOML"),
        ("empty.toml", "title = 'x'\n", "no [words] or [[entry]]"),
        ("bad.csv", "a,b\n1,2\n", "'written' and 'spoken'"),
        ("blank.csv", "written,spoken\nFLC,\n", "non-empty"),
        ("flag.csv", "written,spoken,whole_word\nFLC,ép,maybe\n", "whole_word must be"),
        ("lex.json", "{}", "use a .toml or .csv"),
        ("long.toml", f'[words]\n"{"a" * 3000}" = "x"\n', "'written' is over 200 characters"),
        ("wide.csv", f'written,spoken\nFLC,"{"a" * 140_000}"\n', "not valid CSV"),
        ("deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("digits.toml", "[words]\nFLC = " + "9" * 5000 + "\n", "not valid TOML"),
        ("hex.toml", "[[entry]]\nwritten = 0x" + "f" * 5000 + "\nspoken = 'x'\n", "20000-bit"),
        ("number.toml", "[[entry]]\nwritten = 5\nspoken = 'năm'\n", "'written' must be text"),
        ("flag.toml", "[[entry]]\nwritten='A'\nspoken='a'\nwhole_word=2\n", "true or false"),
    ],
)
def test_errors_are_one_clear_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_lexicon(_write(tmp_path, name, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read lexicon"):
        load_lexicon(tmp_path / "nope.toml")


def test_builtin_table_loads_and_has_the_issue_entries() -> None:
    forms = set(builtin_abbreviations().written_forms())
    wanted = {
        "UBND",
        "HĐND",
        "TP.HCM",
        "TP.",
        "TW",
        "BCH",
        "THPT",
        "CSGT",
        "GD&ĐT",
        "GD-ĐT",
        "TAND",
        "VKSND",
        "VKS",
        "HĐXX",
        "PGS.TS",
        "GS.TS",
        "ThS.",
        "Q.",
        "P.",
        "CATP",
    }
    assert wanted <= forms
    assert len(forms) >= 150


def test_before_name_entries_leave_initials_alone() -> None:
    table = builtin_abbreviations()
    assert table.apply("P.5, Q.Gò Vấp, bà P. đến") == "Phường 5, quận Gò Vấp, bà P. đến"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_before_it_is_read(device: str) -> None:
    with pytest.raises(ConfigError, match="not a regular file"):
        load_lexicon(device)


def test_a_hundred_thousand_entries_are_found_by_their_first_word(tmp_path: Path) -> None:
    """The lexicon is looked up word by word, not compiled into one huge expression."""
    rows = [f"mục{i},số {i}" for i in range(100_000)]
    rows += ["Mục Lớn,mục to", "mục0 mở rộng,bản mở rộng"]
    path = tmp_path / "big.csv"
    path.write_text("written,spoken\n" + "\n".join(rows) + "\n", encoding="utf-8")
    lexicon = load_lexicon(path)
    assert len(lexicon) == 100_002
    text = "Xem mục99999, mục0 mở rộng và Mục Lớn; mụcx thì không, xmục7 cũng không."
    assert lexicon.apply(text) == (
        "Xem số 99999, bản mở rộng và mục to; mụcx thì không, xmục7 cũng không."
    )


def test_forms_that_may_start_inside_a_word_or_ignore_case(tmp_path: Path) -> None:
    path = tmp_path / "mixed.toml"
    path.write_text(
        '[[entry]]\nwritten = "km2"\nspoken = "ki lô mét vuông"\nwhole_word = false\n'
        '[[entry]]\nwritten = "faros"\nspoken = "pha rốt"\ncase_sensitive = false\n'
        '[[entry]]\nwritten = "%"\nspoken = " phần trăm"\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    assert lexicon.apply("FAROS và 12km2, 5% và farose") == (
        "Pha rốt và 12 ki lô mét vuông, 5 phần trăm và farose"
    )
