package webui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// One Chromium serves every test of the package (each in its own browser
// context, so cookies do not leak between tests); it starts with the
// first test that needs it and stops in TestMain.
var browser struct {
	once    sync.Once
	ctx     context.Context
	stop    func()
	dataDir string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.stop != nil {
		browser.stop()
	}
	if browser.dataDir != "" {
		_ = os.RemoveAll(browser.dataDir)
	}
	os.Exit(code)
}

// chromiumPath is $OCOPHUB_CHROMIUM or Debian's chromium.
func chromiumPath() string {
	if p := os.Getenv("OCOPHUB_CHROMIUM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return "/usr/bin/chromium"
}

func startBrowser() {
	browser.dataDir, browser.err = os.MkdirTemp("", "ocophub-chromium-")
	if browser.err != nil {
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(browser.dataDir),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, stopBrowser := chromedp.NewContext(allocCtx)
	browser.err = chromedp.Do(ctx) // starts the browser
	browser.ctx = ctx
	browser.stop = func() { stopBrowser(); stopAlloc() }
}

// newTab opens a tab in a fresh browser context of the shared browser.
// Chromium is required: `make test` installs it (scripts/ensure-services.sh).
func newTab(t *testing.T) context.Context {
	t.Helper()
	browser.once.Do(startBrowser)
	require.NoError(t, browser.err, "start Chromium at %s (make test installs it with apt-get)", chromiumPath())
	tab, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(1280, 800)))
	return tab
}

// do runs browser steps with a time limit.
func do(t *testing.T, tab context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, steps...))
}

// text is the visible text of the first element matching sel. A page
// that is still being replaced (a form's navigation, an htmx swap) can
// drop the node between finding and reading it: the read is tried again.
func text(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(tab, 5*time.Second)
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		cancel()
		if err == nil || time.Now().After(deadline) {
			require.NoError(t, err, "text of %s", sel)
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor reloads url until check passes, for state the worker changes
// behind the page.
func waitFor(t *testing.T, tab context.Context, url, what string, check func() error) {
	t.Helper()
	eventually(t, what, func() error {
		do(t, tab, chromedp.Navigate(url))
		return check()
	})
}

// eventually polls check for up to 30 s.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluate %s", expr)
	return v
}

// artefacts is where screenshots go: $OCOPHUB_ARTEFACTS or
// webui/testdata/artefacts (git-ignored).
func artefacts(t *testing.T) string {
	dir := os.Getenv("OCOPHUB_ARTEFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artefacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// sizes are the screenshots' viewports: a desktop and a phone.
var sizes = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}}

// screenshots saves the page at url at each size and fails if the page
// scrolls sideways on the phone.
func screenshots(t *testing.T, tab context.Context, url, name string) {
	t.Helper()
	for _, s := range sizes {
		opts := []chromedp.EmulateViewportOption{}
		if s.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(1))
		}
		do(t, tab, chromedp.EmulateViewport(s.width, s.height, opts...), chromedp.Navigate(url))
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(artefacts(t), fmt.Sprintf("%s-%s.png", name, s.name)), png, 0o644))
		if s.mobile {
			overflow := eval[string](t, tab, `(() => {
				const d = document.documentElement;
				if (d.scrollWidth <= d.clientWidth) return "";
				const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > d.clientWidth + 1)
					.slice(0, 5).map(e => e.tagName + "." + e.className).join(", ");
				return d.scrollWidth + " > " + d.clientWidth + ": " + wide;
			})()`)
			require.Empty(t, overflow, "%s scrolls sideways at %d px", name, s.width)
		}
	}
	do(t, tab, chromedp.EmulateViewport(1280, 800))
}

// login signs in through the login page with username and lands on next.
func login(t *testing.T, tab context.Context, base, username, next string) {
	t.Helper()
	do(t, tab, chromedp.Navigate(base+next))
	loc, err := chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	require.Contains(t, loc, "/login", "a page asks for sign-in first")
	do(t, tab, chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), "sai mật khẩu"),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#login-error")))
	require.Contains(t, text(t, tab, "#login-error"), "không đúng", "a wrong password is explained")
	do(t, tab, chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS(".who")))
	loc, err = chromedp.Run(tab, chromedp.Location())
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(loc, next), "back on %s after sign-in, got %s", next, loc)
}
