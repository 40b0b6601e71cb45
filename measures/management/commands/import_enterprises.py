from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forecasts.imports import errors_text
from measures.services import EnterpriseImportRejected, enterprise_import


class Command(BaseCommand):
    help = "导入工业源应急减排清单（Excel .xlsx）。整体导入：有任何错误时一家也不导入；按（企业名称，所属县区）更新，重复导入同一文件不新增。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="应急减排清单（.xlsx）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
        try:
            outcome = enterprise_import(data=data, name=path.name)
        except EnterpriseImportRejected as exc:
            self.stderr.write(errors_text(path.name, exc.errors))
            raise CommandError(f"文件「{path.name}」有 {len(exc.errors)} 处错误，未导入任何企业。") from exc
        for warning in outcome.warnings:
            self.stdout.write(f"提示：{warning}")
        self.stdout.write(
            f"已导入「{outcome.name}」：{outcome.row_count} 家企业，新增 {outcome.created} 家，"
            f"更新 {outcome.updated} 家，未变 {outcome.unchanged} 家。"
        )
