package main

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/generic-corp/platform/policies/rules"
)

// server implements the analyzer protocol for the policyx pack. It replaces policyx's own
// server (v3.274.1), which builds the pack only in ConfigureStack (so GetAnalyzerInfo and
// Analyze dereference a nil pack without it), lets a panicking policy kill the process,
// sends no severity, gives stack policies no config, and stamps every diagnostic with the
// policy's level (so an exempted finding could not be reported as advisory).
type server struct {
	pulumirpc.UnimplementedAnalyzerServer
	ev *evaluator
}

func newServer(ev *evaluator) *server { return &server{ev: ev} }

// Handshake is accepted but not required: the pack needs nothing from the engine.
func (s *server) Handshake(context.Context, *pulumirpc.AnalyzerHandshakeRequest) (*pulumirpc.AnalyzerHandshakeResponse, error) {
	return &pulumirpc.AnalyzerHandshakeResponse{}, nil
}

// ConfigureStack tells the pack the stack, which selects the default levels and params.
func (s *server) ConfigureStack(_ context.Context, req *pulumirpc.AnalyzerStackConfigureRequest) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	if err := s.ev.configureStack(req.GetStack()); err != nil {
		return nil, status.Errorf(codes.Internal, "policy pack %s: %v", packName, err)
	}
	return &pulumirpc.AnalyzerStackConfigureResponse{}, nil
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: packVersion}, nil
}

// GetAnalyzerInfo lists every policy with its default level for the stack (prod before
// ConfigureStack), its severity and its config schema.
func (s *server) GetAnalyzerInfo(context.Context, *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	snap := s.ev.cur.Load()
	cat := snap.cat
	infos := make([]*pulumirpc.PolicyInfo, 0, len(cat.pack.Policies()))
	for _, p := range cat.pack.Policies() {
		m := cat.meta[p.Name()]
		schema, err := schemaProto(p.ConfigSchema())
		if err != nil {
			return nil, status.Errorf(codes.Internal, "policy %s: config schema: %v", p.Name(), err)
		}
		typ := pulumirpc.PolicyType_POLICY_TYPE_RESOURCE
		if m.stack() {
			typ = pulumirpc.PolicyType_POLICY_TYPE_STACK
		}
		infos = append(infos, &pulumirpc.PolicyInfo{
			Name:             p.Name(),
			Description:      p.Description(),
			EnforcementLevel: pulumirpc.EnforcementLevel(p.EnforcementLevel()),
			ConfigSchema:     schema,
			PolicyType:       typ,
			Severity:         toProtoSeverity(m.rule.Severity),
		})
	}
	return &pulumirpc.AnalyzerInfo{
		Name:           cat.pack.Name(),
		DisplayName:    packDisplayName,
		Version:        cat.pack.Version().String(),
		Description:    fmt.Sprintf("The platform's %d catalogue rules (stack %q defaults), each with an advisory \"-unknown\" companion.", len(s.ev.rules), cat.stack),
		Policies:       infos,
		SupportsConfig: true,
	}, nil
}

func schemaProto(cs *policyx.ConfigSchema) (*pulumirpc.PolicyConfigSchema, error) {
	if cs == nil {
		return nil, nil
	}
	m := make(map[string]any, len(cs.Properties))
	for k, v := range cs.Properties {
		m[k] = v
	}
	props, err := structpb.NewStruct(m)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.PolicyConfigSchema{Properties: props, Required: cs.Required}, nil
}

// Configure takes the engine's resolved policy config. An invalid config is an error the
// engine shows, never a silently ignored setting.
func (s *server) Configure(_ context.Context, req *pulumirpc.ConfigureAnalyzerRequest) (*emptypb.Empty, error) {
	cfg, err := configFromRequest(req.GetPolicyConfig())
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "policy pack %s: invalid policy config: %v", packName, err)
	}
	s.ev.configure(cfg)
	return &emptypb.Empty{}, nil
}

// Analyze runs every enabled resource policy on one resource (its inputs).
func (s *server) Analyze(ctx context.Context, req *pulumirpc.AnalyzeRequest) (*pulumirpc.AnalyzeResponse, error) {
	snap := s.ev.cur.Load()
	ar, err := analyzerResource(packName+".analyze", req.GetType(), req.GetUrn(), req.GetName(),
		req.GetProperties(), req.GetOptions(), req.GetProvider())
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "policy pack %s: %v", packName, err)
	}
	ctx = withSnapshot(ctx, snap)
	var diags []*pulumirpc.AnalyzeDiagnostic
	for _, p := range snap.cat.pack.Policies() {
		rp, ok := p.(policyx.ResourceValidationPolicy)
		if !ok {
			continue
		}
		c, on := s.collector(snap, p, req.GetUrn(), &diags)
		if !on {
			continue
		}
		s.call(c, func() error {
			return rp.Validate(ctx, policyx.ResourceValidationArgs{Manager: c, Resource: ar})
		})
	}
	return &pulumirpc.AnalyzeResponse{Diagnostics: diags}, nil
}

