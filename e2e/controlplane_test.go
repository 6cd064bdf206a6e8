//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The control plane of the e2e tier: etcd, kube-apiserver and kube-controller-manager,
// built by scripts/pulumi-tools.sh from the Go module proxy and started once per test
// binary on loopback only. No scheduler and no kubelet run: pods are created (and admitted)
// but never start.

const (
	// controlPlaneLifetime bounds the processes: they are killed after it even if the test
	// binary hangs; TestMain stops them as soon as the tests are done.
	controlPlaneLifetime = 40 * time.Minute
	// startTimeout bounds each process's start.
	startTimeout = 90 * time.Second
	// serviceCIDR is the cluster's Service range (never routed: nothing listens on it).
	serviceCIDR = "10.96.0.0/16"
	// controllers are the kube-controller-manager controllers that make deletes and
	// workloads behave as on a cluster: the namespace controller empties and removes
	// deleted namespaces, the garbage collector finishes the provider's foreground
	// deletes, serviceaccount creates each namespace's default ServiceAccount, and the
	// workload controllers create the Pods that Pod Security admission then judges.
	controllers = "namespace,garbagecollector,serviceaccount,deployment,replicaset,job"
)

// controlPlane is a running etcd + kube-apiserver + kube-controller-manager.
type controlPlane struct {
	dir        string
	server     string // https://127.0.0.1:<port>
	kubeconfig string // admin kubeconfig (YAML), as the Kubernetes provider takes it
	api        *kubeAPI
	version    string // kube-apiserver's /version gitVersion
	cancel     context.CancelFunc
	procs      []*process

	crdOnce sync.Once
	crdErr  error
	crds    []string // names of the installed CRDs
}

type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

var (
	clusterMu      sync.Mutex
	clusterStarted *controlPlane
	clusterErr     error
)

// requireCluster starts the control plane once per test binary and returns it; without
// the binaries the test skips, or fails under PLATFORM_E2E_REQUIRED=1.
func requireCluster(t testing.TB) *controlPlane {
	t.Helper()
	requireTools(t)
	bin, err := kubeToolsBin()
	if err != nil {
		missing(t, fmt.Sprintf("control plane not built: run scripts/pulumi-tools.sh (%v)", err))
	}
	clusterMu.Lock()
	defer clusterMu.Unlock()
	if clusterStarted == nil && clusterErr == nil {
		clusterStarted, clusterErr = startControlPlane(bin)
	}
	if clusterErr != nil {
		t.Fatalf("starting the control plane: %v", clusterErr)
	}
	return clusterStarted
}

// stopCluster stops the control plane if a test started it (TestMain, after the tests,
// whether they passed or not).
func stopCluster() {
	clusterMu.Lock()
	defer clusterMu.Unlock()
	if clusterStarted != nil {
		clusterStarted.stop()
		_ = os.RemoveAll(clusterStarted.dir)
		clusterStarted = nil
	}
}

var kubeVersionLine = regexp.MustCompile(`(?m)^KUBE_VERSION="([0-9]+\.[0-9]+\.[0-9]+)"$`)

// kubeVersion is the control plane version scripts/pulumi-tools.sh builds (its KUBE_VERSION).
func kubeVersion() (string, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "pulumi-tools.sh"))
	if err != nil {
		return "", err
	}
	m := kubeVersionLine.FindSubmatch(script)
	if m == nil {
		return "", errors.New(`scripts/pulumi-tools.sh has no KUBE_VERSION="x.y.z" line`)
	}
	return string(m[1]), nil
}

