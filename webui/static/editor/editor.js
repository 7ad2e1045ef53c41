/* Editor: live preview from the server's renderer while typing, and a warning before leaving
   with unsaved changes. Without this file the 「プレビューを更新」 button does the same. */
(function () {
  "use strict";
  var form = document.querySelector(".editor-form");
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (!form || !body || !preview) return;
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var status = document.querySelector(".preview-status");
  var warnings = document.querySelector(".preview-warnings");
  var title = form.querySelector('input[name="title"]');
  var timer = null, seq = 0, dirty = false;

  function say(text) { if (status) status.textContent = text; }

  function showWarnings(list) {
    if (!warnings) return;
    warnings.textContent = "";
    list.forEach(function (w) {
      var p = document.createElement("p");
      p.className = "notice";
      p.textContent = w;
      warnings.appendChild(p);
    });
  }

  function refresh() {
    var mine = ++seq;
    say("（更新中…）");
    fetch(preview.getAttribute("data-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ body: body.value, title: title ? title.value : "" })
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      if (mine !== seq) return;             // an older answer arriving late
      preview.innerHTML = data.html;        // sanitised by the server (markdown-it, then nh3)
      showWarnings(data.warnings || []);
      say("（" + data.sections + "節）");
      preview.setAttribute("data-fresh", String(mine));
    }).catch(function () {
      if (mine === seq) say("（プレビューを更新できませんでした）");
    });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    // a whole 法律 takes the server a few tenths of a second to render: wait for a pause in typing
    timer = setTimeout(refresh, body.value.length > 100000 ? 1200 : 300);
  });
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  // Opened from a report (?section=art-3): the flagged article at the top of the text and the preview.
  var line = Number(body.dataset.focusLine || 0);
  if (line > 0) {
    var lines = body.value.split("\n"), start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || "").length;
    var lineHeight = parseFloat(getComputedStyle(body).lineHeight) || 24;
    body.scrollIntoView({ block: "start" });
    body.focus({ preventScroll: true });
    body.setSelectionRange(start, end);
    body.scrollTop = Math.max(0, (line - 2) * lineHeight);
    var target = body.dataset.focusId && document.getElementById(body.dataset.focusId);
    if (target && preview.contains(target)) preview.scrollTop = target.offsetTop - preview.offsetTop;
  }
})();
