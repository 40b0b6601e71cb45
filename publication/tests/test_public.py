"""The public page (/public/): no login, the warning in force once published or 当前无重污染天气
预警 with today's advice, served from the cache with at most one query."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts import services
from alerts.models import Warning
from publication import page
from tests.factories import warning_content

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def private_cache(settings):
    """A cache of this test's own: the page and the publication payload are cached, and the shared
    Redis of a test run must not leak another test's (or another database's) warning in."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"public-page-{time.monotonic_ns()}",
        }
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def active_warning(make_user, *, level="orange", publish=True) -> Warning:
    office, approver = make_user(Role.OFFICE), make_user(Role.COMMANDER if level == "red" else Role.VICE_COMMANDER)
    form = services.form_draft(
        actor=office,
        action="issue",
        level=level,
        basis="会商认为达到预警条件",
        content="启动应急响应",
        public_message="阳泉市发布重污染天气橙色预警，自今日 20 时起启动Ⅱ级应急响应。",
        # In force at signature (§12: one signed ahead is announced first; tests/test_effective_times.py).
        effective_at=timezone.now(),
        episode_end=timezone.now() + dt.timedelta(days=3),
        **warning_content(primary_pollutant="PM2.5", aqi_low=210, aqi_high=280, degree=""),
    )
    services.form_submit(actor=office, form_id=form.pk)
    services.form_approve(actor=approver, form_id=form.pk, password=PASSWORD)
    if publish:
        from publication.services import publish_form

        publish_form({"form_id": form.pk})
    return Warning.objects.get(pk=form.warning_id)


def test_no_warning_shows_the_none_state_with_advice(client, db):
    response = client.get("/public/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "当前无重污染天气预警" in page and "健康防护提示" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert (
        "public" in response["Cache-Control"] and "max-age=1" in response["Cache-Control"]
    )  # tests/test_public_cache.py


def test_none_state_gives_todays_air_and_its_advice(client, make_user):
    from command.models import Area
    from forecasts.models import AirQualityRecord, ForecastImport

    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    source = ForecastImport.objects.create(
        file_name="obs.csv", file_sha256="0" * 64, channel="upload", period="hour", uploaded_by=make_user(Role.OFFICE)
    )
    AirQualityRecord.objects.create(
        area=Area.objects.get(code="140300"),
        period="hour",
        time=now,
        kind="observed",
        issued_at=now,
        aqi=168,
        source_import=source,
    )
    page = client.get("/public/").content.decode()
    assert "AQI 168" in page and "中度污染" in page
    assert "一般人群适量减少户外运动" in page  # HJ 633 advice of 中度污染


def test_the_published_warning_is_on_the_page_with_colour_number_and_advice(client, make_user):
    warning = active_warning(make_user)
    page = client.get("/public/").content.decode()
    assert "橙色预警" in page and "Ⅱ级响应" in page and warning.number in page
    assert "background:#FF7E00" in page
    assert "阳泉市发布重污染天气橙色预警，自今日 20 时起启动Ⅱ级应急响应。" in page
    assert "响应启动时间" in page and "210～280" in page
    # What the warning says (warning-rules.md §11), from the approved form.
    facts = page.split('class="card public-content"')[1].split("</section>")[0]
    for label, value in (
        ("影响区域", "阳泉市"),
        ("污染程度", "重度污染"),
        ("首要污染物", "PM2.5"),
        ("预计 AQI 范围", "210～280"),
        ("全市未来气象条件变化趋势", "受静稳天气影响"),
    ):
        assert f"<dt>{label}</dt><dd>{value}" in facts, label
    assert "<dt>重污染天气发生时间</dt>" in facts
    assert "当前无重污染天气预警" not in page
    # Since when and the expected end (warning.episode_end), in the banner.
    until = timezone.localtime(warning.episode_end)
    assert f"预计持续至 {until:%Y}年{until.month}月{until.day}日 {until:%H}时" in page
    # Health advice of §5.3.2 for the public, and what people must and should do (the plan's items).
    assert "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内" in page
    assert "各医疗卫生机构" not in page  # addressed to hospitals, not to the public
    assert "请遵守" in page
    for title, text in (
        ("机动车限行", "停止国四及以下重型载货车辆"),
        ("禁放烟花爆竹", "全时段禁放烟花爆竹"),
        ("学校", "中小学、幼儿园停止室外课程及活动。"),
        ("大型活动", "停止举办各类大型群众性户外活动。"),
    ):
        assert f'<span class="tag">{title}</span> ' in page and text in page
    assert "倡议" in page and "倡导公众绿色出行" in page
    assert "减排比例达到全社会占比" not in page  # enterprises' obligations are not the public's to do
    # This year's warnings: the one in force.
    assert f"{timezone.localdate().year}年预警" in page and "生效中" in page


