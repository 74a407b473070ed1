// Mulin's only own script: send the CSRF token with htmx requests. Everything else works
// without JavaScript (forms post normally), which keeps old phones usable.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});
