// Package tests holds the whole-stack tests: both committed stacks captured offline from
// their real stack files, and assertions on what `pulumi up` would create.
package tests
