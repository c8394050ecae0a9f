"""What a question asks of her when no memory pair answers it (asking.py, session 25)."""

from __future__ import annotations

import pytest

from assistant_plugins.smalltalk.asking import REPLIES, asked_for, asked_reply, asks_if_safe
from assistant_plugins.smalltalk.cleaning import CANNED_REPLIES, acknowledgement


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("오늘 처음으로 월 목표 채웠어요! 저 잘했죠?", "praise"),
        ("물에 빠질뻔한 애 바로 건져냈어 나 대처 잘한거지?", "praise"),
        ("몸 안 좋은 거 치고 오늘 칠천보나 걸었어 칭찬해줘", "praise"),
        ("오늘 폰 엄마한테 맡기고 순공 10시간 찍음 나 잘했지 ㅠㅠ", "praise"),
        ("휴게소서 졸려가 30분 자고 출발했다 잘한기제?", "praise"),
        ("마감 하루 앞당겨서 넘겼어요 ㅎㅎ 저 칭찬 좀 해주실래요", "praise"),
        ("오랜 친구랑 손절했는데 잘한 건지 모르겠다", "doubt"),
        ("크레인 그만두고 치킨집 차리는거 어떻게 생각해?", "decision"),
        ("배달 다니면서 부업으로 떡 쇼핑몰 해볼까 하는데 어때", "plan"),
        ("성인 취미반 이름을 '토슈즈 클럽'으로 지을까 하는데 괜찮아요?", "plan"),
        ("차 할부 끝나면 바로 윙바디로 바꿀까 싶은데 어떻노", "plan"),
        ("단가가 몇년째 그대로라 거래처에 10% 올려달라고 할까 하는데 괜찮을까요", "plan"),
        ("넷째 입양할까 고민중인데 셋째가 좀 예민해서... 괜찮을까", "worried_plan"),
        ("주말 중에 하루는 랩 안 나오고 쉴까 하는데 괜찮을까 교수님 눈치 보여서", "worried_plan"),
        ("십 년 된 차 고쳐 쓸까 바꿀까 고민인데 니 생각은 어떻노", "advice"),
        ("소규모 양조장 기준으로 병입이 나아 캔입이 나아", "advice"),  # no "?" needed
        ("배달앱 수수료 너무 비싸서 전화 주문만 받을까 하는데 망할까?ㅋㅋ", "worried_plan"),
        ("평일 낮에 주부 대상 클래스 열어볼까 하는데 수요 있을까", "worried_plan"),
        ("펍 옆에 작은 양조 클래스 열어볼까 하는데 이랑 생각엔 손님 올 것 같아?", "worried_plan"),
        ("초음파 쪽 자격 따서 부서 옮겨볼까 하는데 고민이에요 어떻게 보세요", "plan"),
        ("표고버섯 말릴때 햇볕이 좋아 건조기가 좋아?", "advice"),
        ("증손주 돌잔치에 금반지 해줄까 현금이 나을까", "advice"),
        ("트럭 캡 안에 작은 냉장고 설치할까 말까", "advice"),
        ("전기장판이랑 온수매트 중 뭐가 나을까요", "advice"),
        ("감기약 먹고 커피 마셔도 돼?", "health"),
        ("파스 붙이고 그 위에 바로 찜질팩 해도 되나? 허리가 넘 쑤셔서", "health"),
        ("임산부가 먹으면 안 되는 음식 알려줄래?", "health"),
        ("강아지가 귤 먹어도 되나요", "pet"),
        ("햄스터한테 해바라기씨 많이 줘도 돼?", "pet"),
    ],
)
def test_what_a_question_asks(text: str, kind: str) -> None:
    assert asked_for(text) == kind
    assert asked_reply(text) == REPLIES[kind]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "오늘 점심 뭐 먹지?",
        "선물로 뭐가 좋을까?",  # a pick of her tips, not a view on a plan
        "만화카페 라면 메뉴에 토핑 추가할까 하는데 뭐가 좋을까",  # one thing asked, not two
        "비시즌에 체력 유지하려면 머 하는게 좋을까",
        "이랑아 넌 겨울이 좋아 여름이 좋아?",  # her own taste: choice.py or the acknowledgement
        "나 잘했지만 아쉬워",
        "조별 발표 내가 맡았는데 교수님이 칭찬해주심 ㅋㅋ 새내기 인생 첫 칭찬",
        "사과 따기 시작했는데 올해 작황이 영 별로야",
        "오늘 몇 시에 잘까 하는데 어때",  # asks what time: a tip, not a view
        "시즌 끝나면 뉴질랜드 가서 스키 강사 해보려구요 거긴 우리 여름이 겨울이니까",
        "수능 끝났어요 가채점해 보니까 생각보다 잘 본 것 같아요",
        "마을 이장님이 우편물 대신 받아주시겠다는데 그래도 되나?",  # not about a body
        "죽어버릴까 하는데 어때?",  # never a go-ahead, whatever the safety plugin missed
        "다 끝낼까 하는데 어떻게 생각해?",
    ],
)
def test_what_asks_none_of_those(text: str) -> None:
    assert asked_for(text) is None


