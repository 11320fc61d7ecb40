"""The readers on the real corpus, on every encoding we meet, and on hostile input."""

# ruff: noqa: E501  (the corpus table quotes whole paragraphs)

from __future__ import annotations

import hashlib
import io
import logging
import random
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from audio_news.config import InputLimits
from audio_news.errors import InputError
from audio_news.inputs import expand_sources, read_article
from audio_news.inputs.decode import decode_bytes
from audio_news.inputs.detect import Kind, sniff
from support.helpers import as_mojibake, to_cp1258

DATA = Path(__file__).parent / "data"

# file, title, number of paragraphs, first paragraph, last paragraph: read off the sources.
CORPUS = [
    (
        "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt",
        "Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023",
        16,
        "0:00 / 0:00",
        "Xem thêm",
    ),
    (
        "dantri_2022-12-23_emagazine-the-tran-ukraine.html",
        "THẾ TRẬN GIẰNG CO TRÊN CHIẾN TRƯỜNG UKRAINE SAU 10 THÁNG GIAO TRANH KHỐC LIỆT",
        46,
        "Khi cuộc xung đột sắp bước sang năm thứ hai, quân đội Ukraine sẽ gặp nhiều thách thức hơn trong việc giành lại lãnh thổ từ lực lượng Nga, trong bối cảnh Moscow đang tập trung vào việc bảo vệ những khu vực mà Nga đã giành quyền kiểm soát, thay vì tiến sâu hơn vào quốc gia láng giềng.",
        "Tổng thống Ukraine Volodymyr Zelensky cho biết các cuộc tấn công đã phá hủy một nửa cơ sở hạ tầng của Ukraine. Ông thúc giục Mỹ và các đồng minh phương Tây khác nhanh chóng cung cấp thêm vũ khí phòng không cho Ukraine để đối phó với các cuộc tấn công của Nga.",
    ),
    (
        "dantri_2022-12-24_dai-thang-5-0-malaysia-lao.html",
        "Đại thắng 5-0 trước Lào, Malaysia gửi lời thách thức tới Việt Nam",
        15,
        "(Dân trí) - Dù thi đấu đầy nỗ lực nhưng Lào vẫn không thoát khỏi một trận thua đậm trước Malaysia. Malaysia đã vượt lên trên Việt Nam dẫn đầu bảng B, ngày mai (25/12) đội bóng này sẽ tới Hà Nội.",
        'Tôi biết trình độ đội tuyển Lào ở đâu. Chúng tôi phải tập trung cho những trận sau với Myanmar, Singapore, Malaysia, toàn đội phải nhìn về tương lai. Chúng tôi thua nhưng đã học hỏi được những kinh nghiệm. Tôi nghĩ các cầu thủ có quyền ngẩng cao đầu".',
    ),
    (
        "dantri_2022-12-24_photostory-giang-sinh.html",
        "Không khí người dân đón Giáng sinh vui tươi, ấm áp trên khắp cả nước",
        10,
        "Nhà thờ trên khắp cả nước rực rỡ ánh đèn đón người dân đến làm lễ, vui chơi. Sau 2 năm bị ảnh hưởng bởi dịch Covid-19, người dân năm nay đã có một mùa giáng sinh vui tươi, an lành.",
        "Không khí tại đây rộn ràng hơn khi có sự xuất hiện, biểu diễn của ca sĩ Phan Đinh Tùng nhiều ca khúc vui tươi trong đêm nhạc nguyện hoan ca mừng Chúa giáng sinh.",
    ),
    (
        "dantri_2022-12-24_thanh-tra-xang-dau.html",
        "Thanh tra xăng dầu: Vạch ra một loạt sai phạm, có cả lỗi của nhà quản lý",
        11,
        "(Dân trí) - Kết luận của Thanh tra Bộ Công Thương chỉ ra loạt tồn tại, hạn chế, thiếu sót, vi phạm của các thương nhân đầu mối trong quá trình hoạt động kinh doanh xăng dầu và những đơn vị liên quan.",
        '"Đây là một phần nguyên nhân dẫn đến việc các Sở Công Thương, thương nhân kinh doanh xăng dầu tổ chức thực hiện chưa đồng bộ, thống nhất", theo kết luận thanh tra.',
    ),
    (
        "dantri_2025-05-06_mo-to-nuoc-cua-lo_rendered-dom.html",
        'Du khách bất an khi mô tô nước "quần thảo" khu vực bãi tắm biển Cửa Lò',
        14,
        "(Dân trí) - Đại diện UBND thành phố Vinh (Nghệ An) khẳng định mô tô nước hoạt động trong khu vực bãi tắm Cửa Lò là chưa đúng quy định.",
        "Sau khi tiếp nhận phản ánh của du khách và nắm bắt dư luận từ các trang mạng xã hội, thành phố Vinh đã thành lập các tổ công tác, phối hợp chính quyền các địa phương tổ chức kiểm tra, chấn chỉnh và xử lý các trường hợp vi phạm. Tuy nhiên, việc xử lý cũng gặp nhiều vướng mắc do vấn đề về nhân lực và phân công nhiệm vụ của các đơn vị liên quan.",
    ),
    (
        "player_tuoitre_2024-05-17_truong-thi-mai.txt",
        "Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
        16,
        "0:00 / 3:42",
        "Tin liên quan",
    ),
    (
        "text_baodaknong_2024-07-02_panama-bolivia.md",
        "Lịch sử đối đầu Panama vs Bolivia: Bolivia 13 năm chưa thắng ...",
        19,
        "Panama và Bolivia đã gặp nhau tất cả 8 lần, trong đó Panama chiếm ưu thế với 5 trận thắng, 3 trận thua. Hai đội tuyển mới chỉ gặp nhau 1 lần tại Copa America,\xa0...",
        "Dự đoán của báo Đắk Nông: Panama 2 - 1 Bolivia",
    ),
    (
        "text_binhvq-corpus_article1_chay-i-nop-phat-nguoi.txt",
        "Chây ì nộp phạt nguội.",
        47,
        "Hàng chục ngàn phương tiện bị ghi hình vi phạm luật giao thông ở TP.HCM, bị 'bêu tên' nhưng chủ vẫn không chịu nộp phạt.",
        "Với chính sách, cơ chế đặc thù của TP.HCM, CATP mạnh dạn đề xuất sửa đổi bổ sung chủ phương tiện có trách nhiệm nộp phạt khi xe vi phạm; nâng mức phạt không chịu sang tên...",
    ),
    (
        "text_binhvq-corpus_article2_chau-doi-tien-com.txt",
        "Cháu đòi tiền cơm, dì đòi tiền nhà.",
        47,
        "33 năm ở nhờ và sản xuất kinh doanh tại nhà dì ruột, đến khi bị yêu cầu ra khỏi nhà, người cháu liệt kê tiền sửa nhà, tiền cơm ba bữa nuôi dì lên đến cả tỉ.",
        "Cuối cùng, ông T. vẫn không đổi ý. THANH VÂN",
    ),
    (
        "text_laodong_2024-07-19_tong-bi-thu-cong-doan.md",
        "Tổng Bí thư Nguyễn Phú Trọng với công nhân, công đoàn Việt Nam",
        21,
        "Tại Lễ kỷ niệm 80 năm Ngày thành lập Công đoàn Việt Nam (28.7.1929 - 28.7.2009), ngày 28.7.2009, khi đang giữ cương vị Chủ tịch Quốc hội, Chủ tịch Quốc hội\xa0...",
        "Tổng Bí thư Nguyễn Phú Trọng thăm và tặng quà công nhân lao động tỉnh Hưng Yên, năm 2018. Ảnh: Hải Nguyễn",
    ),
    (
        "text_rfi-vi_2024-05-20_dai-loan.md",
        "Tân tổng thống Đài Loan Lại Thanh Đức kêu gọi Trung Quốc ''chấm ...",
        11,
        "Trong lễ nhậm chức hôm nay, 20/05/2024, tân tổng thống Đài Loan Lại Thanh Đức (Lai Ching-te) đã kêu gọi Trung Quốc chấm dứt ''các đe dọa về chính trị và\xa0...",
        "Thư TinHãy nhận thư tin hàng ngày của RFI: Bản tin thời sự, phóng sự, phỏng vấn, phân tích, chân dung, tạp chí Đăng ký",
    ),
    (
        "text_thanhnien_2025-01-19_bo-tu-bao-thu-gallery.md",
        "Hari Won, Minh Hằng rạng rỡ đến mừng Trấn Thành ra mắt 'Bộ tứ ...",
        23,
        "Tối 18.1, Trấn Thành chính thức trình làng phim điện ảnh 'Bộ tứ báo thủ'. Sự kiện có sự tham gia và ủng hộ của đông đảo khách mời và loạt sao Việt đình đám.",
        "Thu Trang diện áo dài đỏ nổi bật, cùng Võ Tấn Phát (bìa trái), Tóc Tiên, Minh Hằng, Đồng Ánh Quỳnh đến mừng Trấn Thành ra phim mới Ảnh: ĐPCC",
    ),
    (
        "text_tuoitre_2024-05-17_truong-thi-mai.md",
        "Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
        12,
        "Trước khi được Trung ương đồng ý cho thôi các chức vụ, bà Mai là Ủy viên Bộ Chính trị khóa XII, XIII; Bí thư Trung ương Đảng khóa XII, XIII; Ủy viên Ban Chấp\xa0...",
        "Bà Trương Thị Mai, sinh năm 1958, quê huyện Quảng Ninh, Quảng Bình. Bà Mai có trình độ thạc sĩ hành chính công, cử nhân sử, cử nhân luật. Trước khi được Trung ương đồng ý cho thôi các chức vụ, bà Mai là Ủy viên Bộ Chính trị khóa XII, XIII; Bí thư Trung ương Đảng khóa XII, XIII; Ủy viên Ban Chấp hành Trung ương Đảng khóa X, XI, XII, XIII; Đại biểu Quốc hội khóa X, XI, XII, XIII, XIV, XV. Bà Mai từng kinh qua các chức vụ như Phó chủ nhiệm Ủy ban Văn hóa, Giáo dục, Thanh niên, Thiếu niên và Nhi đồng của Quốc hội khóa XI, Ủy viên Ủy ban Thường vụ Quốc hội, Chủ nhiệm Ủy ban Các vấn đề xã hội của Quốc hội khóa XII, XIII. Tiếp đó, bà Mai giữ chức Trưởng Ban Dân vận Trung ương. Từ tháng 4-2021, bà được phân công giữ chức Trưởng Ban Tổ chức Trung ương. Từ tháng 3-2023, bà được phân công giữ chức Thường trực Ban Bí thư, Trưởng Ban Tổ chức Trung ương.",
    ),
    (
        "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md",
        "Mưa xối xả trong đêm, nhiều tuyến phố ở Đà Nẵng chìm trong nước",
        25,
        "Cơn mưa lớn kéo dài từ khoảng 3h sáng 5/11 đã khiến nước ngập nhiều tuyến phố ở Đà Nẵng.",
        "Cũng trong sáng nay, mưa lớn khiến đường lên bán đảo Sơn Trà xảy ra sạt lở. UBND quận Sơn trà đã yêu cầu lực lượng chức năng liên quan tổ chức việc cấm đường, cấm người và các phương tiện lưu thông trên bán đảo Sơn Trà (trừ xe công vụ). Thời gian tạm dừng lưu thông từ 8h sáng nay cho đến khi có thông báo mới. Ảnh: CTV",
    ),
    (
        "text_vnexpress_2024-07-27_trinh-van-quyet.md",
        "Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",
        30,
        "Hà Nội- Cựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu với thủ đoạn mới, tinh vi, lợi dụng sơ hở của pháp luật để trục lợi đặc biệt lớn song khắc\xa0...",
        "Thanh Lam",
    ),
]


