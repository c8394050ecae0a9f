"""Dialogue data readers, format auto-detection, bad rows, and training-sample building."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.training.errors import DataError
from assistant_plugins.smalltalk.data import detect_format, read_dialogues
from smalltalk_helpers import DIALOGS, PAIRS, write_aihub, write_chatbot_csv, write_jsonl


def test_chatbotdata_bad_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    rows = [list(p) + ["0"] for p in PAIRS]
    rows += [
        ["", "빈 질문", "0"],  # empty cell
        ["빈 답", "  ", "1"],  # whitespace-only cell
        ["안녕하세요", "안녕하세요. 반가워요.", "0"],  # duplicate pair
        ["긴 문장", "가" * 600, "0"],  # over-long turn
        ["라벨", "공백 라벨도 괜찮아요.", "2   "],  # whitespace-padded label: kept, stripped
        ["열", "너무", "많음", "x"],  # broken row (too many cells)
    ]
    path = write_chatbot_csv(tmp_path / "chat.csv", rows)
    data = read_dialogues([path])
    assert len(data.dialogues) == len(PAIRS) + 1
    assert data.dialogues[-1].emotion == "2"
    assert data.skipped.count == 5
    reasons = data.skipped.by_reason()
    assert reasons["빈 칸"] == 2 and reasons["중복된 대화"] == 1 and reasons["너무 긴 문장"] == 1
    rows_named = {e.number for e in data.skipped.entries}
    first_bad = len(PAIRS) + 2  # header is row 1
    assert rows_named == {first_bad, first_bad + 1, first_bad + 2, first_bad + 3, first_bad + 5}
    summary = data.skipped.summary()
    assert "chat.csv" in summary and "건너뛴 행 5개" in summary
    assert data.files[0]["format"] == "chatbotdata" and len(data.files[0]["sha256"]) == 64


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_chatbotdata_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_chatbot_csv(tmp_path / "chat.csv", [list(p) + ["0"] for p in PAIRS], encoding)
    assert detect_format(path) == "chatbotdata"
    data = read_dialogues([path])
    assert [d.turns for d in data.dialogues] == [list(p) for p in PAIRS]


@pytest.mark.parametrize(
    "name,encoding", [("ai.csv", "cp949"), ("ai.csv", "utf-8-sig"), ("ai.xlsx", None)]
)
def test_aihub_multi_turn(tmp_path: Path, name: str, encoding: str | None) -> None:
    dialogs = [*DIALOGS, ["", "답만 있음"]]
    path = write_aihub(tmp_path / name, dialogs, encoding or "utf-8")
    assert detect_format(path) == "aihub"
    data = read_dialogues([path], "auto")
    assert [d.turns for d in data.dialogues] == DIALOGS
    assert data.dialogues[0].emotion == "기쁨"
    assert data.skipped.count == 1 and data.skipped.entries[0].number == len(dialogs) + 1


def test_jsonl_dialog_and_messages(tmp_path: Path) -> None:
    objects = [
        {"dialog": DIALOGS[0]},
        {
            "messages": [
                {"role": "system", "content": "너는 친절한 비서야"},
                {"role": "user", "content": "배고파"},
                {"role": "assistant", "content": "뭐 드실래요?"},
                {"role": "user", "content": "라면"},
                {"role": "user", "content": "끓여줘"},
                {"role": "assistant", "content": "맛있게 드세요."},
            ],
            "emotion": "기쁨",
        },
        {"something": "else"},
    ]
    path = write_jsonl(tmp_path / "d.jsonl", objects, raw_lines=["{not json"])
    data = read_dialogues([path])
    assert data.dialogues[0].turns == DIALOGS[0]
    assert data.dialogues[1].turns == ["배고파", "뭐 드실래요?", "라면 끓여줘", "맛있게 드세요."]
    assert data.dialogues[1].emotion == "기쁨"
    assert sorted(e.number for e in data.skipped.entries) == [3, 4]


def test_unknown_format_and_unusable_files(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("이름,나이\n철수,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="형식을 알 수 없어요"):
        read_dialogues([other])
    empty_rows = write_chatbot_csv(tmp_path / "empty.csv", [["", "", ""], [" ", "답", "0"]])
    with pytest.raises(DataError, match="쓸 수 있는 행이 없어요"):
        read_dialogues([empty_rows])
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"Q,A\n\xff\xfe\xfa\xfb,\x80\x81\n")
    with pytest.raises(DataError, match="인코딩"):
        read_dialogues([binary])
    with pytest.raises(DataError, match="찾을 수 없어요"):
        read_dialogues([tmp_path / "missing.csv"])


def test_samples_label_only_the_system_turn(tmp_path: Path) -> None:
    from assistant_plugins.smalltalk.tokenizer import train_mini_tokenizer
    from assistant_plugins.smalltalk.turns import IGNORE, TurnEncoder, TurnFormat

    tokenizer = train_mini_tokenizer(
        [t for d in DIALOGS for t in d] * 3, vocab_size=300, min_frequency=1
    )
    encoder = TurnEncoder(tokenizer, TurnFormat())
    sample = encoder.sample(DIALOGS[0], max_length=128, context_turns=3)
    assert sample is not None
    labelled = [t for t, lab in zip(sample.input_ids, sample.labels, strict=True) if lab != IGNORE]
    assert labelled == encoder.text_ids(DIALOGS[0][-1]) + [encoder.eos_id]
    assert sample.input_ids.count(encoder.usr_id) == 3
    # the context is trimmed from the oldest pair to fit
    short = encoder.sample(DIALOGS[0], max_length=len(sample) - 1, context_turns=3)
    assert short is not None and short.input_ids.count(encoder.usr_id) == 2
    assert short.input_ids[-len(labelled) :] == labelled
    assert encoder.sample(DIALOGS[0], max_length=3) is None
    prompt = encoder.prompt([(DIALOGS[0][0], DIALOGS[0][1])], DIALOGS[0][2], 128)
    assert prompt[-1] == encoder.sys_id and prompt.count(encoder.usr_id) == 2


def test_emotion_conditioning_from_labelled_data(tmp_path: Path) -> None:
    """--emotion: the label follows the user turn in training samples and in prompts."""
    from assistant.training.options import TrainSettings
    from assistant_plugins.smalltalk.training import prepare
    from assistant_plugins.smalltalk.turns import TurnEncoder

    path = write_aihub(tmp_path / "ai.csv", DIALOGS * 4)  # label "기쁨" on every row
    settings = TrainSettings.from_config(
        "smalltalk", config={}, data=[path], output=tmp_path / "out", eval_split=0.0, max_length=64
    )
    prepared = prepare(
        settings, data_format="auto", context_turns=1, with_emotion=True,
        training_config={"mini": {"n_layer": 1, "n_embd": 32, "n_head": 2}}, vocab_size=300,
    )  # fmt: skip
    fmt = prepared.fmt
    assert fmt.emotion == "<unused1>" and fmt.emotion_labels == ["기쁨"] and fmt.context_turns == 1
    encoder = TurnEncoder(prepared.tokenizer, fmt)
    assert all(encoder.emotion_id in s.input_ids for s in prepared.train)
    assert encoder.emotion_id in encoder.prompt([], "안녕", 64, emotion="기쁨")
    assert encoder.emotion_id not in encoder.prompt([], "안녕", 64, emotion="분노")  # unknown label
    # four copies of each dialogue: the duplicates are skipped and counted
    assert prepared.data.skipped.by_reason() == {"중복된 대화": 3 * len(DIALOGS)}
