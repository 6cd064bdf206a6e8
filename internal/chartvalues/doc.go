// Package chartvalues turns Helm chart values written as plain Go maps (with Pulumi
// inputs at the leaves that are not known until deployment) into a pulumi.Map.
package chartvalues