// kubeToolsBin finds the control plane binaries: $PLATFORM_KUBE_TOOLS_BIN (the script's
// printed environment), then the script's default cache folder.
func kubeToolsBin() (string, error) {
	v, err := kubeVersion()
	if err != nil {
		return "", err
	}
	dirs := []string{os.Getenv("PLATFORM_KUBE_TOOLS_BIN")}
	root := os.Getenv("PLATFORM_PULUMI_TOOLS_CACHE")
	if root == "" {
		if home, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(home, ".cache", "platform-pulumi-tools")
		}
	}
	dirs = append(dirs, filepath.Join(root, "kube-"+v, "bin"))
	for _, d := range dirs {
		if d != "" && executable(filepath.Join(d, "kube-apiserver")) && executable(filepath.Join(d, "kube-controller-manager")) && executable(filepath.Join(d, "etcd")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("no folder holds kube-apiserver, kube-controller-manager and etcd v%s (looked in %s)", v, strings.Join(dirs, ", "))
}

func startControlPlane(bin string) (cp *controlPlane, err error) {
	dir, err := os.MkdirTemp("", "platform-e2e-cluster")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), controlPlaneLifetime)
	cp = &controlPlane{dir: dir, cancel: cancel}
	defer func() {
		if err != nil {
			cp.stop()
			_ = os.RemoveAll(dir)
			cp = nil
		}
	}()
	pki, err := newPKI(dir)
	if err != nil {
		return cp, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return cp, err
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	cp.server = fmt.Sprintf("https://127.0.0.1:%d", ports[2])

	etcd, err := cp.start(ctx, "etcd", filepath.Join(bin, "etcd"),
		"--name=e2e", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=e2e="+peerURL,
		// A throwaway store on a shared disk: durability buys nothing here.
		"--unsafe-no-fsync", "--log-level=warn")
	if err != nil {
		return cp, err
	}
	if err := waitHTTP(ctx, etcd, http.DefaultClient, etcdURL+"/health", nil); err != nil {
		return cp, err
	}

	admin, controllerManager := randomToken(), randomToken()
	tokens := fmt.Sprintf("%s,e2e-admin,e2e-admin,\"system:masters\"\n%s,e2e-controller-manager,e2e-controller-manager,\"system:masters\"\n", admin, controllerManager)
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(tokens), 0o600); err != nil {
		return cp, err
	}
	apiserver, err := cp.start(ctx, "kube-apiserver", filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", ports[2]),
		"--tls-cert-file="+pki.servingCert, "--tls-private-key-file="+pki.servingKey,
		"--cert-dir="+filepath.Join(dir, "apiserver-certs"),
		"--token-auth-file="+tokenFile, "--anonymous-auth=false",
		// As on EKS: RBAC decides, privileged containers are allowed by the cluster and
		// refused per namespace by Pod Security admission (on by default).
		"--authorization-mode=RBAC", "--allow-privileged=true",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+pki.saPublic, "--service-account-signing-key-file="+pki.saPrivate,
		"--service-cluster-ip-range="+serviceCIDR,
		"--profiling=false", "--v=1")
	if err != nil {
		return cp, err
	}
	cp.api = newKubeAPI(cp.server, admin, pki.caPEM)
	if err := waitHTTP(ctx, apiserver, cp.api.client, cp.server+"/readyz", cp.api.auth); err != nil {
		return cp, err
	}
	cp.kubeconfig = kubeconfig(cp.server, pki.caPEM, admin)
	kcmConfig := filepath.Join(dir, "controller-manager.kubeconfig")
	if err := os.WriteFile(kcmConfig, []byte(kubeconfig(cp.server, pki.caPEM, controllerManager)), 0o600); err != nil {
		return cp, err
	}
	kcm, err := cp.start(ctx, "kube-controller-manager", filepath.Join(bin, "kube-controller-manager"),
		"--kubeconfig="+kcmConfig, "--controllers="+controllers,
		"--leader-elect=false", "--use-service-account-credentials=false",
		"--bind-address=127.0.0.1", "--secure-port=0", "--v=1")
	if err != nil {
		return cp, err
	}
	// The serviceaccount controller is running once it has given "default" its account.
	if err := cp.api.waitFor(ctx, kcm, "/api/v1/namespaces/default/serviceaccounts/default"); err != nil {
		return cp, err
	}
	var version struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := cp.api.getJSON(ctx, "/version", &version); err != nil {
		return cp, err
	}
	cp.version = version.GitVersion
	return cp, nil
}

// start runs a control plane binary in its own process group, killed with the test
// binary (Pdeathsig) or at the context's deadline; its output goes to a log file.
func (cp *controlPlane) start(ctx context.Context, name, bin string, args ...string) (*process, error) {
	logPath := filepath.Join(cp.dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	cp.procs = append(cp.procs, p)
	return p, nil
}

// stop terminates the processes, newest first, and waits for them.
func (cp *controlPlane) stop() {
	for i := len(cp.procs) - 1; i >= 0; i-- {
		p := cp.procs[i]
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	}
	cp.cancel()
}

// exited reports a process that is no longer running, with the end of its log.
func (p *process) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited (%v); end of its log:\n%s", p.name, p.err, tail(p.log, 30))
	default:
		return nil
	}
}

// waitHTTP polls url until it answers 200, the process exits or startTimeout passes.
func waitHTTP(ctx context.Context, p *process, client *http.Client, url string, auth func(*http.Request)) error {
	deadline := time.Now().Add(startTimeout)
	var last string
	for time.Now().Before(deadline) {
		if err := p.exited(); err != nil {
			return err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if auth != nil {
			auth(req)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready at %s after %s (last: %s); end of its log:\n%s", p.name, url, startTimeout, last, tail(p.log, 30))
}

func tail(path string, lines int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// freePorts asks the kernel for n free loopback ports.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