@pytest.mark.parametrize(("name", "title", "count", "first", "last"), CORPUS, ids=lambda v: v)
def test_corpus_file(name: str, title: str, count: int, first: str, last: str) -> None:
    article = read_article(str(DATA / name))
    assert article.title == title
    assert (article.paragraphs[0], article.paragraphs[-1]) == (first, last)
    assert len(article.paragraphs) == count
    assert article.source == str(DATA / name)
    assert len(article.source_sha256) == 64


HTML_FILES = sorted(p.name for p in DATA.glob("*.html"))
CHROME = (
    "Tin liên quan",
    "Bình luận",
    "Đăng nhập",
    "(Ảnh:",
    "(Video:",
    "(Đồ họa:",
    "Kinh doanh",
    "Trang chủ",
    "doubleclick",
    "Du khách bất an khi mô tô nước quần thảo khu vực bãi tắm biển Cửa Lò - 1",
)


@pytest.mark.parametrize("name", HTML_FILES)
def test_html_has_no_chrome_or_captions(name: str) -> None:
    article = read_article(str(DATA / name))
    for paragraph in article.paragraphs:
        assert not any(junk in paragraph for junk in CHROME), paragraph
        assert "  " not in paragraph and "\n" not in paragraph
    assert article.title not in article.paragraphs
    assert article.meta.date is not None


