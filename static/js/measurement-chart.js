// Draws the client's measurements over time (data from the json_script "measurement-data").
(function () {
  "use strict";
  var source = document.getElementById("measurement-data");
  var canvas = document.getElementById("measurement-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colors = ["#0d6efd", "#dc3545", "#198754", "#fd7e14"];
  window.measurementChart = new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, index) {
        return {
          label: series.label, data: series.values, spanGaps: true, tension: 0.25,
          borderColor: colors[index % colors.length], backgroundColor: colors[index % colors.length]
        };
      })
    },
    options: { responsive: true, interaction: { mode: "index", intersect: false },
               plugins: { legend: { position: "bottom" } } }
  });
})();
