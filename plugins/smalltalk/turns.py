"""The dialogue turn format shared by training and inference.

KoGPT2 chatbot practice: a user turn is ``<usr>`` + text, a system turn is
``<sys>`` + text + ``</s>``. A prompt with two turns of context::

    <usr>u1<sys>s1</s><usr>u2<sys>s2</s><usr>u3<sys>   -> the model continues: s3</s>

Each turn's text is tokenized on its own and the ids are concatenated, so the
ids at inference are exactly those seen in training. Labels are ``-100``
everywhere except the target system turn and its end token.

The format of a trained model is saved next to it as ``smalltalk.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT_FILE = "smalltalk.json"
IGNORE = -100


@dataclass(frozen=True)
class TurnFormat:
    """Token strings framing turns; ``emotion`` is set when the model was trained with labels."""

    usr: str = "<usr>"
    sys: str = "<sys>"
    eos: str = "</s>"
    #: token introducing an emotion label after the user turn (``<usr>u<unused1>기쁨<sys>``)
    emotion: str | None = None
    emotion_labels: list[str] = field(default_factory=list)
    context_turns: int = 3

    def save(self, directory: Path) -> None:
        path = Path(directory) / FORMAT_FILE
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", "utf-8")

    @classmethod
    def load(cls, directory: Path | None, tokenizer: Any = None) -> TurnFormat:
        """The saved format, or the KoGPT2 default adapted to ``tokenizer``'s end token."""
        path = Path(directory) / FORMAT_FILE if directory is not None else None
        if path is not None and path.is_file():
            data = json.loads(path.read_text("utf-8"))
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(**known)
        eos = "</s>"
        if tokenizer is not None and eos not in tokenizer.get_vocab() and tokenizer.eos_token:
            eos = tokenizer.eos_token
        return cls(eos=eos)


@dataclass
class Sample:
    """One training example: ids, labels (-100 off the target reply) and where it came from."""

    input_ids: list[int]
    labels: list[int]
    source: str = ""
    row: int = 0

    def __len__(self) -> int:
        return len(self.input_ids)


class TurnEncoder:
    """Encodes turns with a tokenizer, caching per-text ids."""

    def __init__(self, tokenizer: Any, fmt: TurnFormat) -> None:
        self.tokenizer = tokenizer
        self.fmt = fmt
        ids = tokenizer.convert_tokens_to_ids([fmt.usr, fmt.sys, fmt.eos])
        unk = tokenizer.unk_token_id
        for token, tid in zip((fmt.usr, fmt.sys, fmt.eos), ids, strict=True):
            if tid is None or (unk is not None and tid == unk and token != tokenizer.unk_token):
                raise ValueError(f"tokenizer has no token {token!r}")
        self.usr_id, self.sys_id, self.eos_id = ids
        self.emotion_id = tokenizer.convert_tokens_to_ids(fmt.emotion) if fmt.emotion else None
        self._cache: dict[str, list[int]] = {}

    def text_ids(self, text: str) -> list[int]:
        ids = self._cache.get(text)
        if ids is None:
            ids = list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
            if len(self._cache) < 200_000:
                self._cache[text] = ids
        return ids

    def _user(self, text: str, emotion: str | None) -> list[int]:
        ids = [self.usr_id, *self.text_ids(text)]
        if self.emotion_id is not None and emotion and emotion in self.fmt.emotion_labels:
            ids += [self.emotion_id, *self.text_ids(emotion)]
        return ids

    def sample(
        self,
        turns: Sequence[str],
        max_length: int,
        emotion: str | None = None,
        context_turns: int | None = None,
    ) -> Sample | None:
        """Sample whose target is the last turn (a system turn); ``None`` if it cannot fit.

        ``turns`` alternate user/system and end with the system turn to learn.
        Older context pairs are dropped until the sample fits ``max_length``.
        """
        if len(turns) < 2 or len(turns) % 2:
            raise ValueError("turns must be user/system pairs")
        keep = self.fmt.context_turns if context_turns is None else context_turns
        context = list(turns[:-2])[-2 * keep :] if keep > 0 else []
        target = [*self.text_ids(turns[-1]), self.eos_id]
        head = [*self._user(turns[-2], emotion), self.sys_id]
        if len(head) + len(target) > max_length:
            return None
        prefix = self._context(context, max_length - len(head) - len(target))
        ids = prefix + head + target
        labels = [IGNORE] * (len(prefix) + len(head)) + target
        return Sample(ids, labels)

    def prompt(
        self,
        history: Sequence[tuple[str, str]],
        user_text: str,
        max_length: int,
        emotion: str | None = None,
    ) -> list[int]:
        """Ids ending with ``<sys>``: the context pairs (oldest dropped first) and the utterance."""
        head = [*self._user(user_text, emotion), self.sys_id]
        if len(head) > max_length:  # keep the end of a very long utterance
            head = [self.usr_id, *head[-(max_length - 1) :]] if max_length > 1 else head[-1:]
            return head
        flat = [text for pair in history for text in pair]
        return self._context(flat, max_length - len(head)) + head

    def _context(self, flat: Sequence[str], budget: int) -> list[int]:
        """Encode (user, system) pairs, dropping the oldest pairs until within ``budget``."""
        pairs: list[list[int]] = []
        for i in range(0, len(flat) - 1, 2):
            pairs.append(
                [
                    self.usr_id,
                    *self.text_ids(flat[i]),
                    self.sys_id,
                    *self.text_ids(flat[i + 1]),
                    self.eos_id,
                ]
            )
        total = sum(map(len, pairs))
        while pairs and total > budget:
            total -= len(pairs.pop(0))
        return [tid for pair in pairs for tid in pair]