def test_html_metadata() -> None:
    meta = read_article(str(DATA / "dantri_2022-12-24_thanh-tra-xang-dau.html")).meta
    assert meta.date == "2022-12-24"  # from the article id in the URL, not the image's path
    assert meta.site_name == "Báo điện tử Dân Trí"
    assert meta.url == (
        "https://dantri.com.vn/kinh-doanh/thanh-tra-xang-dau-vach-ra-mot-loat-sai-pham"
        "-co-ca-loi-cua-nha-quan-ly-20221224100422289.htm"
    )
    assert meta.image is not None and meta.image.startswith("https://icdn.dantri.com.vn/")
    rendered = read_article(str(DATA / "dantri_2025-05-06_mo-to-nuoc-cua-lo_rendered-dom.html"))
    assert rendered.meta.date == "2025-05-06"  # from <time datetime>


def test_malaysia_drops_related_links_and_the_video_caption() -> None:
    article = read_article(str(DATA / "dantri_2022-12-24_dai-thang-5-0-malaysia-lao.html"))
    text = "\n".join(article.paragraphs)
    assert "HLV Malaysia tuyên bố thắng đậm Lào để vượt qua đội tuyển Việt Nam" not in text
    assert "HLV Malaysia chưa hài lòng dù đội nhà thắng trên sân Myanmar" not in text
    assert "Cầu thủ Malaysia ăn mừng" not in text
    assert article.title not in text
    assert "Phát biểu trước trận đấu, HLV trưởng Kim Pan Gon" in text


