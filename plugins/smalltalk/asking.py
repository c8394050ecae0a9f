"""What a question asks of her when no memory pair answers it, and her reply to that.

Blind raters called "음, 저도 확실히는 모르겠어요. 어떻게 생각하세요?" off-topic on most
questions ("dodges easy question"): 77 of 78 times on set Z16. Some questions need no
knowledge she lacks, only a fitting kind of answer:

- ``praise``: "나 잘했지?", "저 잘한 거 맞죠?", "장하지?": she praises;
- ``doubt``: "잘한 걸까?", "잘한 건지 모르겠어": she reassures;
- ``decision``: a plan to quit or end something put to her ("회사 그만둘까 하는데 어때?"):
  a careful word, never a cheer;
- ``plan``: any other plan or idea of the user's own put to her ("은퇴하면 배 하나 사서
  낚시 다닐까 하는데 어때?", "가게 이름 '토슈즈 클럽' 괜찮아요?"): she backs it;
  ``worried_plan``: one with a worry in it ("넷째 입양할까 고민중인데 셋째가 좀 예민해서...
  괜찮을까"): she backs it carefully and points at the worry;
- ``advice``: a pick between two things for the user's own use ("표고버섯 말릴 때 햇볕이
  좋아 건조기가 좋아?"), which is not hers to decide by a coin (``choice`` answers the
  questions of taste put to her): she asks what matters most;
- ``health`` / ``pet``: whether something is safe for a body ("감기약 먹고 커피 마셔도 돼?",
  "강아지 귤 먹여도 돼요?"): she will not guess and names who can tell (a doctor or a
  pharmacist; a vet).

Rules of thumb over the plain text (no Kiwi): they run only on the last-resort path.
"""

from __future__ import annotations

import re

from assistant.korean import ends_as_question, is_question

