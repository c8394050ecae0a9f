"""Plain news cues (plugins/smalltalk/news.py) and the replies they choose, with the real Kiwi."""

from __future__ import annotations

import pytest

from assistant_plugins.smalltalk.cleaning import NEWS_ACKNOWLEDGEMENTS, acknowledgement
from assistant_plugins.smalltalk.morphemes import analyse
from assistant_plugins.smalltalk.news import CUES, news_cue
from assistant_plugins.smalltalk.reflection import NEWS, reflect, replies


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("논문 초록 교수님한테 처음으로 한 번에 통과 받음", "good"),
        ("합격했어", "good"),
        ("드디어 합격!! 안 믿겨", "good"),  # the negation belongs to another sentence
        ("합격 못 했어", "bad"),
        ("합격하지 못했어", "bad"),
        ("결과가 안 좋았어", "bad"),
        ("서류 20군데 넣었는데 연락 온 데가 한 군데도 없어요", "bad"),
        ("엄마랑 김장을 올해도 할지 말지로 살짝 싸웠어요", "bad"),
        ("오늘 첫눈 왔다던데 나는 하루종일 사무실에 있어서 못 봤어", "missed"),
        ("전역하면 바로 복학할지 1년 알바하면서 쉴지 아직 못정했어", None),  # undecided (Z10)
        ("국어가 생각보다 잘 나왔어 ㅠㅠㅠ", "good"),  # tears of joy (Z10)
        ("결과가 잘 안 나왔어", None),
        ("잠을 못 잤어", "tired"),
        ("오늘 배달 47건 뛰었다 다리 후들거림", "tired"),
        ("복직 전에 애기 어린이집 적응시켜야 돼요", "duty"),
        ("방 청소하다가 초등학교 때 일기장 나왔어ㅋㅋㅋ", "laugh"),
        ("방금 라면 끓였는데 물조절 실패해서 국이 됐어ㅋㅋ", "wry"),
        # no cue: plain chat, a greeting's laugh, a miss that is not the news, mixed news
        ("날씨 좋다", None),
        ("오늘 안 늦었어", None),
        ("하이ㅋㅋ 오랜만이지", None),
        ("승진했는데 안 기뻐", None),
        # found on blind set T: a surcharge "attached", a hope, a question, a laugh mid-remark
        ("택배가 또 섬이라고 추가 배송비 붙었어요. 3천원이나", None),
        ("금요일 팬싸 응모하려고 앨범 10장 샀다 ㅋㅋㅋ 제발 당첨", "laugh"),
        ("한국어 '괜찮아요'는 좋다는 뜻이에요 싫다는 뜻이에요? 헷갈려요", None),
        ("지금 스트레칭 하는 중 ㅋㅋ 다리 찢기 실패", "wry"),
        ("안녕ㅎㅎ", None),
    ],
)
def test_news_cues(text: str, cue: str | None) -> None:
    assert news_cue(analyse(text)) == cue


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # everyday moments the raters of sets T-W called generic with "조금 더 이야기해 주세요"
        ("엄마가 보내준 반찬 먹다가 갑자기 눈물 났어요", "moved"),
        ("새벽에 작업하면서 라디오 켜놨는데 사연이 딱 내 얘기 같아서 좀 찡했다", "moved"),
        ("오늘 그물 손질하느라 하루가 다 갔어요", "effort"),
        ("새벽 세시 반에 일어나는 거 10년째인데 아직도 적응 안돼", "effort"),
        ("언니랑 1년째 연락 안 하는데 조카 돌잔치 초대장이 왔어", None),  # a silence
        ("단짝이랑 연락 안 한 지 벌써 석 달째", None),  # a silence (had drawn "고생 많으셨어요")
        ("이 가게 한 지 20년째예요", "effort"),
        ("남편 출장 가서 집이 너무 조용해요", "quiet"),
        ("고향 바다가 그립다", "longing"),
        ("아버지가 처음으로 내 방송 들었다고 문자 보내셨어", "first"),
        ("오늘도 기사식당에서 제육볶음 먹었어요", "meal"),
        ("맛있는 거 먹고 있어", "meal"),
        ("설거지 다 하고 커피 한 잔 내렸어", "rest"),
        ("애기 재우고 다 식은 커피 마시면서 창밖 보고 있어요", "rest"),
        ("도서관에서 한국어 숙제 하고 있어요", "chores"),
        ("오늘 비번이라 빨래 두 번 돌렸어요", "chores"),
        # not those: medicine is no meal, a laugh first, a chore word naming something else,
        # a quiet place one likes, a day of smiling, a nap not taken, a hoarse voice
        ("약 먹었어", None),
        ("너무 매워서 물 세 컵 마셨어요ㅋㅋ", "laugh"),
        ("청소 반장님이 오늘 저한테 김치 한 통 싸주셨어요. 꼭 딸 같다고", "kindness"),
        ("오늘도 한국어 연습하러 왔어요", None),
        ("도서관 조용해서 좋아", None),
        ("하루 종일 입꼬리가 안 내려감ㅎㅎ", "laugh"),
        ("애기가 낮잠을 30분 이상을 안 자요", None),
        ("목이 다 쉬었어요", None),
        ("커피 쏟았어", "bad"),
        ("아직 점심 안 먹었어", None),
        ("숙제 안 했어", None),
        # someone else ate ("맛있게 드셨길 바라요" would answer the wrong person)
        ("룸메이트가 또 내 음식 먹었어", None),
        ("강아지가 간식 먹었어", None),
        ("내가 라면 먹었어", "meal"),
    ],
)
def test_moment_cues(text: str, cue: str | None) -> None:
    assert news_cue(analyse(text)) == cue


