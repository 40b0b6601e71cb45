"""The API: the office lists, confirms and ends; a county acknowledges and answers; the public reads."""

import pytest

from advisories import services
from advisories.handlers import ozone_ended, ozone_published

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def prompt(people, make_evaluation):
    evaluation = make_evaluation(now=at(10, 8), ozone_windows=[(at(11, 0), at(11, 23), 230)])
    return services.ozone_prompt_from_evaluation(evaluation_id=evaluation.pk)


@pytest.fixture
def task(people, registry, make_evaluation):
    evaluation = make_evaluation(now=at(10, 8), so2_alerts=[("140321", "平定县", at(10, 12), at(10, 15), 200)])
    return services.so2_tasks_from_evaluation(evaluation_id=evaluation.pk)[0]


def test_office_lists_confirms_and_ends_through_the_api(client, people, prompt, registry):
    client.force_login(people["office"])
    assert client.get("/api/v1/public/ozone-prompt/").json()["in_force"] is False
    listed = client.get("/api/v1/advisories/ozone-prompts/").json()
    assert [p["id"] for p in listed] == [prompt.pk] and listed[0]["status"] == "consulting"
    body = client.post(
        f"/api/v1/advisories/ozone-prompts/{prompt.pk}/confirm/", {}, content_type="application/json"
    ).json()
    assert body["status"] == "in_force" and body["confirmed_by"] == people["office"].username and body["orders"]
    again = client.post(f"/api/v1/advisories/ozone-prompts/{prompt.pk}/confirm/", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "advisories.refused"
    ozone_published({"prompt_id": prompt.pk})  # the outbox's handler, as the worker runs it
    client.logout()
    public = client.get("/api/v1/public/ozone-prompt/").json()
    assert public["in_force"] is True and "臭氧预警提示" in public["text"]
    client.force_login(people["office"])
    ended = client.post(
        f"/api/v1/advisories/ozone-prompts/{prompt.pk}/end/", {"note": "结束"}, content_type="application/json"
    )
    assert ended.json()["status"] == "ended"
    ozone_ended({"prompt_id": prompt.pk})
    assert client.get("/api/v1/public/ozone-prompt/").json()["in_force"] is False


@pytest.mark.parametrize("who", ["vice", "forecaster", "jiaotong", "county"])
def test_only_the_office_confirms_through_the_api(client, people, prompt, who):
    client.force_login(people[who])
    assert (
        client.post(
            f"/api/v1/advisories/ozone-prompts/{prompt.pk}/confirm/", {}, content_type="application/json"
        ).status_code
        == 403
    )


def test_county_acknowledges_and_answers_through_the_api(client, people, task):
    client.force_login(people["county"])
    assert [t["id"] for t in client.get("/api/v1/advisories/so2-tasks/").json()] == [task.pk]
    assert client.post(f"/api/v1/advisories/so2-tasks/{task.pk}/acknowledge/").json()["status"] == "acknowledged"
    refused = client.post(
        f"/api/v1/advisories/so2-tasks/{task.pk}/answer/", {"answer": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    body = client.post(
        f"/api/v1/advisories/so2-tasks/{task.pk}/answer/", {"answer": "焦化厂限产"}, content_type="application/json"
    ).json()
    assert body["status"] == "answered" and body["answered_by"] == people["county"].username


def test_another_county_cannot_see_or_answer(client, people, task):
    client.force_login(people["county2"])
    assert client.get("/api/v1/advisories/so2-tasks/").json() == []
    assert (
        client.post(
            f"/api/v1/advisories/so2-tasks/{task.pk}/answer/", {"answer": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(people["office"])
    assert (
        client.post(
            f"/api/v1/advisories/so2-tasks/{task.pk}/answer/", {"answer": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
