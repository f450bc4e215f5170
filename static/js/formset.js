// The program form's lines (no inline script: the content security policy forbids it):
// - "Add a service" clones the formset's empty line; "Remove this service" marks a line deleted
//   and hides it (the first line stays: a program has at least one service);
// - a line's specialists are those who provide its service (data-services on each option; the
//   server refuses any other: staff.rules.provides);
// - a service contraindicated for the client (data-contraindicated: the flags it conflicts
//   with) shows the warning and the reason's field before anything is sent.
(function () {
  "use strict";
  var button = document.getElementById("add-item");
  var template = document.getElementById("item-template");
  var total = document.getElementById("id_items-TOTAL_FORMS");
  var lines = document.getElementById("item-forms");
  if (!button || !template || !total || !lines) { return; }

  function setUpLine(line) {
    var service = line.querySelector("[data-program-service]");
    var specialist = line.querySelector("[data-program-specialist]");
    var warning = line.querySelector("[data-contraindication-warning]");
    var flags = line.querySelector("[data-warning-flags]");
    var noProvider = line.querySelector("[data-no-provider]");
    if (!service || !specialist) { return; }

    function update() {
      var chosen = service.options[service.selectedIndex];
      var conflicts = chosen ? chosen.getAttribute("data-contraindicated") : "";
      if (warning) {
        warning.hidden = !conflicts;
        if (flags) { flags.textContent = conflicts || ""; }
      }
      var offered = 0;
      Array.prototype.forEach.call(specialist.options, function (option) {
        if (!option.value) { return; }
        var provides = !service.value || (option.getAttribute("data-services") || "").split(" ").indexOf(service.value) !== -1;
        option.hidden = !provides;
        option.disabled = !provides;
        if (provides) { offered += 1; }
        if (!provides && option.selected) { specialist.value = ""; }
      });
      if (noProvider) { noProvider.hidden = !service.value || offered > 0; }
    }

    service.addEventListener("change", update);
    update();
    var remove = line.querySelector("[data-remove-line]");
    var deleted = line.querySelector("[data-delete-line]");
    if (remove && deleted) {
      remove.addEventListener("click", function () {
        deleted.value = "on";
        line.hidden = true;
      });
      if (deleted.value === "on") { line.hidden = true; }
    }
  }

  Array.prototype.forEach.call(lines.querySelectorAll("[data-program-line]"), setUpLine);
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    lines.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    setUpLine(lines.lastElementChild);
  });
})();
