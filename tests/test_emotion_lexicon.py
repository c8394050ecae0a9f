"""The feeling-word lexicon: negation, the combination with the model, the opener rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.types import Emotion, Reply, Request
from assistant_plugins.emotion import tone
from assistant_plugins.emotion.classifier import EmotionClassifier, shipped_dir
from assistant_plugins.emotion.labels import LABELS
from assistant_plugins.emotion.lexicon import (
    FeelingLexicon,
    LexiconError,
    combine,
    contradicts,
    plain_request,
    shipped,
)
from assistant_plugins.emotion.runtime import state


def named(text: str) -> list[tuple[str, bool]]:
    """(class, negated) of each feeling word of ``text``, duplicates removed."""
    return sorted({(h.label, h.negated) for h in shipped().find(text)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("너무 기뻐", [("기쁨", False)]),
        ("기쁘지 않아", [("기쁨", True)]),
        ("하나도 안 기뻐", [("기쁨", True)]),
        ("행복하진 않아", [("기쁨", True)]),
        ("별로 안 슬퍼", [("슬픔", True)]),
        ("안 무서워", [("불안", True)]),
        ("걱정은 안 돼", [("불안", True)]),
        ("걱정 마세요", [("불안", True)]),
        ("걱정할 일은 아니고 그냥 물어보는 거야", [("불안", True)]),
        ("기쁘냐고? 그냥 그래", [("기쁨", True)]),
        ("오늘 너무 서러워서 울었어", [("슬픔", False)]),
        ("윗집 때문에 화가 나", [("분노", False)]),
        ("내일 면접인데 떨려", [("불안", False)]),
        ("요즘 아무 의욕이 없어", [("우울", False)]),
        ("엄마한테 전화나 해야지", []),  # 화나 must start a word
        ("영화가 나왔대", []),
        ("마음이 편안하다", []),  # 편안 is not 불안
    ],
)
def test_named_feelings_and_negation_on_real_phrases(text: str, expected: list) -> None:
    assert named(text) == expected


def test_combine_boosts_named_and_lowers_negated_classes() -> None:
    model = {"일상": 0.3, "기쁨": 0.4, "슬픔": 0.1, "분노": 0.1, "불안": 0.05, "우울": 0.05}
    assert combine(model, shipped().find("너무 기뻐"), 1.0) == pytest.approx(model)
    happy = combine(model, shipped().find("너무 기뻐"), 8.0)
    assert sum(happy.values()) == pytest.approx(1.0)
    assert happy["기쁨"] == pytest.approx(3.2 / 3.8)
    negated = combine(model, shipped().find("하나도 안 기뻐"), 8.0)
    assert max(negated, key=negated.get) == "일상"
    assert negated["기쁨"] == pytest.approx(0.05 / 0.65)
    # named and negated in one remark: the named one counts
    both = combine(model, shipped().find("안 슬퍼 오히려 신나"), 8.0)
    assert both["기쁨"] > 0.8 and both["슬픔"] < model["슬픔"]


def test_contradiction() -> None:
    hits = shipped().find("합격은 했는데 기쁜데 좀 걱정돼")
    assert contradicts(hits, "기쁨") and contradicts(hits, "불안")
    assert contradicts(shipped().find("하나도 안 기뻐"), "기쁨")
    assert not contradicts(shipped().find("하나도 안 기뻐"), "우울")
    assert not contradicts(shipped().find("드디어 합격했어 너무 행복해"), "기쁨")
    assert not contradicts(shipped().find("드디어 합격했어"), "기쁨")  # no feeling named


def test_broken_lexicon_file_names_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "words.tsv"
    good.write_text("# comment\n\n기쁨\t기뻐\n분노\t^화나\n", encoding="utf-8")
    lexicon = FeelingLexicon.read(good, LABELS)
    assert [h.label for h in lexicon.find("화나고 기뻐")] == ["분노", "기쁨"]
    bad = tmp_path / "bad.tsv"
    bad.write_text("기쁨\t기뻐\n기쁨 기뻐\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="2번째 줄"):
        FeelingLexicon.read(bad, LABELS)
    unknown = tmp_path / "unknown.tsv"
    unknown.write_text("놀람\t깜짝\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="모르는 감정 '놀람'"):
        FeelingLexicon.read(unknown, LABELS)


def _toned(app, text: str, label: str, score: float = 0.99) -> Reply | None:
    request = Request(text, text, "smalltalk", {}, app, emotion=Emotion(label, score))
    return tone.adjust(Reply("네."), request, state(app))


def test_no_opener_when_the_wording_contradicts_the_label(make_assistant) -> None:
    app = make_assistant().app
    assert _toned(app, "하나도 안 기뻐", "기쁨") is None
    assert _toned(app, "기쁘긴 한데 좀 걱정돼", "기쁨") is None
    assert _toned(app, "기쁘긴 한데 좀 걱정돼", "불안") is None  # mixed: no opener at all
    assert _toned(app, "안 무서워 그냥 궁금해서", "불안") is None
    assert _toned(app, "내일 면접인데 떨려", "불안") is not None
    assert _toned(app, "드디어 합격했어 너무 행복해", "기쁨") is not None
    # the rule belongs to the lexicon: switched off, only the `unless` words remain
    plain = make_assistant({"plugins": {"emotion": {"lexicon": False}}}).app
    assert _toned(plain, "하나도 안 기뻐", "기쁨") is not None


def test_shipped_model_with_the_lexicon() -> None:
    assert (shipped_dir() / "config.json").is_file(), "the shipped emotion model is missing"
    classifier = EmotionClassifier.load("shipped", threads=1, lexicon=shipped(), lexicon_boost=8)
    assert classifier.lexicon is not None
    negated = classifier.predict("하나도 안 기뻐 그냥 허무해", 0.4)
    assert negated.label != "기쁨" and negated.probabilities["기쁨"] < 0.05
    # "속이 부글부글 끓어" names anger; the bare "부글부글 끓어" can be a pot (run I1 reads it
    # as 일상, model card)
    named_idiom = classifier.predict("속이 부글부글 끓어", 0.4)
    assert named_idiom.label == "분노"
    assert sum(named_idiom.probabilities.values()) == pytest.approx(1.0)
    classifier.use_lexicon(None, 1.0)  # the model alone
    assert classifier.predict("속이 부글부글 끓어", 0.4).score < named_idiom.score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("노트북 살 건데 맥북 에어랑 그램 중에 뭐가 나아", True),
        ("기말 벼락치기 하려면 뭐부터 해야돼", True),
        ("비 오는 날 들을 노래 추천해줘ㅋㅋ", True),
        ("면접에서 긴장 안 하는 법 알려줘", False),  # names 긴장: the model decides
        ("왜 나만 맨날 이래?", False),  # 왜 mostly complains
        ("요즘은 뭘 해도 재미가 없어", False),  # a statement with a question word
        ("분리수거 좀 제대로 하라고 몇 번을 말해", False),
        ("친구가 내 비밀을 딴 사람한테 말했어 어떻게 그럴 수가 있지", False),
    ],
)
def test_plain_request_for_information(text: str, expected: bool) -> None:
    assert plain_request(text, shipped().find(text)) is expected


def test_a_plain_request_is_read_as_daily_whatever_the_model_says() -> None:
    classifier = EmotionClassifier.load("shipped", threads=1, lexicon=shipped(), lexicon_boost=8)
    text = "노트북 살 건데 맥북 에어랑 그램 중에 뭐가 나아"
    read = classifier.predict(text, 0.4)
    assert read.label == "일상"
    best = max(read.probabilities, key=read.probabilities.__getitem__)
    if best == "일상":  # the model reads it plain by itself (the session-16 model: 0.37)
        assert read.score == pytest.approx(read.probabilities["일상"])
    else:  # an emotion overruled: scored as for a score under threshold
        assert read.score == pytest.approx(1.0 - read.probabilities[best])
    assert classifier.predict("왜 나만 맨날 이래?", 0.4).label != "일상"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("속상한 친구한테 보낼 위로 문자 예시 좀 보여줘", "슬픔"),
        ("행복한 왕자 줄거리 요약해 줘", "기쁨"),
        ("무서운 영화 보러 가자 이번 주말에", "불안"),
        ("슬픈 노래 추천해 줘", "슬픔"),
        ("우울증이랑 무기력증은 뭐가 달라요", "우울"),
        ("불안장애 관련 책 과제로 읽는 중이야", "불안"),
        ("엄마가 걱정된다고 전화 달래", "불안"),
    ],
)
def test_a_feeling_used_as_a_topic_is_not_the_speakers(text: str, label: str) -> None:
    hits = shipped().find(text)
    assert [h.topic for h in hits if h.label == label] and all(
        h.topic for h in hits if h.label == label
    )
    assert contradicts(hits, label)  # no opener of that emotion
    model = {"일상": 0.3, "기쁨": 0.2, "슬픔": 0.2, "분노": 0.1, "불안": 0.1, "우울": 0.1}
    assert combine(model, hits, 8.0) == pytest.approx(model)  # and no boost


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("불안한 마음에 잠이 안 와", "불안"),  # the speaker's own mood
        ("슬픈 하루였어", "슬픔"),
        ("우울증인가 봐요 요즘 계속 가라앉아요", "우울"),  # had, not studied
        ("슬픈 노래 들으니까 눈물이 나", "슬픔"),  # 눈물이 나 is the speaker's
        ("너무 서운해", "슬픔"),
    ],
)
def test_the_speakers_own_feeling_is_no_topic(text: str, label: str) -> None:
    hits = shipped().find(text)
    assert not contradicts(hits, label)


def test_anything_like_that_negates() -> None:
    assert named("요즘 불안하거나 그런 건 없어 걍 평범함") == [("불안", True)]
    assert named("무서운 영화") and ("슬픔", False) not in named("무서운 영화")  # no 서운 in 무서운