def test_a_moment_gets_its_second_sentence() -> None:
    assert reflect("오늘 그물 손질하느라 하루가 다 갔어요", news="effort") == (
        "오늘 그물 손질하느라 하루가 다 갔군요. 정말 고생 많으셨어요."
    )
    assert reflect("도서관에서 한국어 숙제 하고 있어요", news="chores") == (
        "도서관에서 한국어 숙제 하고 있는군요. 수고 많으세요."
    )


def test_a_miss_inside_a_clause_is_not_the_news() -> None:
    # "못 먹던 치킨": what the soldier could not eat before, not a miss today
    assert news_cue(analyse("부대에서 못 먹던 치킨 시켜서 한 마리 혼자 다 먹음ㅋㅋ")) == "laugh"


def test_every_cue_has_a_second_sentence_and_an_acknowledgement() -> None:
    assert set(NEWS) == set(CUES) == set(NEWS_ACKNOWLEDGEMENTS)
    assert all(sentence in replies() for sentences in NEWS.values() for sentence in sentences)


def test_the_cue_answers_only_when_nothing_surer_does() -> None:
    text = "서류 20군데 넣었는데 연락 온 데가 한 군데도 없어요"
    cue = news_cue(analyse(text))
    assert reflect(text, news=cue) == (
        "서류 20군데 넣었는데 연락 온 데가 한 군데도 없군요. 힘드시겠어요."
    )
    # a sure reading of the feeling comes first
    assert reflect(text, "불안", news=cue).endswith("걱정이 많이 되시겠어요.")