def test_photo_story_keeps_captions_without_credits() -> None:
    article = read_article(str(DATA / "dantri_2022-12-24_photostory-giang-sinh.html"))
    assert article.paragraphs[1] == (
        "19h tối nay, khu vực đường Tôn Đức Thắng (quận 1, TPHCM) đoạn qua UBND TPHCM và phố "
        "đi bộ Nguyễn Huệ kẹt cứng do lượng người đổ ra đường vui chơi đón Giáng sinh quá lớn."
    )
    assert "Người dân TPHCM phấn khích xem hàng trăm flycam xếp hình ánh sáng." in (
        article.paragraphs
    )
    assert not any("Ảnh:" in p or "Video:" in p for p in article.paragraphs)


def test_ordinary_article_drops_captions() -> None:
    article = read_article(str(DATA / "dantri_2022-12-24_thanh-tra-xang-dau.html"))
    assert not any("Loạt vi phạm trong chấp hành" in p for p in article.paragraphs)


def test_markdown_front_matter_and_header_lines() -> None:
    article = read_article(str(DATA / "text_vnexpress_2024-07-27_trinh-van-quyet.md"))
    assert article.meta.date == "2024-07-27"
    assert (
        article.meta.url
        == "https://vnexpress.net/ong-trinh-van-quyet-bi-de-nghi-24-26-nam-tu-4774232.html"
    )
    assert article.meta.image is not None and article.meta.image.startswith("https://i2-vnexpress")
    assert not any(p.startswith(("[", "![")) for p in article.paragraphs[:2])
    tuoitre = read_article(str(DATA / "text_tuoitre_2024-05-17_truong-thi-mai.md"))
    assert tuoitre.title == "Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ"


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Tiêu đề bài\n\nDòng một\nvẫn đoạn một.\n\n## Mục\n- ý một\n- ý hai\n")
    article = read_article(str(path))
    assert article.title == "Tiêu đề bài"
    assert article.paragraphs == ("Dòng một vẫn đoạn một.", "Mục", "ý một", "ý hai")
    assert article.meta.headings == ("Mục",)


