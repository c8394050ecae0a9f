"""Worry about someone else's safety: "친구가 죽고 싶다고 했는데 뭐라고 해 줘야 할까?".

The crisis reply speaks to the user ("지금 많이 힘드신 것 같아 걱정돼요"), which is wrong
for someone asking how to help a friend, a child or a colleague; small talk is worse ("동생이
자해하는 것 같아요" had drawn "있을 수 있는 일이에요."). Such a remark gets the intent
``safety.concern``: a reply that thanks them, says how to stay with the person, and gives the
same help lines (109 also counsels people worried about someone).

A remark is a concern when all of these hold (on the text with its spaces collapsed; the
sentence marks count, so the detector's normalized spelling, which drops them, is not used):

1. it names another person as the subject (``OTHER``: 친구가, 동생이, 아들이, 아는 언니가, …)
   at most :data:`NEAR` characters before a suicide or self-harm word (``DANGER``), in the
   same sentence;
2. that is reported as theirs right after the word (``REPORTED``: 죽고 싶대, 죽고 싶다고
   했어; not "죽고 싶다는 생각", the speaker's own thought: ``OWN_THOUGHT``) or the remark
   asks what to do or says it is worried (``ASKS``: 뭐라고 해 줘야, 어떻게 도와, 신고해도);
3. no first-person word stands just before any danger word (``SELF``: 나도 죽고 싶어, 난
   죽고 싶은데): then it is a crisis remark.

Measured on the labelled sets (README, "Worry about someone else").
"""

from __future__ import annotations

import re

#: other people who can be the subject of the worry
OTHER = re.compile(
    r"(?:친구|동생|남동생|여동생|언니|오빠|누나|형|엄마|아빠|어머니|아버지|부모님|남편|아내|와이프|"
    r"남친|여친|남자 ?친구|여자 ?친구|애인|아들|딸|딸아이|아이|애|우리 ?애|조카|사촌|동료|후배|선배|"
    r"후임|선임|막내|학생|제자|지인|룸메|룸메이트|반 ?친구|할머니|할아버지|이모|삼촌|고모|손주|"
    r"환자분?|직원|팀원|걔|쟤|그 ?친구|그 ?사람|그 ?분|아는 ?(?:사람|언니|오빠|형|누나|동생|분)|"
    r"알게 ?된 ?사람|힘들어하는 ?사람|한 ?명|누가|누군가)"
    r"(?:(?:가|이|는|은|도|께서|분이|분은|님이|님은)(?=\s|$)"
    # or their body: "친구 팔에 상처가 있는 걸 봤는데 혹시 자해일까 봐 걱정돼요"
    r"|\s(?:팔|손목|팔목|몸|다리|허벅지)(?:에|에서|이|을)(?=\s|$))"
)
#: suicide and self-harm words (what the worry is about)
DANGER = re.compile(
    r"죽고 ?싶|죽을 ?거|자살|자해|살기 ?싫|살고 ?싶지 ?않|사라지고 ?싶|없어지고 ?싶|따라 ?가고 ?싶|"
    r"유서|극단적|나쁜 ?생각|작별 ?인사|마지막 ?인사|수면제를? ?모|노끈|번개탄|손목에 ?(?:상처|밴드|흉터)"
)
#: the danger reported as the other person's words, right after it (죽고 싶대, 자해한다고)
REPORTED = re.compile(
    r"\S{0,6}?(?:대|댔|대요|다고|다는|단다|래|래요|랬어|라고|라는|냐고|단 ?말|다며)(?=\s|$|[?.!,~ㅠㅜ])"
    r"(?!\s*(?:생각|마음|느낌|충동|기분))"  # "죽고 싶다는 생각": the speaker's own thought
)
#: a question of what to do for them, or worry said outright
ASKS = re.compile(
    r"(?:어떻게|뭐라고|뭘|무엇을|무슨 ?말|어떤 ?말)\S*\s*(?:\S+\s*){0,2}?"
    r"(?:해야|해 ?줘야|해 ?주면|해줘야|도와|대해|대하|말해|말 ?걸|답장|대답|답해|반응|접근|물어봐|꺼내)|"
    r"도와(?:줄|드릴) ?수|도울 ?수|도와주고 ?싶|신고해도|신고해야|연락해 ?봐야|말해야|"
    r"전화해 ?보라고|대신 ?전화|"
    r"말려야|막아야|병원에 ?데려|상담 ?받게|걱정(?:돼|되|이에요|입니다|이야|이다|스러)|무서워|불안해"
)
#: the speaker speaking of themselves right before a danger word (나도 죽고 싶어, 난 죽고 싶은데)
SELF = re.compile(r"(?:^|\s)(?:나|저|내가|제가|난|전|나는|저는|나도|저도)\s*(?:\S+\s*){0,2}?$")
#: the speaker's own thought right after a danger word ("죽고 싶다는 생각이 들어")
OWN_THOUGHT = re.compile(
    r"\S{0,4}\s*(?:생각이?\s*(?:들|나|자꾸|계속|많이)|생각뿐|충동|마음이\s*들)"
)
#: the most characters between the other person and the danger word, in one sentence
NEAR = 30
_BOUNDARY = re.compile(r"[.?!]")


def is_concern(form: str) -> bool:
    """Whether ``form`` (a normalized spelling) voices worry about someone else's safety: the
    other person named at most :data:`NEAR` characters before a danger word in the same
    sentence, the danger reported as theirs or a question of what to do, and no
    first-person word just before any danger word."""
    others = [m.end() for m in OTHER.finditer(form)]
    if not others:
        return False
    dangers = list(DANGER.finditer(form))
    if any(SELF.search(form[max(0, d.start() - 12) : d.start()]) for d in dangers):
        return False  # "… 죽고 싶대. 아니 이건 내 얘기야. 나도 빨리 죽고 싶어"
    if any(OWN_THOUGHT.match(form, d.end()) for d in dangers):
        return False  # "친구가 떠나서 죽고 싶다는 생각이 들어. 어떻게 해야 할지 모르겠어"
    asks = ASKS.search(form) is not None
    for danger in dangers:
        if not any(
            0 <= danger.start() - end <= NEAR and not _BOUNDARY.search(form[end : danger.start()])
            for end in others
        ):
            continue
        if asks or REPORTED.match(form, danger.end()):
            return True
    return False
