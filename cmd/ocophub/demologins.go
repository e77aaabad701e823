package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ocophub/catalog"
)

// demoPeople are the accounts `ocophub dev` makes for the demo catalog:
// one per role, and a second co-op manager to see that co-ops do not see
// each other.
var demoPeople = []struct {
	username, name string
	role           catalog.Role
	tenant         string // alliance or co-op code
}{
	{"operator", "Vận hành OCOP Hub", catalog.RoleOperator, ""},
	{"admin.thainguyen", "Quản trị Liên minh HTX Thái Nguyên", catalog.RoleAllianceAdmin, "LM-TN"},
	{"staff.thainguyen", "Cán bộ Liên minh HTX Thái Nguyên", catalog.RoleAllianceStaff, "LM-TN"},
	{"manager.haodat", "Quản lý HTX chè Hảo Đạt", catalog.RoleCoopManager, "HTX-HAODAT"},
	{"seller.haodat", "Người bán livestream HTX chè Hảo Đạt", catalog.RoleCoopSeller, "HTX-HAODAT"},
	{"manager.riti", "Quản lý HTX Riti", catalog.RoleCoopManager, "HTX-RITI"},
}

// demoLogin is one line of the demo sign-in file.
type demoLogin struct{ role, username, password, tenant string }

const demoLoginsFile = "demo-logins.txt"

// demoLogins returns the demo accounts' sign-ins. The first start on an
// empty user table makes them with random passwords, a consent from HTX
// Hảo Đạt to the alliance's staff member and an operator API token, and
// keeps the secrets in <data-dir>/demo-logins.txt (mode 0600); later
// starts read that file. The hub itself keeps only hashes.
func demoLogins(ctx context.Context, st *stack, dataDir string) ([]demoLogin, error) {
	path := filepath.Join(dataDir, demoLoginsFile)
	op := catalog.WithScope(ctx, catalog.OperatorScope())
	existing, _, err := st.store.ListUsers(op, catalog.ListQuery{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		logins, err := readDemoLogins(path)
		if errors.Is(err, fs.ErrNotExist) {
			slog.Warn("users exist but the demo sign-in file is gone; use `ocophub create-user` for a new one", "path", path)
			return nil, nil
		}
		return logins, err
	}
	tenants, err := tenantIDs(op, st)
	if err != nil {
		return nil, err
	}
	var logins []demoLogin
	users := map[string]catalog.User{}
	for _, p := range demoPeople {
		u := catalog.User{Username: p.username, Name: p.name, Role: p.role}
		switch {
		case p.role.OfAlliance():
			u.AllianceID = tenants[p.tenant]
		case p.role.OfCoop():
			u.CoopID = tenants[p.tenant]
		}
		password := newPassword()
		if err := st.store.CreateUser(op, &u, password); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", p.username, err)
		}
		users[p.username] = u
		logins = append(logins, demoLogin{string(p.role), p.username, password, p.tenant})
	}
	manager := users["manager.haodat"]
	asManager := catalog.WithScope(ctx, catalog.Principal{UserID: manager.ID, Name: manager.Username,
		Role: manager.Role, CoopID: manager.CoopID}.Scope())
	grant := catalog.Grant{CoopID: manager.CoopID, StaffUserID: users["staff.thainguyen"].ID,
		Rights: catalog.Rights{catalog.RightListProducts, catalog.RightChangePrices}, ExpiresAt: time.Now().Add(30 * 24 * time.Hour)}
	if err := st.store.CreateGrant(asManager, &grant); err != nil {
		return nil, fmt.Errorf("demo consent: %w", err)
	}
	secret, err := st.store.CreateAPIToken(op, &catalog.APIToken{Name: "dev curl", Role: catalog.RoleOperator})
	if err != nil {
		return nil, fmt.Errorf("demo API token: %w", err)
	}
	logins = append(logins, demoLogin{role: "token", password: secret})
	return logins, writeDemoLogins(path, logins)
}

// tenantIDs maps the demo's alliance and co-op codes to their ids.
func tenantIDs(ctx context.Context, st *stack) (map[string]int64, error) {
	out := map[string]int64{}
	alliances, _, err := st.store.ListAlliances(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, a := range alliances {
		out[a.Code] = a.ID
	}
	coops, _, err := st.store.ListCoops(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, c := range coops {
		out[c.Code] = c.ID
	}
	return out, nil
}

func writeDemoLogins(path string, logins []demoLogin) error {
	var b strings.Builder
	b.WriteString("# OCOP Hub demo sign-ins, made by `ocophub dev` for local use. The hub keeps only hashes.\n")
	for _, l := range logins {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", l.role, l.username, l.password, l.tenant)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

func readDemoLogins(path string) ([]demoLogin, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []demoLogin
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) == 4 {
			out = append(out, demoLogin{parts[0], parts[1], parts[2], parts[3]})
		}
	}
	return out, sc.Err()
}

// printLogins shows how to get in: the demo accounts and a ready curl.
func printLogins(out io.Writer, base string, logins []demoLogin) {
	if len(logins) == 0 {
		return
	}
	fmt.Fprintf(out, "  Sign in        POST %s/api/v1/auth/login  {\"username\":…,\"password\":…}  (demo accounts, kept in %s under the data dir)\n", base, demoLoginsFile)
	for _, l := range logins {
		if l.role == "token" {
			fmt.Fprintf(out, "  API token      curl -H 'Authorization: Bearer %s' '%s/api/v1/products?q=tra'\n", l.password, base)
			continue
		}
		fmt.Fprintf(out, "    %-15s %-17s %s  %s\n", l.role, l.username, l.password, l.tenant)
	}
	fmt.Fprintln(out)
}
