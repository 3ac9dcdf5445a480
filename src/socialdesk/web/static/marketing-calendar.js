/* The content calendar: drag a plan item onto another day to reschedule it (same time of day).
   Without a mouse, each item's "Change" form has a date field: the same POST. No inline code. */
(function () {
  "use strict";
  var table = document.querySelector("table.calendar[data-editable='true']");
  if (!table) return;
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  table.addEventListener("dragstart", function (evt) {
    var item = evt.target.closest ? evt.target.closest(".cal-item") : null;
    if (!item) return;
    evt.dataTransfer.setData("text/plain", item.getAttribute("data-id"));
    evt.dataTransfer.effectAllowed = "move";
  });
  table.addEventListener("dragover", function (evt) {
    if (evt.target.closest && evt.target.closest(".cal-day")) evt.preventDefault();
  });
  table.addEventListener("drop", function (evt) {
    var day = evt.target.closest ? evt.target.closest(".cal-day") : null;
    var id = evt.dataTransfer.getData("text/plain");
    if (!day || !/^\d+$/.test(id)) return;
    evt.preventDefault();
    var body = new URLSearchParams({date: day.getAttribute("data-date"), csrf_token: csrf()});
    fetch("/marketing/calendar/" + id + "/move", {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRF-Token": csrf(), "HX-Request": "true"}
    }).then(function (response) {
      if (response.ok) { window.location.reload(); }
      else { response.text().then(function (t) { window.alert(t); }); }
    });
  });
})();
