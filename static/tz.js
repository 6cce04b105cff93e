// Tell the server the browser's time zone, so times show in it until the user picks one
// in their preferences. A cookie, not a request: nothing is written on a page view.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
    var field = document.querySelector("select[data-browser-zone]");
    if (field && !field.value) {
      var hint = document.getElementById("browser-zone");
      if (hint) { hint.textContent = zone; }
    }
  } catch (e) { /* old browsers: UTC it is */ }
})();
