#!/usr/bin/env bash
# pulumi-tools.sh: build the real-engine tools of the e2e tier from the Go module proxy.
#
#   tools_env="$(scripts/pulumi-tools.sh)" && eval "$tools_env"   # build when missing, then export the environment
#   scripts/pulumi-tools.sh --check                                # print the environment if built, else exit 1
#
# (In a `set -e` script keep the assignment separate: `eval "$(scripts/pulumi-tools.sh)"`
# would hide a failed build, since eval of empty text succeeds.)
#
# Builds, into $PLATFORM_PULUMI_TOOLS_CACHE/<cli>-<k8s>/bin
# (default $HOME/.cache/platform-pulumi-tools/3.274.1-4.32.0/bin):
#   pulumi                      the Pulumi CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   pulumi-resource-kubernetes  the Kubernetes provider, github.com/pulumi/pulumi-kubernetes/provider/v4
# and, into $PLATFORM_PULUMI_TOOLS_CACHE/kube-<version>/bin, a control plane for the e2e tier:
#   kube-apiserver, kube-controller-manager   k8s.io/kubernetes/cmd/... at KUBE_VERSION
#   etcd                                      go.etcd.io/etcd/server/v3 at the version KUBE_VERSION requires
#
# Why from module paths rather than release archives: this machine reaches only the Go module
# proxy. Neither build touches a fetched repository; both are plain `go build`s of module
# paths at pinned versions inside a throwaway wrapper module. Nothing here is committed.
#
# Why the provider is pinned to pulumi/pkg v3.215.0 while the CLI is v3.274.1: the provider
# module at the pseudo-version below (the v4.32.0 provider) does not compile against later
# pkg/sdk; its go.mod pins v3.215.0 and we keep its go.sum as is. The two talk over gRPC, so
# the version skew is the same as any user's CLI + provider plugin.
#
# Logs go to stderr; stdout carries only `export ...` lines, so the output can be eval'd.
# Builds run sequentially under `nice` (the machine has 2 shared cores) and are atomic: a
# binary appears in the cache only once its build succeeded and its version was checked.
set -euo pipefail

PULUMI_VERSION="3.274.1"
K8S_VERSION="4.32.0"
# The provider/v4 module is only published as pseudo-versions; this one is the v4.32.0 tag.
K8S_MODULE_VERSION="v4.0.0-20260115033456-f47bc2d6f199"
K8S_PULUMI_VERSION="3.215.0"
# pkg/v3's own go.mod carries this replace (its clipboard fork); a wrapper module does not
# inherit a dependency's replaces, so it is repeated here. Checked by check_clipboard_replace.
CLIPBOARD_REPLACE="github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

# The control plane's minor must be the one the stacks pin (platform:kubernetesVersion in
# Pulumi.prod.yaml); the e2e tier checks the running server against it.
KUBE_VERSION="1.35.4"

CACHE_ROOT="${PLATFORM_PULUMI_TOOLS_CACHE:-$HOME/.cache/platform-pulumi-tools}"
CACHE="$CACHE_ROOT/$PULUMI_VERSION-$K8S_VERSION"
BIN="$CACHE/bin"
KUBE_CACHE="$CACHE_ROOT/kube-$KUBE_VERSION"
KUBE_BIN="$KUBE_CACHE/bin"

log() { printf 'pulumi-tools: %s\n' "$*" >&2; }
die() { printf 'pulumi-tools: ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
}

mode=build
case "${1:-}" in
"") ;;
--check) mode=check ;;
-h | --help) usage; exit 0 ;;
*) usage; die "unknown argument: $1" ;;
esac

command -v go >/dev/null || die "go is not on PATH (the tools are built with the Go toolchain)"

# The builds must not see the caller's module, workspace or vendor settings.
export GOWORK=off
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN=local

cli_ok() {
	[[ -x "$BIN/pulumi" ]] || return 1
	local got
	got="$(PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$CACHE/home" "$BIN/pulumi" version 2>/dev/null)" || return 1
	[[ "$got" == "v$PULUMI_VERSION" ]]
}

# The provider has no version flag; a stamp written after a successful build records what
# the binary is (the version is also compiled into it with -X).
k8s_ok() {
	[[ -x "$BIN/pulumi-resource-kubernetes" ]] || return 1
	[[ "$(cat "$CACHE/pulumi-resource-kubernetes.stamp" 2>/dev/null)" == "$K8S_MODULE_VERSION $K8S_VERSION pkg=$K8S_PULUMI_VERSION" ]]
}

