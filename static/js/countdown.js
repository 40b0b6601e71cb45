/* Live countdowns for the plan's deadlines (预案时限). Plain JS, no dependencies.
 *
 * Markup: <span class="countdown" data-due="1764400000" data-now="1764396400">剩余 …</span>, times
 * as Unix seconds (or ISO 8601). The server renders the same text, so the page is right without
 * JavaScript; this only keeps it ticking. A wrong clock on the phone does not matter: the
 * countdown runs from the server's time at render (data-now).
 */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The page's language (<html lang>): the server renders the same words in zh-hans or en.
  var english = (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;

  function durationText(seconds) {
    var days = Math.floor(seconds / 86400);
    var rest = seconds % 86400;
    var hours = Math.floor(rest / 3600);
    rest = rest % 3600;
    var minutes = Math.floor(rest / 60);
    var secs = rest % 60;
    if (english) {
      if (days) { return days + " d " + hours + " h " + pad(minutes) + " min"; }
      if (hours) { return hours + " h " + pad(minutes) + " min"; }
      return minutes + " min " + pad(secs) + " s";
    }
    if (days) { return days + "天" + hours + "小时" + pad(minutes) + "分"; }
    if (hours) { return hours + "小时" + pad(minutes) + "分"; }
    return minutes + "分" + pad(secs) + "秒";
  }

  function parseTime(value) {
    if (!value) { return NaN; }
    return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  }

  function update(el, skew) {
    var due = parseTime(el.getAttribute("data-due"));
    if (isNaN(due)) { return; }
    var seconds = Math.floor((due - (Date.now() + skew)) / 1000);
    var overdue = seconds < 0;
    var text = durationText(Math.abs(seconds));
    if (english) {
      el.textContent = overdue ? "overdue by " + text : text + " left";
    } else {
      el.textContent = overdue ? "已超时 " + text : "剩余 " + text;
    }
    el.classList.toggle("overdue", overdue);
    var row = el.closest("tr");
    if (row && !row.classList.contains("met")) { row.classList.toggle("overdue", overdue); }
  }

  function start() {
    // Looked up on every tick: a panel the dashboard re-fetched (htmx) keeps counting too.
    var skew = null;
    function tick() {
      var items = document.querySelectorAll(".countdown[data-due]");
      if (!items.length) { return; }
      if (skew === null) {
        var serverNow = parseTime(items[0].getAttribute("data-now"));
        skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
      }
      for (var i = 0; i < items.length; i++) { update(items[i], skew); }
    }
    tick();
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
