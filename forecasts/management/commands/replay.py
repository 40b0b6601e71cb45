from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forecasts.imports import ForecastImportRejected
from forecasts.models import Evaluation, Replay
from forecasts.replays import ReplayError, replay_start, replay_step

DEFAULT_FILE = settings.BASE_DIR.parent / "shared" / "data" / "yangquan-daily-2013-2017.csv"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    help = (
        "回放一段历史空气质量数据（演练、演示）：逐日或逐小时把数据送入系统并评估。"
        "内置默认环境下在本进程内逐步运行并打印每一步的评估；配置了 Redis 时交给后台进程。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(DEFAULT_FILE), help="数据文件（默认：阳泉 2013–2017 日数据）"
        )
        parser.add_argument("--from", dest="start", type=_date, help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=_date, help="结束日期 YYYY-MM-DD")
        parser.add_argument("--step", choices=["day", "hour"], default="day")
        parser.add_argument("--speed", type=float, default=0.0, help="每一步之间的秒数（默认 0：尽快）")
        parser.add_argument("--name", default="")

    def handle(self, *args, **opts):
        # With a worker the steps run there, through the outbox; in-process they run here, printed.
        in_worker = not settings.CELERY_TASK_ALWAYS_EAGER
        try:
            replay = replay_start(
                path=opts["file"],
                start=opts["start"],
                end=opts["end"],
                step=opts["step"],
                seconds_per_step=opts["speed"],
                name=opts["name"],
                advance=in_worker,
            )
        except (ReplayError, ForecastImportRejected) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"回放 #{replay.pk}：{replay.name}")
        if in_worker:
            self.stdout.write(
                f"已交给后台进程，每步间隔 {replay.seconds_per_step} 秒；进度见 /forecasts/replays/{replay.pk}/"
            )
            return
        while True:
            imported = replay_step(replay_id=replay.pk)
            replay.refresh_from_db()
            if replay.status != Replay.Status.RUNNING:
                break
            evaluation = Evaluation.objects.filter(replay=replay, source_import=imported).first() if imported else None
            if evaluation is not None:
                self.stdout.write(
                    f"{timezone.localtime(replay.cursor):%Y-%m-%d %H:%M}  级别 {evaluation.get_level_display():<6} "
                    f"当前 {evaluation.get_active_level_display():<6} 建议 {evaluation.recommendation}"
                )
            if replay.seconds_per_step:
                time.sleep(replay.seconds_per_step)
        self.stdout.write(f"回放结束：共 {replay.evaluations.count()} 次评估。")
