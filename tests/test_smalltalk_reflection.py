"""Saying the user's news back (plugins/smalltalk/reflection.py), with the real Kiwi."""

from __future__ import annotations

import pytest

from assistant_plugins.smalltalk.cleaning import (
    ACKNOWLEDGEMENTS,
    MOOD_ACKNOWLEDGEMENTS,
    NEUTRAL_REPLIES,
    QUESTION_ACKNOWLEDGEMENTS,
)
from assistant_plugins.smalltalk.memory import MemoryPair, ReplyMemory
from assistant_plugins.smalltalk.pipeline import ReplyPipeline, Weights
from assistant_plugins.smalltalk.reflection import EMPATHY, FOLLOW_UP, MOOD, reflect


@pytest.mark.parametrize(
    ("text", "emotion", "expected"),
    [
        # the tense is kept, the feeling answered when the reading is sure
        ("오늘 회사에서 실수해서 혼났어", "슬픔", "오늘 회사에서 실수해서 혼났군요. 많이 속상하셨겠어요."),
        # 나 as the subject: the honorific 시, and 나 is not said back
        ("나 오늘 운전면허 필기 붙었어!!", "기쁨", "오늘 운전면허 필기 붙으셨군요. 정말 잘됐네요!"),
        # someone one honours gets 시, 내 is dropped
        ("엄마가 자꾸 내 방 마음대로 치워", None, "엄마가 자꾸 방 마음대로 치우시는군요. 조금 더 이야기해 주세요."),
        # a thing as the subject never does ("하루 진짜 기셨군요" was a bug)
        ("오늘 하루 진짜 길었다", None, "오늘 하루 진짜 길었군요. 조금 더 이야기해 주세요."),
        # a plan gets a wish
        ("내일 친구랑 영화 보기로 했어", None, "내일 친구랑 영화 보기로 했군요. 잘되길 바랄게요."),
        # of two sentences, the one that tells of something
        ("오늘 정년퇴직했습니다. 삼십오 년 다닌 회사였어요", None, "오늘 정년퇴직했군요. 조금 더 이야기해 주세요."),
        # a plan to go somewhere
        ("주말에 애들 데리고 동물원 갈 거예요", None, "주말에 애들 데리고 동물원 갈 거군요. 잘 다녀오세요!"),
        # "있음" is no past
        ("다음 주에 첫 데이트 있음", None, "다음 주에 첫 데이트 있군요. 조금 더 이야기해 주세요."),
        # nor is "겠음": a conjecture ("진짜 미쳤겠군요" was a bug)
        ("룸메가 설거지를 안 해 진짜 미치겠음", None, "진짜 미치겠군요. 조금 더 이야기해 주세요."),
        ("시험 망하겠음", None, "시험 망하겠군요. 조금 더 이야기해 주세요."),
        # 려고 + 요: Kiwi ends a sentence at 려고, so "요" started the one said back (a bug)
        ("다음 달에 혼자 오사카 여행 가보려고요. 혼자는 처음이라 좀 떨려요", None, "혼자는 처음이라 좀 떨리는군요. 잘 다녀오세요!"),
        # 거 + 이 + ㄴ데 is said "건데", never "거인데"
        ("내일 미용실 가서 단발로 자를 건데 후회할까봐 벌써 무섭다", None, "내일 미용실 가서 단발로 자를 건데 후회할까봐 벌써 무섭군요. 잘 다녀오세요!"),
        # a purpose (-러) inside a thing done is no plan ("… 갔다 왔군요. 잘 다녀오세요!" was a bug)
        ("저녁에 가족끼리 한우 먹으러 갔다 왔어", None, "저녁에 가족끼리 한우 먹으러 갔다 왔군요. 조금 더 이야기해 주세요."),
        # a sad state now, not a past event
        ("요즘 좀 외로워", "우울", "요즘 좀 외롭군요. 마음이 많이 무거우시겠어요."),
        # a wish gets encouragement
        ("올해 안에 자격증 하나는 따고 싶어", None, "올해 안에 자격증 하나는 따고 싶군요. 꼭 그렇게 되면 좋겠어요."),
    ],
)  # fmt: skip
def test_news_is_said_back_in_polite_korean(text: str, emotion: str | None, expected: str) -> None:
    assert reflect(text, emotion) == expected


