"""Cleaning: one table case per rule (inputs taken from the corpus), and a test per corpus file."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from audio_news.errors import ConfigError
from audio_news.inputs import read_article
from audio_news.models import Article, Removal
from audio_news.text.clean import DEFAULT_RULES, RULE_NAMES, clean_article, format_removed
from audio_news.text.clean_rules import Rule

DATA = Path(__file__).parent / "data"


def read_corpus(name: str) -> Article:
    """Read a corpus file simply: .txt title = first line; .md title from the front matter.

    A Jina Reader page is read by the reader: its Markdown has no simple form.
    """
    if name.startswith("jina_"):
        return read_article(str(DATA / name))
    text = (DATA / name).read_text(encoding="utf-8")
    if name.endswith(".md"):
        match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
        assert match is not None
        title_line = re.search(r"^title:\s*(.*)$", match.group(1), re.M)
        assert title_line is not None
        title = title_line.group(1).strip().strip('"')
        paragraphs = [b.strip() for b in re.split(r"\n\s*\n", text[match.end() :]) if b.strip()]
    else:
        lines = [line for line in text.splitlines() if line.strip()]
        title, paragraphs = lines[0], lines[1:]
    return Article(title=title, paragraphs=tuple(paragraphs), source=name, source_sha256="0")


def article(*paragraphs: str, title: str = "Tiêu đề bài báo") -> Article:
    return Article(title=title, paragraphs=paragraphs, source="-", source_sha256="0")


def only(name: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in DEFAULT_RULES if rule.name == name)


# (rule, input paragraphs, expected paragraphs, expected removed texts)
CASES: list[tuple[str, list[str], list[str], list[str]]] = [
    ("unicode-nfc", ["Hòa Bình"], ["Hòa Bình"], []),
    ("invisible-chars", ["Đảng\u200b năm\u00ad 2023"], ["Đảng năm 2023"], ["U+00AD U+200B"]),
    ("invisible-chars", ["Tin \ufffethử\U0010fffd"], ["Tin thử"], ["U+10FFFD U+FFFE"]),
    ("stacked-marks", ["Tin" + "\u0301" * 5000 + " mới"], ["Tin mới"], ["5000 combining marks"]),
    (
        "stacked-marks",
        ["\u0301\u0300Tin e\u0302\u0301 mới"],
        ["Tin e\u0302\u0301 mới"],
        ["2 combining marks"],
    ),
    ("stacked-marks", ["Tin a\u0323\u0300 mới"], ["Tin a\u0323\u0300 mới"], []),
    ("spaces", ["BBK -\u00a0Sáng  28/12,\ttại Hà Nội "], ["BBK - Sáng 28/12, tại Hà Nội"], []),
    ("emoji", ["Tin nóng 🔥🔥 hôm nay"], ["Tin nóng hôm nay"], ["🔥🔥"]),
    (
        "markdown-image",
        ["![Tổng Bí thư](https://media-cdn-v2.laodong.vn/a/Tong-Bi-Thu.jpg?w=800&h=420)"],
        [],
        ["![Tổng Bí thư](https://media-cdn-v2.laodong.vn/a/Tong-Bi-Thu.jpg?w=800&h=420)"],
    ),
    (
        "markdown-link",
        ["[Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù](https://vnexpress.net/a-4774232.html)"],
        ["Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù"],
        ["https://vnexpress.net/a-4774232.html"],
    ),
    (
        "url",
        [
            "Cổng thông tin điện tử của CATP (http://catphcm.bocongan.gov.vn).",
            "Xem tại https://www.rfi.fr/vi/20240520-tan-tong-thong.html hôm nay.",
            "https://kenh14.vn/tinh-trang-hien-tai-20240602190637116.chn",
        ],
        ["Cổng thông tin điện tử của CATP.", "Xem tại rfi.fr hôm nay."],
        [
            "(http://catphcm.bocongan.gov.vn)",
            "https://www.rfi.fr/vi/20240520-tan-tong-thong.html",
            "https://kenh14.vn/tinh-trang-hien-tai-20240602190637116.chn",
        ],
    ),
    (
        "markdown-markers",
        ["## Lịch sử đối đầu", "> Trích dẫn", "---"],
        ["Lịch sử đối đầu", "Trích dẫn"],
        ["---"],
    ),
    (
        "markdown-emphasis",
        ["**HLV Malaysia** tuyên bố _thắng đậm_ Lào, file ten_file_moi"],
        ["HLV Malaysia tuyên bố thắng đậm Lào, file ten_file_moi"],
        [],
    ),
    (
        "player",
        ["0:00 / 3:42", "0:00", "TTO - Theo thông cáo, lúc 0:00 đêm qua."],
        ["TTO - Theo thông cáo, lúc 0:00 đêm qua."],
        ["0:00 / 3:42", "0:00"],
    ),
    (
        "advert",
        ["AD Quảng cáo", "Quảng cáo sai sự thật bị xử phạt nặng."],
        ["Quảng cáo sai sự thật bị xử phạt nặng."],
        ["AD Quảng cáo"],
    ),
    (
        "read-more",
        ["Đọc tiếp", "Ông đọc tiếp bản luận tội."],
        ["Ông đọc tiếp bản luận tội."],
        ["Đọc tiếp"],
    ),
    (
        "read-more",
        [
            "Ông mời bạn đọc vào chuyên mục này xem các tin mới.",
            "Mời bạn đọc vào chuyên mục Giáo dục Khoa học xem các tin, bài liên quan.",
        ],
        ["Ông mời bạn đọc vào chuyên mục này xem các tin mới."],
        ["Mời bạn đọc vào chuyên mục Giáo dục Khoa học xem các tin, bài liên quan."],
    ),
    (
        "caption",
        ["Tin, ảnh: HÀ LINH", "Giữ vững an ninh biên giới.", "Bài và ảnh: Nguyễn Văn A"],
        ["Giữ vững an ninh biên giới."],
        ["Tin, ảnh: HÀ LINH", "Bài và ảnh: Nguyễn Văn A"],
    ),
    (
        "share-chrome",
        [
            "Bình luận (0)",
            "Đăng nhập để gửi bình luận",
            "Chia sẻ",
            "Chia sẻ sau trận thắng, HLV nói.",
        ],
        ["Chia sẻ sau trận thắng, HLV nói."],
        ["Bình luận (0)", "Đăng nhập để gửi bình luận", "Chia sẻ"],
    ),
    (
        "video-player",
        [
            "Playback speed",
            "1x Normal",
            "Skip",
            "Ads by Teads",
            "XEM CLIP:",
            "Xem clip ghi lại mưa lớn.",
        ],
        ["Xem clip ghi lại mưa lớn."],
        ["Playback speed", "1x Normal", "Skip", "Ads by Teads", "XEM CLIP"],
    ),
    (
        "newsletter",
        [
            "Bởi Hoa Kỳ sẽ không ủng hộ.",
            "Thư TinHãy nhận thư tin hàng ngày của RFI: Bản tin thời sự, phóng sự, tạp chí Đăng ký",
        ],
        ["Bởi Hoa Kỳ sẽ không ủng hộ."],
        ["Thư TinHãy nhận thư tin hàng ngày của RFI: Bản tin thời sự, phóng sự, tạp chí Đăng ký"],
    ),
    (
        "related-link",
        [">> Chi tiết mức án đề nghị với 50 bị cáo", "Bà Huế bị VKS đánh giá. Xem thêm: Vụ án FLC"],
        ["Bà Huế bị VKS đánh giá."],
        [">> Chi tiết mức án đề nghị với 50 bị cáo", "Xem thêm: Vụ án FLC"],
    ),
    (
        "teaser-link",
        [
            "ĐỌC THÊM Giá vàng SJC lập đỉnh mới",
            "Giá vàng tăng 2 triệu đồng. >> Giá vàng lập đỉnh mới",
            "Giá vàng tăng mạnh. ĐỌC THÊM: Vàng nhẫn vượt 85 triệu",
            "Đọc thêm sách giúp trẻ tập trung hơn.",
            "Tỷ lệ >> 50% là cao.",
        ],
        [
            "Giá vàng tăng 2 triệu đồng.",
            "Giá vàng tăng mạnh.",
            "Đọc thêm sách giúp trẻ tập trung hơn.",
            "Tỷ lệ >> 50% là cao.",
        ],
        [
            "ĐỌC THÊM Giá vàng SJC lập đỉnh mới",
            ">> Giá vàng lập đỉnh mới",
            "ĐỌC THÊM: Vàng nhẫn vượt 85 triệu",
        ],
    ),
    (
        "tag-line",
        [
            "Giá vàng hôm nay tăng.",
            "Từ khóa: giá vàng, SJC, vàng nhẫn",
            "Tags: giá vàng",
            "Chủ đề: Kinh tế vĩ mô",
            "Chủ đề của hội nghị năm nay là chuyển đổi số.",
        ],
        ["Giá vàng hôm nay tăng.", "Chủ đề của hội nghị năm nay là chuyển đổi số."],
        ["Từ khóa: giá vàng, SJC, vàng nhẫn", "Tags: giá vàng", "Chủ đề: Kinh tế vĩ mô"],
    ),
    (
        "caption-line",
        [
            "Nguồn hình ảnh, Getty Images",
            "Chụp lại hình ảnh, Ông Putin phát biểu tại Moscow hôm 5/12.",
            "Nguồn hình ảnh cho thấy con tàu đã rời cảng, theo Reuters.",
        ],
        ["Nguồn hình ảnh cho thấy con tàu đã rời cảng, theo Reuters."],
        [
            "Nguồn hình ảnh, Getty Images",
            "Chụp lại hình ảnh, Ông Putin phát biểu tại Moscow hôm 5/12.",
        ],
    ),
    (
        "video-label",
        [
            "Video: Cảnh sát khống chế đối tượng cầm dao:",
            "Clip ghi lại vụ việc:",
            "Video được chia sẻ trên mạng xã hội. Theo đó, ông nói:",
            "Clip ghi lại cảnh cầu sập được lan truyền rộng rãi.",
        ],
        [
            "Video được chia sẻ trên mạng xã hội. Theo đó, ông nói:",
            "Clip ghi lại cảnh cầu sập được lan truyền rộng rãi.",
        ],
        ["Video: Cảnh sát khống chế đối tượng cầm dao:", "Clip ghi lại vụ việc:"],
    ),
    (
        "source-credit",
        [
            "Giá xăng RON95 giảm 300 đồng mỗi lít. Nguồn: Bộ Công Thương",
            "Nguồn: Reuters",
            "Nguồn: Reuters, AFP.",
            "Nguồn tin cho biết: ông Tuấn đã bị bắt.",
            "Nguồn cung xăng dầu ổn định.",
        ],
        [
            "Giá xăng RON95 giảm 300 đồng mỗi lít.",
            "Nguồn tin cho biết: ông Tuấn đã bị bắt.",
            "Nguồn cung xăng dầu ổn định.",
        ],
        ["Nguồn: Bộ Công Thương", "Nguồn: Reuters", "Nguồn: Reuters, AFP."],
    ),
    (
        "date-line",
        [
            "5 tháng 12 2024",
            "Thứ năm, 5 tháng 12 2024, 10:30 (GMT+7)",
            "Tổng thống Hàn Quốc ban bố thiết quân luật.",
            "Ngày 5 tháng 12 2024",
        ],
        ["Tổng thống Hàn Quốc ban bố thiết quân luật.", "Ngày 5 tháng 12 2024"],
        ["5 tháng 12 2024", "Thứ năm, 5 tháng 12 2024, 10:30 (GMT+7)"],
    ),
    (
        "related-tail",
        [
            "Bà Mai giữ chức Trưởng Ban.",
            "Xem thêm",
            "Tin liên quan",
            "Bà Trương Thị Mai thôi giữ chức",
        ],
        ["Bà Mai giữ chức Trưởng Ban."],
        ["Xem thêm", "Tin liên quan", "Bà Trương Thị Mai thôi giữ chức"],
    ),
    (
        "related-tail",
        [
            "Malaysia thắng 5-0.",
            "Tin liên quan",
            "HLV Malaysia tuyên bố thắng đậm Lào",
            "Phát biểu trước trận đấu, HLV nói.",
        ],
        ["Malaysia thắng 5-0.", "Phát biểu trước trận đấu, HLV nói."],
        ["Tin liên quan", "HLV Malaysia tuyên bố thắng đậm Lào"],
    ),
    (
        "nav-junk",
        ["Tử vi vui Lịch sử đối đầu Panama vs Bolivia.", "Video ghi lại cảnh mưa."],
        ["Lịch sử đối đầu Panama vs Bolivia.", "Video ghi lại cảnh mưa."],
        ["Tử vi vui"],
    ),
    (
        "teaser",
        [
            "Hà Nội- Cựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu với thủ đoạn mới ...",
            "Hà NộiCựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu "
            "với thủ đoạn mới, tinh vi.",
            "Các đại biểu thảo luận khoa học, thận trọng, dân chủ, khách quan, minh bạch...",
        ],
        [
            "Hà NộiCựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu "
            "với thủ đoạn mới, tinh vi.",
            "Các đại biểu thảo luận khoa học, thận trọng, dân chủ, khách quan, minh bạch...",
        ],
        ["Hà Nội- Cựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu với thủ đoạn mới ..."],
    ),
    (
        "caption-repeat",
        [
            "Tham dự tại điểm cầu tỉnh Bắc Kạn có các đồng chí lãnh đạo.",
            "Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
            "Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
            "Năm 2023 là năm thứ ba.",
        ],
        ["Tham dự tại điểm cầu tỉnh Bắc Kạn có các đồng chí lãnh đạo.", "Năm 2023 là năm thứ ba."],
        ["Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn."] * 2,
    ),
    (
        "caption",
        [
            "Một số hình ảnh PV VietNamNet ghi nhận vào sáng sớm nay:",
            "Khu vực đường Bắc Sơn lúc 7h. Ảnh: Hồ Giáp",
            "Đường Yên Thế gần cầu vượt Ngã Ba Huế, nước ngập sâu gần nửa mét. Ảnh Hồ Giáp",
            "Ảnh: Diệu Thùy",
            "Bà Trương Thị Mai - Ảnh: NAM TRẦN",
            "Diễn biến giá vàng trong tuần. Biểu đồ: Hoàng Nam",
            "Đồ họa: Thanh Huyền",
            "Infographic",
            "Chặn xe vi phạm chưa nộp phạt nguội để xử lý Ảnh: Nguyên Bảo "
            "Về tình trạng này PC67 cho biết.",
            "Ảnh hưởng của mưa lớn kéo dài tới chiều nay, ông nói về bức ảnh.",
        ]
        + ["Mưa lớn từ nửa đêm đến sáng nay đã khiến nhiều tuyến đường ở Đà Nẵng ngập sâu."] * 4,
        [
            "Về tình trạng này PC67 cho biết.",
            "Ảnh hưởng của mưa lớn kéo dài tới chiều nay, ông nói về bức ảnh.",
        ]
        + ["Mưa lớn từ nửa đêm đến sáng nay đã khiến nhiều tuyến đường ở Đà Nẵng ngập sâu."] * 4,
        [
            "Một số hình ảnh PV VietNamNet ghi nhận vào sáng sớm nay:",
            "Khu vực đường Bắc Sơn lúc 7h. Ảnh: Hồ Giáp",
            "Đường Yên Thế gần cầu vượt Ngã Ba Huế, nước ngập sâu gần nửa mét. Ảnh Hồ Giáp",
            "Ảnh: Diệu Thùy",
            "Bà Trương Thị Mai - Ảnh: NAM TRẦN",
            "Diễn biến giá vàng trong tuần. Biểu đồ: Hoàng Nam",
            "Đồ họa: Thanh Huyền",
            "Infographic",
            "Chặn xe vi phạm chưa nộp phạt nguội để xử lý Ảnh: Nguyên Bảo",
        ],
    ),
    (
        "photo-credit",
        [
            "Tối 24/12, giao lộ ùn tắc nghiêm trọng (Ảnh: Hải Long).",
            "Nữ ca sĩ hy vọng bộ phim sẽ được khán giả yêu thương Ảnh: ĐPCC",
            "Bà Trương Thị Mai - Ảnh: NAM TRẦN",
            "Nước ngập sâu gần nửa mét. Ảnh Hồ Giáp",
            "Không khí rộn ràng (Video: Cao Bách)",
            "Giá vàng SJC so với thế giới. Biểu đồ: Hoàng Nam",
            "Ảnh hưởng của bão số 3 rất lớn.",
        ],
        [
            "Tối 24/12, giao lộ ùn tắc nghiêm trọng.",
            "Nữ ca sĩ hy vọng bộ phim sẽ được khán giả yêu thương",
            "Bà Trương Thị Mai",
            "Nước ngập sâu gần nửa mét.",
            "Không khí rộn ràng",
            "Giá vàng SJC so với thế giới.",
            "Ảnh hưởng của bão số 3 rất lớn.",
        ],
        [
            "(Ảnh: Hải Long)",
            "Ảnh: ĐPCC",
            "Ảnh: NAM TRẦN",
            "Ảnh Hồ Giáp",
            "(Video: Cao Bách)",
            "Biểu đồ: Hoàng Nam",
        ],
    ),
    (
        "kicker",
        ["ĐÀI LOAN - TRUNG QUỐC", "Trong lễ nhậm chức hôm nay, tân tổng thống phát biểu."],
        ["Trong lễ nhậm chức hôm nay, tân tổng thống phát biểu."],
        ["ĐÀI LOAN - TRUNG QUỐC"],
    ),
    (
        "byline",
        [
            "Vương Trần - Hải Nguyễn - Thứ sáu, 19/07/2024 18:40 (GMT+7)",
            "Với giai cấp công nhân, Tổng Bí thư luôn dành một tình cảm đặc biệt.",
            "Cuối cùng, ông T. vẫn không đổi ý. THANH VÂN",
            "Thanh Lam",
        ],
        [
            "Với giai cấp công nhân, Tổng Bí thư luôn dành một tình cảm đặc biệt.",
            "Cuối cùng, ông T. vẫn không đổi ý.",
        ],
        ["Thanh Lam", "Vương Trần - Hải Nguyễn - Thứ sáu, 19/07/2024 18:40 (GMT+7)", "THANH VÂN"],
    ),
    (
        "byline",
        [
            "Trận đấu diễn ra lúc 08h00.",
            "Dự đoán của báo Đắk Nông: Panama 2 - 1 Bolivia",
            "Theo Reuters",
        ],
        [
            "Trận đấu diễn ra lúc 08h00.",
            "Dự đoán của báo Đắk Nông: Panama 2 - 1 Bolivia",
            "Theo Reuters",
        ],
        [],
    ),
    (
        "dateline",
        ["BBK - Sáng 28/12, tại Hà Nội, hội nghị diễn ra.", "TTO - Theo thông cáo thứ hai."],
        ["Sáng 28/12, tại Hà Nội, hội nghị diễn ra.", "Theo thông cáo thứ hai."],
        ["BBK -", "TTO -"],
    ),
    (
        "dateline",
        ["(Dân trí) - Kết luận của Thanh tra.", "Hà NộiCựu chủ tịch FLC bị xác định là chủ mưu."],
        ["Kết luận của Thanh tra.", "Cựu chủ tịch FLC bị xác định là chủ mưu."],
        ["(Dân trí) -", "Hà Nội"],
    ),
    (
        "dateline",
        ["Panama 2 - 1 Bolivia là dự đoán.", "Một.", "BBK - không phải đầu bài."],
        ["Panama 2 - 1 Bolivia là dự đoán.", "Một.", "BBK - không phải đầu bài."],
        [],
    ),
    (
        "closing-mark",
        ["toàn tâm toàn ý, thực hiện tốt các nhiệm vụ.../.", "Xong../.", "Hết./.", "Hết/."],
        ["toàn tâm toàn ý, thực hiện tốt các nhiệm vụ.", "Xong.", "Hết.", "Hết."],
        [".../.", "../.", "./.", "/."],
    ),
    (
        "duplicate",
        [
            "Bà Mai là Ủy viên Bộ Chính trị.",
            "Theo Ban Chấp hành.",
            "Bà Mai là Ủy viên Bộ Chính trị.",
        ],
        ["Bà Mai là Ủy viên Bộ Chính trị.", "Theo Ban Chấp hành."],
        ["Bà Mai là Ủy viên Bộ Chính trị."],
    ),
    (
        "broken-line",
        [
            "Nghe vậy, bà S. đồng ý hỗ trợ ông T.",
            "400 triệu đồng.",
            "Phía ông T. thì có đề xuất khác.",
        ],
        [
            "Nghe vậy, bà S. đồng ý hỗ trợ ông T. 400 triệu đồng.",
            "Phía ông T. thì có đề xuất khác.",
        ],
        [],
    ),
    (
        "space-before-punctuation",
        ["ghi hình phạt nguội .", "sẽ bị xử phạt , một lãnh đạo cho biết", "không chấp hành... ."],
        ["ghi hình phạt nguội.", "sẽ bị xử phạt, một lãnh đạo cho biết", "không chấp hành..."],
        [],
    ),
    (
        "space-before-punctuation",
        ["được pháp luật bảo vệ…Do đó, cần xử lý.", "Ông nói...Rồi đi.", "chờ…nhé"],
        ["được pháp luật bảo vệ… Do đó, cần xử lý.", "Ông nói... Rồi đi.", "chờ…nhé"],
        [],
    ),
    (
        "inline-bullet",
        [
            "Nhấn nút Nguồn cho đến khi máy tắt. - Với iPhone 7: nhấn nút Giảm. - Với iPhone 6s: "
            "nhấn nút Home.",
            "Giá vàng tăng - giảm thất thường.",
        ],
        [
            "Nhấn nút Nguồn cho đến khi máy tắt. Với iPhone 7: nhấn nút Giảm. Với iPhone 6s: "
            "nhấn nút Home.",
            "Giá vàng tăng - giảm thất thường.",
        ],
        ["-", "-"],
    ),
    (
        "teaser-sentences",
        [
            "Trận đấu kết thúc với chiến thắng 2-1 cho Inter. Inter đang tiến rất gần đến ...",
            "Phải làm khách trên sân Bluenergy, Inter nhập cuộc tự tin.",
        ],
        [
            "Trận đấu kết thúc với chiến thắng 2-1 cho Inter.",
            "Phải làm khách trên sân Bluenergy, Inter nhập cuộc tự tin.",
        ],
        ["Inter đang tiến rất gần đến ..."],
    ),
    (
        "teaser-sentences",
        [
            "Preah Sihanouk từng là điểm nóng về tội phạm trực tuyến. Cuối ...",
            "Ông Hun Many phát biểu tại diễn đàn.",
            "Trước đó, Preah Sihanouk từng là điểm nóng về tội phạm trực tuyến.",
        ],
        [
            "Ông Hun Many phát biểu tại diễn đàn.",
            "Trước đó, Preah Sihanouk từng là điểm nóng về tội phạm trực tuyến.",
        ],
        ["Cuối ...", "Preah Sihanouk từng là điểm nóng về tội phạm trực tuyến."],
    ),
    (
        "teaser-sentences",
        [
            "Công ty VGN Corp hiện đang bị cảnh sát TPHCM ...",
            "Công ty VNG Corp hiện đang bị cảnh sát TP.HCM điều tra.",
            "Ông nói rằng mọi việc vẫn bình thường…",
        ],
        [
            "Công ty VNG Corp hiện đang bị cảnh sát TP.HCM điều tra.",
            "Ông nói rằng mọi việc vẫn bình thường…",
        ],
        ["Công ty VGN Corp hiện đang bị cảnh sát TPHCM ..."],
    ),
    (
        "glued-related",
        [
            "VTV.vn - Trung Quốc đã đưa ra cảnh báo đỏ về bão địa từ.",
            "Cơ quan Khí quyển Mỹ thông báo Trái đất hôm 11/5 đã chứng kiến một cơn bão địa từ.",
            "Bão Mặt Trời mạnh nhất trong 20 năm gây ra cực quang VTV.vn - Trái Đất đã đón một "
            "cơn bão địa từ.",
        ],
        [
            "VTV.vn - Trung Quốc đã đưa ra cảnh báo đỏ về bão địa từ.",
            "Cơ quan Khí quyển Mỹ thông báo Trái đất hôm 11/5 đã chứng kiến một cơn bão địa từ.",
        ],
        [
            "Bão Mặt Trời mạnh nhất trong 20 năm gây ra cực quang VTV.vn - Trái Đất đã đón một "
            "cơn bão địa từ."
        ],
    ),
    (
        "date-line",
        [
            "6 giờ trước",
            "Ban Thời sự/VOV-Chủ nhật, ngày 12/05/2024 14:00 GMT+7",
            "Một vụ nổ đã xảy ra 6 giờ trước.",
        ],
        ["Một vụ nổ đã xảy ra 6 giờ trước."],
        ["6 giờ trước", "Ban Thời sự/VOV-Chủ nhật, ngày 12/05/2024 14:00 GMT+7"],
    ),
    (
        "date-line",
        ["Thứ Bảy 13/07/2024 , 14:42 (GMT+7)", "Link xem trực tiếp Chung kết DIFF 2024"],
        ["Link xem trực tiếp Chung kết DIFF 2024"],
        ["Thứ Bảy 13/07/2024 , 14:42 (GMT+7)"],
    ),
    (
        "dateline",
        ["VTV.vn - Trung Quốc hôm 11/5 đã đưa ra cảnh báo đỏ."],
        ["Trung Quốc hôm 11/5 đã đưa ra cảnh báo đỏ."],
        ["VTV.vn -"],
    ),
    (
        "caption",
        [
            "Biệt phủ của gia đình ông Đỗ Hữu Ca tại xã Kênh Giang. Ảnh Hoàng Dương.",
            "Trước đó, cơ quan điều tra khám xét chỗ ở của ông Ca tại hai địa chỉ ở quận Hải An "
            "và huyện Thủy Nguyên, tạm giữ nhiều đồ vật, tài sản là tiền mặt và ngoại tệ.",
        ],
        [
            "Trước đó, cơ quan điều tra khám xét chỗ ở của ông Ca tại hai địa chỉ ở quận Hải An "
            "và huyện Thủy Nguyên, tạm giữ nhiều đồ vật, tài sản là tiền mặt và ngoại tệ."
        ],
        ["Biệt phủ của gia đình ông Đỗ Hữu Ca tại xã Kênh Giang. Ảnh Hoàng Dương."],
    ),
    (
        "pointer-tail",
        [
            "Đến nay, đa số trường THPT công lập trên địa bàn đã hoàn tất việc tuyển sinh.",
            "Danh sách tra cứu",
            "Thí sinh, phụ huynh thí sinh tra cứu danh sách chỉ tiêu năm học 2024 - 2025 tại đây:",
            "Bảng điểm chuẩn trúng tuyển bổ sung vào lớp 10 THPT công lập 2024 - 2025 tại Hà Nội",
            "Bảng điểm chuẩn trúng tuyển bổ sung vào lớp 10 THPT chuyên năm 2024 - 2025",
        ],
        ["Đến nay, đa số trường THPT công lập trên địa bàn đã hoàn tất việc tuyển sinh."],
        [
            "Danh sách tra cứu",
            "Thí sinh, phụ huynh thí sinh tra cứu danh sách chỉ tiêu năm học 2024 - 2025 tại đây:",
            "Bảng điểm chuẩn trúng tuyển bổ sung vào lớp 10 THPT công lập 2024 - 2025 tại Hà Nội",
            "Bảng điểm chuẩn trúng tuyển bổ sung vào lớp 10 THPT chuyên năm 2024 - 2025",
        ],
    ),
    (
        "pointer-tail",
        [
            "Lịch thi đấu vòng bảng được công bố như sau:",
            "Ngày 5/6: Việt Nam gặp Lào",
            "Quý độc giả có thể xem lại trận đấu tại đây: đường link sẽ được cập nhật.",
        ],
        [
            "Lịch thi đấu vòng bảng được công bố như sau:",
            "Ngày 5/6: Việt Nam gặp Lào",
            "Quý độc giả có thể xem lại trận đấu tại đây: đường link sẽ được cập nhật.",
        ],
        [],
    ),
    (
        "byline",
        ["Tàu Parker sẽ bay gần Mặt Trời.", "Con tàu phá kỷ lục.", "An Khang (Theo Live Science)"],
        ["Tàu Parker sẽ bay gần Mặt Trời.", "Con tàu phá kỷ lục."],
        ["An Khang (Theo Live Science)"],
    ),
    (
        "share-chrome",
        ["Wongbut ghi bàn phút 79.", "Nguồn: [Link nguồn]Nguồn: [Link nguồn]"],
        ["Wongbut ghi bàn phút 79."],
        ["Nguồn: [Link nguồn]Nguồn: [Link nguồn]"],
    ),
    (
        "teaser-site",
        [
            "Diễn viên Midu lần đầu công khai hình ảnh chồng sắp cưới. - VnExpress.",
            "Diễn viên Midu lần đầu công khai hình ảnh chồng sắp cưới.",
            "Tối 5/6, Midu đăng bộ ảnh cưới. - VnExpress.",
        ],
        [
            "Diễn viên Midu lần đầu công khai hình ảnh chồng sắp cưới.",
            "Tối 5/6, Midu đăng bộ ảnh cưới. - VnExpress.",
        ],
        ["Diễn viên Midu lần đầu công khai hình ảnh chồng sắp cưới. - VnExpress."],
    ),
    (
        "teaser-site",
        ["Midu đăng bộ ảnh cưới. - VnExpress.", "Tối 5/6, Midu đăng bộ ảnh cưới đầu năm."],
        ["Midu đăng bộ ảnh cưới.", "Tối 5/6, Midu đăng bộ ảnh cưới đầu năm."],
        ["VnExpress"],
    ),
    (
        "caption",
        [
            "Phương Nga (phải) vào vai bà Muộn trong vở Điều còn lại - Ảnh: T.ĐIỂU",
            "Trong hơn 20 năm làm nghề, Phương Nga để lại trong lòng khán giả nhiều vai diễn ấn "
            "tượng như hoàng hậu Giectrut trong vở Hamlet, Hoạn Thư trong vở Kiều.",
        ],
        [
            "Trong hơn 20 năm làm nghề, Phương Nga để lại trong lòng khán giả nhiều vai diễn ấn "
            "tượng như hoàng hậu Giectrut trong vở Hamlet, Hoạn Thư trong vở Kiều."
        ],
        ["Phương Nga (phải) vào vai bà Muộn trong vở Điều còn lại - Ảnh: T.ĐIỂU"],
    ),
    (
        "bare-caption",
        [
            "Đội tuyển bóng bàn Thanh Hóa giành 4 HCV, 2 HCĐ tại giải năm nay",
            "4 tay vợt của Thanh Hóa gồm Nguyễn Xuân Phúc, Phan Tiến Đạt, Nguyễn Đình Thắng, "
            "Trương Đức Cường đã xuất sắc giành HCV ở nội dung đồng đội nam lứa tuổi 12-13",
            "Giải diễn ra từ ngày 17 đến 24/7 tại TP Đà Nẵng với sự tham gia của hơn 900 VĐV "
            "thuộc các CLB đến từ 32 tỉnh, thành, ngành trên cả nước tham gia tranh tài.",
            "HLV trưởng đội tuyển bóng bàn Thanh Hóa Nguyễn Xuân Thuận và Nguyễn Xuân Phúc "
            "(2 HCV) và Nguyễn Hải Anh (HCĐ)",
            "Thành tích này khẳng định chất lượng đào tạo trẻ.",
        ],
        [
            "Đội tuyển bóng bàn Thanh Hóa giành 4 HCV, 2 HCĐ tại giải năm nay",
            "Giải diễn ra từ ngày 17 đến 24/7 tại TP Đà Nẵng với sự tham gia của hơn 900 VĐV "
            "thuộc các CLB đến từ 32 tỉnh, thành, ngành trên cả nước tham gia tranh tài.",
            "Thành tích này khẳng định chất lượng đào tạo trẻ.",
        ],
        [
            "4 tay vợt của Thanh Hóa gồm Nguyễn Xuân Phúc, Phan Tiến Đạt, Nguyễn Đình Thắng, "
            "Trương Đức Cường đã xuất sắc giành HCV ở nội dung đồng đội nam lứa tuổi 12-13",
            "HLV trưởng đội tuyển bóng bàn Thanh Hóa Nguyễn Xuân Thuận và Nguyễn Xuân Phúc "
            "(2 HCV) và Nguyễn Hải Anh (HCĐ)",
        ],
    ),
    (
        "punctuation-only",
        ["Thật lòng chúng tôi nghe nó phản cảm quá!", ".", "…"],
        ["Thật lòng chúng tôi nghe nó phản cảm quá!"],
        [".", "…"],
    ),
]


@pytest.mark.parametrize(("rule", "given", "expected", "removed"), CASES)
def test_rule_alone(rule: str, given: list[str], expected: list[str], removed: list[str]) -> None:
    result = clean_article(article(*given), rules=only(rule))
    assert list(result.article.paragraphs) == expected
    assert [r.text for r in result.removed] == removed
    assert all(r.rule == rule for r in result.removed)


@pytest.mark.parametrize(("rule", "given", "expected", "removed"), [c for c in CASES if c[3]])
def test_rule_can_be_switched_off(
    rule: str, given: list[str], expected: list[str], removed: list[str]
) -> None:
    result = clean_article(article(*given), disabled=frozenset({rule}))
    assert rule not in {r.rule for r in result.removed}


def test_every_rule_has_a_case() -> None:
    covered = {case[0] for case in CASES} | {
        "title-tag",
        "title-site",
        "title-repeat",
        "title-word",
        "title-cut",
    }
    # title rules: see test_title_*
    assert covered == set(RULE_NAMES)
    assert len(RULE_NAMES) == len(set(RULE_NAMES))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "12 quân nhân mất tích trong vụ nổ - BBC News Tiếng Việt",
            "12 quân nhân mất tích trong vụ nổ",
        ),
        ("Giá vàng hôm nay | VnExpress", "Giá vàng hôm nay"),
        ("Lao Động", "Lao Động"),
        ("Ông Nguyễn Văn A - Lao động", "Ông Nguyễn Văn A"),
        ("Thanh niên tình nguyện - sức trẻ", "Thanh niên tình nguyện - sức trẻ"),
    ],
)
def test_title_site(title: str, expected: str) -> None:
    result = clean_article(article("Bài viết.", title=title), rules=only("title-site"))
    assert result.article.title == expected


def test_title_site_lets_the_title_repeat_go() -> None:
    result = clean_article(
        article(
            "12 quân nhân Quân khu 7 \u2018mất tích\u2019 trong vụ nổ",
            "Một vụ nổ đã xảy ra trong đợt diễn tập.",
            title="12 quân nhân Quân khu 7 'mất tích' trong vụ nổ - BBC News Tiếng Việt",
        )
    )
    assert result.article.title == "12 quân nhân Quân khu 7 'mất tích' trong vụ nổ"
    assert result.article.paragraphs == ("Một vụ nổ đã xảy ra trong đợt diễn tập.",)


def test_title_is_cleaned() -> None:
    result = clean_article(
        article(
            "[Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ](https://tuoitre.vn/x.htm)",
            "Theo thông cáo của Văn phòng Trung ương Đảng.",
            title="🔥🔥 [Trung ương Đảng Trương Thị Mai] "
            "Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
        )
    )
    assert (
        result.article.title == "Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ"
    )
    assert result.article.paragraphs == ("Theo thông cáo của Văn phòng Trung ương Đảng.",)
    assert [r.rule for r in result.removed] == [
        "emoji",
        "title-tag",
        "markdown-link",
        "title-repeat",
    ]


def test_a_cut_short_title_leaves_the_lead_it_begins() -> None:
    lead = (
        "Hà Nội mở rộng tuyến buýt điện ra các huyện ngoại thành từ tháng sau, "
        "theo kế hoạch Sở Giao thông vừa công bố."
    )
    result = clean_article(
        article(lead, "Đoạn thứ hai.", title="Hà Nội mở rộng tuyến buýt điện ra…")
    )
    assert result.article.paragraphs == (lead, "Đoạn thứ hai.")


def test_a_cut_short_title_is_completed_by_the_heading_that_repeats_it() -> None:
    full = "Hà Nội mở rộng tuyến buýt điện ra các huyện ngoại thành"
    result = clean_article(
        article(full, "Sở Giao thông vừa công bố kế hoạch.", title="Hà Nội mở rộng tuyến buýt…")
    )
    assert result.article.title == full
    assert result.article.paragraphs == ("Sở Giao thông vừa công bố kế hoạch.",)


def test_a_reworded_teaser_before_the_lead_is_said_once() -> None:
    teaser = "Sở Giao thông Hà Nội cho biết sẽ mở thêm ba tuyến buýt điện trong tháng tới"
    lead = (
        "Sở Giao thông vận tải Hà Nội cho biết sẽ mở thêm ba tuyến buýt điện trong tháng tới, "
        "đi qua nhiều khu dân cư."
    )
    result = clean_article(article(teaser, lead, "Đoạn ba nói chuyện khác hẳn."))
    assert result.article.paragraphs == (lead, "Đoạn ba nói chuyện khác hẳn.")
    assert [(r.rule, r.text) for r in result.removed] == [("teaser", teaser)]


def test_chrome_made_of_two_rules() -> None:
    result = clean_article(article("Quảng cáo Đọc tiếp", "Theo AFP, có 8 nguyên thủ."))
    assert result.article.paragraphs == ("Theo AFP, có 8 nguyên thủ.",)
    assert [(r.rule, r.text) for r in result.removed] == [
        ("advert", "Quảng cáo"),
        ("read-more", "Đọc tiếp"),
    ]


def test_photo_story_keeps_captions_without_credits() -> None:
    given = [
        "Hari Won diện set đen sang trọng, đến ủng hộ ông xã ra mắt phim mới Ảnh: ĐPCC",
        "Trấn Thành thân thiết ôm cứng ca sĩ Quang Linh khi hội ngộ đàn anh tại sự kiện Ảnh: ĐPCC",
        "Ảnh: ĐPCC",
        "Tối 18.1, phim ra mắt.",
    ]
    result = clean_article(article(*given))
    assert result.article.paragraphs == (
        "Hari Won diện set đen sang trọng, đến ủng hộ ông xã ra mắt phim mới",
        "Trấn Thành thân thiết ôm cứng ca sĩ Quang Linh khi hội ngộ đàn anh tại sự kiện",
        "Tối 18.1, phim ra mắt.",
    )


def test_unknown_rule_name_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no-such-rule"):
        clean_article(article("Một."), disabled=frozenset({"no-such-rule"}))


def test_format_removed() -> None:
    lines = format_removed([Removal("player", "0:00 / 0:00"), Removal("caption", "Ảnh:\n ĐPCC")])
    assert lines == ["[player] 0:00 / 0:00", "[caption] Ảnh: ĐPCC"]


@dataclass(frozen=True)
class Expect:
    """What cleaning a corpus file must give: the raw paragraphs minus ``drop``, edited."""

    drop: tuple[str, ...]
    """Raw paragraphs that are junk; a trailing ``*`` matches by prefix."""
    edits: tuple[tuple[str, str], ...]
    """Replacements inside kept paragraphs (dateline codes, credits, closing marks)."""
    absent: tuple[str, ...]
    """Strings that must appear nowhere in the cleaned text."""
    title: str | None = None


CORPUS: dict[str, Expect] = {
    "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt": Expect(
        drop=(
            "0:00*",
            "Các đại biểu dự Hội nghị tại điểm cầu*",
            "Quang cảnh Hội nghị*",
            "Xem thêm",
        ),
        edits=(("BBK - ", ""), ("nhiệm vụ.../.", "nhiệm vụ.")),
        absent=(
            "0:00",
            "Xem thêm",
            "BBK",
            "/.",
            "Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
            "Quang cảnh Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
        ),
        title="Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023",
    ),
    "player_tuoitre_2024-05-17_truong-thi-mai.txt": Expect(
        drop=("0:00*", "Bà Trương Thị Mai - Ảnh*", "Xem thêm", "Tin liên quan"),
        edits=(("TTO - ", ""),),
        absent=("0:00", "3:42", "TTO", "Xem thêm", "Tin liên quan", "NAM TRẦN"),
        title="Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
    ),
    "text_baodaknong_2024-07-02_panama-bolivia.md": Expect(
        drop=(
            "[Lịch sử đối đầu*",
            "![*",
            "AD Quảng cáo",
            "Panama và Bolivia đã gặp nhau tất cả 8 lần, trong đó Panama chiếm ưu thế với 5 trận "
            "thắng, 3 trận thua. Hai đội tuyển mới chỉ gặp nhau 1 lần tại Copa America, ...",
        ),
        edits=(
            (
                "Tử vi vui Lịch sử đối đầu Panama vs Bolivia: "
                "Bolivia 13 năm chưa thắng được Panama ",
                "",
            ),
        ),
        absent=("Tử vi", "Quảng cáo", "http", "](", "Copa America, ..."),
        title="Lịch sử đối đầu Panama vs Bolivia: Bolivia 13 năm chưa thắng được Panama",
    ),
    "text_laodong_2024-07-19_tong-bi-thu-cong-doan.md": Expect(
        drop=(
            "[Tổng Bí thư*",
            "![*",
            "Vương Trần*",
            "Một số hình ảnh*",
            "Tại Lễ kỷ niệm 80 năm Ngày thành lập Công đoàn Việt Nam (28.7.1929 - 28.7.2009), ngày "
            "28.7.2009, khi đang giữ cương vị Chủ tịch Quốc hội, Chủ tịch Quốc hội ...",
            "Tổng Bí thư Nguyễn Phú Trọng phát biểu chỉ đạo tại*",
            "Tổng Bí thư Nguyễn Phú Trọng đến dự*",
            "Tổng Bí thư Nguyễn Phú Trọng tặng quà*",
            "Tổng Bí thư Nguyễn Phú Trọng dự gặp mặt*",
            "Tổng Bí thư Nguyễn Phú Trọng thăm và tặng quà*",
        ),
        edits=(),
        absent=("Ảnh:", "Vương Trần", "GMT", "Một số hình ảnh", "Chủ tịch Quốc hội ...", "[Trọng]"),
        title="Tổng Bí thư Nguyễn Phú Trọng với công nhân, công đoàn Việt Nam",
    ),
    "text_rfi-vi_2024-05-20_dai-loan.md": Expect(
        drop=(
            "[Tân tổng thống*",
            "![*",
            "ĐÀI LOAN - TRUNG QUỐC",
            "Quảng cáo Đọc tiếp",
            "Thư Tin*",
            "Trong lễ nhậm chức hôm nay, 20/05/2024, tân tổng thống Đài Loan Lại Thanh Đức (Lai "
            "Ching-te) đã kêu gọi Trung Quốc chấm dứt ''các đe dọa về chính trị và ...",
        ),
        edits=(),
        absent=("Quảng cáo", "Đọc tiếp", "Thư Tin", "Đăng ký", "ĐÀI LOAN - TRUNG QUỐC", "và ..."),
        title="Tân tổng thống Đài Loan Lại Thanh Đức kêu gọi Trung Quốc ''chấm ...",
    ),
    "text_thanhnien_2025-01-19_bo-tu-bao-thu-gallery.md": Expect(
        drop=("[Hari Won*", "![*", "Ảnh: ĐPCC"),
        edits=((" Ảnh: ĐPCC", ""),),
        absent=("ĐPCC", "Ảnh:"),
    ),
    "text_tuoitre_2024-05-17_truong-thi-mai.md": Expect(
        drop=(
            "[Trung ương Đảng*",
            "![*",
            "Bà Trương Thị Mai - Ảnh: NAM TRẦN",
            "Trước khi được Trung ương đồng ý cho thôi các chức vụ, bà Mai là Ủy viên Bộ Chính trị "
            "khóa XII, XIII; Bí thư Trung ương Đảng khóa XII, XIII; Ủy viên Ban Chấp ...",
        ),
        edits=(),
        absent=("NAM TRẦN", "🔥", "[", "Ban Chấp ..."),
        title="Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
    ),
    "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md": Expect(
        drop=(
            "[Mưa xối xả*",
            "![*",
            "XEM CLIP:",
            "Một số hình ảnh*",
            "Một nhà dân ở ngõ*",
            "Ảnh: Nguyễn Hiền",
            "Khu vực đường*",
            "Đường Yên Thế*",
            "Ảnh: Diệu Thùy",
            "Khu vực trước bến xe*",
            "Nhiều người phải quay đầu*",
            "Phường Nam Dương*",
            "Do nước ngập sâu*",
            "Đường Đặng Thai Mai*",
            "Tại ngã tư đường Nguyễn Văn Linh - Lê Đình Lý*",
        ),
        edits=((" Ảnh: CTV", ""),),
        absent=("Ảnh", "XEM CLIP", "Một số hình ảnh", "CTV"),
    ),
    "text_vnexpress_2024-07-27_trinh-van-quyet.md": Expect(
        drop=(
            "[Ông Trịnh Văn Quyết*",
            "![*",
            "Hà Nội- Cựu chủ tịch*",
            ">> Chi tiết*",
            "Bị cáo Trịnh Văn Quyết. Ảnh: Ngọc Thành",
            "Trịnh Thị Minh Huế bị cáo buộc giúp sức*",
            "6 kiểm sát viên*",
            "Bị cáo Trịnh Thị Thúy Nga. Ảnh: Ngọc Thành",
            "Ông Lê Văn Sắc*",
            "Thanh Lam",
        ),
        edits=(("Hà NộiCựu", "Cựu"),),
        absent=("Ảnh:", "Thanh Lam", ">>", "Hà Nội-", "NộiCựu", "]("),
        title="Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",
    ),
    "jina_vnexpress_2024-07-26_trinh-van-quyet.txt": Expect(
        drop=(
            "Thứ sáu, 26/7/2024, 16:48 (GMT+7)",
            "Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",
            "Bị cáo Trịnh Văn Quyết. Ảnh: Ngọc Thành",
            "Trịnh Thị Minh Huế bị cáo buộc giúp sức*",
            "6 kiểm sát viên*",
            "Bị cáo Trịnh Thị Thúy Nga. Ảnh: Ngọc Thành",
            "Ông Lê Văn Sắc*",
            "Thanh Lam",
        ),
        edits=(("Hà NộiCựu", "Cựu"),),
        absent=("Ảnh:", "Thanh Lam", ">>", "GMT", "NộiCựu", "](", "http", "Chia sẻ", "Thời sự"),
        title="Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",
    ),
    "text_binhvq-corpus_article1_chay-i-nop-phat-nguoi.txt": Expect(
        drop=(),
        edits=(
            ("Chặn xe vi phạm chưa nộp phạt nguội để xử lý Ảnh: Nguyên Bảo ", ""),
            (" (http://catphcm.bocongan.gov.vn)", ""),
        ),
        absent=("Nguyên Bảo", "Ảnh:", "http"),
        title="Chây ì nộp phạt nguội.",
    ),
    "text_binhvq-corpus_article2_chau-doi-tien-com.txt": Expect(
        drop=(".",),
        edits=((" THANH VÂN", ""),),
        absent=("THANH VÂN",),
        title="Cháu đòi tiền cơm, dì đòi tiền nhà.",
    ),
}


def _canon(text: str) -> str:
    """Whitespace and spacing before punctuation do not count when comparing texts."""
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))
    return re.sub(r"(\.\.\.|…)\.", r"\1", text)


def _dropped(paragraph: str, drop: tuple[str, ...]) -> bool:
    return any(paragraph.startswith(d[:-1]) if d.endswith("*") else paragraph == d for d in drop)


def _expected_body(name: str, expect: Expect) -> list[str]:
    raw = [" ".join(unicodedata.normalize("NFC", p).split()) for p in read_corpus(name).paragraphs]
    body = []
    for paragraph in raw:
        if _dropped(paragraph, expect.drop):
            continue
        for old, new in expect.edits:
            paragraph = paragraph.replace(old, new)
        body.append(paragraph)
    return body


def test_corpus_table_covers_every_text_file() -> None:
    files = {p.name for p in DATA.iterdir() if p.suffix in (".txt", ".md")}
    assert files == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_keeps_body_in_order_and_drops_junk(name: str) -> None:
    expect = CORPUS[name]
    result = clean_article(read_corpus(name))
    cleaned = " ".join(result.article.paragraphs)
    assert _canon(cleaned) == _canon(" ".join(_expected_body(name, expect)))
    for junk in expect.absent:
        assert junk not in cleaned, junk
        assert junk not in result.article.title, junk
    if expect.title is not None:
        assert result.article.title == expect.title
    assert result.removed, "every corpus file has something to remove"


def test_seed_paragraphs_exactly() -> None:
    name = "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt"
    result = clean_article(read_corpus(name))
    assert list(result.article.paragraphs) == _expected_body(name, CORPUS[name])
    assert format_removed(result.removed)[:2] == ["[player] 0:00 / 0:00", "[player] 0:00"]


@pytest.mark.parametrize(
    ("title", "first", "expected_title", "kept"),
    [
        ("🎉🔥🚀", "Hà Nội mở tuyến buýt mới", "Hà Nội mở tuyến buýt mới", 1),
        ("!!! ???", "Hà Nội " + "mở tuyến buýt mới " * 20, "Hà Nội mở tuyến", 2),
    ],
)
def test_a_title_with_nothing_to_say_takes_the_first_line(
    title: str, first: str, expected_title: str, kept: int
) -> None:
    article = Article(title, (first, "Đoạn hai."), "x.txt", "0")
    cleaned = clean_article(article).article
    assert cleaned.title.startswith(expected_title)
    assert len(cleaned.paragraphs) == kept
