// Package policydoc owns the Go types of IAM and KMS key policy documents that components
// render themselves (no GetPolicyDocument invoke, so a policy is the same online and
// offline and is known in a preview), the statements every key policy shares, and the
// JSON rendering.
package policydoc
