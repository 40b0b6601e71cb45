/* Charts drawn from the JSON a page embeds with json_script (core/charts.py), with the local
 * Apache ECharts (static/vendor/echarts):
 *   #aqi-year-chart  ← #aqi-year-data: the city's daily AQI over a year, each warning's active
 *                      period as a band in its level's colour with the level written on it, and
 *                      the AQI 100/150/200/300 lines;
 *   #reduction-chart ← #reduction-chart-data: expected reduction per pollutant against the target. */
(function () {
  "use strict";

  function load(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function init(holder) {
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    return window.echarts.init(holder, null, { locale: english ? "EN" : "ZH", renderer: "canvas" });
  }

  function yearChart() {
    var holder = document.getElementById("aqi-year-chart");
    var data = load("aqi-year-data");
    if (!holder || !data || !data.days.length) return;
    if (typeof window.echarts === "undefined") { holder.textContent = data.labels.no_library; return; }
    // Dates are calendar days: draw them on a UTC time axis so no zone shifts them.
    function day(iso) { return Date.parse(iso.slice(0, 10) + "T00:00:00Z"); }
    function instant(iso) { return Date.parse(iso) + 8 * 3600 * 1000; } // Beijing wall time
    var peak = 0;
    data.days.forEach(function (d) { if (d[1] > peak) peak = d[1]; });
    var bands = data.bands.map(function (b) {
      return [
        { name: b.name, xAxis: instant(b.start),
          itemStyle: { color: b.colour, opacity: 0.35 },
          label: { show: true, position: "insideTop", color: "#1d2329", fontWeight: "bold", fontSize: 11 } },
        { xAxis: instant(b.end) }
      ];
    });
    var lines = data.thresholds.map(function (t) {
      return { yAxis: t.value, lineStyle: { color: t.colour, type: "dashed", width: 1 },
               label: { formatter: t.label + " " + t.name, position: "insideEndTop", color: "#1d2329", fontSize: 11 } };
    });
    var chart = init(holder);
    chart.setOption({
      useUTC: true,
      animation: false,
      aria: { enabled: true },
      grid: { left: 8, right: 16, top: 32, bottom: 64, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "time", min: day(data.start), max: day(data.end), axisLabel: { formatter: "{MM}-{dd}", hideOverlap: true } },
      yAxis: { type: "value", name: data.labels.aqi, min: 0, max: Math.ceil(Math.max(peak, 300) * 1.08 / 50) * 50 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 20, bottom: 8 }],
      series: [{
        name: data.labels.series,
        type: "line",
        showSymbol: false,
        color: "#0b5cad",
        data: data.days.map(function (d) { return [day(d[0]), d[1]]; }),
        markLine: { silent: true, symbol: "none", data: lines },
        markArea: { silent: false, data: bands }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function reductionChart() {
    var holder = document.getElementById("reduction-chart");
    var data = load("reduction-chart-data");
    if (!holder || !data || !data.pollutants.length) return;
    if (typeof window.echarts === "undefined") return;
    var chart = init(holder);
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.pollutants.map(function (p) { return p.name; }) },
      yAxis: { type: "value", name: data.labels.percent, nameTextStyle: { align: "left" }, min: 0, max: 100 },
      series: [{
        name: data.labels.percent,
        type: "bar",
        barMaxWidth: 56,
        data: data.pollutants.map(function (p) {
          return { value: p.percent, itemStyle: { color: p.short ? "#b3261e" : "#1e6b3a" },
                   label: { show: true, position: "top", color: "#1d2329",
                            formatter: p.percent + "%" + (p.short ? " " + data.labels.short : " " + data.labels.met) } };
        }),
        markLine: {
          silent: true, symbol: "none",
          data: [{ yAxis: data.target_percent, lineStyle: { color: "#1d2329", type: "dashed", width: 2 },
                   label: { formatter: data.labels.target + " " + data.target_percent + "%", position: "insideEndTop", color: "#1d2329" } }]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  yearChart();
  reductionChart();
})();
