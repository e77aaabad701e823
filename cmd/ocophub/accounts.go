package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

var createUserFlags struct {
	username, name, role string
	allianceID, coopID   int64
	passwordStdin        bool
}

// stdin is where create-user -password-stdin reads; tests replace it.
var stdin io.Reader = os.Stdin

func init() {
	commandFlags["create-user"] = func(fs *flag.FlagSet) {
		f := &createUserFlags
		fs.StringVar(&f.username, "username", "", "the sign-in name (required)")
		fs.StringVar(&f.name, "name", "", "the person's name (default: the username)")
		fs.StringVar(&f.role, "role", "operator", "operator, alliance_admin, alliance_staff, coop_manager or coop_seller")
		fs.Int64Var(&f.allianceID, "alliance-id", 0, "the alliance of an alliance role")
		fs.Int64Var(&f.coopID, "coop-id", 0, "the co-op of a co-op role")
		fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input (default: generate one and print it once)")
	}
}

// runCreateUser adds a user from the command line, acting as the platform:
// the way in for the first operator of a `serve` deployment.
func runCreateUser(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	f := createUserFlags
	if len(args) != 0 || f.username == "" {
		return errors.New("usage: ocophub create-user -username NAME [-role operator] [-alliance-id N | -coop-id N] [-password-stdin]")
	}
	role, err := catalog.ParseRole(f.role)
	if err != nil {
		return err
	}
	password, generated := "", false
	if f.passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = newPassword(), true
	}
	s, err := openMigrated(ctx, cfg, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	name := f.name
	if name == "" {
		name = f.username
	}
	u := catalog.User{Username: f.username, Name: name, Role: role, AllianceID: f.allianceID, CoopID: f.coopID}
	if err := s.CreateUser(catalog.WithScope(ctx, catalog.OperatorScope()), &u, password); err != nil {
		return err
	}
	fmt.Fprintf(out, "user %s (%s) created, id %d\n", u.Username, u.Role, u.ID)
	if generated {
		fmt.Fprintf(out, "password: %s\n(shown once; the hub keeps only its argon2id hash)\n", password)
	}
	return nil
}

// runRotateKeys re-seals every shop token with the current (first) key of
// OCOPHUB_SECRET_KEYS; afterwards the old keys can be removed.
func runRotateKeys(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	if cfg.SecretKeys == "" {
		return errors.New("OCOPHUB_SECRET_KEYS is required: the new key first, then the old ones")
	}
	keys, err := store.ParseKeys(cfg.SecretKeys)
	if err != nil {
		return fmt.Errorf("OCOPHUB_SECRET_KEYS: %w", err)
	}
	s, err := openMigrated(ctx, cfg, store.Options{Keys: keys})
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.RotateShopTokens(catalog.WithScope(ctx, catalog.OperatorScope()))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d shop token(s) re-sealed with key %q; every token is now under it, so the other keys can be removed\n", n, keys.Current())
	return nil
}

// openMigrated opens the configured database and brings its schema up to
// date.
func openMigrated(ctx context.Context, cfg Config, opts store.Options) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DatabaseURL, opts)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// newPassword is 26 random base32 characters (130 bits; no 0, 1, 8 or 9
// to mistake for letters when read out over the phone).
func newPassword() string { return rand.Text() }
