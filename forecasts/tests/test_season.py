"""The heating season is a setting (HEATING_SEASON, default "11-01:03-31": 1 November to 31 March,
warning-rules.md §9), read by the daily consultation's beat job."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings as django_settings

from forecasts import services
from forecasts.domain import season
from forecasts.models import Consultation
from forecasts.tasks import daily_consultation

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11-01:03-31", season.Season((11, 1), (3, 31))),
        (" 10-15:04-15 ", season.Season((10, 15), (4, 15))),
        ("06-01:08-31", season.Season((6, 1), (8, 31))),
        ("02-29:03-01", season.Season((2, 29), (3, 1))),
    ],
)
def test_a_season_is_read_from_its_text(text, expected):
    assert season.parse(text) == expected
    assert str(expected) == text.strip()


@pytest.mark.parametrize("text", ["", "11-01", "11-01-03-31", "13-01:03-31", "11-31:03-31", "1-1:3-31", "11-01:02-30"])
def test_a_malformed_season_is_refused(text):
    with pytest.raises(ValueError, match="heating season"):
        season.parse(text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 10, 31), False),
        (dt.date(2026, 11, 1), True),
        (dt.date(2026, 11, 14), True),  # edition 1's 15 November no longer starts it
        (dt.date(2027, 1, 31), True),
        (dt.date(2027, 3, 16), True),  # nor does 15 March end it
        (dt.date(2027, 3, 31), True),
        (dt.date(2027, 4, 1), False),
        (dt.date(2027, 7, 1), False),
    ],
)
def test_the_default_heating_season_is_1_november_to_31_march(day, expected):
    assert services.in_heating_season(day) is expected


def test_the_heating_season_follows_the_setting(settings):
    settings.HEATING_SEASON = "11-15:03-15"
    assert services.in_heating_season(dt.date(2026, 11, 14)) is False
    assert services.in_heating_season(dt.date(2026, 11, 15)) is True
    settings.HEATING_SEASON = "06-01:08-31"  # a season within one year
    assert services.in_heating_season(dt.date(2026, 7, 1)) is True
    assert services.in_heating_season(dt.date(2026, 12, 1)) is False


def test_the_daily_consultation_opens_on_the_first_of_november(plan, settings):
    with time_machine.travel(dt.datetime(2026, 11, 1, 8, 30, tzinfo=SHANGHAI), tick=False):
        assert daily_consultation() is not None
    assert Consultation.objects.get(kind=Consultation.Kind.DAILY).scheduled_for == dt.date(2026, 11, 1)
    settings.HEATING_SEASON = "11-15:03-15"
    with time_machine.travel(dt.datetime(2026, 11, 2, 8, 30, tzinfo=SHANGHAI), tick=False):
        assert daily_consultation() is None
    assert Consultation.objects.filter(kind=Consultation.Kind.DAILY).count() == 1


def test_the_setting_is_checked_at_start():
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "yangquan_aqi.settings", "HEATING_SEASON": "winter", "PATH": "/usr/bin:/bin"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "HEATING_SEASON must be MM-DD:MM-DD" in result.stderr
