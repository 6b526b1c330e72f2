// The staff page's only script (no inline script: the page's Content-Security-Policy forbids it).
(function () {
  // Airflow 3's UI shows times in the zone kept in localStorage["timezone"] (JSON), else the
  // browser's. The page (same origin) sets Vietnam time when the user has chosen none, so the
  // page and Airflow show the same hours.
  try {
    if (!window.localStorage.getItem("timezone")) {
      window.localStorage.setItem("timezone", JSON.stringify("Asia/Ho_Chi_Minh"));
    }
  } catch (e) { /* storage refused: the footer still says which zone the page uses */ }

  function fold(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  }

  function setupStatus() {
    var table = document.getElementById("status-table");
    var filters = document.getElementById("filters");
    if (!table || !filters) return;
    var search = document.getElementById("search");
    var state = filters.getAttribute("data-initial") || "";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var q = fold(search ? search.value.trim() : "");
      var shown = 0;
      rows.forEach(function (tr) {
        var ok = (!state || tr.getAttribute("data-state") === state) &&
                 (!q || fold(tr.getAttribute("data-search")).indexOf(q) !== -1);
        tr.classList.toggle("hidden", !ok);
        if (ok) shown++;
      });
      filters.querySelectorAll("a.filter").forEach(function (a) {
        a.classList.toggle("on", (a.getAttribute("data-state") || "") === state);
      });
      var none = document.getElementById("no-match");
      if (none) none.classList.toggle("hidden", shown !== 0);
      var note = document.getElementById("shown-note");
      if (note) note.textContent = shown === rows.length ? "" : "Đang hiện " + shown + "/" + rows.length + " cơ quan.";
    }
    filters.querySelectorAll("a.filter").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        state = a.getAttribute("data-state") || "";
        var url = new URL(window.location.href);
        if (state) url.searchParams.set("state", state); else url.searchParams.delete("state");
        window.history.replaceState(null, "", url);
        apply();
      });
    });
    if (search) search.addEventListener("input", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select.autosubmit").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    document.querySelectorAll("form.withdraw-form").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        if (!window.confirm("Rút lại tệp này? Tệp vẫn được lưu trong kho lưu trữ, nhưng không còn được tính.")) ev.preventDefault();
      });
    });
    setupStatus();
  });
})();
