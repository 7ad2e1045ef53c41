/* The basis picker: search-as-you-type over /api/v1/search; a result adds a checked 根拠 line.
   Without this file the form still works through the 「直接指定」 field. */
(function () {
  "use strict";
  var picker = document.querySelector(".basis-picker");
  if (!picker) return;
  var input = document.getElementById("basis-search");
  var results = document.getElementById("basis-results");
  var list = document.getElementById("basis-list");
  var timer = null, seq = 0;

  function label(hit) {
    var heading = hit.heading.replace(/^(第[^（]*)（[^（）]*）$/, "$1");
    return hit.section_id === "preamble" ? hit.doc_title : hit.doc_title + " " + heading;
  }

  function add(hit) {
    var key = hit.doc_id + "#" + hit.section_id;
    var boxes = list.querySelectorAll('input[name="basis"]');
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value === key) { boxes[i].checked = true; return; }
    }
    var li = document.createElement("li");
    var lab = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = "basis"; box.value = key; box.checked = true;
    var a = document.createElement("a");
    a.href = hit.url; a.target = "_blank"; a.rel = "noopener"; a.textContent = label(hit);
    lab.appendChild(box); lab.appendChild(document.createTextNode(" ")); lab.appendChild(a);
    li.appendChild(lab); list.appendChild(li);
  }

  function show(hits) {
    results.textContent = "";
    hits.forEach(function (hit) {
      if (hit.kind === "inquiry") return;          // a basis is a rule, not another answer
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "basis-hit";
      var crumbs = document.createElement("span");
      crumbs.className = "crumbs"; crumbs.textContent = hit.breadcrumb.slice(0, -1).join(" > ");
      b.appendChild(crumbs); b.appendChild(document.createTextNode(label(hit)));
      b.addEventListener("click", function () { add(hit); });
      li.appendChild(b); results.appendChild(li);
    });
  }

  function search() {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { results.textContent = ""; return; }
    fetch(picker.dataset.api + "?limit=8&q=" + encodeURIComponent(q), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : { hits: [] }; })
      .then(function (data) { if (mine === seq) show(data.hits || []); })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); search(); }   // never submits the whole form
  });
})();
