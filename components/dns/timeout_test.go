package dns_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/dns"
)

// recorder is a Pulumi mock that keeps every register call: the custom timeouts are in
// the RPC, not in the inputs the plan capture records.
type recorder struct {
	mu    sync.Mutex
	calls []pulumi.MockResourceArgs
}

func (m *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, args)
	m.mu.Unlock()
	outs := args.Inputs.Copy()
	if args.TypeToken == "aws:acm/certificate:Certificate" {
		d := args.Inputs["domainName"].StringValue()
		outs["arn"] = resource.NewProperty("arn:aws:acm:us-east-1:123456789012:certificate/" + d)
		outs["domainValidationOptions"] = resource.NewPropertyValue([]any{map[string]any{
			"domainName": d, "resourceRecordName": "_x." + d + ".", "resourceRecordType": "CNAME", "resourceRecordValue": "_y.acm-validations.aws.",
		}})
	}
	return args.Name + "-id", outs, nil
}

func (m *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// TestCertificateValidationWaitIsBounded: ACM waits for its validation CNAMEs to be
// visible in public DNS. Without delegation it never sees them and the provider would
// wait 75 minutes, longer than the CI job; the create timeout turns that into a clear
// error.
func TestCertificateValidationWaitIsBounded(t *testing.T) {
	rec := &recorder{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := dns.ValidatedCertificate(ctx, "cert", &dns.CertificateArgs{
			DomainName: "app.generic-corp.io", ZoneId: pulumi.String(zoneID), Tags: stackTags,
		})
		return err
	}, pulumi.WithMocks("platform", "prod", rec))
	require.NoError(t, err)
	var found int
	for _, c := range rec.calls {
		if c.TypeToken != typeValidation {
			continue
		}
		found++
		require.NotNil(t, c.RegisterRPC)
		require.Equal(t, dns.CertificateValidationTimeout, c.RegisterRPC.GetCustomTimeouts().GetCreate(), c.Name)
	}
	require.Equal(t, 1, found)
	require.Equal(t, "30m", dns.CertificateValidationTimeout)
}

// TestOnlyThisPackageWaitsForCertificates keeps the timeout universal: every
// CertificateValidation of the program is made by ValidatedCertificate.
func TestOnlyThisPackageWaitsForCertificates(t *testing.T) {
	root := filepath.Join("..", "..")
	var offenders []string
	require.NoError(t, filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path) //nolint:gosec // the repository's own sources
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "NewCertificateValidation(") && filepath.Base(filepath.Dir(path)) != "dns" {
			offenders = append(offenders, path)
		}
		return nil
	}))
	require.Empty(t, offenders, "create certificate validations through dns.ValidatedCertificate, which bounds the wait")
}