def test_acknowledgements_follow_the_news_but_never_answer_a_question_with_it() -> None:
    assert (
        acknowledgement("부대에서 포상휴가 받았어요ㅎㅎ", news="good")
        in NEWS_ACKNOWLEDGEMENTS["good"]
    )
    question = acknowledgement("합격하려면 뭐부터 해야 돼?", news="good")
    assert question not in NEWS_ACKNOWLEDGEMENTS["good"]
    # a sure emotion reading still decides
    assert acknowledgement("합격했어", "슬픔", news="good") not in NEWS_ACKNOWLEDGEMENTS["good"]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # remarks of the seen sets that got "조금 더 이야기해 주세요" or "이야기해 주셔서 고마워요"
        # (session 14)
        ("신부님이 전화하셔서 심장 멎는 줄.. 다행히 백업 있었어요", "relief"),
        ("감기 걸려서 목이 아파", "sick"),
        ("다음 달에 마라톤 나가볼까 해요. 처음이라 좀 겁나네요", "nervous"),
        ("면접 결과 때문에 걱정돼", "worried"),
        ("너무 신기해서 사진 엄청 찍었다", "amazed"),
        ("택시 합승했는데 옆자리가 고등학교 동창이었음 ㅋㅋ 세상 좁다", "amazed"),
        ("드디어 금요일이다", "finally"),
        ("요즘 너무 바빠", "busy"),
        ("친구들 내일 다 같이 놀이공원 가는데 나한테는 아무도 안 물어봄", "left_out"),
        # the others' good news and me left behind (blind sets Z11, Z12: "좋은 소식이네요!")
        ("동기들 다 승진했는데 나만 그대로야", "left_out"),
        ("친구들 다 합격했는데 저만 떨어졌어요", "left_out"),
        ("나만 합격했어", "good"),
        # a food wanted or planned, a game lost (blind set Z12)
        ("갑자기 붕어빵 먹고 싶네", "craving"),
        ("저녁에 친구랑 삼겹살 먹기로함", "craving"),
        ("아무것도 먹고 싶지 않아", None),
        ("약 먹기로 했어", None),
        ("어제 한화 또 졌어", "bad"),
        ("롤 랭크 또 졌어 ㅋㅋㅋ", "wry"),
        ("해가 졌어", None),
        ("베트남에 계신 엄마 머리가 많이 하얘졌어요", None),
        ("애기 예방접종 갔는데 와이프보다 제가 더 많이 울었어요..", "cried"),
        ("떡볶이 땡긴다", "craving"),
        ("오늘 첫 월급 들어왔다", "first"),
        ("졸려서 눈이 감겨", "tired"),
        ("방금 은행에서 전세대출 승인 문자 왔어!!! 우리 이사 갈 수 있다", "good"),
        # not those: sorrow is no illness, a child's crying, a slow day, no busyness
        ("마음이 너무 아파", "bad"),
        ("애기가 밤새 울었어요", None),
        ("오늘 첫 손님이 오후 세 시에 왔어요", None),
        ("요즘은 안 바빠", None),
        ("드디어 방학 끝남ㅠㅠ", "down"),  # a sad mark, nothing cheerful
    ],
)
def test_more_plain_cues(text: str, cue: str | None) -> None:
    assert news_cue(analyse(text)) == cue


def test_a_plan_told_with_려고요_is_said_back_and_wished_well() -> None:
    assert reflect("크리스마스에 가게에서 보드게임 토너먼트 열어보려구요") == (
        "크리스마스에 가게에서 보드게임 토너먼트 열어보려고 하시는군요. 잘되길 바랄게요."
    )
    assert (
        reflect("내년엔 세탁소 간판 바꿀라고요")
        == "내년엔 세탁소 간판 바꾸려고 하시는군요. 잘되길 바랄게요."
    )
    # someone else's plan keeps its subject and gets no 시
    assert reflect("남편이 이직하려고요") == "남편이 이직하려고 하는군요. 잘되길 바랄게요."
    # the plan of an earlier sentence decides the second sentence
    assert reflect("토요일에 제자들 작은 발표회 열 거예요. 동네 카페 하나 빌렸어요") == (
        "동네 카페 하나 빌렸군요. 잘되길 바랄게요."
    )


def test_a_plan_no_reflection_says_back_gets_a_wish() -> None:
    from assistant_plugins.smalltalk.cleaning import PLAN_ACKNOWLEDGEMENTS

    assert acknowledgement("겨울방학 동안 논문 초고 끝낼 거야", plan=True) in PLAN_ACKNOWLEDGEMENTS
    assert acknowledgement("뭐 할까?", plan=True) not in PLAN_ACKNOWLEDGEMENTS  # a question


