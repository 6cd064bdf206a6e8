package cluster

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The EBS CSI driver add-on runs its controller (the part that calls the EC2 API) as
// this service account; the node DaemonSet only mounts volumes and needs no AWS rights.
const (
	ebsCSIAddon          = "aws-ebs-csi-driver"
	ebsCSINamespace      = "kube-system"
	ebsCSIServiceAccount = "ebs-csi-controller-sa"
	// ebsCSIManagedPolicy is the AWS-managed policy the EKS user guide attaches to the
	// driver's role: create, attach, detach, snapshot and tag EBS volumes.
	ebsCSIManagedPolicy = "service-role/AmazonEBSCSIDriverPolicy"
)

// newEBSCSIRole registers the IRSA role of the EBS CSI controller and returns it with
// what its add-on needs: the role ARN for serviceAccountRoleArn and the policies to wait
// for (a controller that starts before they exist fails its first CreateVolume calls).
//
// The managed policy does not cover customer-managed keys: every volume our
// StorageClasses provision is encrypted with the data key, so without the inline KMS
// policy below PVCs stay Pending with a KMS AccessDenied.
func newEBSCSIRole(ctx *pulumi.Context, name string, a *ClusterArgs, oidc *iam.OpenIdConnectProvider, issuer pulumi.StringOutput, parent pulumi.ResourceOption) (*iam.Role, addonSettings, error) {
	rn := roleName(a.NamePrefix, "ebs-csi-driver")
	role, err := iam.NewRole(ctx, name+"-ebs-csi", &iam.RoleArgs{
		Name:             pulumi.String(rn),
		Description:      pulumi.String("IRSA: EBS CSI driver controller (" + ebsCSINamespace + "/" + ebsCSIServiceAccount + ") of " + Name(a.NamePrefix)),
		AssumeRolePolicy: IRSATrustPolicy(oidc.Arn, issuer, ebsCSINamespace, ebsCSIServiceAccount),
		Tags:             a.Tags.AWS(rn),
	}, parent)
	if err != nil {
		return nil, addonSettings{}, err
	}
	managed, err := iam.NewRolePolicyAttachment(ctx, name+"-ebs-csi-AmazonEBSCSIDriverPolicy", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(awsManagedPolicy(ebsCSIManagedPolicy)),
	}, parent)
	if err != nil {
		return nil, addonSettings{}, err
	}
	keyPolicy, err := iam.NewRolePolicy(ctx, name+"-ebs-csi-kms", &iam.RolePolicyArgs{
		Name:   pulumi.String("ebs-csi-data-key"),
		Role:   role.Name,
		Policy: a.DataKmsKeyArn.ToStringOutput().ApplyT(ebsCSIKMSPolicy).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, addonSettings{}, err
	}
	return role, addonSettings{
		serviceAccountRoleArn: role.Arn,
		deps:                  []pulumi.Resource{managed, keyPolicy},
	}, nil
}

// ebsCSIKMSPolicy is the EKS user guide's KMS policy for the EBS CSI driver, scoped to
// one key. Grants let EC2 use the key for the volume's whole life (attach, reboot,
// detach) after the controller's call returns; the condition allows the grant calls only
// when an AWS service (EC2) makes them for the role, so the role itself cannot hand the
// key to an arbitrary principal.
func ebsCSIKMSPolicy(keyArn string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{
				"Sid":      "GrantsForEncryptedVolumes",
				"Effect":   "Allow",
				"Action":   []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
				"Resource": []string{keyArn},
				"Condition": map[string]any{
					"Bool": map[string]any{"kms:GrantIsForAWSResource": "true"},
				},
			},
			map[string]any{
				"Sid":    "UseDataKey",
				"Effect": "Allow",
				"Action": []string{
					"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey",
				},
				"Resource": []string{keyArn},
			},
		},
	})
}
