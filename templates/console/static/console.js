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
