// The director's dashboard: draws its four charts from the json_script "dashboard-data" and
// switches the period to "Custom range" when a date is picked.
(function () {
  "use strict";
  var period = document.getElementById("id_period");
  ["id_start", "id_end"].forEach(function (id) {
    var input = document.getElementById(id);
    if (input && period) {
      input.addEventListener("change", function () { period.value = "custom"; });
    }
  });

  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#20c997", "#d63384", "#fd7e14", "#6f42c1", "#198754", "#0dcaf0"];
  var money = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 0 });
  var charts = [];

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    config.options = Object.assign({
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom" } }
    }, config.options || {});
    charts.push(new Chart(canvas, config));
  }

  draw("chart-revenue", {
    type: "bar",
    data: {
      labels: data.revenue.labels,
      datasets: data.revenue.datasets.map(function (set, index) {
        return { label: set.label, data: set.data, stack: "revenue",
                 backgroundColor: palette[index % palette.length] };
      })
    },
    options: {
      scales: {
        x: { stacked: true },
        y: { stacked: true, ticks: { callback: function (value) { return money.format(value); } },
             title: { display: true, text: data.currency } }
      }
    }
  });
  draw("chart-active", {
    type: "line",
    data: { labels: data.active.labels, datasets: [{
      label: data.active.label, data: data.active.data, tension: 0.25, fill: true,
      borderColor: palette[0], backgroundColor: "rgba(13, 110, 253, 0.12)" }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-renewal", {
    type: "line",
    data: { labels: data.renewal.labels, datasets: [{
      label: data.renewal.label, data: data.renewal.data, spanGaps: true, tension: 0.25,
      borderColor: palette[1], backgroundColor: palette[1] }] },
    options: { scales: { y: { min: 0, max: 100 } } }
  });
  draw("chart-nps", {
    type: "bar",
    data: { labels: data.nps.labels, datasets: [{
      label: data.nps.label, data: data.nps.data,
      backgroundColor: data.nps.data.map(function (v) { return v !== null && v < 0 ? "#dc3545" : palette[5]; }) }] },
    options: { scales: { y: { min: -100, max: 100 } } }
  });
  window.dashboardCharts = charts;
})();
