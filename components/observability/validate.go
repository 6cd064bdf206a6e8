package observability

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
)

var (
	dnsLabelRe   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	smNameRe     = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	durationRe   = regexp.MustCompile(`^[1-9][0-9]*(d|h)$`)
	intervalRe   = regexp.MustCompile(`^[1-9][0-9]*(s|m)$`)
	portNameRe   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$`)
	channelRe    = regexp.MustCompile(`^#[a-z0-9][a-z0-9._-]{0,79}$`)
	labelKeyRe   = regexp.MustCompile(`^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$`)
	labelValRe   = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$`)
	groupRe      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,29}$`)
	bucketRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	regionRe     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	imageRe      = regexp.MustCompile(`^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?/)?[a-z0-9]+([._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	storeKinds   = []string{"ClusterSecretStore", "SecretStore"}
	lokiStorages = []string{LokiStorageFilesystem, LokiStorageS3}
)

// validate reports every user error at once, each naming the field, the bad value and
// what is allowed. It runs on defaulted args, before anything is registered.
func (a ObservabilityArgs) validate() error {
	var errs []error
	p := argcheck.Into("observability", &errs)
	bad := p.Bad
	missing := p.Missing
	between := p.Between

	p.NamePrefix(a.NamePrefix)
	if a.KubernetesProvider == nil {
		missing("KubernetesProvider", "the EKS cluster's Kubernetes provider")
	}
	if !dnsLabelRe.MatchString(a.Namespace) {
		bad("Namespace", a.Namespace, "want a DNS label")
	}
	between("PrometheusReplicas", a.PrometheusReplicas, 1, 3, "pods")
	if !durationRe.MatchString(a.PrometheusRetention) {
		bad("PrometheusRetention", a.PrometheusRetention, `want whole days or hours, e.g. "15d" or "360h"`)
	}
	between("PrometheusStorageGiB", a.PrometheusStorageGiB, 10, 2000, "GiB")
	between("AlertmanagerReplicas", a.AlertmanagerReplicas, 1, 5, "pods")
	between("AlertmanagerStorageGiB", a.AlertmanagerStorageGiB, 1, 50, "GiB")
	if !dnsLabelRe.MatchString(a.StorageClassName) {
		bad("StorageClassName", a.StorageClassName, "want a DNS label")
	}

	for _, f := range []struct{ field, v, what string }{
		{"PagerDutySecretName", a.PagerDutySecretName, "the Secrets Manager secret holding the PagerDuty routing key"},
		{"SlackSecretName", a.SlackSecretName, "the Secrets Manager secret holding the Slack webhook URL"},
	} {
		if f.v == "" {
			missing(f.field, f.what)
		} else if !smNameRe.MatchString(f.v) {
			bad(f.field, f.v, "want a Secrets Manager name (letters, digits and /_+=.@-)")
		}
	}
	if !channelRe.MatchString(a.SlackChannel) {
		bad("SlackChannel", a.SlackChannel, `want a channel such as "#platform-alerts"`)
	}
	if !dnsLabelRe.MatchString(a.SecretStoreName) {
		bad("SecretStoreName", a.SecretStoreName, "want a DNS label")
	}
	if !slices.Contains(storeKinds, a.SecretStoreKind) {
		bad("SecretStoreKind", a.SecretStoreKind, "want one of "+strings.Join(storeKinds, ", "))
	}
	if !strings.HasPrefix(a.RunbookBaseURL, "https://") || strings.ContainsAny(a.RunbookBaseURL, "# ") {
		bad("RunbookBaseURL", a.RunbookBaseURL, "want an https:// URL without a fragment; alerts append #<anchor>")
	}

	errs = append(errs, a.validateLoki()...)

	for _, t := range []struct {
		field  string
		target ScrapeTarget
	}{{"Api", a.Api}, {"Worker", a.Worker}, {"PgBouncer", a.PgBouncer}, {"Temporal", a.Temporal}} {
		errs = append(errs, t.target.validate(t.field)...)
	}
	if !dnsLabelRe.MatchString(a.WorkerDeployment) {
		bad("WorkerDeployment", a.WorkerDeployment, "want a DNS label")
	}
	seen := map[string]bool{}
	for _, r := range a.RedisExporters {
		if !groupRe.MatchString(r.Name) || seen[r.Name] {
			bad("RedisExporters.Name", r.Name, "want unique names of 1-30 lower-case letters, digits or '-'")
		}
		seen[r.Name] = true
		if r.Address == nil {
			missing("RedisExporters["+r.Name+"].Address", "the group's primary endpoint host:port")
		}
		if !smNameRe.MatchString(r.AuthSecretName) {
			bad("RedisExporters["+r.Name+"].AuthSecretName", r.AuthSecretName, "want the Secrets Manager name of the group's AUTH token")
		}
	}
	if !imageRe.MatchString(a.RedisExporterImage) || strings.HasSuffix(a.RedisExporterImage, ":latest") {
		bad("RedisExporterImage", a.RedisExporterImage, `want a pinned "repository:tag" reference, never :latest`)
	}
	errs = append(errs, argcheck.MissingTags("observability", a.Tags)...)
	return errors.Join(errs...)
}

func (a ObservabilityArgs) validateLoki() []error {
	var errs []error
	p := argcheck.Into("observability", &errs)
	bad := p.Bad
	if !slices.Contains(lokiStorages, a.LokiStorage) {
		bad("LokiStorage", a.LokiStorage, "want one of "+strings.Join(lokiStorages, ", "))
	}
	if a.LokiRetentionDays < 1 || a.LokiRetentionDays > 3650 {
		bad("LokiRetentionDays", a.LokiRetentionDays, "want 1..3650 days")
	}
	if a.LokiStorageGiB < 10 || a.LokiStorageGiB > 2000 {
		bad("LokiStorageGiB", a.LokiStorageGiB, "want 10..2000 GiB")
	}
	switch {
	case a.LokiStorage == LokiStorageS3 && a.LokiS3 == nil:
		errs = append(errs, errors.New("observability: LokiS3 is required when LokiStorage is \"s3\" (region, IRSA provider, KMS key)"))
	case a.LokiStorage != LokiStorageS3 && a.LokiS3 != nil:
		bad("LokiStorage", a.LokiStorage, `LokiS3 is set, so want "s3" (or drop LokiS3)`)
	case a.LokiS3 != nil:
		s := a.LokiS3
		if !regionRe.MatchString(s.Region) {
			bad("LokiS3.Region", s.Region, "want an AWS region such as us-east-1")
		}
		if s.OidcProviderArn == nil || s.OidcIssuer == nil {
			errs = append(errs, errors.New("observability: LokiS3.OidcProviderArn and LokiS3.OidcIssuer are required (cluster.OidcProviderArn, cluster.OidcIssuer)"))
		}
		if s.KmsKeyArn == nil {
			errs = append(errs, errors.New("observability: LokiS3.KmsKeyArn is required (secrets.DataKeyArn)"))
		}
		if s.BucketName != "" && !bucketRe.MatchString(s.BucketName) {
			bad("LokiS3.BucketName", s.BucketName, "want 3-63 lower-case letters, digits or '-'")
		}
	}
	return errs
}

func (t ScrapeTarget) validate(field string) []error {
	var errs []error
	bad := func(sub string, value any, allowed string) {
		errs = append(errs, fmt.Errorf("observability: %s.%s %q is invalid: %s", field, sub, fmt.Sprint(value), allowed))
	}
	if !dnsLabelRe.MatchString(t.Namespace) {
		bad("Namespace", t.Namespace, "want a DNS label")
	}
	for _, k := range slices.Sorted(maps.Keys(t.Selector)) {
		if !labelKeyRe.MatchString(k) || !labelValRe.MatchString(t.Selector[k]) {
			bad("Selector", k+"="+t.Selector[k], "want Kubernetes label keys and values")
		}
	}
	if !portNameRe.MatchString(t.Port) || !strings.ContainsAny(t.Port, "abcdefghijklmnopqrstuvwxyz") {
		bad("Port", t.Port, "want a port name (1-15 lower-case letters, digits or '-', with a letter)")
	}
	if !strings.HasPrefix(t.Path, "/") {
		bad("Path", t.Path, `want an absolute path such as "/metrics"`)
	}
	if !intervalRe.MatchString(t.Interval) {
		bad("Interval", t.Interval, `want seconds or minutes, e.g. "30s"`)
	}
	return errs
}
