/* audio-news player: <script src="player.js"></script> and
   <div class="audio-news-player" data-episode="slug.json"></div> on any page. */
(function () {
  "use strict";
  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var SEEK_STEP = 5;
  var MANUAL_SCROLL_GRACE_MS = 4000;
  var script = document.currentScript;
  var base = script ? script.src : document.baseURI;
  var players = [];

  function el(tag, cls, attrs) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  function ensureStyles() {
    var href = new URL("player.css", base).href;
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    document.head.appendChild(el("link", "", { rel: "stylesheet", href: href }));
  }

  function indexAt(segments, t) {
    var lo = 0, hi = segments.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (segments[mid].start <= t + 0.01) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  function build(root, ep, jsonUrl) {
    var segments = ep.segments || [];
    var audio = el("audio", "", { preload: root.dataset.preload || "metadata" });
    audio.src = new URL(ep.audio, jsonUrl).href;
    var play = el("button", "anp-play", { type: "button", "aria-label": "Phát" });
    var cur = el("span", "anp-cur", { "aria-label": "Đã nghe" });
    var total = el("span", "anp-dur", { "aria-label": "Tổng thời lượng" });
    var seek = el("input", "anp-seek", {
      type: "range", min: "0", max: String(ep.duration || 0), step: "0.1", value: "0",
      "aria-label": "Vị trí phát"
    });
    var speed = el("select", "anp-speed", { "aria-label": "Tốc độ phát" });
    SPEEDS.forEach(function (v) {
      var o = el("option", "", { value: String(v) });
      o.textContent = String(v).replace(".", ",") + "×";
      o.selected = v === 1;
      speed.appendChild(o);
    });
    var bar = el("div", "anp-bar");
    var times = el("span", "anp-time");
    times.append(cur, " / ", total);
    bar.append(play, seek, times, speed);
    var list = el("div", "anp-transcript", {
      tabindex: "0", role: "region", "aria-label": "Bản ghi lời đọc"
    });
    var spans = [], para = null, paraIndex = null;
    segments.forEach(function (seg, i) {
      if (seg.paragraph !== paraIndex) {
        paraIndex = seg.paragraph;
        para = el("p", paraIndex === 0 ? "anp-p anp-title" : "anp-p");
        list.appendChild(para);
      }
      var span = el("span", "anp-s", { "data-i": String(i) });
      span.textContent = seg.text;
      para.append(span, " ");
      spans.push(span);
    });
    root.textContent = "";
    root.setAttribute("lang", root.getAttribute("lang") || "vi");
    if (root.dataset.title !== "off") {
      var heading = el("div", "anp-head");
      heading.textContent = ep.title || "";
      root.appendChild(heading);
    }
    root.append(bar, list, audio);
    root.classList.add("anp");

    var current = -1, dragging = false, manualScrollUntil = 0;
    var duration = ep.duration || 0;
    total.textContent = clock(duration);
    cur.textContent = clock(0);

    function scrollToSpan(span) {
      if (Date.now() < manualScrollUntil) return;
      var top = span.offsetTop;
      var want = top - (list.clientHeight - span.offsetHeight) / 2;
      if (top < list.scrollTop || top + span.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTo({ top: Math.max(0, want), behavior: "smooth" });
      }
    }

    function highlight() {
      var i = indexAt(segments, audio.currentTime);
      if (i === current) return;
      if (current >= 0) { spans[current].classList.remove("anp-current"); spans[current].removeAttribute("aria-current"); }
      current = i;
      root.dataset.sentence = String(i);
      if (i < 0) return;
      spans[i].classList.add("anp-current");
      spans[i].setAttribute("aria-current", "true");
      scrollToSpan(spans[i]);
    }

    function refresh() {
      cur.textContent = clock(audio.currentTime);
      if (!dragging) seek.value = String(audio.currentTime);
      highlight();
    }

    function jump(t) {
      audio.currentTime = Math.min(Math.max(0, t), duration || audio.duration || 0);
      manualScrollUntil = 0;
      refresh();
    }

    function toggle() {
      if (audio.paused) audio.play().catch(function () {}); else audio.pause();
    }

    function sentence(delta) {
      var i = Math.min(Math.max(0, indexAt(segments, audio.currentTime) + delta), segments.length - 1);
      if (i >= 0) jump(segments[i].start);
    }

    play.addEventListener("click", toggle);
    seek.addEventListener("input", function () { dragging = true; cur.textContent = clock(+seek.value); });
    seek.addEventListener("change", function () { dragging = false; jump(+seek.value); });
    speed.addEventListener("change", function () { audio.playbackRate = +speed.value; });
    list.addEventListener("click", function (e) {
      var span = e.target.closest ? e.target.closest(".anp-s") : null;
      if (!span) return;
      jump(segments[+span.dataset.i].start);
      if (audio.paused) audio.play().catch(function () {});
    });
    ["wheel", "touchmove"].forEach(function (type) {
      list.addEventListener(type, function () { manualScrollUntil = Date.now() + MANUAL_SCROLL_GRACE_MS; }, { passive: true });
    });
    root.addEventListener("keydown", function (e) {
      var tag = e.target.tagName;
      if (tag === "SELECT" || e.altKey || e.ctrlKey || e.metaKey) return;
      var key = e.key;
      if (key === " " || key === "k") {
        if (tag === "BUTTON") return;
        toggle();
      } else if (key === "ArrowLeft") jump(audio.currentTime - SEEK_STEP);
      else if (key === "ArrowRight") jump(audio.currentTime + SEEK_STEP);
      else if (key === "ArrowUp") sentence(-1);
      else if (key === "ArrowDown") sentence(1);
      else if (key === "Home") jump(0);
      else if (key === "End") jump(duration);
      else return;
      e.preventDefault();
    });
    audio.addEventListener("timeupdate", refresh);
    audio.addEventListener("seeked", refresh);
    audio.addEventListener("loadedmetadata", function () {
      if (isFinite(audio.duration) && audio.duration > 0) {
        duration = audio.duration;
        seek.max = String(duration);
        total.textContent = clock(duration);
      }
    });
    audio.addEventListener("play", function () {
      players.forEach(function (other) { if (other !== audio) other.pause(); });
      root.dataset.state = "playing";
      play.setAttribute("aria-label", "Tạm dừng");
    });
    audio.addEventListener("pause", function () {
      root.dataset.state = "paused";
      play.setAttribute("aria-label", "Phát");
    });
    players.push(audio);
    root.dataset.state = "paused";
    root.dataset.ready = "true";
  }

  function init(root) {
    if (root.dataset.ready || root.dataset.loading) return;
    root.dataset.loading = "true";
    var jsonUrl = new URL(root.dataset.episode, document.baseURI).href;
    fetch(jsonUrl)
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (ep) { build(root, ep, jsonUrl); })
      .catch(function () {
        root.classList.add("anp-error");
        root.dataset.error = "true";
        var note = el("p", "anp-note", { role: "alert" });
        note.textContent = "Không tải được bản tin.";
        root.appendChild(note);
      });
  }

  function start() {
    ensureStyles();
    Array.prototype.forEach.call(document.querySelectorAll(".audio-news-player[data-episode]"), init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
