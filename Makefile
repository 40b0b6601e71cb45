# Two commands for a newcomer (README): `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup demo lint services

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# The embedded default: SQLite, eager tasks, console SMS; the plan's data and the demo accounts.
demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null
	$(BIN)/python manage.py load_plan
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py make_demo_enterprises --import
	$(BIN)/python manage.py demo_forecast

run: demo
	@echo "阳泉市重污染天气应急指挥系统: http://127.0.0.1:8000/  (账户 office / vice / commander / monitor / unit-jiaotong …，密码 demo)"
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite against the real PostgreSQL, Redis and a real Celery worker.
test: setup
	bash scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
