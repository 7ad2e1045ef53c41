// Type-ahead for the search box: law names, article captions and frequent words from
// /api/v1/suggest. Progressive: without this script the form works as before.
(function () {
  "use strict";
  var input = document.getElementById("q");
  if (!input || !window.fetch) return;
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "typeahead";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.parentNode.appendChild(list);
  var timer = null, seq = 0;

  function clear() { list.hidden = true; list.textContent = ""; }

  function show(items) {
    list.textContent = "";
    items.forEach(function (s) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = s.url || ("/search?q=" + encodeURIComponent(s.label));
      a.textContent = s.label;
      if (s.detail) {
        var d = document.createElement("span");
        d.className = "typeahead-detail";
        d.textContent = s.detail;
        a.appendChild(d);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { clear(); return; }
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) show(data.suggestions || []); })
        .catch(clear);
    }, 120);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
  document.addEventListener("click", function (e) { if (e.target !== input) clear(); });
})();
