"""Built-in plugin: crisis language (suicide, self-harm) gets care and real help lines.

- Intent ``safety.crisis``: utterances caught by the rules of :mod:`.detect` (data files
  ``crisis_patterns.txt`` / ``false_friends.txt``), backed by the small n-gram scorer of
  :mod:`.scorer` (JSON weights) when no rule fires and no false friend is present, get a short, warm reply with the help
  lines of ``plugins.safety.lines``. It matches with full confidence and the highest
  priority, so it wins over small talk, the profanity guard and commands; the reply is
  marked ``final``, so no plugin's ``adjust_reply`` (tone openers, emoji) can change it.
  A later crisis remark in the same conversation gets the lines again, worded differently.
- Intent ``safety.concern``: worry about someone else's safety ("친구가 죽고 싶다고 했는데
  뭐라고 해 줘야 할까?", :mod:`.concern`) gets a reply for the helper (listen, do not leave
  them alone, 109 counsels people worried about someone, 119 / 112 in danger) with the same
  help lines, above the crisis intent (the crisis reply speaks to the user's own pain).
- ``fallback_reply`` (tried first): for ``gentle_turns`` small-talk turns after a crisis
  remark the chat model is not asked; a calm, supportive reply (final) is given instead.
  A small-talk remark in the scorer's grey band (under its threshold but at least the
  check-in threshold; lower when the emotion plugin reads the turn as 우울; never when it
  reads 일상 or 기쁨) gets a careful check-in reply with one help line instead of the chat
  model (``check_in``).
  Whether a recent turn was a crisis remark is read from ``request.history`` (the
  conversation context the core keeps per conversation), so ``/reset`` ends it.

No heavy library is imported (the scorer is pure Python, its weights read on first use):
detection runs in ``assistant route`` and on every turn.
Settings: see ``plugins.safety`` in ``assistant.yaml`` and ``README.md``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from assistant import hookimpl
from assistant.app import App
from assistant.types import Intent, Reply, Request

from .detect import Detector
from .scorer import WEIGHTS_PATH
from .scorer import load as load_scorer

__version__ = "0.1.0"

log = logging.getLogger("assistant.safety")

NAME = "safety"
INTENT = "safety.crisis"
CONCERN_INTENT = "safety.concern"
#: Above any ordinary intent: a crisis remark must never be taken as a command or a curse.
PRIORITY = 1_000_000
#: a scorer-only detection yields to a command whose pattern covers the whole utterance
SCORER_CONFIDENCE = 0.99
#: ``Reply.data["display"]["variant"]`` of crisis and gentle replies (see docs/plugins.md).
VARIANT = "care"

#: Used when the configured lines are missing or unusable (see README for the sources).
DEFAULT_LINES = (
    {"name": "자살예방상담전화", "number": "109", "note": "24시간"},
    {"name": "정신건강위기상담전화", "number": "1577-0199", "note": "24시간"},
    {"name": "청소년상담", "number": "1388", "note": "24시간, 휴대전화는 지역번호+1388"},
    {"name": "긴급 구조·경찰", "number": "119 / 112", "note": "지금 위험할 때"},
)


@dataclass(frozen=True)
class HelpLine:
    name: str
    number: str
    note: str = ""

    @property
    def text(self) -> str:
        return f"{self.name} {self.number}" + (f" ({self.note})" if self.note else "")

    @property
    def tel(self) -> list[str]:
        """Dialable numbers (digits only) for front ends that make them links."""
        return [re.sub(r"\D", "", n) for n in re.findall(r"\d[\d-]*", self.number)]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "number": self.number, "note": self.note, "tel": self.tel}


def parse_lines(raw: Any) -> list[HelpLine]:
    """The configured help lines; entries without a name or number are skipped (and logged)."""
    lines = []
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(entry, dict):
            log.warning("plugins.safety.lines[%d] is not a mapping; skipped", index)
            continue
        name, number = str(entry.get("name") or "").strip(), str(entry.get("number") or "").strip()
        if not name or not number:
            log.warning("plugins.safety.lines[%d] needs a name and a number; skipped", index)
            continue
        lines.append(HelpLine(name, number, str(entry.get("note") or "").strip()))
    return lines


def scorer_path(settings: dict[str, Any]) -> Path:
    """``plugins.safety.scorer``: ``shipped`` (default) or the weights file that ``assistant
    train safety`` wrote. A file that cannot be read leaves the shipped weights in place (the
    safety net never runs without its scorer), with an error in the log."""
    value = str(settings.get("scorer") or "shipped").strip()
    if value == "shipped":
        return WEIGHTS_PATH
    path = Path(value).expanduser()
    if load_scorer(path) is None:  # read once: the detector reuses it
        log.error(
            "plugins.safety.scorer: 점수기 파일 '%s'을(를) 읽을 수 없어 기본 점수기를 써요.", path
        )
        return WEIGHTS_PATH
    return path


def _texts(raw: Any) -> list[str]:
    return [str(t) for t in raw if str(t).strip()] if isinstance(raw, list) else []


@dataclass
class Safety:
    """The plugin's per-process state: rules, help lines and reply wording."""

    detector: Detector
    lines: list[HelpLine]
    first: list[str]
    again: list[str]
    gentle: list[str]
    gentle_turns: int
    title: str
    check_in: list[str]
    check_in_on: bool = True
    concern: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Safety:
        weights = scorer_path(settings)
        try:
            detector = Detector.from_files(
                _texts(settings.get("extra_patterns")),
                _texts(settings.get("false_friends")),
                scorer_path=weights,
            )
        except ValueError as exc:  # a broken user rule must not switch the safety net off
            log.error("plugins.safety rules unusable (%s); using the shipped rules", exc)
            detector = Detector.from_files(scorer_path=weights)
        lines = parse_lines(settings.get("lines"))
        if not lines:
            log.warning("plugins.safety.lines is empty or unusable; using the shipped lines")
            lines = parse_lines(list(DEFAULT_LINES))
        replies = settings.get("replies") if isinstance(settings.get("replies"), dict) else {}
        first = _texts(replies.get("first")) or [FALLBACK_FIRST]
        return cls(
            detector=detector,
            lines=lines,
            first=first,
            again=_texts(replies.get("again")) or first,
            gentle=_texts(replies.get("gentle")) or [FALLBACK_GENTLE],
            gentle_turns=max(0, int(settings.get("gentle_turns", 3) or 0)),
            title=str(settings.get("title") or "도움을 받을 수 있는 곳"),
            check_in=_texts(replies.get("check_in")) or [FALLBACK_CHECK_IN],
            check_in_on=bool(settings.get("check_in", True)),
            concern=tuple(_texts(replies.get("concern")) or [FALLBACK_CONCERN]),
        )

    # -- wording ---------------------------------------------------------------------

    def fill(self, template: str) -> str:
        values = {
            "lines": "\n".join(f"· {line.text}" for line in self.lines),
            "first_line": f"{self.lines[0].name} {self.lines[0].number}",
        }
        try:
            return template.format(**values).strip()
        except (KeyError, IndexError, ValueError):  # a user template with unknown fields
            log.warning("plugins.safety reply template unusable: %r", template)
            return FALLBACK_FIRST.format(**values).strip()

    def is_crisis(self, text: str) -> bool:
        return self.detector.find(text) is not None

    def earlier_crises(self, history: Sequence[tuple[str, str]]) -> int:
        return sum(1 for user_text, _ in history if self.is_crisis(user_text))

    def in_gentle_window(self, history: Sequence[tuple[str, str]]) -> bool:
        if self.gentle_turns <= 0:
            return False
        return any(self.is_crisis(user) for user, _ in list(history)[-self.gentle_turns :])

    def crisis_reply(self, history: Sequence[tuple[str, str]]) -> Reply:
        earlier = self.earlier_crises(history)
        # each repeat is worded differently from the one before
        again = self.again[(earlier - 1) % len(self.again)] if earlier else ""
        template = again or self.first[0]
        return Reply(
            self.fill(template),
            title=self.title,
            final=True,
            data={
                "safety": {
                    "kind": "crisis",
                    "repeat": earlier,
                    "lines": [line.as_json() for line in self.lines],
                },
                "display": {"variant": VARIANT, "title": self.title},
            },
        )

    def concern_reply(self, history: Sequence[tuple[str, str]]) -> Reply:
        """For someone worried about another person: one not given before, if any."""
        options = [self.fill(t) for t in self.concern or (FALLBACK_CONCERN,)]
        previous = {reply for _, reply in history}
        text = next((o for o in options if o not in previous), options[0])
        return Reply(
            text,
            title=self.title,
            final=True,
            data={
                "safety": {"kind": "concern", "lines": [line.as_json() for line in self.lines]},
                "display": {"variant": VARIANT, "title": self.title},
            },
        )

    def check_in_reply(self, request: Request) -> Reply | None:
        """A careful reply for a remark in the scorer's grey band, or None."""
        if not self.check_in_on:
            return None
        emotion = request.emotion
        if emotion is not None and emotion.label in CALM_MOODS:
            # "편의점에서 신상 과자 사 왔어" read as 일상: asking "많이 힘드신 건 아닌지"
            # would be absurd; without an emotion reading the band decides alone
            return None
        low_mood = (
            emotion is not None and emotion.label == LOW_MOOD[0] and emotion.score >= LOW_MOOD[1]
        )
        hit = self.detector.check_in(request.text, low_mood=low_mood)
        if hit is None:
            return None
        log.info("check-in (%s)", hit.pattern)
        previous = {reply for _, reply in request.history}
        options = [self.fill(t) for t in self.check_in]
        text = next((o for o in options if o not in previous), options[0])
        return Reply(
            text,
            final=True,
            data={"safety": {"kind": "check_in"}, "display": {"variant": VARIANT}},
        )

    def gentle_reply(self, history: Sequence[tuple[str, str]]) -> Reply:
        options = [self.fill(t) for t in self.gentle]
        previous = {reply for _, reply in history}
        last = history[-1][1] if history else ""
        # in order, never one already given in this conversation (nor the last reply)
        fresh = [o for o in options if o not in previous] or [o for o in options if o != last]
        text = (fresh or options)[0]
        return Reply(
            text,
            final=True,
            data={"safety": {"kind": "gentle"}, "display": {"variant": VARIANT}},
        )


