// "Add a service" on the program form: clones the formset's empty form.
(function () {
  "use strict";
  var button = document.getElementById("add-item");
  var template = document.getElementById("item-template");
  var total = document.getElementById("id_items-TOTAL_FORMS");
  if (!button || !template || !total) { return; }
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("item-forms").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
})();
