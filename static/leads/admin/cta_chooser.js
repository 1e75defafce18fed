// The page editor's CTA chooser (leads.blocks.CTAChooser): under the chosen CTA's name, a
// miniature of the box readers see. The server draws it for a form it renders; this keeps it
// in step with the chooser's state, which Wagtail's chooser sets in the browser for every
// StreamField block and for each new choice (the chooser modal's answer carries `preview`,
// see CTAChosenView). Wagtail's Chooser announces each new state with a "change" event on its
// hidden input and keeps itself on its element as `widget`.
(function () {
  "use strict";

  function show(chooser) {
    const card = chooser.querySelector("[data-cta-preview]");
    const state = chooser.widget && chooser.widget.state;
    if (!card || (state && !state.preview)) {
      return; // no miniature, or a state read from the page: the server drew it
    }
    const preview = state && state.preview;
    card.hidden = !preview;
    if (!preview) {
      return;
    }
    const fill = function (name, text) {
      const element = card.querySelector("[data-cta-preview-" + name + "]");
      element.textContent = text;
      return element;
    };
    fill("kind", preview.kind);
    fill("headline", preview.headline);
    fill("button", preview.button);
    fill("document", preview.document).parentElement.hidden = !preview.document;
  }

  document.addEventListener("change", function (event) {
    const chooser = event.target.id && document.getElementById(event.target.id + "-chooser");
    if (chooser) {
      show(chooser);
    }
  });

  // Choosers set up before this script ran have already announced their state.
  function showAll() {
    document.querySelectorAll("[data-cta-preview]").forEach(function (card) {
      show(card.closest(".chooser"));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showAll);
  } else {
    showAll();
  }
})();