def test_an_approved_warning_waits_for_publication(client, make_user):
    """The public sees what the publication step published (publication.public decides)."""
    active_warning(make_user, publish=False)
    assert "当前无重污染天气预警" in client.get("/public/").content.decode()


def test_cached_page_costs_at_most_one_query_and_is_fast(client, make_user, django_assert_max_num_queries):
    active_warning(make_user)
    client.get("/public/")  # fills the cache
    with django_assert_max_num_queries(1):
        started = time.perf_counter()
        response = client.get("/public/")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200 and "橙色预警" in response.content.decode()
    assert elapsed < 0.25, f"cached public page took {elapsed * 1000:.0f} ms"


def test_a_decision_changes_the_page_at_once(client, make_user):
    warning = active_warning(make_user)
    assert warning.number in client.get("/public/").content.decode()
    office, vice = make_user(Role.OFFICE), make_user(Role.VICE_COMMANDER)
    lift = services.form_draft(
        actor=office,
        action="lift",
        level=None,
        basis="改善",
        content="解除",
        effective_at=timezone.now(),
        **warning_content("lift"),
    )
    services.form_submit(actor=office, form_id=lift.pk)
    services.form_approve(actor=vice, form_id=lift.pk, password=PASSWORD)
    from publication.services import publish_form

    publish_form({"form_id": lift.pk})
    page = client.get("/public/").content.decode()
    assert "当前无重污染天气预警" in page and 'class="public-level">橙色预警' not in page
    assert "请遵守" not in page and "响应启动时间" not in page
    # The lifted warning stays in this year's list, with its end.
    year_list = page.split('class="public-year"')[1]
    assert warning.number in year_list and "橙色预警" in year_list and "生效中" not in year_list


def test_in_english_the_level_and_response_names_are_english(client, make_user, settings):
    """The level and response names come from the published payload (Chinese); the page shows them
    in the visitor's language, in the title, the banner and this year's list."""
    warning = active_warning(make_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/public/").content.decode()
    assert "<title>Orange warning · " in page and 'class="public-level">Orange warning<' in page
    assert "Level II response activated" in page and warning.number in page
    year_list = page.split('class="public-year"')[1]
    assert "<strong>Orange warning</strong>" in year_list
    assert "橙色预警" not in page.split("public-text")[0]  # the office's own message may be Chinese, the chrome not
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert 'class="public-level">橙色预警<' in client.get("/public/").content.decode()


def test_anonymous_home_goes_to_the_public_page_staff_keep_their_home(client, make_user):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302 and response["Location"] == reverse("public")
    client.force_login(make_user(Role.OFFICE))
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_the_page_is_the_same_for_a_logged_in_visitor(client, make_user):
    """Rendered without the request: no menu, no name, nothing personal in the shared cache."""
    user = make_user(Role.COMMANDER, last_name="李", first_name="市长")
    client.force_login(user)
    page = client.get("/public/").content.decode()
    assert "李" not in page and "退出" not in page


def observation(make_user, *, hours_ago: int, aqi: float, replay=None, name: str | None = None):
    """A city-wide observed hour, from a real import or (``replay``) from a drill's."""
    from command.models import Area
    from forecasts.models import AirQualityRecord, ForecastImport

    when = timezone.localtime().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours_ago)
    source = ForecastImport.objects.create(
        file_name=name or f"obs-{hours_ago}-{aqi}.csv",
        file_sha256=f"{hours_ago:02d}{int(aqi):04d}".ljust(64, "0"),
        channel="upload",
        period="hour",
        uploaded_by=make_user(Role.OFFICE),
        replay=replay,
    )
    return AirQualityRecord.objects.create(
        area=Area.objects.get(code="140300"),
        period="hour",
        time=when,
        kind="observed",
        issued_at=when,
        aqi=aqi,
        source_import=source,
        replay=replay,
    )


def test_the_current_aqi_is_the_latest_real_observation_never_a_drills(client, make_user):
    from forecasts.models import Replay

    observation(make_user, hours_ago=3, aqi=168)
    observation(make_user, hours_ago=1, aqi=82)
    drill = Replay.objects.create(
        name="演练",
        source_file="drill.csv",
        step="hour",
        start=timezone.now(),
        end=timezone.now(),
        cursor=timezone.now(),
    )
    observation(make_user, hours_ago=0, aqi=320, replay=drill)
    page = client.get("/public/").content.decode()
    assert "当前无重污染天气预警" in page
    assert "AQI 82" in page and "良" in page and "AQI 320" not in page and "AQI 168" not in page
    api = client.get("/api/v1/public/warning/").json()
    assert api["level"] == "none" and api["air"]["aqi"] == 82 and api["air"]["category"] == "良"


