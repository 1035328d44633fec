// Gives a new page's form a random token, so that the hub can tell a form sent twice (an autosave
// still on its way when the editor presses a button) from a second page (hub/core/page_create.py).
(function () {
  "use strict";
  function randomToken() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function addToken() {
    var forms = document.querySelectorAll("form[action*='/pages/add/']");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.querySelector("input[name='hub_create_token']")) {
        return;
      }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "hub_create_token";
      input.value = randomToken();
      form.appendChild(input);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addToken);
  } else {
    addToken();
  }
})();
