// Small, no build step: the navbar burger and htmx's handling of form errors.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(max-width: 768px)").matches) {
    document.querySelectorAll("details[data-collapse-on-phone]").forEach((d) => { d.open = false; });
  }
  document.querySelectorAll(".navbar-burger").forEach((burger) => {
    const toggle = () => {
      const menu = document.getElementById(burger.dataset.target);
      const open = !burger.classList.contains("is-active");
      burger.classList.toggle("is-active", open);
      menu.classList.toggle("is-active", open);
      burger.setAttribute("aria-expanded", String(open));
    };
    burger.addEventListener("click", toggle);
    burger.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
  });
});
// A 422 carries the form with its error messages: swap it in like a success.
document.addEventListener("htmx:beforeSwap", (e) => {
  if (e.detail.xhr.status === 422) { e.detail.shouldSwap = true; e.detail.isError = false; }
});
