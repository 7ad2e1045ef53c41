/* Search results: 「役に立たなかった」 is recorded without leaving the page (the form still
   works without this file: it posts and comes back). */
(function () {
  "use strict";
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("not-helpful")) return;
    e.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token },
      body: new FormData(form)
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      var note = document.createElement("span");
      note.className = "feedback-done";
      note.setAttribute("role", "status");
      note.textContent = res.ok ? "記録しました" : (res.data.message_ja || "記録できませんでした");
      form.replaceWith(note);
      // what the officer needs next: the question for HQ, with the query already filled in
      var ask = document.querySelector(".ask-link");
      if (res.ok && ask) {
        var offer = document.createElement("a");
        offer.className = "ask-after button secondary";
        offer.href = ask.getAttribute("href");
        offer.textContent = "本部に照会する";
        note.parentNode.insertBefore(offer, note.nextSibling);
      }
    }).catch(function () {
      if (button) button.disabled = false;
    });
  });
})();
