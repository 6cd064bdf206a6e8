package plan

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// monitor is the in-process resource monitor and engine. It answers the Go SDK the way
// the Pulumi engine would (URNs, ids, secrets, unknowns in preview) and records every
// registration. It implements the gRPC servers rather than the SDK's MockResourceMonitor
// because the mock drops unknowns and never sees stack outputs.
type monitor struct {
	pulumirpc.UnimplementedResourceMonitorServer
	pulumirpc.UnimplementedEngineServer

	project, stack string
	mode           Mode
	fakes          *fakeProvider

	mu        sync.Mutex
	resources map[string]*Resource
	outputs   map[string]resource.PropertyMap // by URN, from RegisterResourceOutputs
	rootURN   string
	errors    []string // error-level engine log lines
}

var unmarshalOpts = plugin.MarshalOptions{
	KeepUnknowns:  true,
	KeepSecrets:   true,
	KeepResources: true,
}

func newMonitor(project, stack string, mode Mode, fakes *fakeProvider) *monitor {
	return &monitor{
		project: project, stack: stack, mode: mode, fakes: fakes,
		resources: map[string]*Resource{},
		outputs:   map[string]resource.PropertyMap{},
	}
}

// Features the real engine supports that matter to the Go SDK. outputValues stays off so
// inputs arrive as plain values with the secret and unknown sentinels.
func (m *monitor) SupportsFeature(_ context.Context, in *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	switch in.GetId() {
	case "secrets", "resourceReferences", "aliasSpecs", "deletedWith", "transforms", "invokeTransforms",
		"parameterization", "resourceHooks", "errorHooks", "replacementTrigger", "replaceWith":
		return &pulumirpc.SupportsFeatureResponse{HasSupport: true}, nil
	}
	return &pulumirpc.SupportsFeatureResponse{HasSupport: false}, nil
}

func (m *monitor) GetDeploymentInfo(context.Context, *emptypb.Empty) (*pulumirpc.DeploymentInfo, error) {
	return &pulumirpc.DeploymentInfo{
		Project: m.project,
		Stack:   m.stack,
		SupportedFeatures: []pulumirpc.ResourceMonitorFeature{
			pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_SECRETS,
			pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
			pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
			pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_DELETED_WITH,
			pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_TRANSFORMS,
			pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
		},
	}, nil
}

func (m *monitor) newURN(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType,
		tokens.Type(typ), name))
}

func (m *monitor) RegisterResource(_ context.Context, in *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	urn := m.newURN(in.GetParent(), in.GetType(), in.GetName())
	if in.GetType() == string(resource.RootStackType) && in.GetParent() == "" {
		m.mu.Lock()
		m.rootURN = urn
		m.mu.Unlock()
		return &pulumirpc.RegisterResourceResponse{Urn: urn}, nil
	}
	inputs, err := plugin.UnmarshalProperties(in.GetObject(), unmarshalOpts)
	if err != nil {
		return nil, fmt.Errorf("decoding inputs of %s: %w", urn, err)
	}

	r := &Resource{
		URN:                     urn,
		Type:                    in.GetType(),
		Name:                    in.GetName(),
		Custom:                  in.GetCustom(),
		Parent:                  in.GetParent(),
		Provider:                in.GetProvider(),
		Dependencies:            sortedUnique(in.GetDependencies()),
		PropertyDependencies:    map[string][]string{},
		Protect:                 in.GetProtect(),
		RetainOnDelete:          in.GetRetainOnDelete(),
		DeleteBeforeReplace:     in.GetDeleteBeforeReplace(),
		IgnoreChanges:           in.GetIgnoreChanges(),
		ReplaceOnChanges:        in.GetReplaceOnChanges(),
		AdditionalSecretOutputs: in.GetAdditionalSecretOutputs(),
		Aliases:                 aliasURNs(in),
		DeletedWith:             in.GetDeletedWith(),
		ImportID:                in.GetImportId(),
	}
	if r.Parent == m.rootURN {
		r.Parent = ""
	}
	for k, deps := range in.GetPropertyDependencies() {
		r.PropertyDependencies[k] = sortedUnique(deps.GetUrns())
	}

	var state resource.PropertyMap
	id := ""
	switch {
	case !in.GetCustom():
		// Components have no provider state; their outputs come later through
		// RegisterResourceOutputs. Remote components (e.g. helm/v4 Chart) are not
		// expanded offline: their children exist only under the real engine.
		state = resource.PropertyMap{}
	default:
		id, state = m.fakes.create(m.mode, in.GetType(), in.GetName(), inputs)
		if id != "" && in.GetImportId() != "" {
			id = in.GetImportId()
		}
		for _, k := range in.GetAdditionalSecretOutputs() {
			if v, ok := state[resource.PropertyKey(k)]; ok && !v.IsSecret() {
				state[resource.PropertyKey(k)] = resource.MakeSecret(v)
			}
		}
	}
	r.Inputs = resource.FromResourcePropertyMap(inputs)
	r.Outputs = resource.FromResourcePropertyMap(state)
	r.ID = id

	m.mu.Lock()
	_, dup := m.resources[urn]
	if !dup {
		m.resources[urn] = r
	}
	m.mu.Unlock()
	if dup {
		// As the engine does: two registrations of one URN are a program error, not an update.
		return nil, fmt.Errorf("duplicate resource URN %s; try giving it a unique name", urn)
	}

	out, err := plugin.MarshalProperties(state, plugin.MarshalOptions{
		KeepUnknowns:  true,
		KeepSecrets:   in.GetAcceptSecrets(),
		KeepResources: in.GetAcceptResources(),
	})
	if err != nil {
		return nil, fmt.Errorf("encoding state of %s: %w", urn, err)
	}
	return &pulumirpc.RegisterResourceResponse{Urn: urn, Id: id, Object: out}, nil
}

