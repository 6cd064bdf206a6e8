package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/generic-corp/platform/preflight"
)

// baseBuildTimeout bounds building and running the base revision's preflight (a cold
// build of the SDKs dominates).
const baseBuildTimeout = 15 * time.Minute

// noBaseError says a git ref resolved but no base report could be made from it.
type noBaseError struct{ ref, why string }

func (e *noBaseError) Error() string { return fmt.Sprintf("revision %s %s", e.ref, e.why) }

// baseFromGit captures "the plan of that revision" by running that revision's own code:
// its tree is exported to a temporary directory (git archive: read-only on the
// repository, unlike a worktree, and nothing to clean up in .git if interrupted) and
// its cmd/preflight is run there with --format json.
func baseFromGit(o options) (map[string]*preflight.Report, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, usagef("--diff %q is not a file, and git is not on PATH to read it as a ref", o.diff)
	}
	top, err := gitOut(o.root, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, usagef("--diff %q is not a file, and %s is not in a git repository", o.diff, o.root)
	}
	sha, err := gitOut(o.root, "rev-parse", "--verify", "--quiet", o.diff+"^{commit}")
	if err != nil {
		return nil, usagef("--diff %q is neither a saved JSON report nor a git ref of this repository (for origin/main in CI: git fetch origin main)", o.diff)
	}
	prefix, _ := gitOut(o.root, "rev-parse", "--show-prefix")
	tmp, err := os.MkdirTemp("", "preflight-base-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	if err := exportTree(top, sha, tmp); err != nil {
		return nil, fmt.Errorf("exporting %s: %w", o.diff, err)
	}
	dir := filepath.Join(tmp, prefix)
	if _, err := os.Stat(filepath.Join(dir, "cmd", "preflight")); err != nil {
		return nil, &noBaseError{ref: o.diff, why: "has no cmd/preflight to capture its plan with"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), baseBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/preflight", "--stack", o.stack, "--format", "json", "--mode", o.mode, "--no-fail")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	bases, err := preflight.ReadJSON(stdout.Bytes())
	if err != nil {
		why := "did not produce a JSON report (its preflight may predate --format json)"
		if runErr != nil {
			why += fmt.Sprintf(": %v: %s", runErr, lastLines(stderr.String(), 5))
		}
		return nil, &noBaseError{ref: o.diff, why: why}
	}
	return bases, nil
}

func gitOut(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...) //nolint:gosec // fixed program
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// exportTree writes the tree of a commit into dest.
func exportTree(repo, sha, dest string) error {
	cmd := exec.Command("git", "-C", repo, "archive", "--format=tar", sha) //nolint:gosec // sha comes from rev-parse
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	extractErr := untar(out, dest)
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return extractErr
}

func untar(r io.Reader, dest string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		path := filepath.Join(dest, h.Name) //nolint:gosec // checked just below
		if !strings.HasPrefix(path, filepath.Clean(dest)+string(os.PathSeparator)) {
			return fmt.Errorf("archive entry %q escapes the destination", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(path, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o755|0o600) //nolint:gosec // mode from git
			if err != nil {
				return err
			}
			_, cerr := io.Copy(f, tr) //nolint:gosec // the repository's own files
			if err := errors.Join(cerr, f.Close()); err != nil {
				return err
			}
		case tar.TypeSymlink:
			_ = os.Symlink(h.Linkname, path)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
