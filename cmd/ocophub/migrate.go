package main

import (
	"context"
	"fmt"
	"io"

	"ocophub/catalog/store"
)

func runMigrate(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	all, err := store.Migrations(s.Dialect())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d migration(s) applied, schema at version %d\n", store.RedactURL(cfg.DatabaseURL), applied, len(all))
	return nil
}
