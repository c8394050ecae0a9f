"""Words without which an utterance is not a weather question: the router tries the
weather intent only when one is present. Kept apart from :mod:`.understand`, which is
imported on the first utterance that has one (a cold ``assistant route "5분 타이머"`` never
compiles the weather question patterns)."""

KEYWORDS = (
    "날씨",
    "기온",
    "온도",
    "예보",
    "비",
    "눈",
    "소나기",
    "우박",
    "우산",
    "추워",
    "춥",
    "추울",
    "추운",
    "쌀쌀",
    "더워",
    "덥",
    "더울",
    "더운",
    "따뜻",
    "포근",
    "몇도",
)
