// Behaviour every page shares, kept out of the HTML so that the content security policy can
// forbid inline scripts: a select marked data-autosubmit submits its form when changed, a button
// marked data-print prints the page.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var field = document.getElementById(copy.getAttribute("data-copy"));
      var said = function () {
        var label = copy.innerHTML;
        copy.textContent = copy.getAttribute("data-copied");
        setTimeout(function () { copy.innerHTML = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(said);
      } else {
        field.select();
        if (document.execCommand("copy")) { said(); }
      }
    }
  });
})();