_END = r"[\s?？!.~ㅋㅎㅠㅜ;^]*$"
#: "잘했지?", "잘했죠", "잘한 거 맞지?", "장하지?", "칭찬해 줘", "잘한기제?"
_PRAISE = re.compile(
    r"(?:잘\s*했(?:지|죠|지요|쥬|제|재|징|어\s*안\s*했어)(?!만)"
    r"|잘\s*한\s*(?:거|것|거지|거죠|거야|거예요|거에요|거\s*맞\S*|거\s*같\S*|거\s*아니\S*|기제|기지|기가)"
    r"|(?:장하|기특하|대단하|멋지|훌륭하)(?:지|죠|지요|쥬)(?!만)"
    r"|칭찬\s*(?:좀\s*)?해\s*(?:줘|주세요|줄래|주라|주실래|주실\s*수|주면\s*안|줄\s*수)|칭찬\s*받을\s*만|나\s*최고지)"
)
_PRAISE_AT_END = re.compile(f"(?:{_PRAISE.pattern})\\S{{0,3}}{_END}")
#: "잘한 걸까?", "잘한 건가요", "잘한 건지 모르겠어"
_DOUBT = re.compile(r"잘\s*한\s*(?:걸까|건가|건지|걸까요|건가요|것인지|것일까)")
#: a question on one's own plan or idea: asks her view (perhaps followed by a short reason:
#: "쉴까 하는데 괜찮을까 교수님 눈치 보여서") ...
_VIEW = re.compile(
    r"(?:어때|어떰|어떄|어떨까|어떨지|어떠냐|어떻노|어떻나|어쩌것는가|어때\s*보여|어떻게\s*보\S*|"
    r"(?:어떻게|어케|어찌)\s*생각\S*|괜찮을까|괜찮겠\S*|괜찮(?:아|나|은가|으까)|괜춘|좋을까|좋겠지|"
    r"어떤\s*것\s*같\S*|어떤\s*거\s*같\S*|별로(?:일까|인가|야\?|예요\?)|괜찮은\s*생각\S*|무리일까|무리겠지|욕심일까|오바일까|"
    r"이게\s*(?:나을까|낫나|맞나|맞을까|좋을까))"
    r"(?:요|여|예)?(?=[\s?？!.~ㅋㅎㅠㅜ;^]|$)(?:\s+[^\s?？]+){0,4}" + _END
)
#: ... about something one means to do ("할까 하는데", "해 보려는데", "차리는 거")
_PLAN = re.compile(
    r"(?:까\s*(?:하|허|싶|생각|고민)|려(?:고|는데|구|는|면)\s|ㄹ까\s*하|볼까|할까\s|지을까|기로|예정|계획"
    r"|생각\s*중|고민\s*중|차리|차릴|시작|도전|해\s*볼|해볼|는\s*(?:거|게|것)\s*(?:어때|어떻|괜찮|어떰))"
)
#: a question word: then it asks for a tip or a pick, not a view ("선물 뭐가 좋을까")
_WH = re.compile(
    r"(?:^|\s)머(?=\s|$)|뭐|뭘|무엇|무슨|어떤(?!\s*(?:것|거)\s*같)|어느|어디|언제|몇|누구|얼마|어떻게(?!\s*(?:생각|보))|어케(?!\s*생각)"
)
#: "몇 년째", "몇 번이나": a count told, not asked
_COUNTED = re.compile(r"몇\s*(?:\S{1,2}째|번이나|년이나)")
#: ... to quit or end something: no cheer for that
_ENDING = re.compile(
    r"그만\s*두|그만\s*둘|그만하|그만\s*할|때려\s*치|때려칠|관두|관둘|헤어지|헤어질|이혼|포기|퇴사"
    r"|자퇴|휴학|폐업|접을|접으려|끊을|끊으려|손절|정리할|팔아\s*버릴"
)
#: ... or a doubt about it after the plan ("…할까 하는데 망할까?", "…할까 생각 중이에요 너무 무례할까요",
#: "…열어볼까 하는데 수요 있을까", "…이랑 생각엔 손님 올 것 같아?")
_PLAN_MARK = re.compile(r"(?<!니)까\s*(?:하|해|허|싶|생각|고민)\S*|려(?:고|는데|구)\s*(?:하\S*)?")
#: ... but "괜찮을까요", "어떨까" ask a view plainly
_PLAIN_ASK = re.compile(r"(?:괜찮을까|좋을까|어떨까|나을까|될까)(?:요)?" + _END)
_DOUBT_AFTER = re.compile(
    r"(?:[가-힣](?<!니)(?:까|려나|나요|을까요|까요)|(?:것|거)\s*같아(?:요)?[?？]|않을까\S*)" + _END
)
#: ... with a worry in it ("셋째가 좀 예민해서", "교수님 눈치 보여서"): no plain cheer
_WORRY = re.compile(
    r"눈치|걱정|망설|예민|무리|욕심|싫대|싫다|싫어|반대|망해|망했|불안|자신\s*없|오바|부담"
)
#: two options, the same comparing predicate twice ("A가 나아 B가 나아", "A 할까 B 할까")
_PREDICATE = re.compile(
    r"(?:나아|좋아|나을까|좋을까|낫나|낫냐|낫지|좋냐|좋나|나은가|좋은가|맞아|맞을까|할까|살까|"
    r"갈까|먹을까|볼까|쓸까|입을까|탈까|줄까|해줄까|둘까|낼까|고를까|할래)(?:요|여)?$"
)
_COMPARE = re.compile(r"(?:나아|나을까|좋을까|낫나|낫냐|나은가|좋은가|좋아)(?:요|여)?$")
_VERSUS = re.compile(
    r"\S\s*(?:vs\.?|VS|Vs)\s*\S|\S(?:이랑|랑|하고|과|와)\s+\S+(?:\s+\S+)?\s*중(?:에서|에)?\s*"
    r"(?:뭐|뭘|어느|어떤|어떤\s*게|하나)"
)
#: "올릴까 말까": a pick between doing and not doing
_OR_NOT = re.compile(r"까\s*말까|[가-힣]까\s+[가-힣]+까(?=\s|$|[?？])")  # "고쳐 쓸까 바꿀까"
#: words of death or self-harm: no cheer or go-ahead, whatever else the remark holds (the
#: safety plugin answers a crisis first; this is a second guard)
_DARK = re.compile(
    r"죽|자살|자해|끝내|끝낼|사라지|사라질|뛰어내|목숨|유서|삶을|생을|떠날까|그만\s*살|안\s*살|살기\s*싫"
)
_OR = re.compile(r"(?:^|\s)(?:아님|아니면|혹은|or)\s")
#: whether something is safe for a body: "먹어도 돼?", "발라도 괜찮아요?"
_SAFE = re.compile(
    r"(?:먹어도|마셔도|발라도|발라\s*줘도|먹여도|줘도|써도|만져도|자도|맞아도|해도|피워도|운동해도|씻어도|씻겨도|목욕해도"
    r"|샤워해도|뛰어도|타도|들어가도|붙여도|넣어도|재워도)\s*(?:\S+\s*)?"
    r"(?:돼|되|될까|되나|되냐|되는|괜찮|상관\s*없|문제\s*없|무리\s*없|안\s*위험|위험)"
    r"|(?:먹으면|마시면|먹이면|주면|하면|바르면)\s*안\s*(?:돼|되)"
)
#: ... asked, also before a reason ("찜질팩 해도 되나? 허리가 넘 쑤셔서")
_SAFE_ASKED = re.compile(
    r"되나|되냐|될까|되는지|괜찮나|괜찮냐|괜찮을까|괜찮은가|괜찮은지|괜찮은\s*거|상관\s*없나|문제\s*없나"
)
_BODY = re.compile(
    r"약|알약|진통제|타이레놀|영양제|비타민|유산균|임신|임산부|수유|아기|애기|신생아|돌\s*전|"
    r"수술|병원|상처|열\s*나|열이|기침|감기|독감|코로나|혈압|당뇨|알레르기|알러지|두드러기|화상|멍|"
    r"체했|체한|배탈|설사|변비|치료|깁스|주사|백신|접종|생리|피\s*나|염증|연고|파스|술|"
    r"다이어트|단식|금식|카페인|커피|에스프레소|에너지\s*드링크|날것|회|생고기|유통기한|곰팡이|상한|"
    r"쉰\s*|녹슨|렌즈|피부|맨손|찜질|허리|돌\s*(?:안|전)"
)
_PET = re.compile(r"강아지|개한테|개가|고양이|냥이|댕댕|반려|햄스터|앵무|토끼|고슴도치|멍멍이|거북")

