// The patrol form keeps its draft on the phone (localStorage) so a dropped connection loses
// nothing: every change is saved, the draft comes back when the form is opened again, and a form
// sent while offline waits and is sent when the connection returns. Photos and the GPX file
// cannot be kept in localStorage: the page says so. CSP forbids inline script, hence this file.
(() => {
  const form = document.querySelector("form[data-draft-key]");
  const done = document.querySelector("[data-draft-clear]");
  if (done) {
    localStorage.removeItem(done.dataset.draftClear);
  }
  if (!form) {
    return;
  }
  const key = form.dataset.draftKey;
  const status = form.querySelector("[data-draft-status]");
  const skip = new Set(["csrfmiddlewaretoken", "photos", "gpx"]);
  const say = (text) => {
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  };

  const save = () => {
    const values = {};
    for (const element of form.elements) {
      if (!element.name || skip.has(element.name) || element.type === "file") continue;
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) values[element.name] = element.type === "checkbox" ? "on" : element.value;
      } else {
        values[element.name] = element.value;
      }
    }
    localStorage.setItem(key, JSON.stringify({ saved: Date.now(), values }));
  };

  const restore = () => {
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      draft = null;
    }
    if (!draft || !draft.values || form.dataset.bound === "true") return;
    for (const element of form.elements) {
      if (!element.name || skip.has(element.name) || !(element.name in draft.values)) continue;
      const value = draft.values[element.name];
      if (element.type === "radio") element.checked = element.value === value;
      else if (element.type === "checkbox") element.checked = value === "on";
      else element.value = value;
    }
    say(form.dataset.draftRestored);
  };

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", (event) => {
    save();
    if (!navigator.onLine) {
      event.preventDefault();
      say(form.dataset.draftOffline);
      window.addEventListener("online", () => form.requestSubmit(), { once: true });
    }
  });
})();
