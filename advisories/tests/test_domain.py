import datetime as dt

from advisories import domain

from .conftest import at


def _result(now, windows, ozone=True):
    return {
        "ozone_prompt": ozone,
        "now": now.isoformat(),
        "ozone_windows": [{"start": s.isoformat(), "end": e.isoformat(), "value": v} for s, e, v in windows],
    }


def test_ozone_period_keeps_windows_not_past():
    now = at(10, 12)
    period = domain.ozone_period(_result(now, [(at(9, 0), at(9, 23), 260), (at(11, 0), at(11, 23), 210)]))
    assert period == domain.OzonePeriod(start=at(11, 0), end=at(11, 23), peak=210)


def test_ozone_period_of_past_windows_only_is_none():
    assert domain.ozone_period(_result(at(12, 0), [(at(9, 0), at(9, 23), 260)])) is None


def test_no_prompt_no_period():
    assert domain.ozone_period(_result(at(9, 0), [(at(9, 0), at(9, 23), 260)], ozone=False)) is None


def test_runs_that_touch_are_one():
    assert domain.touches(at(1, 0), at(1, 5), at(1, 6), at(1, 9))
    assert domain.touches(at(1, 0), at(1, 5), at(1, 3), at(1, 4))
    assert not domain.touches(at(1, 0), at(1, 5), at(1, 7), at(1, 9))
    assert domain.HOUR == dt.timedelta(hours=1)