REPLIES: dict[str, str] = {
    "praise": "그럼요, 정말 잘하셨어요! 스스로를 많이 칭찬해 주세요.",
    "doubt": "충분히 고민하고 하신 일이라면 잘하신 거예요. 너무 걱정하지 마세요.",
    "decision": "쉽지 않은 결정이네요. 충분히 생각해 보시고, 마음이 더 편한 쪽으로 정하시면 좋겠어요.",
    "plan": "좋은 생각 같아요! 한번 시도해 보셔도 괜찮을 것 같아요.",
    "worried_plan": (
        "해 볼 만한 생각인데 마음에 걸리는 게 있으시군요. "
        "걱정되는 부분부터 하나씩 짚어 보시면 좋겠어요."
    ),
    "advice": "둘 다 장단점이 있어서 고민되시겠어요. 어떤 점을 제일 중요하게 보세요?",
    "health": (
        "건강에 관한 일이라 제가 함부로 말씀드리기 어려워요. "
        "의사나 약사에게 한번 확인해 보시는 게 안전해요."
    ),
    "pet": (
        "반려동물 건강에 관한 일이라 제가 함부로 말씀드리기 어려워요. "
        "수의사 선생님께 한번 여쭤보시는 게 안전해요."
    ),
}


def _to_her(text: str) -> bool:
    """Asked of her: a second-person word or her default name as a word."""
    return bool(
        re.search(r"(?:^|\s)(?:너|넌|너는|니가|네가|너라면|당신|이랑\S*)(?=$|[\s?!.,~])", text)
        or re.search(r"골라|하나만", text)
    )


