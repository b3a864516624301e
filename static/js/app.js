// Small, no build step. All behaviour lives here, none inline: the Content-Security-Policy
// allows scripts from this origin only (web/security.py).
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 768px)").matches) {
    document.querySelectorAll("details[data-collapse-on-phone]").forEach((d) => { d.open = false; });
  }
  // The navbar burger is a <button>: Enter and Space work without help.
  document.querySelectorAll(".navbar-burger").forEach((burger) => {
    burger.addEventListener("click", () => {
      const menu = document.getElementById(burger.dataset.target);
      const open = !burger.classList.contains("is-active");
      burger.classList.toggle("is-active", open);
      menu.classList.toggle("is-active", open);
      burger.setAttribute("aria-expanded", String(open));
    });
  });
});
// A 422 carries the form with its error messages: swap it in like a success.
document.addEventListener("htmx:beforeSwap", (e) => {
  if (e.detail.xhr.status === 422) { e.detail.shouldSwap = true; e.detail.isError = false; }
});
// "Being prepared" pages poll (202) until the letter is there (200), then show it.
document.addEventListener("htmx:afterRequest", (e) => {
  if (e.detail.elt.matches("[data-reload-when-ready]") && e.detail.xhr.status === 200) {
    window.location.reload();
  }
});
// Category shortcuts (phone intake, [data-shortcuts]): a digit picks the choice keyed with it
// while the focus is not in a text field, e.g. on the category list after Tab.
document.addEventListener("keydown", (e) => {
  const form = e.target.closest && e.target.closest("[data-shortcuts]");
  if (!form || e.ctrlKey || e.metaKey || !/^[0-9]$/.test(e.key)) return;
  const typing = e.target.matches("textarea, input:not([type=radio]):not([type=checkbox]), select");
  if (typing && !e.altKey) return;
  const choice = form.querySelector(`input[data-key="${e.key}"]`);
  if (!choice) return;
  e.preventDefault();
  choice.checked = true;
  choice.focus();
  choice.dispatchEvent(new Event("change", { bubbles: true }));
});
