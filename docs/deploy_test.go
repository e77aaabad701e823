package docs

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"
)

// loadCompose parses ../docker-compose.yml with compose-go (schema validation,
// interpolation, path resolution and normalisation all on). No Docker needed.
func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)

	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "docker-compose.yml")}},
		// Deliberately empty: the host's COMPOSE_* / OCOPHUB_* variables must not
		// change what is checked here.
		Environment: types.Mapping{},
	}, func(o *loader.Options) {
		o.SetProjectName("ocophub", true)
	})
	require.NoError(t, err, "docker-compose.yml must be a valid Compose file")
	return project
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	svc, ok := p.Services[name]
	require.Truef(t, ok, "service %q missing from docker-compose.yml", name)
	return svc
}

func envValue(t *testing.T, svc types.ServiceConfig, key string) string {
	t.Helper()
	v, ok := svc.Environment[key]
	require.Truef(t, ok, "service %q: environment %s is not set", svc.Name, key)
	require.NotNilf(t, v, "service %q: environment %s has no value", svc.Name, key)
	return *v
}

func TestComposeFile(t *testing.T) {
	p := loadCompose(t)
	root, err := filepath.Abs("..")
	require.NoError(t, err)

	for _, name := range []string{"postgres", "redis", "migrate", "serve", "worker", "sandbox"} {
		service(t, p, name)
	}

	t.Run("serve publishes 8080", func(t *testing.T) {
		serve := service(t, p, "serve")
		found := false
		for _, port := range serve.Ports {
			if port.Target == 8080 && port.Published == "8080" {
				found = true
			}
		}
		require.Truef(t, found, "serve must publish 8080:8080, got %+v", serve.Ports)
	})

	t.Run("database and redis URLs", func(t *testing.T) {
		for _, name := range []string{"serve", "worker", "migrate"} {
			v := envValue(t, service(t, p, name), "OCOPHUB_DATABASE_URL")
			require.Truef(t, strings.HasPrefix(v, "postgres://"), "%s: OCOPHUB_DATABASE_URL=%q", name, v)
		}
		for _, name := range []string{"serve", "worker"} {
			v := envValue(t, service(t, p, name), "OCOPHUB_REDIS_URL")
			require.Truef(t, strings.HasPrefix(v, "redis://"), "%s: OCOPHUB_REDIS_URL=%q", name, v)
		}
	})

	t.Run("redis persists with AOF", func(t *testing.T) {
		cmd := strings.Join(service(t, p, "redis").Command, " ")
		require.Contains(t, cmd, "--appendonly yes")
	})

	t.Run("serve dependencies", func(t *testing.T) {
		deps := service(t, p, "serve").DependsOn
		for _, dep := range []string{"postgres", "redis", "migrate"} {
			require.Containsf(t, deps, dep, "serve must depend on %s", dep)
		}
		require.Equal(t, types.ServiceConditionHealthy, deps["postgres"].Condition)
		require.Equal(t, types.ServiceConditionHealthy, deps["redis"].Condition)
		require.Equal(t, types.ServiceConditionCompletedSuccessfully, deps["migrate"].Condition)
	})

	t.Run("app services build the local Dockerfile", func(t *testing.T) {
		for name, sub := range map[string]string{
			"serve": "serve", "worker": "worker", "migrate": "migrate", "sandbox": "sandbox",
		} {
			svc := service(t, p, name)
			require.NotNilf(t, svc.Build, "%s must have a build section", name)
			require.Equalf(t, root, svc.Build.Context, "%s: build context must be the repository root", name)
			require.Equalf(t, "Dockerfile", svc.Build.Dockerfile, "%s: must build the local Dockerfile", name)
			require.Equalf(t, types.ShellCommand{sub}, svc.Command, "%s: command", name)
		}
	})
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	require.NoError(t, err)
	text := string(raw)

	require.Regexp(t, regexp.MustCompile(`(?m)^RUN .*CGO_ENABLED=0 go build .*\./cmd/ocophub\s*$`), text,
		"the Dockerfile must build ./cmd/ocophub as a static (CGO_ENABLED=0) binary")

	var users []string
	for _, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && strings.EqualFold(fields[0], "USER") {
			users = append(users, fields[1])
		}
	}
	require.NotEmpty(t, users, "the Dockerfile must set a USER")
	last := users[len(users)-1] // the one in effect in the final (runtime) stage
	user, _, _ := strings.Cut(last, ":")
	require.NotContains(t, []string{"root", "0"}, user, "the runtime image must not run as root")
}