FALLBACK_FIRST = (
    "말씀해 주셔서 고마워요. 지금 많이 걱정돼요. 혼자 견디지 마시고 지금 바로 사람과 "
    "이야기해 주세요.\n{lines}"
)
FALLBACK_CONCERN = (
    "걱정되는 마음으로 말씀해 주셔서 고마워요. 그런 신호는 가볍게 넘기지 않는 게 좋아요. "
    "곁에서 판단하지 말고 이야기를 들어 주시고, 혼자 두지 말아 주세요. 주변 사람이 걱정될 "
    "때도 {first_line}에서 어떻게 도울지 상담받을 수 있어요. 지금 위험해 보이면 망설이지 "
    "말고 119나 112에 알려 주세요.\n{lines}"
)
FALLBACK_GENTLE = "천천히 말씀하셔도 괜찮아요. 저는 여기서 듣고 있을게요."
FALLBACK_CHECK_IN = (
    "혹시 많이 힘드신 건 아닌지 마음이 쓰여요. 힘든 마음이 드시면 {first_line}에서 "
    "언제든 이야기를 들어 드려요. 저에게도 편하게 말씀해 주세요."
)
#: the emotion plugin's label and least score that widen the check-in band (turns only)
LOW_MOOD = ("우울", 0.7)
#: emotion readings that rule the check-in out (everyday news and good news)
CALM_MOODS = frozenset({"일상", "기쁨"})


