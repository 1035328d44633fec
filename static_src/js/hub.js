/*
 * The hub's own script: progressive enhancement only. Every page works without it.
 *
 * - Episode player: a waveform drawn by wavesurfer.js from the pipeline's peaks (no audio is
 *   downloaded to draw it), keyboard seeking on the waveform, playback speed, an in-place
 *   low-bandwidth (Opus) switch, chapters and transcript cues that seek, and the current cue
 *   and chapter highlighted as the audio plays. The transcript box follows the current cue,
 *   except while the listener scrolls it or moves through it with the keyboard; the switch to
 *   the low-bandwidth audio is announced to screen readers (a role=status line).
 * - Subscribe block: a button that copies the feed address.
 * - Filter forms: empty filters are left out of the URL.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "hub-lowband";

  function clock(seconds) {
    var whole = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(whole / 3600);
    var m = Math.floor((whole % 3600) / 60);
    var s = whole % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }

  function whenIdle(callback) {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(callback, { timeout: 1500 });
    } else {
      window.setTimeout(callback, 1);
    }
  }

  function readStored() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  function store(value) {
    try { window.localStorage.setItem(STORAGE_KEY, value ? "1" : "0"); } catch (e) { /* private mode */ }
  }

  /* Timed items (chapters, cues) as sorted arrays of {start, end, el}. */
  function timedItems(container) {
    if (!container) return [];
    var items = [];
    container.querySelectorAll("[data-start]").forEach(function (el) {
      var start = parseFloat(el.getAttribute("data-start"));
      var end = parseFloat(el.getAttribute("data-end"));
      if (!isNaN(start)) items.push({ start: start, end: isNaN(end) ? Infinity : end, el: el });
    });
    items.sort(function (a, b) { return a.start - b.start; });
    return items;
  }

  /* Index of the last item starting at or before t (binary search), or -1. */
  function indexAt(items, t) {
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].start <= t + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  /* Is the listener reading in the transcript box: scrolled it in the last seconds, or moving in
     it with the keyboard? Then it is not scrolled under them. */
  function readingIn(scroller) {
    if (Date.now() - (scroller.hubReadAt || 0) < 5000) return true;
    var active = document.activeElement;
    if (!active || !scroller.contains(active)) return false;
    try { return active.matches(":focus-visible"); } catch (e) { return false; }
  }

  function highlighter(items, scroller) {
    var current = -1;
    return function (t) {
      var index = indexAt(items, t);
      if (index >= 0 && t > items[index].end + 0.05 && items[index].end !== items[index].start) index = -1;
      if (index === current) return;
      if (current >= 0) {
        items[current].el.classList.remove("is-current");
        items[current].el.removeAttribute("aria-current");
      }
      current = index;
      if (index < 0) return;
      var el = items[index].el;
      el.classList.add("is-current");
      el.setAttribute("aria-current", "true");
      if (scroller && !readingIn(scroller)) {
        // Scroll the transcript box only, never the page.
        var top = el.offsetTop - scroller.offsetTop;
        if (top < scroller.scrollTop || top + el.offsetHeight > scroller.scrollTop + scroller.clientHeight) {
          scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
        }
      }
    };
  }

  function setupPlayer(root) {
    var audio = root.querySelector("[data-audio]");
    if (!audio) return;
    var scope = root.closest("[data-player-scope]") || root.parentNode;
    var duration = parseFloat(root.getAttribute("data-duration")) || 0;
    var mp3 = root.getAttribute("data-mp3");
    var opus = root.getAttribute("data-opus");
    var canOpus = !!opus && audio.canPlayType('audio/ogg; codecs="opus"') !== "";
    var lowbox = root.querySelector("[data-lowband]");
    var waveEl = root.querySelector("[data-waveform]");
    var peaksEl = document.getElementById(root.getAttribute("data-peaks") || "");
    var peaks = null;
    var wavesurfer = null;

    // Which rendition: the page's choice (?audio=low), else the remembered one, else Save-Data.
    var lowband = !!(lowbox && lowbox.checked);
    var stored = readStored();
    if (!lowband && stored === "1") lowband = true;
    if (!lowband && stored === null && navigator.connection && navigator.connection.saveData) lowband = true;
    if (lowband && !canOpus) lowband = false;
    if (!mp3) lowband = !!opus;

    function sourceUrl() { return lowband ? opus : (mp3 || opus); }

    // One explicit source instead of the <source> list, so it can be switched in place.
    audio.src = sourceUrl();

    function seek(t, play) {
      t = Math.max(0, Math.min(t, duration || t));
      var apply = function () { audio.currentTime = t; };
      if (audio.readyState >= 1) {
        apply();
      } else {
        audio.addEventListener("loadedmetadata", apply, { once: true });
        if (!play) { audio.preload = "metadata"; audio.load(); }
      }
      if (play) {
        var promise = audio.play();
        if (promise && promise.catch) promise.catch(function () { /* autoplay refused: the user presses play */ });
      }
    }

    // Waveform.
    if (peaksEl) {
      try { peaks = JSON.parse(peaksEl.textContent); } catch (e) { peaks = null; }
    }
    if (window.WaveSurfer && waveEl && peaks && peaks.length && duration) {
      // Drawn when the browser is idle: the plain player is usable at once, and the page's
      // first work is not one long task.
      whenIdle(function () {
        var style = getComputedStyle(root);
        waveEl.hidden = false;
        wavesurfer = window.WaveSurfer.create({
          container: waveEl,
          media: audio,
          url: sourceUrl(),
          peaks: [peaks],
          duration: duration,
          // As tall as the stylesheet makes the waveform's box (smaller in the embed).
          height: waveEl.clientHeight || 64,
          barWidth: 2,
          barGap: 1,
          barRadius: 1,
          normalize: true,
          waveColor: style.getPropertyValue("--wave").trim() || "#8a96a8",
          progressColor: style.getPropertyValue("--wave-progress").trim() || "#0b5cad",
          cursorColor: style.getPropertyValue("--wave-cursor").trim() || "#1d2430",
          cursorWidth: 2,
          dragToSeek: true,
          hideScrollbar: true
        });
        root.classList.add("has-waveform");
      });
      waveEl.addEventListener("keydown", function (event) {
        var step = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5, PageUp: 30, PageDown: -30 }[event.key];
        if (step !== undefined) {
          seek(audio.currentTime + step, false);
        } else if (event.key === "Home") {
          seek(0, false);
        } else if (event.key === "End") {
          seek(duration, false);
        } else if (event.key === " " || event.key === "Enter" || event.key === "k") {
          if (audio.paused) { audio.play(); } else { audio.pause(); }
        } else {
          return;
        }
        event.preventDefault();
      });
    }

    function updateSlider() {
      if (!waveEl || waveEl.hidden) return;
      var t = audio.currentTime || 0;
      waveEl.setAttribute("aria-valuenow", String(Math.round(t)));
      waveEl.setAttribute("aria-valuetext", clock(t) + " / " + (waveEl.getAttribute("data-total-text") || clock(duration)));
    }

    // Speed.
    var speedField = root.querySelector("[data-speed-field]");
    var speed = root.querySelector("[data-speed]");
    if (speedField && speed) {
      speedField.hidden = false;
      speed.addEventListener("change", function () {
        audio.playbackRate = parseFloat(speed.value) || 1;
      });
      audio.addEventListener("ratechange", function () {
        if (String(audio.playbackRate) !== speed.value) speed.value = String(audio.playbackRate);
      });
    }

    // Low-bandwidth switch: in place, keeping the position and the playing state.
    var submit = root.querySelector("[data-lowband-submit]");
    var status = root.querySelector("[data-lowband-status]");
    if (lowbox) {
      lowbox.checked = lowband;
      if (submit) submit.hidden = true;
      if (!canOpus) {
        lowbox.disabled = true;
        var unsupported = root.querySelector("[data-lowband-unsupported]");
        if (unsupported) unsupported.hidden = false;
      }
      lowbox.addEventListener("change", function () {
        lowband = lowbox.checked && canOpus;
        store(lowband);
        // Said by screen readers (role=status): the switch also changed what is playing.
        if (status) status.textContent = status.getAttribute(lowband ? "data-low-text" : "data-full-text");
        var t = audio.currentTime || 0;
        var playing = !audio.paused;
        var rate = audio.playbackRate;
        var restore = function () {
          audio.playbackRate = rate;
          if (t) audio.currentTime = t;
          if (playing) audio.play();
        };
        if (wavesurfer) {
          wavesurfer.load(sourceUrl(), [peaks], duration).catch(function () {});
        } else {
          audio.src = sourceUrl();
          audio.load();
        }
        if (playing || t) {
          audio.addEventListener("loadedmetadata", restore, { once: true });
          if (!playing) { audio.preload = "metadata"; audio.load(); }
          else audio.play();
        }
      });
    }

    // Chapters and transcript: seek on click, follow playback.
    var chapters = timedItems(scope.querySelector("[data-chapters]"));
    var cues = timedItems(scope.querySelector("[data-transcript]"));
    var followChapters = highlighter(chapters, null);
    var scroller = scope.querySelector("[data-transcript-scroll]");
    var followCues = highlighter(cues, scroller);
    if (scroller) {
      var reading = function () { scroller.hubReadAt = Date.now(); };
      ["wheel", "touchmove"].forEach(function (name) {
        scroller.addEventListener(name, reading, { passive: true });
      });
    }

    scope.addEventListener("click", function (event) {
      var link = event.target.closest("[data-seek]");
      var cue = link ? null : event.target.closest(".cue[data-start]");
      if (!link && !cue) return;
      // A text selection in the transcript is not a click to seek.
      if (cue && window.getSelection && String(window.getSelection())) return;
      event.preventDefault();
      var t = parseFloat((link || cue).getAttribute(link ? "data-seek" : "data-start"));
      if (!isNaN(t)) seek(t, true);
    });

    function onTime() {
      var t = audio.currentTime || 0;
      followChapters(t);
      followCues(t);
      updateSlider();
    }
    audio.addEventListener("timeupdate", onTime);
    audio.addEventListener("seeked", onTime);
    root.classList.add("is-enhanced");
  }

  function setupCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".copy-field") && button.closest(".copy-field").querySelector("[data-copy-status]");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function (ok) {
        if (status) status.textContent = status.getAttribute(ok ? "data-copied-text" : "data-failed-text");
      };
      source.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(function () { done(true); }, function () {
          done(document.execCommand && document.execCommand("copy"));
        });
      } else {
        done(document.execCommand && document.execCommand("copy"));
      }
    });
  }

  /* Filter forms: leave unused filters out of the URL, so shared links stay short. */
  function setupFilters(form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("select, input[type=hidden]").forEach(function (field) {
        if (!field.value) field.disabled = true;
      });
    });
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
    });
  }

  function init() {
    document.querySelectorAll("[data-player]").forEach(setupPlayer);
    document.querySelectorAll("[data-copy]").forEach(setupCopy);
    document.querySelectorAll("form.filters").forEach(setupFilters);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
