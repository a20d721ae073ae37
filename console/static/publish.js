// Publish page: the progress of a candidate being trained or checked, refreshed every 3 s; the detail
// page reloads once it finishes so its figures appear. Without JavaScript, reloading shows the same.
(function () {
  "use strict";
  var spans = Array.prototype.slice.call(document.querySelectorAll("[data-progress-for]"))
    .filter(function (s) { return s.getAttribute("data-progress-for"); });
  if (!spans.length) { return; }
  function poll() {
    spans.forEach(function (span) {
      var id = span.getAttribute("data-progress-for");
      fetch("/admin/publish/" + encodeURIComponent(id) + "/progress", {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (span.textContent !== data.progress) { span.textContent = data.progress; }
          if (data.finished) {
            span.setAttribute("data-progress-for", "");
            window.location.reload();
          }
        })
        .catch(function () { /* the next poll tries again */ });
    });
    if (spans.some(function (s) { return s.getAttribute("data-progress-for"); })) {
      window.setTimeout(poll, 3000);
    }
  }
  window.setTimeout(poll, 3000);
})();
