"""She picks one of two things when asked ("너는 소금빵파야 크루아상파야?")."""

from __future__ import annotations

from assistant_plugins.smalltalk.choice import choice_reply, options
from assistant_plugins.smalltalk.memory import MemoryPair, ReplyMemory
from assistant_plugins.smalltalk.pipeline import ReplyPipeline, load_persona


def test_taste_and_pick_questions_put_to_her_get_a_pick() -> None:
    taste = choice_reply("너 만약 빵 하나만 고른다면 소금빵파야 크루아상파야?")
    assert taste is not None and taste.startswith("저는 ") and "파예요!" in taste
    assert "소금빵" in taste and "크루아상" in taste
    picked = choice_reply("이랑아 짜장면이랑 짬뽕 중에 뭐가 나아?")
    assert picked in (
        "저는 짬뽕이 더 끌려요! 짜장면도 좋지만요. 어느 쪽이세요?",
        "저는 짜장면이 더 끌려요! 짬뽕도 좋지만요. 어느 쪽이세요?",
    )
    assert choice_reply("야식으로 치킨 vs 떡볶이 골라줘ㅋㅋ") is not None
    assert choice_reply("이랑씨는 바다가 좋아요 산이 좋아요?") is not None


def test_the_pick_does_not_depend_on_the_order_asked() -> None:
    one = choice_reply("너는 바다가 좋아 산이 좋아?")
    two = choice_reply("너는 산이 좋아 바다가 좋아?")
    assert one == two


def test_advice_clauses_and_her_name_as_a_particle_get_no_pick() -> None:
    # advice between two things is not hers to decide by a coin
    assert choice_reply("혼자 사는데 전기장판 vs 온수매트 뭐가 나아?") is None
    # "고정이랑" is a particle, not her name
    assert choice_reply("전세 대출 금리 고정이랑 변동 중에 뭐가 나을까?") is None
    # clauses, not things
    assert options("야간 근무 끝나고 바로 자는 게 나아 아니면 좀 버티다 자는 게 나아?") is None
    assert choice_reply("이랑이는 비 오는 날이 좋아 맑은 날이 좋아?") is None
    assert choice_reply("우리 팀은 민트초코파 반민트초코파로 갈렸어") is None
    assert choice_reply("파김치 담글 때 쪽파 대신 대파로 해도 되나?") is None


def test_a_persona_answer_about_the_same_two_things_wins() -> None:
    known = [("너 바다파야 산파야?", "저는 바다파예요. 어디 다녀오실 계획 있으세요?")]
    assert choice_reply("이랑아 너는 산이랑 바다 중에 어디가 좋아?", known=known).startswith(
        "저는 바다가 더 끌려요!"
    )
    torn = [("너 강아지파야 고양이파야?", "둘 다 좋아서 정말 못 고르겠어요ㅎㅎ")]
    assert choice_reply("넌 고양이파야 강아지파야?", known=torn) == torn[0][1]


def test_the_pipeline_answers_with_a_pick_when_no_pair_fits() -> None:
    pairs = [MemoryPair("m:0", "점심 뭐 먹지", "김밥 어떠세요?", 0, "m.csv")]
    pipeline = ReplyPipeline(ReplyMemory.build(pairs), load_persona("이랑"))
    choice = pipeline.choose("너는 소금빵파야 크루아상파야", punctuation="?")
    assert choice.source == "choice" and choice.best is None
    assert choice.text.endswith("어느 쪽이세요?")
    plain = pipeline.choose("오늘 소금빵 사 먹었어")
    assert plain.source != "choice"
