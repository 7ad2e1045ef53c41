/* 文書の管理: the document list narrows as one types (the form does the same on the server). */
(function () {
  "use strict";
  var input = document.getElementById("find");
  var rows = document.querySelectorAll(".doc-table tr[data-find]");
  var count = document.querySelector(".doc-count");
  if (!input || !rows.length) return;
  function norm(s) { return (s.normalize ? s.normalize("NFKC") : s).toLowerCase(); }
  var texts = Array.prototype.map.call(rows, function (r) { return norm(r.dataset.find); });
  input.addEventListener("input", function () {
    var q = norm(input.value.trim()), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = !q || texts[i].indexOf(q) >= 0;
      rows[i].hidden = !hit;
      if (hit) shown++;
    }
    if (count) count.textContent = shown + "件";
  });
})();
