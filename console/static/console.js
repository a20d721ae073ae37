// New call-back requests appear without a reload: poll a small JSON summary every few seconds and
// swap in fresh rows (unless the receptionist is typing somewhere on the page).
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) return;
  var live = document.getElementById("live");
  var version = table.getAttribute("data-version");
  function busy() {
    var el = document.activeElement;
    return el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT");
  }
  function poll() {
    fetch(table.getAttribute("data-poll"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); return null; }  // session ended: to the sign-in page
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        var now = data.max_id + ":" + data.open + ":" + data.version;
        if (now === version || busy()) return;
        var newer = data.max_id > parseInt(version.split(":")[0], 10);
        return fetch(table.getAttribute("data-rows"), { credentials: "same-origin" })
          .then(function (r) {
            if (r.redirected) { window.location.reload(); return null; }  // not the sign-in page inside the table
            return r.ok ? r.text() : null;
          })
          .then(function (html) {
            if (html === null) return;
            document.getElementById("queue-rows").innerHTML = html;
            version = now;
            live.textContent = newer ? "A new call-back request has arrived." : "The list was updated.";
          });
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  setInterval(poll, parseInt(table.getAttribute("data-interval") || "4000", 10));
})();
