// The staff page's only script (no inline script: the page's Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select.autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
});
