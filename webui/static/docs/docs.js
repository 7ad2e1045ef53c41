/* Document view: highlight the article named in the URL and copy article links.
   Progressive: without this file :target still highlights and the links still work. */
(function () {
  "use strict";
  var body = document.querySelector(".doc-body");
  if (!body) return;

  function isHeading(el) { return /^H[1-6]$/.test(el.tagName); }

  function highlightTarget() {
    var old = body.querySelectorAll(".is-target, .is-target-start");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("is-target", "is-target-start");
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (!el || !body.contains(el)) return;
    el.classList.add("is-target", "is-target-start");
    var level = isHeading(el) ? Number(el.tagName[1]) : 7;
    // The article's text: following blocks up to the next heading of the same or a higher level
    // (for a split part anchor: up to the next heading or anchor).
    for (var n = el.nextElementSibling; n; n = n.nextElementSibling) {
      if (isHeading(n) && Number(n.tagName[1]) <= level) break;
      if (level === 7 && (isHeading(n) || n.classList.contains("anchor"))) break;
      if (!n.classList.contains("article-tools")) n.classList.add("is-target");
    }
    el.scrollIntoView({ block: "start" });
  }

  var status = document.querySelector(".copy-status");
  function say(text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { status.hidden = true; }, 2500);
  }

  function showUrl(link, url) {
    var box = link.parentNode.querySelector(".copy-fallback");
    if (!box) {
      box = document.createElement("input");
      box.type = "text";
      box.readOnly = true;
      box.className = "copy-fallback";
      box.setAttribute("aria-label", "この条文のリンク");
      link.parentNode.appendChild(box);
    }
    box.value = url;
    box.focus();
    box.select();
    say("このリンクを長押ししてコピーしてください");
  }

  body.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a.copy-link") : null;
    if (!link) return;
    ev.preventDefault();
    var url = location.origin + location.pathname + link.getAttribute("href");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say("リンクをコピーしました"); },
                                              function () { showUrl(link, url); });
    } else {
      showUrl(link, url);
    }
  });

  window.addEventListener("hashchange", highlightTarget);
  highlightTarget();
})();
