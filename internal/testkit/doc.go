// Package testkit holds the assertions and conversions that the component tests share:
// reading captured property values (plain JSON-shaped data, strings, numbers), finding
// captured resources, strictly decoding Kubernetes objects into k8s.io/api types and
// walking captured inputs for plaintext secrets. It is a normal package so that every
// component's _test.go files can import it; nothing outside tests should.
package testkit
