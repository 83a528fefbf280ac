# Quick start: `make demo` (set up, then run the main job on a synthetic county) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PEOPLE ?= 20000
DEMO_AS_OF ?= 2015-07-31
# A year after DEMO_AS_OF (the second follow-up), and the claim window ending that day.
DEMO_LATER ?= 2016-07-31
DEMO_WINDOW ?= 2016-07
PF_DEMO := $(BIN)/pf

.PHONY: setup setup-web demo test test-web-postgres tracker lint bench clean
.PHONY:

$(BIN)/pf: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/pf

# WeasyPrint (PDF evidence packs) needs Debian's pango and harfbuzz-subset libraries.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

setup: $(BIN)/pf
	@missing=$$(for p in $(PDF_LIBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi

# The demo starts from a clean demo/ folder: a synthetic county with two follow-ups 6 months apart; identify
# at as_of; attach half the eligible families (the county's truth attachments, in our family ids); a year
# later identify again in the same workspace (ids carried over), evaluate progress, propose claims with
# evidence packs, check them, draw the internal audit sample and record its verdicts, submit the batch with its
# declaration, forecast income, write the programme's cash flow (financial plan demo-county-2015 with the example
# spend files in examples/finance/), check the claim decisions against the county's truth, publish into the
# tracker and print the tracker's dashboard figures beside the ledger's (they must be equal).
demo: setup
	@if [ -d demo ]; then kept=demo-previous-$$(date +%Y%m%d-%H%M%S); mv demo $$kept; \
	  echo "make demo: the previous demo, with any casework recorded in its tracker, is kept in $$kept/"; \
	  echo "  (delete it when no longer needed; make clean removes demo/ only)"; fi
	rm -rf demo
	$(PF_DEMO) synth demo/extracts --people $(DEMO_PEOPLE) --as-of $(DEMO_AS_OF) --seed 1 --follow-ups 2
	$(PF_DEMO) identify demo/extracts --as-of $(DEMO_AS_OF) -w demo/workspace --out demo/out
	$(PF_DEMO) evaluate attachments demo/extracts -w demo/workspace --out demo/attachments.csv
	$(PF_DEMO) attach demo/attachments.csv -w demo/workspace
	$(PF_DEMO) identify demo/extracts/follow-up-2 --as-of $(DEMO_LATER) -w demo/workspace --out demo/out-year-later
	$(PF_DEMO) progress --as-of $(DEMO_LATER) -w demo/workspace --out demo/progress > demo/progress.txt
	sed -n '/Claim routes open/,$$p' demo/progress.txt
	$(PF_DEMO) claims --window $(DEMO_WINDOW) -w demo/workspace --out demo/claims
	$(PF_DEMO) claims check --window $(DEMO_WINDOW) --all --by "Demo claims officer" --on $(DEMO_LATER) -w demo/workspace
	$(PF_DEMO) claims audit --window $(DEMO_WINDOW) --share 0.05 --seed 1 -w demo/workspace
	for f in $$($(PF_DEMO) claims audit --window $(DEMO_WINDOW) --share 0.05 --seed 1 -w demo/workspace \
	    | sed -n 's/^  - //p'); do \
	  $(PF_DEMO) claims audit --window $(DEMO_WINDOW) --family $$f --verdict valid --by "Demo internal audit" \
	    --on $(DEMO_LATER) -w demo/workspace || exit 1; done
	$(PF_DEMO) claims submit --window $(DEMO_WINDOW) --signed-by "Demo head of service" --on $(DEMO_LATER) \
	  -w demo/workspace --out demo/claims
	$(PF_DEMO) income --as-of $(DEMO_LATER) -w demo/workspace
	$(PF_DEMO) finance --as-of $(DEMO_LATER) -w demo/workspace --out demo/finance \
		--ledger examples/finance/ledger.csv --returns examples/finance/returns
	$(PF_DEMO) evaluate claims demo/extracts/follow-up-2 -w demo/workspace
	$(PF_DEMO) web publish -w demo/workspace
	$(PF_DEMO) figures -w demo/workspace
	$(PF_DEMO) team demo -w demo/workspace
	$(PF_DEMO) agreements demo/extracts/follow-up-2 --within 365
	$(PF_DEMO) flags --partner gp_practices --out demo/flags -w demo/workspace
	$(PF_DEMO) subject-access P0000001 --reference DEMO-SAR-1 --out demo/subject-access -w demo/workspace
	$(PF_DEMO) retention due -w demo/workspace
	@echo "demo outputs: cohort demo/out/ (a year later: demo/out-year-later/), attachments demo/attachments.csv,"
	@echo "  progress demo/progress/progress.csv + routes.csv, claim file demo/claims/claims.csv + workbook,"
	@echo "  the submitted batch and its declaration demo/claims/batch-$(DEMO_WINDOW)-1.csv, declaration-*.txt,"
	@echo "  evidence packs demo/claims/packs/, cash flow demo/finance/ (cashflow.csv, finance.xlsx, finance.html/pdf),"
	@echo "  workspace demo/workspace/ (case record casework.sqlite3)"
	@echo "  team around the family: make tracker, then sign in as demo-manager, demo-worker, demo-school, demo-hv"
	@echo "  information governance: flags for GP practices demo/flags/, a subject access bundle demo/subject-access/"
	$(PF_DEMO) allocations meeting --ward Abbey --on 2015-06-08 --rollout 1 --reviewed 40 -w demo/workspace \
	  --attendees "Police, schools, FCT, housing, YOT" --decisions "Families reviewed; flagged for allocation"
	$(PF_DEMO) allocations meeting --ward Arboretum --on 2015-06-15 --rollout 1 --reviewed 35 -w demo/workspace \
	  --attendees "Police, schools, FCT, health" --decisions "Families reviewed; social care cases set aside"
	$(PF_DEMO) allocations meeting --ward Bridge --on 2015-09-14 --rollout 2 --reviewed 30 -w demo/workspace \
	  --attendees "Police, schools, probation, housing" --decisions "Families reviewed; two moved out of area"
	$(PF_DEMO) report enter --framework hwbb-priority-families --measure workers_trained --period $(DEMO_WINDOW) \
	  --value 320 --source "partnership training records" -w demo/workspace
	$(PF_DEMO) report enter --framework hwbb-priority-families --measure continuous_employment \
	  --period $(DEMO_WINDOW) -w demo/workspace --narrative "Next steps: more adults are in work; October claim."
	$(PF_DEMO) report board --framework hwbb-priority-families --period $(DEMO_WINDOW) --out demo/reports \
	  -w demo/workspace
	$(PF_DEMO) report board --framework cypp-priority-families --period $(DEMO_WINDOW) --out demo/reports \
	  -w demo/workspace
	$(PF_DEMO) report allocations --as-of $(DEMO_LATER) --out demo/reports -w demo/workspace
	@echo "  board papers and the allocations report demo/reports/ (HTML, PDF, Word, Excel, charts)"

# The Spark engine (`--engine spark`, tests/spark): Java from Debian (apt, as root, only when java is missing,
# without recommends) and the `spark` extra (pyspark, pandas).
.PHONY: setup-spark
setup-spark: setup
	@if ! command -v java >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends default-jre-headless; fi
	$(BIN)/pip install --quiet -e '.[dev,spark]'

# The web tracker's tests need Debian chromium (browser tests), axe-core from npm, and a PostgreSQL server.
PG_DIR ?= /tmp/pf-test-postgres
# pytest-xdist workers (the machine's 2 cores); each has its own test database
TEST_WORKERS ?= 2
PG_PORT ?= 54329
WEB_ASSETS := src/priority_families/web/frontend

setup-web: setup
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; fi
	@if ! command -v pdftoppm >/dev/null && [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends poppler-utils; fi
	@if [ ! -d $(WEB_ASSETS)/node_modules/axe-core ]; then cd $(WEB_ASSETS) && npm install --no-audit --no-fund; fi

test: setup setup-web
	$(MAKE) setup-spark
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)
	$(MAKE) test-web-postgres

# The web tests again, browser journeys included, on a throwaway PostgreSQL server (the database a council
# runs; installed with apt-get when missing and root).
test-web-postgres: setup-web
	trap 'tests/web/pg.sh stop $(PG_DIR) 2>/dev/null; rm -rf $(PG_DIR)' EXIT; \
	url=$$(tests/web/pg.sh start $(PG_DIR) $(PG_PORT)) && \
	DATABASE_URL=$$url $(BIN)/python -m pytest -q -n $(TEST_WORKERS) tests/web; \
	rc=$$?; tests/web/pg.sh stop $(PG_DIR); exit $$rc

lint: setup
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf demo workspace

# Open the family tracker on the demo's data: http://127.0.0.1:8000, user demo-analyst, password
# synthetic-demo-only (a local demo of synthetic data only; real deployments add users with `pf users add`).
# PF_LOCAL_DEMO=1 allows the public demo secret key and plain-http cookies, on loopback only (docs/security.md).
DEMO_WS := demo/workspace
tracker: setup
	@[ -f $(DEMO_WS)/store.duckdb ] || $(MAKE) demo
	$(BIN)/pf web publish -w $(DEMO_WS)
	@$(BIN)/pf users list -w $(DEMO_WS) | grep -q demo-analyst || printf 'synthetic-demo-only\n' | \
		$(BIN)/pf users add demo-analyst --role analyst --name "Demo Analyst" --password-stdin -w $(DEMO_WS)
	PF_LOCAL_DEMO=1 $(BIN)/pf serve -w $(DEMO_WS) --host 127.0.0.1 --port 8000
