"""The response selector: tiny end-to-end training on a KoBERT-style base, loading rules,
the shipped checkpoint, and the hits@1 evaluation on hand-made sets."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from assistant_plugins.smalltalk.data import Dialogue
from assistant_plugins.smalltalk.selection_eval import (
    CandidateSet,
    SelectionPair,
    candidate_sets,
    evaluate_selection,
    hits_at_1,
    pairs_of,
)
from assistant_plugins.smalltalk.selector import (
    CONFIG_FILE,
    SELECTOR_DIR,
    BigramIdf,
    Selector,
    SelectorUnavailable,
    join_turns,
    neighbor_votes,
    vote_features,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "smalltalk-mini" / SELECTOR_DIR

#: (utterance, reply) pairs with obvious topics, for a tiny model to learn from
PAIRS = [
    ("배고파", "밥 먹으러 가요"),
    ("너무 배고프다", "밥 먹으러 가요"),
    ("졸려", "일찍 자요"),
    ("너무 졸리다", "일찍 자요"),
    ("비가 와", "우산 챙기세요"),
    ("밖에 비 온다", "우산 챙기세요"),
    ("시험 망쳤어", "다음 시험은 잘 볼 거예요"),
    ("시험 잘 못 봤어", "다음 시험은 잘 볼 거예요"),
    ("심심해", "영화 한 편 어때요"),
    ("너무 심심하다", "영화 한 편 어때요"),
    ("추워", "따뜻하게 입으세요"),
    ("오늘 춥다", "따뜻하게 입으세요"),
]


def dialogues(pairs: list[tuple[str, str]]) -> list[Dialogue]:
    return [Dialogue([u, r], None, "tiny.csv", i + 2) for i, (u, r) in enumerate(pairs)]


@pytest.fixture(scope="module")
def kobert_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BertModel with a SentencePiece tokenizer trained on the fly (KoBERT layout)."""
    from transformers import BertConfig, BertModel

    from assistant_plugins.emotion.tokenization import train_sentencepiece

    directory = tmp_path_factory.mktemp("kobert-base")
    texts = [t for pair in PAIRS for t in pair] * 3
    tokenizer = train_sentencepiece(texts, directory, vocab_size=90)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=2,
        pad_token_id=tokenizer.pad_id,
    )
    BertModel(config).save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def trained(kobert_base: Path, tmp_path_factory: pytest.TempPathFactory):
    from assistant.training.options import TrainSettings
    from assistant_plugins.smalltalk.selector_training import SelectorRecipe, train_selector

    work = tmp_path_factory.mktemp("selector-run")
    data = work / "tiny.csv"
    data.write_text("Q,A\n" + "".join(f"{u},{r}\n" for u, r in PAIRS), encoding="utf-8")
    settings = TrainSettings(
        plugin="smalltalk",
        data=[data],
        output=work / "generator",
        device="cpu",
        precision="fp32",
        seed=0,
        log_every=1,
        warmup=0.0,
        base=str(kobert_base),  # --stage selector --base DIR: a BERT base is the selector's
        command_line=["assistant", "train", "smalltalk"],
    )
    recipe = SelectorRecipe(
        epochs=20,
        batch_size=6,
        lr=3e-3,
        max_length=32,
        dev_fraction=0.0,
        eval_every=0,
        candidates=2,
        neighbors=3,
    )
    result = train_selector(settings, dialogues(PAIRS), recipe=recipe)
    return result


def test_tiny_selector_trains_and_round_trips(trained):
    out = trained.output
    assert out.name == SELECTOR_DIR and out.parent.name == "generator"
    assert (out / "model.safetensors").is_file() and (out / "spiece.model").is_file()
    assert not list(out.glob("*.bin"))
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    losses = [h["train_loss"] for h in meta["history"] if "train_loss" in h]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 * 0.7  # the loss went down
    assert meta["recipe"]["base"].endswith("kobert-base0")  # taken from --base
    selector = Selector.load(out)
    assert selector.config.max_length == 32
    scores = selector.score([], "배고파", ["밥 먹으러 가요", "우산 챙기세요", "일찍 자요"])
    assert len(scores) == 3 and all(-1.0 <= s <= 1.0 for s in scores)
    assert scores[0] == max(scores)  # a training pair, learnt
    # the same scores after a reload: the checkpoint round-trips through safetensors
    again = Selector.load(out).score([], "배고파", ["밥 먹으러 가요", "우산 챙기세요", "일찍 자요"])
    assert again == pytest.approx(scores, abs=1e-5)
    # cached candidates give the same score as fresh ones
    assert selector.score([], "배고파", ["밥 먹으러 가요"])[0] == pytest.approx(scores[0], abs=1e-5)
    assert selector.score([], "배고파", []) == []


