/* Forms with data-confirm ask first in a dialog; 「実行する」 adds confirmed=1 and posts.
   Without this file the server asks on a page of its own (webui/confirm.py). */
(function () {
  "use strict";
  var dialog = null, pending = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    dialog.innerHTML = '<p id="confirm-dialog-text"></p><div class="confirm-actions">' +
      '<button type="button" class="danger" value="ok"></button>' +
      '<button type="button" class="secondary" value="cancel">やめる</button></div>';
    document.body.appendChild(dialog);
    dialog.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest("button") : null;
      if (!b) return;
      dialog.close();
      if (b.value === "ok" && pending) {
        var form = pending, flag = document.createElement("input");
        flag.type = "hidden"; flag.name = "confirmed"; flag.value = "1";
        form.appendChild(flag);
        pending = null;
        form.submit();
      }
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.dataset || !form.dataset.confirm || form.querySelector('input[name="confirmed"]')) return;
    if (typeof HTMLDialogElement === "undefined") return;      // the server's page asks instead
    e.preventDefault();
    if (!dialog) build();
    pending = form;
    dialog.querySelector("p").textContent = form.dataset.confirm;
    dialog.querySelector('button[value="ok"]').textContent = form.dataset.confirmAction || "実行する";
    dialog.showModal();
    dialog.querySelector('button[value="cancel"]').focus();
  });
})();
