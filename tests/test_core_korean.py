"""assistant.korean: every particle pair after every kind of word end, and jamo composition."""

from __future__ import annotations

import pytest

from assistant.korean import (
    PAIRS,
    asks_first,
    asks_for_information,
    asks_nothing,
    complains_why,
    compose,
    compose_jamo,
    decompose,
    ends_as_question,
    final_consonant,
    hangul_to_jamo,
    has_final,
    is_question,
    jamo_to_hangul,
    josa,
    particle,
    requests_information,
    speaks_dialect,
)

# (word, kind of ending): consonant, ㄹ or vowel, as a Korean reads the word aloud
CONSONANT = ["알람", "라면", "'점심'", "3", "10", "100", "2000", "Zoom", "iPhone", "Slack", "Git"]
RIEUL = ["서울", "1", "7", "8", "Excel", "Google", "SQL", "URL"]
VOWEL = ["타이머", "회의", "2", "5", "9", "Docker", "test", "YouTube", "API", "KTX", "5%"]


@pytest.mark.parametrize("pair", list(PAIRS))
def test_every_pair_after_every_kind_of_word(pair: str):
    with_final, without = PAIRS[pair]
    ro = with_final.startswith("으로")
    for word in CONSONANT:
        assert josa(word, pair) == word + with_final, (word, pair)
    for word in RIEUL:
        assert josa(word, pair) == word + (without if ro else with_final), (word, pair)
    for word in VOWEL:
        assert josa(word, pair) == word + without, (word, pair)


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("알람", "을/를", "알람을"),  # the "알람를" of issue 15
        ("알람", "은/는", "알람은"),
        ("점심", "(이)라는", "점심이라는"),
        ("라면", "(이)라는", "라면이라는"),
        ("타이머", "(이)라는", "타이머라는"),
        ("서울", "(으)로", "서울로"),
        ("부산", "으로/로", "부산으로"),
        ("대구", "로/으로", "대구로"),  # either order
        ("카페", "가/이", "카페가"),
        ("집", "이나/나", "집이나"),
        ("친구", "이랑/랑", "친구랑"),
        ("민준", "아/야", "민준아"),
        ("지수", "아/야", "지수야"),
        ("이랑", "이에요/예요", "이랑이에요"),
        ("자비스", "이에요/예요", "자비스예요"),
        ("칼", "으로써/로써", "칼로써"),
    ],
)
def test_examples(word: str, pair: str, expected: str):
    assert josa(word, pair) == expected


def test_particle_alone_and_finals():
    assert particle("타이머", "이/가") == "가" and particle("알람", "을/를") == "을"
    assert final_consonant("서울") == 8 and final_consonant("타이머") == 0
    assert final_consonant("ㅋ") not in (0, None) and final_consonant("ㅏ") == 0
    assert final_consonant("???") is None and not has_final("???")
    assert josa("???", "이/가") == "???가"  # nothing readable: one form, never "(이)가"
    assert has_final("100000000") and josa("100000000", "이/가") == "100000000이"  # 억
    assert josa("1000000000000", "이/가") == "1000000000000가"  # 조


def test_no_bracketed_fallback_for_any_word():
    for word in [*CONSONANT, *RIEUL, *VOWEL, "", "!!", "ㅋㅋ", "a", "Wi-Fi", "C++"]:
        for pair in PAIRS:
            assert "(" not in particle(word, pair)


def test_unknown_pair_is_an_error():
    with pytest.raises(ValueError, match="unknown particle pair"):
        josa("사과", "의/에")


def test_jamo_composition_and_decomposition():
    assert compose("ㄱ", "ㅏ", "ㅇ") == "강" and decompose("강") == ("ㄱ", "ㅏ", "ㅇ")
    assert decompose("a") is None and decompose("가") == ("ㄱ", "ㅏ", "")
    assert compose_jamo("ㅇㅏㄴㄴㅕㅇ").text == "안녕"
    assert compose_jamo("ㄷㅏㄹㄱㅇㅣ").text == "닭이"  # cluster split before a vowel
    composed = compose_jamo("ㅗㅏㄱ")
    assert composed.text == "ㅘㄱ" and composed.lone_jamo == 2 and composed.syllables == []
    assert jamo_to_hangul("ㅅㅣㅂㅏㄹ ok ㅎㅘ") == "시발 ok 화"
    assert hangul_to_jamo("과닭") == "ㄱㅗㅏㄷㅏㄹㄱ"
    for text in ["안녕하세요", "닭볶음탕", "왜 그래", "ㅋㅋㅋ"]:
        assert jamo_to_hangul(hangul_to_jamo(text)) == text


