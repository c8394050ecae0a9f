"""`assistant train smalltalk` and `assistant eval smalltalk` as real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SHARED_DATA, needs_shared_data, recorded_path
from smalltalk_helpers import (
    DIALOGS,
    PAIRS,
    build_tiny_model,
    write_chatbot_csv,
    write_config,
    write_jsonl,
)

CHATBOTDATA = SHARED_DATA / "chatbotdata" / "ChatbotData.csv"
SPECIALS = ("<usr>", "<sys>", "</s>", "<unk>", "<pad>", "<unused", "<|endoftext|>")


def _ask(run_cli, tmp_path: Path, model: Path, text: str) -> dict:
    config = write_config(tmp_path / "use.yaml", {"model": str(model), "generation": {"seed": 0}})
    result = run_cli("--config", str(config), "ask", text, "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["plugin"] == "smalltalk" and answer["intent"] == "smalltalk"
    assert answer["reply"].strip() and not any(t in answer["reply"] for t in SPECIALS)
    assert "대화 모델을 불러오지 못해서" not in answer["reply"]
    return answer


@pytest.mark.slow
def test_fine_tune_from_a_local_base_without_turn_tokens(run_cli, tmp_path: Path) -> None:
    from transformers import AutoConfig, AutoTokenizer

    base = build_tiny_model(tmp_path / "base", with_turn_tokens=False)
    base_vocab = len(AutoTokenizer.from_pretrained(base))
    data = write_jsonl(
        tmp_path / "chat.jsonl",
        [{"dialog": d} for d in DIALOGS]
        + [
            {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
            for q, a in PAIRS
        ],
    )
    out = tmp_path / "tuned"
    result = run_cli(
        "train",
        "smalltalk",
        "--base",
        str(base),
        "--data",
        str(data),
        "--output",
        str(out),
        "--max-steps",
        "4",
        "--batch-size",
        "4",
        "--eval-split",
        "0.2",
        "--eval-every",
        "2",
        "--device",
        "cpu",
        "--no-everyday-data",  # the memory stage with them has its own test
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "generation_config.json",
        "metadata.json",
        "loss_curve.png",
        "smalltalk.json",
    ):
        assert (out / name).is_file(), name
    assert not list(out.glob("*.bin")) and not (out / "checkpoint").exists()
    tokenizer = AutoTokenizer.from_pretrained(out)
    vocab = tokenizer.get_vocab()
    assert "<usr>" in vocab and "<sys>" in vocab
    assert len(tokenizer) == base_vocab + 2  # <usr>, <sys>; the base's end token is reused
    assert AutoConfig.from_pretrained(out).vocab_size == len(tokenizer)  # embeddings resized
    fmt = json.loads((out / "smalltalk.json").read_text("utf-8"))
    assert fmt["eos"] == "<|endoftext|>" and fmt["context_turns"] == 3  # multi-turn data
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert list(meta["start"]) == ["base"]
    assert recorded_path(meta["start"]["base"]) == base.resolve()
    assert meta["samples"]["train"] > 0 and meta["data"][0]["format"] == "jsonl"
    _ask(run_cli, tmp_path, out, "오늘 날씨 좋다")


@pytest.mark.slow
@needs_shared_data
def test_preset_mini_end_to_end_on_chatbotdata(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "mini"
    result = run_cli(
        "train",
        "smalltalk",
        "--preset",
        "mini",
        "--data",
        str(CHATBOTDATA),
        "--output",
        str(out),
        "--max-steps",
        "30",
        "--eval-every",
        "15",
        "--vocab-size",
        "2000",
        "--device",
        "cpu",
        # the everyday exchanges' memory stage has its own test (test_smalltalk_everyday);
        # here their 500 dev pairs would double the run time
        "--no-everyday-data",
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "중복된 대화 73개" in result.stderr  # duplicate pairs are skipped and counted
    assert "모델을" in result.stdout and "plugins.smalltalk.model" in result.stdout
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert meta["metrics"]["steps"] == 30
    assert meta["skipped_rows"]["count"] >= 73
    assert meta["data"][0]["sha256"] == meta["data_files"][0]["sha256"]
    assert meta["metrics"]["useful_token_fraction"] >= 0.9
    assert (out / "loss_curve.png").stat().st_size > 1000
    assert json.loads((out / "config.json").read_text())["vocab_size"] <= 2000 + 16
    _ask(run_cli, tmp_path, out, "요즘 너무 피곤해")
    # and `assistant eval` on a slice of the same format
    sample = write_chatbot_csv(tmp_path / "few.csv", [[q, a, "0"] for q, a in PAIRS])
    evaluated = run_cli(
        "eval", "smalltalk", "--data", str(sample), "--model", str(out), "--json", "--prompts", "5"
    )
    assert evaluated.returncode == 0, evaluated.stderr
    report = json.loads(evaluated.stdout.strip().splitlines()[-1])
    assert report["samples"] == len(PAIRS) and report["perplexity"] > 1
    assert report["replies"]["prompts"] == 5 and report["replies"]["special_token_leaks"] == 0


def test_eval_reports_loss_and_reply_sanity(run_cli, tmp_path: Path, capsys) -> None:
    model = build_tiny_model(tmp_path / "tiny")
    data = write_chatbot_csv(tmp_path / "few.csv", [[q, a, "0"] for q, a in PAIRS])
    result = run_cli(
        "eval",
        "smalltalk",
        "--data",
        str(data),
        "--model",
        str(model),
        "--json",
        "--prompts",
        "4",
        "--set",
        "strategy=greedy",
        "--set",
        "max_new_tokens=12",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # a random model over a ~400-token vocabulary: perplexity near the vocabulary size
    assert 50 < report["perplexity"] < 5000
    assert report["samples"] == len(PAIRS) and report["system_tokens"] > len(PAIRS)
    replies = report["replies"]
    assert replies["prompts"] == 4 and replies["empty"] == 0 and replies["special_token_leaks"] == 0
    assert 0 < replies["distinct_reply_ratio"] <= 1 and 0 <= replies["reference_bigram_f1"] <= 1
    assert report["decoding"]["strategy"] == "greedy" and report["decoding"]["max_new_tokens"] == 12
    from assistant_plugins.smalltalk.commands import _print_report

    _print_report(report)  # the rich table of the non-JSON output
    assert "퍼플렉서티" in capsys.readouterr().out


def test_eval_answers_a_prompts_file_of_ones_own(run_cli, tmp_path: Path) -> None:
    model = build_tiny_model(tmp_path / "tiny")
    prompts = tmp_path / "mine.tsv"
    prompts.write_text(
        "# my remarks\nid\tkind\ttext\nm1\tdaily\t빨래 돌려 놨어\nm2\tpersona\t너 몇 살이야?\n"
        "m3\tquestion\t호떡 반죽 몇 시간 발효해야 돼요? 요즘 너무 안 부풀어요\n"
        "m4\tnews\t귤 선별기 벨트가 끊어져서 오전 내내 손으로 크기 골랐어요\n",
        encoding="utf-8",
    )
    args = ("eval", "smalltalk", "--model", str(model), "--prompts-file", str(prompts), "--json")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    everyday = json.loads(result.stdout.strip().splitlines()[-1])["everyday"]
    assert everyday["prompts"] == 4
    assert [row["id"] for row in everyday["rows"]] == ["m1", "m2", "m3", "m4"]
    # a second run gives the same replies: the pick among equivalent replies is the remark's
    again = json.loads(run_cli(*args).stdout.strip().splitlines()[-1])["everyday"]
    assert [r["reply"] for r in again["rows"]] == [r["reply"] for r in everyday["rows"]]
    missing = run_cli("eval", "smalltalk", "--prompts-file", str(tmp_path / "nope.tsv"))
    assert missing.returncode == 1 and "일상 발화 파일을 찾을 수 없어요" in missing.stderr
    assert "nope.tsv" in missing.stderr and "Traceback" not in missing.stderr


def test_train_with_no_usable_rows_is_a_clear_error(run_cli, tmp_path: Path) -> None:
    data = write_chatbot_csv(tmp_path / "bad.csv", [["", "", ""], ["질문만", "", "0"]])
    result = run_cli(
        "train",
        "smalltalk",
        "--preset",
        "mini",
        "--data",
        str(data),
        "--output",
        str(tmp_path / "o"),
    )
    assert result.returncode == 1
    assert "쓸 수 있는 행이 없어요" in result.stderr and "bad.csv" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run_cli("eval", "smalltalk", "--data", str(data), "--model", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "모델을 불러오지 못했어요" in missing.stderr


@pytest.mark.slow
def test_torchrun_two_processes_gloo(tmp_path: Path, home: Path) -> None:
    """DDP on CPU: rank 0 trains the tokenizer, rank 1 reuses it; one summary, one model."""
    import subprocess
    import sys

    from conftest import ROOT, cli_env

    data = write_chatbot_csv(tmp_path / "chat.csv", [[q, a, "0"] for q, a in PAIRS * 3])
    out = tmp_path / "ddp"
    torchrun = Path(sys.executable).with_name("torchrun")
    cmd = [
        str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "assistant", "train", "smalltalk",
        "--preset", "mini", "--data", str(data), "--output", str(out), "--vocab-size", "200",
        "--max-steps", "4", "--batch-size", "2", "--eval-split", "0.2", "--device", "cpu",
        "--no-everyday-data",  # the memory stage still runs; the 9,500 everyday pairs'
        # dev rule search has its own test and took most of this test's time
    ]  # fmt: skip
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=cli_env(home, OMP_NUM_THREADS="1"),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr.count("데이터: chat.csv") == 1 and "프로세스 2" in proc.stderr
    assert "Traceback" not in proc.stderr
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert meta["world_size"] == 2 and meta["metrics"]["steps"] == 4
    assert (out / "model.safetensors").is_file() and (out / "smalltalk.json").is_file()
    # every rank trains every ensemble member; only rank 0 reports and builds the memory
    assert (out / "selector" / "member-1" / "model.safetensors").is_file()
    said = proc.stdout + proc.stderr
    assert said.count("응답 선택 모델을") == 1 and said.count("답변 기억을") == 1


@pytest.mark.slow
def test_ctrl_c_saves_a_checkpoint_and_resume_keeps_the_tokenizer(
    tmp_path: Path, home: Path
) -> None:
    import subprocess
    import sys

    import yaml

    from conftest import ROOT, cli_env, interrupt_after

    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump({"plugins": {"smalltalk": {"training": {"log_every": 1}}}}), "utf-8"
    )
    data = write_chatbot_csv(tmp_path / "chat.csv", [[q, a, "0"] for q, a in PAIRS * 3])
    out = tmp_path / "out"
    base = [sys.executable, "-m", "assistant", "--config", str(config), "train", "smalltalk"]
    # the everyday exchanges' memory (and its dev rule search) has its own test
    args = ["--preset", "mini", "--data", str(data), "--output", str(out), "--vocab-size", "200",
            "--batch-size", "2", "--eval-every", "0", "--device", "cpu",
            "--no-everyday-data"]  # fmt: skip
    env = cli_env(home, OMP_NUM_THREADS="1")
    code, _, stderr = interrupt_after([*base, *args, "--max-steps", "400"], env, "스텝 2/400")
    assert code == 130, stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    assert (out / "checkpoint" / "trainer_state.json").is_file()
    tokenizer_before = (out / "tokenizer.json").read_bytes()
    resumed = subprocess.run(
        [*base, *args, "--max-steps", "40", "--resume"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "스텝부터" in resumed.stderr  # continued from the checkpoint
    assert (out / "tokenizer.json").read_bytes() == tokenizer_before
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert meta["metrics"]["steps"] == 40 and (out / "model.safetensors").is_file()
