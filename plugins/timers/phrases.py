"""What users say to the timers plugin: the intent patterns and their examples.

Patterns use the core pattern language (a space = optional whitespace,
``{duration}``/``{time}``/``{day}`` typed slots, ``{name}`` free text).
Examples are shown by /help and are checked by the tests to route here.
"""

from __future__ import annotations

import re

from assistant.korean import syllables_ending_in
from assistant.slots import DURATION_RE

# Verbs that may follow "5분 타이머" / "7시에 알람": "맞춰(줘)", "설정해", "켜 놔"...
SET = r"(?: (?:좀 )?(?:맞춰|설정|시작|켜|걸어|돌려|등록|예약|부탁|만들어|해)(?: ?(?:해|놔|둬|놓아))?)?"
OBJ = r"(?:을|를)?"
ALL = r"(?:모든|모두|전부|다|싹 ?다|몽땅)"
NOUN = r"(?:타이머|알람|알림|모닝콜)"
AFTER = r"(?:뒤|후|있다가|있다|이따가|지나면|지나서)(?:에)?"
TELL = r"(?:알려|알림|알람|깨워|불러|말해)"
MESSAGE = r"(?:{name} ?(?:라고|하라고|이라고) )?"
# "라면 3분 타이머": the name may not itself be a duration ("15분 타이머" has no name).
NOT_A_DURATION = rf"^(?!(?:{DURATION_RE}) ?(?:짜리 )?타이머)"

# "알람 맞춰줘" without a time: the name before 알람 may not hold a time or a length
# ("다음 주 7시에 알람", "5분 알람" are not names).
# (TIME_RE itself can't be embedded: its "{2}" quantifier reads as a slot.)
NO_CLOCK_TIME = r"^(?!.*?(?:[0-9영일이삼사오육칠팔구십한두세네섯곱덟홉열] ?(?:시|분|초)|정오|자정))"

TIMER_START = [
    rf"{{duration}}(?:만)? (?:짜리 )?(?:타이머|카운트 ?다운){OBJ}{SET}",
    rf"{{name}} 타이머{OBJ} {{duration}}(?:으로|로)?{SET}",
    rf"{{duration}} ?짜리 {{name}} 타이머{OBJ}{SET}",
    rf"{NOT_A_DURATION}{{name}} {{duration}} (?:짜리 )?타이머{OBJ}{SET}",
    rf"^타이머{OBJ} {{duration}}(?:만|으로|로|짜리)?{SET}",
    r"^{duration}(?:만)? (?:재|세|카운트)(?= ?(?:어|줘|줄래|봐|$))",
    rf"{{duration}} {AFTER} {MESSAGE}{TELL}{SET}",
    rf"^{{duration}} (?:짜리 )?(?:알람|알림){OBJ}{SET}",
    # no length given: the handler asks for it
    rf"^타이머{OBJ} (?:좀 )?(?:맞춰|설정|시작|켜|걸어|만들어)(?: ?(?:해|놔|둬))?",
]
TIMER_START_KEYWORDS = [
    "타이머",
    "알려",
    "알림",
    "알람",
    "깨워",
    "불러",
    "말해",
    "카운트",
    "재",
    "세",
]
TIMER_START_EXAMPLES = [
    "5분 타이머 맞춰줘",
    "10분 뒤에 알려줘",
    "1시간 30분 타이머",
    "한 시간 반 뒤에 알려 줘",
    "2분 30초 타이머",
    "90초 타이머",
    "라면 타이머 3분",
    "3분짜리 라면 타이머",
    "이랑아 7분 타이머",
]

ALARM_SET = [
    rf"(?:{{day}} )?{{time}}(?:에|으로|로)? (?:{{name}} )?(?:알람|알림|모닝콜){OBJ}{SET}",
    rf"(?:{{day}} )?{{time}}(?:에|까지)? {MESSAGE}(?:깨워|알려|불러)",
    rf"(?:{{name}} )?(?:알람|알림|모닝콜){OBJ} (?:{{day}} )?{{time}}(?:에|으로|로)?{SET}",
    # no time given: the handler asks for it
    rf"{NO_CLOCK_TIME}(?:{{name}} )?(?:알람|모닝콜){OBJ} (?:좀 )?(?:맞춰|설정|켜|걸어|만들어|해)(?: ?(?:해|놔|둬))?",
]
ALARM_SET_KEYWORDS = ["알람", "알림", "모닝콜", "깨워", "알려", "불러"]
ALARM_SET_EXAMPLES = [
    "7시에 깨워줘",
    "오전 7시 30분에 알람",
    "오후 3시에 알람",
    "저녁 6시에 회의 알림 해줘",
    "15시 20분에 알람 맞춰",
    "내일 아침 6시 반에 깨워줘",
]

