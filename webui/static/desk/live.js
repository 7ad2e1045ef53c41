/* The desk's queue follows new inquiries without a reload: short polling with an ETag (the server
   answers 304 while nothing changed); the header's count follows too. Without this file the page
   shows the queue as of its loading. */
(function () {
  "use strict";
  var INTERVAL = 2000;
  var section = document.getElementById("queue");
  if (!section || !window.fetch) return;
  var url = section.dataset.live, etag = section.dataset.etag;
  var status = document.querySelector(".live-status");
  var badge = document.querySelector("[data-open-count]");

  function ids(root) {
    return Array.prototype.map.call(root.querySelectorAll("tr[data-inquiry]"), function (r) { return r.dataset.inquiry; });
  }

  function poll() {
    if (document.hidden) { return setTimeout(poll, INTERVAL); }
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "If-None-Match": etag } })
      .then(function (r) {
        if (r.status !== 200) return null;
        etag = r.headers.get("ETag") || etag;
        var open = r.headers.get("X-Open-Count");
        if (badge && open !== null) {
          badge.textContent = open;
          badge.setAttribute("aria-label", "未回答" + open + "件");
          badge.classList.toggle("is-zero", open === "0");
        }
        return r.text();
      })
      .then(function (html) {
        if (!html) return;
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = box.querySelector("#queue");
        if (!fresh) return;
        var before = ids(section), added = ids(fresh).filter(function (id) { return before.indexOf(id) < 0; });
        added.forEach(function (id) {
          var row = fresh.querySelector('tr[data-inquiry="' + id + '"]');
          if (row) row.classList.add("is-arriving");
        });
        section.replaceWith(fresh);
        section = fresh;
        if (status && added.length) status.textContent = "新しい照会が届きました（No." + added.join("、No.") + "）";
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, INTERVAL); });
  }
  setTimeout(poll, INTERVAL);
})();
