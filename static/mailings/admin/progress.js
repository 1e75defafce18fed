// A broadcast's live progress (templates/mailings/admin/broadcasts/detail.html): while it is
// scheduled or sending, ask the progress endpoint for its counts every few seconds and write
// them into the page. Counts only. No inline script: the admin's CSP may forbid it one day.
(function () {
  "use strict";
  const box = document.querySelector("[data-mailings-progress]");
  if (!box || box.dataset.live !== "true") return;
  const status = document.querySelector("[data-mailings-status]");
  const INTERVAL = 3000;

  function show(data) {
    for (const [name, value] of Object.entries(data)) {
      const cell = box.querySelector(`[data-count="${name}"]`);
      if (cell && cell.textContent !== String(value)) cell.textContent = String(value);
    }
    if (status && status.textContent.trim() !== data.status_label) {
      status.textContent = data.status_label;
      status.className = `mailings-status mailings-status--${data.status}`;
    }
    if (box.dataset.reloadOnChange && data.status !== box.dataset.reloadOnChange) {
      // Scheduled -> sending: the page grows its progress section.
      window.location.reload();
      return false;
    }
    if (!data.live) {
      const live = box.querySelector("[data-mailings-live-note]");
      const done = box.querySelector("[data-mailings-done-note]");
      if (live) live.hidden = true;
      if (done) done.hidden = false;
      return false;
    }
    return true;
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok && !show(await response.json())) return;
    } catch (error) {
      // The network blinked: try again at the next interval.
    }
    window.setTimeout(poll, INTERVAL);
  }

  window.setTimeout(poll, INTERVAL);
})();
