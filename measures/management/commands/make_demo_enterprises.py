from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from measures.demo import DEMO_MARK, ENTERPRISES, SMALL, demo_workbook


class Command(BaseCommand):
    help = (
        "生成演示用工业源应急减排清单（Excel，企业均为虚构，标明“演示数据”）。"
        "--import 同时导入（仅限内置默认环境，生产环境拒绝）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="输出文件（.xlsx）；与 --import 同用时可省略")
        parser.add_argument("--seed", type=int, default=2023, help="随机数种子（默认 2023，结果固定）")
        parser.add_argument("--import", dest="do_import", action="store_true", help="生成后导入系统（仅演示环境）")

    def handle(self, *args, **options):
        if options["do_import"] and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError("演示企业只在内置默认环境（无 DATABASE_URL）中导入；生产环境不导入演示数据。")
        output = options["output"]
        if not output and not options["do_import"]:
            raise CommandError("请用 -o 指定输出文件，或使用 --import。")
        if output:
            path = Path(output)
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            path = Path(tempfile.mkdtemp(prefix="yq-demo-")) / "演示应急减排清单.xlsx"
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应以 .xlsx 结尾。")
        demo_workbook(options["seed"]).save(path)
        self.stdout.write(f"已生成{DEMO_MARK}：{path}（{len(ENTERPRISES) + len(SMALL)} 家虚构企业）")
        if options["do_import"]:
            call_command("import_enterprises", str(path), stdout=self.stdout, stderr=self.stderr)
