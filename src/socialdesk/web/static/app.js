/* socialdesk: the little the pages need beyond HTML. No inline scripts (the CSP forbids them). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The phone menu: a button opens and closes the navigation.
  function phoneMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("side-menu");
    if (!button || !menu) return;
    button.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every HTMX request carries the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  // Charts: a <figure data-chart=KEY> holds its Vega-Lite spec in <script id="chart-KEY">.
  function drawCharts(root) {
    if (typeof vegaEmbed === "undefined") return;
    var figures = (root || document).querySelectorAll("figure[data-chart]:not([data-drawn])");
    var draw = function (fig) {
      var holder = document.getElementById("chart-" + fig.getAttribute("data-chart"));
      if (!holder) return;
      fig.setAttribute("data-drawn", "1");
      var target = document.createElement("div");
      fig.appendChild(target);
      var spec = JSON.parse(holder.textContent);
      if (spec.points) {  // bare points at regular steps: rows of day and value
        var p = spec.points, start = Date.parse(p.start + "T00:00:00Z"), rows = [];
        p.values.forEach(function (v, i) {
          if (v === null) return;
          var day = new Date(start + i * p.step * 86400000).toISOString().slice(0, 10);
          rows.push({day: day, value: v});
        });
        spec.data = {values: rows};
        delete spec.points;
      }
      if (!spec.$schema) {  // sparkline data: the page's shared spec gives the rest
        var base = document.getElementById("chart-spark-base");
        if (!base) return;
        spec = Object.assign(JSON.parse(base.textContent), spec);
      }
      vegaEmbed(target, spec, {actions: false, renderer: "svg"})
        .then(function (result) { fig.vegaView = result.view; })  // for tests and the console
        .catch(function (err) { fig.setAttribute("data-error", String(err)); });
    };
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) { io.unobserve(e.target); draw(e.target); }
        });
      }, {rootMargin: "200px"});
      figures.forEach(function (f) { io.observe(f); });
    } else {
      figures.forEach(draw);
    }
  }

  // Filters without HTMX wiring submit themselves when a choice changes.
  function autosubmit(root) {
    (root || document).querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    });
  }

  // Upload progress: bytes sent, then "importing" until the server answers.
  function uploadProgress() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    var bar = document.getElementById("upload-bar");
    var status = document.getElementById("upload-status");
    form.addEventListener("htmx:xhr:progress", function (evt) {
      if (!evt.detail.lengthComputable) return;
      var pct = Math.round((evt.detail.loaded / evt.detail.total) * 100);
      bar.value = pct;
      status.textContent = pct < 100 ? status.dataset.uploading + " " + pct + "%" : status.dataset.importing;
    });
    form.addEventListener("htmx:beforeRequest", function () {
      bar.value = 0;
      status.textContent = status.dataset.uploading;
    });
    form.addEventListener("htmx:afterRequest", function () {
      status.textContent = "";
      form.reset();
    });
  }

  // HTMX swaps error answers too (a failed file is a 200; a refused upload a 4xx page).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr.status === 400) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // The language switch keeps the filters HTMX put into the address after the page loaded.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest ? evt.target.closest(".lang a[hreflang]") : null;
    if (!link) return;
    var url = new URL(window.location.href);
    url.searchParams.set("lang", link.getAttribute("hreflang"));
    evt.preventDefault();
    window.location.assign(url.toString());
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    autosubmit(document);
    uploadProgress();
    phoneMenu();
  });
  document.addEventListener("htmx:afterSettle", function (evt) { drawCharts(evt.target); });
})();