@pytest.mark.parametrize(
    "text",
    [
        "점심 뭐 먹지",  # a question
        "주말 잘 보냈어요?",  # a question, by its mark
        "라면 맛있게 끓이는 팁 있어?ㅋㅋ",  # ... laughter after the mark does not hide it
        "저녁 메뉴 추천해 줘",  # a request
        "내일 같이 영화 보자",  # a suggestion
        "너 오늘 좀 다정하네",  # about 이랑 herself
        "너랑 얘기하면 마음이 편해져 고마워",  # ... with 랑
        "겨울만 되면 손이 트는데 어떻해요",  # a question, misspelt ("어떡해요")
        "떨려",  # one word is too little to say back
        # the analyser read other letters than those written: 타 as 하 + 다, 현타 as 현하다
        "사실 나 아직 자전거 못 타ㅋㅋ 비밀이야",
        "카드 명세서 보고 현타 왔다",
        "오늘은 '고맙다'를 배웠어요.",  # a quoted word is no sentence ("를 배웠군요" had been said)
        # blind set U: a clause ended by a noun ending, a question before a statement
        "독서실 옆자리 사람이 계속 다리 떨어서 책상까지 흔들림 진짜 미치겠다",
        "손목 아플 때 하는 스트레칭 같은 거 있어? 마우스 하루 12시간 잡고 있음",
        "안녕하세요",
        "",
    ],
)
def test_no_reflection_where_saying_back_would_be_wrong(text: str) -> None:
    assert reflect(text, "기쁨") is None


def test_unknown_words_are_never_said_back() -> None:
    text = "우리 햄찌가 오늘 탈출했어"
    assert reflect(text) is not None
    assert reflect(text, known=lambda token: token != "햄찌/N") is None


def test_dictionary_nouns_may_be_said_back_but_not_coinages_or_names() -> None:
    """The pipeline's ``knows``: the memories' words, or a common noun of Kiwi's dictionary
    ("작약" is one; "불멍", a coinage, and "조아", a typo read as a name, are not)."""
    pipeline = _pipeline()
    assert pipeline.knows("작약/N") and not pipeline.memory.has_token("작약/N")
    assert not pipeline.knows("불멍/N") and not pipeline.knows("조아/N")

    # (the test memory is tiny: its other words are taken as known here)
    def known(token: str) -> bool:
        return pipeline.knows(token) or token == "오늘/N" or not token.endswith("/N")

    said = reflect("오늘 꽃시장 갔는데 작약이 벌써 나왔더라고요!", known=known)
    assert said is not None and said.startswith("오늘 꽃시장 갔는데 작약이 벌써 나왔군요.")
    assert reflect("텐트 다 치고 불멍하고 있어", known=known) is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # "-더라" recalls: said back in the past
        ("퇴근길 버스 창밖으로 노을 보는데 그냥 내리기가 싫더라", "퇴근길 버스 창밖으로 노을 보는데 그냥 내리기가 싫었군요."),
        # a remark ending "… 중" is a statement of the moment
        ("PT 수업 사이에 40분 비어서 닭가슴살 먹는 중", "PT 수업 사이에 40분 비어서 닭가슴살 먹는 중이군요."),
        ("영상 편집하는데 컷 하나 가지고 한 시간째 씨름 중 ㅋㅋ", "영상 편집하는데 컷 하나 가지고 한 시간째 씨름 중이군요."),
    ],
)  # fmt: skip
def test_chat_endings_are_statements(text: str, said: str) -> None:
    reply = reflect(text)
    assert reply is not None and reply.startswith(said)
    assert reflect("공부에 집중") is None  # 집중 is no "… 중"


def test_a_contracted_quotation_is_said_back_spaced() -> None:
    """Kiwi spells "하자더니" out as 하 + 자고 + 하 + 더니; joined back it read "하자고하더니"
    (set Y); and 죽다 as hyperbole takes no 시 ("아까워 죽으시겠군요" was broken)."""
    said = reflect("오빠가 엄마 요양원 비용 반반 하자더니 두 달째 입금이 없어")
    assert said is not None and "하자고 하더니" in said
    said = reflect("사장님이 남은 빵 못 가져가게 하고 그냥 버리래 아까워 죽겠어")
    assert said is not None and "버리라고 해" in said and "죽겠군요" in said


@pytest.mark.parametrize(
    "text",
    ["오늘 시험 잘 봤다고 엄마한테 말했어"],
)
def test_a_quotation_as_written_keeps_its_spacing(text: str) -> None:
    said = reflect(text)
    assert said is not None and said.startswith("오늘 시험 잘 봤다고 엄마한테 말했군요.")