def test_an_old_observation_is_not_called_current(client, make_user):
    observation(make_user, hours_ago=10, aqi=140)
    page = client.get("/public/").content.decode()
    assert "AQI 140" not in page and "当前空气质量" not in page
    assert client.get("/api/v1/public/warning/").json()["air"] is None


def test_the_api_gives_what_the_page_shows_before_during_and_after(client, make_user):
    """GET /api/v1/public/warning/: the same facts as the page, as JSON, before a warning, while
    it is in force (issue, then upgrade) and after it is lifted."""
    year = timezone.localdate().year
    before = client.get("/api/v1/public/warning/")
    assert before.status_code == 200
    assert before.json() == {"level": "none", "air": None, "year": year, "this_year": [], "announced": None}

    warning = active_warning(make_user)
    during = client.get("/api/v1/public/warning/").json()
    for key in (
        "level",
        "response_level",
        "since",
        "until",
        "measures",
        "health_advice",
        "health",
        "must_do",
        "should_do",
        "this_year",
        "number",
        "message",
    ):
        assert key in during, key
    assert (during["level"], during["response_level"], during["number"]) == ("orange", "II", warning.number)
    assert during["until"] == timezone.localtime(warning.episode_end).isoformat()
    assert [m["kind"] for m in during["must_do"]] == ["traffic", "fireworks", "schools", "events"]
    assert all("倡导" in text for text in during["should_do"]) and len(during["should_do"]) == 3
    assert during["this_year"] == [
        {
            "number": warning.number,
            "level": "orange",
            "level_name": "橙色预警",
            "levels": ["orange"],
            "status": "active",
            "from": during["since"],
            "to": None,
        }
    ]
    page = client.get("/public/").content.decode()
    assert warning.number in page and during["must_do"][0]["text"] in page

    office, commander = make_user(Role.OFFICE), make_user(Role.COMMANDER)
    from publication.services import publish_form

    for action, level in (("upgrade", "red"), ("lift", None)):
        form = services.form_draft(
            actor=office,
            action=action,
            level=level,
            basis="会商",
            content="内容",
            effective_at=timezone.now(),
            **warning_content(action),
        )
        services.form_submit(actor=office, form_id=form.pk)
        services.form_approve(actor=commander, form_id=form.pk, password=PASSWORD)
        publish_form({"form_id": form.pk})
        if action == "upgrade":
            red = client.get("/api/v1/public/warning/").json()
            assert (red["level"], red["response_level"]) == ("red", "I")
            assert red["this_year"][0]["levels"] == ["orange", "red"] and red["this_year"][0]["level"] == "red"
            assert "不要外出" in " ".join(red["health"])  # Ⅰ级 health advice

    after = client.get("/api/v1/public/warning/").json()
    assert after["level"] == "none" and "must_do" not in after
    (row,) = after["this_year"]
    lifted = Warning.objects.get(pk=warning.pk)
    assert (row["number"], row["level"], row["status"]) == (warning.number, "red", "lifted")
    assert row["to"] == timezone.localtime(lifted.lifted_at).isoformat()
    page = client.get("/public/").content.decode()
    assert "当前无重污染天气预警" in page and "红色预警" in page.split('class="public-year"')[1]


def test_last_years_warnings_are_not_this_years(client, make_user):
    warning = active_warning(make_user)
    Warning.objects.filter(pk=warning.pk).update(published_at=timezone.now() - dt.timedelta(days=400))
    from publication.public import public_warning_payload

    assert public_warning_payload(refresh=True)["this_year"] == []


@pytest.mark.parametrize("aqi", [30, 80, 130, 180, 250, 320])
def test_the_current_aqi_text_colour_is_readable_on_its_category_colour(make_user, aqi):
    """WCAG AA (4.5:1) for text on the HJ 633 category colour the payload carries — 中度污染's
    pure red (#FF0000) needs black: white reaches only 4.0."""
    from core.colours import contrast
    from publication.public import public_warning_payload

    observation(make_user, hours_ago=0, aqi=aqi)
    air = page.public_page_payload(published=public_warning_payload(refresh=True))["today"]
    assert air["aqi"] == aqi
    assert contrast(air["hex"], air["text_colour"]) >= 4.5, air


def test_every_public_banner_colour_pair_is_readable():
    from core.colours import contrast
    from publication.page import LEVEL_COLOURS, LEVEL_TEXT_COLOURS

    for level, fill in LEVEL_COLOURS.items():
        assert contrast(fill, LEVEL_TEXT_COLOURS[level]) >= 4.5, level
