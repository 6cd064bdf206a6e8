package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

const (
	readOnlyDoc = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}}`
	adminDoc    = `{"Version":"2012-10-17","Statement":[{"Sid":"Ok","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"All","Effect":"Allow","Action":"*","Resource":["*"]}]}`
	ecsTrust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	irsaTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:app:api",` +
		`"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}}]}`
	irsaLoose = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}}]}`
	keyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:Encrypt*","Resource":"*",` +
		`"Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:*"}}}]}`
	publicKeyPolicy = `{"Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`
)

func iamCases() []ruleCase {
	key := func(in map[string]any) Resource { return res(tokens.KMSKey, "key", in) }
	goodKey := map[string]any{"description": "db", "enableKeyRotation": true, "deletionWindowInDays": 30, "policy": keyPolicy, "tags": goodTags()}
	return []ruleCase{
		{
			id: "iam-no-admin", pass: stack("prod", res(tokens.IAMPolicy, "reader", map[string]any{"policy": readOnlyDoc})),
			fail:    stack("prod", res(tokens.IAMPolicy, "admin", map[string]any{"policy": adminDoc})),
			failMsg: `policy Statement[1] (Sid "All") allows Action "*" on Resource "*"`,
			unknown: stack("prod", res(tokens.IAMRolePolicy, "inline", map[string]any{"role": "r", "policy": unk})),
		},
		{
			id: "iam-trust-scoped", pass: stack("prod", res(tokens.IAMRole, "eks", map[string]any{"assumeRolePolicy": ecsTrust}), res(tokens.IAMRole, "api-irsa", map[string]any{"assumeRolePolicy": irsaTrust})),
			fail:    stack("prod", res(tokens.IAMRole, "api-irsa", map[string]any{"assumeRolePolicy": irsaLoose})),
			failMsg: `trusts an OIDC provider without a "<issuer>:sub" condition`,
			unknown: stack("prod", res(tokens.IAMRole, "api-irsa", map[string]any{"assumeRolePolicy": unk})),
		},
		{
			id: "kms-rotation", pass: stack("prod", key(goodKey)), fail: stack("prod", key(set(goodKey, "enableKeyRotation", false))),
			failMsg: "enableKeyRotation is false", unknown: stack("prod", key(set(goodKey, "enableKeyRotation", unk))),
		},
		{
			id: "kms-no-wildcard-principal", pass: stack("prod", key(goodKey), key(set(goodKey, "policy", del))),
			fail:    stack("prod", key(set(goodKey, "policy", publicKeyPolicy))),
			failMsg: `policy Statement[0] (Sid "Everyone") allows Principal "*" with no Condition`,
			unknown: stack("prod", key(set(goodKey, "policy", unk))),
		},
	}
}

func TestIAMShapes(t *testing.T) {
	t.Parallel()
	objectPolicy := map[string]any{"Version": "2012-10-17", "Statement": map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}
	cases := []struct {
		name, id string
		r        Resource
		fails    int
	}{
		{"role inline policy with admin", "iam-no-admin", res(tokens.IAMRole, "r", map[string]any{"assumeRolePolicy": ecsTrust,
			"inlinePolicies": []any{map[string]any{"name": "x", "policy": adminDoc}}}), 1},
		{"policy given as an object", "iam-no-admin", res(tokens.IAMPolicy, "p", map[string]any{"policy": objectPolicy}), 1},
		{"AdministratorAccess attachment", "iam-no-admin", res(tokens.IAMRolePolicyAttachment, "a", map[string]any{"role": "r",
			"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}), 1},
		{"AdministratorAccess in managedPolicyArns", "iam-no-admin", res(tokens.IAMRole, "r", map[string]any{"assumeRolePolicy": ecsTrust,
			"managedPolicyArns": []any{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"}}), 1},
		{"deny * on * is fine", "iam-no-admin", res(tokens.IAMPolicy, "p", map[string]any{"policy": `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`}), 0},
		{"malformed JSON fails with the parse error", "iam-no-admin", res(tokens.IAMPolicy, "p", map[string]any{"policy": `{"Statement":`}), 1},
		{"wildcard trust", "iam-trust-scoped", res(tokens.IAMRole, "r", map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`}), 1},
		{"sub pinned to *", "iam-trust-scoped", res(tokens.IAMRole, "r", map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow",` +
			`"Principal":{"Federated":"arn:aws:iam::1:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"x:sub":"*"}}}]}`}), 1},
		{"asymmetric keys do not rotate", "kms-rotation", res(tokens.KMSKey, "k", map[string]any{"keyUsage": "SIGN_VERIFY", "customerMasterKeySpec": "RSA_2048"}), 0},
		{"wildcard principal with a condition is scoped", "kms-no-wildcard-principal", res(tokens.KMSKey, "k", map[string]any{"policy": `{"Statement":[{"Effect":"Allow",` +
			`"Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"1"}}}]}`}), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, c.id, stack("prod", c.r)), c.id)
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
}