@pytest.mark.parametrize(
    "text",
    [
        "요가원에 새 회원님이 8명이나 등록하셨어요 전단지 붙인 효과가 있나봐요",
        "열여섯 명이라 답장 쓰는 건 제 몫이에요",
        # Kiwi readings not to say back (broken on set Y): 저 as "that", an ellipsis between
        # two sentences, a verb stem followed by a noun (하악질 as 하 + 악질)
        "오디션 결과 나왔는데 저 솔리스트 됐어요!!!!",
        "겨울방학 동안 논문 초고 끝내는 게 목표… 일단 목표는 그래",
        "우리 고양이가 새로 태어난 조카한테 하악질해요 ㅠㅠ",
        # a laugh inside one sentence
        "식빵 성형하는 중인데 손에 반죽 묻어서 코로 치는 중 ㅋㅋ 농담임",
    ],
)
def test_guesses_and_my_share_are_not_said_back(text: str) -> None:
    """Broken on seen sets U, V and Y once dictionary nouns could be said back: "효과가
    있나보는군요", "답장 쓰는 건 몫이군요", "저 솔리스트 됐군요", "하악질하군요"."""
    assert reflect(text) is None


def test_every_feeling_has_a_reply_for_news_a_state_and_a_plan() -> None:
    for feeling, replies in EMPATHY.items():
        assert len(replies) == 3 and all(r.endswith((".", "!")) for r in replies), feeling
    assert set(FOLLOW_UP) == {"past", "present", "plan", "outing", "wish", "hearsay"}
    assert set(MOOD) == {1, -1} and all(len(replies) == 3 for replies in MOOD.values())


def test_the_memorys_agreed_feeling_answers_when_the_reading_is_not_sure() -> None:
    text = "편의점 알바하는데 오늘 진상 손님만 세 명 왔다"
    assert reflect(text, mood=-1).endswith(" 속상하셨겠어요.")
    assert reflect("회사 옆자리 분이랑 좀 어색해", mood=-1).endswith(" 힘드시겠어요.")
    assert reflect("팀장님한테 칭찬받았어", mood=1).endswith(" 좋으셨겠어요!")
    # a sure reading wins over the memory's agreement
    assert reflect(text, "분노", mood=1).endswith(" 화가 나실 만하네요.")


PAIRS = [
    ("영화 보고 왔어", "재밌었나요?"),
    ("회사 가기 싫다", "출근길이 힘드시죠."),
    ("실수해서 혼났어", "누구나 실수해요."),
    ("오늘 회사에서 칭찬받았어", "정말 잘하셨어요!"),
]


def _pipeline() -> ReplyPipeline:
    pairs = [MemoryPair(f"m:{i}", q, a, 0, "m.csv") for i, (q, a) in enumerate(PAIRS)]
    return ReplyPipeline(ReplyMemory.build(pairs))


def test_a_weak_match_gives_way_to_the_remark_said_back() -> None:
    pipeline = _pipeline()
    strong = pipeline.choose("영화 보고 왔어")
    assert strong.source == "memory" and strong.text == "재밌었나요?"
    weak = pipeline.choose("오늘 회사에서 실수해서 혼났어", emotion="슬픔")
    assert weak.source == "reflection"
    assert weak.text == "오늘 회사에서 실수해서 혼났군요. 많이 속상하셨겠어요."


def _labelled(rows: list[tuple[str, str]], label: int, prefix: str) -> list[MemoryPair]:
    """Memory pairs of one ChatbotData label (1 negative, 2 positive)."""
    return [MemoryPair(f"{prefix}:{i}", q, a, label, "m.csv") for i, (q, a) in enumerate(rows)]


def test_the_nearest_pairs_feeling_reaches_the_reflection() -> None:
    """Without a sure reading, the labels of the best matches decide the second sentence
    when they agree (ChatbotData label 1 = negative), and stay silent when they don't."""
    sad = [("진상 때문에 힘들어", "고생 많으셨어요."), ("손님이 왔다 갔어", "속상하셨겠어요.")]
    sad += [("사람이 세 명이나 있어", "힘드시겠어요."), ("오늘 너무 힘들어", "푹 쉬세요.")]
    pairs = _labelled(sad, 1, "s")
    mixed = pairs + [MemoryPair("h:0", "손님이 선물 줬어", "좋으셨겠어요!", 2, "m.csv")]
    text = "오늘 진상 손님만 세 명 왔다"
    agreed = ReplyPipeline(ReplyMemory.build(pairs))
    assert agreed.neighbour_mood(agreed.neighbors(text)) == -1
    choice = agreed.choose(text)
    assert choice.source == "reflection" and choice.text.endswith(" 속상하셨겠어요."), choice
    unsure_happy = agreed.choose(text, emotion="기쁨", name_feeling=False)  # the guess disagrees
    assert unsure_happy.text.endswith(" 조금 더 이야기해 주세요.")
    split = ReplyPipeline(ReplyMemory.build(mixed))
    assert split.neighbour_mood(split.neighbors("손님")) == 0


