# Tracker site: pelican-quickstart's conventions, plus a virtualenv that sets itself up.
# The project folder, wherever make is run from (make -f path/to/Makefile works too).
BASEDIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PY ?= python3
VENV ?= $(BASEDIR)/.venv
PELICAN ?= $(VENV)/bin/pelican
PELICANOPTS ?=

# SITE=folder: a site folder made by `make new-site`, which holds its content, its settings and
# its publish settings; every target then uses that site's own files.
ifdef SITE
SITEDIR := $(abspath $(SITE))
INPUTDIR ?= $(SITEDIR)/content
OUTPUTDIR ?= $(SITEDIR)/output
PUBLISHDIR ?= $(SITEDIR)/public
CONFFILE ?= $(SITEDIR)/pelicanconf.py
PUBLISHCONF ?= $(SITEDIR)/publishconf.py
endif
# Settings given on the command line bring their own publish settings: the publishconf.py beside
# them (publish refuses publish settings that name another site).
ifeq ($(origin CONFFILE),command line)
PUBLISHCONF ?= $(dir $(abspath $(CONFFILE)))publishconf.py
endif
INPUTDIR ?= $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
# The published site: never the preview's folder, so that a publish leaves the preview (and a
# running devserver) alone.
PUBLISHDIR ?= $(BASEDIR)/public
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py

BIND ?= 127.0.0.1
PORT ?= 8000

# The virtualenv holds what building needs (requirements.txt); testing adds its own tools
# (requirements-dev.txt) when `make test` first runs. Each is installed again whenever its
# requirements file is newer than its stamp.
STAMP = $(VENV)/.installed
DEVSTAMP = $(VENV)/.installed-dev
$(STAMP): $(BASEDIR)/requirements.txt
	test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(BASEDIR)/requirements.txt
	touch $(STAMP)
$(DEVSTAMP): $(STAMP) $(BASEDIR)/requirements-dev.txt $(BASEDIR)/requirements-boundaries.txt
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(BASEDIR)/requirements-dev.txt
	touch $(DEVSTAMP) $(BOUNDSTAMP)
# `make boundaries` needs more (requirements-boundaries.txt), installed when it first runs.
BOUNDSTAMP = $(VENV)/.installed-boundaries
$(BOUNDSTAMP): $(STAMP) $(BASEDIR)/requirements-boundaries.txt
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(BASEDIR)/requirements-boundaries.txt
	touch $(BOUNDSTAMP)

venv: $(STAMP)

help:
	@echo 'make html        build the site (drafts under drafts/) into OUTPUTDIR'
	@echo 'make regenerate  rebuild on every change'
	@echo 'make serve       serve OUTPUTDIR on http://$(BIND):$(PORT)'
	@echo 'make devserver   rebuild on change and serve'
	@echo 'make new TITLE="..."  create today'"'"'s entry file'
	@echo 'make new-site DIR=... COUNTRY=YE TITLE="..."  start a tracker for a country'
	@echo 'make boundaries FILE=...  the map file from admin-1 boundaries (GeoJSON, TopoJSON, shapefile)'
	@echo 'make translations  extract the theme'"'"'s words and update every catalogue (NEW=fr: start one)'
	@echo 'make check       run every check of a strict build, write nothing (Q=1: no info lines)'
	@echo 'make publish     strict build with PUBLISHCONF, swapped into PUBLISHDIR only on success'
	@echo 'make clean       remove what builds wrote into OUTPUTDIR, and the build cache'
	@echo 'make lint        check the code with ruff, and the model with mypy'
	@echo 'make test        lint, then run the test suite'
	@echo 'make test-long   the property tests at ten times their length'
	@echo 'Variables: SITE (a site folder), INPUTDIR, OUTPUTDIR, PUBLISHDIR, CONFFILE, PUBLISHCONF, BIND, PORT'

html: $(STAMP)
	@$(TRACKER) html --input "$(INPUTDIR)" --output "$(OUTPUTDIR)" --conf "$(CONFFILE)" $(PELICANOPTS)

clean: $(STAMP)
	@$(TRACKER) clean --input "$(INPUTDIR)" --output "$(OUTPUTDIR)" --conf "$(CONFFILE)"

regenerate: $(STAMP)
	@$(TRACKER) html --input "$(INPUTDIR)" --output "$(OUTPUTDIR)" --conf "$(CONFFILE)" -r $(PELICANOPTS)

TRACKER = PYTHONPATH=$(BASEDIR)/plugins $(VENV)/bin/python -m tracker.cli

serve: $(STAMP)
	@$(TRACKER) serve --input "$(INPUTDIR)" --output "$(OUTPUTDIR)" --conf "$(CONFFILE)" --bind "$(BIND)" --port "$(PORT)"

devserver: $(STAMP)
	@$(TRACKER) serve --rebuild --input "$(INPUTDIR)" --output "$(OUTPUTDIR)" --conf "$(CONFFILE)" --bind "$(BIND)" --port "$(PORT)"