func (m *monitor) RegisterResourceOutputs(_ context.Context, in *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	outs, err := plugin.UnmarshalProperties(in.GetOutputs(), unmarshalOpts)
	if err != nil {
		return nil, fmt.Errorf("decoding outputs of %s: %w", in.GetUrn(), err)
	}
	m.mu.Lock()
	m.outputs[in.GetUrn()] = outs
	m.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (m *monitor) Invoke(_ context.Context, in *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(in.GetArgs(), unmarshalOpts)
	if err != nil {
		return nil, err
	}
	result, err := m.fakes.invoke(in.GetTok(), args)
	if err != nil {
		return nil, err
	}
	ret, err := plugin.MarshalProperties(result, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ResourceInvokeResponse{Return: ret}, nil
}

func (m *monitor) ReadResource(_ context.Context, in *pulumirpc.ReadResourceRequest) (*pulumirpc.ReadResourceResponse, error) {
	return nil, fmt.Errorf("offline capture cannot read existing resource %s %q (id %q): "+
		"look-ups of live infrastructure are not available without a cloud account", in.GetType(), in.GetName(), in.GetId())
}

func (m *monitor) RegisterPackage(_ context.Context, in *pulumirpc.RegisterPackageRequest) (*pulumirpc.RegisterPackageResponse, error) {
	return &pulumirpc.RegisterPackageResponse{Ref: in.GetName() + "@" + in.GetVersion()}, nil
}

func (m *monitor) RegisterStackTransform(context.Context, *pulumirpc.Callback) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (m *monitor) RegisterStackInvokeTransform(context.Context, *pulumirpc.Callback) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (m *monitor) RegisterResourceHook(context.Context, *pulumirpc.RegisterResourceHookRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (m *monitor) SignalAndWaitForShutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Engine service.

func (m *monitor) Log(_ context.Context, in *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	if in.GetSeverity() == pulumirpc.LogSeverity_ERROR {
		m.mu.Lock()
		m.errors = append(m.errors, strings.TrimSpace(in.GetMessage()))
		m.mu.Unlock()
	}
	return &emptypb.Empty{}, nil
}

func (m *monitor) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &pulumirpc.GetRootResourceResponse{Urn: m.rootURN}, nil
}

func (m *monitor) SetRootResource(_ context.Context, in *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	m.mu.Lock()
	m.rootURN = in.GetUrn()
	m.mu.Unlock()
	return &pulumirpc.SetRootResourceResponse{}, nil
}

// snapshot freezes what was recorded into a Plan, sorted by URN so that two captures of
// the same program compare equal whatever order the SDK's goroutines registered in.
func (m *monitor) snapshot() *Plan {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := &Plan{Project: m.project, Stack: m.stack, Mode: m.mode}
	for urn, r := range m.resources {
		if outs, ok := m.outputs[urn]; ok && !r.Custom {
			r.Outputs = resource.FromResourcePropertyMap(outs)
		}
		p.Resources = append(p.Resources, r)
	}
	sort.Slice(p.Resources, func(i, j int) bool { return p.Resources[i].URN < p.Resources[j].URN })
	p.Outputs = resource.FromResourcePropertyMap(m.outputs[m.rootURN])
	p.index()
	return p
}

func sortedUnique(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// aliasURNs lists the aliases given as full URNs, whether the SDK sent them as legacy
// alias URNs or as alias specs (the "aliasSpecs" feature this monitor supports).
func aliasURNs(in *pulumirpc.RegisterResourceRequest) []string {
	out := append([]string{}, in.GetAliasURNs()...)
	for _, a := range in.GetAliases() {
		if urn := a.GetUrn(); urn != "" {
			out = append(out, urn)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