def test_the_nearest_pairs_feeling_reaches_the_acknowledgement_too() -> None:
    """When nothing is said back (here: reflections off) and no pair may answer, the
    acknowledgement follows the memory's agreed feeling, unless the reading disagrees."""
    sad = [("진상 때문에 힘들어", "고생 많으셨어요."), ("손님이 왔다 갔어", "속상하셨겠어요.")]
    sad += [("사람이 세 명이나 있어", "힘드시겠어요."), ("오늘 너무 힘들어", "푹 쉬세요.")]
    strict = Weights(min_fit=0.99, min_fit_data=0.99)
    pipeline = ReplyPipeline(ReplyMemory.build(_labelled(sad, 1, "s")), weights=strict)
    text = "오늘 진상 손님만 세 명 왔다"
    agreed = pipeline.choose(text, reflect=False)
    assert agreed.source == "neutral" and agreed.text in MOOD_ACKNOWLEDGEMENTS[-1]
    unsure_happy = pipeline.choose(text, emotion="기쁨", name_feeling=False, reflect=False)
    assert unsure_happy.text in NEUTRAL_REPLIES


def test_reflection_can_be_turned_off_and_questions_are_acknowledged() -> None:
    pipeline = _pipeline()
    off = pipeline.choose("오늘 회사에서 실수해서 혼났어", emotion="슬픔", reflect=False)
    assert off.source in ("memory", "neutral")
    if off.source == "neutral":
        assert off.text in ACKNOWLEDGEMENTS["슬픔"]
    asked = pipeline.choose("오늘 회사에서 실수해서 혼났어", punctuation="?")
    assert asked.source != "reflection"


def test_a_weak_match_never_answers_a_remark_that_cannot_be_said_back() -> None:
    """A question (or any remark the reflection refuses) with only a weak match gets the
    acknowledgement, not the weak match (session 17: on the blind sets M-Z3 such winners
    were off-topic 242 times for 143 fitting); ``weak_gives_way`` 0 keeps the old way."""
    text = "오늘 회사에서 실수해서 혼났어"
    asked = _pipeline().choose(text, punctuation="?")
    assert asked.source == "neutral" and asked.best is None
    assert asked.text in QUESTION_ACKNOWLEDGEMENTS
    old = ReplyPipeline(_pipeline().memory, weights=Weights(weak_gives_way=0.0))
    assert old.choose(text, punctuation="?").source == "memory"
    strong = _pipeline().choose("영화 보고 왔어", punctuation="?")
    assert strong.source == "memory" and strong.text == "재밌었나요?"


def test_debug_line_names_the_reflection() -> None:
    from assistant_plugins.smalltalk import debug_summary

    choice = _pipeline().choose("오늘 회사에서 실수해서 혼났어")
    assert choice.source == "reflection"
    assert debug_summary(choice).startswith("잡담=reflection(")


def test_openings_marks_and_clauses_seen_on_blind_set_z() -> None:
    """Broken reflections of blind set Z (session 14), fixed after its look."""
    # her name after a greeting is no part of the news
    assert reflect("안녕하세요 이랑님~ 새벽 수영반 수업 끝나고 이제 씻고 나왔어요") == (
        "새벽 수영반 수업 끝나고 이제 씻고 나왔군요. 조금 더 이야기해 주세요."
    )
    assert reflect("좋은 저녁이에요 이랑님. 오늘 도서관 휴관일이라 늦잠 잤어요").startswith(
        "오늘 도서관"
    )
    # a sentence ended before "~" or ".." is a sentence of its own
    assert reflect("오늘 바다에서 문어 큰 놈 잡았어요~ 2킬로 넘더라고요") == (
        "2킬로 넘었군요. 조금 더 이야기해 주세요."
    )
    # the user's deed inside another's sentence ("제가 만든 월남쌈") is not said back
    assert reflect("시어머니가 제가 만든 월남쌈 맛있다고 세 번이나 더 드셨어요") is None
    # 드시다 carries its 시 already
    assert reflect("엄마가 김치 드셨어요") == "엄마가 김치 드셨군요. 조금 더 이야기해 주세요."


def test_her_name_and_a_hello_in_either_order_are_not_said_back() -> None:
    # blind set Z2 (session 14, fixed after its look): "오랜만 2주 동안 …" had been said back
    assert reflect("이랑아 오랜만~ 2주 동안 비행 스케줄 때문에 정신이 없었어") == (
        "2주 동안 비행 스케줄 때문에 정신이 없었군요. 조금 더 이야기해 주세요."
    )
    assert reflect("오랜만에 본가 왔더니 내 방이 창고가 돼 있었어").startswith("오랜만에")


