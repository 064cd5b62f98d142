// The host's content security policy allows no inline styles: Chart.js would inject a <style>
// element of its own when Hangfire's page draws its first graph (after this bundle has run, on
// document ready). Its rules are already in Hangfire's stylesheet bundle (Chart.min.css).
if (window.Chart && window.Chart.platform) {
    window.Chart.platform.disableCSSInjection = true;
}
