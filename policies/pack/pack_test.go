package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/generic-corp/platform/policies/rules"
)

// packBin is the pack binary, built once in TestMain exactly as documented
// (`go build -o <out> ./policies/pack`), with the go that runs the tests.
var packBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "policypack-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	packBin = filepath.Join(dir, "policypack")
	build := exec.Command(goTool(), "build", "-o", packBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building the policy pack: %v\n", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// lockedBuffer collects the pack's stderr while the process writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type packProc struct {
	client pulumirpc.AnalyzerClient
	stderr *lockedBuffer
}

// startPack starts the binary the way the engine does (engine address as the argument,
// port read from the first stdout line, gRPC dial, Handshake retried while the server
// comes up) and returns a client. env adds variables (e.g. the panic hook).
func startPack(t *testing.T, env ...string) *packProc {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(packBin, "127.0.0.1:1") // the engine's address; the pack never dials it
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, panicEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	portLine := make(chan string, 1)
	go func() {
		rd := bufio.NewReader(stdout)
		line, _ := rd.ReadString('\n')
		portLine <- line
		_, _ = rd.WriteTo(discard{})
	}()
	var line string
	select {
	case line = <-portLine:
	case <-time.After(30 * time.Second):
		t.Fatalf("the pack printed no port within 30s; stderr:\n%s", stderr.String())
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoErrorf(t, err, "first stdout line %q is not a port; stderr:\n%s", line, stderr.String())

	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	client := pulumirpc.NewAnalyzerClient(conn)

	ctx := testCtx(t)
	for {
		_, err = client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{
			EngineAddress: "127.0.0.1:1", RootDirectory: &dir, ProgramDirectory: &dir,
		})
		if status.Code(err) != codes.Unavailable || ctx.Err() != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, err, "Handshake")
	return &packProc{client: client, stderr: stderr}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (p *packProc) configureStack(t *testing.T, stack string) {
	t.Helper()
	_, err := p.client.ConfigureStack(testCtx(t), &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: stack, Project: "platform", Organization: "generic-corp", DryRun: true,
	})
	require.NoError(t, err, "ConfigureStack")
}

// res describes one resource of a request.
type res struct {
	typ, name string
	props     resource.PropertyMap
	protect   bool
	deps      map[string][]string // property dependencies (AnalyzeStack only)
}

func urnOf(stack, typ, name string) string {
	return "urn:pulumi:" + stack + "::platform::" + typ + "::" + name
}

// marshal encodes properties exactly as the engine does for analyzers.
func marshal(t *testing.T, pm resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipInternalKeys: true})
	require.NoError(t, err)
	return s
}

func (p *packProc) analyze(t *testing.T, stack string, r res) []*pulumirpc.AnalyzeDiagnostic {
	t.Helper()
	resp, err := p.client.Analyze(testCtx(t), &pulumirpc.AnalyzeRequest{
		Type: r.typ, Name: r.name, Urn: urnOf(stack, r.typ, r.name), Properties: marshal(t, r.props),
		Options:  &pulumirpc.AnalyzerResourceOptions{Protect: r.protect},
		Provider: &pulumirpc.AnalyzerProviderResource{Type: "pulumi:providers:aws", Urn: urnOf(stack, "pulumi:providers:aws", "default"), Name: "default"},
	})
	require.NoError(t, err, "Analyze")
	return resp.GetDiagnostics()
}

func (p *packProc) analyzeStack(t *testing.T, stack string, rs ...res) []*pulumirpc.AnalyzeDiagnostic {
	t.Helper()
	req := &pulumirpc.AnalyzeStackRequest{}
	for _, r := range rs {
		ar := &pulumirpc.AnalyzerResource{
			Type: r.typ, Name: r.name, Urn: urnOf(stack, r.typ, r.name), Properties: marshal(t, r.props),
			Options: &pulumirpc.AnalyzerResourceOptions{Protect: r.protect},
		}
		if len(r.deps) > 0 {
			ar.PropertyDependencies = map[string]*pulumirpc.AnalyzerPropertyDependencies{}
			for k, urns := range r.deps {
				ar.PropertyDependencies[k] = &pulumirpc.AnalyzerPropertyDependencies{Urns: urns}
				ar.Dependencies = append(ar.Dependencies, urns...)
			}
		}
		req.Resources = append(req.Resources, ar)
	}
	resp, err := p.client.AnalyzeStack(testCtx(t), req)
	require.NoError(t, err, "AnalyzeStack")
	return resp.GetDiagnostics()
}

// diagsOf returns the diagnostics of a policy (on a URN, unless urn is "*").
func diagsOf(ds []*pulumirpc.AnalyzeDiagnostic, policy, urn string) []*pulumirpc.AnalyzeDiagnostic {
	var out []*pulumirpc.AnalyzeDiagnostic
	for _, d := range ds {
		if d.GetPolicyName() == policy && (urn == "*" || d.GetUrn() == urn) {
			out = append(out, d)
		}
	}
	return out
}

