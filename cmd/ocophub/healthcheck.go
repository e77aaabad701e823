package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runHealthcheck is a container's health probe: the image has no shell
// and no curl, so the binary GETs its own /readyz (or the worker's
// /metrics) and exits 0 on a 2xx answer.
func runHealthcheck(ctx context.Context, _ Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: ocophub healthcheck URL")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", args[0], resp.Status)
	}
	fmt.Fprintln(out, args[0], resp.Status)
	return nil
}
