// Lead forms, enhanced. Without this file every form still works (POST, then a thank-you page).
// With it: the visit's first touch is posted with the form, forms submit in place, and each CTA
// that scrolls into view is counted once (an anonymous impression, see watchImpressions).
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

  // The server failed on a form that carried the first touch: never post it again in this
  // tab (every form would carry it), so one odd landing URL cannot cost the visit's leads.
  function forgetFirstTouch() {
    firstTouch = null;
    try {
      window.sessionStorage.removeItem(KEY);
    } catch (error) {
      // storage disabled: nothing was kept
    }
    document.querySelectorAll("[data-lead-form]").forEach(function (form) {
      if (form.elements.first_landing) form.elements.first_landing.value = "";
      if (form.elements.first_referrer) form.elements.first_referrer.value = "";
    });
  }

  function focusResult(box) {
    var target = box.querySelector("[aria-invalid=true]") || box.querySelector("[data-focus]") ||
      box.querySelector(".form-errors");
    if (target) target.focus();
  }

  // A form with a file goes as multipart (the browser sets its boundary); others as the
  // urlencoded body a plain form post sends.
  function formBody(form) {
    var data = new FormData(form);
    return form.querySelector("input[type=file]") ? data : new URLSearchParams(data);
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
    var email = form.elements.email ? form.elements.email.value.trim() : "";
    window
      .fetch(form.action, {
        method: "POST",
        body: formBody(form),
        headers: { "X-Requested-With": "leadsite", Accept: "text/html" },
        credentials: "same-origin",
      })
      .then(function (response) {
        // 503: the database is restarting (leadsite/outage.py), not a fault of what was sent.
        if (response.status >= 500 && response.status !== 503) forgetFirstTouch();
        if (response.headers.get("X-Lead-Keep-Form")) {
          return response.text().then(function (html) {
            keepForm(form, box, html);
          });
        }
        // A form on a landing page: its thank-you has a URL of its own (ad platforms count
        // conversions by URL). Go there; that page announces the conversion when it loads.
        var thanksUrl = ownThanksUrl(response);
        if (thanksUrl) {
          remember(email);
          window.location.assign(thanksUrl);
          return;
        }
        return response.text().then(function (html) {
          if (!html) throw new Error("empty response");
          box.innerHTML = html;
          box.removeAttribute("aria-busy");
          focusResult(box);
          var thanks = box.querySelector("[data-lead-thanks]");
          if (thanks) converted(thanks, email);
        });
      })
      .catch(function () {
        // Network trouble: fall back to the plain form post, which keeps what was typed.
        delete form.dataset.sending;
        box.removeAttribute("aria-busy");
        form.submit();
      });
  }

  // The database was away before the form could be built (a 503 with X-Lead-Keep-Form, from
  // leads/capture/views.py): the form stays as typed, files included, with the answer's message
  // at its top, ready to be sent again.
  function keepForm(form, box, html) {
    var earlier = form.querySelector(".form-errors");
    if (earlier) earlier.remove();
    form.insertAdjacentHTML("afterbegin", html);
    delete form.dataset.sending;
    var button = form.querySelector("button[type=submit]");
    if (button) button.removeAttribute("aria-disabled");
    box.removeAttribute("aria-busy");
    var message = form.querySelector("[data-lead-outage]");
    if (message) message.focus();
  }

  // A conversion: the thank-you is on screen. Analytics and ad tools count it from one
  // documented event (docs/leads.md, "Counting conversions"): `leadsite:conversion` on document
  // with {cta, kind}, and the same in window.dataLayer when a tag manager has set one up. The
  // no-JS thank-you page (its own URL, /leads/thanks/...) sends the same event on load.
  function announce(thanks) {
    if (thanks.dataset.announced) return;
    thanks.dataset.announced = "1";
    var detail = { cta: thanks.dataset.cta, kind: thanks.dataset.kind };
    document.dispatchEvent(new CustomEvent("leadsite:conversion", { detail: detail }));
    if (Array.isArray(window.dataLayer)) {
      window.dataLayer.push({ event: "leadsite_conversion", cta: detail.cta, kind: detail.kind });
    }
  }

  // Someone who just gave their email is not asked for it again on this page, nor on the next
  // pages of this visit: the address is kept in sessionStorage (this tab only) and the other
  // forms' email fields are filled in and folded away behind "as you@example.com (change)".
  // Pages come from a shared cache, so this happens here, never in the HTML; without JS
  // every form simply asks.
  var EMAIL_KEY = "leadsite.email";

  function knownEmail() {
    try {
      return window.sessionStorage.getItem(EMAIL_KEY) || "";
    } catch (error) {
      return "";
    }
  }

  function foldEmail(form, email) {
    var input = form.elements.email;
    if (!input || !email || form.querySelector(".lead-form__as")) return;
    var field = input.closest(".field");
    if (!field || field.classList.contains("field--error")) return;
    input.value = email;
    field.hidden = true;
    var note = document.createElement("p");
    note.className = "lead-form__as";
    note.textContent = "As " + email + " ";
    var change = document.createElement("button");
    change.type = "button";
    change.className = "lead-form__change";
    change.textContent = "Change";
    change.setAttribute("aria-label", "Change email address " + email);
    change.addEventListener("click", function () {
      field.hidden = false;
      note.remove();
      input.focus();
    });
    note.appendChild(change);
    field.parentNode.insertBefore(note, field);
  }

  function foldAll(email) {
    if (!email) return;
    document.querySelectorAll("[data-lead-form]").forEach(function (form) {
      foldEmail(form, email);
    });
  }

  function remember(email) {
    if (!email) return;
    try {
      window.sessionStorage.setItem(EMAIL_KEY, email);
    } catch (error) {
      // storage disabled: this page still folds its other forms
    }
  }

  function converted(thanks, email) {
    announce(thanks);
    if (!email) return;
    remember(email);
    foldAll(email);
  }

  // The thank-you URL the server named (X-Lead-Thanks-URL), on this site only.
  function ownThanksUrl(response) {
    var value = response.ok && response.headers.get("X-Lead-Thanks-URL");
    if (!value) return null;
    try {
      var url = new URL(value, window.location.href);
      return url.origin === window.location.origin ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  document.addEventListener("submit", submitInPlace);
  foldAll(knownEmail());
  document.querySelectorAll("[data-lead-thanks]").forEach(announce);
  document.querySelectorAll("[data-lead-form]").forEach(fillFirstTouch);

  // The time trap counts from this page view: the page may come from a cache (the app's or
  // nginx's) with form tokens rendered minutes ago, so each form's token is swapped at once
  // for one the server stamps now (/leads/forms/viewed/, never cached). If that fails, the
  // rendered token stays: it is older, so a person is never taken for a bot.
  function stampForms() {
    var forms = Array.prototype.filter.call(
      document.querySelectorAll("[data-lead-form]"),
      function (form) { return form.elements.token && form.elements.token.value; }
    );
    if (!forms.length || !window.fetch || !window.URLSearchParams) return;
    var body = new URLSearchParams();
    forms.forEach(function (form) { body.append("token", form.elements.token.value); });
    var url = forms[0].action.replace(/\/cta\/\d+\/submit\/?$/, "/forms/viewed/");
    window
      .fetch(url, { method: "POST", body: body, credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.tokens) return;
        forms.forEach(function (form, i) {
          var fresh = answer.tokens[i];
          if (fresh && !form.dataset.sending) form.elements.token.value = fresh;
        });
      })
      .catch(function () {}); // the rendered tokens stay
  }

  stampForms();

  // Impressions: when a CTA box scrolls into view, post its form's signed token (which names
  // the CTA and the page) to /leads/cta/<id>/seen/, once per CTA per page view. Nothing about
  // the visitor is sent or stored, so this works on cached pages without a cookie.
  function sendSeen(url, token) {
    var body = new URLSearchParams({ token: token });
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    if (window.fetch) {
      window.fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" })
        .catch(function () {}); // a lost impression is not worth bothering the reader
    }
  }

  function watchImpressions() {
    // Previews in the admin are framed: editors reading a draft are not readers.
    if (!("IntersectionObserver" in window) || window.self !== window.top) return;
    var seen = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var box = entry.target;
        var visible = entry.intersectionRect.height;
        // Half the box in view, or half the screen filled by a box taller than it.
        if (!entry.isIntersecting ||
            (entry.intersectionRatio < 0.5 && visible < window.innerHeight / 2)) return;
        observer.unobserve(box);
        var form = box.querySelector("[data-lead-form]");
        var token = form && form.elements.token;
        if (!token || !token.value) return;
        var url = form.action.replace(/\/submit\/?$/, "/seen/");
        if (seen[url]) return;
        seen[url] = true;
        sendSeen(url, token.value);
      });
    }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
    document.querySelectorAll("[data-lead-cta]").forEach(function (box) {
      observer.observe(box);
    });
  }

  watchImpressions();

  // Questions shown on a condition ("Which CRM?" once "Do you use a CRM?" is Yes): shown and
  // hidden as the reader answers. A hidden question's inputs are disabled, so they are not
  // sent; the server drops their answers anyway. Without this file every question is on the
  // page, each conditional one saying when it applies.
  function answersOf(form, name) {
    var element = form.elements[name];
    if (!element) return [];
    var inputs = element.length !== undefined && !element.options ? element : [element];
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.disabled) return;
      if (input.options) {
        if (input.value) values.push(input.value);
      } else if (input.type === "checkbox" && inputs.length === 1 && input.value === "on") {
        values.push(input.checked ? "yes" : "no"); // a consent box
      } else if ((input.type === "checkbox" || input.type === "radio")) {
        if (input.checked) values.push(input.value);
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function applyConditions(form) {
    // In form order, so that a question hidden by its own condition hides those after it.
    form.querySelectorAll("[data-show-if]").forEach(function (field) {
      var wanted = field.dataset.showAnswers.split(",");
      var shown = answersOf(form, field.dataset.showIf).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      field.hidden = !shown;
      field.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  // Multi-step forms: one step at a time. "Next" asks the server to check the steps so far
  // (through_step), which answers with the form at the next step or with this step's errors;
  // "Back" only shows the step before. The last step's button sends the form.
  function showStep(form, number) {
    var steps = form.querySelectorAll(".lead-form__step");
    var last = steps.length - 1;
    number = Math.max(0, Math.min(number, last));
    form.dataset.currentStep = String(number);
    steps.forEach(function (step, index) { step.hidden = index !== number; });
    var actions = form.querySelector(".lead-form__actions");
    var submit = actions.querySelector("[data-lead-submit]");
    var back = actions.querySelector("[data-lead-back]");
    var next = actions.querySelector("[data-lead-next]");
    if (!back) {
      back = document.createElement("button");
      back.type = "button";
      back.className = "button button--secondary";
      back.dataset.leadBack = "";
      back.textContent = "Back";
      back.addEventListener("click", function () {
        showStep(form, Number(form.dataset.currentStep) - 1);
        focusStep(form);
      });
      next = document.createElement("button");
      next.type = "button";
      next.className = "button";
      next.dataset.leadNext = "";
      next.textContent = "Next";
      next.addEventListener("click", function () { checkStep(form); });
      actions.insertBefore(back, submit);
      actions.insertBefore(next, submit);
    }
    back.hidden = number === 0;
    next.hidden = number === last;
    submit.hidden = number !== last;
  }

  function focusStep(form) {
    var step = form.querySelector(".lead-form__step:not([hidden])");
    var first = step && step.querySelector("input:not([disabled]), select, textarea");
    if (first) first.focus();
  }

  function checkStep(form) {
    var box = form.closest("[data-lead-cta]");
    if (!box || !window.fetch) return form.submit();
    fillFirstTouch(form);
    // "Next" checks the answers so far; a file is sent once, with the last step.
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") body.append(name, value);
    });
    body.set("through_step", form.dataset.currentStep);
    box.setAttribute("aria-busy", "true");
    window
      .fetch(form.action, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "leadsite", Accept: "text/html" },
        credentials: "same-origin",
      })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!html) throw new Error("empty response");
          box.innerHTML = html;
          box.removeAttribute("aria-busy");
          var fresh = box.querySelector("[data-lead-form]");
          if (fresh) enhanceForm(fresh);
          if (response.ok && fresh) focusStep(fresh);
          else focusResult(box);
        });
      })
      .catch(function () {
        box.removeAttribute("aria-busy");
        form.submit(); // every step on one page, checked as a whole
      });
  }

  function enhanceForm(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    form.querySelectorAll("[data-condition-note]").forEach(function (note) { note.hidden = true; });
    applyConditions(form);
    form.addEventListener("change", function () { applyConditions(form); });
    if (form.querySelector(".lead-form__step")) {
      form.classList.add("lead-form--stepped");
      showStep(form, Number(form.dataset.currentStep || 0));
    }
  }

  function enhanceAll(root) {
    root.querySelectorAll("[data-lead-form]").forEach(enhanceForm);
  }

  enhanceAll(document);

  // Progressive profiling (leads/capture/recognition.py): a person we know, from a form sent
  // in this browser or a confirmed email link, gets their own form in place of the page's
  // (which is shared and cached): not asked again what we know, asked a new question or two
  // instead. The server says 204 when there is nothing to change. A form someone has started
  // typing in is left alone.
  function knowsPerson() {
    return /(?:^|;\s*)leadsite_known_js=1(?:;|$)/.test(document.cookie);
  }

  function askKnownForms() {
    if (!knowsPerson() || !window.fetch) return;
    document.querySelectorAll("[data-lead-form]").forEach(function (form) {
      var token = form.elements.token;
      if (!token) return;
      form.addEventListener("input", function () { form.dataset.touched = "1"; });
      var url = form.action.replace(/\/submit\/?$/, "/form/") +
        "?token=" + encodeURIComponent(token.value);
      window
        .fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.status === 200 ? response.text() : ""; })
        .then(function (html) {
          if (!html || form.dataset.touched || form.dataset.sending || !form.isConnected) return;
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("[data-lead-form]");
          if (!fresh) return;
          form.replaceWith(fresh);
          fillFirstTouch(fresh);
          foldEmail(fresh, knownEmail());
          enhanceForm(fresh);
        })
        .catch(function () {}); // the page's form stays: it asks a little more, that is all
    });
  }

  askKnownForms();
  // A CTA box refilled by submitInPlace (errors, a new form) is enhanced again.
  if ("MutationObserver" in window) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.target.nodeType === 1) enhanceAll(change.target);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