@pytest.mark.parametrize(
    "text",
    [
        # broken reflections of blind set Z2 (session 14, fixed after its look)
        "좋은 저녁이에요. 산에서 막 내려와서 막걸리 한 잔 하기 전에 인사드려요",  # humble 드리다
        "경부고속도로에서 사고 나서 3시간 갇혀 있었어요 하차 시간 다 꼬임",  # 하차 read as 하 + 차
        "제 담당 사자 바람이가 저만 보면 배 까고 누워요 ㅎㅎ",  # 저만
        "만보기 앱에서 오늘 상위 1%래요 ㅋㅋ 산 타면 다 이럼",  # 이러다
        # set Z3 (session 15): 네일 read as 네 + 일, "읽었는지 몰라" (so often)
        "안녕하세요~ 손님 없어서 네일 팁 정리하고 있어요",
        "합격 문자 몇 번이나 다시 읽었는지 몰라ㅋㅋ",
        # set Z10 (session 21): a fear, a "don't", a near miss, a mimetic word with 하다
        "금방 이직할까봐",
        "ㄱㅊㄱㅊ 신경 쓰지 마",
        "오늘 아침 러닝 영하 5도였는데 손가락 얼 뻔함",
        "갑자기 돌아가신 할머니 생각나서 마음이 찡하다",
        # set Z13 (session 24): a request to her, wondering, a choice not made, "내 X가 아니다"
        "이랑아 심심해 아무말이나 해봐",
        "방송 끝나고 분장 지우는 중~ 오늘 화면 괜찮았나 몰라",
        "고향 가는 비행기표 끊을까 말까 겨울이 너무 길어요",
        "다리가 내 다리가 아님",
    ],
)
def test_readings_that_would_break_are_not_said_back(text: str) -> None:
    assert reflect(text) is None


def test_a_state_and_a_verbless_sentence_are_said_back_right() -> None:
    assert reflect("등산로에 컵라면 버리고 가는 사람들 진짜 이해가 안 됨").startswith(
        "등산로에 컵라면 버리고 가는 사람들 진짜 이해가 안 되는군요."
    )
    assert reflect("지금 비행 끝나고 호텔 도착. 룸서비스로 클럽샌드위치 시킴") == (
        "룸서비스로 클럽샌드위치 시켰군요. 조금 더 이야기해 주세요."
    )


def test_hearsay_is_asked_back_with_its_own_words() -> None:
    # remarks like those of sets Z and Z2 (session 15): reported news had no reflection
    assert reflect("여친이 내 전역 날에 부대 앞으로 온대 ㅎㅎㅎ") == (
        "여친이 전역 날에 부대 앞으로 온다고요? 조금 더 이야기해 주세요."
    )
    assert reflect("방금 출판사에서 연락 왔는데 제가 번역한 책 2쇄 찍는대요", "기쁨") == (
        "방금 출판사에서 연락 왔는데 번역한 책 2쇄 찍는다고요? 정말 잘됐네요!"
    )
    assert reflect("문어는 심장이 세 개래 ㅋㅋ", mood=-1).startswith("문어는 심장이 세 개라고요?")
    assert not reflect("문어는 심장이 세 개래 ㅋㅋ", mood=-1).endswith("속상하셨겠어요.")
    # another's words keep their own 시 or none: never the user's
    assert reflect("회사 동기가 갑자기 퇴사한대").startswith("회사 동기가 갑자기 퇴사한다고요?")


def test_a_short_afterthought_leaves_the_sentence_before_it_to_be_said_back() -> None:
    assert reflect("연말에 원생들 데리고 작은 발표회 하려구요 동네 카페 빌려서") == (
        "연말에 원생들 데리고 작은 발표회 하려고 하시는군요. 잘되길 바랄게요."
    )
    # an afterthought that denies or asks keeps the remark from being said back
    assert reflect("오늘 시험 잘 봤어요 아님 말구") is None


def test_a_final_noun_ending_and_a_guess_with_dus_are_read_as_statements() -> None:
    assert reflect("방금 쌍둥이 목욕시키고 로션까지 발라줬어요 이제 한숨 돌림") == (
        "이제 한숨 돌렸군요. 조금 더 이야기해 주세요."
    )
    assert reflect("택시 하다 보면 손님들 인생 얘기 다 들어요. 책 쓰면 10권은 나올듯") == (
        "책 쓰면 10권은 나올 것 같군요. 조금 더 이야기해 주세요."
    )
    assert reflect("사료값 또 올랐어요. 작년보다 20%는 오른 듯 ㅠㅠ") == (
        "사료값 또 올랐군요. 조금 더 이야기해 주세요."
    )  # "20는 오른 것 같군요" would lose the sign


