"""The classifier: KoBERT-style SentencePiece tokenizer, loading rules, predictions, speed."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from assistant_plugins.emotion.classifier import EmotionClassifier, ModelError, resolve, shipped_dir
from assistant_plugins.emotion.tokenization import (
    SentencePieceBertTokenizer,
    TokenizerError,
    load_tokenizer,
)
from emotion_helpers import LABELS, make_kobert_dir, train_sp_model


@pytest.fixture(scope="module")
def kobert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kobert_dir(tmp_path_factory.mktemp("kobert"))


def test_kobert_tokenizer_maps_pieces_through_vocab_txt(kobert_dir: Path):
    import sentencepiece as spm

    tok = load_tokenizer(kobert_dir)
    assert isinstance(tok, SentencePieceBertTokenizer)
    vocab = (kobert_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
    sp = spm.SentencePieceProcessor()
    sp.Load(str(kobert_dir / "tokenizer_78b3253a26.model"))
    text = "오늘 시험 망쳐서 너무 속상해"
    pieces = tok.tokenize(text)
    assert pieces == sp.EncodeAsPieces(text)
    ids = tok.encode(text)
    assert ids[0] == vocab.index("[CLS]") == 2 and ids[-1] == vocab.index("[SEP]") == 3
    assert ids[1:-1] == [vocab.index(p) if p in vocab else vocab.index("[UNK]") for p in pieces]
    assert ids[1:-1] != [sp.PieceToId(p) for p in pieces]  # vocab.txt really is used
    assert tok.pad_id == 1
    # NFD input (decomposed jamo) gives the same ids as NFC
    import unicodedata

    assert tok.encode(unicodedata.normalize("NFD", text)) == ids
    assert len(tok.encode("가나다 " * 200, max_length=16)) == 16


def test_sentencepiece_ids_without_vocab_txt(tmp_path: Path):
    path = train_sp_model(tmp_path, "spiece.model")
    tok = load_tokenizer(tmp_path)
    assert isinstance(tok, SentencePieceBertTokenizer)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor()
    sp.Load(str(path))
    assert tok.encode("월급 들어와서 기분 최고야")[1:-1] == sp.EncodeAsIds(
        "월급 들어와서 기분 최고야"
    )


def test_sentencepiece_file_that_is_not_a_model(tmp_path: Path):
    (tmp_path / "spiece.model").write_bytes(b"not a sentencepiece model")
    with pytest.raises(TokenizerError):
        SentencePieceBertTokenizer.from_dir(tmp_path)


def test_classifier_loads_tiny_kobert_and_predicts(kobert_dir: Path):
    classifier = EmotionClassifier.load(str(kobert_dir))
    assert classifier.labels == LABELS
    prediction = classifier.predict("내일 면접인데 너무 떨려")
    assert prediction.label in LABELS
    assert abs(sum(prediction.probabilities.values()) - 1) < 1e-4
    assert prediction.score == pytest.approx(prediction.probabilities[prediction.label])
    # a threshold above every probability turns the answer into 일상, scored as the chance
    # that it is not the best emotion (never the tiny p(일상) of an emotional sentence)
    low = classifier.predict("내일 면접인데 너무 떨려", threshold=1.0)
    best = max(low.probabilities, key=low.probabilities.__getitem__)
    expected = low.probabilities[best] if best == "일상" else 1 - low.probabilities[best]
    assert low.label == "일상" and low.score == pytest.approx(expected)
    many = classifier.predict_many(["좋아", "싫어", "무서워"], batch_size=2)
    assert [p.label for p in many] == [
        classifier.predict(t).label for t in ["좋아", "싫어", "무서워"]
    ]


def test_pickled_weights_are_refused(tmp_path: Path, kobert_dir: Path):
    target = tmp_path / "pickled"
    shutil.copytree(kobert_dir, target)
    (target / "model.safetensors").rename(target / "pytorch_model.bin")
    with pytest.raises(ModelError, match="safetensors"):
        EmotionClassifier.load(str(target))


def test_corrupt_weights_and_missing_dirs(tmp_path: Path, kobert_dir: Path):
    target = tmp_path / "corrupt"
    shutil.copytree(kobert_dir, target)
    (target / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(ModelError, match="불러올 수 없어요"):
        EmotionClassifier.load(str(target))
    with pytest.raises(ModelError, match="찾을 수 없어요"):
        resolve(str(tmp_path / "nope"))


def test_hub_id_offline_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelError, match="skt/kobert-base-v1"):
        resolve("skt/kobert-base-v1")


def test_shipped_model_is_safetensors_only_and_small():
    directory = shipped_dir()
    assert (directory / "config.json").is_file(), "the shipped emotion model is missing"
    files = list(directory.iterdir())
    assert not [f for f in files if f.suffix in {".bin", ".pt", ".pth", ".pkl"}]
    assert sum(f.stat().st_size for f in files) < 30 * 1024 * 1024
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    assert [config["id2label"][str(i)] for i in range(6)] == LABELS
    assert (directory / "MODEL_CARD.md").is_file()


def test_shipped_model_is_fast_and_sensible():
    assert (shipped_dir() / "config.json").is_file(), "the shipped emotion model is missing"
    classifier = EmotionClassifier.load("shipped", threads=1)  # the configured default
    texts = ["오늘 시험 망쳐서 너무 속상해", "내일 면접인데 떨려", "드디어 합격했어!"] * 10
    timings = []
    for text in texts:
        started = time.perf_counter()
        classifier.predict(text)
        timings.append((time.perf_counter() - started) * 1000)
    median_ms = sorted(timings)[len(timings) // 2]
    # a few ms on an idle CPU (bench/emotion_eval.py measures it); only a sanity bound here,
    # because the test machine is shared
    assert median_ms < 250, median_ms
    assert classifier.predict("드디어 합격했어! 너무 기뻐").label == "기쁨"