// AnalyzeStack runs every enabled stack policy over all resources (their outputs).
func (s *server) AnalyzeStack(ctx context.Context, req *pulumirpc.AnalyzeStackRequest) (*pulumirpc.AnalyzeResponse, error) {
	snap := s.ev.cur.Load()
	resources := make([]policyx.AnalyzerResource, 0, len(req.GetResources()))
	for _, r := range req.GetResources() {
		ar, err := stackResource(packName+".analyzeStack", r)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "policy pack %s: %v", packName, err)
		}
		resources = append(resources, ar)
	}
	ctx = withSnapshot(ctx, snap)
	var diags []*pulumirpc.AnalyzeDiagnostic
	for _, p := range snap.cat.pack.Policies() {
		sp, ok := p.(policyx.StackValidationPolicy)
		if !ok {
			continue
		}
		c, on := s.collector(snap, p, "", &diags)
		if !on {
			continue
		}
		s.call(c, func() error {
			return sp.Validate(ctx, policyx.StackValidationArgs{Manager: c, Resources: resources})
		})
	}
	return &pulumirpc.AnalyzeResponse{Diagnostics: diags}, nil
}

// Remediate: no policy in this pack changes resources.
func (s *server) Remediate(context.Context, *pulumirpc.AnalyzeRequest) (*pulumirpc.RemediateResponse, error) {
	return &pulumirpc.RemediateResponse{}, nil
}

// Cancel: every call is short and stateless, so there is nothing to abort.
func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// collector returns the manager for one policy, and false when the policy is disabled.
func (s *server) collector(snap *snapshot, p policyx.Policy, urn string, diags *[]*pulumirpc.AnalyzeDiagnostic) (*collector, bool) {
	m := snap.cat.meta[p.Name()]
	lvl := level(snap.cfg, snap.stack, p.Name(), m)
	if lvl == rules.Disabled {
		return nil, false
	}
	return &collector{policy: p.Name(), description: p.Description(), level: lvl, severity: m.rule.Severity,
		meta: m, urn: urn, diags: diags}, true
}

// call runs one policy; a panic or an error becomes a violation naming the rule, at the
// policy's level, and the other policies still run.
func (s *server) call(c *collector, fn func() error) {
	defer func() {
		if rec := recover(); rec != nil {
			c.fail(fmt.Sprintf("policy %s (rule %s) panicked: %v; it was not evaluated (this is a bug, please report)",
				c.policy, c.meta.rule.ID, rec))
		}
	}()
	if err := fn(); err != nil {
		c.fail(fmt.Sprintf("policy %s (rule %s) failed: %v", c.policy, c.meta.rule.ID, err))
	}
}

// collector is the PolicyManager the server hands a policy. It accepts whole findings
// (findingReporter) and plain violations.
type collector struct {
	policy, description string
	level               rules.Enforcement
	severity            rules.Severity
	meta                policyMeta
	urn                 string // the analyzed resource; "" for stack policies
	diags               *[]*pulumirpc.AnalyzeDiagnostic
}

var _ findingReporter = (*collector)(nil)

// ReportViolation records a violation at the policy's level.
func (c *collector) ReportViolation(message, urn string) {
	c.add(message, urn, c.level)
}

// ReportFinding records a finding at its own level; exempted findings are advisory.
func (c *collector) ReportFinding(f rules.Finding) {
	lvl := f.Enforcement
	if lvl == "" {
		lvl = c.level
	}
	if f.Exempted {
		lvl = rules.Advisory
	}
	if lvl == rules.Disabled {
		return
	}
	c.add(message(f), f.URN, lvl)
}

func (c *collector) fail(msg string) {
	c.add(msg, "", c.level)
}

func (c *collector) add(msg, urn string, lvl rules.Enforcement) {
	if urn == "" {
		urn = c.urn
	}
	*c.diags = append(*c.diags, &pulumirpc.AnalyzeDiagnostic{
		PolicyName:        c.policy,
		PolicyPackName:    packName,
		PolicyPackVersion: packVersion,
		Description:       c.description,
		Message:           msg,
		EnforcementLevel:  toProtoLevel(lvl),
		Urn:               urn,
		Severity:          toProtoSeverity(c.severity),
	})
}