def test_loose_readings_with_a_filler_leave_a_retrieved_reply_in_place() -> None:
    for text, cue in (
        ("오늘 커트만 11명 했어요 손목 나갈 듯", "strain"),
        ("동기가 퇴사한대", "bad"),
    ):
        assert reflect(text, plain=False) is None
        assert reflect(text, news="laugh", plain=False) is None  # a plain cue is no answer
        assert reflect(text, news=cue, plain=False) is not None
    # hearsay is answered by news about it, never by a laugh at it; one's own news comes first
    assert reflect("관리자는 다음 주에 고친대요", news="laugh") == (
        "관리자는 다음 주에 고친다고요? 조금 더 이야기해 주세요."
    )
    assert reflect("물류센터 히터 고장나서 손이 꽁꽁 얼었어요 관리자는 다음 주에 고친대요") == (
        "물류센터 히터 고장나서 손이 꽁꽁 얼었군요. 조금 더 이야기해 주세요."
    )
    assert reflect("오늘 처음 알았는데 축구 골대 폭이 7.32m래요") is None
    # the strict reading is unchanged
    assert reflect("오늘 회사에서 실수해서 혼났어", plain=False) is not None


def test_an_errand_before_the_news_is_no_plan() -> None:
    assert reflect("길냥이 밥 주러 나왔는데 너무 추워서 손가락이 안 움직여") == (
        "길냥이 밥 주러 나왔는데 너무 추워서 손가락이 안 움직이는군요. 조금 더 이야기해 주세요."
    )
    assert reflect("이번 주말에 부산 가려고 기차표 끊었어").endswith("잘 다녀오세요!")


def test_a_news_cue_overrules_a_sure_reading_of_the_opposite_feeling() -> None:
    # set Z3 (session 15): a miss read as 기쁨, tears of pride read as 슬픔
    pipeline = _pipeline()
    missed = pipeline.choose("오늘 첫눈 왔다던데 난 못 봤어ㅠ", emotion="기쁨")
    assert missed.text.endswith("아쉬우셨겠어요."), missed
    proud = pipeline.choose("딸이 정장 입고 첫 출근하는 거 보니까 눈물 나더라고요", emotion="슬픔")
    assert "뭉클" in proud.text and "속상" not in proud.text, proud
    # a reading the cue agrees with, or no cue at all, keeps the reading's line
    sad = pipeline.choose("오늘 회사에서 실수해서 혼났어", emotion="슬픔")
    assert sad.text.endswith(" 많이 속상하셨겠어요.")


def test_the_nearest_pairs_feeling_gives_way_to_news_that_says_otherwise() -> None:
    happy = [("첫눈 왔어", "설레시겠어요!"), ("오늘 첫눈 봤어", "예뻤겠어요!")]
    happy += [("첫눈 왔다던데", "좋으셨겠어요!"), ("눈 왔어 오늘", "신나시겠어요!")]
    pipeline = ReplyPipeline(ReplyMemory.build(_labelled(happy, 2, "h")))
    text = "오늘 첫눈 왔다던데 난 못 봤어ㅠ"
    assert pipeline.neighbour_mood(pipeline.neighbors(text)) == 1
    choice = pipeline.choose(text, emotion="기쁨", name_feeling=False)
    assert "아쉬우" in choice.text and "좋으셨" not in choice.text, choice


def test_a_wish_in_the_words_of_a_crisis_is_never_wished_well() -> None:
    # a harmless reading may be the wrong one: "떠나고 싶군요. 꼭 그렇게 되면 좋겠어요." must not
    # be said to it (found in the new-user check of session 15)
    for text in ("다 정리하고 떠나고 싶다", "이 프로젝트 빨리 끝내고 싶다", "그만 포기하고 싶어"):
        assert reflect(text) is None, text
    assert (
        reflect("자격증 하나는 따고 싶어") == "자격증 하나는 따고 싶군요. 꼭 그렇게 되면 좋겠어요."
    )