def test_trailing_punctuation_is_what_normalize_drops() -> None:
    from assistant.text import normalize, trailing_punctuation

    for text, marks in (("어디 살아요?", "?"), ("좋아!! ", "!!"), ("음...", "..."), ("안녕", "")):
        assert trailing_punctuation(text) == marks
        assert normalize(text, "이랑") + marks == text.strip()


@pytest.mark.parametrize(
    ("text", "question", "asks", "requests"),
    [
        ("커피 하루에 몇 잔까지 괜찮아?", True, True, True),
        ("빨래 잘 마르는 방법 있나요", True, True, True),
        ("팁 있어?ㅋㅋ", True, False, False),  # asks, but for nothing named
        ("주말 잘 보냈어?", True, False, False),  # a greeting
        ("맥북 에어랑 그램 중에 뭐가 나아", True, False, True),  # chat ending, no mark
        ("노래 추천해줘요", False, False, True),  # a request, whatever the ending
        ("바나나는 왜 까매져?", True, True, False),  # 왜: never a plain request
        ("뭘 해도 재미가 없어", True, False, False),  # a statement with a question word
        ("오늘 날씨 좋다", False, False, False),
    ],
)
def test_questions(text: str, question: bool, asks: bool, requests: bool) -> None:
    assert is_question(text) is question
    assert asks_for_information(text) is asks
    assert requests_information(text) is requests


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("점심 뭐 먹지", True),
        ("너 몇 살이야", True),
        ("펭귄도 무릎 있어?", True),
        ("맥북이랑 그램 중에 뭐가 나아", True),
        ("비 오는 날 들을 노래 추천해줘", True),
        ("무슨 영화 볼까", True),
        # blind small-talk sets U and V: statements with a question word, a statement's -지
        ("밭에서 처음 캔 고구마 쪄서 둘이 나눠먹는데 이게 뭐라고 자꾸 웃음이 나ㅎㅎ", False),
        ("스피커가 고장나서 무슨 말인지 하나도 안 들려요. 세 번째 방송인데도요.", False),
        ("구름 위에서 보는 해돋이는 몇 번을 봐도 안 질려. 이건 이 직업 보너스임", False),
        ("길 가는 사람 뒤통수만 봐도 어디서 잘랐는지 대충 보임ㅋㅋ", False),
        ("내년 봄엔 직접 10km 뛰어보려구요 ㅎㅎ 지금부터 연습해야지", False),
        ("집에 오는 내내 그 손이 생각나요", False),
        ("뭘 해도 재미가 없어", False),  # "whatever I do"
        ("어딜 가도 사람이 많네", False),
        # blind set Z2 (session 15): the verb 가다 before 요, and "so many times"
        ("내일 새벽 3시에 벌통 싣고 강원도 평창으로 올라가요", False),
        ("마지막 비행 전날이라 괜히 유니폼을 몇 번이나 다려보고 있어요", False),
        ("이게 맞는가요", True),
        ("그거 진짜인가요", True),
        ("몇 시에 가요", True),
        # blind set Z7 (session 18): -더니, -다니, a statement's -이지 and past -지, and "지 뭐"
        ("구청에서 가게 앞에 현판 달아줌. 37년 했더니", False),
        ("저 철근을 내가 다 올렸다니", False),
        ("3년 연속이면 거의 전통이지", False),
        ("정전돼서 컵 열두 개 전부 금 감ㅋㅋㅋ 웃어야지 뭐", False),
        ("넘어졌지 뭐야", False),
        ("밥 먹었니", True),
        ("오늘 무슨 요일이지", True),
        ("이게 맞는 거지", True),
        ("내일 비 오지", True),
        # -까요 asks without its mark too (session 20)
        ("일곱 살 아이한테 용돈을 줘도 될까요", True),
        ("이번 주말에 비 올까요 ㅠㅠ", True),
        ("오늘 비 왔어요", False),
        # a question someone else asked (-냐고) is told, not asked (set Z10, session 21)
        ("룸메가 자꾸 나한테 '오빠'가 무슨 뜻이냐고 물어봐 ㅋㅋ", False),
        ("엄마가 언제 오냐고 물어봄", False),
        ("왜 그러냐고 물어보면 뭐라고 해?", True),
    ],
)
def test_ends_as_question(text: str, ends: bool) -> None:
    assert ends_as_question(text) is ends


