"""The learned crisis scorer: training command, JSON weights, lazy pure-Python inference."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from assistant_plugins.safety import scorer as scorer_module
from assistant_plugins.safety import train as train_module
from assistant_plugins.safety.detect import (
    FALSE_FRIENDS_PATH,
    PATTERNS_PATH,
    Detector,
    read_list,
    spellings,
)
from assistant_plugins.safety.scorer import Scorer, features, load
from assistant_plugins.safety.train import main as train_main

ROOT = Path(__file__).resolve().parent.parent


def test_training_command_rebuilds_weights_from_a_small_subset(tmp_path):
    out = tmp_path / "weights.json"
    chat = tmp_path / "chat.csv"
    chat.write_text(
        "Q,A,label\n오늘 점심 뭐 먹지,맛있는 거요,0\n,빈 질문,0\n죽고 싶어,(a rule fires: dropped),1\n"
        + "".join(f"주말에 영화 {i}편 볼까,좋아요,0\n" for i in range(30)),
        encoding="utf-8",
    )
    args = ["--sets", "test_e", "--out", str(out), "--folds", "3", "--epochs", "3"]
    train_main(
        [*args, "--negatives", str(chat), "--everyday-negatives", "", "--persona-negatives", ""]
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["sets"] == ["test_e"] and 0 < data["threshold"] <= 1
    assert data["meta"]["chat_negatives"] == 31  # the empty row and the crisis remark skipped
    assert data["meta"]["everyday_negatives"] == 0
    trained = load(out)
    assert trained is not None and 0 < len(trained.weights) <= 8000
    worried = trained.probability(spellings("죽고 싶어")[0])
    calm = trained.probability(spellings("오늘 점심 뭐 먹지")[0])
    assert worried > calm


def test_training_refuses_a_held_out_set(tmp_path, monkeypatch):
    assert "test_s" not in train_module.HELD_OUT  # session 13's, looked at: no longer held out
    assert "test_t" not in train_module.HELD_OUT  # session 14's: a rules' set since session 15
    assert "test_u" not in train_module.HELD_OUT  # session 15's: a rules' set after its look
    assert "test_v" not in train_module.HELD_OUT  # session 16's: likewise
    # the lead's held-out set (test_x since session 21), or a named one when none is held out
    held = min(train_module.HELD_OUT, default="test_zz")
    monkeypatch.setattr(train_module, "HELD_OUT", {held})
    with pytest.raises(SystemExit, match="보류 평가 세트"):
        train_main(["--sets", "dev", held, "--out", str(tmp_path / "w.json")])


def test_persona_questions_are_harmless_examples_with_the_name_filled_in(tmp_path):
    from assistant_plugins.safety.detect import Detector

    persona = tmp_path / "persona.tsv"
    persona.write_text(
        "# comment\nutterance\treply\tvalence\n어디 사세요?\t이 컴퓨터 안에요.\t0\n"
        "{name:아/야} 고마워\t천만에요.\t1\n죽고 싶어\t(a rule fires: dropped)\t0\n",
        encoding="utf-8",
    )
    found = train_module.read_persona(persona, Detector.from_files())
    assert found == ["어디 사세요?", "이랑아 고마워"]


def test_folds_follow_the_authors_and_fall_back_to_random_ones():
    names = ["dev", "test_f", "train_a", "train_a", "test_g"]
    assert train_module.fold_of(names, 0) == [
        0,
        0,
        1,
        1,
        2,
    ]  # rules_author, safety, second (sorted)
    assert set(train_module.fold_of(["test_e"] * 50, 0)) == set(range(5))  # one author
    assert set(train_module.fold_of(names * 10, 3)) == {0, 1, 2}


def test_cue_classes_and_their_pairs_are_features():
    found = features(spellings("이제 편해질 거야 다 정리했어")[0], ("c",))
    assert {"cBURDEN", "cPREP", "cBURDEN+PREP"} <= found
    assert not any(f.startswith(("s", "j")) for f in found)
    assert "cJOKE" in features(["추워 죽겠어 ㅋㅋ"], ("c",))


def _grey_weights(tmp_path) -> Path:
    """Weights that score "떠날게" 0.5 and "떠날게 마지막" 0.97: a threshold of 0.9 and a
    check-in band from 0.4 (0.2 on a 우울 turn)."""
    weights = tmp_path / "grey.json"
    scorer = Scorer({"s떠날게": 1.0, "s마지막": 3.5}, -1.0, 0.9, ("s",), 0.4, 0.2)
    weights.write_text(scorer.to_json({}), encoding="utf-8")
    return weights


def test_the_check_in_band_sits_under_the_threshold(tmp_path):
    detector = Detector(read_list(PATTERNS_PATH), ["휴가"], scorer_path=_grey_weights(tmp_path))
    assert detector.find("내일 아침 일찍 나 이제 떠날게") is None
    hit = detector.check_in("내일 아침 일찍 나 이제 떠날게")
    assert hit is not None and hit.pattern == "scorer p=0.50 (check-in)"
    assert detector.find("내일 아침 일찍 나 이제 떠날게 마지막") is not None
    assert (
        detector.check_in("내일 아침 일찍 나 이제 떠날게 마지막") is None
    )  # a crisis remark, not a check-in
    assert detector.check_in("휴가 떠날게 다들") is None  # a false friend vetoes both
    assert detector.check_in("죽고 싶어") is None  # a rule fired
    assert detector.check_in("오늘 점심 뭐 먹지") is None


def test_a_low_mood_turn_widens_the_check_in_band(tmp_path):
    weights = tmp_path / "w.json"
    weights.write_text(
        Scorer({"s떠날게": 0.0}, -1.0, 0.9, ("s",), 0.4, 0.2).to_json({}), encoding="utf-8"
    )  # "떠날게" scores 0.27: under the band, inside it on a 우울 turn
    detector = Detector([], [], scorer_path=weights)
    assert detector.check_in("내일 아침 일찍 나 이제 떠날게") is None
    assert detector.check_in("내일 아침 일찍 나 이제 떠날게", low_mood=True) is not None


def test_old_weights_files_read_without_a_check_in_band(tmp_path):
    old = tmp_path / "old.json"
    old.write_text(
        json.dumps({"meta": {}, "bias": -1.0, "threshold": 0.5, "weights": {"s떠날": 3.0}}),
        encoding="utf-8",
    )
    scorer = load(old)
    assert scorer is not None and scorer.kinds == ("s", "j")
    assert scorer.check_in == scorer.check_in_low_mood == 0.5  # no band


def test_weights_file_round_trip_is_exact():
    weights = {"s떠날게": 1.2345, "j ㅈㅜㄱ": -0.0001, "s추워": 0.0, "s 살": 123.4567, "s ": -7.5}
    scorer = Scorer(weights, -1.25, 0.7, ("s", "j"), 0.5, 0.3)
    again = Scorer.from_json(scorer.to_json({"sets": []}))
    assert again == scorer and all(type(v) is float for v in again.weights.values())
    assert Scorer.from_json(Scorer({}, 0.0, 0.5).to_json({})).weights == {}
    rounded = Scorer.from_json(Scorer({"s가": 0.123456}, 0.0, 0.5).to_json({}))
    assert rounded.weights == {"s가": 0.1235}  # 4 decimals, as before


def test_a_weights_file_with_missing_weights_is_refused(tmp_path, caplog):
    data = json.loads(Scorer({"s가": 1.0, "s나": 2.0}, 0.0, 0.5).to_json({}))
    short, unsorted = dict(data), dict(data)
    short["features"] += "\ns다"
    unsorted["features"] = "s나\ns가"  # looked up by bisection: must be sorted
    for name, content in [("short", short), ("unsorted", unsorted)]:
        broken = tmp_path / f"{name}.json"
        broken.write_text(json.dumps(content), encoding="utf-8")
        with caplog.at_level(logging.WARNING):
            assert load(broken) is None
    assert "rules only" in caplog.text
    packed = Scorer.from_json(Scorer({"s가": 1.0, "s나": -2.5}, 0.0, 0.5).to_json({})).weights
    assert packed.get("s나") == -2.5 and packed.get("s다", 0.0) == 0.0 and "s가" in packed
    with pytest.raises(KeyError):
        packed["s"]


def test_scorer_catches_what_the_rules_miss_and_false_friends_veto_it(tmp_path):
    rules = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))
    weights = tmp_path / "w.json"
    weights.write_text(
        Scorer({"s떠날게": 5.0, "s추워": 0.0}, -1.0, 0.9).to_json({}), encoding="utf-8"
    )
    detector = Detector(read_list(PATTERNS_PATH), [], scorer_path=weights)
    text = "내일 아침 일찍 나 이제 떠날게"
    assert rules.find(text) is None
    hit = detector.find(text)
    assert hit is not None and hit.pattern.startswith("scorer")
    vetoing = Detector(read_list(PATTERNS_PATH), ["떠날게"], scorer_path=weights)
    assert vetoing.find(text) is None


def test_broken_weights_fall_back_to_the_rules(tmp_path, caplog):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    detector = Detector(read_list(PATTERNS_PATH), [], scorer_path=broken)
    with caplog.at_level(logging.WARNING):
        assert detector.find("날씨 알려줘") is None
        assert detector.find("죽고 싶어") is not None
    assert "rules only" in caplog.text


def test_shipped_weights_are_small_plain_json():
    path = scorer_module.WEIGHTS_PATH
    assert path.stat().st_size < 1_500_000  # read once, on the first utterance no rule catches
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"meta", "bias", "threshold", "features", "weights_e4"}
    assert data["meta"]["sets"] == train_module.TUNING_SETS


def test_everyday_chat_with_life_words_stays_off():
    detector = Detector.from_files()
    for text in [
        "타이머 같은 인생이야",
        "인생 영화 추천해줘",
        "오늘 하루도 끝!",
        "그냥 자는 거 아니지?",
        "sibal",
    ]:
        assert detector.find(text) is None, text
    # a bare conversation opener is not worrying (blind small-talk set L drew a check-in)
    for text in ["근데 있잖아", "있잖아요", "너는 어디에 살아?"]:
        assert detector.find(text) is None and detector.check_in(text) is None, text
    assert detector.find("근데 있잖아 나 사라지고 싶어") is not None


def test_features_share_jamo_across_typos():
    assert features(["주그면"]) & features(["죽으면"]) >= {"jㅈㅜㄱ", "jㅡㅁㅕㄴ"}


def test_route_with_the_scorer_imports_no_heavy_library(tmp_path):
    code = (
        "import sys, json\n"
        "from assistant_plugins.safety.detect import Detector\n"
        "d = Detector.from_files()\n"
        "hit = d.find('엄마 아빠 나 없어도 울지 마')\n"
        "print(json.dumps([hit.pattern[:6],\n"
        "    [m for m in ('numpy', 'torch', 'kiwipiepy', 'sklearn') if m in sys.modules]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["scorer", []]


def test_a_short_text_needs_a_surer_score_and_gets_no_check_in():
    from assistant_plugins.safety.detect import SHORT_MIN_SCORE, SHORT_SYLLABLES, scorer_fires

    assert scorer_fires(0.5, 0.4, SHORT_SYLLABLES) and not scorer_fires(0.5, 0.4, 5)
    assert scorer_fires(SHORT_MIN_SCORE, 0.4, 5)
    detector = Detector.from_files()
    for text in ("그거 알려줘", "이것도 잡담이에요"):  # everyday requests, not crisis remarks
        assert detector.find(text) is None and detector.check_in(text) is None
    assert detector.find("죽고 싶어") is not None  # the rules still catch short ones


def test_the_threshold_spares_the_small_talk_sets(tmp_path):
    """The shipped threshold keeps the scorer's crisis replies to the small-talk sets' everyday
    remarks within train.EVAL_CHAT_FIRES: ``--rethreshold`` raises a lower one to the lowest
    threshold that does, without touching the weights, and running it again changes nothing.
    The shipped threshold may stay above it: set Z (session 14, 180 remarks without a fire)
    would let the rule lower 0.37 to 0.36, where a soldier's haircut question
    ("휴가 때 머리 기르는 게 나아 …?") gets the crisis reply; the detector looked at on the
    held-out test_t kept 0.37 (plugins/safety/README.md)."""
    shipped_text = scorer_module.WEIGHTS_PATH.read_text(encoding="utf-8")
    shipped = load(scorer_module.WEIGHTS_PATH)
    rules = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))
    assert train_module.small_talk_threshold(shipped, rules, 0.2, []) == (0.2, 0)
    low = json.loads(shipped_text)
    low["threshold"] = 0.2
    del low["meta"]["small_talk_sets"]  # as training leaves it before the raise
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(low, ensure_ascii=False), encoding="utf-8")
    train_main(["--rethreshold", "--out", str(path)])
    again = json.loads(path.read_text(encoding="utf-8"))
    assert 0.3 < again["threshold"] <= shipped.threshold  # the lowest such threshold
    found = again["meta"]["small_talk_sets"]
    assert found["threshold_before"] == 0.2 and found["remarks"] > 3000
    assert found["fired"] <= train_module.EVAL_CHAT_FIRES * found["remarks"]
    assert again["weights_e4"] == low["weights_e4"] and again["features"] == low["features"]
    # once more, from the threshold it records: the same file
    before = path.read_text(encoding="utf-8")
    train_main(["--rethreshold", "--out", str(path)])
    assert path.read_text(encoding="utf-8") == before
