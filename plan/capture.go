package plan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Options configure one capture.
type Options struct {
	// Project is the Pulumi project name. Default "platform".
	Project string
	// Stack is the stack name. Default "test".
	Stack string
	// Config holds full config keys ("platform:vpcCidr", "aws:region") to string values,
	// exactly as the CLI passes them in PULUMI_CONFIG (objects and arrays as JSON).
	Config map[string]string
	// SecretKeys lists the config keys the CLI would mark secret.
	SecretKeys []string
	// Mode is Preview (computed values unknown) or Update (fake computed values).
	Mode Mode
	// Region is used in fake ARNs and endpoints. Default: Config["aws:region"], else us-east-1.
	Region string
	// RootDirectory is the project directory the program sees (ctx.RootDirectory()), where
	// it finds Pulumi.yaml and the stack file.
	RootDirectory string
	// CallerArn is the identity aws.GetCallerIdentity reports, e.g. an SSO session
	// "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice".
	// Default DefaultCallerArn, the CI deployer role's session.
	CallerArn string
}

// AccountID is the account every fake ARN carries.
const AccountID = "123456789012"

// Capture runs program against an in-process engine and returns what it registered.
// A program error comes back as the error, with whatever was registered before it in
// the partial plan (so callers can assert that nothing was registered).
func Capture(program pulumi.RunFunc, opts Options) (*Plan, error) {
	if opts.Project == "" {
		opts.Project = "platform"
	}
	if opts.Stack == "" {
		opts.Stack = "test"
	}
	if opts.Region == "" {
		opts.Region = opts.Config["aws:region"]
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}

	fakes := newFakeProvider(opts.Region)
	if opts.CallerArn != "" {
		fakes.callerArn = opts.CallerArn
	}
	mon := newMonitor(opts.Project, opts.Stack, opts.Mode, fakes)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the offline engine: %w", err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(256 << 20))
	pulumirpc.RegisterResourceMonitorServer(srv, mon)
	pulumirpc.RegisterEngineServer(srv, mon)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	info := pulumi.RunInfo{
		Project:          opts.Project,
		Stack:            opts.Stack,
		RootDirectory:    opts.RootDirectory,
		Config:           opts.Config,
		ConfigSecretKeys: opts.SecretKeys,
		DryRun:           opts.Mode == Preview,
		MonitorAddr:      lis.Addr().String(),
		EngineAddr:       lis.Addr().String(),
	}
	ctx, err := pulumi.NewContext(context.Background(), info)
	if err != nil {
		return nil, fmt.Errorf("creating the program context: %w", err)
	}
	runErr := pulumi.RunWithContext(ctx, program)
	_ = ctx.Close()

	p := mon.snapshot()
	if runErr != nil {
		return p, runErr
	}
	if len(mon.errors) > 0 {
		return p, errors.New(strings.Join(mon.errors, "\n"))
	}
	return p, nil
}
