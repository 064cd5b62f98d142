// The overview stays live: polls /overview/data every few seconds and redraws counts, charts and queues.
(function () {
    "use strict";
    var SVG = "http://www.w3.org/2000/svg";
    var W = 640, H = 190, LEFT = 40, RIGHT = 8, TOP = 10, BOTTOM = 22;
    var interval = 5000;

    function el(name, attrs, text) {
        var node = document.createElementNS(SVG, name);
        Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
        if (text !== undefined) { node.textContent = text; }
        return node;
    }

    function niceMax(value) {
        if (value <= 1) { return 1; }
        var power = Math.pow(10, Math.floor(Math.log10(value)));
        var steps = [1, 2, 4, 5, 10];
        for (var i = 0; i < steps.length; i++) { if (steps[i] * power >= value) { return steps[i] * power; } }
        return 10 * power;
    }

    function hhmm(iso) { return iso.substring(11, 16); }

    function format(n) {
        if (n >= 100 || Number.isInteger(n)) { return Math.round(n).toLocaleString("en-US"); }
        return n.toFixed(n >= 10 ? 0 : 1);
    }

    function draw(svg, points) {
        while (svg.firstChild) { svg.removeChild(svg.firstChild); }
        svg.setAttribute("viewBox", "0 0 " + W + " " + H);
        if (!points || points.length === 0) { return; }
        var max = niceMax(Math.max.apply(null, points.map(function (p) { return Math.max(p.succeeded, p.failed); })));
        var plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM, n = points.length;
        var step = plotW / n;
        function x(i) { return LEFT + step * (i + 0.5); }
        function y(v) { return TOP + plotH - (v / max) * plotH; }

        [0, 0.5, 1].forEach(function (f) {
            var gy = TOP + plotH - f * plotH;
            svg.appendChild(el("line", { x1: LEFT, x2: W - RIGHT, y1: gy, y2: gy, "class": f === 0 ? "axis" : "grid-line" }));
            svg.appendChild(el("text", { x: LEFT - 6, y: gy + 3.5, "text-anchor": "end", "class": "label" }, format(max * f)));
        });
        [0, Math.floor((n - 1) / 2), n - 1].forEach(function (i, k) {
            svg.appendChild(el("text", { x: x(i), y: H - 6, "text-anchor": k === 0 ? "start" : k === 2 ? "end" : "middle", "class": "label" }, hhmm(points[i].at)));
        });

        ["succeeded", "failed"].forEach(function (series) {
            var line = points.map(function (p, i) { return (i === 0 ? "M" : "L") + x(i).toFixed(1) + "," + y(p[series]).toFixed(1); }).join(" ");
            var area = line + " L" + x(n - 1).toFixed(1) + "," + y(0) + " L" + x(0).toFixed(1) + "," + y(0) + " Z";
            svg.appendChild(el("path", { d: area, "class": "area-" + series }));
            svg.appendChild(el("path", { d: line, "class": "line-" + series }));
        });

        points.forEach(function (p, i) {
            var r = el("rect", { x: LEFT + step * i, y: TOP, width: Math.max(step, 1), height: plotH, "class": "hover" });
            r.appendChild(el("title", {}, hhmm(p.at) + " UTC: " + format(p.succeeded) + " succeeded, " + format(p.failed) + " failed per minute"));
            svg.appendChild(r);
        });
        svg.setAttribute("data-points", String(n));
    }

    function td(text, cls) {
        var cell = document.createElement("td");
        if (cls) { cell.className = cls; }
        cell.textContent = text;
        return cell;
    }

    function render(data) {
        data.counts.forEach(function (c) {
            document.querySelectorAll('[data-count="' + c.state + '"]').forEach(function (node) { node.textContent = c.text; });
            document.querySelectorAll('[data-estimate="' + c.state + '"]').forEach(function (node) { node.classList.toggle("hidden", c.exact); });
        });
        var hour = document.getElementById("chart-hour"), day = document.getElementById("chart-day");
        if (hour) { draw(hour, data.lastHour); }
        if (day) { draw(day, data.lastDay); }
        var body = document.getElementById("queue-rows");
        if (body) {
            while (body.firstChild) { body.removeChild(body.firstChild); }
            data.queues.forEach(function (q) {
                var row = document.createElement("tr");
                var name = document.createElement("td");
                var link = document.createElement("a");
                link.href = "/jobs?state=available&queue=" + encodeURIComponent(q.name);
                link.textContent = q.name;
                name.appendChild(link);
                if (q.paused) {
                    var badge = document.createElement("span");
                    badge.className = "badge badge-paused";
                    badge.textContent = "paused";
                    name.appendChild(document.createTextNode(" "));
                    name.appendChild(badge);
                }
                row.appendChild(name);
                row.appendChild(td(q.availableText, "num"));
                row.appendChild(td(String(q.running), "num"));
                row.appendChild(td(String(q.workers), "num"));
                row.appendChild(td(q.oldestWaitText, "num"));
                body.appendChild(row);
            });
            var empty = document.getElementById("queue-empty");
            if (empty) { empty.classList.toggle("hidden", data.queues.length > 0); }
        }
        var live = document.getElementById("live");
        if (live) {
            live.classList.remove("stale");
            live.textContent = "Live · updated " + data.now.substring(11, 19) + " UTC";
        }
    }

    function poll() {
        fetch("/overview/data", { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (response) {
                if (!response.ok || (response.headers.get("content-type") || "").indexOf("json") < 0) { throw new Error("status " + response.status); }
                return response.json();
            })
            .then(render)
            .catch(function () {
                var live = document.getElementById("live");
                if (live) { live.classList.add("stale"); live.textContent = "Not updating (signed out or unreachable)"; }
            })
            .finally(function () { window.setTimeout(poll, interval); });
    }

    document.addEventListener("DOMContentLoaded", poll);
})();