def test_the_two_members_score_as_their_mean_cosine(trained, tmp_path: Path):
    out = trained.output
    assert (out / "member-1" / "model.safetensors").is_file()
    selector = Selector.load(out)
    assert selector.config.members == 2 and len(selector.models) == 2
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert [m["seed"] for m in meta["members"]] == [0, 1]
    candidates = ["밥 먹으러 가요", "우산 챙기세요"]
    alone = [
        Selector(model, selector.tokenizer, selector.config).score([], "배고파", candidates)
        for model in selector.models
    ]
    mean = [(a + b) / 2 for a, b in zip(*alone, strict=True)]
    assert selector.score([], "배고파", candidates) == pytest.approx(mean, abs=1e-5)
    broken = tmp_path / "no-member"
    shutil.copytree(out, broken)
    (broken / "member-1" / "model.safetensors").unlink()
    with pytest.raises(SelectorUnavailable, match="member-1"):
        Selector.load(broken)


def test_corrupt_or_missing_checkpoint_is_a_korean_error(trained, tmp_path: Path):
    with pytest.raises(SelectorUnavailable, match="폴더가 없어요"):
        Selector.load(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    shutil.copytree(trained.output, broken)
    (broken / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(SelectorUnavailable, match="불러올 수 없어요"):
        Selector.load(broken)
    pickled = tmp_path / "pickled"
    shutil.copytree(trained.output, pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")
    with pytest.raises(SelectorUnavailable, match="보안상 읽지 않아요"):
        Selector.load(pickled)
    (broken / "model.safetensors").unlink()
    shutil.copy(trained.output / "model.safetensors", broken)
    (broken / CONFIG_FILE).write_text("[1, 2", encoding="utf-8")
    with pytest.raises(SelectorUnavailable, match=CONFIG_FILE):
        Selector.load(broken)


def test_evaluate_selection_shape_with_the_tiny_selector(trained):
    selector = Selector.load(trained.output)
    train, held = dialogues(PAIRS[::2]), dialogues(PAIRS[1::2])
    report = evaluate_selection(train, held, selector=selector, candidates=3, seed=1, neighbors=3)
    assert report["candidates"] == 3 and report["sets"] == 6
    assert report["baselines"]["random"] == pytest.approx(1 / 3, abs=1e-4)
    assert report["baselines"]["generator_loglik"] is None  # no generator given
    for value in (
        report["hits_at_1"],
        report["selector_only"],
        report["selector_and_vote"],
        report["baselines"]["bm25"],
    ):
        assert 0.0 <= value <= 1.0
    assert report["weights"]["vote"] == selector.config.vote_weight
    assert report["weights"]["vote_max"] == selector.config.vote_max_weight
    # select() without neighbours is score(); with them it adds the fitted votes
    selector.config.vote_weight = selector.config.vote_max_weight = 0.0
    selector.config.neighbor_mean_weight, selector.config.neighbor_max_weight = 0.0, 1.0
    plain = selector.score([], "배고파", ["밥 먹으러 가요", "일찍 자요"])
    assert selector.select([], "배고파", ["밥 먹으러 가요", "일찍 자요"]) == plain
    both = selector.select([], "배고파", ["밥 먹으러 가요", "일찍 자요"], [("밥 먹으러 가요", 2.0)])
    assert both[0] == pytest.approx(plain[0] + 1.0, abs=1e-4)  # max cosine to itself: 1
    selector.config.neighbor_max_weight, selector.config.vote_max_weight = 0.0, 2.0
    idf = BigramIdf.of(["밥 먹으러 가요", "일찍 자요", "우산 챙기세요"])
    voted = selector.select(
        [], "배고파", ["밥 먹으러 가요", "일찍 자요"], [("밥 먹으러 가요", 2.0)], idf
    )
    assert voted[0] == pytest.approx(plain[0] + 2.0, abs=1e-4)  # the same text: bigram cosine 1


def test_a_causal_lm_base_is_not_the_selector_base(tmp_path: Path, kobert_base: Path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from assistant_plugins.smalltalk.selector_training import pick_base

    GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=8, n_head=2, vocab_size=50)).save_pretrained(
        tmp_path
    )
    assert pick_base(None, str(tmp_path)) == "mini"
    assert pick_base(None, str(kobert_base)) == str(kobert_base)
    assert pick_base(None, None) == "mini"
    assert pick_base("emotion", str(kobert_base)) == "emotion"


def test_query_keeps_the_utterance_and_drops_the_oldest_context():
    def encode(text: str) -> list[int]:
        return [2, *(ord(c) for c in text), 3]

    assert join_turns(encode, ["ab", "c"], 10) == [2, 97, 98, 3, 99, 3]
    assert join_turns(encode, ["abcdef", "xy", "c"], 7) == [2, 120, 121, 3, 99, 3]
    assert join_turns(encode, ["abcdefgh"], 5) == [2, 97, 98, 99, 3]


def test_hits_at_1_counts_ties_as_a_fraction():
    pair = SelectionPair((), "u", "r")
    sets = [CandidateSet(pair, ("a", "r", "b"), 1)] * 3
    scores = [[0.1, 0.9, 0.2], [0.9, 0.9, 0.1], [0.5, 0.1, 0.2]]
    assert hits_at_1(scores, sets) == pytest.approx((1 + 0.5 + 0) / 3)


def test_candidate_sets_hold_the_truth_and_distinct_distractors():
    pairs = pairs_of(dialogues(PAIRS))
    sets = candidate_sets(pairs, candidates=4, seed=3)
    # only 6 distinct replies: every pair finds 3 distractors with other texts
    assert len(sets) == len(pairs)
    for cset in sets:
        assert cset.candidates[cset.true_index] == cset.pair.reply
        assert len(set(cset.candidates)) == 4
    assert sets == candidate_sets(pairs, candidates=4, seed=3)  # fixed seed
    assert candidate_sets(pairs, candidates=7, seed=3) == []  # not enough distinct replies


def test_neighbor_votes_weight_bigram_similarity_by_bm25():
    # no IDF: plain bigram count cosine; "가나다" vs "가나다" -> 1.0, vs "나다라" -> 1/2
    votes = neighbor_votes([("가나다", 3.0), ("라마바", 1.0)], ["가나다", "나다라", "사아"])
    assert votes == pytest.approx([3.0 / 4, 1.5 / 4, 0.0])
    assert neighbor_votes([], ["가"]) == [0.0]
    votes, best = vote_features([("가나다", 3.0), ("라마바", 1.0)], ["가나다", "마바"])
    assert best == pytest.approx([1.0, 1 / 2**0.5])  # the best single neighbour
    assert votes == pytest.approx([3.0 / 4, (1 / 2**0.5) / 4])


def test_bigram_idf_makes_common_endings_count_less():
    """Every reply ends in "세요": sharing that ending says little, sharing "우산" a lot."""
    replies = ["우산 챙기세요", "일찍 주무세요", "밥 드세요", "따뜻하게 입으세요", "쉬세요"]
    idf = BigramIdf.of(replies)
    assert idf.idf("세요") < idf.idf("우산") < idf.idf("없는")  # unseen counts most
    assert idf.similarity("우산 챙기세요", "우산 챙기세요") == pytest.approx(1.0)
    neighbours = [("우산 꼭 챙기세요", 2.0)]
    umbrella, ending = neighbor_votes(neighbours, ["우산 가져가요", "푹 주무세요"], idf)
    assert umbrella > ending
    # without the IDF the shared ending wins: what the plain similarity gets wrong
    plain = neighbor_votes(neighbours, ["우산 가져가요", "푹 주무세요"])
    assert plain[0] < plain[1]


def test_baselines_on_a_hand_made_split():
    """Held-out utterances share no morpheme with any held-out reply: BM25 ties everywhere
    (hits@1 = 1/2 with 2 candidates); each utterance's neighbour reply is the near copy of
    its own reply, so the vote always finds it (hits@1 = 1)."""
    train = dialogues(
        [
            ("오늘 날씨 좋다", "산책 가요"),
            ("시험 망쳤어", "다음에 잘 보면 돼요"),
            ("배고파 죽겠어", "맛있는 거 드세요"),
        ]
    )
    held = dialogues(
        [
            ("날씨 좋네", "산책 가요 같이"),
            ("시험 망쳤네", "다음엔 잘 볼 거예요"),
            ("배고프다", "맛있는 밥 드세요"),
        ]
    )
    report = evaluate_selection(train, held, candidates=2, seed=0, neighbors=2)
    assert report["sets"] == 3
    assert report["hits_at_1"] is None and report["selector_only"] is None
    assert report["baselines"]["random"] == 0.5
    assert report["baselines"]["bm25"] == 0.5
    assert report["baselines"]["neighbor_vote"] == 1.0


def test_shipped_selector_prefers_the_fitting_reply():
    """Fails (never skips) when the shipped checkpoint is missing."""
    selector = Selector.load(SHIPPED)
    cases = [
        ("배고파 죽겠다", "맛있는 거 드세요."),
        ("내일 시험인데 공부를 하나도 못 했어", "지금부터라도 집중해 보세요."),
        ("여자친구랑 헤어졌어", "많이 힘드시겠어요."),
    ]
    fitting = [reply for _, reply in cases]
    for utterance, reply in cases:
        scores = selector.score([], utterance, fitting)
        assert scores[fitting.index(reply)] == max(scores), (utterance, scores)


def test_too_little_data_for_a_candidate_set_measures_nothing_and_raises_nothing() -> None:
    from assistant_plugins.smalltalk.selection_eval import evaluate_selection, fit_weights
    from assistant_plugins.smalltalk.selector_training import SelectorResult

    assert fit_weights({}, []) == (
        {"vote": 0.0, "vote_max": 0.0, "neighbor_mean": 0.0, "neighbor_max": 0.0},
        0.0,
    )
    figures = evaluate_selection([], [])
    assert figures["sets"] == 0 and figures["hits_at_1"] is None
    assert set(figures["baselines"]) == {
        "random",
        "generator_loglik",
        "generator_pmi",
        "bm25",
        "neighbor_vote",
    }
    summary = SelectorResult(output=None, held_out=figures, dev={"sets": 0, "candidates": 20})
    assert "재지 못했어요" in summary.summary()


def test_hard_negatives_are_replies_of_similar_utterances_with_other_texts():
    from assistant_plugins.smalltalk.selector_training import hard_negative_replies

    pairs = pairs_of(
        dialogues(
            [
                ("시험 망쳤어", "다음 시험은 잘 볼 거예요"),
                ("시험 잘 봤어", "축하해요"),
                ("시험 너무 어려웠어", "고생 많았어요"),
                ("비가 와", "우산 챙기세요"),
            ]
        )
    )
    negatives = hard_negative_replies(pairs, k=2, seed=0)
    assert negatives[0] in ("축하해요", "고생 많았어요")  # another 시험 utterance's reply
    assert all(n != p.reply for n, p in zip(negatives, pairs, strict=True))
    assert negatives[3] is None  # nothing else about rain: a random reply is used instead


def test_symmetric_loss_adds_the_reply_to_query_direction():
    import torch

    from assistant_plugins.smalltalk.selector_training import make_loss

    class Echo(torch.nn.Module):  # hidden state = the one-hot ids, so pooling is exact
        def forward(self, input_ids, attention_mask, token_type_ids):
            out = torch.nn.functional.one_hot(input_ids, 8).float()
            return type("Out", (), {"last_hidden_state": out})()

    ids = torch.tensor([[1], [2], [1], [2], [3], [4]])  # 2 queries, 2 replies, 2 negatives
    batch = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "token_type_ids": torch.zeros_like(ids),
        "reply_key": torch.tensor([0, 1]),
        "negative_key": torch.tensor([2, 3]),
    }
    one_way = make_loss(5.0)(Echo(), batch)
    both = make_loss(5.0, symmetric=True)(Echo(), batch)
    # each query is its reply: one way has 3 wrong candidates, back only 1 wrong query
    assert one_way.item() == pytest.approx(math.log(1 + 3 * math.exp(-5.0)), rel=1e-4)
    back = math.log(1 + math.exp(-5.0))
    assert both.item() == pytest.approx((one_way.item() + back) / 2, rel=1e-4)
