/* The forecast page's chart (预报预警): hourly AQI (observed solid, forecast dashed), the
 * 24-hour indicator per window start, the AQI thresholds of the warning rules and the windows
 * that decided the level as shaded bands. Data: the JSON that the page embeds with json_script
 * (forecasts/views/pages.py forecast_data); library: Apache ECharts from static/vendor. */
(function () {
  "use strict";

  var holder = document.getElementById("forecast-chart");
  var source = document.getElementById("forecast-chart-data");
  if (!holder || !source) return;
  if (typeof window.echarts === "undefined") {
    holder.textContent = holder.getAttribute("data-no-library") || "";
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data.hours || !data.hours.length) return;

  // Times are shown in Beijing time whatever the browser's zone: shift by +8 h, format as UTC.
  var SHIFT = 8 * 3600 * 1000;
  var HOUR = 3600 * 1000;
  var times = data.hours.map(function (h) { return Date.parse(h) + SHIFT; });
  function at(iso) { return Date.parse(iso) + SHIFT; }
  function pairs(values) { return values.map(function (v, i) { return [times[i], v]; }); }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " +
      two(d.getUTCHours()) + ":00";
  }

  // The dashed forecast line starts at the last observation before it, so the two join.
  var forecast = data.forecast.slice();
  for (var i = 1; i < forecast.length; i++) {
    if (forecast[i] !== null && forecast[i - 1] === null && data.observed[i - 1] !== null) {
      forecast[i - 1] = data.observed[i - 1];
    }
  }

  var labels = {
    observed: holder.getAttribute("data-label-observed") || "实况 AQI",
    forecast: holder.getAttribute("data-label-forecast") || "预报 AQI",
    window: holder.getAttribute("data-label-window") || "24 小时窗口均值（按窗口起点）",
    primary: holder.getAttribute("data-label-primary") || "首要污染物"
  };
  var colours = data.level_colours || {};
  var levelNames = { yellow: "黄色", orange: "橙色", red: "红色" };

  var bands = (data.highlights || []).map(function (w) {
    return [
      {
        name: (levelNames[w.level] || "") + " " + w.value,
        xAxis: at(w.start),
        itemStyle: {
          color: colours[w.level] || "#999", opacity: 0.18,
          borderColor: colours[w.level] || "#999", borderWidth: 1, borderType: "dashed"
        },
        label: { color: "#333", fontSize: 11 }
      },
      { xAxis: at(w.end) + HOUR }
    ];
  });
  var lines = (data.thresholds || []).map(function (t) {
    return {
      yAxis: t.value,
      lineStyle: { color: t.colour, type: "solid", width: 1 },
      label: { formatter: t.label + " " + t.name, position: "insideEndTop", color: "#333", fontSize: 11 }
    };
  });
  var peak = 0;
  [data.observed, data.forecast, data.window].forEach(function (list) {
    list.forEach(function (v) { if (v !== null && v > peak) peak = v; });
  });

  var chart = window.echarts.init(holder, null, { locale: "ZH", renderer: "canvas" });
  chart.setOption({
    useUTC: true,
    animation: false,
    aria: { enabled: true },
    color: ["#0b5cad", "#0b5cad", "#6a3d9a"],
    grid: { left: 8, right: 16, top: 48, bottom: 64, containLabel: true },
    legend: { top: 0, type: "scroll" },
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        if (!items.length) return "";
        var index = items[0].dataIndex;
        var rows = [clock(items[0].value[0])];
        items.forEach(function (item) {
          if (item.value[1] !== null && item.value[1] !== undefined) {
            rows.push(item.marker + item.seriesName + "：" + item.value[1]);
          }
        });
        if (data.primary && data.primary[index]) rows.push(labels.primary + "：" + data.primary[index]);
        return rows.join("<br>");
      }
    },
    xAxis: {
      type: "time",
      axisLabel: { formatter: { day: "{MM}-{dd}", hour: "{HH}:00" }, hideOverlap: true }
    },
    yAxis: {
      type: "value",
      name: "AQI",
      min: 0,
      max: Math.ceil(Math.max(peak, 300) * 1.08 / 50) * 50
    },
    dataZoom: [{ type: "inside" }, { type: "slider", height: 20, bottom: 8 }],
    series: [
      {
        name: labels.observed,
        type: "line",
        showSymbol: false,
        connectNulls: false,
        data: pairs(data.observed),
        lineStyle: { width: 2 }
      },
      {
        name: labels.forecast,
        type: "line",
        showSymbol: false,
        connectNulls: false,
        data: pairs(forecast),
        lineStyle: { width: 2, type: "dashed" }
      },
      {
        name: labels.window,
        type: "line",
        showSymbol: false,
        connectNulls: false,
        data: pairs(data.window),
        lineStyle: { width: 2.5 },
        markLine: { silent: true, symbol: "none", data: lines },
        markArea: { silent: false, data: bands }
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
