"""A title the feed cut short, and photo captions with neither credit nor full stop."""

from __future__ import annotations

import pytest

from audio_news.models import Article
from audio_news.text.clean import DEFAULT_RULES, clean_article


def article(*paragraphs: str, title: str = "Tiêu đề bài báo") -> Article:
    return Article(title=title, paragraphs=paragraphs, source="-", source_sha256="0")


def rules(*names: str) -> tuple:
    return tuple(rule for rule in DEFAULT_RULES if rule.name in names)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Bloomberg nói kỳ lân công nghệ VNG bị công an điều tra; báo Việt ...",
            "Bloomberg nói kỳ lân công nghệ VNG bị công an điều tra",
        ),
        (
            "VĐV Thanh Hóa giành thành tích cao tại Giải bóng bàn trẻ, thiếu ...",
            "VĐV Thanh Hóa giành thành tích cao tại Giải bóng bàn trẻ",
        ),
        ("iOS 18 quá lỗi? Đây là cách hạ cấp về ...", "iOS 18 quá lỗi?"),
        ("Giá vàng hôm nay - Giá vàng SJC tăng mạnh vào ...", "Giá vàng hôm nay"),
        # No clause: the words that only lead into what was cut go.
        (
            "Nghệ sĩ Nhân dân Thanh Điền hé lộ tình trạng sức khỏe sau khi ...",
            "Nghệ sĩ Nhân dân Thanh Điền hé lộ tình trạng sức khỏe",
        ),
        ("Giá vàng trong nước tăng mạnh trong những ...", "Giá vàng trong nước tăng mạnh"),
        # Nothing whole enough to stop at: the title stays as the feed gave it.
        (
            "Ngỡ ngàng 'tỷ số đối đầu' giữa chứng khoán Việt Nam và các kỳ ...",
            "Ngỡ ngàng 'tỷ số đối đầu' giữa chứng khoán Việt Nam và các kỳ ...",
        ),
        (
            "Giá vàng: SJC tăng mạnh vào phiên sáng ...",
            "Giá vàng: SJC tăng mạnh vào phiên sáng ...",
        ),
        # A writer's own ellipsis is glued to the word: not the feed's cut.
        ("Chờ đợi, hy vọng và một cái kết bỏ ngỏ...", "Chờ đợi, hy vọng và một cái kết bỏ ngỏ..."),
        ("Bão số 3 đổ bộ, miền Bắc mưa lớn", "Bão số 3 đổ bộ, miền Bắc mưa lớn"),
    ],
)
def test_title_cut_ends_at_the_last_whole_clause(title: str, expected: str) -> None:
    result = clean_article(article("Bài viết.", title=title), rules=rules("title-cut"))
    assert result.article.title == expected
    if expected != title:
        assert title.startswith(expected)
        assert [(r.rule, r.text) for r in result.removed] == [
            ("title-cut", title[len(expected) :].strip(" ;,-"))
        ]


BORDER = "Lãnh đạo huyện thăm các xã biên giới. Tiết học biên cương cho học sinh."
BORDER_MORE = "Đồn Biên phòng phối hợp giữ vững an ninh biên giới, cột mốc biên giới."


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        (
            "Chúc mừng ngày Nhà giáo Việt Nam các xã biên ...",
            [BORDER, BORDER_MORE],
            "Chúc mừng ngày Nhà giáo Việt Nam các xã biên giới ...",
        ),
        # Followed by many words: it was a whole word.
        (
            "Chính phủ Colombia bắt đầu đàm phán thúc đẩy hòa bình ...",
            ["Hòa bình với nhóm vũ trang, hòa bình lịch sử, hòa bình mới và hòa bình bền vững."],
            "Chính phủ Colombia bắt đầu đàm phán thúc đẩy hòa bình ...",
        ),
        # Written once only, or not cut by the feed.
        ("Tiết học ở các xã biên ...", [BORDER], "Tiết học ở các xã biên ..."),
        ("Các xã biên", [BORDER, BORDER_MORE], "Các xã biên"),
    ],
)
def test_title_word_is_completed_from_the_body(title: str, body: list[str], expected: str) -> None:
    result = clean_article(article(*body, title=title), rules=rules("title-word"))
    assert result.article.title == expected


def test_title_cut_waits_for_the_title_repeat_to_complete_the_title() -> None:
    whole = (
        "VĐV Thanh Hóa giành thành tích cao tại Giải bóng bàn trẻ, thiếu niên, nhi đồng quốc gia"
    )
    result = clean_article(
        article(
            whole,
            "Đội tuyển bóng bàn Thanh Hóa đã khẳng định sự tiến bộ.",
            title=whole[:70] + " ...",
        )
    )
    assert result.article.title == whole


LONG = "Luôn luôn sao lưu dữ liệu khi thực hiện nâng cấp hoặc hạ cấp iOS để tránh mất dữ liệu"
SENTENCE = "Bạn sẽ cần một máy Mac hoặc Windows PC đã cài ứng dụng Apple Devices."


