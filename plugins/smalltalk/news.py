"""What a remark tells when no feeling is read: good or bad news, a miss, tiredness, a duty,
or a laugh.

The reflection's second sentence and the last-resort acknowledgement answer the user's
feeling when the emotion reading is sure, else the feeling the memory's nearest pairs agree
on. Without either they had only "조금 더 이야기해 주세요", which the blind raters called
generic even where the remark plainly told good or bad news ("서류 20군데 넣었는데 연락 온
데가 한 군데도 없어요", "합격 문자 몇 번을 다시 읽었는지 모르겠어ㅋㅋㅋ"). :func:`news_cue`
reads such plain cues from Kiwi's morphemes (issue 13)::

    good   an outcome people congratulate: 합격, 통과, 당첨, 승진, 해내다, 득템, …
    bad    a mishap or a quarrel: 실수, 고장, 싸우다, 혼나다, 잃어버리다, "하나도 … 없다", …;
           a game or a match lost (지다 with a game word or a team's name, session 23)
    missed something one could not do: 못 + the final verb ("첫눈 못 봤어"; "잠을 못 잤어" is tired)
    tired  worn out: 후들거리다, 녹초, 피곤하다, 지치다, …
    duty   a thing one has to do: -어야 되다 / -어야 하다
    laugh  ㅋㅋ / ㅎㅎ right after a told sentence, with none of the above
    wry    a laugh over bad news or a miss ("물조절 실패해서 국이 됐어ㅋㅋ"): laughing it off

Everyday moments without news got "조금 더 이야기해 주세요" too, which the raters of blind
sets T–W called generic in 78 of the reflections they rated (an echo and "tell me more").
Plainer cues answer those (session 13)::

    moved    tears or being touched: 눈물, 감동, 뭉클, 울컥, 찡, 감격
    effort   a long effort: -느라, "10년째" (not 하루 종일: "하루 종일 입꼬리가 안 내려감ㅎㅎ")
    quiet    a quiet, empty home: 허전, 쓸쓸, 적적, 빈자리, 조용하다 (not with 좋다)
    longing  missing someone: 그립다
    first    a first time: 처음으로
    meal     a meal eaten or being eaten: the final verb 먹다 / 마시다 (not 약, 욕, 마음, 겁, 나이)
    rest     a break: 커피, 휴식, 산책
    chores   work or chores done or under way: 숙제, 공부, 청소, 빨래, 설거지, 정리, 준비, …

Blind sets X and Y still got an echo and "tell me more" for 169 remarks, all rated generic,
and the acknowledgement's "그랬군요. 이야기해 주셔서 고마워요." for most remarks no reflection
could say back. More plain cues answer those (session 14)::

    relief   다행, 다행히 (a mishap averted wins over the mishap: "심장 멎는 줄.. 다행히 백업 있었어요")
    sick     a cold, a fever, pain of the body: 감기, 몸살, 아프다 (not 마음/가슴이 아프다)
    nervous  nerves before something: 겁나다, 떨리다, 긴장, 무섭다, 두렵다
    worried  worry: 걱정, 불안, 초조
    amazed   something curious: 신기하다, "세상 좁다"
    finally  a long wait over: 드디어 (not with ㅠ)
    busy     바쁘다
    left_out nobody asked or called: "아무도 안 물어봄", "나만 빼고"; left behind while the
             others got on ("동기들 다 승진했는데 나만 그대로야": wins over the good news)
    cried    the user cried: 울다 (not a child's or a pet's crying)
    craving  a food one craves: 땡기다; or wants or plans to eat: -고 싶다, -기로 하다, -러 가다,
             -ㄹ 거다 (session 23)
    first    also 첫 + a noun told in the past ("첫 월급 들어왔다"; not 첫 손님, 첫날)

And, found on blind set Z after its look: 성사, 보람 and "3등 했어" as good news, 무사 and
"큰 건 아니고" as relief, plus::

    last        a last time: "오늘 마지막으로 머리 깎고 왔네요"
    moved_home  one's own move ("원룸으로 이사 왔어요"; not "옆방 사람이 이사 갔는데")
    annoyed     ㅡㅡ when nothing else speaks ("하루 통째로 날림 ㅡㅡ")
    down        ㅠ / ㅜ when nothing else speaks ("옆방 코 고는 소리까지 다 들림 ㅠㅠ")

And, after sets Z and Z2 had their looks (session 15), where an echo and "tell me more" or
"그렇군요" was all a kind deed, an embarrassing moment or a strained wrist got::

    kindness     someone else did the user a kindness: a named giver + 주다 done
                 ("주민분이 식혜 한 병 주셨어요", "반장님이 제 실수 대신 수습해주셨어요")
    embarrassed  민망, 창피, 쪽팔리다, 망신, "땅 파고 들어가고 싶다", 쥐구멍 (not negated)
    strain       a body part worn out: "손목 나갈 듯", "허리 끊어질 것 같아", "눈 빠질 듯"
                 (not "눈 빠지게 기다렸어")

A laugh told with ㅋㅋ gets "ㅋㅋ 상상만 해도 웃기네요!" as the last-resort acknowledgement
(``cleaning.FUNNY_ACKNOWLEDGEMENTS``), a smile (ㅎㅎ) the pleased one.

Good and bad news together is mixed news: no cue. Good news hoped for ("제발 당첨") is no
news, and a remark with a question mark anywhere gets no cue (its words are asked about,
not told). 붙다 is left out: "배송비 붙었어요" is no pass (blind set T).
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant_plugins.smalltalk.morphemes import coarse_tag

#: clearly good / bad feelings and outcomes, as search tokens (``morphemes.tokens``); a
#: retrieved match whose feeling is the opposite of the remark's answers another story
#: (``pipeline.polarity``)
GOOD_WORDS = frozenset(
    {"행복/N", "행복하/V", "좋/V", "최고/N", "기쁘/V", "설레/V", "신나/V", "뿌듯하/V", "재밌/V",
     "재미있/V", "즐겁/V", "다행/N", "붙/V"}
)  # fmt: skip
BAD_WORDS = frozenset(
    {"최악/N", "힘들/V", "슬프/V", "우울/N", "우울하/V", "짜증/N", "속상하/V", "떨어지/V",
     "망하/V", "싫/V", "외롭/V", "서럽/V", "괴롭/V", "지치/V", "재미없/V", "아쉽/V", "화나/V",
     "실망/N"}
)  # fmt: skip
#: good news: those words but 좋다 alone ("날씨 좋다"), 붙다 ("배송비 붙었어요", blind set T),
#: 재밌다 (a film, not news) and 다행 (relief, below), plus outcomes people congratulate
GOOD = (GOOD_WORDS - {"좋/V", "붙/V", "재밌/V", "재미있/V", "다행/N"}) | frozenset(
    {"합격/N", "통과/N", "성공/N", "당첨/N", "우승/N", "입상/N", "수상/N", "승진/N", "포상/N",
     "승인/N", "성사/N", "보람/N", "끝내주/V", "칭찬/N", "만점/N", "장학금/N", "보너스/N", "달성/N", "완주/N", "득템/N", "신기록/N",
     "뽑히/V", "해내/V", "친해지/V", "이기/V", "성공하/V"}
)  # fmt: skip
#: bad news: those words but a lasting mood (우울, 재미없다) and 지치다 (tiredness, below),
#: plus mishaps, quarrels and losses
BAD = (BAD_WORDS - {"우울/N", "우울하/V", "재미없/V", "지치/V"}) | frozenset(
    {"실수/N", "실패/N", "고장/N", "사고/N", "지각/N", "탈락/N", "취소/N", "연패/N", "너프/N",
     "싸우/V", "다투/V", "혼나/V", "깨지/V", "다치/V", "넘어지/V", "놓치/V", "잃어버리/V", "잃/V",
     "끊기/V", "밀리/V", "잘리/V", "서운하/V", "아프/V", "늦/V", "쏟/V", "엎/V", "욕먹/V",
     "씁쓸/N", "억울/N", "답답/N"}
)  # fmt: skip
#: what one wins or loses: a game, a match, a bet (a team's name is a proper noun)
GAMES = frozenset(
    {"경기", "게임", "랭크", "랭겜", "판", "시합", "야구", "축구", "농구", "배구", "롤", "배그",
     "대회", "결승", "예선", "내기", "가위바위보", "한판", "토너먼트"}
)  # fmt: skip
#: ... of being worn out
TIRED = frozenset(
    {"후들거리/V", "녹초/N", "피곤/N", "피곤하/V", "지치/V", "뻗/V", "야근/N", "밤새/V", "밤샘/N",
     "졸리/V"}
)  # fmt: skip
#: ... of embarrassment (news_cue also reads "땅 파고 들어가고" and 쥐구멍)
EMBARRASSED = frozenset({"민망/N", "민망하/V", "창피/N", "창피하/V", "쪽팔리/V", "망신/N"})
#: ... of a body part worn out: a part, then one of these within two words
_STRAINED_PARTS = {"손목", "허리", "어깨", "목", "다리", "무릎", "눈", "팔", "발목", "손가락"}
_STRAIN_VERBS = {"나가", "빠지", "끊어지", "부러지", "쑤시", "결리", "뻐근하"}
#: ... of an illness of the body (아프다 only without 마음 / 가슴: "마음이 아파" is sorrow)
SICK = frozenset(
    {"감기/N", "몸살/N", "독감/N", "기침/N", "두통/N", "장염/N", "콧물/N", "열나/V", "아프/V"}
)  # fmt: skip
_HEART = {"마음", "가슴", "맘"}
#: ... of nerves before something, and of worry
NERVOUS = frozenset({"겁나/V", "떨리/V", "긴장/N", "긴장되/V", "무섭/V", "두렵/V"})
WORRIED = frozenset({"걱정/N", "걱정되/V", "불안/N", "불안하/V", "초조/N", "초조하/V"})
#: ... of something curious
AMAZED = frozenset({"신기/N", "신기하/V"})
#: words of being touched, of a quiet home, of a break, of chores (see the module docstring)
MOVED = frozenset({"눈물", "감동", "뭉클", "울컥", "찡", "감격"})
QUIET = frozenset({"허전", "쓸쓸", "적적", "빈자리"})
#: (not 낮잠: "애기가 낮잠을 안 자요"; not 쉬다: "목이 다 쉬었어요", blind set V)
REST = frozenset({"커피", "휴식", "산책"})
CHORES = frozenset(
    {"숙제", "공부", "과제", "청소", "빨래", "설거지", "정리", "준비", "연습", "작업", "마감",
     "보고서", "업무", "근무", "알바", "장보기", "살림", "손질", "이사", "대청소"}
)  # fmt: skip
#: what one eats that is no meal ("약 먹었어", "욕 먹었어", "마음 먹었어", "겁 먹었어")
_NO_MEAL = {"약", "영양제", "욕", "마음", "겁", "나이", "한약", "감기약", "진통제"}
#: counters after which 째 tells how long ("10년째", "3일째")
_SPANS = {"년", "일", "달", "개월", "주", "시간"}
#: "하나도 / 아무도 / 한 군데도 … 없다": nothing came of it
_NOTHING = {"하나", "아무", "한"}
#: verbs whose 못 is an idiom, not a miss ("못 참겠다", "못 말려")
#: verbs that tell an outcome after 잘 in the past: "잘 나왔어", "잘 풀렸어", "잘 끝났어" (not
#: 보다: "영화 잘 봤어" is thanks or enjoyment as often as an exam done well)
_WENT_WELL = ("나오", "풀리", "끝나", "되")
_NOT_A_MISS = {"참", "말리", "살", "정하"}  # "아직 못 정했어": undecided (set Z10)


def _told(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether ``morphs[at]`` is a verb that ends its sentence (only pre-final endings
    between it and the final one)."""
    if at >= len(morphs) or morphs[at][1] != "VV":
        return False
    rest = [tag for _form, tag in morphs[at + 1 :]]
    while rest and rest[0] == "EP":
        rest = rest[1:]
    return bool(rest) and rest[0] == "EF"


