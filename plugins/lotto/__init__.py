"""Built-in plugin: lotto numbers ("로또 번호 뽑아줘", "로또 5게임 추천해줘").

Six distinct numbers from 1 to 45, sorted, plus a distinct bonus number, drawn
with :class:`secrets.SystemRandom` (the operating system's cryptographic
source). Talking *about* the lotto ("로또 맞고 싶다", "로또 당첨되면 뭐 할래?")
is not a request for numbers and stays small talk.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from assistant import hookimpl
from assistant.korean import josa
from assistant.types import Intent, Reply, Request

LOWEST, HIGHEST, PICKS = 1, 45, 6
MAX_GAMES = 10
#: 1 in C(45, 6): the chance of the first prize.
JACKPOT_ODDS = 8_145_060

_random = secrets.SystemRandom()

_LOTTO = r"(?:로또|lotto)"
_GAMES = r"(?: ?(?:{games:number}) ?(?:게임|줄|장|세트))?"
_ACTION = r"(?:뽑아|뽑기|뽑|추천|골라|만들어|생성|찍어|돌려|줘|주세요|하나|한 ?개|부탁)"
PATTERNS = [
    rf"{_LOTTO} ?(?:번호)?{_GAMES} ?(?:좀 )?{_ACTION}",
    rf"{_LOTTO} ?(?:번호)?{_GAMES} ?(?:좀 )?(?:뭐가 ?좋을까|뭘로 ?할까|알려)",
    rf"^{_LOTTO} ?번호{_GAMES}$",
]


@dataclass(frozen=True)
class Draw:
    numbers: tuple[int, ...]  # six, sorted
    bonus: int


def draw(rng: secrets.SystemRandom = _random) -> Draw:
    """One game: six distinct sorted numbers in 1..45 and a bonus distinct from them."""
    picked = rng.sample(range(LOWEST, HIGHEST + 1), PICKS + 1)
    return Draw(tuple(sorted(picked[:PICKS])), picked[PICKS])


def _games(request: Request) -> tuple[int, str]:
    """How many games were asked for (1..MAX_GAMES) and a note when it was capped."""
    asked = request.slots.get("games")
    if not isinstance(asked, int) or asked < 1:
        return 1, ""
    if asked > MAX_GAMES:
        return MAX_GAMES, f"한 번에 {MAX_GAMES}게임까지만 뽑아 드려요. "
    return asked, ""


def _numbers(game: Draw) -> str:
    return ", ".join(str(n) for n in game.numbers)


def lotto_draw(request: Request) -> Reply:
    count, note = _games(request)
    games = [draw() for _ in range(count)]
    disclaimer = f"재미로만 봐 주세요. 1등 확률은 {JACKPOT_ODDS:,}분의 1이에요."
    data = {"games": [{"numbers": list(g.numbers), "bonus": g.bonus} for g in games]}
    if count == 1:
        game = games[0]
        text = f"{note}이번 번호는 {_numbers(game)}, 보너스 {josa(str(game.bonus), '이에요/예요')}. {disclaimer}"
        return Reply(text, data=data)
    lines = [f"{i}게임: {_numbers(g)} (보너스 {g.bonus})" for i, g in enumerate(games, 1)]
    text = f"{note}로또 번호 {count}게임이에요.\n" + "\n".join(lines) + f"\n{disclaimer}"
    return Reply(text, title="로또 번호", data=data)


@hookimpl
def register_intents(register) -> None:
    register(
        Intent(
            name="lotto.draw",
            handler=lotto_draw,
            patterns=PATTERNS,
            keywords=["로또", "lotto"],
            examples=["로또 번호 뽑아줘", "로또번호 추천해줘", "로또 5게임 뽑아줘"],
            description="로또 번호를 뽑아 드려요 (1~45 중 6개 + 보너스)",
        )
    )
