/* The content calendar: drag a plan item onto another day to reschedule it. In the month view
   it keeps its time of day; in the week view the hour row it lands on sets the hour (the
   minutes stay). Without a mouse, each item's "Change" form has date and time fields: the
   same POST. No inline code. */
(function () {
  "use strict";
  var table = document.querySelector("table.calendar[data-editable='true']");
  if (!table) return;
  var minutes = "00";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function slot(evt) {
    return evt.target.closest ? evt.target.closest(".cal-day") : null;
  }
  function clear() {
    var marked = table.querySelectorAll(".drop-target");
    for (var k = 0; k < marked.length; k++) marked[k].classList.remove("drop-target");
  }
  table.addEventListener("dragstart", function (evt) {
    var item = evt.target.closest ? evt.target.closest(".cal-item") : null;
    if (!item) return;
    var time = item.getAttribute("data-time") || "";
    minutes = /^\d\d:\d\d$/.test(time) ? time.slice(3) : "00";
    evt.dataTransfer.setData("text/plain", item.getAttribute("data-id"));
    evt.dataTransfer.effectAllowed = "move";
  });
  table.addEventListener("dragover", function (evt) {
    var day = slot(evt);
    if (!day) return;
    evt.preventDefault();
    if (!day.classList.contains("drop-target")) { clear(); day.classList.add("drop-target"); }
  });
  table.addEventListener("dragend", clear);
  table.addEventListener("drop", function (evt) {
    var day = slot(evt);
    var id = evt.dataTransfer.getData("text/plain");
    clear();
    if (!day || !/^\d+$/.test(id)) return;
    evt.preventDefault();
    var fields = {date: day.getAttribute("data-date"), csrf_token: csrf()};
    var hour = day.getAttribute("data-hour");
    if (hour && /^\d\d$/.test(hour)) fields.time = hour + ":" + minutes;
    fetch("/marketing/calendar/" + id + "/move", {
      method: "POST", body: new URLSearchParams(fields), credentials: "same-origin",
      headers: {"X-CSRF-Token": csrf(), "HX-Request": "true"}
    }).then(function (response) {
      if (response.ok) { window.location.reload(); }
      else { response.text().then(function (t) { window.alert(t); }); }
    });
  });
})();
