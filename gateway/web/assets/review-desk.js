/*
 * The review desk's keys (docs/web.md#review-desk): j/k or ↓/↑ select the next/previous survey, i opens the reason
 * form of the selected one (Enter saves, Esc closes), v marks it valid, c opens its CCTV link, u undoes the user's
 * last review. Each key presses a button that is on the page for the mouse and the phone too; htmx posts it and swaps
 * #desk, after which the selection comes back (to the next survey after a saved review). Keys typed into a field are
 * left alone. A 400/404/409 answer is a message in words on the desk: htmx is told to show it.
 */
(() => {
  let current = null;
  let pending = null;

  const rows = () => Array.from(document.querySelectorAll("#surveys tr[data-survey]"));

  function select(row) {
    if (!row) return;
    for (const r of document.querySelectorAll("#surveys tr.selected")) {
      r.classList.remove("selected");
      r.removeAttribute("aria-selected");
    }
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    current = row.dataset.survey;
    row.scrollIntoView({ block: "nearest" });
  }

  function selected() {
    const all = rows();
    return all.find((r) => r.dataset.survey === current) || null;
  }

  function move(step) {
    const all = rows();
    if (all.length === 0) return;
    const i = all.findIndex((r) => r.dataset.survey === current);
    select(all[Math.min(all.length - 1, Math.max(0, i < 0 ? 0 : i + step))]);
  }

  function submit(form) {
    if (form) form.requestSubmit();
  }

  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t instanceof HTMLElement && t.closest("input, textarea, select")) {
      if (e.key === "Escape") {
        const d = t.closest("details");
        if (d) d.open = false;
        t.blur();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const row = selected();
    switch (e.key) {
      case "j":
      case "ArrowDown":
        move(1);
        break;
      case "k":
      case "ArrowUp":
        move(-1);
        break;
      case "v":
        if (!row) return;
        submit(row.querySelector('button[data-key="v"]')?.form);
        break;
      case "i": {
        const d = row?.querySelector('details[data-key="i"]');
        if (!d) return;
        d.open = true;
        d.querySelector('input[name="reason"]')?.focus();
        break;
      }
      case "c": {
        const a = row?.querySelector("a[data-cctv]");
        if (!a) return;
        window.open(a.href, "_blank", "noopener");
        break;
      }
      case "u":
        submit(document.querySelector('button[data-key="u"]')?.form);
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  document.addEventListener("click", (e) => {
    const row = e.target instanceof Element ? e.target.closest("#surveys tr[data-survey]") : null;
    if (row) select(row);
  });

  document.addEventListener("htmx:beforeRequest", (e) => {
    const row = e.target instanceof Element ? e.target.closest("#surveys tr[data-survey]") : null;
    pending = row ? rows().indexOf(row) : null;
  });

  document.addEventListener("htmx:beforeSwap", (e) => {
    const s = e.detail.xhr.status;
    if ((s === 400 || s === 404 || s === 409) && e.detail.target.id === "desk") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", () => {
    const ok = document.querySelector('#desk [role="status"]') !== null;
    const all = rows();
    if (ok && pending !== null && all.length > 0) select(all[Math.min(all.length - 1, pending + 1)]);
    else select(selected() || all[0]);
    pending = null;
  });

  const start = () => select(rows()[0]);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
