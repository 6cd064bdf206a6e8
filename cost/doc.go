// Package cost is the platform's monthly cost model. It prices a captured plan
// (package plan) resource by resource from a dated, sourced price table embedded from
// prices.json, under documented per-stack usage assumptions.
//
// It owns:
//   - prices.json: us-east-1 on-demand prices copied from the team's sourced table, each
//     with its source URL and note, plus facts (EKS support floor) and the usage
//     assumptions with a one-line justification each;
//   - the per-type models (one small file per service family) that turn a resource's
//     inputs into an Item with the price keys and the formula it used, listed by type
//     in models.go;
//   - Estimate.Table, the per-component rendering for logs and the preflight report.
//
// Rules the models follow: a price the table does not have (missing key, null price,
// unknown input in preview, unsupported option) makes the item Unknown with a reason,
// never zero; only types listed in free.go with a reason are priced at zero without a
// price key; account-level free tiers are not applied (accounts may hold several stacks).
package cost
