package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "policy pack %s: %v\n", packName, err)
		os.Exit(1)
	}
}

// run serves the analyzer protocol. The engine's arguments (its address, logging and
// tracing flags) are ignored: the pack never calls back into the engine.
func run() error {
	h := parseHook(os.Getenv(panicEnv))
	if h.rule != "" {
		fmt.Fprintf(os.Stderr, "policy pack %s: test hook %s=%s is set; that rule will panic\n", packName, panicEnv, os.Getenv(panicEnv))
	}
	ev, err := newEvaluator(h)
	if err != nil {
		return err
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterAnalyzerServer(srv, newServer(ev))
			return nil
		},
		Options: []grpc.ServerOption{grpc.ChainUnaryInterceptor(recoverUnary)},
	})
	if err != nil {
		return fmt.Errorf("serving: %w", err)
	}
	// The plugin protocol: the first stdout line is the port the engine dials.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

// recoverUnary is the last line of defence: gRPC does not recover handler panics, so
// without it any panic outside a policy would kill the pack (and fail the deployment with
// an opaque transport error).
func recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			fmt.Fprintf(os.Stderr, "policy pack %s: %s panicked: %v\n%s", packName, info.FullMethod, rec, debug.Stack())
			resp, err = nil, status.Errorf(codes.Internal, "policy pack %s: %s panicked: %v (this is a bug, please report)",
				packName, info.FullMethod, rec)
		}
	}()
	return handler(ctx, req)
}
