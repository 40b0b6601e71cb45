"""The refusal of the plan loaders (command.services.plan_load, measures.services.measures_load)."""

from __future__ import annotations

from core.errors import DomainError


class PlanDataError(DomainError):
    """The plan's data file is missing a key or names something that does not exist."""

    code = "command.plan_data.invalid"