def test_only_a_plainly_told_plan_gets_the_plan_acknowledgement() -> None:
    from assistant_plugins.smalltalk.morphemes import tells_plan

    for told in (
        "내일부터 운동하려고",
        "11월에 와이프랑 온천 여행 가기로 했어",
        "겨울방학 동안 논문 초고 끝낼 거야",
        "주말에 엔딩 볼 계획ㅋㅋ",
    ):
        assert tells_plan(told), told
    # a plan inside a complaint, a greeting, a deliberation, a request, a promise
    for other in (
        "인강 사이트 또 서버 터짐ㅡㅡ 하필 제일 중요한 수학 강의 들으려는데",
        "새벽 네시에 반죽 치대다가 인사하러 왔어 안뇽",
        "저녁에 고등어 구울까 삼치 구울까? 애들은 둘 다 잘 먹어",
        "꿀 선물세트 라벨에 넣을 짧은 문구 뭐가 좋을까? 너무 촌스럽지 않게",
        "나 이제 잘게",
        "어제 갈 거였는데",
    ):
        assert not tells_plan(other), other


def test_illness_praise_and_plans_read_right() -> None:
    assert news_cue(analyse("배가 아파서 조퇴했어")) == "sick"
    # others' pain is no illness of the user's
    assert (
        news_cue(analyse("스케일링 받고 잇몸 아프다는 분들 치실은 절대 안 쓰심 ㅋㅋ 하")) != "sick"
    )
    # praise outweighs the nerves before it
    assert news_cue(analyse("많이 떨렸는데 교수님이 잘했다고 했어요!")) == "good"
    # the nearest pairs' feeling is no guess about a plan
    assert reflect("첫 손님 태우기 전에 인사나 하려고요", mood=-1) == (
        "첫 손님 태우기 전에 인사나 하려고 하시는군요. 잘되길 바랄게요."
    )


def test_cues_read_whose_tears_and_which_trembling() -> None:
    # the nearest subject decides whose crying it is
    assert (
        news_cue(analyse("애 둘이 동시에 울면 진짜 답이 없어요… 한 명 안으면 다른 한 명이 더 울어"))
        is None
    )
    assert news_cue(analyse("영화 보다가 펑펑 울었어")) == "cried"
    # tired arms are no nerves; nobody talking after a loss is no exclusion
    assert news_cue(analyse("피아노를 5층까지 올렸어요. 아직도 팔이 덜덜 떨림 ㅋㅋ")) == "laugh"
    assert news_cue(analyse("경기 지고 숙소 들어왔는데 아무도 말을 안 함")) != "left_out"
    # a guess ("것 같다") is no plan to wish well
    assert reflect("허리 끊어질 것 같다 오늘 지하 보일러실만 세 군데 기어들어갔어") is not None
    assert not reflect("허리 끊어질 것 같다 오늘 지하 보일러실만 세 군데 기어들어갔어").endswith(
        "잘되길 바랄게요."
    )


def test_an_opening_greeting_is_said_back() -> None:
    from assistant_plugins.smalltalk.cleaning import greeting_back

    assert greeting_back("좋은 아침이에요! 새벽 5시에 남편 배웅하고 왔어요") == "좋은 아침이에요!"
    assert (
        greeting_back("이랑아 안녕~ 방금 첫 손님 커트 끝내고 한숨 돌리는 중ㅎㅎ", "이랑")
        == "안녕하세요!"
    )
    assert greeting_back("새벽 네시에 반죽 치대다가 인사하러 왔어 안뇽") == "안녕하세요!"
    assert (
        greeting_back("좋은 저녁이에요. 퇴직하고 나니 저녁 인사 건넬 사람이 반갑네요")
        == "좋은 저녁이에요!"
    )
    # goodbyes, and remarks without a greeting, get none
    assert greeting_back("안녕 나 이제 잘게") is None
    assert greeting_back("안녕히 주무세요") is None
    assert greeting_back("오늘 안녕하지 못한 하루였어") is None


def test_a_greeting_sentence_is_never_said_back() -> None:
    assert reflect("좋은 저녁이에요. 퇴직하고 나니 저녁 인사 건넬 사람이 반갑네요") is None
    assert news_cue(analyse("굿모닝 새벽 수업 두 타임 끝내고 왔어요")) == "chores"
    assert news_cue(analyse("방금 첫 손님 커트 끝내고 한숨 돌리는 중")) == "rest"


