"""``manage.py import_forecast FILE [FILE ...]``: store forecast and observation files.

The same code path as the upload page, the API and the inbox folder (forecasts/imports.py).
Each file is all or nothing; a rejected file does not stop the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasts.imports import ForecastImportRejected, forecast_import
from forecasts.models import ForecastImport

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "导入预报或监测数据文件（CSV、XLSX 或 JSON，见 interfaces.md §1）并存入数据库。"
        "每个文件要么整体导入、要么整体拒绝；同一文件再次导入不会重复存储。"
        "某个文件被拒绝时，其余文件照常导入，命令以退出状态 2 结束，错误（文件、行、列）写到标准错误。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV、XLSX 或 JSON 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        rejected: list[str] = []
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{path.name}：无法读取文件：{exc.strerror or exc}")
                rejected.append(path.name)
                continue
            try:
                outcome = forecast_import(data=data, name=path.name, channel=ForecastImport.Channel.COMMAND)
            except ForecastImportRejected as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                self.stderr.write(f"{path.name}：已拒绝，{len(exc.errors)} 处错误，文件中的数据一条也未存入。")
                rejected.append(path.name)
                continue
            record = outcome.import_
            for warning in outcome.warnings:
                self.stderr.write(f"{path.name}：提示：{warning}")
            if outcome.duplicate:
                self.stdout.write(
                    f"{path.name}：重复文件，与 {record.created_at:%Y-%m-%d %H:%M} 导入的「{record.file_name}」"
                    f"（导入编号 {record.pk}）内容相同，未存入任何数据。"
                )
            else:
                self.stdout.write(
                    f"{path.name}：已导入（导入编号 {record.pk}），文件 {outcome.row_count} 行，"
                    f"新存入 {outcome.stored_count} 行，已跳过与已有数据相同的 {outcome.row_count - outcome.stored_count} 行。"
                )
        if rejected:
            raise CommandError(
                f"{len(rejected)} 个文件被拒绝：{'、'.join(rejected)}（其余文件已导入）", returncode=BAD_INPUT
            )
