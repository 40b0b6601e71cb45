from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.architecture import DOC, render


class Command(BaseCommand):
    help = "写出 docs/architecture.md（由待发事件处理表和定时任务生成）；--check 只检查是否一致。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="exit 1 when docs/architecture.md is not up to date")

    def handle(self, *args, check: bool = False, **opts):
        text = render()
        if check:
            if not DOC.is_file() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC} is out of date: run `python manage.py architecture`")
            self.stdout.write(f"{DOC} is up to date")
            return
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOC}")
