// The CTA edit form shows only the fields of the chosen kind (radio buttons): a download's
// document, a webinar's date and seats. Which kinds use which field comes from the server
// (leads.models.cta.kind_only_fields); the model's constraints still require them.
(function () {
  "use strict";

  function setUp() {
    const data = document.getElementById("cta-kind-fields");
    const form = document.querySelector("form[data-edit-form]");
    const choices = form ? form.querySelectorAll('input[type="radio"][name="kind"]') : [];
    if (!data || choices.length === 0) {
      return;
    }
    function chosenKind() {
      const checked = form.querySelector('input[type="radio"][name="kind"]:checked');
      return checked ? checked.value : "";
    }
    const kindsByField = JSON.parse(data.textContent);
    const panels = [];
    Object.entries(kindsByField).forEach(function ([name, kinds]) {
      const input = document.getElementById("id_" + name);
      const panel = input && input.closest(".w-panel");
      if (panel) {
        panels.push({ panel: panel, kinds: kinds });
      }
    });
    function show() {
      // A panel stays visible while any of its fields belongs to the chosen kind.
      const wanted = new Map();
      panels.forEach(function ({ panel, kinds }) {
        wanted.set(panel, wanted.get(panel) || kinds.includes(chosenKind()));
      });
      wanted.forEach(function (visible, panel) {
        panel.hidden = !visible;
      });
    }
    choices.forEach(function (choice) {
      choice.addEventListener("change", show);
    });
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
