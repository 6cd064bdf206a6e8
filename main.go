// Command platform is the Pulumi program; `pulumi up` runs it. Everything it does is in
// package stacks, so that the offline capture runs exactly the same code.
package main

import (
	"errors"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/stacks"
)

func main() {
	pulumi.Run(deploy)
}

// deploy runs the program. A bad stack file is reported as the one list stacks.Load
// builds: pulumi.Run would print any returned error through go-multierror ("1 error
// occurred: * ..."), so the list is logged here and the process exits with the status
// that tells the CLI the error is already shown. Load registers nothing before it
// fails, so there is nothing to clean up.
func deploy(ctx *pulumi.Context) error {
	err := stacks.Deploy(ctx)
	if ce, ok := errors.AsType[*stacks.ConfigError](err); ok {
		_ = ctx.Log.Error(ce.Error(), nil)
		os.Exit(constant.ExitStatusLoggedError)
	}
	return err
}
