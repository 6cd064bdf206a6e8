package runner

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
)

// Type is the component's type token.
const Type = "platform:runner:Runner"

// Defaults.
const (
	// DefaultComputeType has 7 GB of memory: a cold build of the AWS SDK needs ~4 GB.
	DefaultComputeType = "BUILD_GENERAL1_MEDIUM"
	// DefaultImage is CodeBuild's curated Amazon Linux image (Docker, git, the AWS CLI);
	// the workflow installs Go and the Pulumi CLI itself.
	DefaultImage = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
	// DefaultBuildTimeoutMinutes covers a cold first `pulumi up` (modeled at about an hour).
	DefaultBuildTimeoutMinutes = 120
)

var (
	repoRe       = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	computeTypes = []string{"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"}
	accountRe    = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// RunnerArgs configure the runner.
type RunnerArgs struct {
	// NamePrefix starts every physical name ("<prefix>-deployer"). Required.
	NamePrefix string
	// AccountId and Region place the project (policies and ARNs are built from them, so
	// they are known in a preview). Required.
	AccountId, Region string
	// Repository is the GitHub repository whose workflow jobs the runner takes,
	// "owner/name". Required.
	Repository string
	// VpcId and SubnetIds are the stack's VPC and its private subnets (egress through
	// the NAT gateways). Required.
	VpcId     pulumi.StringInput
	SubnetIds pulumi.StringArrayInput
	// ClusterSecurityGroupId is the EKS cluster security group, which fronts the private
	// endpoint; the runner is admitted on 443. Required.
	ClusterSecurityGroupId pulumi.StringInput
	// ComputeType is the CodeBuild compute type. Default DefaultComputeType.
	ComputeType string
	// Image is the build image. Default DefaultImage.
	Image string
	// BuildTimeoutMinutes bounds one job. Default DefaultBuildTimeoutMinutes; 5..480.
	BuildTimeoutMinutes int
	// LogsKmsKeyArn encrypts the log group; LogRetentionDays keeps it. Required.
	LogsKmsKeyArn    pulumi.StringInput
	LogRetentionDays int
	// Tags is the stack tag set.
	Tags tags.Set
}

func (a RunnerArgs) withDefaults() RunnerArgs {
	if a.ComputeType == "" {
		a.ComputeType = DefaultComputeType
	}
	if a.Image == "" {
		a.Image = DefaultImage
	}
	if a.BuildTimeoutMinutes == 0 {
		a.BuildTimeoutMinutes = DefaultBuildTimeoutMinutes
	}
	return a
}

func (a RunnerArgs) validate() error {
	var errs []error
	p := argcheck.Into("runner", &errs)
	p.NamePrefix(a.NamePrefix)
	if !accountRe.MatchString(a.AccountId) {
		p.Bad("AccountId", a.AccountId, "want 12 digits")
	}
	if !regionRe.MatchString(a.Region) {
		p.Bad("Region", a.Region, "want an AWS region such as us-east-1")
	}
	if !repoRe.MatchString(a.Repository) {
		p.Bad("Repository", a.Repository, `want "owner/name" of a GitHub repository`)
	}
	for _, f := range []struct {
		name string
		set  bool
		why  string
	}{
		{"VpcId", a.VpcId != nil, "the stack's VPC"}, {"SubnetIds", a.SubnetIds != nil, "the private subnets"},
		{"ClusterSecurityGroupId", a.ClusterSecurityGroupId != nil, "the EKS cluster security group"},
		{"LogsKmsKeyArn", a.LogsKmsKeyArn != nil, "the logs key"},
	} {
		if !f.set {
			p.Missing(f.name, f.why)
		}
	}
	if !slices.Contains(computeTypes, a.ComputeType) {
		p.Bad("ComputeType", a.ComputeType, "want one of "+strings.Join(computeTypes, ", "))
	}
	p.Between("BuildTimeoutMinutes", a.BuildTimeoutMinutes, 5, 480, "minutes")
	p.Between("LogRetentionDays", a.LogRetentionDays, 1, 3653, "days")
	p.Tags(a.Tags)
	return errors.Join(errs...)
}

// ProjectName is the CodeBuild project's name; workflow jobs ask for
// `runs-on: codebuild-<ProjectName>-${{ github.run_id }}-${{ github.run_attempt }}`.
func ProjectName(prefix string) string { return prefix + "-deployer" }

// RunsOn is the runs-on label of a workflow job on this runner.
func RunsOn(prefix string) string {
	return fmt.Sprintf("codebuild-%s-${{ github.run_id }}-${{ github.run_attempt }}", ProjectName(prefix))
}
