// Live status of audio assets in the Wagtail admin: polls while anything is queued or processing.
(function () {
  "use strict";
  const script = document.getElementById("hub-audio-status-js");
  if (!script) return;
  const url = script.dataset.statusUrl;
  const active = new Set(["queued", "processing"]);

  function pending() {
    return Array.from(document.querySelectorAll(".hub-audio-status")).filter((el) => active.has(el.dataset.status));
  }

  async function poll() {
    const elements = pending();
    if (!elements.length) return;
    const query = elements.map((el) => "id=" + encodeURIComponent(el.dataset.audioId)).join("&");
    try {
      const response = await fetch(url + "?" + query, { credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        let finished = false;
        for (const el of elements) {
          const row = data[el.dataset.audioId];
          if (!row) continue;
          el.dataset.status = row.status;
          const bar = el.querySelector("progress");
          bar.value = row.progress;
          bar.textContent = row.progress + "%";
          el.querySelector(".hub-audio-label").textContent = row.label + (row.stage && active.has(row.status) ? " · " + row.stage : "");
          if (row.error || row.warning) el.title = row.error || row.warning;
          const warning = el.querySelector(".hub-audio-warning");
          if (warning) warning.textContent = row.warning || "";
          if (!active.has(row.status)) {
            finished = true;
            // The rest of the row (the duration) is known once processing has finished.
            for (const cell of document.querySelectorAll('.hub-audio-duration[data-audio-id="' + el.dataset.audioId + '"]')) {
              if (row.duration) cell.textContent = row.duration;
            }
          }
        }
        if (finished && document.body.dataset.audioInspect) window.location.reload();
      }
    } finally {
      window.setTimeout(poll, 2000);
    }
  }
  document.addEventListener("DOMContentLoaded", () => window.setTimeout(poll, 1000));
})();
