"""The CAP 1.2 feed: every alert the system generates (issue, upgrade, downgrade, lift) is valid
against the official OASIS CAP 1.2 schema (fixtures/cap/CAP-v1.2.xsd, lxml), and is read back by
an independent CAP client (cap-tools, xsdata bindings of CAP 1.2) and the Atom index by a feed
reader (feedparser), fetched over the public URLs as a consumer would."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest
from cap_tools import AlertState
from cap_tools.models import Alert, Category, MsgType, Severity, Status
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from lxml import etree
from xsdata.formats.dataclass.parsers import XmlParser

from alerts.models import ApprovalForm
from alerts.services import form_approve, form_draft, form_submit, warning_bring_into_force
from notifications.tests.test_transports import RECORDING, RecordingTransport
from publication import cap, public
from tests.factories import warning_content

PASSWORD = "correct horse battery"
XSD = Path(settings.BASE_DIR) / "fixtures" / "cap" / "CAP-v1.2.xsd"
BASE = "https://aqi.example.test"
IDENTIFIER = re.compile(r"^14030041600000_\d{14}_\d{4}$")


@pytest.fixture
def eager(eager, settings):
    """The root's eager Celery, with the SMS recorded and the public caches empty."""
    settings.SMS_BACKEND = RECORDING
    settings.SMS_RATE_PER_SECOND = 1000
    settings.PUBLIC_BASE_URL = BASE
    RecordingTransport.reset()
    cache.delete_many([public.PUBLIC_CACHE_KEY, cap.CAP_FEED_CACHE_KEY])
    return eager
    RecordingTransport.reset()


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


def decide(people, capture, *, action, level=None, signer="vice", message="") -> ApprovalForm:
    start = timezone.now() + dt.timedelta(hours=6)
    form = form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="会商意见",
        content="主要内容",
        effective_at=start,
        episode_end=start + dt.timedelta(days=2) if action != "lift" else None,
        public_message=message,
        episode_start=start,
        **warning_content(action, primary_pollutant="PM2.5", aqi_low=180, aqi_high=320, degree=""),
    )
    form_submit(actor=people["office"], form_id=form.pk)
    with capture(execute=True):
        form_approve(actor=people[signer], form_id=form.pk, password=PASSWORD)
        # Signed 6 h ahead, it is announced; its time comes before the next decision (§12).
        warning_bring_into_force(form_id=form.pk, now=start)
    form.refresh_from_db()
    return form


@pytest.fixture
def episode(people, eager, django_capture_on_commit_callbacks):
    """Issue yellow → upgrade to red → downgrade to orange → lift, as four approved forms. The public
    text of the issue carries characters that must be escaped."""
    capture = django_capture_on_commit_callbacks
    return [
        decide(
            people,
            capture,
            action="issue",
            level="yellow",
            message='阳泉市发布重污染天气黄色预警 <注意> & "防护"：AQI 180～320。',
        ),
        decide(people, capture, action="upgrade", level="red", signer="commander"),
        decide(people, capture, action="downgrade", level="orange", signer="commander"),
        decide(people, capture, action="lift", message="阳泉市解除重污染天气橙色预警。"),
    ]


def fetch(client, url: str) -> bytes:
    assert url.startswith(BASE)
    response = client.get(url.removeprefix(BASE))
    assert response.status_code == 200, url
    return response.content


@pytest.mark.django_db
def test_every_alert_is_valid_cap_and_reads_back_with_an_independent_client(episode, client, schema):
    parser = XmlParser()
    parsed: list[Alert] = []
    for form in episode:
        response = client.get(f"/warnings/cap/{form.pk}.xml")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/cap+xml")
        document = etree.fromstring(response.content)
        schema.assertValid(document)
        parsed.append(parser.from_bytes(response.content, Alert))

    issue, upgrade, downgrade, lift = parsed
    assert [a.msg_type for a in parsed] == [MsgType.ALERT, MsgType.UPDATE, MsgType.UPDATE, MsgType.CANCEL]
    assert [a.infos[0].severity for a in parsed] == [
        Severity.MODERATE,
        Severity.EXTREME,
        Severity.SEVERE,
        Severity.MINOR,
    ]
    for alert, form in zip(parsed, episode, strict=True):
        assert IDENTIFIER.match(alert.identifier)
        assert alert.identifier == cap.alert_identifier(form)
        assert alert.identifier.split("_")[1] == timezone.localtime(form.decided_at).strftime("%Y%m%d%H%M%S")
        assert alert.sender == "14030041600000" and alert.status == Status.ACTUAL
        assert str(alert.sent).endswith("+08:00")
        assert [i.language for i in alert.infos] == ["zh-CN", "en"]
        assert [i.event for i in alert.infos] == ["重污染天气预警", "Heavy air pollution warning"]
        assert all(i.categories == [Category.ENV] for i in alert.infos)
        assert [area.area_desc for area in alert.infos[0].areas] == ["阳泉市"]
        assert dict(alert.infos[0].areas[0].geocodes_to_dict()) == {"GB/T 2260": "140300"}
        assert alert.incidents == issue.identifier
    assert [alert.identifier.split("_")[2] for alert in parsed] == ["0001", "0002", "0003", "0004"]
    assert (
        issue.infos[0].description == '阳泉市发布重污染天气黄色预警 <注意> & "防护"：AQI 180～320。'
    )  # escaped and back
    assert upgrade.infos[0].parameters_to_dict()["responseLevel"] == "I"
    assert [r.value for r in lift.infos[0].response_types] == ["AllClear"]

    # Each Update/Cancel references exactly the alert before it (sender,identifier,sent), so a CAP
    # consumer's state ends with the lift alone.
    assert upgrade.references == f"14030041600000,{issue.identifier},{issue.sent}"
    state = AlertState()
    for alert in parsed:
        state.ingest(alert)
    assert [a.identifier for a in state.alerts] == [lift.identifier]


