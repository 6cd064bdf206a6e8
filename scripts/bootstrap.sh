#!/usr/bin/env bash
# bootstrap.sh <stack> [pulumi up flags...]: the first `pulumi up` of a stack on an empty
# account, run from outside the VPC (an operator's shell or the bootstrap workflow).
#
# It creates the AWS layer only: everything except the Kubernetes provider and every
# resource that depends on it (--exclude-dependents follows dependencies and provider
# references), and except the runner's webhook, which needs the GitHub connection an
# operator completes after this run. Nothing is deleted: excluded resources are left as
# they are. The in-cluster layer is then deployed by the stack's in-VPC runner
# (docs/first-deploy.md). The URNs come from the offline preflight of this commit.
set -euo pipefail
stack="${1:?usage: scripts/bootstrap.sh <stack> [pulumi up flags...]}"
shift
cd "$(dirname "$0")/.."

report="$(go run ./cmd/preflight --stack "$stack" --no-fail --format json)"
excludes=()
while read -r urn; do
  [[ -n "$urn" ]] && excludes+=(--exclude "$urn")
done < <(jq -r '.resources[] | select(.type == "pulumi:providers:kubernetes" or .type == "aws:codebuild/webhook:Webhook") | .urn' <<<"$report")
if [[ ${#excludes[@]} -ne 4 ]]; then
  echo "bootstrap: expected the Kubernetes provider and the runner webhook in the plan of $stack, found ${#excludes[@]} URN flags" >&2
  exit 1
fi
set -x
pulumi up --stack "$stack" "${excludes[@]}" --exclude-dependents \
  --policy-pack policies/pack --policy-pack-config "policies/config/$stack.json" "$@"
