// Package generated owns the one way a component creates a generated login: a
// random.RandomPassword stored as {"username", "password"} in a Secrets Manager secret
// encrypted with a customer-managed key. Components that need such a login
// (observability's Grafana admin, temporal's database role) call NewLogin instead of
// each registering the three resources themselves.
package generated
