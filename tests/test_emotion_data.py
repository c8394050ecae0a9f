"""Emotion data readers: every format, encodings, bad rows, and the label-mapping rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.training.tables import DataError, SkipLog
from assistant_plugins.emotion import labels as lab
from assistant_plugins.emotion.data import (
    Example,
    detect_format,
    label_set,
    marked_copies,
    read_examples,
)
from conftest import SHARED_DATA, needs_shared_data
from emotion_helpers import kote_line, kote_names

PLUGIN = Path(lab.__file__).resolve().parent


@needs_shared_data
def test_kote_mapping_covers_every_label_of_the_shared_labels_file():
    shared = (SHARED_DATA / "kote" / "labels.txt").read_text(encoding="utf-8").split()
    table = lab.kote_table()
    assert len(table) == 44
    assert shared == kote_names()  # same names, same order as KOTE publishes them
    assert {entry.target for entry in table.values()} == set(lab.LABELS)
    assert all(entry.weight > 0 for entry in table.values())


def test_kote_vote_rule():
    assert lab.kote_class(["없음"]) == "일상"
    assert lab.kote_class(["없음", "깨달음", "놀람"]) == "일상"
    assert lab.kote_class(["슬픔", "없음"]) == "슬픔"  # 2 > 1.5
    assert lab.kote_class(["슬픔", "화남/분노"]) is None  # 2 = 2: ambiguous, skipped
    # weighted votes: three weak anger labels (1.5) lose to one strong fear label (2)
    assert lab.kote_class(["한심함", "어이없음", "우쭐댐/무시함", "공포/무서움"]) == "불안"
    assert lab.kote_class(["절망", "힘듦/지침", "즐거움/신남"]) == "우울"
    assert lab.kote_class(["모르는라벨"]) is None


def test_kote_reader_finds_labels_txt_and_skips_bad_rows(tmp_path: Path):
    folder = tmp_path / "kote"
    folder.mkdir()
    (folder / "labels.txt").write_text("\n".join(kote_names()) + "\n", encoding="utf-8")
    data = folder / "val.tsv"
    data.write_text(
        kote_line(1, "진짜 너무 행복하다", ["행복", "기쁨"])
        + kote_line(2, "무서워서 잠이 안 와", ["공포/무서움", "불안/걱정"])
        + "3\t라벨 번호가 이상함\t1,x\n"
        + "4\t범위를 벗어난 라벨\t0,99\n"
        + "5\t\t24\n"
        + "6\t열이 부족함\n"
        + kote_line(7, "애매한 문장", ["슬픔", "화남/분노"])
        + '8\t"따옴표 ""안""의 글"\t24\n',
        encoding="utf-8",
    )
    assert detect_format(data) == "kote"
    skips = SkipLog()
    examples = read_examples(data, skip_log=skips)
    assert [(e.text, e.label, e.row) for e in examples] == [
        ("진짜 너무 행복하다", "기쁨", 1),
        ("무서워서 잠이 안 와", "불안", 2),
        ('따옴표 "안"의 글', "일상", 8),
    ]
    assert skips.count == 5
    assert [e.number for e in skips.entries] == [3, 4, 5, 6, 7]
    assert all(Path(e.file) == data for e in skips.entries)
    assert "val.tsv 3행" in skips.summary()


def test_kote_labels_option_reorders_names(tmp_path: Path):
    data = tmp_path / "custom.tsv"
    data.write_text("1\t오늘 정말 신난다\t0\n2\t짜증 나\t1\n", encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("즐거움/신남\n짜증\n", encoding="utf-8")
    examples = read_examples(data, "kote", labels_file=names)
    assert [e.label for e in examples] == ["기쁨", "분노"]
    with pytest.raises(DataError, match="라벨 이름 파일"):
        read_examples(data, "kote", labels_file=tmp_path / "missing.txt")


def test_chatbotdata_reader(tmp_path: Path):
    data = tmp_path / "chat.csv"
    data.write_text(
        "Q,A,label\n12시 땡!,하루가 또 가네요.,0\n헤어졌어,힘내요.,1\n좋아하는 사람 생겼어,축하해요.,2\n"
        "이상한 라벨,음,7\n,빈 질문,0\n",
        encoding="utf-8",
    )
    assert detect_format(data) == "chatbotdata"
    skips = SkipLog()
    examples = read_examples(data, skip_log=skips)
    assert [(e.text, e.label) for e in examples] == [
        ("12시 땡!", "일상"),
        ("헤어졌어", "슬픔"),
        ("좋아하는 사람 생겼어", "기쁨"),
    ]
    assert [(e.number, e.reason) for e in skips.entries] == [
        (5, "알 수 없는 라벨 '7'"),
        (6, "문장이 비어 있음"),
    ]


AIHUB_HEADER = ["번호", "연령", "성별", "감정_대분류", "감정_소분류", "사람문장1", "시스템문장1"]
AIHUB_ROWS = [
    ["1", "청년", "여성", "불안", "초조한", "내일 발표인데 너무 떨려요", "걱정되시죠"],
    ["2", "노년", "남성", "상처", "배신당한", "친구가 나를 속였어", "속상하시겠어요"],
    ["3", "청년", "남성", "슬픔", "우울한", "요즘 아무 의욕이 없어", "힘드시죠"],
    ["4", "중년", "여성", "기쁨 ", "신이 난", "딸이 대학에 붙었어요", "축하해요"],
    ["5", "중년", "여성", "미확인", "", "알 수 없는 감정", "?"],
]


def _expected_aihub():
    return [
        ("내일 발표인데 너무 떨려요", "불안"),
        ("친구가 나를 속였어", "슬픔"),
        ("요즘 아무 의욕이 없어", "우울"),  # 감정_소분류 우울한 overrides 슬픔
        ("딸이 대학에 붙었어요", "기쁨"),
    ]


def test_aihub_csv_in_cp949(tmp_path: Path):
    data = tmp_path / "감성대화.csv"
    with data.open("w", encoding="cp949", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(AIHUB_HEADER)
        writer.writerows(AIHUB_ROWS)
    with pytest.raises(UnicodeDecodeError):
        data.read_bytes().decode("utf-8")
    assert detect_format(data) == "aihub"
    skips = SkipLog()
    examples = read_examples(data, skip_log=skips)
    assert [(e.text, e.label) for e in examples] == _expected_aihub()
    assert [e.number for e in skips.entries] == [6]


def test_aihub_xlsx(tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(AIHUB_HEADER)
    for row in AIHUB_ROWS:
        sheet.append(row)
    data = tmp_path / "감성대화.xlsx"
    book.save(data)
    assert detect_format(data) == "aihub"
    examples = read_examples(data, "aihub")
    assert [(e.text, e.label) for e in examples] == _expected_aihub()
    assert examples[0].row == 2


def test_plain_tsv_and_label_set(tmp_path: Path):
    data = tmp_path / "mine.tsv"
    data.write_text(
        "text\tlabel\n오늘 좋다\t기쁨\n속상해\t슬픔\n라벨 없음\t\n", encoding="utf-8-sig"
    )
    assert detect_format(data) == "tsv"
    skips = SkipLog()
    examples = read_examples(data, skip_log=skips)
    assert [(e.text, e.label) for e in examples] == [("오늘 좋다", "기쁨"), ("속상해", "슬픔")]
    assert skips.count == 1
    assert label_set(examples) == list(lab.LABELS)
    custom = [*examples, type(examples[0])("놀랐어", "놀람")]
    assert label_set(custom) == ["기쁨", "슬픔", "놀람"]


def test_unknown_format_and_unreadable_files(tmp_path: Path):
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="--format"):
        read_examples(odd)
    with pytest.raises(DataError, match="찾을 수 없어요"):
        read_examples(tmp_path / "none.tsv", "tsv")
    empty = tmp_path / "empty.tsv"
    empty.write_text("text\tlabel\n\t기쁨\n", encoding="utf-8")
    with pytest.raises(DataError, match="쓸 수 있는 행이 없어요"):
        read_examples(empty)


@needs_shared_data
def test_shared_files_are_read_with_documented_mappings():
    kote = read_examples(SHARED_DATA / "kote" / "val.tsv")
    chat = read_examples(SHARED_DATA / "chatbotdata" / "ChatbotData.csv")
    assert len(kote) > 4000 and {e.label for e in kote} == set(lab.LABELS)
    assert {e.label for e in chat} == {"일상", "슬픔", "기쁨"}


def test_conversation_sets_are_disjoint_and_cover_every_class():
    train = read_examples(PLUGIN / "conversations_train.tsv")
    held = read_examples(PLUGIN / "conversations_heldout.tsv")
    assert not {e.text for e in train} & {e.text for e in held}
    for name in lab.LABELS:
        assert sum(e.label == name for e in held) >= 15
        assert sum(e.label == name for e in train) >= 20


def test_marked_copies_keep_the_feeling_and_skip_marked_rows():
    rows = [
        Example("최종면접까지 갔는데 떨어졌다", "슬픔"),
        Example("생일날 야근 시켜주시네요", "분노"),
        Example("아내가 임신했대요 저 아빠 돼요", "기쁨"),
        Example("오늘 장 봤어ㅋㅋ", "일상"),  # already marked: never copied
    ] * 50
    copies = marked_copies(rows, 0.5, seed=7)
    assert copies == marked_copies(rows, 0.5, seed=7)  # fixed by the seed
    assert 40 < len(copies) < 110  # about half of the 150 unmarked rows
    for copy in copies:
        assert copy.label != "일상"
        original = next(r for r in rows if copy.text.startswith(r.text) and r.label == copy.label)
        ending = copy.text[len(original.text) :]
        if copy.label == "기쁨":
            assert ending in ("ㅠㅠ", "ㅜㅜ", "ㅠ")  # tears of joy stay joy
        else:
            assert ending.strip("ㅋㅎ^") == ""  # bad news told laughing stays bad news
    assert marked_copies(rows, 0.0, seed=7) == []
