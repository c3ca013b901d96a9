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

/* Project form: add rows without a round trip, and pick external parties as you type.
   Without JavaScript the same form works with plain selects and "add a row" buttons. */
(function () {
  "use strict";

  function each(root, selector, callback) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches(selector)) {
      callback(root);
    }
    root.querySelectorAll(selector).forEach(callback);
  }

  // Put a party in a partner row: its hidden select gets the id, the search box the name.
  function choose(targetId, value, name) {
    var select = targetId ? document.getElementById(targetId) : null;
    if (!select || !value) {
      return;
    }
    var option = null;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) {
        option = select.options[i];
      }
    }
    if (!option) {
      select.add(new Option(name, value));
    }
    select.value = value;
    var picker = select.closest("[data-bb-party-picker]");
    var search = picker ? picker.querySelector("[data-bb-party-search]") : null;
    var matches = document.getElementById(targetId + "_matches");
    if (matches) {
      matches.textContent = "";
    }
    if (search) {
      search.value = name;
      search.focus();
    }
  }

  function enhancePicker(picker) {
    var select = picker.querySelector("select[data-bb-party-select]");
    var search = picker.querySelector("[data-bb-party-search]");
    if (!select || !search || picker.hasAttribute("data-bb-ready")) {
      return;
    }
    picker.setAttribute("data-bb-ready", "");
    var label = picker.querySelector("[data-bb-party-label]");
    select.hidden = true;
    search.hidden = false;
    if (label) {
      label.htmlFor = search.id;
    }
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) {
      search.value = chosen.text;
    }
    if (select.getAttribute("aria-invalid") === "true") {
      search.setAttribute("aria-invalid", "true");
    }
    // Typing means choosing again: the old choice no longer matches what is shown.
    search.addEventListener("input", function () {
      select.value = "";
    });
  }

  function enhance(root) {
    each(root, "[data-bb-js-only]", function (el) { el.hidden = false; });
    each(root, "[data-bb-no-js]", function (el) { el.hidden = true; });
    each(root, "[data-bb-party-picker]", enhancePicker);
    each(root, "[data-bb-picked]", function (el) {
      if (!el.hasAttribute("data-bb-applied")) {
        el.setAttribute("data-bb-applied", "");
        choose(el.getAttribute("data-bb-target"), el.getAttribute("data-bb-pick"),
          el.getAttribute("data-bb-pick-name"));
      }
    });
  }

  // A formset row from its <template id="PREFIX-template">, numbered by TOTAL_FORMS.
  function addRow(prefix) {
    var template = document.getElementById(prefix + "-template");
    var rows = document.getElementById(prefix + "-rows");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !rows || !total || !window.htmx) {
      return false;
    }
    var index = parseInt(total.value, 10) || 0;
    if (max && index >= parseInt(max.value, 10)) {
      return false;
    }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    if (!row) {
      return false;
    }
    rows.appendChild(row);
    total.value = String(index + 1);
    window.htmx.process(row);
    enhance(row);
    var first = row.querySelector("input:not([type=hidden]):not([hidden]), select:not([hidden]), textarea");
    if (first) {
      first.focus();
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) {
      return;
    }
    var pick = target.closest("button[data-bb-pick]");
    if (pick) {
      event.preventDefault();
      choose(pick.getAttribute("data-bb-target"), pick.getAttribute("data-bb-pick"),
        pick.getAttribute("data-bb-pick-name"));
      return;
    }
    var add = target.closest("[data-bb-add-row]");
    if (add && addRow(add.getAttribute("data-bb-add-row"))) {
      event.preventDefault();
    }
  });

  // Enter in the party search or the new-party name must not save the whole project.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || !el || !el.hasAttribute) {
      return;
    }
    if (el.hasAttribute("data-bb-party-search")) {
      event.preventDefault();
      var list = document.getElementById(el.getAttribute("aria-controls"));
      var first = list ? list.querySelector("button[data-bb-pick]") : null;
      if (first) {
        first.click();
      }
    } else if (el.hasAttribute("data-bb-enter-clicks")) {
      event.preventDefault();
      var button = document.getElementById(el.getAttribute("data-bb-enter-clicks"));
      if (button) {
        button.click();
      }
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(enhance);
  }
})();

/* Reports for the board: a "print" button (shown only with JavaScript, data-bb-js-only). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest("[data-bb-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();

/* Contact moments on a project page: show only the contact persons of the party chosen
   (templates/projects/partners/_interactions.html). Without JavaScript all are shown and
   the server refuses a contact of another party. */
(function () {
  "use strict";

  function showContactsOf(select) {
    var form = select.form;
    if (!form) {
      return;
    }
    form.querySelectorAll("[data-bb-contact-party]").forEach(function (group) {
      var chosen = group.getAttribute("data-bb-contact-party") === select.value;
      group.hidden = !chosen;
      if (!chosen) {
        group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          box.checked = false;
        });
      }
    });
  }

  function enhance(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-bb-party-filter]"));
    if (root.matches && root.matches("select[data-bb-party-filter]")) {
      selects.push(root);
    }
    selects.forEach(showContactsOf);
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-bb-party-filter]")) {
      showContactsOf(el);
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(enhance);
  }
})();
