"""Built-in plugin: spoken help ("뭐 할 수 있어?", "도움말").

The answer lists what every enabled plugin understands, grouped by plugin,
built from the intents the plugins register (their ``description`` and
``examples``), so a newly installed third-party plugin shows up by itself.
``/help`` and ``assistant help`` render the same information as a table
(core: ``assistant.render.help_panel``).
"""

from __future__ import annotations

import logging

from assistant import hookimpl
from assistant.types import Intent, Reply, Request

log = logging.getLogger("assistant.help")

_ENDING = r"(?:어|어요|니|나요|냐|는지|는데|지|죠|을까|을까요|어\?)?"
PATTERNS = [
    rf"^(?:너|넌|너는|니가|네가|너가|당신|당신은)? ?(?:뭐|무엇|뭘|무얼|무엇을|어떤 ?(?:것|거|걸|일))(?:을|를)?"
    rf" ?(?:할 ?수 ?있|할 ?줄 ?알|해 ?줄 ?수 ?있|도와 ?줄 ?수 ?있){_ENDING}",
    r"^(?:너|네가|니가|너가)? ?할 ?수 ?있는 ?(?:거|것|게|일|기능)(?:들)?(?: ?(?:이|은|뭐|좀|목록))?"
    r"(?: ?(?:뭐야|뭐예요|뭐가 ?있어|뭐 ?있어))?",
    r"^(?:도움말|도움|사용법|사용 ?방법|기능 ?(?:목록|소개|설명)|명령어 ?(?:목록)?|help)"
    r"(?: ?(?:좀|보여|알려|볼래|볼 ?수 ?있어))?",
    rf"^(?:어떤|무슨) ?기능(?:이|들이)? ?있{_ENDING}",
]

INTRO = "제가 할 수 있는 일이에요."
OUTRO = "그 밖의 말씀에는 대화로 답해요."
#: The keyboard plugin has no intent of its own, so help mentions it explicitly.
KEYBOARD_TIP = '한/영 전환을 깜빡하고 쳐도 알아들어요: "tlrks dkffuwnj" → 시간 알려줘'


def collect_intents(request: Request) -> dict[str, list[Intent]]:
    """Intents with examples of each enabled plugin, by plugin name (from ``app.router``)."""
    router = request.app.router
    found = [(plugin, intent) for intent, plugin in router.intents.values()] if router else []
    by_plugin: dict[str, list[Intent]] = {}
    for plugin, intent in found:
        if intent.examples:
            by_plugin.setdefault(plugin, []).append(intent)
    return dict(sorted(by_plugin.items()))


def _fallback_plugins(request: Request) -> list[str]:
    host = request.app.host
    if host is None:
        return []
    return [name for name, _, _ in host.implementations("fallback_reply")]


def show_help(request: Request) -> Reply:
    by_plugin = collect_intents(request)
    lines = [INTRO]
    data: dict[str, list[dict[str, object]]] = {}
    for plugin, intents in by_plugin.items():
        lines.append(f"[{plugin}]")
        for intent in intents:
            examples = ", ".join(f'"{e}"' for e in intent.examples[:3])
            lines.append(f"- {intent.description or intent.name}: {examples}")
        data[plugin] = [
            {"intent": i.name, "description": i.description, "examples": list(i.examples)}
            for i in intents
        ]
    host = request.app.host
    if host is not None and "keyboard" in host.plugin_names():
        lines.append(KEYBOARD_TIP)
    fallback = _fallback_plugins(request)
    if fallback:
        lines.append(f"{OUTRO} ({', '.join(fallback)})")
    lines.append("'/help'를 입력하면 명령어까지 표로 볼 수 있어요.")
    return Reply("\n".join(lines), title="도움말", data={"help": data})


@hookimpl
def register_intents(register) -> None:
    register(
        Intent(
            name="help.show",
            handler=show_help,
            patterns=PATTERNS,
            keywords=[
                "할수",
                "할줄",
                "해줄수",
                "도와줄수",
                "도움",
                "사용법",
                "사용방법",
                "기능",
                "명령어",
                "help",
            ],
            examples=["뭐 할 수 있어?", "도움말", "할 수 있는 거 알려줘"],
            description="제가 할 수 있는 일을 플러그인별로 알려 드려요",
        )
    )
