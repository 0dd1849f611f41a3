// Payments: a live total while amounts are edited, one submit per confirm form, a pending payment that
// refreshes itself. Progressive enhancement only: the server computes the exact total on the review step.
(() => {
  const cents = (text) => {
    const clean = String(text || "").replace(/[^0-9.]/g, "");
    if (!clean) return 0;
    const [whole, fraction = ""] = clean.split(".");
    return Number(whole || 0) * 100 + Number((fraction + "00").slice(0, 2));
  };
  const format = (amount, currency) =>
    new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount / 100);

  const update = (form) => {
    let total = 0;
    form.querySelectorAll(".amount-input").forEach((input) => {
      const value = cents(input.value);
      total += value;
      const row = input.closest("[data-pay-line]");
      if (!row) return;
      const short = input.dataset.full !== undefined && value < cents(input.dataset.full);
      row.classList.toggle("short", short);
      const reason = row.querySelector("select");
      if (reason) reason.required = short;
    });
    const shown = form.querySelector("[data-live-total]");
    if (shown) shown.textContent = format(total, form.dataset.currency || "USD");
  };

  document.querySelectorAll("form[data-pay-form]").forEach((form) => {
    form.addEventListener("input", (event) => {
      if (event.target.classList.contains("amount-input")) update(form);
    });
    update(form);
  });

  // A second click while the first submit travels is ignored (the server's one-time nonce is the real guard).
  document.querySelectorAll("form[data-confirm-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "yes";
      const button = form.querySelector("button[type=submit]");
      if (button) setTimeout(() => { button.disabled = true; button.textContent = "Submitting…"; }, 0);
    });
  });

  if (document.querySelector("[data-refresh-while]")) setTimeout(() => window.location.reload(), 3000);
})();
