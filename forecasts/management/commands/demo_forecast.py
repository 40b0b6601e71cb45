from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forecasts.imports import ForecastImportRejected, forecast_import

# The shape of Yangquan's December 2015 episode (shared/data), laid on the present days.
SHAPE = [
    ("observed", 78, None, None, "SO2"),
    ("observed", 123, None, None, "PM10"),
    ("forecast", None, 160, 190, "PM2.5"),
    ("forecast", None, 200, 240, "PM2.5"),
    ("forecast", None, 180, 230, "PM2.5"),
    ("forecast", None, 120, 160, "PM2.5"),
    ("forecast", None, 70, 90, "PM2.5"),
]


class Command(BaseCommand):
    help = "演示数据：以 2015 年 12 月阳泉污染过程为样本，生成围绕今天的实况与预报并导入（仅内置默认环境）。"

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError("演示数据只在内置默认环境中生成。")
        today = timezone.localdate()
        issued = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        lines = ["area,date,kind,aqi,aqi_low,aqi_high,primary_pollutant,issued_at,source"]
        for offset, (kind, aqi, low, high, pollutant) in enumerate(SHAPE, start=-2):
            day = today + dt.timedelta(days=offset)
            values = [str(v) if v is not None else "" for v in (aqi, low, high)]
            lines.append(
                f"阳泉市,{day.isoformat()},{kind},{','.join(values)},{pollutant},"
                f"{issued:%Y-%m-%d %H:%M},演示数据（生态环境监测中心样式）"
            )
        data = ("\n".join(lines) + "\n").encode("utf-8")
        try:
            outcome = forecast_import(data=data, name=f"演示预报-{today:%Y%m%d}.csv", channel="command")
        except ForecastImportRejected as exc:
            raise CommandError(str(exc)) from exc
        if outcome.duplicate:
            self.stdout.write("今天的演示预报已导入过，未重复导入。")
        else:
            self.stdout.write(f"演示预报已导入：{outcome.stored_count} 行（{today - dt.timedelta(days=2)} 起 7 天）。")
