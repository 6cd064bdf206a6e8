// Command platform is the Pulumi program; `pulumi up` runs it. Everything it does is in
// package stacks, so that the offline capture runs exactly the same code.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/stacks"
)

func main() {
	pulumi.Run(stacks.Deploy)
}