def test_seen_on_blind_set_z6_dialect_turns_prefaces_and_contractions() -> None:
    """Set Z6 (session 18) had nine broken reflections; the kinds fixed after that look."""
    # a full stop ends a sentence Kiwi found no ending in (dialect): only the last is said back
    assert reflect("오늘 시장에 방송국 카메라 왔다 아이가. 우리 떡집도 찍어갔다") == (
        "떡집도 찍어갔군요. 조금 더 이야기해 주세요."
    )
    assert reflect("오늘 복지관 스마트폰 교실 갔다왔소. 사진 찍는거 배웠어", "기쁨") == (
        "사진 찍는거 배웠군요. 정말 잘됐네요!"
    )
    # a question inside the remark (after a dialect ending): nothing is said back
    assert (
        reflect("바다 사람은 생선 안 좋아할 줄 알제? 나는 고등어 보면 아직도 침 넘어간다") is None
    )
    # a remark that turns ("근데 …"): half of it with the whole remark's feeling would contradict
    assert reflect("오늘 토픽 5급 합격했어요 ㅎㅎ 근데 아직 사투리는 어려워요", "기쁨") is None
    assert reflect("드디어 최종합격 ㅇㅇ 근데 연봉 보니까 좀 웃기네") is None
    # a confession's preface is not said back
    assert reflect("솔직히 고백하면 나 친구들한테 롤 티어 한단계 올려서 말했음 ㅋㅋ") == (
        "친구들한테 롤 티어 한단계 올려서 말하셨군요. 조금 더 이야기해 주세요."
    )
    # 거 + 이 + ㄴ데 is said back as people write it, spaced or not
    said = reflect("편의점 알바하면서 깨달은건데 새벽 3시에 오는 손님은 다 바나나우유를 삼")
    assert said is not None and "깨달은건데" in said and "거인데" not in said
    # a noun-form ending is a deed ("출석함"), a habit with 마다/매일/아직도 … ("기도함"), unless
    # the sentence says when it happened, and 아직 with a negation is not yet done
    assert reflect("고백하는데 나 아직도 git rebase 할 때마다 기도함") == (
        "아직도 git rebase 할 때마다 기도하시는군요. 조금 더 이야기해 주세요."
    )
    assert reflect("오늘 출석함") == "오늘 출석했군요. 조금 더 이야기해 주세요."
    assert "보냈군요" in (
        reflect("마누라가 휴게소 들를 때마다 사진 보내래서 오늘 다섯 장 보냄") or ""
    )
    assert "안 했군요" in (reflect("다음 주에 이사하는데 짐 싸는 거 아직 시작도 안 함") or "")
    # a noun-form ending keeps its old reading (not said back across its full stop)
    assert reflect("방금 증명사진 보정 끝냄. 잔머리 정리하는 데만 10분 걸렸어요") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what was done gets a line that fits the deed, not "조금 더 이야기해 주세요"
        ("새 노트북 샀어!", "새 노트북 샀군요. 마음에 드세요?"),
        ("어제 제주도 다녀왔어", "어제 제주도 다녀왔군요. 어떠셨어요?"),
        ("요즘 기타 배우고 있어", "요즘 기타 배우고 있는군요. 배워 보니 어떠세요?"),
        ("주말에 영화 봤어", "주말에 영화 봤군요. 재미있으셨어요?"),
        ("내일 친구 만날 거야", "내일 친구 만날 거군요. 즐거운 시간 보내세요!"),
        ("오늘 한강에서 운동했어", "오늘 한강에서 운동했군요. 몸이 개운하시겠어요."),
        ("나 어제 머리 잘랐어", "어제 머리 자르셨군요. 마음에 드세요?"),
        # 보다 only for a show: an exam seen is no film
        ("오늘 시험 봤어", "오늘 시험 봤군요. 조금 더 이야기해 주세요."),
        # someone else's deed, or a deed not done: the plain follow-up
        ("동생이 새 폰 샀어", "동생이 새 폰 샀군요. 조금 더 이야기해 주세요."),
        ("아직 안 샀어", "아직 안 샀군요. 조금 더 이야기해 주세요."),
        ("손님은 다 바나나우유를 샀어", "손님은 다 바나나우유를 샀군요. 조금 더 이야기해 주세요."),
        # a count is a routine or a chore, an errand no trip
        ("고등어 한 손 샀어", "고등어 한 손 샀군요. 조금 더 이야기해 주세요."),
        ("아까 은행 다녀왔어", "아까 은행 다녀왔군요. 조금 더 이야기해 주세요."),
    ],
)
def test_a_deed_gets_a_follow_up_that_fits_it(text: str, expected: str) -> None:
    assert reflect(text, None) == expected


def test_a_sure_feeling_still_comes_before_the_deed_s_line() -> None:
    assert reflect("새 노트북 샀어!", "기쁨") == "새 노트북 샀군요. 정말 잘됐네요!"
    from assistant_plugins.smalltalk.reflection import replies as canned

    assert "마음에 드세요?" in canned()  # its words count as known


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a noun-form ending after an auxiliary of a finished deed is a past deed (set Z8)
        (
            "오늘 주차해놨는데 누가 문콕하고 그냥 가버림",
            "오늘 주차해놨는데 누가 문콕하고 그냥 가버렸군요. 조금 더 이야기해 주세요.",
        ),
        # a plain -다 after an adjective ends a sentence even without a mark
        ("오늘 하늘 진짜 파랗다 사진 찍어둠", "사진 찍어뒀군요. 조금 더 이야기해 주세요."),
        # ... not the -다(가) of a verb or a past
        ("자다 깼어", "자다 깼군요. 조금 더 이야기해 주세요."),
        ("오늘 날씨 좋다 산책 갔다 왔어", "산책 갔다 왔군요. 조금 더 이야기해 주세요."),
        # 요즘, 자꾸 tell of a habit or a state that goes on: no past
        ("요즘 헬스 다님", "요즘 헬스 다니는군요. 조금 더 이야기해 주세요."),
        ("대답이 꼬였어요 자꾸 생각남", "자꾸 생각나는군요. 조금 더 이야기해 주세요."),
        # "거다" before more words is the copula's end, not 거 + the adverb 다 (set Z8)
        (
            "토요일에 여자친구한테 고백할 거다 떨린다",
            "토요일에 여자친구한테 고백할 거군요. 잘되길 바랄게요.",
        ),
        # what one has to do is not done; "내" read as a determiner is still dropped (set Z10)
        (
            "이제 진짜 장거리 연습 들어가야 됨",
            "이제 진짜 장거리 연습 들어가야 되는군요. 조금 더 이야기해 주세요.",
        ),
        (
            "원어민 쌤이 내 발음 좋다고 했다",
            "원어민 쌤이 발음 좋다고 했군요. 조금 더 이야기해 주세요.",
        ),
    ],
)
def test_chat_sentences_are_said_back_in_the_right_tense(text: str, expected: str) -> None:
    assert reflect(text, None) == expected


