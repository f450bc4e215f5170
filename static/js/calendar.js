// The calendar page (programs:calendar): EventCalendar's resource views, fed by
// programs:calendar-events (columns and sessions in one answer), with the page's actions:
// drag or resize a session (the server checks it; a refusal puts it back and says why), select an
// empty time to book a single session, click a session to see it or cancel it with the reason.
// Everything the page says comes from the json_script "calendar-config" (translated by Django).
(function () {
  "use strict";
  var source = document.getElementById("calendar-config");
  var element = document.getElementById("calendar");
  if (!source || !element || typeof EventCalendar === "undefined") { return; }
  var config = JSON.parse(source.textContent);
  var services = JSON.parse(document.getElementById("calendar-services").textContent);
  var texts = config.texts;
  var alertBox = document.getElementById("calendar-alert");
  var csrf = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  var columns = [];
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // The calendar shows club-local wall-clock times ("floating"); the server reads them back as such.
  function local(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":00";
  }
  function day(date) { return local(date).slice(0, 10); }

  function show(kind, text) {
    alertBox.className = "alert alert-" + kind;
    alertBox.textContent = text;
    alertBox.scrollIntoView({ block: "nearest" });
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return { error: texts.failed }; }).then(function (body) {
        body.ok = response.ok && body.ok;
        return body;
      });
    }, function () { return { ok: false, error: texts.failed }; });
  }

  // One request per range answers both the columns and the sessions.
  var pending = {};
  function feed(info) {
    var params = new URLSearchParams({ start: day(info.start), end: day(info.end), by: config.by });
    ["department", "program", "client"].forEach(function (name) {
      if (config[name]) { params.set(name, config[name]); }
    });
    if (config.mine) { params.set("mine", "1"); }
    var key = params.toString();
    if (!pending[key]) {
      pending[key] = fetch(config.feed + "?" + key, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(texts.failed); } return response.json(); });
      pending[key].then(function () { setTimeout(function () { delete pending[key]; }, 500); },
                        function () { delete pending[key]; });
    }
    return pending[key];
  }

  function rememberDates(info) {
    var view = info.view.type === "resourceTimeGridDay" ? "day" : "week";
    document.querySelectorAll("[data-calendar-view]").forEach(function (input) { input.value = view; });
    document.querySelectorAll("[data-calendar-date]").forEach(function (input) { input.value = day(info.view.currentStart); });
    var url = new URL(window.location.href);
    url.searchParams.set("view", view);
    url.searchParams.set("date", day(info.view.currentStart));
    window.history.replaceState(null, "", url);
  }

  function moved(info) {
    var data = { start: local(info.event.start), end: local(info.event.end), by: config.by };
    if (info.newResource) { data.resource = info.newResource.id; }
    post(config.move.replace("/0/", "/" + info.event.extendedProps.session + "/"), data).then(function (body) {
      if (body.ok) {
        show("success", body.message || texts.moved);
        ec.refetchEvents();
      } else {
        info.revert();
        show("danger", body.error || texts.failed);
      }
    });
  }

  // --- the session's window: what it is, and cancelling it with the reason ----------------------
  var sessionModal = document.getElementById("session-modal");
  var current = null;
  function fact(list, label, value) {
    if (!value) { return; }
    var dt = document.createElement("dt"); dt.className = "col-4"; dt.textContent = label;
    var dd = document.createElement("dd"); dd.className = "col-8"; dd.textContent = value;
    list.append(dt, dd);
  }
  function clearErrors(form) {
    form.querySelectorAll("[data-error]").forEach(function (node) { node.textContent = ""; node.classList.add("d-none"); });
    form.querySelectorAll(".is-invalid").forEach(function (node) { node.classList.remove("is-invalid"); });
  }
  function showErrors(form, body) {
    var errors = body.errors || { __all__: [body.error || texts.failed] };
    Object.keys(errors).forEach(function (name) {
      var node = form.querySelector('[data-error="' + name + '"]') || form.querySelector('[data-error="__all__"]');
      if (!node) { return; }
      node.textContent = [].concat(errors[name]).join(" ");
      node.classList.remove("d-none");
      var field = form.querySelector('[name="' + name + '"]');
      if (field) { field.classList.add("is-invalid"); }
    });
  }
  function openSession(event) {
    if (event.display === "background") { return; }
    current = event;
    var props = event.extendedProps;
    var form = document.getElementById("cancel-form");
    clearErrors(form);
    document.getElementById("session-title").textContent = event.title;
    var list = document.getElementById("session-facts");
    list.textContent = "";
    var time = new Intl.DateTimeFormat(config.locale, { dateStyle: "medium", timeStyle: "short", hour12: false });
    fact(list, texts.status, props.status + " · " + time.format(event.start) + "–" + local(event.end).slice(11, 16));
    fact(list, texts.specialist, props.specialist);
    fact(list, texts.room, props.room);
    fact(list, texts.notes, props.notes);
    if (props.confirmed) { fact(list, texts.status, texts.confirmed); }
    var fields = document.getElementById("cancel-fields");
    var submit = document.getElementById("cancel-submit");
    if (fields) {
      fields.classList.toggle("d-none", !props.editable);
      submit.classList.toggle("d-none", !props.editable);
      document.getElementById("cancel-reason").value = "";
    }
    bootstrap.Modal.getOrCreateInstance(sessionModal).show();
  }
  var cancelForm = document.getElementById("cancel-form");
  cancelForm.addEventListener("submit", function (submitEvent) {
    submitEvent.preventDefault();
    if (!current) { return; }
    clearErrors(cancelForm);
    var url = config.cancel.replace("/0/", "/" + current.extendedProps.session + "/");
    post(url, { reason: document.getElementById("cancel-reason").value }).then(function (body) {
      if (body.ok) {
        bootstrap.Modal.getOrCreateInstance(sessionModal).hide();
        show("success", body.message || texts.cancelled);
        ec.refetchEvents();
      } else {
        showErrors(cancelForm, body);
      }
    });
  });

  // --- booking a single session on an empty slot -------------------------------------------------
  var bookModal = document.getElementById("book-modal");
  var bookForm = document.getElementById("book-form");
  // By room the room is the column clicked (its kind narrows the services: one of that kind, or
  // one that needs no particular room) and any specialist of the department may take the session.
  function roomKind() {
    var chosen = config.by === "rooms" ? document.getElementById("book-room").selectedOptions[0] : null;
    return chosen ? chosen.dataset.kind : null;
  }
  function fitting(specialistId, kind) {
    return services.filter(function (service) {
      return (!specialistId || service.providers.indexOf(Number(specialistId)) !== -1) &&
        (kind === null || !service.roomKind || service.roomKind === kind);
    });
  }
  function fillServices(specialistId) {
    var select = document.getElementById("book-service");
    select.textContent = "";
    fitting(specialistId, roomKind()).forEach(function (service) {
      select.append(new Option(service.name + " (" + service.minutes + ")", service.id));
    });
  }
  // By room: a specialist with a service for the room (the first such when the one chosen has none).
  function fitSpecialist() {
    var specialist = document.getElementById("book-specialist");
    var kind = roomKind();
    if (kind !== null && !fitting(specialist.value, kind).length) {
      var fits = Array.prototype.find.call(specialist.options, function (option) {
        return fitting(option.value, kind).length;
      });
      if (fits) { specialist.value = fits.value; }
    }
    fillServices(specialist.value);
  }
  function openBooking(info) {
    if (!bookForm) { return; }
    clearErrors(bookForm);
    var specialist = document.getElementById("book-specialist");
    var room = document.getElementById("book-room");
    specialist.textContent = "";
    room.textContent = "";
    if (config.by === "specialists") {
      columns.forEach(function (column) { specialist.append(new Option(column.title, column.id)); });
      if (info.resource) { specialist.value = info.resource.id; }
      room.append(new Option("", ""));
    } else {
      (config.specialists || []).forEach(function (member) { specialist.append(new Option(member.name, member.id)); });
      columns.forEach(function (column) {
        var option = new Option(column.title, column.id);
        option.dataset.kind = (column.extendedProps || {}).kind || "";
        room.append(option);
      });
      if (info.resource) { room.value = info.resource.id; }
    }
    document.getElementById("book-room-field").classList.toggle("d-none", config.by !== "rooms");
    fitSpecialist();
    document.getElementById("book-start").value = local(info.start).slice(0, 16);
    document.getElementById("book-client").value = config.clientId || "";
    bootstrap.Modal.getOrCreateInstance(bookModal).show();
  }
  if (bookForm) {
    document.getElementById("book-room").addEventListener("change", fitSpecialist);
    document.getElementById("book-specialist").addEventListener("change", function (e) { fillServices(e.target.value); });
    var search = document.getElementById("book-client-search");
    var matches = document.getElementById("book-client-matches");
    var timer = null;
    search.addEventListener("input", function () {
      document.getElementById("book-client").value = "";
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (search.value.trim().length < 2) { matches.textContent = ""; return; }
        fetch(config.clients + "?" + new URLSearchParams({ q: search.value }), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (body) {
            matches.textContent = "";
            body.clients.forEach(function (client) {
              var button = document.createElement("button");
              button.type = "button";
              button.className = "list-group-item list-group-item-action";
              button.textContent = client.name;
              button.addEventListener("click", function () {
                document.getElementById("book-client").value = client.id;
                search.value = client.name;
                matches.textContent = "";
              });
              matches.append(button);
            });
          });
      }, 250);
    });
    bookForm.addEventListener("submit", function (submitEvent) {
      submitEvent.preventDefault();
      clearErrors(bookForm);
      var data = Object.fromEntries(new FormData(bookForm).entries());
      post(config.book, data).then(function (body) {
        if (body.ok) {
          bootstrap.Modal.getOrCreateInstance(bookModal).hide();
          show("success", body.message || texts.booked);
          ec.refetchEvents();
        } else {
          showErrors(bookForm, body);
        }
      });
    });
    if (config.client) {
      config.clientId = config.client;
    }
  }

  var hour = { hour: "2-digit", minute: "2-digit", hour12: false };
  // The toolbar's words, the view's "previous" and "next" (read aloud and shown on hover) too.
  function buttons(prev, next) {
    return function (text) {
      var own = { today: texts.today, resourceTimeGridDay: texts.day, resourceTimeGridWeek: texts.week };
      if (prev) { own.prev = prev; own.next = next; }
      return Object.assign({}, text, own);
    };
  }
  var ec = EventCalendar.create(element, {
    view: config.view === "day" || narrow ? "resourceTimeGridDay" : "resourceTimeGridWeek",
    date: config.date,
    locale: config.locale,
    firstDay: 1,
    height: narrow ? "70vh" : "calc(100vh - 16rem)",
    slotMinTime: config.slotMinTime,
    slotMaxTime: config.slotMaxTime,
    scrollTime: "08:00:00",
    slotDuration: "00:30:00",
    snapDuration: "00:15:00",
    slotLabelFormat: hour,
    eventTimeFormat: hour,
    dayHeaderFormat: { weekday: "short", day: "numeric" },
    allDaySlot: false,
    nowIndicator: true,
    // On a phone the columns keep a readable width and scroll inside the calendar's box; on a
    // laptop everything fits the width, each specialist (room) heading its week's days.
    datesAboveResources: narrow,
    views: {
      resourceTimeGridWeek: Object.assign({ buttonText: buttons(texts.prevWeek, texts.nextWeek) },
                                          narrow && config.mayPlan ? { columnWidth: "5.5rem" } : {}),
      resourceTimeGridDay: Object.assign({ buttonText: buttons(texts.prevDay, texts.nextDay) },
                                         narrow && config.mayPlan ? { columnWidth: "6.5rem" } : {})
    },
    headerToolbar: { start: "prev,next today", center: "title", end: "resourceTimeGridDay,resourceTimeGridWeek" },
    buttonText: buttons(),
    longPressDelay: 500,
    editable: config.mayPlan,
    selectable: config.mayPlan,
    eventDurationEditable: config.mayPlan,
    refetchResourcesOnNavigate: true,
    resources: function (info) {
      return feed(info).then(function (body) { columns = body.resources; return body.resources; });
    },
    eventSources: [{ events: function (info) { return feed(info).then(function (body) { return body.events; }); } }],
    eventDrop: moved,
    eventResize: moved,
    eventClick: function (info) {
      // A group class opens its own page (its roster, marking); a session opens the dialog.
      if (info.event.extendedProps.url) { window.location.assign(info.event.extendedProps.url); return; }
      openSession(info.event);
    },
    select: function (info) { openBooking(info); ec.unselect(); },
    dateClick: function (info) { if (config.mayPlan) { openBooking({ start: info.date, resource: info.resource }); } },
    datesSet: rememberDates
  });
})();
