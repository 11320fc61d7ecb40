/* audio-news player: <script src="player.js"></script> and
   <div class="audio-news-player" data-episode="slug.json"></div> on any page.
   Events on that element, for a newsroom's own analytics (nothing is sent anywhere):
   audio-news:play, :pause, :progress (detail.percent 10...90), :ended, :speed (detail.rate). */
(function () {
  "use strict";
  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var SEEK_STEP = 5;
  var SKIP = 15;
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

  function spoken(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60, out = [];
    if (h) out.push(h + " giờ");
    if (m) out.push(m + " phút");
    if (r || !out.length) out.push(r + " giây");
    return out.join(" ");
  }

  function ensureStyles() {
    var href = new URL("player.css", base).href;
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    document.head.appendChild(el("link", "", { rel: "stylesheet", href: href }));
  }

  function indexAt(items, t) {
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].start <= t + 0.01) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  function button(cls, label, text) {
    var b = el("button", cls, { type: "button", "aria-label": label });
    if (text) b.textContent = text;
    return b;
  }

  function transcript(root, segments) {
    var list = el("div", "anp-transcript", {
      tabindex: "0", role: "region", "aria-label": "Bản ghi lời đọc"
    });
    var heading = null;
    if (root.dataset.heading) heading = document.getElementById(root.dataset.heading);
    if (!heading && root.dataset.title !== "off") heading = el("div", "anp-head");
    if (heading) heading.textContent = "";
    var spans = [], para = null, paraIndex = null;
    segments.forEach(function (seg, i) {
      var span = el("span", "anp-s", { "data-i": String(i), tabindex: "0" });
      span.textContent = seg.text;
      spans.push(span);
      if (seg.paragraph === 0) {
        if (heading) heading.append(span, " ");
        return;
      }
      if (seg.paragraph !== paraIndex) {
        paraIndex = seg.paragraph;
        para = el("p", "anp-p");
        list.appendChild(para);
      }
      para.append(span, " ");
    });
    return { list: list, spans: spans, heading: heading && !heading.isConnected ? heading : null };
  }

  function chapterList(chapters) {
    var nav = el("nav", "anp-chapters", { "aria-label": "Các phần" });
    var ol = el("ol");
    var items = chapters.map(function (ch, i) {
      var b = button("anp-ch", ch.title + ", " + spoken(ch.start));
      b.dataset.i = String(i);
      var at = el("span", "anp-ch-t");
      at.textContent = clock(ch.start);
      b.append(at, " " + ch.title);
      var li = el("li");
      li.appendChild(b);
      ol.appendChild(li);
      return b;
    });
    nav.appendChild(ol);
    return { nav: nav, items: items };
  }

  function mediaSession(ep, jsonUrl, audio, jump) {
    if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
    var s = navigator.mediaSession;
    var art = ep.image ? [{ src: new URL(ep.image, jsonUrl).href, sizes: "1400x1400" }] : [];
    s.metadata = new MediaMetadata({
      title: ep.title || "", artist: ep.artist || "", album: ep.album || "", artwork: art
    });
    var handlers = {
      play: function () { audio.play().catch(function () {}); },
      pause: function () { audio.pause(); },
      seekbackward: function (d) { jump(audio.currentTime - ((d && d.seekOffset) || SKIP)); },
      seekforward: function (d) { jump(audio.currentTime + ((d && d.seekOffset) || SKIP)); },
      seekto: function (d) { jump(d.seekTime); }
    };
    for (var k in handlers) {
      try { s.setActionHandler(k, handlers[k]); } catch (e) { /* action not supported */ }
    }
  }

  function build(root, ep, jsonUrl) {
    var segments = ep.segments || [];
    var chapters = ep.chapters || [];
    var audio = el("audio", "", { preload: root.dataset.preload || "metadata" });
    audio.src = new URL(ep.audio, jsonUrl).href;
    var play = button("anp-play", "Phát");
    var back = button("anp-skip anp-back15", "Lùi " + SKIP + " giây", "−" + SKIP);
    var fwd = button("anp-skip anp-fwd15", "Tới " + SKIP + " giây", "+" + SKIP);
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
    bar.append(back, play, fwd, seek, times, speed);
    var text = transcript(root, segments);
    var list = text.list, spans = text.spans;
    var toc = chapters.length > 1 ? chapterList(chapters) : null;
    root.textContent = "";
    root.setAttribute("lang", root.getAttribute("lang") || "vi");
    if (text.heading) root.appendChild(text.heading);
    root.append(bar);
    if (toc) root.appendChild(toc.nav);
    root.append(list, audio);
    root.classList.add("anp");
    var flow = root.dataset.layout === "page";
    if (flow) root.classList.add("anp-flow");

    var current = -1, chapter = -1, dragging = false, manualScrollUntil = 0, said = -1;
    var tenths = 0;
    var duration = ep.duration || 0;
    total.textContent = clock(duration);
    cur.textContent = clock(0);

    function emit(name, detail) {
      detail = detail || {};
      detail.title = ep.title;
      detail.guid = ep.guid || null;
      detail.currentTime = audio.currentTime;
      detail.duration = duration;
      root.dispatchEvent(new CustomEvent("audio-news:" + name, { bubbles: true, detail: detail }));
    }

    function scrollToSpan(span) {
      if (Date.now() < manualScrollUntil || !list.contains(span)) return;
      if (flow) {
        var r = span.getBoundingClientRect();
        if (r.top < bar.offsetHeight || r.bottom > window.innerHeight) {
          span.scrollIntoView({ block: "center", behavior: "smooth" });
        }
        return;
      }
      var top = span.offsetTop;
      var want = top - (list.clientHeight - span.offsetHeight) / 2;
      if (top < list.scrollTop || top + span.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTo({ top: Math.max(0, want), behavior: "smooth" });
      }
    }

    function mark(nodes, old, now, cls) {
      if (old >= 0) { nodes[old].classList.remove(cls); nodes[old].removeAttribute("aria-current"); }
      if (now >= 0) { nodes[now].classList.add(cls); nodes[now].setAttribute("aria-current", "true"); }
    }

    function highlight() {
      var t = audio.currentTime;
      if (toc) {
        var c = indexAt(chapters, t);
        if (c !== chapter) { mark(toc.items, chapter, c, "anp-current"); chapter = c; }
      }
      var i = indexAt(segments, t);
      if (i === current) return;
      mark(spans, current, i, "anp-current");
      current = i;
      root.dataset.sentence = String(i);
      if (i >= 0) scrollToSpan(spans[i]);
    }

    function progress() {
      if (!duration) return;
      var reached = Math.floor((audio.currentTime / duration) * 10 + 1e-6);
      while (tenths < Math.min(reached, 9)) {
        tenths += 1;
        emit("progress", { percent: tenths * 10 });
      }
    }

    function refresh() {
      var t = audio.currentTime;
      cur.textContent = clock(t);
      if (!dragging) seek.value = String(t);
      if (Math.floor(t) !== said) {
        said = Math.floor(t);
        seek.setAttribute("aria-valuetext", spoken(t) + " trên " + spoken(duration));
      }
      highlight();
      progress();
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

    function playSentence(span) {
      jump(segments[+span.dataset.i].start);
      if (audio.paused) audio.play().catch(function () {});
    }

    play.addEventListener("click", toggle);
    back.addEventListener("click", function () { jump(audio.currentTime - SKIP); });
    fwd.addEventListener("click", function () { jump(audio.currentTime + SKIP); });
    seek.addEventListener("input", function () { dragging = true; cur.textContent = clock(+seek.value); });
    seek.addEventListener("change", function () { dragging = false; jump(+seek.value); });
    speed.addEventListener("change", function () {
      audio.playbackRate = +speed.value;
      emit("speed", { rate: audio.playbackRate });
    });
    if (toc) toc.nav.addEventListener("click", function (e) {
      var b = e.target.closest ? e.target.closest(".anp-ch") : null;
      if (b) jump(chapters[+b.dataset.i].start);
    });
    spans.forEach(function (span) {
      span.addEventListener("click", function () { playSentence(span); });
      span.addEventListener("keydown", function (e) {
        if (e.key !== "Enter") return;
        e.preventDefault();
        e.stopPropagation();
        playSentence(span);
      });
    });
    ["wheel", "touchmove"].forEach(function (type) {
      (flow ? window : list).addEventListener(type, function () {
        manualScrollUntil = Date.now() + MANUAL_SCROLL_GRACE_MS;
      }, { passive: true });
    });
    root.addEventListener("keydown", function (e) {
      var tag = e.target.tagName;
      if (tag === "SELECT" || e.altKey || e.ctrlKey || e.metaKey) return;
      var key = e.key;
      if (key === " " || key === "k") {
        if (tag === "BUTTON") return;
        toggle();
      } else if (tag === "INPUT") return;
      else if (key === "ArrowLeft") jump(audio.currentTime - SEEK_STEP);
      else if (key === "ArrowRight") jump(audio.currentTime + SEEK_STEP);
      else if (key === "ArrowUp") sentence(-1);
      else if (key === "ArrowDown") sentence(1);
      else if (key === "Home") jump(0);
      else if (key === "End") jump(duration);
      else return;
      e.preventDefault();
    });
    if (text.heading === null && root.dataset.heading) {
      document.getElementById(root.dataset.heading).addEventListener("keydown", function (e) {
        if (e.key === " " && e.target.classList.contains("anp-s")) { e.preventDefault(); toggle(); }
      });
    }
    audio.addEventListener("timeupdate", refresh);
    audio.addEventListener("seeked", refresh);
    audio.addEventListener("loadedmetadata", function () {
      if (isFinite(audio.duration) && audio.duration > 0) {
        duration = audio.duration;
        seek.max = String(duration);
        total.textContent = clock(duration);
        said = -1;
        refresh();
      }
    });
    audio.addEventListener("play", function () {
      players.forEach(function (other) { if (other !== audio) other.pause(); });
      root.dataset.state = "playing";
      play.setAttribute("aria-label", "Tạm dừng");
      mediaSession(ep, jsonUrl, audio, jump);
      if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "playing";
      emit("play");
    });
    audio.addEventListener("pause", function () {
      root.dataset.state = "paused";
      play.setAttribute("aria-label", "Phát");
      if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "paused";
      if (!audio.ended) emit("pause");
    });
    audio.addEventListener("ratechange", function () { speed.value = String(audio.playbackRate); });
    audio.addEventListener("ended", function () { emit("ended"); });
    players.push(audio);
    refresh();
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
