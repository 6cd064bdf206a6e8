package cluster

import (
	"encoding/json"

	"github.com/generic-corp/platform/internal/naming"
)

// roleName is the physical IAM role name for one of this cluster's roles.
func roleName(namePrefix, purpose string) string {
	return naming.Name(naming.MaxIAMRole, namePrefix, purpose)
}

// awsManagedPolicy is the ARN of an AWS-managed IAM policy.
func awsManagedPolicy(policy string) string {
	return "arn:aws:iam::aws:policy/" + policy
}

// servicePrincipalTrust is a trust policy that lets one AWS service assume the role.
func servicePrincipalTrust(service string, actions ...string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": service},
			"Action":    actions,
		}},
	})
}

// mustJSON marshals documents built from maps, slices and strings only, which cannot fail.
func mustJSON(doc any) string {
	b, err := json.Marshal(doc)
	if err != nil {
		panic("cluster: bug, please report: marshalling a policy document: " + err.Error())
	}
	return string(b)
}
