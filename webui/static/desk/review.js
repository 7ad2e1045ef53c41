/* The review: tapping a chip shows it masked or kept at once, a 「要確認」 choice updates the count
   of undecided spans, and selecting words in the text fills 「見落とした語句を伏せる」. The server
   applies all of them when the desk presses a button; until then publishing is held back, so what
   is published is always what was shown. */
(function () {
  "use strict";
  var form = document.querySelector(".review-form");
  if (!form) return;
  var addText = document.getElementById("add_text");
  var addPart = document.getElementById("add_part");
  var counter = document.getElementById("undecided");
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

  function countUndecided() {
    var open = 0;
    form.querySelectorAll(".chip-review").forEach(function (chip) {
      if (!chip.querySelector("input:checked")) open += 1;
    });
    counter.dataset.count = String(open);
    counter.classList.toggle("is-open", open > 0);
    counter.textContent = open ? "要確認：あと" + open + "件。それぞれ「伏せる」か「そのまま」を選んでください。"
                               : "要確認の語句はすべて選びました。「マスクを反映」を押してください。";
  }

  form.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.classList) return;
    if (box.classList.contains("pii-toggle")) {
      var chip = box.closest(".chip");
      if (chip) chip.classList.toggle("is-unmasked", !box.checked);
      markPending();
    } else if (box.type === "radio" && box.name.indexOf("decide_") === 0) {
      var review = box.closest(".chip-review");
      review.classList.add("is-decided");
      review.classList.toggle("is-unmasked", box.value === "keep");
      countUndecided();
      markPending();
    }
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
