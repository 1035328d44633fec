/*
 * The site menu on narrow screens: collapsed behind a "Menu" button, so the page's own content
 * starts on the first screen. Without JavaScript the menu is always shown (the button is hidden
 * by the stylesheet unless the page has the "js" class).
 */
(function () {
  "use strict";

  function init() {
    var button = document.querySelector("[data-nav-toggle]");
    var menu = document.querySelector("[data-site-menu]");
    if (!button || !menu) return;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
