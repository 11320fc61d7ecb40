"""Issue 5, done when: every corpus article's script speaks its title, its body in order, no chrome.

Each file's expectation is written here by hand from reading the article: its title, a phrase
from its first, middle and last paragraphs, and the chrome that must not be heard. Expected
phrases are written as the article writes them and passed through the same ``Normalizer`` the
script uses, so "28/12" is looked for as it will be spoken. The script comes from the real
command, ``audio-news script FILE --engine gtts`` (no network is needed to make a script).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audio_news.text.normalize import Normalizer, builtin_abbreviations
from support.article_server import running
from support.helpers import DATA, run_cli

ARTICLE_SUFFIXES = (".txt", ".md", ".html")
NORMALIZE = Normalizer().normalize


@dataclass(frozen=True)
class Spoken:
    """What the script of one corpus file must hold, in the article's own writing."""

    title: str
    """The cleaned title (or, for a title the source cut off, its whole words)."""
    body: tuple[str, ...]
    """Phrases from the body, first paragraph to last, that must be spoken in this order."""
    chrome: tuple[str, ...] = ()
    """Text that must not be spoken: captions, credits, bylines, ads, links, leftovers."""
    once: tuple[str, ...] = field(default=())
    """Phrases the source repeats (teasers, alt text) that must be spoken exactly once."""


CHROME_EVERYWHERE = (
    "Ảnh:",
    "(Ảnh",
    "Video:",
    "Quảng cáo",
    "Đọc tiếp",
    "Xem thêm",
    "Đọc thêm",
    "Tin liên quan",
    "Bình luận",
    "Đăng nhập",
    "http",
    "www.",
    "](",
    "![",
    "**",
    "##",
    "Playback",
    "1x Normal",
    "Skip",
    "Ads by",
    "(Dân trí)",
    "0:00",
    "/.",
)