_LEFT = r"남(?:았|은)(?:어|어요|니|나|나요|지|냐|습니까| ?거야| ?시간)?"
TIMER_STATUS = [
    rf"(?:{{name}} )?{NOUN}(?:은|는|이|가)? (?:얼마나|얼마|몇 ?(?:분|초|시간)|언제(?:까지)?)(?: 더)? {_LEFT}",
    rf"(?:{{name}} )?{NOUN}(?:들)?(?: 좀)? (?:목록|리스트|상태|현황|확인|뭐 ?있어|몇 ?개|남은 ?시간)(?: 좀)?(?: 보여| 확인| 봐)?",
    r"^남은 시간(?:이)?(?: (?:얼마|얼마나|알려|확인|몇 ?분)(?:야|예요|이야|남았어|돼)?)?",
    rf"^(?:얼마나|몇 ?분|몇 ?초|몇 ?시간)(?: 더)? {_LEFT}",
    r"^(?:타이머|알람)(?:들)?(?: (?:좀 )?(?:보여|확인|알려)(?: ?(?:줘|줘요|주세요|줄래|줄래요))?)?$",
]
TIMER_STATUS_KEYWORDS = ["타이머", "알람", "알림", "모닝콜", "남았", "남은"]
TIMER_STATUS_EXAMPLES = [
    "타이머 얼마나 남았어?",
    "라면 타이머 몇 분 남았어",
    "타이머 목록 보여줘",
    "남은 시간 알려줘",
]

_CANCEL_VERB = r"(?:취소|꺼|끄기|끄자|끌래|삭제|지워|없애|그만|종료|중지|해제|리셋|초기화)(?: ?(?:해|하자|시켜|해 ?놔))?"
# a wish about notifications is small talk, not a command ("단톡방 알림 좀 그만 울렸으면":
# blind small-talk set Z3, session 15)
_WISH = rf"(?!.*(?:{syllables_ending_in('ㅆ')}으면|면 ?좋겠))"
TIMER_CANCEL = [
    rf"^(?!{ALL} ?{NOUN}){_WISH}(?:{{name}} )?{NOUN}(?:을|를|은|는|도)? (?:좀 )?{_CANCEL_VERB}",
]
TIMER_CANCEL_KEYWORDS = ["타이머", "알람", "알림", "모닝콜"]
TIMER_CANCEL_EXAMPLES = ["타이머 취소", "라면 타이머 취소", "모든 타이머 취소해", "알람 꺼줘"]

# "모든 타이머 취소해", "타이머 전부 꺼", "알람 다 지워 줘": cancel every one (slot all=True).
_POLITE_TAIL = r"(?: ?(?:줘|줘요|주세요|줄래|줄래요|줄 ?수 ?있어|주실래요|주겠니|봐|요))?"
ALL_CANCEL = re.compile(
    (
        rf"^(?:{ALL} {NOUN}(?:들)?(?:을|를|은|는|도)?|{NOUN}(?:들)?(?:을|를|은|는|도)? {ALL})"
        rf" (?:다 |모두 |전부 |싹 )?(?:좀 )?{_CANCEL_VERB}{_POLITE_TAIL}$"
    ).replace(" ", r"\s*")
)

TIMER_PAUSE = [
    r"^(?:{name} )?타이머(?:를|을|는|좀)? (?:좀 )?(?:잠깐|잠시|일단)? ?(?:멈춰|멈추|멈춤|일시 ?정지|일시 ?중지|정지|스톱|홀드)(?: ?(?:해|시켜|놔|둬))?",
]
TIMER_PAUSE_KEYWORDS = ["타이머"]
TIMER_PAUSE_EXAMPLES = ["타이머 잠깐 멈춰", "라면 타이머 일시정지"]