def _nothing(before: Sequence[tuple[str, str]]) -> bool:
    """Whether the words before 없다 say "none at all" (하나도, 아무도, 한 군데도)."""
    return any(form in _NOTHING for form, _tag in before) and ("도", "JX") in before


CUES = (
    "relief", "embarrassed", "kindness", "good", "bad", "sick", "missed", "tired", "nervous",
    "worried", "moved", "cried", "effort", "quiet", "longing", "left_out", "last", "moved_home",
    "first", "finally", "amazed", "busy", "strain", "duty", "laugh", "meal", "craving", "rest",
    "chores", "wry", "annoyed", "down",
)  # fmt: skip
#: cues of a bad turn and of a good one: a sure emotion reading of the opposite feeling gives
#: way to them in the reply's feeling line (``pipeline.contradicts``; the model read "오늘 첫눈
#: 왔다던데 난 못 봤어ㅠ" as 기쁨 and tears of pride as 슬픔: blind set Z3, session 15)
BAD_TURNS = frozenset(
    {"bad", "missed", "down", "sick", "annoyed", "left_out", "tired", "embarrassed", "last",
     "worried", "nervous", "strain", "wry"}
)  # fmt: skip
GOOD_TURNS = frozenset({"good", "relief", "first", "finally", "moved"})
#: the news cues proper: with one of them the plainer moments are not looked for
_NEWS = {"relief", "good", "bad", "sick", "missed", "tired", "nervous", "worried", "amazed",
         "embarrassed"}  # fmt: skip