func render(ds []*pulumirpc.AnalyzeDiagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s [%s] %s: %s\n", d.GetPolicyName(), d.GetEnforcementLevel(), d.GetUrn(), d.GetMessage())
	}
	return b.String()
}

var protoLevel = map[rules.Enforcement]pulumirpc.EnforcementLevel{
	rules.Advisory: pulumirpc.EnforcementLevel_ADVISORY, rules.Mandatory: pulumirpc.EnforcementLevel_MANDATORY,
	rules.Disabled: pulumirpc.EnforcementLevel_DISABLED,
}

// TestGetAnalyzerInfo: every catalogue rule and its companion are listed, with the
// stack's default level, "[severity]" descriptions, the severity field and a config
// schema declaring every parameter plus exceptions. The "" case never calls
// ConfigureStack (as `pulumi policy publish` does) and must get the prod defaults.
func TestGetAnalyzerInfo(t *testing.T) {
	for _, stack := range []string{"", rules.StackStaging, rules.StackProd, rules.StackDR} {
		t.Run("stack="+stack, func(t *testing.T) {
			p := startPack(t)
			if stack != "" {
				p.configureStack(t, stack)
			}
			want := stack
			if want == "" {
				want = rules.StackProd
			}
			info, err := p.client.GetAnalyzerInfo(testCtx(t), &emptypb.Empty{})
			require.NoError(t, err)
			require.Equal(t, "platform", info.GetName())
			require.Equal(t, packVersion, info.GetVersion())
			require.True(t, info.GetSupportsConfig())

			byName := map[string]*pulumirpc.PolicyInfo{}
			for _, pi := range info.GetPolicies() {
				byName[pi.GetName()] = pi
			}
			cat := rules.Catalogue()
			require.Len(t, info.GetPolicies(), 2*len(cat), "one policy and one -unknown companion per rule")
			for _, ri := range cat {
				main, comp := byName[ri.ID], byName[ri.UnknownID]
				require.NotNil(t, main, "policy %s", ri.ID)
				require.NotNil(t, comp, "policy %s", ri.UnknownID)
				prefix := "[" + string(ri.Severity) + "] "
				require.True(t, strings.HasPrefix(main.GetDescription(), prefix), "%s: %q", ri.ID, main.GetDescription())
				require.True(t, strings.HasPrefix(comp.GetDescription(), prefix), "%s: %q", ri.UnknownID, comp.GetDescription())
				require.Equal(t, protoLevel[ri.Enforcement[want]], main.GetEnforcementLevel(), ri.ID)
				require.Equal(t, pulumirpc.EnforcementLevel_ADVISORY, comp.GetEnforcementLevel(), ri.UnknownID)
				require.Equal(t, toProtoSeverity(ri.Severity), main.GetSeverity(), ri.ID)
				wantType := pulumirpc.PolicyType_POLICY_TYPE_RESOURCE
				if ri.Stack {
					wantType = pulumirpc.PolicyType_POLICY_TYPE_STACK
				}
				require.Equal(t, wantType, main.GetPolicyType(), ri.ID)

				schema := main.GetConfigSchema().GetProperties().GetFields()
				require.Contains(t, schema, "exceptions", ri.ID)
				require.NotContains(t, schema, "enforcementLevel", "reserved; the engine injects it")
				for _, prm := range ri.Params {
					require.Contains(t, schema, prm.Name, "%s param", ri.ID)
				}
				require.Len(t, schema, len(ri.Params)+1, ri.ID)
				require.Contains(t, comp.GetConfigSchema().GetProperties().GetFields(), "exceptions", ri.UnknownID)
			}
			// The catalogue's "(prod)" rules are advisory in staging only.
			wantMultiAZ := pulumirpc.EnforcementLevel_MANDATORY
			if want == rules.StackStaging {
				wantMultiAZ = pulumirpc.EnforcementLevel_ADVISORY
			}
			require.Equal(t, wantMultiAZ, byName["rds-multi-az"].GetEnforcementLevel())
			// Parameter schemas carry JSON types the engine validates the config file with.
			nat := byName["cost-nat-count"].GetConfigSchema().GetProperties().GetFields()["maxNatGateways"].GetStructValue().GetFields()
			require.Equal(t, "integer", nat["type"].GetStringValue())
			require.Contains(t, nat["description"].GetStringValue(), "staging=1")

			plugInfo, err := p.client.GetPluginInfo(testCtx(t), &emptypb.Empty{})
			require.NoError(t, err)
			require.Equal(t, packVersion, plugInfo.GetVersion())
		})
	}
}

// TestPulumiPolicyYAML: the project file loads with the engine's loaders and names the Go
// runtime and the pack's version.
func TestPulumiPolicyYAML(t *testing.T) {
	proj, err := workspace.LoadPolicyPack("PulumiPolicy.yaml")
	require.NoError(t, err)
	require.Equal(t, "go", proj.Runtime.Name())
	require.Equal(t, packVersion, proj.Version)
	plug, err := workspace.LoadPluginProject("PulumiPolicy.yaml")
	require.NoError(t, err)
	require.Equal(t, "go", plug.Runtime.Name())
}
