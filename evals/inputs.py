"""An eval run's inputs: labelled sets and transcripts from files or folders, and the thresholds file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from evals.labelled import LabelledSet, SetMetrics, load_labelled, read_utf8
from evals.transcript_format import Transcript, load_transcripts
from knowledge.errors import InvalidInput

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_PATHS = (EVALS_DIR / "labelled", EVALS_DIR / "transcripts")
DEFAULT_THRESHOLDS = EVALS_DIR / "thresholds.yaml"
TRANSCRIPT_SUFFIXES = {".json", ".yaml", ".yml"}
LABELLED_SUFFIXES = {".jsonl"}
NOT_INPUTS = {"thresholds.yaml", "split.json"}  # a suite's settings and the labelled set's frozen split


@dataclass
class Inputs:
    labelled: list[LabelledSet] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)
    thresholds: Path = DEFAULT_THRESHOLDS
    paths: list[str] = field(default_factory=list)


SUITE_FOLDERS = ("labelled", "transcripts")  # in a suite folder: these, and the files at its top level


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        wanted = LABELLED_SUFFIXES | TRANSCRIPT_SUFFIXES
        suite = [path / f for f in SUITE_FOLDERS if (path / f).is_dir()]
        found = [*path.glob("*"), *(p for root in suite for p in root.rglob("*"))] if suite else path.rglob("*")
        return sorted(p for p in found if p.is_file() and p.suffix.lower() in wanted
                      and p.name not in NOT_INPUTS and not p.name.startswith("."))
    if not path.exists():
        raise InvalidInput(f"no such file or folder: {path}")
    if path.suffix.lower() not in LABELLED_SUFFIXES | TRANSCRIPT_SUFFIXES:
        raise InvalidInput(f"{path}: not an eval file (.jsonl labelled set, or .json/.yaml/.yml transcript)")
    return [path]


def load_inputs(paths: Sequence[Path | str] | None) -> Inputs:
    given = [Path(p) for p in paths] if paths else list(DEFAULT_PATHS)
    inputs = Inputs(paths=[str(p) for p in given])
    names: set[str] = set()
    ids: set[str] = set()
    for path in given:
        if path.is_dir() and (path / "thresholds.yaml").is_file():
            inputs.thresholds = path / "thresholds.yaml"
        for file in _files(path):
            if file.suffix.lower() in LABELLED_SUFFIXES:
                name = file.stem if file.stem not in names else f"{file.parent.name}/{file.stem}"
                names.add(name)
                inputs.labelled.append(load_labelled(file, name))
                continue
            for t in load_transcripts(file):
                if t.id in ids:
                    raise InvalidInput(f"{file}: duplicate transcript id {t.id!r}")
                ids.add(t.id)
                inputs.transcripts.append(t)
    if not inputs.labelled and not inputs.transcripts:
        raise InvalidInput("no labelled sets (.jsonl) or transcripts (.json/.yaml) found in " + ", ".join(inputs.paths))
    return inputs


# ---- thresholds -------------------------------------------------------------------------------------


class ThresholdCheck(BaseModel):
    name: str
    value: float | None
    bound: float
    passed: bool


def load_thresholds(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(read_utf8(path)) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: invalid YAML ({exc})") from None
    if not isinstance(data, dict) or not set(data) <= {"labelled", "transcripts"}:
        raise InvalidInput(f"{path}: expected top-level keys 'labelled' and/or 'transcripts'")
    return data


def _bound_checks(prefix: str, rules: dict[str, Any], values: dict[str, float | None]) -> list[ThresholdCheck]:
    checks = []
    for key, bound in (rules or {}).items():
        op, _, metric = str(key).partition("_")
        if op not in ("min", "max") or metric not in values or not isinstance(bound, int | float):
            raise InvalidInput(f"thresholds: bad rule {prefix}.{key}: {bound!r} (use min_<metric> or max_<metric>)")
        value = values[metric]
        ok = value is not None and (value >= bound if op == "min" else value <= bound)
        checks.append(ThresholdCheck(name=f"{prefix} {metric} {'>=' if op == 'min' else '<='} {bound:g}",
                                     value=value, bound=float(bound), passed=ok))
    return checks


def check_thresholds(rules: dict[str, Any], labelled: list[SetMetrics], pass_rate: float | None) -> list[ThresholdCheck]:
    checks: list[ThresholdCheck] = []
    per_set = rules.get("labelled") or {}
    for metrics in labelled:
        values = {m: getattr(metrics, m) for m in ("spearman", "pearson", "qwk", "mae")}
        for pattern in ("*", metrics.name):
            checks += _bound_checks(metrics.name, per_set.get(pattern) or {}, values)
    if pass_rate is not None:
        checks += _bound_checks("transcripts", rules.get("transcripts") or {}, {"pass_rate": pass_rate})
    return checks
