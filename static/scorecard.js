/* Scorecard drafts: nothing typed is lost.
 * - Every change is copied to localStorage at once (marked "unsynced").
 * - A debounced autosave posts the form; on success the copy is marked synced.
 * - On load, an unsynced copy that differs from the page is restored (e.g. after a
 *   session timeout and a new login) and saved again, but only when it is newer than the
 *   version the server holds (data-server-saved): text saved later from another device
 *   or tab is never overwritten by an old copy. Times are compared on the server's clock
 *   (data-server-now gives the offset), so a wrong clock in this browser cannot decide.
 * The page works without this script: the Save draft and Submit buttons post normally. */
(function () {
  "use strict";
  var cleared = document.querySelectorAll("[data-clear-draft]");
  cleared.forEach(function (el) { localStorage.removeItem(el.getAttribute("data-clear-draft")); });

  var form = document.getElementById("scorecard-form");
  if (!form) return;
  var key = form.dataset.storageKey;
  var url = form.dataset.autosaveUrl;
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name='lock_version']");
  var SKIP = { csrf_token: true, lock_version: true, action: true, reason: true };
  var serverSaved = Date.parse(form.dataset.serverSaved);
  var offset = (Date.parse(form.dataset.serverNow) - Date.now()) || 0;
  function serverNow() { return new Date(Date.now() + offset); }
  var timer = null, stopped = false, busy = false, again = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = "autosave-status" + (kind ? " " + kind : "");
  }

  function values() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (SKIP[name]) return;
      (data[name] = data[name] || []).push(String(value));
    });
    return data;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function keepLocal(synced) {
    try {
      localStorage.setItem(key, JSON.stringify({ fields: values(), synced: synced,
                                                 at: serverNow().toISOString() }));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }

  function apply(fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name]) return;
      var given = fields[el.name] || [];
      if (el.type === "radio") {
        if (fields[el.name]) el.checked = given.indexOf(el.value) !== -1;
      } else if (el.type === "checkbox") {
        el.checked = given.indexOf(el.value) !== -1;
      } else if (el.tagName === "TEXTAREA" || el.type === "text") {
        el.value = given.length ? given[0] : "";
      }
    });
  }

  function describe(name) {
    /* A field's name as the page shows it: its dimension, or its label. */
    var el = form.querySelector("[name='" + name + "']");
    if (!el) return name;
    var group = el.closest("fieldset");
    var legend = group && group.querySelector("legend");
    var label = form.querySelector("label[for='" + el.id + "']");
    var text = (legend || label || el).textContent.replace(/\s+/g, " ").trim()
      .replace(/ \d[\d.]*%.*$/, "");  // the weight and focus badges
    if (name.indexOf("evidence_") === 0) return "evidence for " + text;
    if (name.indexOf("rating_") === 0) return "rating for " + text;
    return text;
  }

  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw) return false;
    var copy;
    try { copy = JSON.parse(raw); } catch (e) { return false; }
    var current = values();
    if (copy.synced || same(copy.fields, current)) return false;
    var when = new Date(copy.at);
    if (!isNaN(serverSaved) && !(when.getTime() > serverSaved)) {  // NaN: never saved
      localStorage.removeItem(key);
      say("A copy typed in this browser (" + when.toLocaleString() + ") is older than the " +
          "version saved at " + new Date(serverSaved).toLocaleString() + " (another tab or " +
          "device), so the saved version is shown.", "warn");
      return false;
    }
    var changed = Object.keys(copy.fields).concat(Object.keys(current)).filter(function (name, i, all) {
      return all.indexOf(name) === i && !same(copy.fields[name] || [], current[name] || []);
    });
    apply(copy.fields);
    say("Restored what you typed in this browser (" + when.toLocaleString() + ") that had " +
        "not reached the server yet: " + changed.map(describe).join("; ") + ".", "warn");
    return true;
  }

  function sessionEnded() {
    stopped = true;
    status.innerHTML = "";
    var text = document.createTextNode("Your session has ended. What you typed is kept in " +
                                       "this browser and comes back after you ");
    var link = document.createElement("a");
    link.href = form.dataset.loginUrl;
    link.textContent = "log in again";
    status.appendChild(text); status.appendChild(link);
    status.appendChild(document.createTextNode("."));
    status.className = "autosave-status warn";
  }

  function send() {
    if (!url || stopped) return;
    if (busy) { again = true; return; }
    busy = true;
    var body = new FormData(form);
    body.delete("action");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                 headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) {
          sessionEnded(); return null;
        }
        return response.json().catch(function () {
          return { ok: false, message: "the server answered " + response.status + "." };
        }).then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (result) {
        if (!result) return;
        if (result.data.ok) {
          version.value = result.data.version;
          keepLocal(true);
          say("Draft saved " + new Date().toLocaleTimeString() + ".", "ok");
        } else if (result.data.error === "conflict") {
          stopped = true;
          say(result.data.message, "warn");
        } else if (result.data.error === "invalid") {
          var first = Object.keys(result.data.fields)[0];
          say("Not saved yet: " + result.data.fields[first].join(" "), "warn");
        } else {
          stopped = true;  // the same request would fail again: say why, keep the text
          say("Not saved: " + (result.data.message || result.data.error || "the server " +
              "refused it.") + " Your text is kept in this browser; reload the page.", "warn");
        }
      })
      .catch(function () {
        say("Offline? Your text is kept in this browser; saving again shortly.", "warn");
        setTimeout(send, 5000);
      })
      .then(function () {
        busy = false;
        if (again) { again = false; send(); }
      });
  }

  function changed() {
    keepLocal(false);
    clearTimeout(timer);
    timer = setTimeout(send, 1200);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { keepLocal(false); clearTimeout(timer); stopped = true; });
  if (restore()) { changed(); }
})();
