//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// pki is the control plane's key material, made fresh for each run: a CA, the API
// server's serving certificate (127.0.0.1 and localhost) and the service-account key.
type pki struct {
	caPEM                   []byte
	servingCert, servingKey string
	saPublic, saPrivate     string
}

func newPKI(dir string) (*pki, error) {
	out := filepath.Join(dir, "pki")
	if err := os.MkdirAll(out, 0o700); err != nil {
		return nil, err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "platform-e2e-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default.svc"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	p := &pki{
		caPEM:       pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		servingCert: filepath.Join(out, "apiserver.crt"), servingKey: filepath.Join(out, "apiserver.key"),
		saPublic: filepath.Join(out, "sa.pub"), saPrivate: filepath.Join(out, "sa.key"),
	}
	files := map[string][]byte{p.servingCert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER})}
	for path, key := range map[string]*ecdsa.PrivateKey{p.servingKey: srvKey, p.saPrivate: saKey} {
		der, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, err
		}
		files[path] = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	}
	pub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return nil, err
	}
	files[p.saPublic] = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	for path, b := range files {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// kubeconfig is a one-cluster kubeconfig for a bearer token.
func kubeconfig(server string, caPEM []byte, token string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: e2e
  user:
    token: %s
contexts:
- name: e2e
  context:
    cluster: e2e
    user: e2e
current-context: e2e
`, server, base64.StdEncoding.EncodeToString(caPEM), token)
}

// kubeAPI is a minimal client of the API server, for what the tests check outside the
// engine (CRD installation, object reads); the objects themselves go through Pulumi.
type kubeAPI struct {
	server string
	token  string
	client *http.Client
}

func newKubeAPI(server, token string, caPEM []byte) *kubeAPI {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return &kubeAPI{server: server, token: token, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}}
}

func (k *kubeAPI) auth(req *http.Request) { req.Header.Set("Authorization", "Bearer "+k.token) }

// apiError is a non-2xx answer: the HTTP status and the server's Status message.
type apiError struct {
	code    int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.message) }

func (k *kubeAPI) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.server+path, rd)
	if err != nil {
		return err
	}
	k.auth(req)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var status struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &status)
		if status.Message == "" {
			status.Message = string(raw)
		}
		return &apiError{code: resp.StatusCode, message: status.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

func (k *kubeAPI) getJSON(ctx context.Context, path string, out any) error {
	return k.do(ctx, http.MethodGet, path, nil, out)
}

// object is a Kubernetes object read back as JSON.
type object = map[string]any

// list returns the items of a collection path (e.g. /api/v1/namespaces/api/pods).
func (k *kubeAPI) list(ctx context.Context, path string) ([]object, error) {
	var l struct {
		Items []object `json:"items"`
	}
	if err := k.getJSON(ctx, path, &l); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// waitFor polls path until the object exists, the process exits or startTimeout passes.
func (k *kubeAPI) waitFor(ctx context.Context, p *process, path string) error {
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		if err := p.exited(); err != nil {
			return err
		}
		if last = k.getJSON(ctx, path, nil); last == nil {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s did not appear within %s (last: %v); end of %s's log:\n%s", path, startTimeout, last, p.name, tail(p.log, 30))
}