@pytest.mark.parametrize(
    ("paragraphs", "kept"),
    [
        ([SENTENCE, LONG, SENTENCE], [SENTENCE, SENTENCE]),
        # The lead may lack its full stop, and the body may end without one.
        ([LONG, SENTENCE, SENTENCE], [LONG, SENTENCE, SENTENCE]),
        ([SENTENCE, SENTENCE, LONG], [SENTENCE, SENTENCE, LONG]),
        # A subheading is shorter.
        (
            [SENTENCE, "Hướng dẫn hạ cấp về iOS 17 cho người dùng iPhone", SENTENCE],
            [SENTENCE, "Hướng dẫn hạ cấp về iOS 17 cho người dùng iPhone", SENTENCE],
        ),
        # Lines next to each other without a stop are a list or a table.
        ([SENTENCE, LONG, LONG, SENTENCE], [SENTENCE, LONG, LONG, SENTENCE]),
        (
            [SENTENCE, LONG, "Bước 1: Tắt nguồn", SENTENCE],
            [SENTENCE, LONG, "Bước 1: Tắt nguồn", SENTENCE],
        ),
        # Ending in a quotation, a colon or a bracket after the stop is a sentence.
        ([SENTENCE, LONG + ":", SENTENCE], [SENTENCE, LONG + ":", SENTENCE]),
        (
            [SENTENCE, LONG + " (ảnh minh họa.)", SENTENCE],
            [SENTENCE, LONG + " (ảnh minh họa.)", SENTENCE],
        ),
        ([SENTENCE, f"“{LONG}”", SENTENCE], [SENTENCE, f"“{LONG}”", SENTENCE]),
    ],
)
def test_bare_caption(paragraphs: list[str], kept: list[str]) -> None:
    result = clean_article(article(*paragraphs), rules=rules("bare-caption"))
    assert list(result.article.paragraphs) == kept
    assert [r.text for r in result.removed] == [p for p in paragraphs if p not in kept]


def test_a_photo_story_keeps_its_bare_captions() -> None:
    captions = [f"{LONG} lần thứ {n}. Ảnh: Ngọc Dương" for n in range(4)]
    story = [SENTENCE, *captions[:2], LONG, *captions[2:]]
    result = clean_article(article(*story), rules=rules("bare-caption"))
    assert list(result.article.paragraphs) == story


GALLERY = [
    "Du Thiên lên tiếng sau khi phải cấp cứu gấp vì chấn thương ở phim trường",
    "Giọng ca 8x cho biết bị rơi khi quay MV và tiếp đất khá mạnh xuống sàn khiến bị lịm đi",
    "Hiện tại, Du Thiên vẫn còn những vết bầm tím trên cơ thể",
]
BODY = (
    "Vào chiều 2/6, Du Thiên đã chính thức lộ diện trên mạng xã hội và cho biết tình trạng "
    "hiện tại đã ổn định sau nhiều ngày điều trị tại bệnh viện."
)


@pytest.mark.parametrize(
    ("paragraphs", "kept"),
    [
        # A run of captions between sentences (a gallery) goes, each of 10 words or more.
        ([BODY, *GALLERY, BODY, BODY], [BODY, BODY, BODY]),
        # Not after a colon (a list), nor with a line ending in a comma, nor a short line.
        (
            [BODY, "Các bước như sau:", *GALLERY, BODY],
            [BODY, "Các bước như sau:", *GALLERY, BODY],
        ),
        (
            [BODY, GALLERY[0] + ",", *GALLERY[1:], BODY],
            [BODY, GALLERY[0] + ",", *GALLERY[1:], BODY],
        ),
        ([BODY, *GALLERY, "Lịch sử đối đầu", BODY], [BODY, *GALLERY, "Lịch sử đối đầu", BODY]),
        # Subheadings over a paragraph that lost its stop (36 words): not a gallery.
        (
            [
                BODY,
                "Link xem trực tiếp Chung kết DIFF 2024 trên kênh VTV1 hôm nay 13/7",
                "Thông tin về Lễ hội pháo hoa quốc tế Đà Nẵng 2024",
                "Sau những đêm trình diễn vòng loại của Lễ hội pháo hoa quốc tế Đà Nẵng (DIFF) "
                "2024 vừa qua, đêm chung kết và bế mạc DIFF 2024 sẽ diễn ra vào 20h10 hôm nay "
                "13/7/2024 với màn tranh tài của hai đội",
                BODY,
            ],
            None,
        ),
        ([BODY, "Tra cứu tại đây:", GALLERY[1], BODY, BODY], None),
        # Table rows: mostly capitalised words and numbers.
        (
            [
                BODY,
                "Ngày Trận đấu Thống kê ĐT Bolivia Tỉ số Giải đấu 19/2/1973 Panama vs Bolivia Thua",
                "6/6/2016 Panama vs Bolivia Thua 2-1 Copa America 27/8/2023 Bolivia vs Panama Thua",
                BODY,
            ],
            [
                BODY,
                "Ngày Trận đấu Thống kê ĐT Bolivia Tỉ số Giải đấu 19/2/1973 Panama vs Bolivia Thua",
                "6/6/2016 Panama vs Bolivia Thua 2-1 Copa America 27/8/2023 Bolivia vs Panama Thua",
                BODY,
            ],
        ),
        # Captions that would be half the text are the text (a gallery without credits).
        ([BODY, *GALLERY, "Hết."], [BODY, *GALLERY, "Hết."]),
    ],
)
def test_bare_caption_runs(paragraphs: list[str], kept: list[str] | None) -> None:
    result = clean_article(article(*paragraphs), rules=rules("bare-caption"))
    assert list(result.article.paragraphs) == (paragraphs if kept is None else kept)
