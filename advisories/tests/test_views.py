"""The pages: the office confirms and ends the prompt, a unit works its order, a county its task."""

import pytest

from advisories import services
from advisories.models import OzoneOrder, OzonePrompt, So2Task

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


def test_office_confirms_on_the_prompt_page(client, people, prompt, registry):
    client.force_login(people["office"])
    page = client.get(f"/advisories/ozone/{prompt.pk}/").content.decode()
    assert "确认发布臭氧预警提示" in page
    response = client.post(f"/advisories/ozone/{prompt.pk}/confirm/", {"text": "臭氧预警提示：示例发布内容"})
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert prompt.status == OzonePrompt.Status.IN_FORCE and prompt.text == "臭氧预警提示：示例发布内容"
    page = client.get(f"/advisories/ozone/{prompt.pk}/").content.decode()
    assert "平定县" in page or "pingding" in page or "平定" in page
    # a second confirmation: a message on the page, no second set of orders
    response = client.post(f"/advisories/ozone/{prompt.pk}/confirm/", follow=True)
    assert "不能再次确认" in response.content.decode()
    client.post(f"/advisories/ozone/{prompt.pk}/end/", {"note": "结束"})
    prompt.refresh_from_db()
    assert prompt.status == OzonePrompt.Status.ENDED


def test_vice_commander_cannot_confirm_the_prompt(client, people, prompt):
    client.force_login(people["vice"])
    assert client.post(f"/advisories/ozone/{prompt.pk}/confirm/").status_code == 403
    prompt.refresh_from_db()
    assert prompt.status == OzonePrompt.Status.CONSULTING


def test_unit_works_its_order_and_never_sees_anothers(client, people, prompt, registry):
    services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk)
    order = OzoneOrder.objects.get(prompt=prompt, unit__slug="pingding")
    client.force_login(people["pingding"])
    page = client.get(f"/advisories/ozone-orders/{order.pk}/").content.decode()
    assert "平定示例焦化厂" in page and "签收指令" in page
    client.post(f"/advisories/ozone-orders/{order.pk}/acknowledge/")
    client.post(f"/advisories/ozone-orders/{order.pk}/in-place/", {"note": "已限产"})
    order.refresh_from_db()
    assert order.status == OzoneOrder.Status.IN_PLACE
    other = OzoneOrder.objects.get(prompt=prompt, unit__slug="shengtai")
    assert client.get(f"/advisories/ozone-orders/{other.pk}/").status_code == 404
    assert client.post(f"/advisories/ozone-orders/{other.pk}/acknowledge/").status_code == 404


def test_county_acknowledges_and_answers_on_the_task_page(client, people, task):
    client.force_login(people["county"])
    page = client.get(f"/advisories/so2/{task.pk}/").content.decode()
    assert "采取针对性应急管控措施" in page and "平定示例焦化厂" in page
    client.post(f"/advisories/so2/{task.pk}/acknowledge/")
    response = client.post(f"/advisories/so2/{task.pk}/answer/", {"answer": ""}, follow=True)
    assert "请填写已采取的管控措施" in response.content.decode()
    client.post(f"/advisories/so2/{task.pk}/answer/", {"answer": "焦化厂限产"})
    task.refresh_from_db()
    assert task.status == So2Task.Status.ANSWERED and task.answer == "焦化厂限产"


def test_another_county_neither_sees_nor_answers_the_task(client, people, task):
    client.force_login(people["county2"])
    assert client.get(f"/advisories/so2/{task.pk}/").status_code == 404
    assert client.post(f"/advisories/so2/{task.pk}/answer/", {"answer": "x"}).status_code == 404
    assert "平定县" not in client.get("/advisories/").content.decode()


def test_the_list_page_shows_prompts_and_tasks(client, people, prompt, task):
    client.force_login(people["office"])
    page = client.get("/advisories/").content.decode()
    assert "臭氧预警提示" in page and "平定县" in page


def test_the_list_page_in_english(client, people, prompt, task):
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    page = client.get("/advisories/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ozone warning alerts and SO2 alerts" in page and "SO2 alert tasks" in page


def test_the_public_page_shows_a_prompt_in_force_and_not_after_its_end(client, people, prompt, registry):
    from advisories.handlers import ozone_ended, ozone_published

    assert "public-ozone" not in client.get("/public/").content.decode()
    services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk, text="臭氧预警提示：示例公众内容")
    ozone_published({"prompt_id": prompt.pk})
    page = client.get("/public/").content.decode()
    assert "public-ozone" in page and "臭氧预警提示：示例公众内容" in page
    services.ozone_prompt_end(actor=people["office"], prompt_id=prompt.pk)
    ozone_ended({"prompt_id": prompt.pk})
    assert "public-ozone" not in client.get("/public/").content.decode()
