from django.core.management.base import BaseCommand, CommandError

from accounts.services import DEMO_PASSWORD, DemoNotAllowedError, demo_seed


class Command(BaseCommand):
    help = "创建演示账户（interfaces.md §3），仅限内置默认环境；可重复运行。"

    def handle(self, *args, **options):
        try:
            accounts, created = demo_seed()
        except DemoNotAllowedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"演示账户：新建 {created} 个，共 {len(accounts)} 个，密码均为「{DEMO_PASSWORD}」。")
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.label}")