# kube_ok: the three binaries exist, the API server reports KUBE_VERSION and the stamp
# written after the build names the etcd it was built with.
kube_ok() {
	local b
	for b in kube-apiserver kube-controller-manager etcd; do
		[[ -x "$KUBE_BIN/$b" ]] || return 1
	done
	[[ "$("$KUBE_BIN/kube-apiserver" --version 2>/dev/null)" == "Kubernetes v$KUBE_VERSION" ]] || return 1
	[[ "$(cat "$KUBE_CACHE/stamp" 2>/dev/null)" == "k8s.io/kubernetes v$KUBE_VERSION "* ]]
}

print_env() {
	cat <<EOF
export PATH="$BIN:\$PATH"
export PLATFORM_PULUMI_TOOLS_BIN="$BIN"
export PLATFORM_KUBE_TOOLS_BIN="$KUBE_BIN"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
EOF
}

if [[ "$mode" == check ]]; then
	if cli_ok && k8s_ok && kube_ok; then
		print_env
		exit 0
	fi
	log "tools not built in $BIN (run scripts/pulumi-tools.sh)"
	exit 1
fi

mkdir -p "$BIN" "$KUBE_BIN"
# Two concurrent runs (a developer and CI) would otherwise race on the same cache.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then
	flock 9 || die "cannot lock $CACHE/.lock"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-tools.XXXXXX")"
# Module cache files are read-only; make the copies writable so they can be removed.
trap 'chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# check_clipboard_replace fails if pkg/v3's go.mod no longer carries the replace we copy,
# so a version bump cannot silently build with the wrong clipboard package.
check_clipboard_replace() {
	local dir
	dir="$(cd "$WORK" && go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
	[[ -n "$dir" && -f "$dir/go.mod" ]] || die "could not download github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION from the Go proxy"
	grep -q "^replace github.com/atotto/clipboard => $CLIPBOARD_REPLACE\$" "$dir/go.mod" ||
		die "pkg/v3@v$PULUMI_VERSION's go.mod no longer has 'replace github.com/atotto/clipboard => $CLIPBOARD_REPLACE'; update CLIPBOARD_REPLACE"
}

build_cli() {
	local start=$SECONDS dir="$WORK/cli"
	log "building pulumi CLI v$PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; 4-9 min cold on 2 cores)"
	mkdir -p "$dir"
	check_clipboard_replace
	cat >"$dir/go.mod" <<EOF
module pulumitools

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => $CLIPBOARD_REPLACE
EOF
	# The CLI prints version.Version; release builds set it with -X, so do we (without it
	# `pulumi version` prints nothing and the Automation API refuses the CLI).
	(cd "$dir" && nice -n 10 go build -trimpath \
		-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
		-o "$dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
		die "building the pulumi CLI failed (see the go output above)"
	local got
	got="$(PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$CACHE/home" "$dir/pulumi" version)" ||
		die "the built pulumi CLI does not run"
	[[ "$got" == "v$PULUMI_VERSION" ]] || die "the built pulumi CLI reports $got, want v$PULUMI_VERSION"
	mv -f "$dir/pulumi" "$BIN/pulumi"
	log "pulumi CLI v$PULUMI_VERSION built in $(elapsed $((SECONDS - start)))"
}

