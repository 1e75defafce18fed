// The CTA edit form shows only the fields of the chosen kind: a download's document, a
// webinar's date and seats. Which kinds use which field comes from the server
// (leads.models.cta.kind_only_fields); the model's constraints still require them.
(function () {
  "use strict";

  function setUp() {
    const data = document.getElementById("cta-kind-fields");
    const kind = document.getElementById("id_kind");
    if (!data || !kind || kind.tagName !== "SELECT") {
      return;
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
        wanted.set(panel, wanted.get(panel) || kinds.includes(kind.value));
      });
      wanted.forEach(function (visible, panel) {
        panel.hidden = !visible;
      });
    }
    kind.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