#: whose crying is no cue of the user's ("애기가 밤새 울어요")
_CRIERS = {"아기", "애기", "애", "아이", "아들", "딸", "조카", "손주", "동생", "강아지", "고양이",
           "냥이", "댕댕이", "쌍둥이"}  # fmt: skip
_BODY = {"팔", "다리", "손", "몸", "손가락", "무릎", "허벅지", "종아리", "턱"}
#: verbs of being asked along, called or told: nobody did it ("아무도 안 물어봄")
_INCLUDING = {"물어보", "묻", "연락", "연락하", "챙기", "부르", "초대", "초대하", "알리", "알려주",
              "끼우", "끼워주", "축하", "축하하", "놀아주"}  # fmt: skip
#: the speaker as a subject (나는, 내가, 저는, 제가)
_ME = {"나", "저", "내", "제"}
#: negation: 안 / 못 before a predicate, 않다 after it
_NEGATORS = (("안", "MAG"), ("못", "MAG"), ("않", "VX"))
#: nouns after 첫 that tell no milestone ("첫 손님이 오후 세 시에 왔어요": a slow day)
_NOT_FIRSTS = {"손님", "날", "주", "차", "번째", "끼"}
#: final verbs of a chore done or under way ("숙제 하고 있어요", "빨래 다 했어"); a chore word
#: elsewhere names something else ("청소 반장님이 김치 싸주셨어요", blind set U)
_CHORE_VERBS = {"하", "끝내", "마치", "끝나", "치우", "개", "돌리", "널", "쓰"}


