// Print buttons (CSP forbids inline handlers): any element with data-print opens the print dialog.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