# TITLE and DATE are passed as typed: never expanded by make (a `$5` stays, a `$(shell ...)` is not
# run) and single-quoted for the shell. Not exported, since exporting would expand them.
unexport TITLE DATE
quoted = '$(subst ','\'',$(value $(1)))'
new: $(STAMP)
	@$(TRACKER) new --input "$(INPUTDIR)" --conf "$(CONFFILE)" --title $(call quoted,TITLE) $(if $(value DATE),--date $(call quoted,DATE))

check: $(STAMP)
	@$(TRACKER) check --input "$(INPUTDIR)" --conf "$(PUBLISHCONF)" --site-conf "$(CONFFILE)" $(if $(Q),--quiet) $(PELICANOPTS)

publish: $(STAMP)
	@$(TRACKER) publish --input "$(INPUTDIR)" --output "$(PUBLISHDIR)" --conf "$(PUBLISHCONF)" --site-conf "$(CONFFILE)" $(PELICANOPTS)

# `make new-site DIR=../yemen-tracker COUNTRY=YE TITLE="Yemen Daily Tracker" [WORD=Governorate]
# [LANGUAGES=en,ar]` (the site's languages, its default first; `make boundaries` then names the
# provinces in each)
# Every value as typed, as for `make new` (never expanded by make or by the shell). (`unexport`
# defines a variable left undefined: BUDGET's default comes first.)
BUDGET ?= 100
unexport WORD DIR COUNTRY FILE BUDGET LANGUAGES
new-site: $(STAMP)
	@$(TRACKER) new-site --dir $(call quoted,DIR) --country $(call quoted,COUNTRY) --title $(call quoted,TITLE) --word $(call quoted,WORD) --languages $(call quoted,LANGUAGES)

# `make translations`: the theme's words (templates and the words the code writes into pages)
# extracted into theme/translations/messages.pot and merged into every language's catalogue,
# theme/translations/<code>/LC_MESSAGES/messages.po; `make translations NEW=fr` starts one for a
# new language. A word a catalogue leaves untranslated shows in English; `make check` lists it.
NEW ?=
translations: $(STAMP)
	cd $(BASEDIR) && $(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output \
	  --project "Tracker theme" --copyright-holder "Tracker desk" -o theme/translations/messages.pot .
	cd $(BASEDIR) && if [ -n "$(NEW)" ]; then $(VENV)/bin/pybabel -q init -i theme/translations/messages.pot \
	  -d theme/translations -l "$(NEW)"; fi
	cd $(BASEDIR) && $(VENV)/bin/pybabel -q update -i theme/translations/messages.pot -d theme/translations \
	  --ignore-obsolete

# `make boundaries SITE=../yemen-tracker FILE=geoBoundaries-YEM-ADM1.topojson`: the site's map file.
boundaries: $(BOUNDSTAMP)
	@$(TRACKER) boundaries --input "$(INPUTDIR)" --conf "$(CONFFILE)" --file $(call quoted,FILE) --budget $(call quoted,BUDGET)

# `make bench N=5000 RUNS=3`: this project against stock Pelican on a synthetic corpus.
N ?= 1000
RUNS ?= 3
bench: $(DEVSTAMP)
	cd $(BASEDIR) && $(VENV)/bin/python -m tests.bench.run --n $(N) --runs $(RUNS)

# Browser tests drive Debian's Chromium (never a downloaded browser); install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# axe-core for the browser tests' accessibility checks, from npm at the version package-lock.json pins.
AXE = $(BASEDIR)/node_modules/axe-core/axe.min.js
$(AXE): $(BASEDIR)/package.json $(BASEDIR)/package-lock.json
	cd $(BASEDIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# ruff on everything; mypy, strict, on the model (mypy.ini).
lint: $(DEVSTAMP)
	cd $(BASEDIR) && $(VENV)/bin/ruff check plugins tests
	cd $(BASEDIR) && $(VENV)/bin/mypy -p tracker.model

test: $(DEVSTAMP) browser $(AXE) lint
	cd $(BASEDIR) && $(VENV)/bin/python -m pytest -q tests

# The property tests at length: ten times the sequences and examples of `make test`.
test-long: $(DEVSTAMP)
	cd $(BASEDIR) && TRACKER_FUZZ_EXAMPLES=3000 $(VENV)/bin/python -m pytest -q tests/test_incremental_sequences.py tests/test_fuzz.py

# Lighthouse's mobile performance audit of every page type of the sample (not a test: scores are
# timings). Lighthouse comes from npm into .lighthouse/, pinned (13 wants Node 22).
LIGHTHOUSE = $(BASEDIR)/.lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --prefix "$(BASEDIR)/.lighthouse" --no-save --no-audit --no-fund -E lighthouse@12.2.3
lighthouse: $(STAMP) browser $(LIGHTHOUSE)
	cd $(BASEDIR) && $(VENV)/bin/python tests/bench/lighthouse.py "$(LIGHTHOUSE)"

.PHONY: lighthouse venv help html clean regenerate serve devserver publish test test-long browser lint new check bench new-site boundaries
