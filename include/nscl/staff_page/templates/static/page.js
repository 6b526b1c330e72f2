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

  // ---- Actions: a confirmation for what leaves the page, a busy state, one effect per click.
  // A form may say data-confirm="question" (its submit button too); the approval of the
  // editorial tab is asked here by its address.
  var DEFAULT_CONFIRM = {
    "editorial/approve": function (form) {
      var withdraw = form.querySelector("input[name=action][value=withdraw]");
      if (withdraw) return "Hủy phê duyệt nội dung báo cáo? Bản tạo sau đó sẽ lại mang chữ DỰ THẢO.";
      // "Phê duyệt nội dung…" only shows what becomes final; the question is asked once, there.
      if (!form.querySelector("input[name=confirmed][value='1']")) return null;
      return "Phê duyệt nội dung báo cáo? Bản báo cáo tạo sau đó không còn chữ DỰ THẢO và ghi tên bạn là người phê duyệt.";
    }
  };
  var submitting = false;

  function token() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function confirmText(form, submitter) {
    var text = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text) return text;
    var action = form.getAttribute("action") || "";
    for (var key in DEFAULT_CONFIRM) {
      if (action.slice(-key.length) === key) return DEFAULT_CONFIRM[key](form);
    }
    return null;
  }

  function busy(form, submitter) {
    form.setAttribute("data-busy", "1");
    form.setAttribute("aria-busy", "true");
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])");
    var main = submitter || buttons[0];
    // Disabled after the browser has read the form (a disabled button sends no value).
    window.setTimeout(function () {
      buttons.forEach(function (b) { b.disabled = true; });
      if (main) {
        main.classList.add("is-busy");
        main.textContent = main.getAttribute("data-busy") || "Đang xử lý…";
      }
    }, 0);
    var note = document.createElement("span");
    note.className = "busy-note";
    note.setAttribute("role", "status");
    note.textContent = form.getAttribute("data-busy-note") || "Đang xử lý, xin chờ trong giây lát…";
    (main && main.parentNode ? main.parentNode : form).appendChild(note);
  }

  function setupActions() {
    document.querySelectorAll("form").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
      var once = token();
      form.addEventListener("submit", function (ev) {
        if (form.getAttribute("data-busy")) { ev.preventDefault(); return; }  // a second click
        var question = confirmText(form, ev.submitter);
        if (question && !window.confirm(question)) { ev.preventDefault(); return; }
        // getAttribute: a field named "action" (the approval form has one) hides form.action.
        var url = new URL(form.getAttribute("action") || "", window.location.href);
        url.searchParams.set("once", once);
        form.setAttribute("action", url.toString());
        submitting = true;
        busy(form, ev.submitter);
      });
    });
    // Back to a page kept by the browser: the forms are usable again, with new tokens.
    window.addEventListener("pageshow", function (ev) {
      if (ev.persisted) window.location.reload();
    });
  }

  // ---- Editing without loss: every text area of a form that changes data keeps what was typed
  // in this browser (localStorage) until the page shows it saved; leaving the page with text
  // typed and not sent asks first.
  var DRAFT_PREFIX = "nscl-draft:";

  function draftKey(area) {
    var form = area.form;
    var parts = [];
    if (form) {
      form.querySelectorAll("input[type=hidden]").forEach(function (h) {
        if (h.name && h.name !== "once") parts.push(h.name + "=" + h.value);
      });
    }
    parts.sort();
    return DRAFT_PREFIX + window.location.pathname + "|" + parts.join("&") + "|" + (area.name || area.id);
  }

  // dd/mm/yyyy HH:MM in Vietnam time, as the page shows every time (whatever the PC's zone).
  function hhmm(ms) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
  }

  function setupDrafts() {
    var areas = Array.prototype.filter.call(document.querySelectorAll("form textarea"), function (a) {
      return (a.form.getAttribute("method") || "").toLowerCase() === "post" && !a.readOnly && !a.disabled;
    });
    areas.forEach(function (area) {
      var key = draftKey(area);
      var saved = area.defaultValue;
      var draft = null;
      try { draft = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
      if (draft && draft.text === saved) {
        window.localStorage.removeItem(key);  // what was typed is now the saved text
      } else if (draft && typeof draft.text === "string") {
        area.value = draft.text;
        var note = document.createElement("div");
        note.className = "msg info draft-note";
        note.setAttribute("role", "status");
        var changed = draft.base !== saved;
        note.textContent = "Nội dung chưa lưu, gõ lúc " + hhmm(draft.at) + ", đã được giữ lại" +
          (changed ? " (nội dung đã lưu trên máy chủ đã thay đổi sau đó: hãy đối chiếu trước khi lưu)" : "") +
          ". Bấm lưu để ghi lại. ";
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "btn light small draft-drop";
        drop.textContent = "Bỏ nội dung chưa lưu";
        drop.addEventListener("click", function () {
          window.localStorage.removeItem(key);
          area.value = saved;
          note.remove();
        });
        note.appendChild(drop);
        area.parentNode.insertBefore(note, area);
      }
      area.addEventListener("input", function () {
        try {
          if (area.value === saved) window.localStorage.removeItem(key);
          else window.localStorage.setItem(key, JSON.stringify({ text: area.value, base: saved, at: Date.now() }));
        } catch (e) { /* storage full or refused: the warning on leaving still protects */ }
      });
    });
    window.addEventListener("beforeunload", function (ev) {
      if (submitting) return;  // a save: the other sections' text is kept as drafts
      var dirty = areas.some(function (a) { return a.value !== a.defaultValue; });
      if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
    });
  }

  // ---- The result of an action where the user is looking: scroll to it.
  function showResult() {
    var params = new URLSearchParams(window.location.search);
    var section = params.get("saved");
    var target = null;
    if (section && /^[a-z_]+$/.test(section)) {
      var card = document.getElementById("ed-" + section);
      var saved = document.getElementById("ed-saved");
      if (card && saved) {
        // Moved next to the section just saved (not left at the top, out of view).
        saved.setAttribute("role", "status");
        card.insertBefore(saved, card.children[1] || null);
        target = card;
      }
    }
    target = target || document.querySelector("[data-result]");
    if (target) {
      target.scrollIntoView({ block: "center" });
      if (target.focus) target.focus({ preventScroll: true });
    }
  }

  // ---- File picker in Vietnamese: the label is the button, the browser's own input is hidden.
  function setupFilePickers() {
    document.querySelectorAll("input[type=file].vi-file").forEach(function (input) {
      var name = document.getElementById(input.id + "-name");
      input.addEventListener("change", function () {
        if (name) name.textContent = input.files && input.files.length ? input.files[0].name : "Chưa chọn tệp nào";
      });
    });
  }

  // ---- "Đang tạo bản PDF…": while a listing shows a PDF still being made, ask the server every
  // few seconds (pdf-status) and turn the note into the download link once it is there. Nothing
  // is asked when no PDF is pending. Without the script the note is already a link whose download
  // waits for the PDF.
  var PDF_POLL_MS = 3000;
  var PDF_POLL_MAX = 200; // about ten minutes, then the note stays as it is (the link still works)
  function setupPdfPoll() {
    var polls = 0;
    function pending() {
      return Array.prototype.slice.call(document.querySelectorAll("a.pdf-pending[data-pdf-name]"));
    }
    function tick() {
      var links = pending();
      if (!links.length || polls++ >= PDF_POLL_MAX) return;
      var byYear = {};
      links.forEach(function (a) {
        var y = a.getAttribute("data-pdf-year");
        (byYear[y] = byYear[y] || []).push(a);
      });
      var asks = Object.keys(byYear).map(function (y) {
        var q = new URLSearchParams({ year: y });
        byYear[y].forEach(function (a) { q.append("name", a.getAttribute("data-pdf-name")); });
        var base = byYear[y][0].href.replace(/files\/reports\/.*$/, "pdf-status");
        return fetch(base + "?" + q.toString(), {
          credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store"
        }).then(function (r) { return r.ok ? r.json() : {}; }).then(function (states) {
          byYear[y].forEach(function (a) {
            var state = states[a.getAttribute("data-pdf-name")];
            if (state === "ready") {
              a.classList.remove("pdf-pending");
              a.textContent = a.getAttribute("data-ready-text") || "PDF";
              a.removeAttribute("title");
            } else if (state === "failed") {
              a.classList.remove("pdf-pending");
              a.textContent = "Chưa tạo được bản PDF, bấm để thử lại";
              a.setAttribute("title", "Máy chủ chưa chuyển được tệp Word sang PDF; bấm để thử lại, hoặc tải tệp Word.");
            }
          });
        });
      });
      Promise.all(asks).catch(function () { /* offline a moment: ask again next time */ })
        .then(function () { if (pending().length) window.setTimeout(tick, PDF_POLL_MS); });
    }
    if (pending().length) window.setTimeout(tick, PDF_POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select.autosubmit").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    setupActions();
    setupDrafts();
    setupFilePickers();
    setupStatus();
    setupPdfPoll();
    showResult();
  });
})();