def _final_verb(morphs: Sequence[tuple[str, str]]) -> str | None:
    """The stem of the verb that ends the remark ("먹었어요", "하고 있어"), else None."""
    body = list(morphs)
    while body and body[-1][1] in ("SF", "SW", "SE", "SS", "SO"):
        body.pop()
    if not body or body[-1][1] != "EF":
        return None
    at = len(body) - 2
    while at >= 0 and body[at][1] == "EP":
        at -= 1
    if at >= 2 and body[at] == ("있", "VX") and body[at - 1] == ("고", "EC"):
        at -= 2  # under way: "숙제 하고 있어요"
    if (
        at >= 3
        and body[at][1] == "VCP"
        and body[at - 1] == ("중", "NNB")
        and body[at - 2][1] == "ETM"
    ):
        at -= 3  # under way: "볶음밥 해서 먹는 중이에요"
    return body[at][0] if at >= 0 and body[at][1] == "VV" else None


def _negated_next(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether the first predicate after ``morphs[at]`` is negated: "1년째 연락 안 하는데"
    tells of a silence, not of an effort ("10년째인데" does)."""
    for j in range(at + 1, len(morphs)):
        form, tag = morphs[j]
        if tag == "MAG" and form in ("안", "못"):
            return True
        if tag in ("VV", "VA", "VCP", "XSV", "XSA"):
            after = morphs[j + 1 : j + 3]
            return any(f in ("않", "못하") and t == "VX" for f, t in after)
    return False


def _time_since(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether the span before ``morphs[at]`` counts the time since something was not done
    (안/못 … -ᆫ 지): "연락 안 한 지 벌써 석 달째" tells of a silence, not of an effort ("가게
    한 지 20년째" does)."""
    span = morphs[max(0, at - 9) : at]
    since = [i for i, (f, t) in enumerate(span) if f == "지" and t == "NNB"]
    return bool(since) and any(
        (t == "MAG" and f in ("안", "못")) or (t == "VX" and f in ("않", "못하"))
        for f, t in span[: since[-1]]
    )


def _after_number(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether a number comes right before ``morphs[at]`` ("3등")."""
    return at > 0 and morphs[at - 1][1] in ("SN", "NR")


def _no_big_deal(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """ "큰 건 아니고", "큰일은 아니에요": a mishap that turned out small."""
    window = [f for f, _t in morphs[at + 2 : at + 6]]
    return "아니" in window


def _negated_at(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether the predicate at ``at`` is negated: 안 / 못 before it, 않다 / 못하다 after it."""
    return (at > 0 and morphs[at - 1] in (("안", "MAG"), ("못", "MAG"))) or any(
        f in ("않", "못하") and t == "VX" for f, t in morphs[at + 1 : at + 3]
    )


def _ill(morphs: Sequence[tuple[str, str]], at: int, forms: set[str]) -> bool:
    """Whether the illness word at ``at`` is told of the speaker: 아프다 only as a told
    predicate or a cause ("목이 아파", "아파서"), never of the heart ("마음이 아파") or of
    others ("잇몸 아프다는 분들")."""
    if morphs[at][0] != "아프":
        return True
    if forms & _HEART:
        return False
    rest = [(f, t) for f, t in morphs[at + 1 : at + 3] if t != "EP"]
    return bool(rest) and (rest[0][1] == "EF" or rest[0][0] in ("어서", "아서", "서", "어"))


def _cried_oneself(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether the crying at ``at`` is the user's: the nearest subject before it is 나/저
    ("애기 접종 갔는데 제가 더 울었어요"), or there is none and no child or pet is named
    ("영화 보다가 펑펑 울었어"; not "애기가 밤새 울었어요", "한 명 안으면 다른 한 명이 더 울어")."""
    subject = _subject_before(morphs, at)
    if subject is not None:
        return subject in _ME
    return not {form for form, _tag in morphs} & _CRIERS


def _subject_before(morphs: Sequence[tuple[str, str]], at: int) -> str | None:
    """The nearest noun marked as a subject (이/가) before ``morphs[at]``, or None."""
    for j in range(at - 1, 0, -1):
        if morphs[j][1] == "JKS":
            return morphs[j - 1][0]
    return None


def _body_shakes(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether 떨리다 at ``at`` tells of a body part shaking ("팔이 덜덜 떨림": tired arms)."""
    return morphs[at][0] == "떨리" and any(
        form in _BODY for form, _tag in morphs[max(0, at - 4) : at]
    )


def _first_told(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether 첫 at ``at`` names a milestone told as done: a noun follows (not one of
    :data:`_NOT_FIRSTS`), the remark's final verb is in the past and nothing is negated."""
    if at + 1 >= len(morphs) or not morphs[at + 1][1].startswith("NN"):
        return False
    if morphs[at + 1][0] in _NOT_FIRSTS:
        return False
    if any(m in morphs for m in _NEGATORS):
        return False
    ends = [i for i, (_f, tag) in enumerate(morphs) if tag == "EF"]
    return bool(ends) and any(
        (form, tag) in (("었", "EP"), ("았", "EP"), ("였", "EP"))
        for form, tag in morphs[at : ends[-1]]
    )


def _moved_in(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """ "원룸으로 이사 왔어요", "이사 갔어": a move told as done (not a neighbour's: 이사 간
    사람)."""
    if _subject_before(morphs, at) not in (None, *_ME):
        return False  # "옆방 사람이 오늘 이사 갔는데"
    rest = morphs[at + 1 : at + 5]
    verbs = [i for i, (f, t) in enumerate(rest) if t in ("VV", "XSV") and f in ("오", "가", "하")]
    if not verbs:
        return False
    after = rest[verbs[0] + 1 :]
    return bool(after) and after[0][1] == "EP" and not any(t == "ETM" for _f, t in after)


def _left_out(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """ "아무도 안 물어봄", "아무도 연락 안 해" (nobody, then a negated verb) or "나만 빼고"."""
    form = morphs[at][0]
    nxt = morphs[at + 1] if at + 1 < len(morphs) else ("", "")
    if form == "아무" and nxt == ("도", "JX"):
        window = morphs[at + 2 : at + 8]
        negated = any(m in window for m in (("안", "MAG"), ("않", "VX")))
        return negated and any(f in _INCLUDING for f, _t in window)
    if form in ("나", "저") and nxt == ("만", "JX"):
        return any(f in _BEHIND for f, _t in morphs[at + 2 : at + 5])
    return False


#: what follows 나만 / 저만 when the others got ahead: "나만 빼고", "나만 그대로야", "저만 아직
#: 못 했어요", "나만 남았어" (blind sets Z11 and Z12: "동기들 다 승진했는데 나만 그대로야" had drawn
#: "좋은 소식이네요!")
_BEHIND = {"빼", "그대로", "제자리", "못", "아직", "남", "떨어지", "뒤처지", "혼자"}


#: verbs before 주다 that make no gift ("숙제 내주셨어", "혼내 줬어", "봐주셨어")
_NOT_GIFTS = {"내", "혼내", "겁", "빼", "보", "봐", "내주"}


def _strained(morphs: Sequence[tuple[str, str]]) -> bool:
    """A body part (:data:`_STRAINED_PARTS`) and, within two words, a verb of its wearing
    out (:data:`_STRAIN_VERBS`)."""
    return any(
        form in _STRAINED_PARTS
        and tag.startswith("NN")
        and any(f in _STRAIN_VERBS for f, _t in morphs[i + 1 : i + 4])
        for i, (form, tag) in enumerate(morphs)
    )


def _kindness(morphs: Sequence[tuple[str, str]]) -> bool:
    """Someone named did the user a kindness: 주다 (a verb or "-어 주다"), done (었 or 시 +
    었 follow), its subject a noun other than the user marked 이/가 or 께서 (a topic marked
    은/는 is often what was given: "남은 빵은 푸드뱅크에 갖다줬어")."""
    if any(t == "SF" and "?" in f for f, t in morphs):
        return False
    for i, (form, tag) in enumerate(morphs):
        if form != "주" or tag not in ("VV", "VX"):
            continue
        after = [f for f, t in morphs[i + 1 : i + 5] if t in ("EP", "VX", "EC")]
        if "었" not in after or {"달", "라고", "래"} & {f for f, _t in morphs[i + 1 : i + 4]}:
            continue  # not done, or a request ("주라고 했어", "해 달래")
        if i + 1 < len(morphs) and morphs[i + 1][0] in ("러", "으러", "려고", "으려고"):
            continue  # "길냥이 밥 주러 나왔는데": the user's own errand
        stem = morphs[i - 2][0] if i > 1 and morphs[i - 1][1] == "EC" else morphs[i - 1][0]
        if stem in _NOT_GIFTS or morphs[i - 1][0] in _NOT_GIFTS:
            continue  # "숙제 내주셨어", "혼내 줬어", "봐주셨어" are no gifts
        start = max((j + 1 for j in range(i) if morphs[j][1] in ("EF", "SF")), default=0)
        subjects = [  # in the same sentence ("문어는 심장이 세 개래요 ㅋㅋ 그림책 읽어주다 …")
            morphs[j - 1]
            for j in range(start + 1, i)
            if morphs[j][1] == "JKS" and morphs[j][0] in ("이", "가", "께서")
        ]
        if (
            subjects
            and all(s[1].startswith("NN") or s[1] == "XSN" for s in subjects)
            and not any(s[0] in ("나", "저", "내", "제", "우리", "저희") for s in subjects)
        ):
            return True
    return False


def _moments(morphs: Sequence[tuple[str, str]]) -> set[str]:
    """The plainer cues of an everyday moment (module docstring)."""
    found: set[str] = set()
    forms = {form for form, _tag in morphs}
    for i, (form, tag) in enumerate(morphs):
        before = morphs[i - 1] if i else ("", "")
        if form in MOVED:
            found.add("moved")
        elif (tag == "EC" and form in ("느라", "느라고")) or (
            form == "째"
            and tag == "XSN"
            and (before[1] == "SN" or before[0] in _SPANS)
            and not _negated_next(morphs, i)
            and not _time_since(morphs, i)
        ):
            found.add("effort")
        elif form in QUIET or (form == "조용" and "좋" not in forms):
            found.add("quiet")
        elif form == "그립" or form == "그리워하":
            found.add("longing")
        elif form == "처음" and i + 1 < len(morphs) and morphs[i + 1] == ("으로", "JKB"):
            found.add("first")
        elif (form, tag) == ("첫", "MM") and _first_told(morphs, i):
            found.add("first")  # "오늘 첫 월급 들어왔다"
        elif (form, tag) == ("드디어", "MAG") and not forms & {"ㅠ", "ㅜ", "ㅠㅠ", "ㅜㅜ"}:
            found.add("finally")
        elif form == "바쁘" and not _negated_at(morphs, i):
            found.add("busy")
        elif (
            (form, tag) == ("울", "VV") and _cried_oneself(morphs, i) and not _negated_at(morphs, i)
        ):
            found.add("cried")
        elif form in ("땡기", "땅기") or (
            form in ("먹", "마시")
            and tag == "VV"
            and _wanted(morphs, i)
            and not forms & _NO_MEAL
            and not any(m in morphs for m in _NEGATORS)
        ):
            found.add("craving")  # "떡볶이 땡긴다", "갑자기 붕어빵 먹고 싶네", "삼겹살 먹기로함"
        elif _left_out(morphs, i):
            found.add("left_out")
        elif (form, tag) == ("마지막", "NNG") and morphs[i + 1 : i + 2] == [("으로", "JKB")]:
            found.add("last")  # "오늘 마지막으로 머리 깎고 왔네요"
        elif form == "이사" and _moved_in(morphs, i):
            found.add("moved_home")
        elif form == "땀" and "손" in forms:
            found.add("nervous")  # "내 손에 땀이 더 나더라"
        elif form in REST:
            found.add("rest")
        elif form in CHORES:
            found.add("chores")
    if {"한숨", "돌리"} <= forms:
        found.add("rest")  # "한숨 돌리는 중"
    if _strained(morphs) and "기다리" not in forms:
        found.add("strain")  # "오늘 커트만 11명 했어요 손목 나갈 듯"
    if {"눈", "감기"} <= forms:
        found.add("tired")  # "퇴근 버스 안이에요 ㅠㅠ 눈 감김"
    final = _final_verb(morphs)
    negated = any(m in morphs for m in _NEGATORS)
    if (
        final in ("먹", "마시")
        and not forms & _NO_MEAL
        and not negated
        and not _other_eater(morphs)
    ):
        found.add("meal")  # not "아직 점심 안 먹었어", nor "룸메이트가 또 내 음식 먹었어"
    if "chores" in found and (final not in _CHORE_VERBS or negated):
        found.discard("chores")  # not "숙제 안 했어"
    if final in ("오", "들어오", "들르", "들리") and any(
        (f, t) in (("끝내", "VV"), ("마치", "VV"), ("끝나", "VV")) for f, t in morphs
    ):
        found.add("chores")  # "새벽 수업 두 타임 끝내고 왔어요": work done, then here
    return found


def _a_match(morphs: Sequence[tuple[str, str]]) -> bool:
    """Whether a remark with 지다 speaks of a game or a match (a game word, or a proper noun
    for a team: "어제 한화 또 졌어"), not the sun or a flower ("해가 졌어")."""
    return any(form in GAMES or tag == "NNP" for form, tag in morphs)


def _wanted(morphs: Sequence[tuple[str, str]], at: int) -> bool:
    """Whether the verb at ``at`` is wanted or planned: -고 싶다, -기로 하다, -러 가다, -ㄹ 거다
    ("붕어빵 먹고 싶네", "삼겹살 먹기로함", "치킨 먹을 거야"; blind set Z12 had "꼭 그렇게 되면
    좋겠어요" and "잘되길 바랄게요" for them)."""
    after = list(morphs[at + 1 : at + 3])
    if after[:2] in ([("고", "EC"), ("싶", "VX")], [("기", "ETN"), ("로", "JKB")]):
        return True
    if after and after[0] in (("러", "EC"), ("으러", "EC")):
        return True
    return (
        len(after) == 2
        and after[0][1] == "ETM"
        and after[0][0] in ("을", "ᆯ")
        and after[1][0] in ("거", "것", "꺼")
    )


def _other_eater(morphs: Sequence[tuple[str, str]]) -> bool:
    """Whether someone other than the speaker is the subject ("룸메이트가 또 내 음식 먹었어",
    "강아지가 간식 먹었어"): a meal wish ("맛있게 드셨길 바라요") would answer the wrong person."""
    return any(
        tag == "JKS"
        and (before[1].startswith("NN") or before[1] == "NP" and before[0] not in ("나", "저"))
        for before, (_form, tag) in zip(morphs, morphs[1:], strict=False)
    )


def news_cue(morphs: Sequence[tuple[str, str]]) -> str | None:
    """The cue of a remark from its Kiwi morphemes ``(form, tag)`` (``morphemes.analyse``),
    one of :data:`CUES`, or None. Negation turns a good word bad and a bad one neutral
    ("안 좋았어", "안 늦었어")."""
    if any(tag == "SF" and "?" in form for form, tag in morphs):
        return None  # a question anywhere: its words are asked about, not told
    found: set[str] = set()
    forms = {form for form, _tag in morphs}
    if {"세상", "좁"} <= forms:
        found.add("amazed")  # "옆자리가 고등학교 동창이었음 ㅋㅋ 세상 좁다"
    negated_next = False
    for i, (form, tag) in enumerate(morphs):
        coarse = {"N": "N", "V": "V"}.get(coarse_tag(tag))  # a noun or a predicate, else None
        after = morphs[i + 1] if i + 1 < len(morphs) else ("", "")
        negated_after = after[0] in ("않", "못하") or (
            after[1] == "EC" and i + 2 < len(morphs) and morphs[i + 2][0] in ("않", "못하")
        )
        if coarse == "N":  # "합격 못 했어", "합격하지 못했어"
            window = []
            for f, t in morphs[i + 1 : i + 4]:
                if t in ("SF", "EF", "SW"):
                    break  # "드디어 합격!! 안 믿겨": another sentence
                window.append((f, t))
            negated_after = any(
                (f in ("안", "못") and t == "MAG") or (f in ("않", "못하") and t == "VX")
                for f, t in window
            )
        negated = negated_next or negated_after
        if tag == "MAG" and form in ("안", "못"):
            negated_next = True
            if form == "못" and after[0] == "자" and after[1] == "VV":
                found.add("tired")  # "잠을 못 잤어"
            elif form == "못" and _told(morphs, i + 1) and after[0] not in _NOT_A_MISS:
                found.add("missed")  # "첫눈 못 봤어", not "못 먹던 치킨 다 먹음"
            continue
        if coarse is None:
            if (form, tag) == ("다행히", "MAG"):
                found.add("relief")
            elif (form, tag) == ("잘", "MAG") and morphs[i + 1 : i + 3] in (
                [("하", "VV"), ("었", "EP")],
                [("하", "XSV"), ("었", "EP")],
                *([(verb, "VV"), ("었", "EP")] for verb in _WENT_WELL),
            ):
                found.add("good")  # "교수님이 잘했다고 했어요!", "국어가 생각보다 잘 나왔어 ㅠㅠ"
            elif tag == "SW" and len(form) >= 2 and form[0] in "ㅋㅎ" and i >= 2:
                # a laugh after a told sentence; anywhere past a greeting's first word it
                # only tells that bad news is laughed off ("하는 중 ㅋㅋ 다리 찢기 실패")
                found.add("laugh" if morphs[i - 1][1] == "EF" else "chuckle")
            elif tag == "EC" and form in ("어야", "아야", "여야") and after[0] in ("되", "하"):
                found.add("duty")
            continue
        negated_next = False
        key = f"{form}/{coarse}"
        if key in ("다행/N", "무사/N", "무사하/V") and not negated:
            found.add("relief")  # "가족분들 다 무사하셨어요"
        elif (form == "크" and after[0] in ("ᆫ", "은") and _no_big_deal(morphs, i)) or (
            form == "큰일" and "아니" in [f for f, _t in morphs[i + 1 : i + 4]]
        ):
            found.add("relief")  # "큰 건 아니고 멍만 들었네요"
        elif tag == "NNB" and form == "등" and _after_number(morphs, i) and not negated:
            found.add("good")  # "바둑 대회에서 3등 했어"
        elif key in SICK and not negated and _ill(morphs, i, forms):
            found.add("sick")
        elif key in NERVOUS and not negated and not _body_shakes(morphs, i):
            found.add("nervous")
        elif key in WORRIED and not negated:
            found.add("worried")
        elif key in AMAZED and not negated:
            found.add("amazed")
        elif key in EMBARRASSED and not negated:
            found.add("embarrassed")
        elif key in GOOD:
            found.add("bad" if negated else "good")
        elif key == "좋/V" and negated:
            found.add("bad")  # "결과가 안 좋았어" (좋다 alone tells nothing: "날씨 좋다")
        elif key in BAD and not negated:
            found.add("bad")
        elif key in TIRED and not negated:
            found.add("tired")
        elif form == "없" and _nothing(morphs[max(0, i - 5) : i]):
            found.add("bad")
        if (
            form == "지"
            and tag in ("VV", "VX")
            and after == ("었", "EP")
            and (i == 0 or morphs[i - 1][1] != "EC")  # not -어지다: "머리가 하얘졌어요"
            and _a_match(morphs)
        ):
            found.add("bad")  # "롤 랭크 또 졌어", "어제 한화 또 졌어" (Kiwi reads 졌 as 지 + 었)
    if _kindness(morphs):
        found.add("kindness")
    if {"땅", "파"} <= forms and "들어가" in forms or "쥐구멍" in forms:
        found.add("embarrassed")  # "아 땅 파고 들어가고 싶다"
    if ("제발", "MAG") in morphs:
        found.discard("good")  # "제발 당첨": hoped for, not news
    sad_mark = any(tag == "SW" and form[:1] in "ㅠㅜ" for form, tag in morphs)
    if sad_mark:
        found -= {"first", "finally", "amazed", "laugh", "craving"}  # "처음으로 … 다 태웠어요ㅠ"
    if not found:
        if any(
            form in ("ㅡㅡ", "ㅡㅡ;", "-_-", "ㅡ_ㅡ") for form, _tag in morphs
        ) or "ㅡㅡ" in "".join(form for form, _tag in morphs):
            found.add("annoyed")  # "하루 통째로 날림 ㅡㅡ"
        elif sad_mark:
            found.add("down")  # "옆방 코 고는 소리까지 다 들림 ㅠㅠ"
    if "good" in found and any(_left_out(morphs, i) for i in range(len(morphs))):
        return "left_out"  # the others' good news, and me left behind
    if "relief" in found:
        return "relief"  # a mishap averted: "심장 멎는 줄.. 다행히 백업 있었어요"
    if "good" in found and "bad" in found:
        return None  # mixed news: say nothing about it
    if not found & _NEWS:
        found |= _moments(morphs)
    if found & {"laugh", "chuckle"} and found & {"bad", "missed"}:
        return "wry"  # "물조절 실패해서 국이 됐어ㅋㅋ": laughing it off
    return next((cue for cue in CUES if cue in found), None)
