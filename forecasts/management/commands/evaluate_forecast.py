"""``manage.py evaluate_forecast FILE [FILE ...] [--active-level LEVEL] [--now ISO] --json``.

Reads forecast and observation files (interfaces.md §1), classifies them by warning-rules.md
and prints one JSON object (interfaces.md §2). Nothing is stored. A bad file: exit status 2,
every error (file, row, column) on stderr.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasts.domain.readers import parse_time, read_file
from forecasts.domain.rules import COLOUR_NAMES, RECOMMENDATION_NAMES, evaluate, normalise_level

BAD_INPUT = 2


class Command(BaseCommand):
    help = "按预警规则判定预报文件（不保存任何数据），输出 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV、XLSX 或 JSON 文件")
        parser.add_argument(
            "--active-level",
            default="none",
            help="当前生效的预警级别：none、yellow、orange 或 red（默认 none）",
        )
        parser.add_argument("--now", default=None, help="判定时刻，ISO 8601（默认：文件中的第一个小时）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象（interfaces.md §2）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            active_level = normalise_level(options["active_level"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        now = None
        if options["now"]:
            now = parse_time(options["now"])
            if now is None:
                raise CommandError(f"无法识别的 --now 时间「{options['now']}」", returncode=BAD_INPUT)

        results = [read_file(path) for path in options["files"]]
        errors = [error for result in results for error in result.errors]
        for result in results:
            for warning in result.warnings:
                self.stderr.write(f"{result.name}：{warning}")
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} 处错误，未作判定（文件中的数据一条也未使用）", returncode=BAD_INPUT)

        outcome = evaluate(results, active_level=active_level, now=now)
        if options["json"]:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"预警级别：{COLOUR_NAMES[outcome['level']]}；建议：{RECOMMENDATION_NAMES[outcome['recommendation']]}"
        )
        for reason in outcome["reasons"]:
            self.stdout.write(f"- {reason}")
