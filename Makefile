# Tracker site: pelican-quickstart's conventions, plus a virtualenv that sets itself up.
PY ?= python3
VENV ?= .venv
PELICAN ?= $(VENV)/bin/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR ?= $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py

BIND ?= 127.0.0.1
PORT ?= 8000

# The virtualenv is rebuilt whenever a requirements file is newer than its stamp.
STAMP = $(VENV)/.installed
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

help:
	@echo 'make html        build the site (drafts under drafts/) into OUTPUTDIR'
	@echo 'make regenerate  rebuild on every change'
	@echo 'make serve       serve OUTPUTDIR on http://$(BIND):$(PORT)'
	@echo 'make devserver   rebuild on change and serve'
	@echo 'make publish     strict build with PUBLISHCONF'
	@echo 'make clean       remove OUTPUTDIR'
	@echo 'make test        run the test suite'
	@echo 'Variables: INPUTDIR, OUTPUTDIR, CONFFILE, PUBLISHCONF, BIND, PORT'

html: $(STAMP)
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate: $(STAMP)
	$(PELICAN) -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: $(STAMP)
	$(PELICAN) -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -b "$(BIND)" -p $(PORT) $(PELICANOPTS)

devserver: $(STAMP)
	$(PELICAN) -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -b "$(BIND)" -p $(PORT) $(PELICANOPTS)

publish: $(STAMP)
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

# Browser tests drive Debian's Chromium (never a downloaded browser); install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser
	$(VENV)/bin/python -m pytest -q tests

.PHONY: venv help html clean regenerate serve devserver publish test browser