build_k8s() {
	local start=$SECONDS mod="github.com/pulumi/pulumi-kubernetes/provider/v4" src dir="$WORK/k8s"
	log "building pulumi-resource-kubernetes v$K8S_VERSION ($mod@$K8S_MODULE_VERSION against pulumi v$K8S_PULUMI_VERSION; 7-15 min cold)"
	mkdir -p "$WORK/dl"
	src="$(cd "$WORK/dl" && go mod download -json "$mod@$K8S_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
	[[ -n "$src" && -d "$src/cmd/pulumi-resource-kubernetes" ]] || die "could not download $mod@$K8S_MODULE_VERSION from the Go proxy"
	# The provider's main package embeds schema-embed.json and terraform-mapping-embed.json,
	# which its release build generates next to main.go; the module cache is read-only, so
	# the provider is built from a writable copy of the downloaded module (never committed).
	cp -R "$src" "$dir"
	chmod -R u+w "$dir"
	# Its go.mod points the Kubernetes SDK at ../sdk (the repository layout); outside the
	# repository the SDK is the published version its go.mod requires.
	(cd "$dir" && go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4 &&
		go mod edit -require "github.com/pulumi/pulumi/pkg/v3@v$K8S_PULUMI_VERSION" \
			-require "github.com/pulumi/pulumi/sdk/v3@v$K8S_PULUMI_VERSION") ||
		die "could not edit the provider's go.mod"
	grep -q "github.com/pulumi/pulumi/pkg/v3 v$K8S_PULUMI_VERSION\$" "$dir/go.mod" ||
		die "the provider's go.mod does not pin pulumi/pkg v$K8S_PULUMI_VERSION"
	# Upstream's own generator (//go:build ignore): sets the schema's version and compacts both files.
	(cd "$dir/cmd/pulumi-resource-kubernetes" && VERSION="$K8S_VERSION" nice -n 10 go run generate.go) ||
		die "generating the provider's embedded schema failed"
	[[ -s "$dir/cmd/pulumi-resource-kubernetes/schema-embed.json" && -s "$dir/cmd/pulumi-resource-kubernetes/terraform-mapping-embed.json" ]] ||
		die "the provider's embed files were not generated"
	(cd "$dir" && nice -n 10 go build -trimpath \
		-ldflags "-s -w -X $mod/pkg/version.Version=$K8S_VERSION" \
		-o "$dir/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes) ||
		die "building the Kubernetes provider failed (see the go output above)"
	mv -f "$dir/pulumi-resource-kubernetes" "$BIN/pulumi-resource-kubernetes"
	echo "$K8S_MODULE_VERSION $K8S_VERSION pkg=$K8S_PULUMI_VERSION" >"$CACHE/pulumi-resource-kubernetes.stamp"
	log "pulumi-resource-kubernetes v$K8S_VERSION built in $(elapsed $((SECONDS - start)))"
}

# build_kube builds the control plane in one wrapper module. k8s.io/kubernetes requires its
# staging modules (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0 and points them at ./staging
# with replace lines, which a dependent module does not inherit; the wrapper's replace lines
# point each one at its published v0.<minor>.<patch>, generated from that very go.mod so a
# version bump cannot miss one. etcd is built in the same module, so it is the etcd server
# release kube-apiserver's own go.mod requires (what upstream tests the API server with).
build_kube() {
	local start=$SECONDS dir="$WORK/kube" src staging
	local v=k8s.io/component-base/version minor="${KUBE_VERSION#1.}"
	minor="${minor%%.*}"
	log "building kube-apiserver, kube-controller-manager v$KUBE_VERSION and etcd (4-6 min cold on 2 cores)"
	mkdir -p "$dir" "$WORK/dl"
	src="$(cd "$WORK/dl" && go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
	[[ -n "$src" && -f "$src/go.mod" ]] || die "could not download k8s.io/kubernetes@v$KUBE_VERSION from the Go proxy"
	staging="$(sed -n "s#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/.*#	\1 => \1 v0.${KUBE_VERSION#1.}#p" "$src/go.mod")"
	[[ "$(grep -c . <<<"$staging")" -ge 20 ]] || die "k8s.io/kubernetes@v$KUBE_VERSION's go.mod has no ./staging replace block (layout changed?)"
	printf 'module kubetools\n\ngo 1.26\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n%s\n)\n' "$KUBE_VERSION" "$staging" >"$dir/go.mod"
	# Without -X the binaries report v0.0.0-master, which /version would serve and the
	# emulation-version checks would misread.
	(cd "$dir" && nice -n 10 go build -trimpath \
		-ldflags "-s -w -X $v.gitVersion=v$KUBE_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean" \
		-o "$dir/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager go.etcd.io/etcd/server/v3) ||
		die "building the control plane failed (see the go output above)"
	mv "$dir/server" "$dir/etcd" # go build names the binary of go.etcd.io/etcd/server/v3 "server"
	local got etcd
	got="$("$dir/kube-apiserver" --version)" || die "the built kube-apiserver does not run"
	[[ "$got" == "Kubernetes v$KUBE_VERSION" ]] || die "the built kube-apiserver reports '$got', want 'Kubernetes v$KUBE_VERSION'"
	etcd="$(cd "$dir" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)" || die "cannot tell which etcd was built"
	"$dir/etcd" --version | grep -q "^etcd Version: ${etcd#v}\$" || die "the built etcd does not report ${etcd#v}"
	mv -f "$dir/kube-apiserver" "$dir/kube-controller-manager" "$dir/etcd" "$KUBE_BIN/"
	echo "k8s.io/kubernetes v$KUBE_VERSION go.etcd.io/etcd/server/v3 $etcd" >"$KUBE_CACHE/stamp"
	log "control plane v$KUBE_VERSION (etcd $etcd) built in $(elapsed $((SECONDS - start)))"
}

total=$SECONDS
if cli_ok; then log "pulumi CLI v$PULUMI_VERSION: cached in $BIN"; else build_cli; fi
if k8s_ok; then log "pulumi-resource-kubernetes v$K8S_VERSION: cached in $BIN"; else build_k8s; fi
if kube_ok; then log "control plane v$KUBE_VERSION: cached in $KUBE_BIN"; else build_kube; fi
log "tools ready in $(elapsed $((SECONDS - total))): $BIN"
print_env
