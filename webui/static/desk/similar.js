/* Similar published inquiries follow what the desk writes: the question and the answer so far are
   sent to /desk/similar (masked there before searching). Without this file the list shows the cases
   like the question, as of the page's loading. */
(function () {
  "use strict";
  var aside = document.querySelector("aside.similar");
  if (!aside || !window.fetch) return;
  var list = aside.querySelector(".similar-list");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var question = document.getElementById("question"), answer = document.getElementById("answer");
  var timer = null, seq = 0;

  function refresh() {
    var text = ((question && question.value) || "") + "\n" + ((answer && answer.value) || "");
    if (!text.trim()) return;
    var mine = ++seq, body = new FormData();
    body.append("text", text.slice(0, 2000));
    fetch(aside.dataset.url, { method: "POST", credentials: "same-origin", body: body,
                               headers: { "Accept": "application/json", "X-CSRFToken": token } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== seq) return;
        list.textContent = "";
        if (!data.hits.length) {
          var none = document.createElement("li"); none.className = "muted"; none.textContent = "似た事例は見つかっていません。";
          list.appendChild(none);
        }
        data.hits.forEach(function (h) {
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = h.url; a.target = "_blank"; a.rel = "noopener"; a.textContent = h.title;
          li.appendChild(a); list.appendChild(li);
        });
      }).catch(function () {});
  }
  [question, answer].forEach(function (box) {
    if (box) box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 800); });
  });
})();