def test_markdown_front_matter_values(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Bài viết\ndate: 2024-07-02\nauthor: [An, Bình]\n"
        "url: https://example.org/a\nsite_name: Báo X\n---\nĐoạn.\n"
    )
    article = read_article(str(path))
    assert article.title == "Bài viết"
    assert article.paragraphs == ("Đoạn.",)
    assert article.meta.date == "2024-07-02"
    assert article.meta.author == "An, Bình"
    assert article.meta.url == "https://example.org/a"
    assert article.meta.site_name == "Báo X"


@pytest.mark.parametrize(
    "front",
    ["title: [unclosed\nfoo: : :", "title: " + "[" * 5000, "- a list\n- not a mapping"],
)
def test_bad_front_matter_never_tracebacks(tmp_path: Path, front: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\n{front}\n---\nDòng đầu\n\nDòng hai\n")
    article = read_article(str(path))
    assert article.paragraphs[-1] == "Dòng hai"
    assert "[unclosed" not in article.title


# Decoding: each case is the same Vietnamese text written a different way.
TEXT = "Hội nghị tổng kết năm 2023\r\nĐồng chí Trương Thị Mai chủ trì.\r\n\r\nKết thúc…"
EXPECTED = ("Hội nghị tổng kết năm 2023", ("Đồng chí Trương Thị Mai chủ trì.", "Kết thúc…"))


ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8 bom": b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    "utf-16 le bom": TEXT.encode("utf-16"),
    "utf-16 be bom": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "utf-16 le no bom": TEXT.encode("utf-16-le"),
    "cp1258": to_cp1258(TEXT),
    "latin-1 mojibake": TEXT.encode("utf-8").decode("latin-1").encode("utf-8"),
    "cp1252 mojibake": as_mojibake(TEXT),
    "nfd": unicodedata.normalize("NFD", TEXT).encode("utf-8"),
    "cr only": TEXT.replace("\r\n", "\r").encode("utf-8"),
}


@pytest.mark.parametrize("case", sorted(ENCODED))
def test_decoding(tmp_path: Path, case: str) -> None:
    assert case == "nfd" or ENCODED[case] != ENCODED["nfd"]
    path = tmp_path / "article.txt"
    path.write_bytes(ENCODED[case])
    article = read_article(str(path))
    assert (article.title, article.paragraphs) == EXPECTED
    assert all(unicodedata.is_normalized("NFC", p) for p in article.paragraphs)


def test_latin1_bytes_of_a_western_text(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_bytes("Élysée\nCafé crème à Paris.\n".encode("latin-1"))
    assert read_article(str(path)).paragraphs == ("Café crème à Paris.",)


def test_stdin_and_its_hash() -> None:
    data = TEXT.encode("utf-8")
    article = read_article("-", stdin=io.BytesIO(data))
    assert (article.title, article.paragraphs) == EXPECTED
    assert article.source == "-"
    assert article.source_sha256 == hashlib.sha256(data).hexdigest()


def test_stdin_sniffs_html_and_markdown() -> None:
    html = b"<!doctype html><html><head><title>T</title></head><body><h1>Tin</h1><p>Mot.</p>"
    assert read_article("-", stdin=io.BytesIO(html)).paragraphs == ("Mot.",)
    md = "---\ntitle: Tựa\n---\nĐoạn một.\n".encode()
    assert read_article("-", stdin=io.BytesIO(md)).title == "Tựa"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("---\ntitle: x\n---\nbody", Kind.MARKDOWN),
        ("---\n\n# comment\nlayout: post\n---\n", Kind.MARKDOWN),
        ("<!DOCTYPE html>\n<html>", Kind.HTML),
        ('<?xml version="1.0"?>\n<html xmlns="x">', Kind.HTML),
        ("  <html lang=vi><body>", Kind.HTML),
        ("<div><p>x</p></div>", Kind.HTML),
        ("---\nnot front matter, a rule\n---", Kind.TEXT),
        ("Tiêu đề\n<b>not html</b>", Kind.TEXT),
        ("1 < 2 and 3 > 2", Kind.TEXT),
    ],
)
def test_sniff(text: str, kind: Kind) -> None:
    assert sniff(text) is kind


