package registry_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	typeRepo      = "aws:ecr/repository:Repository"
	typeLifecycle = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	keyArn        = "arn:aws:kms:us-east-1:123456789012:key/ecr"
)

var stackTags = tags.New("prod", "platform", "platform-team", "cc-123", nil)

func capture(t *testing.T, mode plan.Mode, args *registry.RegistryArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		r, err := registry.NewRegistry(ctx, "registry", args)
		if err != nil {
			return err
		}
		ctx.Export("arns", r.RepositoryArns)
		ctx.Export("names", r.RepositoryNames)
		return nil
	}, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

type lifecycle struct {
	Rules []struct {
		RulePriority int    `json:"rulePriority"`
		Description  string `json:"description"`
		Selection    struct {
			TagStatus      string   `json:"tagStatus"`
			TagPatternList []string `json:"tagPatternList"`
			TagPrefixList  []string `json:"tagPrefixList"`
			CountType      string   `json:"countType"`
			CountUnit      string   `json:"countUnit"`
			CountNumber    int      `json:"countNumber"`
		} `json:"selection"`
		Action struct {
			Type string `json:"type"`
		} `json:"action"`
	} `json:"rules"`
}

func TestRepositoriesAreImmutableScannedAndKMSEncrypted(t *testing.T) {
	p := capture(t, plan.Update, &registry.RegistryArgs{
		NamePrefix: "platform-prod", KmsKeyArn: pulumi.String(keyArn), Protect: true, Tags: stackTags,
	})
	repos := p.ByType(typeRepo)
	require.Len(t, repos, 4)
	for _, short := range []string{"api", "worker", "temporal-worker", "migrations"} {
		t.Run(short, func(t *testing.T) {
			r := p.Named(typeRepo, "registry-"+short)
			require.NotNil(t, r)
			require.Equal(t, "platform-prod/"+short, r.Input("name").AsString())
			require.Equal(t, "IMMUTABLE", r.Input("imageTagMutability").AsString())
			require.True(t, r.Input("imageScanningConfiguration.scanOnPush").AsBool())
			require.Equal(t, "KMS", r.Input("encryptionConfigurations[0].encryptionType").AsString())
			require.Equal(t, keyArn, r.Input("encryptionConfigurations[0].kmsKey").AsString())
			require.False(t, r.Input("forceDelete").AsBool())
			require.True(t, r.Protect)
			require.Equal(t, "platform-prod/"+short, r.Input("tags.Name").AsString())
			for _, k := range tags.Required {
				require.Equal(t, stackTags[k], r.Input("tags."+k).AsString())
			}
			require.Equal(t, r.Output("arn").AsString(), p.Outputs.Get("arns").AsMap().Get(short).AsString())
		})
	}
}

func TestLifecyclePolicyDocument(t *testing.T) {
	cases := []struct {
		name             string
		untagged, tagged int
		wantDays, wantN  int
	}{
		{"defaults", 0, 0, 14, 50},
		{"custom", 3, 20, 3, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, plan.Update, &registry.RegistryArgs{
				NamePrefix: "platform-staging", Repositories: []string{"api"}, KmsKeyArn: pulumi.String(keyArn),
				UntaggedExpiryDays: tc.untagged, KeepTagged: tc.tagged, Tags: stackTags,
			})
			lp := p.Named(typeLifecycle, "registry-api-lifecycle")
			require.NotNil(t, lp)
			require.Equal(t, "platform-staging/api", lp.Input("repository").AsString())
			require.False(t, p.Named(typeRepo, "registry-api").Protect)

			var doc lifecycle
			require.NoError(t, json.Unmarshal([]byte(lp.Input("policy").AsString()), &doc))
			require.Len(t, doc.Rules, 2)

			untagged, tagged := doc.Rules[0], doc.Rules[1]
			require.Equal(t, 1, untagged.RulePriority)
			require.Equal(t, "untagged", untagged.Selection.TagStatus)
			require.Empty(t, untagged.Selection.TagPatternList, "untagged rules must omit tag lists")
			require.Empty(t, untagged.Selection.TagPrefixList)
			require.Equal(t, "sinceImagePushed", untagged.Selection.CountType)
			require.Equal(t, "days", untagged.Selection.CountUnit)
			require.Equal(t, tc.wantDays, untagged.Selection.CountNumber)
			require.Equal(t, "expire", untagged.Action.Type)

			require.Equal(t, 2, tagged.RulePriority)
			require.Equal(t, "tagged", tagged.Selection.TagStatus)
			require.Equal(t, []string{"*"}, tagged.Selection.TagPatternList)
			require.Equal(t, "imageCountMoreThan", tagged.Selection.CountType)
			require.Empty(t, tagged.Selection.CountUnit, "countUnit is only valid with sinceImagePushed")
			require.Equal(t, tc.wantN, tagged.Selection.CountNumber)
			require.Equal(t, "expire", tagged.Action.Type)
		})
	}
}

