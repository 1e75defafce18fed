// Lead forms, enhanced. Without this file every form still works (POST, then a thank-you page).
// With it: the visit's first touch is posted with the form, and forms submit in place.
(function () {
  "use strict";

  // First touch of this visit: the landing page and where the visitor came from. Kept in
  // sessionStorage (this tab, this visit), never in a cookie, and sent only with a form.
  var KEY = "leadsite.firstTouch";
  var firstTouch = null;
  try {
    firstTouch = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    if (!firstTouch) {
      var referrer = document.referrer;
      if (referrer && new URL(referrer).origin === window.location.origin) referrer = "";
      firstTouch = { landing: window.location.href, referrer: referrer };
      window.sessionStorage.setItem(KEY, JSON.stringify(firstTouch));
    }
  } catch (error) {
    firstTouch = null; // storage disabled: the server falls back to the last touch
  }

  function fillFirstTouch(form) {
    if (!firstTouch) return;
    if (form.elements.first_landing) form.elements.first_landing.value = firstTouch.landing;
    if (form.elements.first_referrer) form.elements.first_referrer.value = firstTouch.referrer;
  }

  function focusResult(box) {
    var target = box.querySelector("[aria-invalid=true]") || box.querySelector("[data-focus]") ||
      box.querySelector(".form-errors");
    if (target) target.focus();
  }

  function submitInPlace(event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-lead-form]")) return;
    var box = form.closest("[data-lead-cta]");
    if (!box || !window.fetch) return;
    event.preventDefault();
    if (form.dataset.sending) return; // a double click sends once
    form.dataset.sending = "1";
    var button = form.querySelector("button[type=submit]");
    if (button) button.setAttribute("aria-disabled", "true");
    box.setAttribute("aria-busy", "true");
    fillFirstTouch(form);
    window
      .fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "X-Requested-With": "leadsite", Accept: "text/html" },
        credentials: "same-origin",
      })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!html) throw new Error("empty response");
          box.innerHTML = html;
          box.removeAttribute("aria-busy");
          focusResult(box);
        });
      })
      .catch(function () {
        // Network trouble: fall back to the plain form post, which keeps what was typed.
        delete form.dataset.sending;
        box.removeAttribute("aria-busy");
        form.submit();
      });
  }

  document.addEventListener("submit", submitInPlace);
  document.querySelectorAll("[data-lead-form]").forEach(fillFirstTouch);
})();
