#!/usr/bin/env bash
# check-images.sh <stack>: before `pulumi up`, prove that every image of our own ECR
# repositories the stack's workloads run exists, and fail naming each missing repo:tag.
# Needs AWS credentials for the stack's account (the deploy workflow's OIDC role) and jq.
#
# Images come from the offline preflight of the same commit (the plan `pulumi up` will
# apply), so the check cannot drift from the program. Images served by a pull-through
# cache rule are skipped: ECR fetches them on first pull.
set -euo pipefail
stack="${1:?usage: scripts/check-images.sh <stack>}"
cd "$(dirname "$0")/.."

report="$(go run ./cmd/preflight --stack "$stack" --no-fail --format json)"
prefixes="$(jq -r '.resources[] | select(.type == "aws:ecr/pullThroughCacheRule:PullThroughCacheRule") | .inputs.ecrRepositoryPrefix' <<<"$report")"
images="$(jq -r '
  .resources[]
  | select(.type | test("^kubernetes:(apps/v1:(Deployment|StatefulSet|DaemonSet)|batch/v1:(Job|CronJob))$"))
  | .inputs.spec | (.template.spec // .jobTemplate.spec.template.spec)
  | ((.containers // []) + (.initContainers // []))[] | .image' <<<"$report" | sort -u)"

missing=0
while read -r ref; do
  [[ -z "$ref" ]] && continue
  if [[ ! "$ref" =~ ^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+):([^:@]+)$ ]]; then
    echo "::error title=image not in ECR::$ref is not an ECR image with a tag"
    missing=1
    continue
  fi
  region="${BASH_REMATCH[1]}" repo="${BASH_REMATCH[2]}" tag="${BASH_REMATCH[3]}"
  if grep -qxF "${repo%%/*}" <<<"$prefixes"; then
    echo "pull-through: $repo:$tag"
    continue
  fi
  if aws ecr describe-images --region "$region" --repository-name "$repo" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
    echo "present: $repo:$tag ($region)"
  else
    echo "::error title=missing image::$repo:$tag is not in ECR ($region): push it before deploying"
    missing=1
  fi
done <<<"$images"
exit "$missing"
