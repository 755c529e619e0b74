# lib_browser.sh: headless Chromium for the HTML tests (t-html, t-diagnose-formats).
# Source after lib.sh. Without chromium the browser checks are skipped and the
# script ends here, except under CI (.ci/run installs it: tools/install-deps.sh
# browser), where its absence fails. dom HTML OUT: the DOM after Chromium parsed
# the page; shot HTML PNG: a 1200x1600 screenshot.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
    if [ -n "${CI:-}" ]; then
        ok "chromium is installed under CI (tools/install-deps.sh browser)" false
    else
        skip "browser checks: chromium not installed (tools/install-deps.sh browser)"
    fi
    done_testing
    exit $?
fi
dom() {
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --dump-dom "file://$1" >"$2" 2>/dev/null
}
shot() {
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --hide-scrollbars --window-size=1200,1600 --screenshot="$2" "file://$1" >/dev/null 2>&1
}
