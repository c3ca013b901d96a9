/* BinnenBuiten: small progressive enhancements on top of htmx. No inline scripts (CSP). */
(function () {
  "use strict";

  // After htmx swaps in new content, move keyboard focus to where the user should continue:
  // the first element marked data-bb-focus (a new row, a form with errors, a message).
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt || document;
    var target = root.querySelector ? root.querySelector("[data-bb-focus]") : null;
    if (!target && root.matches && root.matches("[data-bb-focus]")) {
      target = root;
    }
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });

  // A session that expired answers an htmx request with a redirect to the login page:
  // load that page as a whole instead of swapping it into a fragment.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL);
    }
  });

  // Elements with data-bb-autosubmit submit their form when changed (filters).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.closest && el.closest("[data-bb-autosubmit]") && el.form) {
      if (typeof el.form.requestSubmit === "function") {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });
})();
