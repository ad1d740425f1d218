// Evaluation pages (issue 19): trend lines and rankings drawn with Apache ECharts.
//
// The page renders every number server-side in a table under each chart; this
// script only draws the charts. Each chart is a <div class="td-chart"> whose
// data-chart attribute holds {type: "line"|"bar", x: [...], series: [{name,
// data}], unit}. ECharts' own texts (tooltips, "no data") follow the page's
// language: its ZH locale under zh, EN otherwise. No inline script (CSP).

import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

const locale = () =>
  (document.documentElement.lang || "zh").toLowerCase().startsWith("zh")
    ? "ZH"
    : "EN";

function option(spec) {
  const unit = spec.unit || "";
  const horizontal = spec.type === "bar";
  const category = { type: "category", data: spec.x || [], axisLabel: { interval: 0 } };
  const value = { type: "value", axisLabel: { formatter: `{value}${unit}` } };
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: (spec.series || []).map((s) => ({
      name: s.name,
      type: spec.type === "bar" ? "bar" : "line",
      data: s.data,
      connectNulls: false,
      label: horizontal ? { show: true, position: "right" } : undefined,
    })),
  };
}

function draw(element) {
  let spec;
  try {
    spec = JSON.parse(element.dataset.chart || "{}");
  } catch (e) {
    return;
  }
  const rows = spec.type === "bar" ? (spec.x || []).length : 0;
  if (rows > 8) {
    element.style.height = `${rows * 28 + 48}px`;
  }
  const chart = echarts.init(element, null, { locale: locale(), renderer: "canvas" });
  chart.setOption(option(spec));
  element.dataset.chartReady = "true";
  window.addEventListener("resize", () => chart.resize());
}

function drawAll() {
  document.querySelectorAll(".td-chart[data-chart]").forEach(draw);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", drawAll);
} else {
  drawAll();
}
