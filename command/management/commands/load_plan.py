from django.core.management.base import BaseCommand, CommandError

from command.models import Area, Expert, MemberUnit, WorkingGroup
from command.services import PLAN_FILE, PlanDataError, plan_load


class Command(BaseCommand):
    help = "载入预案的指挥体系（指挥部、办公室、33 个成员单位、县区、工作组、专家组）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(PLAN_FILE), help="预案数据文件（JSON）")
        parser.add_argument(
            "--update", action="store_true", help="用文件内容覆盖已存在且不同的记录（默认保留在后台修改过的内容）"
        )

    def handle(self, *args, **options):
        try:
            report = plan_load(path=options["file"], update=options["update"])
        except PlanDataError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(
            f"新建 {report.total_created} 条，更新 {report.total_updated} 条。"
            f"现有：成员单位 {MemberUnit.objects.count()}，区域 {Area.objects.count()}，"
            f"工作组 {WorkingGroup.objects.count()}，专家 {Expert.objects.count()}。"
        )
