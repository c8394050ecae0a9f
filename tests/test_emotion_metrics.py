"""The metrics report against figures computed by hand."""

from __future__ import annotations

import pytest

from assistant_plugins.emotion.metrics import report


def test_report_matches_hand_computed_figures():
    #   gold:      기쁨 기쁨 기쁨 슬픔 슬픔 분노
    #   predicted: 기쁨 기쁨 슬픔 슬픔 분노 분노
    gold = ["기쁨", "기쁨", "기쁨", "슬픔", "슬픔", "분노"]
    predicted = ["기쁨", "기쁨", "슬픔", "슬픔", "분노", "분노"]
    result = report(gold, predicted, ["기쁨", "슬픔", "분노", "불안"])
    # rows = gold, columns = predicted, in label order; 불안 occurs nowhere
    assert result["confusion"] == [[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    assert result["count"] == 6
    assert result["accuracy"] == 0.6667  # 4 right of 6
    # 기쁨: P = 2/2, R = 2/3, F1 = 2*1*(2/3)/(1+2/3) = 0.8
    # 슬픔: P = 1/2, R = 1/2, F1 = 0.5
    # 분노: P = 1/2, R = 1/1, F1 = 2*0.5*1/1.5 = 0.6667
    assert result["per_class"]["기쁨"] == {
        "precision": 1.0,
        "recall": 0.6667,
        "f1": 0.8,
        "support": 3,
    }
    assert result["per_class"]["슬픔"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert result["per_class"]["분노"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
        "support": 1,
    }
    assert result["per_class"]["불안"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    # macro-F1 over the three classes that occur (불안 says nothing): (0.8 + 0.5 + 2/3) / 3
    assert result["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3, abs=1e-4)
    assert result["macro_f1"] == 0.6556


def test_a_predicted_label_outside_the_list_is_added_and_counts_against_macro_f1():
    result = report(["기쁨", "기쁨"], ["기쁨", "우울"], ["기쁨"])
    assert result["labels"] == ["기쁨", "우울"]
    assert result["confusion"] == [[1, 1], [0, 0]]
    # 기쁨: P 1, R 1/2, F1 2/3; 우울: predicted once, never right: F1 0 -> macro 1/3
    assert result["macro_f1"] == 0.3333 and result["accuracy"] == 0.5


def test_empty_input_gives_zeros_not_an_error():
    result = report([], [], ["기쁨"])
    assert result["count"] == 0 and result["accuracy"] == 0.0 and result["macro_f1"] == 0.0
