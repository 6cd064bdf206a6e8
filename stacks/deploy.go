package stacks

import (
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Deploy is the program: it loads and validates the stack's configuration, registering
// nothing when anything is wrong, then builds the platform and exports its outputs.
func Deploy(ctx *pulumi.Context) error {
	cfg, err := Load(ctx.Stack(), configFromContext(ctx))
	if err != nil {
		return err
	}
	p, err := Build(ctx, cfg)
	if err != nil {
		return err
	}
	p.export(ctx)
	return nil
}

// configFromContext gathers the raw configuration: every declared key the engine passes,
// plus every platform key written in the stack file, so that a misspelt key (which the
// engine passes too, but a program cannot enumerate) is reported rather than ignored.
func configFromContext(ctx *pulumi.Context) map[string]string {
	all := map[string]string{}
	for _, k := range Keys {
		if v, ok := ctx.GetConfig(Namespace + ":" + k.Name); ok {
			all[Namespace+":"+k.Name] = v
		}
	}
	if v, ok := ctx.GetConfig("aws:region"); ok {
		all["aws:region"] = v
	}
	root := ctx.RootDirectory()
	if root == "" {
		root, _ = os.Getwd()
	}
	if fromFile, err := ReadStackFile(root, ctx.Stack()); err == nil {
		for k, v := range fromFile {
			if _, seen := all[k]; !seen && strings.HasPrefix(k, Namespace+":") {
				all[k] = v
			}
		}
	}
	return all
}