def state(app: App) -> Safety:
    """The plugin's state for this app (built from ``plugins.safety`` on first use)."""
    found = app.state.get(NAME)
    if not isinstance(found, Safety):
        found = app.state[NAME] = Safety.from_settings(app.config.plugin(NAME))
    return found


def make_match(safety: Safety) -> Callable[[str], tuple[float, dict] | None]:
    """Intent matcher with the top priority: full confidence when a crisis rule fires; when
    only the learned scorer does, :data:`SCORER_CONFIDENCE`, so that a command pattern that
    covers the whole utterance still wins ("몇 분 남았어?" is a timer question, whatever
    the scorer makes of "남았어")."""

    def match(text: str) -> tuple[float, dict[str, Any]] | None:
        hit = safety.detector.find(text)
        if hit is None:
            return None
        log.info("crisis language (rule %r)", hit.pattern)
        return (SCORER_CONFIDENCE if hit.pattern.startswith("scorer") else 1.0), {}

    return match


def answer(request: Request) -> Reply:
    return state(request.app).crisis_reply(request.history)


def make_concern_match(safety: Safety) -> Callable[[str], tuple[float, dict] | None]:
    def match(text: str) -> tuple[float, dict[str, Any]] | None:
        if not safety.detector.concern(text):
            return None
        log.info("worry about someone else's safety")
        return 1.0, {}

    return match


def answer_concern(request: Request) -> Reply:
    return state(request.app).concern_reply(request.history)


@hookimpl
def register_intents(register: Callable[[Intent], None], app: App) -> None:
    register(
        Intent(
            name=INTENT,
            handler=answer,
            match=make_match(state(app)),
            priority=PRIORITY,
            description="자살·자해 같은 위기의 말에는 걱정과 도움받을 곳(상담전화)으로 답해요",
        )
    )
    register(
        Intent(
            name=CONCERN_INTENT,
            handler=answer_concern,
            match=make_concern_match(state(app)),
            priority=PRIORITY + 1,
            description="다른 사람의 위기를 걱정하는 말에는 돕는 방법과 상담전화로 답해요",
        )
    )


@hookimpl(tryfirst=True)
def fallback_reply(request: Request) -> Reply | None:
    """Right after a crisis remark, small talk is answered gently, without the chat model;
    a remark in the scorer's grey band gets a careful check-in."""
    safety = state(request.app)
    if safety.in_gentle_window(request.history):
        return safety.gentle_reply(request.history)
    return safety.check_in_reply(request)


@hookimpl
def register_trainers(train: click.Group) -> None:
    from .commands import train_command

    train.add_command(train_command, "safety")