CORPUS: dict[str, Spoken] = {
    "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt": Spoken(
        title="Hội nghị toàn quốc tổng kết công tác tổ chức xây dựng Đảng năm 2023",
        body=(
            "Sáng 28/12, tại Hà Nội, Ban Tổ chức Trung ương tổ chức Hội nghị toàn quốc",
            "Tham dự tại điểm cầu tỉnh Bắc Kạn có các đồng chí lãnh đạo Ban Tổ chức Tỉnh ủy",
            "Năm 2023 là năm thứ ba triển khai thực hiện Nghị quyết Đại hội XIII của Đảng",
            "Công tác quy hoạch Ban Chấp hành Trung ương khóa XIV",
            "Công tác cán bộ tiếp tục đảm bảo nguyên tắc tập trung dân chủ",
            "Về nhiệm vụ trọng tâm năm 2024",
            "Các đại biểu đã dành thời gian thảo luận",
            "Phát biểu chỉ đạo Hội nghị, đồng chí Trương Thị Mai",
            "Để triển khai thực hiện có hiệu quả nhiệm vụ trong thời gian tới",
            "chỉ đạo triển khai thực hiện tốt các nhiệm vụ.",
        ),
        chrome=(
            "0:00 / 0:00",
            "BBK",
            "Các đại biểu dự Hội nghị tại điểm cầu",
            "Quang cảnh Hội nghị",
            "nhiệm vụ...",
        ),
    ),
    "player_tuoitre_2024-05-17_truong-thi-mai.txt": Spoken(
        title="Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
        body=(
            "Theo thông cáo của Văn phòng Trung ương Đảng, tại Hội nghị Trung ương Đảng lần thứ 9",
            "Theo Ban Chấp hành Trung ương, bà Trương Thị Mai là cán bộ lãnh đạo cấp cao",
            "Nhận thức rõ trách nhiệm trước Đảng và Nhân dân",
            "Chiều 16-5, Tổng thư ký Quốc hội Bùi Văn Cường",
            "xét đơn xin thôi làm nhiệm vụ đại biểu Quốc hội ngày 13-5",
            "Bà Trương Thị Mai, sinh năm 1958, quê huyện Quảng Ninh, Quảng Bình.",
            "bà Mai là Ủy viên Bộ Chính trị khóa XII, XIII",
            "Từ tháng 3-2023, bà được phân công giữ chức Thường trực Ban Bí thư",
        ),
        chrome=("0:00 / 3:42", "TTO", "NAM TRẦN", "Bà Trương Thị Mai -"),
        once=("Bà Trương Thị Mai, sinh năm 1958",),
    ),
    "text_tuoitre_2024-05-17_truong-thi-mai.md": Spoken(
        title="Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
        body=(
            "Theo thông cáo của Văn phòng Trung ương Đảng, tại Hội nghị Trung ương Đảng lần thứ 9",
            "Trong suốt quá trình công tác và trên các cương vị lãnh đạo",
            "Căn cứ quy định hiện hành của Đảng, Nhà nước",
            "Cụ thể, chiều cùng ngày, Ủy ban Thường vụ Quốc hội đã họp",
            "Từ tháng 4-2021, bà được phân công giữ chức Trưởng Ban Tổ chức Trung ương.",
            "Từ tháng 3-2023, bà được phân công giữ chức Thường trực Ban Bí thư",
        ),
        chrome=("NAM TRẦN", "🔥", "Trương Thị Mai]", "tuoitre.vn", "Ủy viên Ban Chấp ..."),
        once=(
            "Trước khi được Trung ương đồng ý cho thôi các chức vụ",
            "Trung ương Đảng đồng ý cho bà Trương Thị Mai thôi giữ các chức vụ",
        ),
    ),
    "text_binhvq-corpus_article1_chay-i-nop-phat-nguoi.txt": Spoken(
        title="Chây ì nộp phạt nguội.",
        body=(
            "Hàng chục ngàn phương tiện bị ghi hình vi phạm luật giao thông",
            "Đây là các phương tiện vi phạm được camera (di động hoặc cố định)",
            "Phổ biến nhất là lỗi đỗ không đúng nơi quy định.",
            "Cần có biện pháp mạnh",
            "Tuy nhiên, việc cưỡng chế người vi phạm nộp phạt vẫn chưa hiệu quả",
            "Công an phường không có thời gian xác minh tiếp.",
            "được đưa lên Cổng thông tin điện tử của",
            "Về tình trạng này",
            "Họ sử dụng công nghệ hiện đại từ lâu để giảm lực lượng xử phạt tại chỗ.",
            "Phạt nặng người bán xe, kể cả người mua xe không chịu sang tên.",
            "nâng mức phạt không chịu sang tên",
        ),
        chrome=(
            "Nguyên Bảo",
            "Chặn xe vi phạm chưa nộp phạt nguội để xử lý",
            "bocongan",
            "phạt nguội .",
            "không được .",
        ),
    ),
    "text_binhvq-corpus_article2_chau-doi-tien-com.txt": Spoken(
        title="Cháu đòi tiền cơm, dì đòi tiền nhà.",
        body=(
            "năm ở nhờ và sản xuất kinh doanh tại nhà dì ruột",
            "vừa xử phúc thẩm, tuyên giữ nguyên bản án sơ thẩm",
            "Hai bên đã hoàn tất thủ tục đăng bộ sang tên.",
            "Bà S. có hứa khi nào chết sẽ để lại cho ông căn nhà này.",
            "bà S. đồng ý hỗ trợ ông T. 400 triệu đồng.",
            "Bà S. không đồng ý.",
            "Một thẩm phán khác cũng khuyên thêm",
            "Cuối cùng, ông T. vẫn không đổi ý.",
        ),
        chrome=("THANH VÂN",),
    ),
    "text_baodaknong_2024-07-02_panama-bolivia.md": Spoken(
        title="Lịch sử đối đầu Panama vs Bolivia: Bolivia 13 năm chưa thắng được Panama",
        body=(
            "hai đội tuyển Panama - Bolivia đã gặp nhau 8 lần",
            "Panama và Bolivia đã gặp nhau tất cả 8 lần",
            "Kể từ năm 2011 đến nay",
            "Dự đoán cho trận đấu sắp tới",
            "Trận đấu giữa Panama vs Bolivia diễn ra vào lúc 08h00 ngày 2/7/2024.",
            "Dự đoán của báo Đắk Nông: Panama 2 - 1 Bolivia",
        ),
        chrome=("Tử vi", "AD", "Copa America, ...", "Panama vs Bolivia]", "baodaknong"),
        once=(
            "Panama và Bolivia đã gặp nhau tất cả 8 lần",
            "Lịch sử đối đầu Panama vs Bolivia: Bolivia 13 năm chưa thắng được Panama",
        ),
    ),
    "text_laodong_2024-07-19_tong-bi-thu-cong-doan.md": Spoken(
        title="Tổng Bí thư Nguyễn Phú Trọng với công nhân, công đoàn Việt Nam",
        body=(
            "Tổng Bí thư Nguyễn Phú Trọng luôn dành một tình cảm đặc biệt qua nhiều hoạt động.",
            "Trong quá trình hoạt động, ở nhiều cương vị khác nhau",
            "Tại Lễ kỷ niệm 80 năm Ngày thành lập Công đoàn Việt Nam",
            "Tại Đại hội đại biểu toàn quốc lần thứ XI Công đoàn Việt Nam",
            "Tại Đại hội đại biểu toàn quốc lần thứ XII Công đoàn Việt Nam",
            "Trong bài phát biểu, Tổng Bí thư Nguyễn Phú Trọng khẳng định",
            "xây dựng đất nước Việt Nam ngày càng giàu mạnh, dân chủ, công bằng và văn minh",
        ),
        chrome=(
            "Vương Trần",
            "Hải Nguyễn",
            "GMT",
            "Sơn Tùng",
            "VOV",
            "Một số hình ảnh hoạt động",
            "tặng quà công nhân lao động tỉnh Hưng Yên",
            "Than Vàng Danh",
            "Chủ tịch Quốc hội ...",
        ),
        once=("Tại Lễ kỷ niệm 80 năm Ngày thành lập Công đoàn Việt Nam",),
    ),
    "text_rfi-vi_2024-05-20_dai-loan.md": Spoken(
        title="Tân tổng thống Đài Loan Lại Thanh Đức kêu gọi Trung Quốc",
        body=(
            "Trong lễ nhậm chức hôm nay, 20/05/2024, tân tổng thống Đài Loan Lại Thanh Đức",
            "Theo AFP, tham dự lễ nhậm chức của tân tổng thống Lại Thanh Đức",
            "Tại phủ tổng thống ở Đài Bắc",
            "Từ ít năm gần đây, căng thẳng gia tăng tại eo biển Đài Loan",
            "Nhà chính trị học, chuyên gia về Trung Quốc Stéphane Corcuff nhận định",
            "Về mặt đối nội, vị tổng thống đắc cử với 58% phiếu bầu",
            "các thách thức hàng đầu mà tổng thống Lại Thanh Đức phải đối mặt.",
        ),
        chrome=(
            "ĐÀI LOAN - TRUNG QUỐC",
            "Thư Tin",
            "Hãy nhận thư tin",
            "Đăng ký",
            "chính trị và ...",
            "rfi.fr",
        ),
        once=("Trong lễ nhậm chức hôm nay",),
    ),
    "text_thanhnien_2025-01-19_bo-tu-bao-thu-gallery.md": Spoken(
        title="Hari Won, Minh Hằng rạng rỡ đến mừng Trấn Thành ra mắt",
        body=(
            "Trấn Thành chính thức trình làng phim điện ảnh",
            "Dự án điện ảnh tết mang tên Bộ tứ báo thủ",
            "Tiếp đó, các ca sĩ của Anh trai say hi",
            "Hari Won diện set đen sang trọng",
            "Trấn Thành thân thiết ôm cứng ca sĩ Quang Linh",
            "Rapper Binz cùng bạn gái Châu Bùi",
            "Thúy Ngân và Võ Cảnh xuất hiện cùng nhau",
            "Thu Trang diện áo dài đỏ nổi bật",
        ),
        chrome=("ĐPCC", "Bộ tứ báo thủ]", "thanhnien.vn"),
    ),
    "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md": Spoken(
        title="Mưa xối xả trong đêm, nhiều tuyến phố ở Đà Nẵng chìm trong nước",
        body=(
            "Cơn mưa lớn kéo dài từ khoảng 3h sáng 5/11",
            "Mưa lớn từ nửa đêm đến sáng nay",
            "Lúc 5h sáng nay, tại các tuyến đường Lý Tự Trọng",
            "Cơ quan khí tượng dự báo trong khoảng 6h - 9h",
            "Mưa cường độ lớn tập trung trong thời gian ngắn",
            "mưa lớn khiến đường lên bán đảo Sơn Trà xảy ra sạt lở",
            "Thời gian tạm dừng lưu thông từ 8h sáng nay cho đến khi có thông báo mới.",
        ),
        chrome=(
            "XEM CLIP",
            "Nguyễn Hiền",
            "Hồ Giáp",
            "Diệu Thùy",
            "CTV",
            "Một số hình ảnh PV",
            "Khu vực đường Bắc Sơn",
            "Phường Nam Dương cảnh báo nguy hiểm",
        ),
    ),
    "text_vnexpress_2024-07-27_trinh-van-quyet.md": Spoken(
        title="Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",
        body=(
            "Cựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu",
            "Chiều 26/7, tại TAND Hà Nội, VKS công bố bản luận tội",
            "Hai em gái của ông Quyết bị truy tố cả hai tội danh trên",
            "Ở tội Công bố thông tin sai lệch",
            "Với bốn cựu cán bộ của sàn HoSE",
            "VKS kiến nghị HĐXX cấm hành nghề 3-5 năm",
            "Khai báo sau cùng và nhanh nhất",
            "Phiên tòa đang tiếp tục với phần bào chữa của các luật sư.",
            "Sau 5 năm, ông Quyết bị cáo buộc, thu lợi hơn 700 tỷ đồng.",
        ),
        chrome=(
            "Hà NộiCựu",
            ">>",
            "Chi tiết mức án đề nghị với 50 bị cáo",
            "Ngọc Thành",
            "Danh Lam",
            "Thanh Lam",
            "Bị cáo Trịnh Thị Thúy Nga",
            "6 kiểm sát viên (bàn đầu)",
            "song khắc ...",
            "vnexpress",
        ),
        once=("bị xác định là chủ mưu với thủ đoạn mới",),
    ),
    # The same article as a Jina Reader page: menus, breadcrumbs, linked pictures, share links.
    "jina_vnexpress_2024-07-26_trinh-van-quyet.txt": Spoken(
        title="Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",
        body=(
            "Cựu chủ tịch FLC Trịnh Văn Quyết bị xác định là chủ mưu",
            "Chiều 26/7, tại TAND Hà Nội, VKS công bố bản luận tội",
            "Phiên tòa đang tiếp tục với phần bào chữa của các luật sư.",
            "Sau 5 năm, ông Quyết bị cáo buộc, thu lợi hơn 700 tỷ đồng.",
        ),
        chrome=(
            "VnExpress",
            "Mới nhất",
            "Thời sự",
            "Góc nhìn",
            "Hồ sơ phá án",
            "Thứ sáu",
            "GMT",
            "Image",
            "Ngọc Thành",
            "Chi tiết mức án đề nghị với 50 bị cáo",
            "Thanh Lam",
            "Chia sẻ",
            "Sao chép liên kết",
            "javascript",
            "Tập đoàn FLC ·",
            "nói về Bamboo Airways",
            "Điều khoản sử dụng",
            "Liên hệ quảng cáo",
            "===",
            "_",
        ),
        once=("Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù",),
    ),
    "dantri_2022-12-24_thanh-tra-xang-dau.html": Spoken(
        title="Thanh tra xăng dầu: Vạch ra một loạt sai phạm, có cả lỗi của nhà quản lý",
        body=(
            "Kết luận của Thanh tra Bộ Công Thương chỉ ra loạt tồn tại",
            "Thanh tra Bộ Công Thương vừa công bố kết luận thanh tra",
            "Cụ thể, một số thương nhân đầu mối báo cáo về kho chứa xăng dầu",
            "không hoạt động nhập khẩu trong quý I và quý II/2021.",
            "Theo kết luận của Thanh tra Bộ Công Thương, phần lớn thương nhân đầu mối",
            "Thanh tra Bộ Công Thương nhấn mạnh",
            "theo kết luận thanh tra.",
        ),
        chrome=(
            "Dân trí",
            "Mạnh Quân",
            "Loạt vi phạm trong chấp hành quy định",
            "Căng thẳng Nga - Ukraine",
            "Đăng Nhập",
            "Amaccao",
        ),
    ),
    "dantri_2022-12-24_dai-thang-5-0-malaysia-lao.html": Spoken(
        title="Đại thắng 5-0 trước Lào, Malaysia gửi lời thách thức tới Việt Nam",
        body=(
            "Dù thi đấu đầy nỗ lực nhưng Lào vẫn không thoát khỏi một trận thua đậm",
            "Đội tuyển Malaysia nhập cuộc có chút thận trọng trước Lào",
            "Aguero đệm bóng cận thành",
            "Chỉ trong ba phút, từ phút 65 tới 68, Halim lập cú đúp",
            "Phát biểu trước trận đấu, HLV trưởng Kim Pan Gon",
            "Chia sẻ sau trận thắng Myanmar",
            "Những vấn đề mà HLV người Hàn Quốc muốn đề cập",
            "Tôi nghĩ các cầu thủ có quyền ngẩng cao đầu",
        ),
        chrome=(
            "Dân trí",
            "HLV Malaysia tuyên bố thắng đậm Lào",
            "HLV Malaysia chưa hài lòng",
            "HLV Lào:",
            "Cầu thủ Malaysia ăn mừng bàn mở tỉ số",
            "HLV Kim Pan Gon tự tin trước trận gặp Lào",
            "FAM",
            "Khoa Nguyễn",
        ),
        once=("Đại thắng 5-0 trước Lào, Malaysia gửi lời thách thức tới Việt Nam",),
    ),
    "dantri_2022-12-24_photostory-giang-sinh.html": Spoken(
        title="Không khí người dân đón Giáng sinh vui tươi, ấm áp trên khắp cả nước",
        body=(
            "Nhà thờ trên khắp cả nước rực rỡ ánh đèn",
            "19h tối nay, khu vực đường Tôn Đức Thắng",
            "Tối 24/12, hàng nghìn người dân đổ về khu vực Nhà thờ Đức Bà",
            "Nhiều em nhỏ được cha mẹ chuẩn bị trang phục ông già Noel",
            "Người dân TPHCM phấn khích xem hàng trăm flycam xếp hình ánh sáng",
            "Tại Hà Nội, nhiều tuyến đường dẫn vào khu vực trung tâm cũng kẹt cứng.",
            "trong đêm nhạc nguyện hoan ca mừng Chúa giáng sinh.",
        ),
        chrome=("Hải Long", "Cao Bách", "Trần Đạt", "Hữu Nghị", "Dương Nguyên", "Video"),
        once=("Người dân TPHCM phấn khích xem hàng trăm flycam",),
    ),
    "dantri_2025-05-06_mo-to-nuoc-cua-lo_rendered-dom.html": Spoken(
        title='Du khách bất an khi mô tô nước "quần thảo" khu vực bãi tắm biển Cửa Lò',
        body=(
            "Đại diện UBND thành phố Vinh (Nghệ An) khẳng định",
            "Những ngày qua, một số trang mạng xã hội đăng tải clip",
            "Thời điểm này, khu vực bãi tắm có rất đông người dân",
            "Ông Nguyễn Quang Vinh, Trưởng phòng Văn hóa",
            "Cụ thể, các doanh nghiệp phải bố trí cổng ra vào",
            "Tuy nhiên, việc xử lý cũng gặp nhiều vướng mắc",
        ),
        chrome=(
            "Dân trí",
            "Tú Hưng",
            "Ảnh chụp màn hình",
            "khoanh đỏ",
            "Thứ ba, 06/05/2025",
            "Người dân tố dịch vụ miễn phí",
            "Tin mới nhất",
            "Tổng biên tập",
            "Bản quyền",
            "Document",
            "Liên hệ",
        ),
    ),
    "dantri_2022-12-23_emagazine-the-tran-ukraine.html": Spoken(
        title="THẾ TRẬN GIẰNG CO TRÊN CHIẾN TRƯỜNG UKRAINE SAU 10 THÁNG GIAO TRANH KHỐC LIỆT",
        body=(
            "Khi cuộc xung đột sắp bước sang năm thứ hai",
            "Ukraine đã giành lại hàng trăm km2",
            "Bài học sau các cuộc giao tranh",
            "Tướng Surovikin, người đã lãnh đạo các lực lượng Nga kể từ tháng 10",
            "Chiến dịch phản công của Ukraine",
            "Mục tiêu tấn công của Nga",
            "gợi nhắc đến Chiến tranh thế giới thứ nhất.",
            "cung cấp thêm vũ khí phòng không cho Ukraine để đối phó",
        ),
        chrome=(
            "Reuters",
            "BBC",
            "Binh sĩ Ukraine phóng rocket",
            "Thế trận xung đột Nga - Ukraine tính đến ngày",
            "Lính Ukraine khai hỏa",
            "Căng thẳng Nga - Ukraine",
            "Đăng Nhập",
        ),
    ),
}


