"""주사위 굴리기: the example third-party plugin for 이랑 (see docs/plugins.md)."""

import secrets

from assistant import hookimpl
from assistant.korean import josa
from assistant.types import Intent, Reply, Request

__version__ = "1.0.0"

FACES = "⚀⚁⚂⚃⚄⚅"


def roll(request: Request) -> Reply:
    """Answer `dice.roll`: a number from 1 to 6 ("주사위 두 개" rolls two)."""
    count = request.slots.get("number", 1)
    if not 1 <= count <= 10:
        return Reply("주사위는 한 번에 1개부터 10개까지 굴릴 수 있어요.")
    values = [secrets.randbelow(6) + 1 for _ in range(count)]
    faces = " ".join(FACES[v - 1] for v in values)
    if count == 1:
        text = f"{faces} {josa(str(values[0]), '이/가')} 나왔어요!"
    else:
        text = (
            f"{faces} {', '.join(map(str, values))}: 합계 {josa(str(sum(values)), '이에요/예요')}!"
        )
    return Reply(text, data={"values": values})


@hookimpl
def register_intents(register):
    register(
        Intent(
            name="dice.roll",
            handler=roll,
            patterns=[r"주사위 ({number} 개 )?(굴려|던져|돌려)", r"^주사위$"],
            keywords=["주사위"],
            examples=["주사위 굴려줘", "주사위 두 개 던져 줘"],
            description="주사위를 굴려요",
        )
    )