def test_syllables_ending_in_a_final_consonant() -> None:
    import re

    from assistant.korean import syllables_ending_in

    n_final = re.compile(syllables_ending_in("ㄴ"))
    assert all(n_final.fullmatch(ch) for ch in "는은인한간")
    assert not any(n_final.fullmatch(ch) for ch in "가나라었a")
    assert re.fullmatch(syllables_ending_in("ㅆ"), "렸")


@pytest.mark.parametrize(
    ("text", "nothing"),
    [
        ("오늘 점심에 김치찌개 먹었는데 너무 짰어", True),
        ("친구가 돈 빌려가고 3달째 말이 없음", True),
        ("일곱 살 아이한테 용돈을 줘도 될까요", False),  # -까요 without its mark
        ("너 MBTI 알아? 난 INFP야", False),  # a question before the last sentence
        ("노래 추천해줘", False),  # a request
        ("점심 뭐 먹지", False),
    ],
)
def test_asks_nothing(text: str, nothing: bool) -> None:
    assert asks_nothing(text) is nothing


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("문득 생각났는디 옛날엔 겨울이 더 추웠던 것 같어", True),  # Jeolla (set Z8)
        ("그래서 좋당께", True),
        ("비 오겄다", True),
        ("밥 먹었슈", True),  # Chungcheong
        ("맞다 아이가", True),  # Gyeongsang, at the end
        ("뭐하노", True),
        ("그리 했심더", True),
        ("잘 간데이~", True),
        ("우리 아이가 첫 걸음마를 뗐어", False),  # 아이 + 가, not the ending
        ("하노이 여행 가", False),
        ("해피 버스데이", False),
        ("오늘은 원데이 클래스 들었어", False),
        ("그건 같아", False),
        ("오늘 영화 봤는데 재밌었어", False),
    ],
)
def test_speaks_dialect(text: str, dialect: bool) -> None:
    assert speaks_dialect(text) is dialect


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # blind set Z10: asking whether or which, then why (answered "조금 더 이야기해 주실래요?")
        ("고양이한테 귤 줘도 돼? 자꾸 냄새 맡으러 와", True),
        ("ㄹ 탈락이랑 ㄹ 불규칙이랑 같은 거야? 논문 쓰다가 헷갈림", True),
        ("신혼집 거실에 큰 테이블 놓는 거 어때요? 남편은 반대함", True),
        ("상세페이지 배경 흰색이 나아 베이지가 나아? 주방용품 파는데", True),
        # rhetorical, a greeting: not asking
        ("이게 말이 돼? 진짜 어이없네", False),
        ("주말 잘 보냈어? 나는 푹 쉬었어", False),
    ],
)
def test_a_question_followed_by_why_it_is_asked(text: str, asks: bool) -> None:
    assert asks_first(text) is asks


@pytest.mark.parametrize(
    ("text", "strict", "complains"),
    [
        ("아 오늘 왜 이렇게 덥냐", True, True),
        ("요즘 왤케 추워", True, True),
        ("왜 이리 졸리지", True, True),
        ("아 왜 덥냐", False, True),
        ("아 왜 덥냐", True, False),
        ("고양이는 왜 박스를 좋아해?", True, False),
        ("오늘 날씨 어때", False, False),
    ],
)
def test_complains_why(text: str, strict: bool, complains: bool) -> None:
    assert complains_why(text, strict=strict) is complains
