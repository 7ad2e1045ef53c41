/* Document view: highlight the article (or the 項/号) named in the URL, keep the article in view in
   the sticky bar, copy its link and open the report form in place.
   Progressive: without this file :target still highlights, every article keeps its own
   「リンクをコピー」「報告」 links and the report form waits at the end of the page. */
(function () {
  "use strict";
  var body = document.querySelector(".doc-body");
  if (!body) return;
  document.documentElement.classList.add("js");       // the per-article links give way to the bar

  var bar = document.querySelector(".doc-bar");
  var where = bar && bar.querySelector(".doc-bar-article");
  var tools = bar && bar.querySelector(".doc-bar-tools");
  var report = document.getElementById("report");
  var current = null;                                   // the section id in view

  function isHeading(el) { return /^H[1-6]$/.test(el.tagName); }
  function isPart(el) { return /^(P|LI)$/.test(el.tagName) && el.id; }      // a 項 or 号 anchor

  // sections: the headings and split-part anchors that carry a section's id
  // (the report form's list names them all; chapter headings are not sections)
  var known = {};
  Array.prototype.forEach.call(document.querySelectorAll("#flag-section option"), function (o) { known[o.value] = true; });
  var sections = Array.prototype.filter.call(body.querySelectorAll("h2[id], h3[id], h4[id], h5[id], h6[id], span.anchor[id]"),
    function (el) { return known[el.id]; });

  function headingText(el) {
    if (isHeading(el)) return el.textContent.trim();
    for (var n = el.previousElementSibling; n; n = n.previousElementSibling) {
      if (isHeading(n)) return n.textContent.trim();
    }
    return "";
  }

  function sectionOf(el) {
    var found = null;
    for (var i = 0; i < sections.length; i++) {
      if (sections[i] === el || sections[i].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = sections[i];
      else break;
    }
    return found;
  }

  function show(section) {
    if (!section || !where) return;
    current = section.id;
    where.textContent = headingText(section);
    if (tools) tools.hidden = false;
  }

  function highlightTarget() {
    var old = body.querySelectorAll(".is-target, .is-target-start");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("is-target", "is-target-start");
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (!el && /-para-\d+/.test(id)) {                  // a 項 this version lacks: the article instead
      el = document.getElementById(id.replace(/-para-\d+.*$/, ""));
    }
    if (!el || !body.contains(el)) return;
    el.classList.add("is-target", "is-target-start");
    if (isPart(el)) {
      // a 項 brings its 号 lists along; a 号 stands alone
      if (el.tagName === "P") {
        for (var m = el.nextElementSibling; m && /^(UL|OL)$/.test(m.tagName); m = m.nextElementSibling) m.classList.add("is-target");
      }
    } else {
      var level = isHeading(el) ? Number(el.tagName[1]) : 7;
      // The article's text: following blocks up to the next heading of the same or a higher level
      // (for a split part anchor: up to the next heading or anchor).
      for (var n = el.nextElementSibling; n; n = n.nextElementSibling) {
        if (isHeading(n) && Number(n.tagName[1]) <= level) break;
        if (level === 7 && (isHeading(n) || n.classList.contains("anchor"))) break;
        if (!n.classList.contains("article-tools")) n.classList.add("is-target");
      }
    }
    show(sectionOf(el));
    el.scrollIntoView({ block: "start" });
  }

  // the article in view follows scrolling: the last section start above the bar's bottom edge
  var ticking = false;
  function follow() {
    ticking = false;
    var edge = (bar ? bar.getBoundingClientRect().bottom : 0) + 40, seen = null;   // (headings keep a margin below the bar)
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].getBoundingClientRect().top <= edge) seen = sections[i]; else break;
    }
    if (seen) show(seen);
  }
  window.addEventListener("scroll", function () {
    if (!ticking) { ticking = true; window.requestAnimationFrame(follow); }
  }, { passive: true });

  var status = document.querySelector(".copy-status");
  function say(text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { status.hidden = true; }, 2500);
  }

  function showUrl(near, url) {
    var box = near.parentNode.querySelector(".copy-fallback");
    if (!box) {
      box = document.createElement("input");
      box.type = "text";
      box.readOnly = true;
      box.className = "copy-fallback";
      box.setAttribute("aria-label", "この条文のリンク");
      near.parentNode.appendChild(box);
    }
    box.value = url;
    box.focus();
    box.select();
    say("このリンクを長押ししてコピーしてください");
  }

  function copy(near, hash) {
    var url = location.origin + location.pathname + hash;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say("リンクをコピーしました"); },
                                              function () { showUrl(near, url); });
    } else {
      showUrl(near, url);
    }
  }

  // 「報告」: the form opens right under the article's heading, with the article chosen
  function openReport(sectionId) {
    if (!report) return;
    var anchor = document.getElementById(sectionId);
    var select = report.querySelector("select[name=section]");
    if (select) select.value = sectionId;
    if (anchor) {
      var after = anchor.nextElementSibling && anchor.nextElementSibling.classList.contains("article-tools")
        ? anchor.nextElementSibling : anchor;
      after.parentNode.insertBefore(report, after.nextSibling);
    }
    report.classList.add("is-inline");
    var details = report.querySelector("details");
    if (details) details.open = true;
    var flagButton = bar && bar.querySelector(".bar-flag");
    if (flagButton) flagButton.setAttribute("aria-expanded", "true");
    report.scrollIntoView({ block: "center" });
    var first = report.querySelector("input[type=radio]");
    if (first) first.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target : null;
    if (!t) return;
    var link = t.closest("a.copy-link");
    if (link) { ev.preventDefault(); copy(link, link.getAttribute("href")); return; }
    if (t.closest(".bar-copy") && current) { copy(t.closest(".bar-copy"), "#" + current); return; }
    if (t.closest(".bar-flag") && current) openReport(current);
  });

  window.addEventListener("hashchange", highlightTarget);
  highlightTarget();
  if (!current) follow();
})();
