/*
 * The dashboard's live part (docs/web.md#dashboard): replaces <section id="live"> with each server-sent `live` event
 * and draws the trend with Chart.js. A push waits while a field in the section is being typed in.
 */
(function () {
  var live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  var charts = [];
  var pending = null;
  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    if (!window.Chart) return;
    live.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var d = JSON.parse(canvas.getAttribute("data-chart"));
      charts.push(new Chart(canvas, {
        type: "line",
        data: { labels: d.days, datasets: d.series.map(function (s) { return { label: s.label, data: s.data, spanGaps: true, pointRadius: 2 }; }) },
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { title: { display: true, text: "%" } } } },
      }));
    });
  }
  function typing() {
    var a = document.activeElement;
    return a && live.contains(a) && a.value;
  }
  function swap(text) {
    live.innerHTML = text;
    live.setAttribute("data-pushes", String(Number(live.getAttribute("data-pushes") || 0) + 1));
    draw();
  }
  live.addEventListener("focusout", function () {
    if (pending !== null) setTimeout(function () { if (pending !== null && !typing()) { swap(pending); pending = null; } }, 0);
  });
  var source = new EventSource("/live/events");
  source.addEventListener("open", function () { live.setAttribute("data-connected", "true"); });
  source.addEventListener("live", function (e) {
    if (typing()) pending = e.data;
    else swap(e.data);
  });
  source.addEventListener("end", function () {
    source.close();
    location.href = "/login?next=%2F";
  });
  draw();
})();
