// The live console's counters: /live/{id}/events streams them (server-sent
// events, JSON) and this writes them into the page in place. Without it the
// page still shows the counters as they were when it loaded.
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  if (!board || !window.EventSource) return;
  var state = document.getElementById("stream-state");
  var events;

  function show(card, name, n) {
    var el = card.querySelector('[data-counter="' + name + '"]');
    if (el && el.textContent !== String(n)) {
      el.textContent = n;
      el.classList.remove("bump");
      void el.offsetWidth; // restart the highlight
      el.classList.add("bump");
    }
  }

  // retryIn grows (to a minute) while the hub cannot serve the console.
  var retryIn = 2000;
  function later() {
    retryIn = Math.min(retryIn * 2, 60000);
    setTimeout(connect, retryIn);
  }

  function connect() {
    events = new EventSource(board.dataset.events);
    events.onopen = function () {
      if (state) { state.textContent = state.dataset.textOn; state.dataset.stream = "on"; }
    };
    events.onerror = function () {
      if (state) { state.textContent = state.dataset.textOff; state.dataset.stream = "off"; }
      // The browser retries a dropped stream by itself; it gives up when
      // the answer is not a stream, e.g. the sign-in page after the
      // session expired. Then ask for the console: signed out, the hub
      // sends the sign-in page, which brings the seller back here.
      if (events.readyState === EventSource.CLOSED) {
        setTimeout(function () {
          fetch(window.location.href, { credentials: "same-origin" }).then(function (r) {
            if (r.redirected && r.url.indexOf("/login") >= 0) { window.location.href = r.url; return; }
            if (r.ok) { retryIn = 2000; connect(); } else { later(); } // the hub answers but not well: wait longer
          }, later);
        }, retryIn);
      }
    };
    events.onmessage = update;
  }

  function update(e) {
    var d = JSON.parse(e.data);
    document.getElementById("total-sold").textContent = d.sold;
    d.holds.forEach(function (h) {
      var card = document.getElementById("hold-" + h.variant_id);
      if (!card) return;
      show(card, "sold", h.sold);
      show(card, "held", h.held);
      show(card, "elsewhere", h.elsewhere);
      card.dataset.low = String(h.low);
      card.classList.toggle("low", h.low);
      var warn = card.querySelector(".low-hold");
      if (warn) warn.hidden = !h.low;
    });
    board.dataset.updates = String(Number(board.dataset.updates || 0) + 1);
    if (d.status !== board.dataset.status) { // ended elsewhere or at its planned time
      events.close();
      window.location.reload();
    }
  }

  connect();
})();
