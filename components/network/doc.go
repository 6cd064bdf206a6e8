// Package network owns the platform VPC: its three subnet tiers (public, private, data)
// carved deterministically from one CIDR, the internet and NAT gateways, per-tier route
// tables, VPC flow logs to an encrypted CloudWatch log group, the S3 gateway endpoint,
// the interface endpoints the private tier needs, and a locked-down default security
// group.
//
// What reaches the internet:
//   - public subnets route 0.0.0.0/0 to the internet gateway; only load balancers and the
//     NAT gateways live there (instances get no public IP on launch);
//   - private subnets (EKS nodes and pods) route 0.0.0.0/0 to the NAT gateway in their AZ,
//     or to the single NAT gateway when NatGatewayCount is 1;
//   - data subnets (RDS, ElastiCache) have no default route at all: no NAT, no internet
//     gateway. They reach S3 through the gateway endpoint and nothing else leaves the VPC.
//
// Nothing here looks anything up at deploy time (no availability-zone or region invokes):
// every input is explicit so a preview is a pure function of the stack config.
package network
