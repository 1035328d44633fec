// The consent records of a page: choose several in Wagtail's chooser, remove one, see who each is.
(function () {
  "use strict";

  function setUp(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    const list = root.querySelector("[data-list]");
    const empty = root.querySelector("[data-empty]");
    const rowTemplate = root.querySelector("template[data-row]");
    const definition = document.getElementById(root.dataset.definitionId);
    const factory = window.telepath.unpack(JSON.parse(definition.textContent));

    function changed(input) {
      empty.hidden = list.children.length > 0;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function add(item) {
      const id = String(item.id);
      if (list.querySelector('li[data-id="' + CSS.escape(id) + '"]')) return;
      const row = rowTemplate.content.firstElementChild.cloneNode(true);
      row.dataset.id = id;
      const input = row.querySelector("input");
      input.value = id;
      row.querySelector("span").textContent = item.description || item.string || item.title || id;
      list.appendChild(row);
      changed(input);
    }

    root.querySelector("[data-add]").addEventListener("click", () => {
      factory.openModal((result) => {
        (Array.isArray(result) ? result : [result]).forEach(add);
      }, { multiple: true });
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove]");
      if (!button) return;
      button.closest("li").remove();
      changed(root);
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-hub-consent-chooser]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