@pytest.mark.django_db
def test_atom_feed_lists_the_alerts_newest_first_and_links_each_one(episode, client, schema):
    response = client.get("/warnings/cap/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "阳泉市重污染天气预警 CAP 信息源"
    assert len(feed.entries) == 4
    assert feed.entries[0].title == "阳泉市解除重污染天气橙色预警"
    parser = XmlParser()
    identifiers = []
    for entry, form in zip(feed.entries, reversed(episode), strict=True):
        [link] = [link for link in entry.links if link.type == "application/cap+xml"]
        assert link.href == f"{BASE}/warnings/cap/{form.pk}.xml" == entry.id
        body = fetch(client, link.href)
        schema.assertValid(etree.fromstring(body))
        identifiers.append(parser.from_bytes(body, Alert).identifier)
    assert identifiers == [cap.alert_identifier(f) for f in reversed(episode)]
    # The alerts are inline too (content type application/cap+xml), each one valid on its own.
    tree = etree.fromstring(response.content)
    inline = tree.findall(".//{http://www.w3.org/2005/Atom}content/{urn:oasis:names:tc:emergency:cap:1.2}alert")
    assert len(inline) == 4
    for element in inline:
        schema.assertValid(etree.fromstring(etree.tostring(element)))


@pytest.mark.django_db
def test_feed_is_refreshed_by_publication_and_alerts_never_change(
    people, eager, client, django_capture_on_commit_callbacks
):
    empty = feedparser.parse(client.get("/warnings/cap/feed.atom").content)
    assert empty.entries == []
    issue = decide(people, django_capture_on_commit_callbacks, action="issue", level="orange")
    assert len(feedparser.parse(client.get("/warnings/cap/feed.atom").content).entries) == 1
    first = client.get(f"/warnings/cap/{issue.pk}.xml").content
    decide(
        people,
        django_capture_on_commit_callbacks,
        action="upgrade",
        level="red",
        signer="commander",
        message="升级为红色预警",
    )
    decide(people, django_capture_on_commit_callbacks, action="lift", signer="commander")
    assert len(feedparser.parse(client.get("/warnings/cap/feed.atom").content).entries) == 3
    # An alert is the same document whenever it is fetched, whatever came after it.
    assert client.get(f"/warnings/cap/{issue.pk}.xml").content == first


@pytest.mark.django_db
def test_only_approved_forms_are_alerts(people, eager, client):
    form = form_draft(
        actor=people["office"],
        action="issue",
        level="yellow",
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
        **warning_content(),
    )
    assert client.get(f"/warnings/cap/{form.pk}.xml").status_code == 404
    assert client.get("/warnings/cap/999999.xml").status_code == 404


@pytest.mark.django_db
def test_what_the_warning_says_is_a_parameter_each_and_every_area_an_area(
    people, eager, client, schema, django_capture_on_commit_callbacks
):
    """warning-rules.md §11 in CAP: AQI_LOW … WEATHER_TREND as <parameter>s, one <area> per affected
    area with its GB/T 2260 geocode; the development zone (kfq, no GB/T 2260 code) by name only."""
    start = timezone.now() + dt.timedelta(hours=6)
    form = form_draft(
        actor=people["office"],
        action="issue",
        level="orange",
        basis="会商意见",
        content="主要内容",
        effective_at=start,
        **warning_content(
            primary_pollutant="PM10",
            aqi_low=150,
            aqi_high=240,
            degree="轻度至重度污染",
            pollution_start=start,
            pollution_end=start + dt.timedelta(hours=60),
            weather_trend="静稳天气持续，扩散条件差",
            affected_areas=["140300", "140321", "kfq"],
        ),
    )
    form_submit(actor=people["office"], form_id=form.pk)
    with django_capture_on_commit_callbacks(execute=True):
        form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    body = client.get(f"/warnings/cap/{form.pk}.xml").content
    schema.assertValid(etree.fromstring(body))
    alert = XmlParser().from_bytes(body, Alert)
    zh, en = alert.infos
    parameters = zh.parameters_to_dict()
    assert {
        k: parameters[k]
        for k in ("AQI_LOW", "AQI_HIGH", "PRIMARY_POLLUTANT", "POLLUTION_DEGREE", "RESPONSE_LEVEL", "WEATHER_TREND")
    } == {
        "AQI_LOW": "150",
        "AQI_HIGH": "240",
        "PRIMARY_POLLUTANT": "PM10",
        "POLLUTION_DEGREE": "轻度至重度污染",
        "RESPONSE_LEVEL": "II",
        "WEATHER_TREND": "静稳天气持续，扩散条件差",
    }
    assert (
        parameters["POLLUTION_START"]
        == start.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0).isoformat()
    )
    assert parameters["POLLUTION_END"].endswith("+08:00")
    assert en.parameters_to_dict()["AQI_HIGH"] == "240"
    assert [a.area_desc for a in zh.areas] == ["阳泉市", "平定县", "阳泉经济技术开发区"]
    assert [dict(a.geocodes_to_dict()) for a in zh.areas] == [{"GB/T 2260": "140300"}, {"GB/T 2260": "140321"}, {}]
    assert [a.area_desc for a in en.areas] == [
        "Yangquan City, Shanxi Province",
        "Pingding County, Yangquan",
        "Yangquan Economic and Technological Development Zone",
    ]
    assert "Affected areas: Yangquan City" in en.description and "Primary pollutant: PM10." in en.description
