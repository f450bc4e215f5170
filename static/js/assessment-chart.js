// Radar charts of competency scores: one assessment ("assessment-data") or a comparison
// of several ("compare-data").
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colors = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"];
  var scale = { r: { min: 0, max: 5, ticks: { stepSize: 1 } } };
  var single = document.getElementById("assessment-data");
  if (single && document.getElementById("assessment-chart")) {
    var data = JSON.parse(single.textContent);
    window.assessmentChart = new Chart(document.getElementById("assessment-chart"), {
      type: "radar",
      data: { labels: data.labels, datasets: [{ label: data.title, data: data.values, borderColor: colors[0], backgroundColor: "rgba(13,110,253,.2)" }] },
      options: { scales: scale, plugins: { legend: { display: false } } }
    });
  }
  var many = document.getElementById("compare-data");
  if (many && document.getElementById("compare-chart")) {
    var compare = JSON.parse(many.textContent);
    window.assessmentChart = new Chart(document.getElementById("compare-chart"), {
      type: "radar",
      data: { labels: compare.labels, datasets: compare.series.map(function (s, i) {
        return { label: s.label, data: s.values, borderColor: colors[i % colors.length], backgroundColor: "transparent" };
      }) },
      options: { scales: scale }
    });
  }
})();
