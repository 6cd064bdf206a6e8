package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/generic-corp/platform/policies/rules"
)

// unmarshalProps decodes properties as the engine marshals them (KeepUnknowns,
// KeepSecrets): unknowns become computed values and secrets stay secret, so rules see the
// same three states (missing, unknown, known) as in the offline capture.
func unmarshalProps(label string, s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, plugin.MarshalOptions{
		Label: label, KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true,
	})
}

// analyzerResource converts one resource of an Analyze or AnalyzeStack request into the
// policyx view. Analyze requests carry no dependencies; AnalyzeStack fills them in after.
func analyzerResource(label, typ, urn, name string, props *structpb.Struct,
	opts *pulumirpc.AnalyzerResourceOptions, prov *pulumirpc.AnalyzerProviderResource,
) (policyx.AnalyzerResource, error) {
	pm, err := unmarshalProps(label, props)
	if err != nil {
		return policyx.AnalyzerResource{}, fmt.Errorf("properties of %s: %w", urn, err)
	}
	ar := policyx.AnalyzerResource{
		Type: typ, URN: urn, Name: name,
		Properties: resource.FromResourcePropertyMap(pm),
		Parent:     opts.GetParent(),
		Options: pulumi.ResourceOptions{
			Protect:                 opts.GetProtect(),
			IgnoreChanges:           opts.GetIgnoreChanges(),
			DeleteBeforeReplace:     opts.GetDeleteBeforeReplace(),
			AdditionalSecretOutputs: opts.GetAdditionalSecretOutputs(),
		},
	}
	if prov != nil {
		// The provider's own properties are not read by any rule; they are left out.
		ar.Provider = policyx.AnalyzerProviderResource{Type: prov.GetType(), URN: prov.GetUrn(), Name: prov.GetName()}
	}
	return ar, nil
}

func stackResource(label string, r *pulumirpc.AnalyzerResource) (policyx.AnalyzerResource, error) {
	ar, err := analyzerResource(label, r.GetType(), r.GetUrn(), r.GetName(), r.GetProperties(), r.GetOptions(), r.GetProvider())
	if err != nil {
		return ar, err
	}
	if p := r.GetParent(); p != "" {
		ar.Parent = p
	}
	ar.Dependencies = r.GetDependencies()
	if pd := r.GetPropertyDependencies(); len(pd) > 0 {
		ar.PropertyDependencies = make(map[string][]string, len(pd))
		for k, v := range pd {
			if urns := v.GetUrns(); len(urns) > 0 {
				ar.PropertyDependencies[k] = urns
			}
		}
	}
	return ar, nil
}

// toRulesResource is the neutral view every rule reads.
//
// The analyzer protocol carries no retainOnDelete option, so the pack cannot see it and
// treats it as set: stateful-protected's retainTypes check is left to the offline gate
// (plan capture), rather than failing every such resource here. Custom is inferred: the
// engine sends a provider reference for custom resources only.
func toRulesResource(ar policyx.AnalyzerResource) rules.Resource {
	return rules.Resource{
		URN: ar.URN, Type: ar.Type, Name: ar.Name,
		Inputs:               ar.Properties,
		Parent:               ar.Parent,
		Dependencies:         ar.Dependencies,
		PropertyDependencies: ar.PropertyDependencies,
		Provider:             ar.Provider.URN,
		Protect:              ar.Options.Protect,
		IgnoreChanges:        ar.Options.IgnoreChanges,
		RetainOnDelete:       true,
		Custom:               ar.Provider.URN != "" || strings.HasPrefix(ar.Type, "pulumi:providers:"),
	}
}

// configFromRequest turns the engine's resolved policy config (one entry per policy, with
// its level; "all" when the file had one) into a rules.Config and validates it exactly
// like the offline loader, so a typo in policies/config/<stack>.json fails the run.
func configFromRequest(in map[string]*pulumirpc.PolicyConfig) (rules.Config, error) {
	cfg := rules.Config{Rules: map[string]rules.RuleConfig{}}
	var errs []error
	for _, name := range sortedKeys(in) {
		pc := in[name]
		lvl, err := fromProtoLevel(pc.GetEnforcementLevel())
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		props := pc.GetProperties().AsMap()
		delete(props, "enforcementLevel")
		if name == "all" {
			cfg.All = lvl
			continue
		}
		rc := rules.RuleConfig{EnforcementLevel: lvl}
		if raw, ok := props["exceptions"]; ok {
			delete(props, "exceptions")
			exs, err := decodeExceptions(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.exceptions: %w", name, err))
			}
			rc.Exceptions = exs
		}
		if len(props) > 0 {
			rc.Params = props
		}
		cfg.Rules[name] = rc
	}
	if err := errors.Join(errs...); err != nil {
		return rules.Config{}, err
	}
	return cfg, cfg.Validate()
}

func decodeExceptions(raw any) ([]rules.Exception, error) {
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var exs []rules.Exception
	if err := dec.Decode(&exs); err != nil {
		return nil, fmt.Errorf(`want [{"urn"|"name": ..., "reason": ...}]: %w`, err)
	}
	return exs, nil
}

// fromProtoLevel maps the engine's levels. No policy here can remediate, so "remediate"
// is refused rather than silently treated as something else.
func fromProtoLevel(l pulumirpc.EnforcementLevel) (rules.Enforcement, error) {
	switch l {
	case pulumirpc.EnforcementLevel_ADVISORY:
		return rules.Advisory, nil
	case pulumirpc.EnforcementLevel_MANDATORY:
		return rules.Mandatory, nil
	case pulumirpc.EnforcementLevel_DISABLED:
		return rules.Disabled, nil
	}
	return "", fmt.Errorf("enforcement level %s is not supported by this pack (use advisory, mandatory or disabled)", l)
}
