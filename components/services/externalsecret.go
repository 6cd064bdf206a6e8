package services

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultRefreshInterval is how often the operator re-reads Secrets Manager.
const DefaultRefreshInterval = "1h"

// PostgresURL returns a SecretEnv template for a PostgreSQL URL whose user and
// password come from the template variables userVar and passwordVar (both
// URL-escaped: generated passwords contain '#', '?' and brackets). host may be unknown
// until deploy (the RDS address). params are extra query parameters "key=value", e.g.
// "pgbouncer=true", which Prisma needs behind PgBouncer's transaction pooling.
func PostgresURL(userVar, passwordVar string, host pulumi.StringInput, port int, database, sslmode string, params ...string) pulumi.StringOutput {
	query := "sslmode=" + sslmode
	for _, p := range params {
		query += "&" + p
	}
	return host.ToStringOutput().ApplyT(func(h string) string {
		return fmt.Sprintf("postgresql://{{ .%s | urlquery }}:{{ .%s | urlquery }}@%s:%d/%s?%s",
			userVar, passwordVar, h, port, database, query)
	}).(pulumi.StringOutput)
}

// Value returns the template that passes one variable through unchanged.
func Value(variable string) pulumi.StringInput {
	return pulumi.String("{{ ." + variable + " }}")
}

// envSecret is the ExternalSecret that renders a workload's secret environment.
type envSecret struct {
	// name is the Kubernetes Secret the pods read with envFrom.
	name string
	// checksum changes whenever the rendered environment's definition changes, so the
	// pod template (and the pods) change with it.
	checksum pulumi.StringOutput
	resource pulumi.Resource
}

// newEnvSecret registers an ExternalSecret that writes Secret objName from the sources
// through the templates: the Secret holds exactly the SecretEnv variables.
func newEnvSecret(ctx *pulumi.Context, name, objName string, meta *metav1.ObjectMetaArgs, store string,
	sources []SecretSource, env map[string]pulumi.StringInput, opts []pulumi.ResourceOption) (*envSecret, error) {
	data := pulumi.Array{}
	var def []string
	for _, src := range sources {
		for _, v := range slices.Sorted(maps.Keys(src.Properties)) {
			ref := pulumi.Map{"key": pulumi.String(src.Name)}
			if prop := src.Properties[v]; prop != "" {
				ref["property"] = pulumi.String(prop)
			}
			data = append(data, pulumi.Map{"secretKey": pulumi.String(v), "remoteRef": ref})
			def = append(def, v+"="+src.Name+"#"+src.Properties[v])
		}
	}
	templates := pulumi.StringMap{}
	keys := slices.Sorted(maps.Keys(env))
	inputs := make([]any, 0, len(keys))
	for _, k := range keys {
		templates[k] = env[k]
		inputs = append(inputs, env[k])
	}
	es, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(esoAPIVersion),
		Kind:       pulumi.String("ExternalSecret"),
		Metadata:   meta,
		OtherFields: map[string]any{
			"spec": pulumi.Map{
				"refreshInterval": pulumi.String(DefaultRefreshInterval),
				"secretStoreRef":  pulumi.Map{"name": pulumi.String(store), "kind": pulumi.String("SecretStore")},
				"target": pulumi.Map{
					"name":           pulumi.String(objName),
					"creationPolicy": pulumi.String("Owner"),
					"deletionPolicy": pulumi.String("Retain"),
					"template": pulumi.Map{
						"engineVersion": pulumi.String("v2"),
						"type":          pulumi.String("Opaque"),
						// Replace: the Secret holds the rendered variables only, never the
						// raw parts (a password that is only an input to a URL).
						"mergePolicy": pulumi.String("Replace"),
						"data":        templates,
					},
				},
				"data": data,
			},
		},
	}, opts...)
	if err != nil {
		return nil, err
	}
	checksum := pulumi.All(inputs...).ApplyT(func(v []any) string {
		h := sha256.New()
		h.Write([]byte(strings.Join(def, "\n")))
		for i, k := range keys {
			fmt.Fprintf(h, "\n%s=%s", k, v[i])
		}
		return hex.EncodeToString(h.Sum(nil))
	}).(pulumi.StringOutput)
	return &envSecret{name: objName, checksum: checksum, resource: es}, nil
}
