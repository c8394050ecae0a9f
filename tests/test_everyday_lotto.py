"""Lotto: routing, properties of the draw over many draws, the reply."""

from __future__ import annotations

import json
import secrets
from collections import Counter

import pytest

from assistant.korean import josa
from assistant_plugins import lotto


@pytest.mark.parametrize(
    "text",
    [
        "로또 번호 뽑아줘",
        "로또번호 추천해줘",
        "로또 번호 좀 골라 줄래?",
        "로또 5게임 뽑아줘",
        "로또 번호",
    ],
)
def test_draw_requests_route_to_lotto(make_assistant, text):
    assert make_assistant().route(text).intent == "lotto.draw"


@pytest.mark.parametrize(
    "text",
    [
        "로또 맞고 싶다",
        "로또 당첨되면 뭐 할래?",
        "로또 사러 갈까",
        "로또 번호 뭐야",
        "로또는 꿈이야",
    ],
)
def test_chat_about_lotto_stays_small_talk(make_assistant, text):
    assert make_assistant().route(text).intent == "smalltalk"


def test_draw_properties_over_many_draws():
    seen: Counter[int] = Counter()
    for _ in range(3000):
        game = lotto.draw()
        assert len(game.numbers) == 6
        assert len(set(game.numbers)) == 6
        assert list(game.numbers) == sorted(game.numbers)
        assert all(1 <= n <= 45 for n in game.numbers)
        assert 1 <= game.bonus <= 45 and game.bonus not in game.numbers
        seen.update(game.numbers)
        seen[game.bonus] += 1
    assert set(seen) == set(range(1, 46))  # every number can come up
    # 3000 draws x 7 numbers / 45 = ~467 each; a fair source stays well inside this band.
    assert min(seen.values()) > 330 and max(seen.values()) < 620


def test_draws_come_from_the_system_random_source():
    assert isinstance(lotto._random, secrets.SystemRandom)
    draws = {lotto.draw() for _ in range(50)}
    assert len(draws) > 45  # not a fixed or badly seeded sequence


def test_reply_shows_the_numbers_and_a_light_disclaimer(make_assistant):
    turn = make_assistant().respond("로또 번호 뽑아줘")
    game = turn.reply.data["games"][0]
    assert len(turn.reply.data["games"]) == 1
    numbers = ", ".join(str(n) for n in game["numbers"])
    bonus = josa(str(game["bonus"]), "이에요/예요")
    assert turn.reply.text.startswith(f"이번 번호는 {numbers}, 보너스 {bonus}.")
    assert "재미로만" in turn.reply.text and "8,145,060분의 1" in turn.reply.text


@pytest.mark.parametrize(
    ("text", "games"), [("로또 5게임 뽑아줘", 5), ("로또 번호 세 게임 추천해줘", 3)]
)
def test_several_games(make_assistant, text, games):
    turn = make_assistant().respond(text)
    assert len(turn.reply.data["games"]) == games
    for i, game in enumerate(turn.reply.data["games"], 1):
        assert (
            f"{i}게임: {', '.join(map(str, game['numbers']))} (보너스 {game['bonus']})"
            in turn.reply.text
        )


def test_too_many_games_are_capped(make_assistant):
    turn = make_assistant().respond("로또 50게임 뽑아줘")
    assert len(turn.reply.data["games"]) == lotto.MAX_GAMES
    assert turn.reply.text.startswith(f"한 번에 {lotto.MAX_GAMES}게임까지만")


def test_cli_ask_lotto(run_cli):
    result = run_cli("ask", "--json", "로또번호 추천해줘")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "lotto.draw"
    game = data["data"]["games"][0]
    assert len(set(game["numbers"])) == 6 and game["bonus"] not in game["numbers"]
