// Progressive enhancement only: every page works without it.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.openDialog);
    if (dialog && dialog.showModal) { event.preventDefault(); dialog.showModal(); }
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) { event.preventDefault(); closer.closest("dialog").close(); }
});
// A confirm question before a form that asks for one: <form data-confirm="Cancel these messages?">
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
// "Select all" boxes: <input type="checkbox" data-select-all="invoice">
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (all) {
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach((box) => {
      box.checked = all.checked; box.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  const box = event.target.closest("input[type=checkbox]");
  if (box && box.closest("tr")) box.closest("tr").classList.toggle("selected", box.checked);
});
// A running "3 selected · $4,214.93" while invoices are ticked: <form data-selection-total data-currency="USD">
// around rows with data-pay-today (minor units: what paying in full today costs, discounts taken).
const selectionSummary = (form) => {
  const shown = form.querySelector("[data-selection-summary]");
  if (!shown) return;
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: form.dataset.currency || "USD" });
  const digits = format.resolvedOptions().maximumFractionDigits;
  let count = 0, minor = 0;
  form.querySelectorAll("input[type=checkbox][name=invoice]:checked").forEach((box) => {
    count += 1;
    minor += Number(box.closest("tr").dataset.payToday || 0);
  });
  shown.textContent = count ? `${count} selected · ${format.format(minor / 10 ** digits)}`
    : "Select the invoices the caller wants to pay.";
  shown.classList.toggle("muted", !count);
};
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-selection-total]");
  if (form) selectionSummary(form);
});
document.querySelectorAll("form[data-selection-total]").forEach(selectionSummary);
