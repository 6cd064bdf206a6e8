package preflight

import (
	"fmt"

	"github.com/generic-corp/platform/internal/tokens"
)

// frontend is one static site: a versioned S3 bucket behind CloudFront, deployed by CI
// from the release, so its content can always be built again.
type frontend struct {
	res       *Resource
	versioned bool
}

func (m *resilienceModel) frontends() []resilient {
	var out []resilient
	for i := range m.r.Resources {
		site := &m.r.Resources[i]
		if site.Type != "platform:cdn:Site" {
			continue
		}
		f := &frontend{res: site}
		for _, res := range m.r.Resources {
			if res.Parent == site.URN && res.Type == tokens.S3BucketVersioningV2 {
				f.versioned = at(res.Inputs, "versioningConfiguration.status") == "Enabled"
			}
		}
		out = append(out, f)
	}
	return out
}

func (f *frontend) public() ResilienceComponent {
	return ResilienceComponent{Name: "front end " + f.res.Name, Kind: "frontend", URN: f.res.URN}
}

func (f *frontend) availability(m *resilienceModel) (float64, string) {
	return m.c.percent("sla-cloudfront"), "served by CloudFront: its SLA"
}

func (f *frontend) estimate(m *resilienceModel, d string) (ResilienceEstimate, bool) {
	redeploy := m.c.minutes("frontend-redeploy")
	switch d {
	case "az-loss":
		return est(minutesFig(m.c.minutes("s3-multi-az")), minutesFig(0), "S3 Standard keeps the objects in at least three AZs; CloudFront is global", "s3-multi-az")
	case "region-loss":
		return est(minutesFig(m.region.RTOMinutes), noDataFig(), m.region.Basis+"; data: none held, CI deploys the release to the rebuild's bucket")
	case "bad-deploy":
		if m.detect.Unbounded {
			return est(unboundedFig(), noDataFig(), "nothing pages on a bad release: "+m.detectBasis)
		}
		decide := m.c.minutes("rollback-decision")
		return est(minutesFig(m.detect.Minutes+decide+redeploy), noDataFig(),
			fmt.Sprintf("paged after %s (%s), the decision (%s), the previous release's site deployed again (%s)", minutes(m.detect.Minutes), m.detectBasis,
				minutes(decide), minutes(redeploy)), "rollback-decision", "frontend-redeploy")
	case "data-corruption":
		how := "deploy the release again"
		if f.versioned {
			how += " (versioning also keeps every earlier object)"
		}
		return est(minutesFig(redeploy), noDataFig(), how+": the content is built from the release, none is held only here", "frontend-redeploy")
	}
	return ResilienceEstimate{}, false
}

// secretStore is every Secrets Manager secret of the stack, as one component.
type secretStore struct {
	n          int
	replicated int // secrets with a replica outside the stack's region
	first      string
}

func (m *resilienceModel) secrets() resilient {
	s := &secretStore{}
	for _, res := range m.r.Resources {
		if res.Type != tokens.SecretsManagerSecret {
			continue
		}
		if s.n++; s.first == "" {
			s.first = res.URN
		}
		for _, rep := range asList(res.Inputs["replicas"]) {
			if region, _ := asMap(rep)["region"].(string); region != "" && region != m.home {
				s.replicated++
				break
			}
		}
	}
	if s.n == 0 {
		return nil
	}
	return s
}

func (s *secretStore) public() ResilienceComponent {
	return ResilienceComponent{Name: fmt.Sprintf("Secrets Manager (%d secrets)", s.n), Kind: "secrets", URN: s.first}
}

func (s *secretStore) availability(m *resilienceModel) (float64, string) {
	return m.c.percent("sla-secrets-manager"), "the Secrets Manager SLA"
}

func (s *secretStore) estimate(m *resilienceModel, d string) (ResilienceEstimate, bool) {
	switch d {
	case "az-loss":
		return est(minutesFig(m.c.minutes("secrets-manager-multi-az")), minutesFig(0), "a Regional service across the AZs", "secrets-manager-multi-az")
	case "region-loss":
		basis := m.region.Basis + fmt.Sprintf("; data: %d of %d secrets replicated out of the region; the rebuild generates its own credentials and the operator-filled values are entered again (runbook step 7, in the RTO)", s.replicated, s.n)
		return est(minutesFig(m.region.RTOMinutes), noDataFig(), basis)
	case "data-corruption":
		restore := m.c.minutes("secret-version-restore")
		return est(minutesFig(restore), minutesFig(0), "a bad value is undone by returning to the previous version, which Secrets Manager keeps", "secret-version-restore")
	}
	return ResilienceEstimate{}, false
}
