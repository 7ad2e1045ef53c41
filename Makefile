# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KB     := $(BIN)/kb
HOST   ?= 127.0.0.1
PORT   ?= 8000
KB_INDEX_DIR := $(or $(KB_INDEX),instance/index)

.PHONY: install run index test test-fast browser-deps check lint bench clean train-anonymiser

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

index: install
	$(KB) index

run: install
	@test -f $(KB_INDEX_DIR)/CURRENT || $(KB) index
	$(KB) serve --host $(HOST) --port $(PORT)

# Debian's Chromium and a Japanese font for the browser tests (never a downloaded browser), and
# Debian's PostgreSQL server, Redis and haproxy for the database and cluster tests (throwaway
# instances per test run).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi ipagothic \
			|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
			|| ! test -x /usr/bin/redis-server || ! test -x /usr/sbin/haproxy; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-ipafont-gothic postgresql \
			redis-server haproxy >/dev/null; \
	fi

# CI (.ci/run) calls this: the corpus lint and the code gates first (exit 1 on errors), then every test.
test: install browser-deps check lint
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not browser"

check: install
	$(KB) check

# The shape gates (config in pyproject.toml): ruff (E, F, I, B, UP), mypy on kb/ indexer/ webui/,
# and import-linter's layers kb_cli -> webui -> indexer -> kb.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# the anonymiser's tagger: the fictional development inquiries, never the blind sets (docs/decisions.md)
PII_TRAINING = ../shared/eval/pii_dev.jsonl bench/pii_fresh.jsonl bench/pii_fresh2.jsonl \
	bench/pii_fresh3.jsonl bench/pii_fresh5.jsonl bench/pii_fresh6.jsonl bench/pii_train1.jsonl bench/pii_train2.jsonl \
	bench/pii_train3.jsonl bench/pii_train4.jsonl bench/pii_train5.jsonl bench/pii_train6.jsonl
train-anonymiser: install
	$(BIN)/kb train-anonymiser $(PII_TRAINING) --official corpus

clean:
	rm -rf $(VENV) instance tests/artifacts
