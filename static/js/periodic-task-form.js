// django-celery-beat's periodic task form: under the crontab chosen, what it means in words
// (the admin's own script, kept out of the page for the content security policy).
(function () {
  "use strict";
  var script = document.getElementById("periodic-task-overrides");
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!script || !data || !select) { return; }
  var readable = JSON.parse(data.textContent);
  var row = document.querySelector(".field-crontab_translation");
  if (row) { row.hidden = true; }
  var help = document.querySelector(".field-crontab .help");
  function update() {
    if (!help) { return; }
    help.textContent = script.getAttribute("data-help") || "";
    var words = readable[select.value];
    if (words) {
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode(script.getAttribute("data-label") + ": " + words));
    }
  }
  select.addEventListener("change", update);
  update();
})();
