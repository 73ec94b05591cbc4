# 电子监察 platform — the two commands a newcomer needs: `make demo` and `make test`.
# Every install step lives here (CI starts from a bare machine: Python 3.11, root, no Docker).

PYTHON ?= python3
VENV := .venv
SUPERSET_VENV := .venv-superset
STAMPS := .esup/stamps

.PHONY: demo stop test lint install install-superset install-browser install-report clean help

help:
	@echo "make demo   - install, start PostgreSQL, simulate the city, run the pipeline through Airflow,"
	@echo "              start Airflow (127.0.0.1:8080) and Superset (127.0.0.1:8088) in the background"
	@echo "make stop   - stop everything make demo started"
	@echo "make test   - install what the tests need and run the whole suite"
	@echo "make lint   - ruff"

$(STAMPS):
	mkdir -p $(STAMPS)

# The pipeline environment: Airflow, dbt, GX, psycopg 3 and the esup package (editable).
$(STAMPS)/venv: pyproject.toml constraints/pipeline.txt | $(STAMPS)
	@echo "==> pipeline environment ($(VENV))"
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --progress-bar off -c constraints/pipeline.txt -e '.[dev]'
	touch $@

# Superset in its own environment: it needs SQLAlchemy < 2, the pipeline has 2.1.
$(STAMPS)/superset: constraints/superset.txt | $(STAMPS)
	@echo "==> Superset environment ($(SUPERSET_VENV))"
	test -x $(SUPERSET_VENV)/bin/python || $(PYTHON) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/pip install --quiet --upgrade pip
	$(SUPERSET_VENV)/bin/pip install --quiet --progress-bar off -c constraints/superset.txt \
		"apache-superset[postgres]" flask-caching rich cachetools psycopg2-binary
	touch $@

# Debian's Chromium and CJK fonts for the dashboard screenshot test (Chinese renders as boxes without them).
$(STAMPS)/browser: | $(STAMPS)
	@echo "==> chromium and fonts-noto-cjk"
	if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	fi
	touch $@

# Debian packages of the annual report (esup report): the CJK fonts, pango for WeasyPrint, and
# poppler-utils (pdftotext, pdftoppm) with which the tests read the PDFs back.
REPORT_DEBS := fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
$(STAMPS)/report: | $(STAMPS)
	@echo "==> $(REPORT_DEBS)"
	if ! dpkg -s $(REPORT_DEBS) >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(REPORT_DEBS); \
	fi
	touch $@

install: $(STAMPS)/venv
install-superset: $(STAMPS)/superset
install-browser: $(STAMPS)/browser
install-report: $(STAMPS)/report

demo: $(STAMPS)/venv $(STAMPS)/superset $(STAMPS)/report
	$(VENV)/bin/esup demo

stop:
	@if [ -x $(VENV)/bin/esup ]; then $(VENV)/bin/esup demo --stop; else echo "nothing to stop"; fi

# Starts its own PostgreSQL (a free 127.0.0.1 port) unless ESUP_TEST_PG_URL names one.
test: $(STAMPS)/venv $(STAMPS)/superset $(STAMPS)/browser $(STAMPS)/report
	$(VENV)/bin/ruff check esup dags tests expectations dashboards
	$(VENV)/bin/ruff format --check esup dags tests expectations dashboards
	$(VENV)/bin/sqlfluff lint dbt/models dbt/tests dbt/macros
	$(VENV)/bin/pytest

lint: $(STAMPS)/venv
	$(VENV)/bin/ruff check esup dags tests expectations dashboards
	$(VENV)/bin/ruff format --check esup dags tests expectations dashboards
	$(VENV)/bin/sqlfluff lint dbt/models dbt/tests dbt/macros

clean: stop
	rm -rf .esup dbt/target dbt/logs
