"""A county files the extra measures it takes on top of the city's orders (§5.2) for its own area
only; the office sees every county's on one page, prints and exports them; 附件6 shows them."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from alerts.models import Warning
from audit.models import AuditEntry
from counties.models import ExtraMeasure
from response.models import Response
from reviews import services as review_services
from reviews.models import ResponseSummary

from .conftest import local_input

pytestmark = pytest.mark.django_db


def measure_data(**overrides) -> dict:
    return {
        "category": "dust",
        "measure": "建成区所有工地停止土石方作业",
        "started_at": local_input(timezone.now()),
        "scope": "县城建成区",
        "sites": "12",
        "note": "县指挥部调度",
        **overrides,
    }


def test_county_files_a_measure_for_its_own_area(client, people, response_in_force):
    url = f"/counties/warnings/{response_in_force.warning_id}/measures/"
    client.force_login(people["county"])
    assert "填报本县区加强措施" in client.get(url).content.decode()
    response = client.post(url, measure_data(area="140322"))  # an area in the form is not a field: ignored
    assert response.status_code == 302
    measure = ExtraMeasure.objects.get()
    assert measure.area.code == "140321" and measure.filed_by == people["county"] and measure.sites == 12
    assert measure.response == response_in_force
    entry = AuditEntry.objects.get(action="counties.measure.filed")
    assert entry.data == {"area": "140321", "response": response_in_force.pk}
    assert "建成区所有工地停止土石方作业" in client.get(url).content.decode()


def test_office_sees_every_countys_measures_on_one_page(client, people, response_in_force):
    url = f"/counties/warnings/{response_in_force.warning_id}/measures/"
    client.force_login(people["county"])
    client.post(url, measure_data(measure="平定：停止土石方作业"))
    client.force_login(people["county2"])
    client.post(url, measure_data(category="traffic", measure="盂县：国四以下货车禁行", sites=""))
    client.force_login(people["office"])
    page = client.get(url).content.decode()
    assert "平定：停止土石方作业" in page and "盂县：国四以下货车禁行" in page
    assert "填报本县区加强措施" not in page  # the office reads
    listing = client.get("/counties/measures/").content.decode()
    assert response_in_force.warning.number in listing
    # a county sees only its own
    client.force_login(people["county2"])
    page = client.get(url).content.decode()
    assert "盂县：国四以下货车禁行" in page and "平定：停止土石方作业" not in page


def test_county_cannot_change_another_countys_measure(client, people, response_in_force):
    url = f"/counties/warnings/{response_in_force.warning_id}/measures/"
    client.force_login(people["county"])
    client.post(url, measure_data())
    measure = ExtraMeasure.objects.get()
    client.force_login(people["county2"])
    assert client.post(f"/counties/measures/{measure.pk}/edit/", measure_data(measure="改")).status_code == 404
    assert client.post(f"/counties/measures/{measure.pk}/withdraw/").status_code == 404
    measure.refresh_from_db()
    assert measure.measure == "建成区所有工地停止土石方作业"


@pytest.mark.parametrize("who", ["office", "vice", "supervisor", "jiaotong"])
def test_only_county_users_file(client, people, response_in_force, who):
    client.force_login(people[who])
    response = client.post(f"/counties/warnings/{response_in_force.warning_id}/measures/", measure_data())
    assert response.status_code == 403 and not ExtraMeasure.objects.exists()


def test_county_edits_and_withdraws_its_measure_audited(client, people, response_in_force):
    client.force_login(people["county"])
    client.post(f"/counties/warnings/{response_in_force.warning_id}/measures/", measure_data())
    measure = ExtraMeasure.objects.get()
    assert client.get(f"/counties/measures/{measure.pk}/edit/").status_code == 200
    client.post(f"/counties/measures/{measure.pk}/edit/", measure_data(sites="20"))
    measure.refresh_from_db()
    assert measure.sites == 20
    changed = AuditEntry.objects.get(action="counties.measure.changed")
    assert changed.before == {"sites": 12} and changed.after == {"sites": 20}
    client.post(f"/counties/measures/{measure.pk}/withdraw/")
    assert not ExtraMeasure.objects.exists()
    assert (
        AuditEntry.objects.get(action="counties.measure.withdrawn").before["measure"] == "建成区所有工地停止土石方作业"
    )


def test_no_filing_after_the_response_ended(client, people, ended_response):
    url = f"/counties/warnings/{ended_response.warning_id}/measures/"
    client.force_login(people["county"])
    page = client.get(url).content.decode()
    assert "该应急响应已终止" in page and "填报本县区加强措施" not in page
    response = client.post(url, measure_data(started_at=local_input(ended_response.started_at)))
    assert response.status_code == 409 and "已终止" in response.content.decode()
    assert not ExtraMeasure.objects.exists()


def test_a_start_days_before_the_response_is_refused(client, people, response_in_force):
    client.force_login(people["county"])
    early = local_input(response_in_force.started_at - dt.timedelta(days=5))
    response = client.post(
        f"/counties/warnings/{response_in_force.warning_id}/measures/", measure_data(started_at=early)
    )
    assert response.status_code == 400 and "不能早于本次应急响应启动前 3 天" in response.content.decode()


def test_office_prints_and_exports_the_measures(client, people, response_in_force):
    client.force_login(people["county"])
    client.post(f"/counties/warnings/{response_in_force.warning_id}/measures/", measure_data())
    client.force_login(people["office"])
    printed = client.get(f"/counties/warnings/{response_in_force.warning_id}/measures/print/").content.decode()
    assert "建成区所有工地停止土石方作业" in printed and "平定县" in printed
    xlsx = client.get(f"/counties/warnings/{response_in_force.warning_id}/measures.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    row = next(sheet.iter_rows(min_row=3, values_only=True))
    assert row[:3] == ("平定县", "扬尘", "建成区所有工地停止土石方作业") and row[5] == 12


def test_the_summary_annex6_shows_the_counties_measures(client, people, response_in_force):
    client.force_login(people["county"])
    client.post(f"/counties/warnings/{response_in_force.warning_id}/measures/", measure_data())
    client.force_login(people["office"])
    for url in (
        f"/reviews/warnings/{response_in_force.warning_id}/summary/",
        f"/reviews/warnings/{response_in_force.warning_id}/summary/print/",
    ):
        page = client.get(url).content.decode()
        assert "县区加强措施" in page and "1 条（平定县 1）" in page, url
        assert "建成区所有工地停止土石方作业" in page, url


def test_a_finalised_summary_keeps_the_measures_it_was_finalised_with(client, people, response_in_force):
    client.force_login(people["county"])
    client.post(f"/counties/warnings/{response_in_force.warning_id}/measures/", measure_data())
    warning = response_in_force.warning
    Warning.objects.filter(pk=warning.pk).update(status=Warning.Status.LIFTED, lifted_at=timezone.now())
    Response.objects.filter(pk=response_in_force.pk).update(status=Response.Status.ENDED, ended_at=timezone.now())
    ResponseSummary.objects.create(
        warning=warning, measures_summary="总结", filled_by_name="王", created_by=people["office"]
    )
    summary = review_services.summary_finalize(actor=people["office"], warning_id=warning.pk)
    assert summary.snapshot["county_measures"]["count"] == 1
    assert summary.snapshot["county_measures"]["rows"][0]["measure"] == "建成区所有工地停止土石方作业"
    ExtraMeasure.objects.all().delete()  # not a service path: only to show the table reads the snapshot
    client.force_login(people["office"])
    page = client.get(f"/reviews/warnings/{warning.pk}/summary/print/").content.decode()
    assert "建成区所有工地停止土石方作业" in page
