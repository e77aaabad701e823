package docs

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"

	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
)

// loadCompose parses ../docker-compose.yml with compose-go (schema validation,
// interpolation, path resolution and normalisation all on) with profiles
// enabled. No Docker needed. The env files are not read: .env is the
// user's (see .env.example), absent here.
func loadCompose(t *testing.T, profiles ...string) *types.Project {
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
		o.Profiles = profiles
		o.SkipResolveEnvironment = true
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

	for _, name := range []string{"postgres", "redis", "migrate", "serve", "worker"} {
		service(t, p, name)
	}
	for _, name := range sandboxProfile {
		require.NotContainsf(t, p.Services, name, "%s runs only with --profile sandbox", name)
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

	t.Run("serve and worker share the photos", func(t *testing.T) {
		all := loadCompose(t, "sandbox")
		for _, pair := range [][2]string{{"serve", "worker"}, {"serve-sandbox", "worker-sandbox"}} {
			url := envValue(t, service(t, all, pair[0]), "OCOPHUB_BLOB_URL")
			require.Equal(t, url, envValue(t, service(t, all, pair[1]), "OCOPHUB_BLOB_URL"), "%s and %s see the same photos", pair[0], pair[1])
			require.True(t, strings.HasPrefix(url, "file:///var/lib/ocophub/photos"), "%s: %s", pair[0], url)
			for _, name := range pair {
				mounted := false
				for _, v := range service(t, all, name).Volumes {
					mounted = mounted || (v.Source == "photos" && v.Target == "/var/lib/ocophub/photos")
				}
				require.True(t, mounted, "%s mounts the photos volume", name)
			}
		}
		require.NotEqual(t, envValue(t, service(t, all, "serve"), "OCOPHUB_BLOB_URL"), envValue(t, service(t, all, "serve-sandbox"), "OCOPHUB_BLOB_URL"),
			"staging keeps its photos apart")
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
		all := loadCompose(t, "sandbox")
		for name, sub := range map[string]string{
			"serve": "serve", "worker": "worker", "migrate": "migrate", "sandbox": "sandbox",
			"migrate-sandbox": "migrate", "serve-sandbox": "serve", "worker-sandbox": "worker",
		} {
			svc := service(t, all, name)
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

// sandboxProfile are the services of `docker compose --profile sandbox up`.
var sandboxProfile = []string{"sandbox", "migrate-sandbox", "serve-sandbox", "worker-sandbox"}

// TestComposeRunsTheWholeSystem checks what `docker compose up` needs to
// run for real: serve and worker get their keys from .env (which the
// README has the user make from .env.example), every long-running service
// has a healthcheck, and each starts only when what it needs is healthy
// or done.
func TestComposeRunsTheWholeSystem(t *testing.T) {
	p := loadCompose(t, "sandbox")
	root, err := filepath.Abs("..")
	require.NoError(t, err)

	t.Run("keys from .env for serve and worker", func(t *testing.T) {
		for _, name := range []string{"serve", "worker", "serve-sandbox", "worker-sandbox"} {
			svc := service(t, p, name)
			require.Lenf(t, svc.EnvFiles, 1, "%s: env_file", name)
			require.Equal(t, filepath.Join(root, ".env"), svc.EnvFiles[0].Path, name)
			require.Truef(t, bool(svc.EnvFiles[0].Required), "%s: a missing .env must stop compose, not start a hub without keys", name)
			require.NotContainsf(t, svc.Environment, "OCOPHUB_SECRET_KEYS", "%s: keys live in .env, not in the compose file", name)
		}
		example, err := os.ReadFile(filepath.Join(root, ".env.example"))
		require.NoError(t, err)
		require.Contains(t, string(example), "cp .env.example .env")
		require.Contains(t, string(example), `echo "OCOPHUB_SECRET_KEYS=k1:$(openssl rand -base64 32)" >> .env`)
		require.NotRegexp(t, `(?m)^OCOPHUB_ALLOW_SANDBOX`, string(example), "production never allows the sandbox's credentials")
		readme, err := os.ReadFile(filepath.Join(root, "README.md"))
		require.NoError(t, err)
		for _, step := range []string{"cp .env.example .env", `echo "OCOPHUB_SECRET_KEYS=k1:$(openssl rand -base64 32)" >> .env`,
			"docker compose up", "docker compose --profile sandbox up"} {
			require.Truef(t, strings.Contains(string(readme), step), "README.md tells the user: %s", step)
		}
		for _, ignore := range []string{".gitignore", ".dockerignore"} {
			b, err := os.ReadFile(filepath.Join(root, ignore))
			require.NoError(t, err)
			require.Regexpf(t, `(?m)^\.env$`, string(b), "%s must keep .env (the keys) out", ignore)
		}
	})

	t.Run("production services use no sandbox setting", func(t *testing.T) {
		platform := regexp.MustCompile(`^OCOPHUB_(ALLOW_SANDBOX|SHOPEE_|LAZADA_|ZALO_)`)
		for _, name := range []string{"serve", "worker"} {
			for key := range service(t, p, name).Environment {
				require.Falsef(t, platform.MatchString(key), "%s sets %s: platforms are the user's, in .env", name, key)
			}
		}
	})

	t.Run("healthchecks", func(t *testing.T) {
		for _, name := range []string{"postgres", "redis", "serve", "worker", "sandbox", "serve-sandbox", "worker-sandbox"} {
			hc := service(t, p, name).HealthCheck
			require.NotNilf(t, hc, "%s: healthcheck", name)
			require.NotEmptyf(t, hc.Test, "%s: healthcheck test", name)
		}
		// The image has no shell: the app's probes are the binary itself,
		// at the path the Dockerfile installs it.
		dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
		require.NoError(t, err)
		require.Contains(t, string(dockerfile), " /usr/local/bin/ocophub\n")
		for name, path := range map[string]string{"serve": "/readyz", "worker": "/metrics", "sandbox": "/_sandbox/state",
			"serve-sandbox": "/readyz", "worker-sandbox": "/metrics"} {
			test := service(t, p, name).HealthCheck.Test
			require.Equalf(t, []string{"CMD", "/usr/local/bin/ocophub", "healthcheck"}, []string(test[:3]), "%s", name)
			require.Truef(t, strings.HasSuffix(test[3], path), "%s probes %s", name, test[3])
		}
		// The worker's probe is its metrics address.
		for _, name := range []string{"worker", "worker-sandbox"} {
			addr := envValue(t, service(t, p, name), "OCOPHUB_WORKER_METRICS_ADDR")
			_, port, _ := strings.Cut(addr, ":")
			require.Contains(t, service(t, p, name).HealthCheck.Test[3], ":"+port+"/", name)
		}
	})

	t.Run("depends_on conditions", func(t *testing.T) {
		want := map[string]map[string]string{
			"migrate":         {"postgres": types.ServiceConditionHealthy},
			"serve":           {"postgres": types.ServiceConditionHealthy, "redis": types.ServiceConditionHealthy, "migrate": types.ServiceConditionCompletedSuccessfully},
			"worker":          {"postgres": types.ServiceConditionHealthy, "redis": types.ServiceConditionHealthy, "migrate": types.ServiceConditionCompletedSuccessfully},
			"migrate-sandbox": {"postgres": types.ServiceConditionHealthy},
			"serve-sandbox": {"postgres": types.ServiceConditionHealthy, "redis": types.ServiceConditionHealthy,
				"migrate-sandbox": types.ServiceConditionCompletedSuccessfully, "sandbox": types.ServiceConditionHealthy},
			"worker-sandbox": {"postgres": types.ServiceConditionHealthy, "redis": types.ServiceConditionHealthy,
				"migrate-sandbox": types.ServiceConditionCompletedSuccessfully, "sandbox": types.ServiceConditionHealthy},
		}
		for name, deps := range want {
			got := map[string]string{}
			for dep, d := range service(t, p, name).DependsOn {
				got[dep] = d.Condition
			}
			require.Equalf(t, deps, got, "%s: depends_on", name)
		}
	})

	t.Run("the sandbox profile is wired by URL", func(t *testing.T) {
		sb := service(t, p, "sandbox")
		require.Equal(t, []string{"sandbox"}, sb.Profiles)
		for _, platform := range []string{"SHOPEE", "LAZADA", "ZALO"} {
			_, port, _ := strings.Cut(envValue(t, sb, "OCOPHUB_SANDBOX_"+platform+"_ADDR"), ":")
			for _, name := range []string{"serve-sandbox", "worker-sandbox"} {
				require.Equal(t, "http://sandbox:"+port, envValue(t, service(t, p, name), "OCOPHUB_"+platform+"_URL"), name)
			}
		}
		_, port, _ := strings.Cut(envValue(t, service(t, p, "serve-sandbox"), "OCOPHUB_HTTP_ADDR"), ":")
		require.Equal(t, "http://serve-sandbox:"+port, envValue(t, sb, "OCOPHUB_SANDBOX_PUSH_URL"), "the sandbox pushes webhooks to serve-sandbox")
		published := map[string]string{
			"OCOPHUB_SHOPEE_APP_KEY": shopeesb.DefaultApp.Key, "OCOPHUB_SHOPEE_APP_SECRET": shopeesb.DefaultApp.Secret,
			"OCOPHUB_LAZADA_APP_KEY": lazadasb.DefaultApp.Key, "OCOPHUB_LAZADA_APP_SECRET": lazadasb.DefaultApp.Secret,
			"OCOPHUB_ZALO_APP_KEY": zalosb.DefaultApp.Key, "OCOPHUB_ZALO_APP_SECRET": zalosb.DefaultApp.Secret,
			"OCOPHUB_ZALO_OA_SECRET_KEY": zalosb.DefaultOASecretKey,
		}
		for _, name := range []string{"serve-sandbox", "worker-sandbox"} {
			svc := service(t, p, name)
			require.Equal(t, []string{"sandbox"}, svc.Profiles, name)
			require.Equal(t, "1", envValue(t, svc, "OCOPHUB_ALLOW_SANDBOX"), name)
			require.Empty(t, envValue(t, svc, "OCOPHUB_PUBLIC_URL"), "%s: the sandbox signs the URL it posts to", name)
			for key, value := range published {
				require.Equal(t, value, envValue(t, svc, key), "%s: %s", name, key)
			}
		}
		// The staging hub has a database and a Redis DB of its own.
		prodDB, stageDB := envValue(t, service(t, p, "serve"), "OCOPHUB_DATABASE_URL"), envValue(t, service(t, p, "serve-sandbox"), "OCOPHUB_DATABASE_URL")
		require.NotEqual(t, prodDB, stageDB)
		require.Equal(t, stageDB, envValue(t, service(t, p, "migrate-sandbox"), "OCOPHUB_DATABASE_URL"))
		require.NotEqual(t, envValue(t, service(t, p, "serve"), "OCOPHUB_REDIS_URL"), envValue(t, service(t, p, "serve-sandbox"), "OCOPHUB_REDIS_URL"))
		u, err := url.Parse(stageDB)
		require.NoError(t, err)
		initDB := p.Configs["sandbox-database"].Content
		require.Contains(t, initDB, "CREATE DATABASE "+strings.TrimPrefix(u.Path, "/")+" ")
		var mounted bool
		for _, c := range service(t, p, "postgres").Configs {
			mounted = mounted || c.Source == "sandbox-database" && strings.HasPrefix(c.Target, "/docker-entrypoint-initdb.d/")
		}
		require.True(t, mounted, "postgres creates the staging database at its first start")
	})
}
