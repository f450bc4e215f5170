// Every sell form shows the price and the total after the discount while the seller chooses:
// the chosen plan's or service's price (data-price on its option; the director's own price when
// typed), times the quantity, less the promotion's discount (its percent and amount, when it
// includes the item: sales.services.promotion_discount is the rule, this only previews it) or
// the discount typed. The labels and the currency come with the discount field
// (data-sell-labels, data-currency); the total is written after it, in the page's language.
(function () {
  "use strict";
  var language = document.documentElement.lang || "en";
  var number = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function cents(text) {
    var value = parseFloat(String(text || "").replace(/\s/g, "").replace(",", "."));
    return isFinite(value) ? Math.round(value * 100) : 0;
  }

  function money(amount, currency) {
    return number.format(amount / 100) + "\u00a0" + currency;
  }

  function setUp(form) {
    var item = form.querySelector("[data-sell-item]");
    var discountField = form.querySelector("[data-sell-discount]");
    if (!item || !discountField) { return; }
    var promotion = form.querySelector("[data-sell-promotion]");
    var price = form.querySelector("[data-sell-price]");
    var quantity = form.querySelector("[data-sell-quantity]");
    var labels = JSON.parse(discountField.getAttribute("data-sell-labels") || "{}");
    var currency = discountField.getAttribute("data-currency") || "";
    var includes = item.getAttribute("data-sell-item") || "plans";
    var output = form.querySelector("[data-sell-total]");
    if (!output) {
      output = document.createElement("output");
      output.setAttribute("data-sell-total", "");
      output.className = "sell-total";
      var row = discountField.closest(".mb-3, .form-row, .fieldBox, div") || discountField;
      row.insertAdjacentElement("afterend", output);
    }

    function update() {
      var chosen = item.options[item.selectedIndex];
      if (!chosen || !chosen.getAttribute("data-price")) { output.hidden = true; return; }
      var unit = price && price.value.trim() ? cents(price.value) : cents(chosen.getAttribute("data-price"));
      var count = quantity ? Math.max(parseInt(quantity.value, 10) || 0, 0) : 1;
      var gross = unit * count;
      var off = 0;
      var deal = promotion ? promotion.options[promotion.selectedIndex] : null;
      if (deal && deal.value) {
        var included = (deal.getAttribute("data-" + includes) || "").split(" ").indexOf(item.value) !== -1;
        if (included) {
          off = Math.min(Math.round(gross * cents(deal.getAttribute("data-percent")) / 10000) + cents(deal.getAttribute("data-amount")), gross);
        }
      } else {
        off = Math.min(cents(discountField.value), gross);
      }
      output.hidden = false;
      output.innerHTML = "";
      [[labels.price, money(gross, currency)], [labels.discount, off ? "\u2212" + money(off, currency) : "\u2014"],
       [labels.total, money(gross - off, currency)]].forEach(function (part, index) {
        var span = document.createElement("span");
        span.className = index === 2 ? "sell-total-pay" : "sell-total-part";
        span.textContent = part[0] + ": " + part[1];
        if (index === 2) { span.setAttribute("data-testid", "sell-total"); }
        output.appendChild(span);
      });
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("form").forEach(setUp);
})();
