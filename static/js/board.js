// The dispatch board's clocks (CITY-4). Each counts down in the browser from the seconds the
// server gave when it rendered the row, so the browser's own clock being off does not matter
// and a row kept across polls (hx-preserve) stays right without asking the server again.
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  // The same shape as web/cases/board.py countdown(): d h:mm:ss, h:mm:ss or m:ss.
  const format = (seconds) => {
    let s = Math.floor(Math.abs(seconds));
    const d = Math.floor(s / 86400); s %= 86400;
    const h = Math.floor(s / 3600); s %= 3600;
    const m = Math.floor(s / 60); s %= 60;
    if (d) return `${d}d ${h}:${pad(m)}:${pad(s)}`;
    if (h) return `${h}:${pad(m)}:${pad(s)}`;
    return `${m}:${pad(s)}`;
  };
  const arm = () => {
    document.querySelectorAll(".board-clock[data-remaining]:not([data-due])").forEach((el) => {
      el.dataset.due = String(Date.now() + Number(el.dataset.remaining) * 1000);
    });
  };
  const tick = () => {
    document.querySelectorAll(".board-clock[data-due]").forEach((el) => {
      const left = (Number(el.dataset.due) - Date.now()) / 1000;
      const over = left < 0;
      const text = (over ? el.dataset.overText : el.dataset.leftText).replace("{t}", format(left));
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("is-danger", over);
      el.classList.toggle("is-info", !over);
      el.classList.toggle("is-light", !over);
    });
  };
  document.addEventListener("DOMContentLoaded", () => {
    arm(); tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSettle", () => { arm(); tick(); });
})();