BINARY = {
    "nul bytes": b"abc\x00def" * 50,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "random": random.Random(5).randbytes(4096),
    "controls": bytes(range(1, 32)) * 20,
}


@pytest.mark.parametrize("case", sorted(BINARY))
def test_binary_is_not_text(tmp_path: Path, case: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(BINARY[case])
    with pytest.raises(InputError, match="is not text"):
        read_article(str(path))


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf\n\n", "\u00a0\n".encode()])
def test_empty(data: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        read_article("-", stdin=io.BytesIO(data))


def test_a_few_control_and_zero_width_characters_are_still_text() -> None:
    data = "Tiêu\u200b đề 🎙\nĐoạn\x07 một.\n".encode()
    article = read_article("-", stdin=io.BytesIO(data))
    assert article.title == "Tiêu\u200b đề 🎙"
    assert article.paragraphs == ("Đoạn\x07 một.",)


def test_too_large_names_the_limit_and_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Tựa\n" + "chữ " * 40)
    with pytest.raises(InputError, match=r"limit of 100 characters.*max_input_chars"):
        read_article(str(path), InputLimits(max_input_chars=100))
    assert read_article(str(path), InputLimits(max_input_chars=200)).title == "Tựa"


def test_huge_input_is_refused_without_reading_it_all() -> None:
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b"a" * len(buffer)
            self.read_bytes += len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(InputError, match="too large"):
        read_article(
            "-",
            InputLimits(max_input_chars=1000, max_download_bytes=10_000),
            stdin=io.BufferedReader(stream),
        )
    assert stream.read_bytes < 100_000


def test_html_size_limit_counts_article_text_not_markup() -> None:
    path = DATA / "dantri_2022-12-23_emagazine-the-tran-ukraine.html"
    assert path.stat().st_size > 150_000
    assert read_article(str(path), InputLimits(max_input_chars=20_000)).paragraphs
    with pytest.raises(InputError, match="too large"):
        read_article(str(path), InputLimits(max_input_chars=5_000))


@pytest.mark.parametrize(
    "html",
    [
        b"<html><head><script>var a = 1;</script></head><body><script>go()</script></body></html>",
        b"<!doctype html><html></html>",
        b"<html><body><style>p{}</style><nav><a href=/>Trang chu</a></nav></body></html>",
    ],
)
def test_html_without_text(html: bytes) -> None:
    with pytest.raises(InputError, match="no article text found"):
        read_article("-", stdin=io.BytesIO(html))


def test_broken_html_is_read_best_effort() -> None:
    html = "<html><body><h1>Tiêu đề</h1><p>Đoạn một<p>Đoạn hai <b>đậm".encode()
    article = read_article("-", stdin=io.BytesIO(html))
    assert (article.title, article.paragraphs) == ("Tiêu đề", ("Đoạn một", "Đoạn hai đậm"))


def test_deeply_nested_html_is_a_clean_error_or_text() -> None:
    html = b"<html><body>" + b"<div>" * 20_000 + "<p>Nội dung</p>".encode()
    try:
        article = read_article("-", stdin=io.BytesIO(html))
    except InputError:
        return
    assert article.title


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_article(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a folder"):
        read_article(str(tmp_path))


def test_expand_sources(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "c.HTML", "d.htm", "notes.pdf", "e.markdown"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.txt").write_text("x")
    got = expand_sources([str(tmp_path), "-", "https://example.org/a", "x.txt"])
    names = [Path(p).name for p in got[:5]]
    assert names == ["a.txt", "b.md", "c.HTML", "d.htm", "e.markdown"]
    assert got[5:] == ["-", "https://example.org/a", "x.txt"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no articles"):
        expand_sources([str(tmp_path / "empty")])


@pytest.mark.parametrize(
    ("front", "title", "date", "author"),
    [
        ("title: yes\ndate: 2024-07-02\nauthor: An", "yes", "2024-07-02", "An"),
        ("title: Bài viết\ndate: 2024-13-45\nauthor: An", "Bài viết", None, "An"),
        ("title: 0x" + "f" * 5000 + "\ndate: 2024-07-02\nauthor: An", "0xfff", "2024-07-02", "An"),
        ("title: " + "9" * 5000 + "\ndate: 2024-07-02\nauthor: 5", "999", "2024-07-02", "5"),
    ],
)
def test_each_front_matter_key_is_read_on_its_own(
    tmp_path: Path, front: str, title: str | None, date: str | None, author: str
) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\n{front}\n---\nDòng đầu\n\nDòng hai\n", encoding="utf-8")
    article = read_article(str(path))
    assert (article.meta.date, article.meta.author) == (date, author)
    assert article.title.startswith(title)  # each value as written, never a YAML type


@pytest.mark.parametrize(
    ("garbled", "charset"),
    [
        (TEXT.encode("utf-8").replace(b"Mai", b"Mai\xff"), None),
        (TEXT.encode("utf-8").replace("chủ".encode(), "chủ".encode()[:-1]), None),
        (TEXT.encode("utf-8").replace(b"Mai", b"Mai\xff"), "iso-8859-1"),
    ],
)
def test_utf8_with_a_stray_byte_stays_utf8_and_warns(
    garbled: bytes, charset: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        text = decode_bytes(garbled, "tin.txt", charset=charset)
    assert text.startswith("Hội nghị tổng kết năm 2023\nĐồng chí Trương Thị Mai")
    assert "Ã" not in text and "\ufffd" not in text
    assert "tin.txt: dropped what is not UTF-8 in 1 places" in caplog.text


def test_control_characters_in_html_do_not_make_it_unreadable(tmp_path: Path) -> None:
    page = tmp_path / "tin.html"
    page.write_bytes(
        "<html><body>\x07<button/><h1>Tin \x07một</h1><p>Nội dung \x01tin. Câu hai.</p>"
        "</body></html>".encode()
    )
    article = read_article(str(page))
    assert article.paragraphs and "Nội dung tin. Câu hai." in article.paragraphs[-1]


@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_html_loses_no_text(
    tmp_path: Path, depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    """libxml2 stops at 256 levels (2,048 with huge_tree), dropping every paragraph after."""
    inner = "<div>" * depth + "<p>Đoạn văn nằm sâu nhất trong trang.</p>" + "</div>" * depth
    after = "".join(f"<p>Đoạn văn thứ {i} sau phần lồng nhau.</p>" for i in range(3))
    page = tmp_path / "deep.html"
    page.write_text(f"<html><body><h1>Tin lồng nhau</h1>{inner}{after}</body></html>", "utf-8")
    with caplog.at_level(logging.WARNING):
        article = read_article(str(page))
    assert article.paragraphs[-1] == "Đoạn văn thứ 2 sau phần lồng nhau."
    assert "Đoạn văn nằm sâu nhất trong trang." in article.paragraphs
    assert ("too deep" in caplog.text) == (depth > 2048)


def test_a_page_with_far_too_much_text_is_refused_before_parsing(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>Ô {i}</td><td>giá {i}</td></tr>" for i in range(20_000))
    page = tmp_path / "table.html"
    page.write_text(f"<html><body><table>{rows}</table></body></html>", "utf-8")
    with pytest.raises(InputError, match="too large"):
        read_article(str(page), InputLimits(max_input_chars=100_000))
    assert read_article(str(page), InputLimits(max_input_chars=400_000)).paragraphs


_LEAD_TEXT = (
    "Từ tháng sau, ba tuyến buýt điện mới sẽ nối trung tâm với các huyện phía tây, "
    "giảm tải cho đường vành đai."
)
_BODY_HTML = "".join(
    f"<p>Đoạn thân bài thứ {i} kể tiếp diễn biến của vụ việc, với nhiều chi tiết mà phóng "
    "viên ghi nhận tại hiện trường trong buổi sáng nay.</p>"
    for i in range(6)
)
# How each paper marks its lead, outside the element that holds the body (simplified).
LEAD_LAYOUTS = {
    "vnexpress": f'<h1 class="title-detail">T</h1><p class="description">{_LEAD_TEXT}</p>'
    f'<article class="fck_detail">{_BODY_HTML}</article>',
    "tuoitre": f'<h2 class="detail-sapo">{_LEAD_TEXT}</h2>'
    f'<div class="detail-content afcbc-body">{_BODY_HTML}</div>',
    "thanhnien": f'<div class="detail-sapo" data-role="sapo">{_LEAD_TEXT}</div>'
    f'<div class="detail-content" data-role="content">{_BODY_HTML}</div>',
    "vietnamnet": f'<h2 class="content-detail-sapo sm-sapo-mb-0">{_LEAD_TEXT}</h2>'
    f'<div class="maincontent main-content">{_BODY_HTML}</div>',
    "laodong": f'<div class="chappeau"><p>{_LEAD_TEXT}</p></div><div class="art-body">{_BODY_HTML}</div>',
    "dantri": f'<h2 class="singular-sapo">(Dân trí) - {_LEAD_TEXT}</h2>'
    f'<div class="singular-content">{_BODY_HTML}</div>',
}


def _page(main: str, title: str = "Hà Nội mở thêm ba tuyến buýt điện", og: str = "") -> str:
    og_meta = f'<meta property="og:title" content="{og}">' if og else ""
    return (
        f"<html><head><title>{title}</title>{og_meta}</head><body>"
        f'<nav><a href="/">Trang chủ</a></nav><div class="main">{main}</div></body></html>'
    )


@pytest.mark.parametrize("layout", sorted(LEAD_LAYOUTS))
def test_the_lead_is_spoken_after_the_title(tmp_path: Path, layout: str) -> None:
    page = tmp_path / f"{layout}.html"
    page.write_text(_page(LEAD_LAYOUTS[layout]), encoding="utf-8")
    article = read_article(str(page))
    assert article.paragraphs[0].endswith(_LEAD_TEXT)
    assert article.paragraphs[1].startswith("Đoạn thân bài thứ 0")
    assert sum(_LEAD_TEXT in p for p in article.paragraphs) == 1


def test_a_teaser_below_the_body_is_not_taken_for_the_lead(tmp_path: Path) -> None:
    listing = (
        '<div class="other-news"><p class="description">Một bài khác kể chuyện mưa lớn ở '
        "miền Trung khiến nhiều tuyến đường ngập sâu.</p></div>"
    )
    page = tmp_path / "no-lead.html"
    page.write_text(_page(f'<article class="fck_detail">{_BODY_HTML}</article>{listing}'), "utf-8")
    article = read_article(str(page))
    assert article.paragraphs[0].startswith("Đoạn thân bài thứ 0")
    assert not any("miền Trung" in p for p in article.paragraphs)


@pytest.mark.parametrize("where", ["og", "h1"])
def test_a_title_cut_short_is_completed_from_the_page(tmp_path: Path, where: str) -> None:
    full = "Hà Nội mở thêm ba tuyến buýt điện nối trung tâm với các huyện phía tây"
    short = "Hà Nội mở thêm ba tuyến buýt điện…"
    heading = f"<h1>{full}</h1>" if where == "h1" else ""
    og = full if where == "og" else ""
    page = tmp_path / "cut.html"
    page.write_text(_page(f"{heading}<article>{_BODY_HTML}</article>", short, og), "utf-8")
    assert read_article(str(page)).title == full
