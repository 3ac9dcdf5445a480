// Inbox keyboard shortcuts: j/k move, Enter open, a assign, l label, d done;
// never while typing. Picking a saved reply fills the draft (only text: a person sends it).
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName));
  }
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox-item]"));
  }
  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var at = list.indexOf(document.activeElement);
    var next = list[Math.max(0, Math.min(list.length - 1, at < 0 ? 0 : at + step))];
    next.focus();
  }
  function focusId(id) { var el = document.getElementById(id); if (el) { el.focus(); } }
  function done() {
    var row = document.activeElement;
    var quick = document.getElementById("quick-done");
    if (quick && row && row.getAttribute("data-done")) {  // the queue: the row in focus
      quick.setAttribute("action", row.getAttribute("data-done"));
      quick.requestSubmit();
      return;
    }
    var status = document.getElementById("f-status");  // a thread: set done and save
    if (status) { status.value = "done"; status.form.requestSubmit(); }
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) { return; }
    var link = document.activeElement && document.activeElement.getAttribute("data-href");
    if (ev.key === "j") { move(1); }
    else if (ev.key === "k") { move(-1); }
    else if (ev.key === "Enter" && link) { window.location.href = link; }
    else if (ev.key === "a") {
      if (link) { window.location.href = link + "#f-assignee"; } else { focusId("f-assignee"); }
    } else if (ev.key === "l") {
      var sel = document.querySelector("[data-label-select]");
      if (sel) { sel.focus(); }
    }
    else if (ev.key === "d") { done(); }
    else { return; }
    ev.preventDefault();
  });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-copy]");
    if (!btn) { return; }
    var src = document.getElementById(btn.getAttribute("data-copy"));
    if (src && navigator.clipboard) { navigator.clipboard.writeText(src.value); }
  });
  document.addEventListener("change", function (ev) {
    var pick = ev.target;
    if (!pick.hasAttribute || !pick.hasAttribute("data-saved-reply")) { return; }
    var option = pick.options[pick.selectedIndex];
    var draft = document.getElementById("f-draft");
    if (!option || !option.hasAttribute("data-text") || !draft) { return; }
    draft.value = option.getAttribute("data-text");
    var lang = document.getElementById("f-draft-language");
    if (lang) { lang.value = option.getAttribute("data-language") || ""; }
    draft.setAttribute("lang", option.getAttribute("data-language") || "");
  });
  if (window.location.hash === "#f-assignee") { focusId("f-assignee"); }
})();