def test_a_greeting_frames_the_reply_once() -> None:
    from assistant_plugins.smalltalk.cleaning import greeting_back

    # "오랜만에" is an adverb, not a hello
    assert greeting_back("오랜만에 본가 왔더니 내 방이 창고가 돼 있었어") is None
    # an opening hello is not said back inside the reflection
    assert (
        reflect("좋은 아침! 빵 굽다가 잠깐 들렀어")
        == "빵 굽다가 잠깐 들렀군요. 조금 더 이야기해 주세요."
    )
    # arriving to do something is no trip to wish well
    assert not reflect("오늘도 한국어 연습하러 왔어요").endswith("잘 다녀오세요!")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # remarks of blind set Z (seen after its look, session 14) that got a generic reply
        ("오늘 계약 하나 성사됐어요! 3주 동안 집 보여드린 보람이 있네요", "good"),
        ("오늘 경로당 바둑 대회에서 3등 했어. 상품으로 쌀 10kg 받았지 허허", "good"),
        ("손가락 살짝 찍혔어요 큰 건 아니고 멍만 들었네요", "relief"),
        ("오늘 출동 나간 집 가족분들 다 무사하셨어요", "relief"),
        ("단골 이발소가 이달 말에 문 닫는대요. 오늘 마지막으로 머리 깎고 왔네요", "last"),
        ("고시원 살다가 오늘 창문 있는 원룸으로 이사 왔어요", "moved_home"),
        ("저 이번 주에 이사했어요", "moved_home"),
        ("손녀 대국을 옆에서 지켜보는데 내 손에 땀이 더 나더라", "nervous"),
        ("점심 장사 끝나고 직원들이랑 볶음밥 해서 먹는 중이에요", "meal"),
        ("설치 기사님이 오후 2시~6시 사이에 온대요 ㅡㅡ 하루 통째로 날림", "annoyed"),
        ("옆방 코 고는 소리까지 다 들림 ㅠㅠ", "down"),
        # someone else's move; tears of joy stay good news
        ("옆방 사람이 오늘 이사 갔는데 문고리에 떡을 걸어두고 갔더라구요", None),
        ("합격했어ㅠㅠ", "good"),
    ],
)
def test_cues_found_on_set_z(text: str, cue: str | None) -> None:
    assert news_cue(analyse(text)) == cue


def test_a_funny_story_gets_a_laugh_back() -> None:
    from assistant_plugins.smalltalk.cleaning import FUNNY_ACKNOWLEDGEMENTS

    told = "남편이 쌍둥이 재우다가 본인이 먼저 잠들었어요 ㅋㅋㅋ 셋이 나란히 누워서"
    assert acknowledgement(told, news="laugh") in FUNNY_ACKNOWLEDGEMENTS
    # a smile (ㅎㅎ) keeps the pleased acknowledgement
    assert (
        acknowledgement("떡볶이 한 통 주고 가셨어요 ㅎㅎ", news="laugh")
        in NEWS_ACKNOWLEDGEMENTS["laugh"]
    )


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # remarks of sets Z and Z2 (seen after their looks, session 15) answered generically
        ("오늘 정전 복구하러 간 아파트에서 주민분이 식혜 한 병 주셨어요 ㅎㅎ", "kindness"),
        ("작업반장님이 오늘 제 실수 대신 수습해주셨어요 담에 소주 한잔 사야겠어요", "kindness"),
        (
            "리허설에서 박자 완전 놓쳤는데 교수님이랑 눈 마주침... 아 땅 파고 들어가고 싶다",
            "embarrassed",
        ),
        ("발표하다가 이름을 틀리게 불렀어요 너무 창피해", "embarrassed"),
        ("오늘 커트만 11명 했어요 손목 나갈 듯 ㅋㅋ", "strain"),
        ("택배 300개 날랐더니 허리 끊어질 것 같아", "strain"),
        # no gift, no shame, no strain
        ("선생님이 숙제 내주셨어", None),
        ("엄마가 혼내 주셨어", None),
        ("내가 친구한테 선물 줬어", None),
        ("하나도 안 창피했어", None),
        ("합격 소식 눈 빠지게 기다렸어", "good"),
    ],
)
def test_cues_found_on_sets_z_and_z2(text: str, cue: str | None) -> None:
    assert news_cue(analyse(text)) == cue
