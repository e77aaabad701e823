// Command ocophub is the one binary of OCOP Hub. Subcommands:
//
//	ocophub dev      everything in one process with embedded SQLite, in-process Redis and demo data (make run)
//	ocophub serve    the HTTP API
//	ocophub migrate  apply database migrations
//	ocophub import   import a catalog CSV/xlsx file
//	ocophub sandbox  the marketplace sandboxes: Shopee, Lazada, Zalo
//	ocophub worker   the sync engine
//	ocophub create-user  add a user (the first operator)
//	ocophub rotate-keys  re-seal shop tokens with the current secret key
//	ocophub healthcheck  probe a URL (container healthchecks)
//
// Configuration comes from OCOPHUB_* environment variables and flags. The
// defaults are the embedded ones and the sandboxes', so `dev` and
// `sandbox` work with no set-up; `serve` and `worker` refuse to start
// without a shared database, Redis and secret keys, or with a sandbox
// credential (checkProduction).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	// Campaign times are Asia/Ho_Chi_Minh; the distroless image has no
	// zone database.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "ocophub:", err)
		}
		os.Exit(1)
	}
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, cfg Config, args []string, out io.Writer) error
}

var commands = []command{
	{"dev", "run everything in one process with embedded SQLite, in-process Redis and demo data", runDev},
	{"serve", "serve the HTTP API (needs OCOPHUB_DATABASE_URL, OCOPHUB_REDIS_URL and OCOPHUB_SECRET_KEYS)", runServe},
	{"migrate", "apply database migrations and exit", runMigrate},
	{"import", "import a catalog file: ocophub import [-skip-invalid] [-dry-run] FILE.csv|FILE.xlsx", runImport},
	{"sandbox", "serve the Shopee, Lazada and Zalo sandboxes (fake marketplaces for tests and demos)", runSandbox},
	{"worker", "run the sync engine: outbox relay, stock pushes, publishing, orders in (needs what serve needs)", runWorker},
	{"create-user", "add a user (the first operator of a deployment): ocophub create-user -username NAME [-role operator] [-password-stdin]", runCreateUser},
	{"rotate-keys", "re-seal every shop token with the first key of OCOPHUB_SECRET_KEYS, so older keys can be dropped", runRotateKeys},
	{"healthcheck", "GET a URL and exit 0 on a 2xx answer (container healthchecks): ocophub healthcheck URL", runHealthcheck},
}

// run parses the subcommand and its flags and runs it until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return errReported
		}
		return nil
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		cfg, rest, err := loadConfig(c.name, args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		logger := newLogger(cfg, stderr)
		slog.SetDefault(logger)
		return c.run(ctx, cfg, rest, stdout)
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ocophub <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nrun 'ocophub <command> -h' for the flags; every flag has an OCOPHUB_* variable")
}
