// Small behaviours of every page (no inline script: the CSP forbids it).
(function () {
    "use strict";

    // Bulk selection: a "select all" box, and buttons that need at least one job ticked.
    function refreshSelection(formId) {
        var boxes = document.querySelectorAll('input[type=checkbox][form="' + formId + '"][name=ids]');
        var ticked = 0;
        boxes.forEach(function (b) { if (b.checked) { ticked++; } });
        document.querySelectorAll('[data-needs-selection="' + formId + '"]').forEach(function (button) { button.disabled = ticked === 0; });
        document.querySelectorAll('[data-selection-count="' + formId + '"]').forEach(function (el) {
            el.textContent = ticked === 0 ? "No jobs selected" : ticked + (ticked === 1 ? " job selected" : " jobs selected");
        });
        var all = document.querySelector('[data-select-all="' + formId + '"]');
        if (all) {
            all.checked = boxes.length > 0 && ticked === boxes.length;
            all.indeterminate = ticked > 0 && ticked < boxes.length;
        }
    }

    document.addEventListener("change", function (event) {
        var target = event.target;
        if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") { return; }
        var formId = target.getAttribute("data-select-all");
        if (formId) {
            document.querySelectorAll('input[type=checkbox][form="' + formId + '"][name=ids]').forEach(function (b) { b.checked = target.checked; });
            refreshSelection(formId);
        } else if (target.name === "ids" && target.getAttribute("form")) {
            refreshSelection(target.getAttribute("form"));
        }
    });

    // Destructive buttons ask first.
    document.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        var message = (submitter && submitter.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
        if (message && !window.confirm(message)) {
            event.preventDefault();
        }
    });

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-select-all]").forEach(function (all) { refreshSelection(all.getAttribute("data-select-all")); });
    });
})();
