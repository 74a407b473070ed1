// The segment diary's trend chart (ECharts, served locally; CSP forbids inline script). The data
// comes from the element's data-trend attribute; the table beside it holds the same numbers.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.querySelector("[data-trend]");
  if (!element || !window.echarts) {
    return;
  }
  const data = JSON.parse(element.dataset.trend);
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.clarity, data.labels.litter], bottom: 0 },
    grid: { left: 40, right: 40, top: 20, bottom: 50 },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: "cm", min: 0 },
      { type: "value", min: 0, max: 3 },
    ],
    series: [
      { name: data.labels.clarity, type: "line", data: data.clarity, smooth: true, yAxisIndex: 0, color: "#1f77b4" },
      { name: data.labels.litter, type: "bar", data: data.litter, yAxisIndex: 1, color: "#c0392b" },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
});