def test_dialect_is_not_said_back() -> None:
    """Said back in standard 존댓말, a dialect remark came out half in dialect ("문득
    생각났는디 옛날엔 겨울이 더 추웠던 것 같군요", set Z8)."""
    assert reflect("문득 생각났는디 옛날엔 겨울이 더 추웠던 것 같어", None) is None
    assert reflect("오늘 밭에서 고추 다 땄당께", None) is None


@pytest.mark.parametrize(
    "text",
    [
        "아침 일찍 고추밭에 물 주고 왔지 해 뜨기 전에 해야 덜 덥거든",  # -지 runs on
        "오늘 낚시하다 문어 올라왔는데 문어는 심장이 세 개라며 신기해",  # someone's words
        "요즘 하루에 같은 노래 오십 번은 듣는 듯 질리지가 않아",  # 듯 runs on
    ],
)
def test_run_on_sentences_are_not_said_back(text: str) -> None:
    """Said back, each came out garbled on set Z9 ("… 세 개라며 신기하군요")."""
    assert reflect(text, None) is None


def test_a_musing_s_preface_is_not_said_back() -> None:
    said = reflect("그냥 하는 말인데 바다 냄새 맡으면 아빠 생각나", None)
    assert said is not None and said.startswith("바다 냄새 맡으면 아빠 생각나는군요.")
    assert reflect("밥 먹지 않았어", None) == "밥 먹지 않았군요. 조금 더 이야기해 주세요."
    # someone's words before a deed of one's own are said back as they were
    said = reflect("보호자분이 인터넷에서 봤다면서 약을 자꾸 빼달라고 하셔서 진땀 뺐어", None)
    assert said is not None and said.startswith("보호자분이 인터넷에서 봤다면서")


def test_a_question_may_take_a_loosely_matched_tip_at_tip_min_fit() -> None:
    """``tip_min_fit``: a question matched to an everyday pair that asks too (a tip) and holds the
    remark's rarest noun needs only that fit; a statement matched the same way, or a question about
    another thing (its rarest noun missing from the tip), does not pass."""
    pairs = [
        MemoryPair(
            "everyday:t:1",
            "머리카락 정전기 어떻게 해?",
            "보습 미스트를 살짝 뿌려 주세요.",
            0,
            "t.tsv",
        ),
        MemoryPair(
            "everyday:t:2", "오늘 습해서 머리가 다 뜬다", "습한 날은 어쩔 수 없죠.", 0, "t.tsv"
        ),
        MemoryPair("everyday:t:3", "영화 보고 왔어", "재밌었나요?", 0, "t.tsv"),
    ]
    memory = ReplyMemory.build(pairs)
    asked = "머리카락 정전기 진짜 심하게 일어나서 너무 힘든데 어케 잡아"
    off = ReplyPipeline(memory, weights=Weights(tip_min_fit=1.01)).choose(asked, punctuation="?")
    assert off.source == "neutral" and off.text in QUESTION_ACKNOWLEDGEMENTS
    tips = ReplyPipeline(memory, weights=Weights(tip_min_fit=0.2))
    on = tips.choose(asked, punctuation="?")
    assert on.source == "everyday" and on.text == "보습 미스트를 살짝 뿌려 주세요.", on
    assert on.best is not None and on.best.tip and on.best.fit < Weights().question_min_fit
    other = tips.choose("강아지 정전기 진짜 심하게 일어나서 너무 힘든데 어케 잡아", punctuation="?")
    assert other.text != "보습 미스트를 살짝 뿌려 주세요."  # about a dog: 강아지 is not in the tip
    told = tips.choose("정전기 때문에 머리가 붕 떴어")  # a statement: no tip for it
    assert told.text != "보습 미스트를 살짝 뿌려 주세요."
