// Package preflight turns a captured plan into the preflight report: one Report value
// (inventory, policy verdicts, modeled cost against the budget, the dependency graph's
// critical path, and optionally a diff against a saved plan) that every output format
// renders the same way.
//
// It owns:
//   - the report model (report.go) and its stable JSON form, documented in
//     docs/preflight.md (schemaVersion 1): other scanners read the plan from it;
//   - the formats, each its own small file behind the Format interface: text.go,
//     markdown.go (a pull-request comment), json.go; and the graph renderers dot.go
//     and mermaid.go;
//   - the modeled provisioning times (provisioning.json, embedded, every entry sourced)
//     and the critical-path and "no false serialisation" analysis (critical.go);
//   - the rehearsal of the first deploy (rehearsal.go, text_rehearsal.go,
//     markdown_rehearsal.go): phases, reachability and modeled wall time, from
//     rules.Rehearse and the critical-path analysis restricted to each phase;
//   - the diff of two reports (diff.go) with the replace-on-change table of stateful
//     types (replace.go), and the environment-parity comparison of stacks (parity.go).
//
// It never talks to a cloud: everything comes from plan.Capture under mocks.
package preflight
