"""assistant.training.tables: encodings, delimiters, XLSX, broken rows and clear errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.training.tables import (
    DataError,
    Row,
    SkipLog,
    detect_encoding,
    no_usable_rows,
    read_table,
    sha256_file,
)

ROWS = [("12시 땡!", "하루가 또 가네요.", "0"), ("1지망 학교 떨어졌어", "위로해 드립니다.", "0")]


def write_csv(path: Path, encoding: str, delimiter: str = ",") -> Path:
    lines = [delimiter.join(("Q", "A", "label"))] + [delimiter.join(r) for r in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "data.csv", encoding)
    rows = list(read_table(path))
    assert [(r.get("Q"), r.get("A"), r.get("label")) for r in rows] == ROWS
    assert [r.number for r in rows] == [2, 3]
    # The BOM never leaks into the first header name.
    assert list(rows[0].values) == ["Q", "A", "label"]
    assert detect_encoding(path.read_bytes()) == encoding


def test_excel_unicode_text_and_mislabelled_suffix(tmp_path: Path) -> None:
    utf16 = write_csv(tmp_path / "export.txt", "utf-16", "\t")
    assert [r.get("A") for r in read_table(utf16)] == [r[1] for r in ROWS]
    tabbed = write_csv(tmp_path / "really_tabs.csv", "utf-8", "\t")
    assert [r.get("Q") for r in read_table(tabbed)] == [r[0] for r in ROWS]


def test_tsv_and_headerless(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "data.tsv", "utf-8", "\t")
    rows = list(read_table(path))
    assert rows[1].values == {"Q": ROWS[1][0], "A": ROWS[1][1], "label": "0"}
    raw = list(read_table(path, header=False))
    assert raw[0].values == ["Q", "A", "label"] and raw[0].number == 1
    assert raw[2].get(1) == ROWS[1][1]
    # Unknown suffix: the delimiter is guessed from the first line.
    other = tmp_path / "data.txt"
    other.write_bytes(path.read_bytes())
    assert [r.get("A") for r in read_table(other)] == [r[1] for r in ROWS]


def test_empty_cells_broken_rows_and_multiline(tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text(
        "Q,A,label\n"
        "안녕,반가워요,0\n"
        ",빈 질문,0\n"
        "\n"
        "열이,너무,많아,요\n"
        "모자람\n"
        '"여러\n줄",답,1\n'
        '끝,"2   ",2\n',
        encoding="utf-8",
    )
    log = SkipLog()
    rows = list(read_table(path, skip_log=log))
    assert [r.number for r in rows] == [2, 3, 7, 9]
    assert rows[1].get("Q") == "" and rows[1].values["A"] == "빈 질문"
    assert rows[2].values["Q"] == "여러\n줄"
    assert rows[3].values["A"] == "2   " and rows[3].get("A") == "2"
    assert [(Path(e.file).name, e.number) for e in log.entries] == [
        ("messy.csv", 5),
        ("messy.csv", 6),
    ]
    summary = log.summary()
    assert "건너뛴 행 2개" in summary and "messy.csv 5행" in summary
    assert log.as_json()["count"] == 2
    log.skip(rows[1], "빈 칸")
    assert log.by_reason()["빈 칸"] == 1 and len(log) == 3


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["사람문장1", "시스템문장1", "감정_대분류"])
    sheet.append(["오늘 너무 힘들었어", "많이 지치셨겠어요.", "슬픔"])
    sheet.append([None, None, None])
    sheet.append(["시험 붙었어!", None, "기쁨"])
    sheet.append([3, 2.0, "숫자"])
    path = tmp_path / "aihub.xlsx"
    book.save(path)
    rows = list(read_table(path))
    assert [r.number for r in rows] == [2, 4, 5]
    assert rows[0].get("감정_대분류") == "슬픔"
    assert rows[1].get("시스템문장1") == ""
    assert rows[2].values["사람문장1"] == "3" and rows[2].values["시스템문장1"] == "2"
    with pytest.raises(DataError, match="시트"):
        list(read_table(path, sheet="없는시트"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin.csv", b"Q,A\n\xff\xfe\xfa\xfb,\x80\x81\xff\n", "인코딩"),
        ("empty.csv", b"", "비어"),
        ("blank.csv", b"\n\n  \n", "비어"),
        ("fake.xlsx", b"not a zip file", "XLSX"),
        ("binary.csv", b"Q,A\n\x00\x01,\x00\n", "NUL"),
    ],
)
def test_unreadable_files_raise_clear_data_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        list(read_table(path))
    assert name in str(info.value)


def test_missing_file_and_no_usable_rows(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="찾을 수 없어요"):
        list(read_table(tmp_path / "nope.csv"))
    log = SkipLog()
    log.add(tmp_path / "x.csv", 4, "빈 칸")
    err = no_usable_rows(tmp_path / "x.csv", log)
    assert "쓸 수 있는 행이 없어요" in str(err) and "4행" in str(err)


def test_sha256_and_row_where(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", "utf-8")
    assert sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert Row(path, 7, {}).where == "d.csv 7행"


def test_real_chatbotdata_if_present() -> None:
    from conftest import SHARED_DATA

    path = SHARED_DATA / "chatbotdata" / "ChatbotData.csv"
    if not path.exists():
        pytest.skip("shared ChatbotData not available")
    log = SkipLog()
    rows = list(read_table(path, skip_log=log))
    assert len(rows) > 11000 and set(rows[0].values) == {"Q", "A", "label"}
    assert {r.get("label") for r in rows} <= {"0", "1", "2"}
