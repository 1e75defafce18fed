// The segment editor (templates/mailings/admin/segments/_conditions.html): each row shows only
// the value input its condition uses (a list to pick from, a property key, a number or text).
// Without JavaScript every input shows, and the server checks the row all the same.
(function () {
  "use strict";
  const section = document.querySelector("[data-mailings-conditions]");
  if (!section) return;

  function update(row) {
    const select = row.querySelector("[data-mailings-condition]");
    const chosen = select ? select.value : "";
    for (const wrapper of row.querySelectorAll("[data-mailings-input]")) {
      const input = wrapper.querySelector("[data-mailings-uses]");
      const uses = input ? input.dataset.mailingsUses.split(" ") : [];
      wrapper.hidden = !chosen || !uses.includes(chosen);
    }
  }

  for (const row of section.querySelectorAll(".mailings-conditions__row")) {
    update(row);
    row.addEventListener("change", (event) => {
      if (event.target.matches("[data-mailings-condition]")) update(row);
    });
  }
})();