def test_the_last_resort_answers_what_is_asked_before_the_feeling() -> None:
    text = "오늘 유족분이 덕분에 잘 모셨다고 손 잡아주셨어요. 저 잘한 거죠?"
    assert acknowledgement(text, emotion="슬픔") == REPLIES["praise"]
    assert acknowledgement("펭귄은 무릎이 있을까?") != REPLIES["praise"]
    assert set(REPLIES.values()) <= set(CANNED_REPLIES)  # known words for the made-up-word rate


def test_a_question_of_those_kinds_is_never_said_back() -> None:
    """Blind set Z17 (session 25): "에너지드링크 하루에 두캔 마셔도 괜찮나 요즘 이거 없으면
    못버팀ㅠ" had been said back whole ("…못버티는군요"), a broken reply."""
    from assistant_plugins.smalltalk.memory import MemoryPair, ReplyMemory
    from assistant_plugins.smalltalk.pipeline import ReplyPipeline

    pipeline = ReplyPipeline(ReplyMemory.build([MemoryPair("m:0", "배고파", "밥 드세요.", 0, "m")]))
    said = pipeline.choose("에너지드링크 하루에 두캔 마셔도 괜찮나 요즘 이거 없으면 못버팀ㅠ")
    assert (said.source, said.text) == ("neutral", REPLIES["health"])
    praised = pipeline.choose("오늘 폰 엄마한테 맡기고 순공 10시간 찍음 나 잘했지 ㅠㅠ")
    assert praised.text == REPLIES["praise"]
    # praise also wins over a retrieved pair that would answer (advice, not a "yes")
    asked = "면접에서 모르는 질문 솔직히 모른다고 했어 잘한거 맞지?"
    told = "면접에서 모르는 질문 솔직히 모른다고 했어"  # a pair that does not ask for praise
    advice = MemoryPair("m:1", told, "모른다고 한 뒤에 어떻게 알아볼지 말하면 좋아요.", 0, "m")
    memory = ReplyMemory.build([advice, MemoryPair("m:0", "배고파", "밥 드세요.", 0, "m")])
    assert ReplyPipeline(memory).choose(asked).text == REPLIES["praise"]
    # ... but a pair that asks for praise too keeps its own praise
    asked = "이번 주에 헬스장 3일 연속 갔다 나 칭찬해줘"
    cheered = MemoryPair("m:2", asked, "3일 연속이라니 멋져요!", 0, "m")
    memory = ReplyMemory.build([cheered, MemoryPair("m:0", "배고파", "밥 드세요.", 0, "m")])
    kept = ReplyPipeline(memory).choose(asked)
    assert kept.text == "3일 연속이라니 멋져요!"


def test_only_a_question_of_safety_answers_one() -> None:
    assert asks_if_safe("강아지 귤 먹어도 돼?")
    assert asks_if_safe("강아지한테 주면 안되는 음식")
    assert not asks_if_safe("임산부 선물 추천해 주세요")
