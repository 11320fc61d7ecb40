"""Issue 15, How to measure: the ten articles in ``tests/data/new`` keep their exact scripts.

Each script under ``tests/data/new/scripts`` was read line by line (``FAULTS.md`` lists what is
still wrong in it); the test runs the real command, ``audio-news script FILE --engine gtts``,
and compares every line, so a rule that changes what one of them says shows up here. When a
change is meant, read the new script and copy it over the old one. ``MATTERS`` names, per
article, the lines the fixes of issue 15 are about, so a failure says which one broke.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.helpers import DATA, run_cli

NEW = DATA / "new"
SCRIPTS = NEW / "scripts"

MATTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # article stem: (lines heard exactly, text never heard)
    "text_dantri_2024-04-08_udinese-dau-voi-inter": (
        (
            "với chiến thắng hai - một dành cho thầy trò huấn luyện viên Simone Inzaghi.",
            "Hai đội kết thúc hiệp một với lợi thế một - không tạm nghiêng về đội chủ nhà Udinese.",
        ),
        ("tiến rất gần đến ...", "một đến không"),
    ),
    "text_nld_2024-11-23_gia-vang-sjc-23-11": (
        ("so với phiên trước (tương đương mức tăng một phẩy năm triệu đồng một lượng).",),
        ("mức ...",),
    ),
    "text_cafef_2024-06-16_ty-so": (
        (
            "chứng khoán Việt Nam vẫn đang thua ba trên năm kỳ gần nhất nhưng mức độ giảm điểm khá "
            "nhẹ nhàng.",
            "(từ ngày hai mươi tháng mười một đến mười tám tháng mười hai năm hai nghìn không trăm "
            "hai mươi hai)",
            "là vào World Cup hai nghìn không trăm hai mươi hai diễn ra ở Qatar",
        ),
        ("nờ đê tê", "vê xê ca", "đê hát đê xê đê", "tê vê kép dê", "cũng ..."),
    ),
    "text_vtv_2024-05-12_du-bao-thoi-tiet-hom": (
        ("Trung Quốc cảnh báo đỏ về bão địa từ",),
        ("Vê tê vê.vn", "Ban Thời sự", "giê mờ tê", "Bão Mặt Trời mạnh nhất"),
    ),
    "text_genk_2024-06-11_ios-18-beta-1": (
        ("hai, Giữ nút Nguồn hoặc Side và ngay lập tức kết nối iPhone với máy tính.",),
        ("xuất hiện. -", "/"),
    ),
    "text_soha_2024-04-13_do-huu-ca-giam-doc-cong-an-hai-phong": (
        ("Do đó, cần có các biện pháp xử lý nghiêm để răn đe.",),
        ("Ảnh Hoàng Dương", "hai mươi tư/mười tám"),
    ),
    "text_bbc-vi_2024-12-04_quan-khu-7-dien-tap-chet-nguoi": (
        ("mười hai quân nhân Quân khu bảy 'mất tích' trong vụ nổ",),
        ("bi bi xi News", "‘mất tích’ trong vụ nổ", "sáu giờ trước"),
    ),
    "text_voa-vi_2024-09-06_vng-bi-thanh-tra": (
        (
            "không tiến hành chào bán IPO như đã đăng ký nhưng có kế hoạch nộp đơn đăng ký mới "
            "trong tương lai.",
        ),
        ("vê giê nờ", "Thành phố Hồ Chí Minh ..."),
    ),
    "text_baothanhhoa_2024-07-25_nguyen-xuan-phuc": (
        ("và tinh thần thi đấu để xuất sắc giành được bốn huy chương vàng, hai huy chương đồng.",),
        ("hát xê vê", "hát xê đê", "Mạnh Cường"),
    ),
    "text_vov_2024-04-08_campuchia": (
        ("Phát biểu tại Diễn đàn Campuchia bốn chấm không lần thứ hai với chủ đề “An ninh mạng”",),
        ("Cuối ...",),
    ),
}


def _articles() -> list[Path]:
    return sorted(NEW.glob("text_*.md"))


def _script(path: Path, tmp_path: Path) -> list[str]:
    result = run_cli("script", str(path), "--engine", "gtts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_every_new_article_has_a_pinned_script_and_lines_that_matter() -> None:
    stems = {p.stem for p in _articles()}
    assert len(stems) == 10
    assert stems == {p.stem for p in SCRIPTS.glob("*.txt")}
    assert stems == set(MATTERS)


@pytest.mark.parametrize("path", _articles(), ids=lambda p: p.stem)
def test_new_article_script_is_pinned(path: Path, tmp_path: Path) -> None:
    said = _script(path, tmp_path)
    heard, never = MATTERS[path.stem]
    for line in heard:
        assert line in said
    text = "\n".join(said)
    for needle in never:
        assert needle not in text
    assert said == (SCRIPTS / f"{path.stem}.txt").read_text(encoding="utf-8").splitlines()
