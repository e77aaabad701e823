package docs

import (
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEnvExampleTrustsOneProxy: the trusted proxies .env.example suggests
// are single addresses. A range such as Docker's 172.16.0.0/12 holds the
// bridge gateway that docker-proxy connects every published port from, so
// trusting it would believe any client's X-Forwarded-* headers.
func TestEnvExampleTrustsOneProxy(t *testing.T) {
	example, err := os.ReadFile("../.env.example")
	require.NoError(t, err)
	lines := regexp.MustCompile(`(?m)^#?\s*OCOPHUB_TRUSTED_PROXIES=(.*)$`).FindAllStringSubmatch(string(example), -1)
	require.NotEmpty(t, lines, ".env.example shows how to name the proxy")
	for _, line := range lines {
		for _, v := range strings.Split(line[1], ",") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			p, err := netip.ParsePrefix(v)
			if err != nil {
				_, err = netip.ParseAddr(v)
				require.NoErrorf(t, err, "%q is neither an address nor a prefix", v)
				continue
			}
			require.Equalf(t, p.Addr().BitLen(), p.Bits(), "%s trusts a range, not the proxy's one address", v)
		}
	}
}
