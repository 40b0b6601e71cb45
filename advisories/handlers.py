"""Outbox handlers of the advisories (core/outbox.py): what an evaluation's ozone prompt and SO2
alerts start, and who hears of the office's and the counties' steps. Each is idempotent."""

from __future__ import annotations

from core.outbox import handles
from publication.page import warm_pages

from . import services
from .public import public_ozone_refresh


@handles("advisories.ozone.evaluate", stage="consultation")
def ozone_evaluate(payload: dict) -> None:
    """An ozone prompt in the current or a next process opens a consultation (kind ozone) and the
    臭氧预警提示, once per episode; a later evaluation extends the open one.

    Payload {"evaluation_id"}; emitted by the evaluation when it finds an ozone prompt."""
    services.ozone_prompt_from_evaluation(evaluation_id=int(payload["evaluation_id"]))


@handles("advisories.so2.evaluate", stage="orders")
def so2_evaluate(payload: dict) -> None:
    """Each SO2 alert becomes its area's task (采取针对性应急管控措施) or extends the one it overlaps
    or touches; the task's 2-hour clock starts.

    Payload {"evaluation_id"}; emitted by the evaluation when it finds SO2 alerts."""
    services.so2_tasks_from_evaluation(evaluation_id=int(payload["evaluation_id"]))


@handles("advisories.ozone.published", stage="publication")
def ozone_published(payload: dict) -> None:
    """The confirmed 臭氧预警提示 to every member unit and county (in-app), each §5.3.4 order to its unit;
    the public page shows it.

    Payload {"prompt_id"}; emitted by the office's confirmation."""
    services.ozone_prompt_notify_published(prompt_id=int(payload["prompt_id"]))
    public_ozone_refresh()
    warm_pages()


@handles("advisories.ozone.ended", stage="orders")
def ozone_ended(payload: dict) -> None:
    """The ordered units hear that the prompt and its orders ended; the public page no longer shows it.

    Payload {"prompt_id"}; emitted when the office ends a published prompt."""
    services.ozone_prompt_notify_ended(prompt_id=int(payload["prompt_id"]))
    public_ozone_refresh()
    warm_pages()


@handles("advisories.so2.issued", stage="orders")
def so2_issued(payload: dict) -> None:
    """The county, its government unit, the ecology bureau and the office hear of a new SO2 task.

    Payload {"task_id"}; emitted when the task is created."""
    services.so2_task_notify_issued(task_id=int(payload["task_id"]))


@handles("advisories.so2.answered", stage="reports")
def so2_answered(payload: dict) -> None:
    """The ecology bureau and the office read the county's answer.

    Payload {"task_id"}; emitted by the county's answer."""
    services.so2_task_notify_answered(task_id=int(payload["task_id"]))
