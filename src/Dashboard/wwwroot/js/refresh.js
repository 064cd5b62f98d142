// Lists refresh themselves: every few seconds the page is fetched again and its
// [data-refresh-region] parts are swapped for the fresh ones. A pause button stops it (remembered
// in this browser). It waits while the operator is busy: jobs ticked, a field focused, the tab hidden.
// A file of its own because the content security policy forbids inline script.
(function () {
    "use strict";
    var bar = document.querySelector("[data-refresh]");
    if (!bar || !window.fetch || !window.DOMParser) { return; }
    var seconds = Math.max(1, parseInt(bar.getAttribute("data-refresh"), 10) || 5);
    var key = "jobs.refresh.paused";
    var button = bar.querySelector("[data-refresh-toggle]");
    var status = bar.querySelector("[data-refresh-status]");
    var paused = false;
    try { paused = window.localStorage.getItem(key) === "1"; } catch (e) { /* storage off: not remembered */ }

    function show() {
        button.textContent = paused ? "Resume" : "Pause";
        button.setAttribute("aria-pressed", paused ? "true" : "false");
        status.textContent = paused ? "Paused" : "Refreshes every " + seconds + " s";
    }

    function busy() {
        if (document.querySelector("input[name=ids]:checked")) { return true; }
        var active = document.activeElement;
        return !!active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName) && !/^(checkbox|button|submit)$/.test(active.type);
    }

    function refresh() {
        if (paused || busy() || document.hidden) { return; }
        fetch(window.location.href, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "text/html" } })
            .then(function (response) { return response.ok ? response.text() : null; })
            .then(function (html) {
                if (!html || paused || busy()) { return; }
                var fresh = new DOMParser().parseFromString(html, "text/html");
                document.querySelectorAll("[data-refresh-region]").forEach(function (region) {
                    var name = region.getAttribute("data-refresh-region");
                    var replacement = fresh.querySelector('[data-refresh-region="' + name + '"]');
                    if (replacement) {
                        var node = document.importNode(replacement, true);
                        // Nothing is ticked in fresh rows: the buttons that need a selection start disabled.
                        node.querySelectorAll("[data-needs-selection]").forEach(function (b) { b.disabled = true; });
                        region.replaceWith(node);
                    }
                });
                bar.setAttribute("data-refreshed-at", new Date().toISOString());
            })
            .catch(function () { /* offline for a moment: the next round tries again */ });
    }

    button.addEventListener("click", function () {
        paused = !paused;
        try { window.localStorage.setItem(key, paused ? "1" : "0"); } catch (e) { /* not remembered */ }
        show();
        if (!paused) { refresh(); }
    });
    show();
    window.setInterval(refresh, seconds * 1000);
})();
