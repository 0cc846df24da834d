"""Grades do not depend on Python's hash seed: the lexical evidence sums IDF weights over token *sets*, whose
iteration order changes with PYTHONHASHSEED; a plain sum() then differed in the last bits and moved 12 of
482 dev grades by 0.1-0.8 between two runs. Each seed runs in its own interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
from interviewer.grading import lexical
from interviewer.grading.truth import find_contradictions
lex = lexical.Lexicon()
point = "LoRA 冻结预训练权重，在旁边加两个低秩矩阵 A 和 B，只训练它们，可训练参数量大幅减少，显存占用也更低。"
answer = "LoRA 就是把原模型权重冻住，旁边挂两个很窄的矩阵相乘表示增量，只训练这两个矩阵，所以参数少、显存省。"
question = "LoRA 的原理是什么？"
print(repr(lex.recall(point, answer, question)), repr(lex.precision(answer, point, question)),
      [c.cue for c in find_contradictions(answer.replace("冻住", "全部更新"), [point], lex, question)])
"""


def test_lexical_evidence_is_the_same_under_every_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True)
        outputs.add(out.stdout.strip())
    assert len(outputs) == 1, outputs