TIMER_RESUME = [
    r"^(?:{name} )?타이머(?:를|을|는|좀)? (?:다시 (?:시작|켜|돌려|움직여|가동|재생)|재개|계속(?: 돌려| 진행| 가)?|재시작|이어서(?: 돌려| 시작)?)(?: ?(?:해|시켜))?",
]
TIMER_RESUME_KEYWORDS = ["타이머"]
TIMER_RESUME_EXAMPLES = ["타이머 다시 시작해줘", "타이머 재개"]

TIMER_ADD = [
    r"^(?:{name} )?타이머(?:에|를|을)? {duration}(?:만|만큼|을|를)? (?:더(?: ?(?:추가|연장|늘려|넣어))?|추가|연장|늘려)(?: ?해)?",
    r"^(?:{name} )?타이머(?:에서|를|을)? {duration}(?:만|만큼|을|를)? (?:빼|줄여|감소|덜어)(?: ?해)?",
]
TIMER_ADD_KEYWORDS = ["타이머"]
TIMER_ADD_EXAMPLES = ["타이머 5분 추가해줘", "타이머에 1분 더해줘"]
#: timer.add utterances that take time away ("타이머 1분 빼줘").
SUBTRACT = re.compile(r"빼|줄여|감소|덜어")


def all_cancel_match(text: str) -> tuple[float, dict] | None:
    """``Intent.match`` for cancelling every timer: full-utterance match -> confidence 1."""
    if ALL_CANCEL.match(text.strip()):
        return 1.0, {"all": True}
    return None


# -- alarms and reminders on days, dates and repeats (read by .when, not by patterns) ---------
ALARM_SET_EXAMPLES[1:1] = [
    "매일 아침 7시에 깨워줘",
    "매주 월, 수, 금 저녁 8시 알람",
    "평일 6시 반에 깨워줘",
    "7시 10분 전에 알람",
]
WHEN_KEYWORDS = [
    "알려", "말해", "얘기해", "리마인드", "상기", "알림", "알람", "모닝콜", "깨워", "불러",
    "매일", "날마다", "평일", "주중", "주말", "매주", "매달", "매월", "다달이", "마다",
]  # fmt: skip
REMINDER_SET_EXAMPLES = [
    "내일 8시에 약 먹으라고 알려줘",
    "20분 뒤에 빨래 꺼내라고 말해줘",
    "매주 화요일 분리수거",
    "매달 1일 관리비 내라고 알려줘",
    "다음 주 월요일 오후 2시에 회의라고 알려줘",
    "12월 24일에 케이크 찾으라고 알려줘",
]

# -- right after a ring -------------------------------------------------------------------------
_AGAIN = r"(?:알려|깨워|울려|말해|불러)"
SNOOZE = [
    r"^{duration}(?:만)? 더(?: (?:잘래|잘게|잘래요|자고 ?싶어|잘 ?수 ?있게|있다가|미뤄|미룰래))?(?: ?(?:해|줘|줘요|주세요))?$",
    rf"^(?:{{duration}} )?(?:뒤|후|있다가|이따가)?(?:에)? ?다시 {_AGAIN}",
    r"^{duration}(?:만)? (?:미뤄|연기해|스누즈)",
    r"^(?:조금만|좀만|조금|좀) 더(?: (?:잘래|잘게|있다가))?$",
]
SNOOZE_KEYWORDS = ["더", "다시", "미뤄", "연기", "스누즈"]
SNOOZE_EXAMPLES = ["5분만 더", "10분 뒤에 다시 알려줘"]
SKIP = [
    r"^(?:이번|이번 ?주|다음|내일|오늘)(?: ?(?:번|거|것|알람|알림))?(?:은|는|만|도)? (?:한 ?번만 )?(?:건너뛰|건너 뛰|넘어가|스킵|쉬어|쉴래|패스)",
    r"^(?:한 ?번만|이번 ?한 ?번만) (?:건너뛰|건너 뛰|넘어가|스킵|쉬어|패스)",
]
SKIP_KEYWORDS = ["건너", "넘어가", "스킵", "쉬어", "쉴래", "패스"]
SKIP_EXAMPLES = ["이번만 건너뛰어", "내일 알람은 건너뛰어"]
