/* The review: unticking a highlighted span shows it struck through at once, and selecting words in
   the text fills 「見落とした語句を伏せる」. The server applies both when the desk presses a button;
   until then publishing is held back, so what is published is always what was shown. */
(function () {
  "use strict";
  var form = document.querySelector(".review-form");
  if (!form) return;
  var addText = document.getElementById("add_text");
  var addPart = document.getElementById("add_part");
  var pending = null;

  function markPending() {
    if (pending) return;
    pending = document.createElement("p");
    pending.className = "review-pending";
    pending.setAttribute("role", "status");
    pending.textContent = "マスクを変更しました。「マスクを反映」を押して、公開される内容を確認してください。";
    var actions = form.querySelector(".actions");
    actions.parentNode.insertBefore(pending, actions);
  }

  form.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.classList || !box.classList.contains("pii-toggle")) return;
    var span = box.closest(".pii");
    if (span) span.classList.toggle("is-unmasked", !box.checked);
    markPending();
  });

  document.querySelectorAll(".review-text").forEach(function (box) {
    box.addEventListener("mouseup", function () {
      var sel = window.getSelection();
      var text = sel ? sel.toString().trim() : "";
      if (!text || text.length > 200) return;
      addText.value = text;
      addPart.value = box.dataset.part;
      addText.focus();
    });
  });

  addText.addEventListener("input", function () { if (addText.value.trim()) markPending(); });
})();
