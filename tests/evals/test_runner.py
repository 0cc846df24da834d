"""The eval runner: mixed inputs, bad inputs (exit 2), metrics, thresholds (exit 1), JSON line, HTML report."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from evals import evaluation
from evals.baseline import compare, load_baseline
from evals.evaluation import run_eval
from evals.inputs import load_inputs
from evals.labelled import Prediction, kind_means, load_labelled, measure
from evals.report import render_html
from evals.runner import run_cli
from knowledge.errors import InvalidInput


@pytest.fixture
def fake_context(monkeypatch: pytest.MonkeyPatch, kit: SimpleNamespace) -> SimpleNamespace:
    """run_cli builds its context from settings; here it gets the tiny bank and the scripted grader."""
    ctx = kit.make_context()
    monkeypatch.setattr(evaluation, "build_context", lambda choice: ctx)
    return ctx


def test_mixed_folder_and_files(suite: Path, kit: SimpleNamespace) -> None:
    inputs = load_inputs([suite])
    assert [s.name for s in inputs.labelled] == ["small"]
    assert sorted(t.id for t in inputs.transcripts) == ["t-json", "t-strong"]
    assert inputs.thresholds == suite / "thresholds.yaml"
    files = load_inputs([suite / "small.jsonl", suite / "transcripts" / "strong.yaml"])
    assert len(files.labelled) == 1 and [t.id for t in files.transcripts] == ["t-strong"]


def test_run_eval_measures_labelled_sets_and_transcripts(suite: Path, kit: SimpleNamespace) -> None:
    result = run_eval([suite], context=kit.make_context(), progress=False)
    (small,) = result.labelled
    assert small.n == 6 and small.spearman is not None and small.spearman > 0.8
    assert set(small.ci) == {"spearman", "pearson", "qwk", "mae"}
    assert small.kinds["excellent"].human == 9 and small.kinds["excellent"].predicted == 10
    assert (result.expectations_passed, result.expectations_total) == (10, 10)
    assert result.passed and all(c.passed for c in result.thresholds)
    meta = result.metadata
    assert meta["grader"] == "offline" and meta["prompt_versions"] == ["scripted_v1"] and meta["timestamp"]


def test_metrics_match_hand_computed_values() -> None:
    preds = [Prediction(id=str(i), kind=k, question="q", answer="a", human=h, predicted=p)
             for i, (k, h, p) in enumerate([("good", 8, 8), ("good", 6, 7), ("bad", 2, 1), ("bad", 0, 0)])]
    m = measure("x", preds, n_boot=200)
    assert m.spearman == pytest.approx(1.0) and m.mae == pytest.approx(0.5)
    assert m.pearson == pytest.approx(44 / math.sqrt(50 * 40), abs=1e-4)
    assert m.ci["spearman"][0] is not None and m.ci["spearman"][0] <= 1.0
    assert kind_means(preds)["good"].model_dump() == {"n": 2, "human": 7.0, "predicted": 7.5}
    constant = measure("c", [p.model_copy(update={"predicted": 5}) for p in preds], n_boot=50)
    assert constant.spearman is None  # undefined, reported as null rather than NaN


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"question": "q", "answer": "a", "score": 3', ""], "line 1: invalid JSON"),
        (['["not", "an object"]'], "line 1: expected a JSON object, got list"),
        (['{"question": "q", "score": 3}'], "line 1: missing field 'answer'"),
        (['{"question": "q", "answer": "a", "score": 11}'], "line 1: 'score' must be a number from 0 to 10"),
        (['{"question": "q", "answer": 3, "score": 1}'], "'answer' must be a string"),
        (['{"question": " ", "answer": "a", "score": 1}'], "'question' must be a non-empty string"),
        (['{"id": "x", "question": "q", "answer": "a", "score": 1}'] * 2, "line 2: duplicate id 'x'"),
        ([""], "no labelled answers"),
    ],
)
def test_bad_labelled_lines(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_labelled(path)
    assert message in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.jsonl", '{"question": "q"}\n', "missing field 'answer'"),
        ("bad.yaml", "id: [unclosed\n", "invalid YAML"),
        ("bad.json", "{nope}", "invalid JSON"),
        ("notes.txt", "hello", "not an eval file"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_context: object,
                                         name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert run_cli([path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_missing_path_and_empty_folder_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              fake_context: object) -> None:
    assert run_cli([tmp_path / "nowhere"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert run_cli([tmp_path]) == 2
    assert "no labelled sets" in capsys.readouterr().err


def test_cli_json_line_and_exit_0(suite: Path, capsys: pytest.CaptureFixture[str], fake_context: object) -> None:
    assert run_cli([suite], as_json=True) == 0
    out = capsys.readouterr().out.strip().splitlines()
    line = json.loads(out[-1])
    for key in ("spearman", "pearson", "qwk", "mae", "expectations_passed", "expectations_total", "passed",
                "grader", "model", "prompt_versions", "timestamp"):
        assert key in line
    assert line["expectations_total"] == 10 and line["labelled"]["small"]["n"] == 6
    assert [t["id"] for t in line["transcripts"]] == ["t-json", "t-strong"]
    assert any(row.startswith("labelled set") for row in out)


def test_below_thresholds_exits_1(suite: Path, capsys: pytest.CaptureFixture[str], fake_context: object,
                                  kit: SimpleNamespace) -> None:
    kit.write_yaml(suite / "thresholds.yaml", {"labelled": {"small": {"max_mae": 0.1}},
                                               "transcripts": {"min_pass_rate": 1.0}})
    assert run_cli([suite]) == 1
    out = capsys.readouterr().out
    assert "FAIL small mae <= 0.1" in out and "BELOW THRESHOLDS" in out


def test_a_failing_transcript_counts_against_the_pass_rate(suite: Path, kit: SimpleNamespace) -> None:
    bad = {"id": "t-bad", "questions": [{"question": "什么是 RAG？", "turns": [
        {"candidate": "检索", "expect": {"score": [9, 10], "action": "next"}}]}]}
    kit.write_yaml(suite / "transcripts" / "bad.yaml", bad)
    result = run_eval([suite], context=kit.make_context(), progress=False)
    assert (result.expectations_passed, result.expectations_total) == (10, 12)
    failed = [t for t in result.transcripts if not t.passed]
    assert [t.id for t in failed] == ["t-bad"]
    assert result.metrics()["transcripts"][0]["failures"][0].startswith("q1 turn 1: score — score 3.3 outside")
    assert result.passed  # 10/12 is above the suite's min_pass_rate of 0.5


def test_bad_thresholds_file_is_bad_input(suite: Path, kit: SimpleNamespace) -> None:
    kit.write_yaml(suite / "thresholds.yaml", {"labelled": {"*": {"at_least_spearman": 0.5}}})
    with pytest.raises(InvalidInput, match="bad rule"):
        run_eval([suite], context=kit.make_context(), progress=False)


def test_html_report_has_plots_and_failures(suite: Path, kit: SimpleNamespace, tmp_path: Path) -> None:
    kit.write_yaml(suite / "transcripts" / "bad.yaml", {"id": "t-bad", "questions": [
        {"question": "什么是 RAG？", "turns": [{"candidate": "检索 <b>", "expect": {"score": [9, 10]}}]}]})
    result = run_eval([suite], context=kit.make_context(), progress=False)
    html = render_html(result)
    assert html.count("<svg") >= 2 and 'class="scatter"' in html and 'class="bars"' in html
    assert html.count("<circle") == 6
    assert "Failed expectations" in html and "检索 &lt;b&gt;" in html  # candidate text escaped
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "<link" not in html and "<script" not in html


def test_report_file_and_baseline_comparison(suite: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             fake_context: object) -> None:
    assert run_cli([suite], as_json=True) == 0
    baseline = tmp_path / "base.json"
    baseline.write_text(capsys.readouterr().out, encoding="utf-8")  # summary table + the JSON line
    report = tmp_path / "out" / "report.html"
    assert run_cli([suite], report=report, as_json=True, baseline=baseline) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["baseline"]["worse"] == 0
    html = report.read_text(encoding="utf-8")
    assert "Compared with the baseline" in html and "<svg" in html


def test_compare_reports_better_worse_and_moved_answers() -> None:
    old = {"spearman": 0.5, "mae": 2.0, "labelled": {"s": {"spearman": 0.5, "predictions": {"a": 3.0, "b": 5.0}}},
           "transcripts": [{"id": "t1", "passed": True}, {"id": "t2", "passed": False}], "timestamp": "then"}
    new = {"spearman": 0.6, "mae": 2.5, "labelled": {"s": {"spearman": 0.4, "predictions": {"a": 6.0, "b": 5.2}}},
           "transcripts": [{"id": "t1", "passed": False, "failures": ["x"]}, {"id": "t2", "passed": True}]}
    diff = compare(new, old)
    changes = {(r["scope"], r["metric"]): r["change"] for r in diff["metrics"]}
    assert changes[("all", "spearman")] == "better" and changes[("all", "mae")] == "worse"
    assert changes[("s", "spearman")] == "worse"
    assert {t["id"]: t["change"] for t in diff["transcripts"]} == {"t1": "broken", "t2": "fixed"}
    assert diff["answers"] == [{"set": "s", "id": "a", "baseline": 3.0, "current": 6.0}]


def test_baseline_must_hold_json(tmp_path: Path) -> None:
    path = tmp_path / "base.txt"
    path.write_text("just a table\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="no metrics JSON"):
        load_baseline(path)


def test_llm_grader_without_a_key_is_bad_input(monkeypatch: pytest.MonkeyPatch, suite: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("INTERVIEWER_OPENAI_API_KEY", raising=False)
    assert run_cli([suite], grader="llm") == 2
    assert "needs OPENAI_API_KEY" in capsys.readouterr().err


@pytest.mark.slow
def test_the_repo_suite_runs_on_the_real_index() -> None:
    """The real thing: the offline grader over evals/labelled and evals/transcripts (needs `interviewer ingest`)."""
    from interviewer.settings import Settings
    from interviewer.wiring import build_index

    if not build_index(Settings()).is_ready():
        pytest.skip("no index: run `interviewer ingest` first")
    result = run_eval(None, "offline", progress=False)
    assert {s.name for s in result.labelled} == {"dev", "test"}
    assert result.expectations_total >= 40
    assert all(math.isfinite(s.spearman or math.nan) for s in result.labelled)


def test_a_suite_folder_reads_only_its_labelled_and_transcripts(tmp_path: Path, kit: SimpleNamespace) -> None:
    kit.write_jsonl((tmp_path / "labelled").mkdir() or tmp_path / "labelled" / "dev.jsonl", kit.LABELLED)
    kit.write_yaml((tmp_path / "transcripts").mkdir() or tmp_path / "transcripts" / "t.yaml", kit.TRANSCRIPT)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "old.json").write_text("{}", encoding="utf-8")  # not a transcript: ignored
    inputs = load_inputs([tmp_path])
    assert [s.name for s in inputs.labelled] == ["dev"] and [t.id for t in inputs.transcripts] == ["t-strong"]
