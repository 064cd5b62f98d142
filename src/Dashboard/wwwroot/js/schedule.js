// The schedule form's live preview: the next fire times (or why the cron or time zone does not
// parse) follow what is typed, read from the page's own handler; nothing is saved.
(function () {
    "use strict";
    var form = document.getElementById("schedule-form");
    var list = document.getElementById("next-fires");
    if (!form || !list) { return; }
    var cron = form.querySelector("[name=cron]");
    var zone = form.querySelector("[name=timeZone]");
    var timer = 0;

    function line(cls, text, attr) {
        var el = document.createElement(attr ? "p" : "li");
        if (cls) { el.className = cls; }
        if (attr) { el.setAttribute("data-error", attr); }
        el.textContent = text;
        return el;
    }

    function show(result) {
        list.querySelectorAll(".field-error, ol, p.muted").forEach(function (el) { el.remove(); });
        if (result.cron) { list.appendChild(line("field-error", result.cron, "cron")); }
        if (result.timeZone) { list.appendChild(line("field-error", result.timeZone, "timeZone")); }
        if (result.fires && result.fires.length) {
            var ol = document.createElement("ol");
            ol.className = "mono";
            result.fires.forEach(function (f) {
                var li = line(null, f.utc + " ");
                li.setAttribute("data-fire", f.utc);
                var local = document.createElement("span");
                local.className = "muted";
                local.textContent = "(" + f.local + ")";
                li.appendChild(local);
                ol.appendChild(li);
            });
            list.appendChild(ol);
        }
    }

    function refresh() {
        var query = new URLSearchParams({ handler: "Fires", cron: cron.value, timeZone: zone.value });
        fetch(location.pathname + "?" + query.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (result) { if (result) { show(result); } })
            .catch(function () { /* the button still previews */ });
    }

    function changed() {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
    }

    if (!cron.readOnly) {
        cron.addEventListener("input", changed);
        zone.addEventListener("input", changed);
    }
})();