func TestPreviewWithUnknownKey(t *testing.T) {
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		key, err := kms.NewKey(ctx, "ecr", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)})
		if err != nil {
			return err
		}
		r, err := registry.NewRegistry(ctx, "registry", &registry.RegistryArgs{
			NamePrefix: "platform-prod", KmsKeyArn: key.Arn, Repositories: []string{"api", "worker"}, Tags: stackTags,
		})
		if err != nil {
			return err
		}
		ref, err := registry.ImageRefOutput(r.RepositoryUrls.MapIndex(pulumi.String("api")), "1f2e3d4")
		if err != nil {
			return err
		}
		ctx.Export("apiImage", ref)
		return nil
	}, plan.Options{Mode: plan.Preview})
	require.NoError(t, err)
	require.Len(t, p.ByType(typeRepo), 2)
	api := p.Named(typeRepo, "registry-api")
	require.True(t, api.Input("encryptionConfigurations[0].kmsKey").IsComputed())
	require.Equal(t, "IMMUTABLE", api.Input("imageTagMutability").AsString())
	require.True(t, p.Outputs.Get("apiImage").IsComputed())
	comp := p.Named(registry.Token, "registry")
	require.NotNil(t, comp)
	for _, r := range p.ByType(typeLifecycle) {
		require.Equal(t, comp.URN, r.Parent)
	}
}

func TestValidation(t *testing.T) {
	cases := []struct {
		name string
		args registry.RegistryArgs
		want []string
	}{
		{"no key", registry.RegistryArgs{NamePrefix: "platform-prod"}, []string{"KmsKeyArn is required"}},
		{"bad prefix", registry.RegistryArgs{NamePrefix: "Platform", KmsKeyArn: pulumi.String(keyArn)}, []string{`NamePrefix "Platform"`}},
		{"bad repo", registry.RegistryArgs{NamePrefix: "p", KmsKeyArn: pulumi.String(keyArn), Repositories: []string{"API"}},
			[]string{`Repositories[0] "API"`}},
		{"duplicate repo", registry.RegistryArgs{NamePrefix: "p", KmsKeyArn: pulumi.String(keyArn), Repositories: []string{"api", "api"}},
			[]string{`Repositories[1] "api" is listed twice`}},
		{"negative expiry and keep", registry.RegistryArgs{NamePrefix: "p", KmsKeyArn: pulumi.String(keyArn), UntaggedExpiryDays: -1, KeepTagged: -5},
			[]string{"UntaggedExpiryDays -1", "KeepTagged -5"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := registry.NewRegistry(ctx, "registry", &tc.args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Empty(t, p.Resources)
		})
	}
}

func TestImageRef(t *testing.T) {
	const repo = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-prod/api"
	digest := "sha256:" + strings.Repeat("ab", 32)
	cases := []struct {
		name, url, tag, want, err string
	}{
		{"git sha", repo, "1f2e3d4", repo + ":1f2e3d4", ""},
		{"semver", repo, "v1.2.3", repo + ":v1.2.3", ""},
		{"digest", repo, digest, repo + "@" + digest, ""},
		{"registry with port", "registry.local:5000/api", "v1", "registry.local:5000/api:v1", ""},
		{"latest", repo, "latest", "", `"latest" is not allowed`},
		{"LATEST", repo, "LATEST", "", "is not allowed"},
		{"empty", repo, "", "", "tag is empty"},
		{"bad tag", repo, "-v1", "", "is malformed"},
		{"short digest", repo, "sha256:abc", "", "digest"},
		{"empty url", "", "v1", "", "repository URL is empty"},
		{"url with tag", repo + ":v0", "v1", "", "without a tag or digest"},
		{"url with digest", repo + "@" + digest, "v1", "", "without a tag or digest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := registry.ImageRef(tc.url, tc.tag)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				require.Empty(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestImageRefOutput(t *testing.T) {
	_, err := registry.ImageRefOutput(pulumi.String("x/api"), "latest")
	require.ErrorContains(t, err, "latest")

	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		ref, err := registry.ImageRefOutput(pulumi.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-prod/api"), "v7")
		if err != nil {
			return err
		}
		ctx.Export("image", ref)
		return nil
	}, plan.Options{Mode: plan.Update})
	require.NoError(t, err)
	require.Equal(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-prod/api:v7", p.Outputs.Get("image").AsString())
}