def _words(text: str) -> list[str]:
    return [re.sub(r"[?？!.~,ㅋㅎㅠㅜ;^]+$", "", w) for w in text.split()]


def _two_options(text: str) -> bool:
    """A pick between two things: the same comparing predicate twice ("햇볕이 좋아 건조기가
    좋아?"), a doing one then a comparing one ("금반지 해줄까 현금이 나을까"), "A vs B", or
    "A랑 B 중에 뭐가"."""
    if _VERSUS.search(text):
        return True
    words = [w for w in _words(text) if w]
    predicates = [i for i, w in enumerate(words) if _PREDICATE.search(w)]
    if len(predicates) < 2 or predicates[-1] < len(words) - 2:
        return False
    first, last = words[predicates[-2]], words[predicates[-1]]
    between = " ".join(words[predicates[-2] + 1 : predicates[-1]])
    if not between or _WH.search(between) or re.search(r"하는데|싶은데|는데$", between):
        return False  # "토핑 추가할까 하는데 뭐가 좋을까": one thing asked, not two
    return first == last or (bool(_COMPARE.search(last)) and first.endswith(("까", "까요")))


def asked_for(text: str) -> str | None:
    """What the question ``text`` asks of her (a key of ``REPLIES``), or None."""
    plain = text.strip()
    if not plain:
        return None
    if _SAFE.search(plain) and (is_question(plain) or _SAFE_ASKED.search(plain)):
        if _PET.search(plain):
            return "pet"
        if _BODY.search(plain):
            return "health"
    if _DARK.search(plain):
        return None
    if _DOUBT.search(plain):
        return "doubt"
    if _PRAISE.search(plain) and (
        ends_as_question(plain) or "칭찬" in plain or _PRAISE_AT_END.search(plain)
    ):  # (its 칭찬 is a request: "칭찬해 줘", not "교수님이 칭찬해주심")
        return "praise"
    asks_what = _WH.search(_COUNTED.sub(" ", plain))  # a tip or a pick: "…려면 뭐 하는 게"
    viewed = bool(_VIEW.search(plain) and _PLAN.search(plain) and not asks_what)
    mark = _PLAN_MARK.search(plain)
    tail = plain[mark.end() :] if mark else ""
    doubted = bool(
        mark and not asks_what and _DOUBT_AFTER.search(tail) and not _PLAIN_ASK.search(tail)
    )
    to_her = _to_her(plain)  # her own taste: ``choice`` picks or the acknowledgement says
    if not to_her and _two_options(plain):  # a question by itself: "병입이 나아 캔입이 나아"
        return "advice"
    if not (ends_as_question(plain) or viewed or doubted):
        return None
    if to_her and not (viewed or doubted):
        return None
    if not to_her and (
        _OR_NOT.search(plain) or (_OR.search(plain) and _COMPARE.search(_words(plain)[-1]))
    ):
        return "advice"
    if viewed or doubted:
        if _ENDING.search(plain):
            return "decision"
        return "worried_plan" if doubted or _WORRY.search(plain) else "plan"
    return None


def asks_if_safe(text: str) -> bool:
    """Whether ``text`` (a memory pair's utterance) asks whether something may be done or
    eaten ("강아지 귤 먹어도 돼?"): the only kind of pair that may answer a ``health`` or
    ``pet`` question."""
    return bool(_SAFE.search(text))


def asked_reply(text: str) -> str | None:
    """Her reply to what the question ``text`` asks of her, or None (see the module)."""
    kind = asked_for(text)
    return REPLIES[kind] if kind else None