def _spoken(text: str) -> str:
    return " ".join(NORMALIZE(text).split())


def _script(name: str, tmp_path: Path) -> list[str]:
    result = run_cli("script", str(DATA / name), "--engine", "gtts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def _absent(needle: str, said: str) -> bool:
    spoken = _spoken(needle)
    return needle not in said and (not spoken or spoken not in said)


def _sentences(lines: list[str]) -> list[str]:
    """Chunk lines joined back into sentences: a sentence ends where a line ends one."""
    sentences: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if line.rstrip('"”’)').endswith((".", "!", "?", "…")):
            sentences.append(" ".join(current))
            current = []
    return sentences + ([" ".join(current)] if current else [])


def test_every_corpus_article_has_an_expectation() -> None:
    files = {p.name for p in DATA.iterdir() if p.suffix in ARTICLE_SUFFIXES}
    assert files == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_script_speaks_title_body_in_order_and_no_chrome(name: str, tmp_path: Path) -> None:
    expect = CORPUS[name]
    lines = _script(name, tmp_path)
    said = " ".join(" ".join(lines).split())

    title = _spoken(expect.title)
    assert said.startswith(title), f"title not first: {said[:200]!r}"

    position = len(title)
    for phrase in expect.body:
        found = said.find(_spoken(phrase), position)
        assert found >= 0, f"body phrase missing or out of order: {phrase!r}"
        position = found + 1

    for junk in (*CHROME_EVERYWHERE, *expect.chrome):
        assert _absent(junk, said), f"chrome spoken: {junk!r}"

    for phrase in expect.once:
        assert said.count(_spoken(phrase)) == 1, f"not spoken exactly once: {phrase!r}"

    assert all(a != b for a, b in itertools.pairwise(lines)), "a chunk is spoken twice in a row"
    sentences = _sentences(lines)
    repeated = {s for s in sentences if len(s) >= 40 and sentences.count(s) > 1}
    assert not repeated, f"a sentence is spoken twice: {repeated}"
    assert all(any(c.isalnum() for c in line) for line in lines), "a chunk without words"
    assert_fully_read(said)


ISSUE_TRIGGERS = re.compile(
    r"(?i:\b(?:khóa|đại hội|lần thứ|thế kỷ|quý|điều|chương|phần|mục|kỳ họp|hội nghị))"
    r"\s+[IVXLC]+\b"
)


def _lexicon_abbreviations() -> set[str]:
    """The built-in lexicon's all-capital written forms (UBND, THPT, TP.HCM ...).

    Forms read only before a name or number (``P.`` for phường) are left out: elsewhere they
    are a person's initial ("bà P.", "Colin H. Kahl") and rightly stay as written.
    """
    written = {e.written for e in builtin_abbreviations().entries if not e.before_name}
    return {w for w in written if len(w) > 1 and w.upper() == w and any(c.isalpha() for c in w)}


ABBREVIATIONS = _lexicon_abbreviations()


def assert_fully_read(said: str) -> None:
    """Issue 4: no digit, no Roman numeral after a trigger word, no abbreviation left."""
    assert not re.search(r"\d", said), re.findall(r".{20}\d.{20}", said)[:3]
    assert not ISSUE_TRIGGERS.search(said), ISSUE_TRIGGERS.findall(said)
    left = {a for a in ABBREVIATIONS if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", said)}
    assert not left, f"abbreviations left unread: {sorted(left)}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt",
            [
                "[player] 0:00 / 0:00",
                "[player] 0:00",
                "[related-tail] Xem thêm",
                "[caption-repeat] Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
                "[caption-repeat] Các đại biểu dự Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
                "[caption-repeat] Quang cảnh Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
                "[caption-repeat] Quang cảnh Hội nghị tại điểm cầu tỉnh Bắc Kạn.",
                "[dateline] BBK -",
                "[closing-mark] .../.",
            ],
        ),
        (
            "text_rfi-vi_2024-05-20_dai-loan.md",
            [
                "[markdown-link-only] Tân tổng thống Đài Loan Lại Thanh Đức kêu gọi Trung Quốc "
                "''chấm ...",
                "[markdown-image] Tân tổng thống Đài Loan Lại Thanh Đức kêu gọi Trung Quốc "
                "''chấm ...",
                "[advert] Quảng cáo",
                "[read-more] Đọc tiếp",
                "[newsletter] Thư TinHãy nhận thư tin hàng ngày của RFI: Bản tin thời sự, "
                "phóng sự, phỏng vấn, phân tích, chân dung, tạp chí Đăng ký",
                "[teaser] Trong lễ nhậm chức hôm nay, 20/05/2024, tân tổng thống Đài Loan Lại "
                "Thanh Đức (Lai Ching-te) đã kêu gọi Trung Quốc chấm dứt ''các đe dọa về chính "
                "trị và ...",
                "[kicker] ĐÀI LOAN - TRUNG QUỐC",
            ],
        ),
        (
            "dantri_2022-12-24_thanh-tra-xang-dau.html",
            [
                "[html-nav] Xã hội Chính trị Môi trường Giao thông Thế giới Quân sự Hồ sơ - Phân "
                "tích Thế giới đó đây Căng thẳng Nga - Ukraine Kinh doanh Tài chính Doanh nghiệp "
                "Khởi nghiệp Tiêu dùng Bất động sản Dự án Thị…",
                "[html-breadcrumb] Kinh doanh Tiêu dùng",
                "[html-caption] Loạt vi phạm trong chấp hành quy định kinh doanh xăng dầu được nêu "
                "ra (Ảnh: Mạnh Quân).",
                "[dateline] (Dân trí) -",
            ],
        ),
    ],
)
def test_clean_show_removed_names_each_rule(name: str, expected: list[str], tmp_path: Path) -> None:
    result = run_cli("clean", str(DATA / name), "--show-removed", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected


@pytest.fixture(scope="module")
def data_server() -> Iterator[str]:
    """The test data folder served over real HTTP on 127.0.0.1."""
    handler = partial(_QuietFiles, directory=str(DATA))
    with running(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield url


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.usefixtures("allow_private_hosts")
def test_served_page_gives_the_same_script_as_the_file(data_server: str, tmp_path: Path) -> None:
    name = "dantri_2022-12-24_thanh-tra-xang-dau.html"
    from_file = run_cli("script", str(DATA / name), "--engine", "gtts", cwd=tmp_path)
    from_url = run_cli("script", f"{data_server}/{name}", "--engine", "gtts", cwd=tmp_path)
    assert from_url.returncode == 0, from_url.stderr
    assert from_file.returncode == 0, from_file.stderr
    assert from_url.stdout == from_file.stdout
    assert len(from_url.stdout.splitlines()) > 20


@pytest.mark.usefixtures("allow_private_hosts")
def test_missing_page_is_one_line_and_nonzero(data_server: str, tmp_path: Path) -> None:
    result = run_cli("script", f"{data_server}/no-such-page.html", "--engine", "gtts", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "404" in lines[0]
    assert "Traceback" not in result.stderr
