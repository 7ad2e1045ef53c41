/* 「本部に照会する」 carries the articles the officer opened from the results: each opened hit is
   remembered for this tab (sessionStorage) and added to the link as viewed=doc#section. */
(function () {
  "use strict";
  var KEY = "kb.viewedSections";
  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".card-link");
    var card = link && link.closest(".card");
    if (!card) return;
    var key = card.dataset.doc + "#" + card.dataset.section;
    var seen = load().filter(function (k) { return k !== key; });
    seen.unshift(key);
    try { sessionStorage.setItem(KEY, JSON.stringify(seen.slice(0, 10))); } catch (err) { /* private mode */ }
  });
  var ask = document.querySelector(".ask-link");
  if (!ask) return;
  var url = new URL(ask.href, location.href);
  load().forEach(function (k) { url.searchParams.append("viewed", k); });
  ask.href = url.pathname + url.search;
})();
