package services

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const kedaAPIVersion = "keda.sh/v1alpha1"

// BullMQWaitList is the Redis list BullMQ keeps a queue's waiting jobs in.
func BullMQWaitList(prefix, queue string) string { return prefix + ":" + queue + ":wait" }

// autoscaled reports whether an autoscaler owns the replica count. The Deployment then
// leaves spec.replicas unset, so Pulumi never fights the autoscaler over the field
// (server-side apply would otherwise conflict with the scale subresource's manager).
func (a *WorkloadArgs) autoscaled() bool {
	return a.HPA != nil || a.KedaRedis != nil || a.KedaTemporal != nil
}

func scaleTarget(name string) pulumi.Map {
	return pulumi.Map{"apiVersion": pulumi.String("apps/v1"), "kind": pulumi.String("Deployment"), "name": pulumi.String(name)}
}

// newAutoscaler registers the HPA, or the KEDA ScaledObject (and TriggerAuthentication).
func newAutoscaler(ctx *pulumi.Context, name string, a *WorkloadArgs, meta func(string) *metav1.ObjectMetaArgs,
	secretName string, opts []pulumi.ResourceOption) error {
	switch {
	case a.HPA != nil:
		h := a.HPA
		_, err := autoscalingv2.NewHorizontalPodAutoscaler(ctx, name, &autoscalingv2.HorizontalPodAutoscalerArgs{
			Metadata: meta(a.Name),
			Spec: &autoscalingv2.HorizontalPodAutoscalerSpecArgs{
				ScaleTargetRef: &autoscalingv2.CrossVersionObjectReferenceArgs{
					ApiVersion: pulumi.String("apps/v1"), Kind: pulumi.String("Deployment"), Name: pulumi.String(a.Name),
				},
				MinReplicas: pulumi.Int(h.Min),
				MaxReplicas: pulumi.Int(h.Max),
				Metrics: autoscalingv2.MetricSpecArray{autoscalingv2.MetricSpecArgs{
					Type: pulumi.String("Resource"),
					Resource: &autoscalingv2.ResourceMetricSourceArgs{
						Name:   pulumi.String("cpu"),
						Target: &autoscalingv2.MetricTargetArgs{Type: pulumi.String("Utilization"), AverageUtilization: pulumi.Int(h.TargetCPU)},
					},
				}},
				Behavior: &autoscalingv2.HorizontalPodAutoscalerBehaviorArgs{
					ScaleDown: &autoscalingv2.HPAScalingRulesArgs{StabilizationWindowSeconds: pulumi.Int(h.ScaleDownStabilizationSeconds)},
				},
			},
		}, opts...)
		return err
	case a.KedaRedis != nil:
		return newRedisScaler(ctx, name, a, meta, secretName, opts)
	case a.KedaTemporal != nil:
		k := a.KedaTemporal
		trigger := pulumi.Map{
			"type": pulumi.String("temporal"),
			"name": pulumi.String("task-queue"),
			// KEDA trigger metadata values are strings.
			"metadata": pulumi.StringMap{
				"endpoint":        pulumi.String(k.Endpoint),
				"namespace":       pulumi.String(k.Namespace),
				"taskQueue":       pulumi.String(k.TaskQueue),
				"queueTypes":      pulumi.String(strings.Join(k.QueueTypes, ",")),
				"targetQueueSize": pulumi.String(fmt.Sprint(k.TargetQueueSize)),
			},
		}
		return newScaledObject(ctx, name, a.Name, meta(a.Name), k.Min, k.Max, k.PollingInterval, k.CooldownPeriod, pulumi.Array{trigger}, opts)
	}
	return nil
}

// newRedisScaler scales on the BullMQ wait lists: one `redis` trigger per queue (KEDA
// takes the largest proposal), TLS on, AUTH from the workload's Secret.
func newRedisScaler(ctx *pulumi.Context, name string, a *WorkloadArgs, meta func(string) *metav1.ObjectMetaArgs,
	secretName string, opts []pulumi.ResourceOption) error {
	k := a.KedaRedis
	authName := a.Name + "-redis"
	auth, err := apiextensions.NewCustomResource(ctx, name+"-redis", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(kedaAPIVersion),
		Kind:       pulumi.String("TriggerAuthentication"),
		Metadata:   meta(authName),
		OtherFields: map[string]any{
			"spec": pulumi.Map{
				// Only the password: TLS is switched on in the trigger metadata (KEDA
				// refuses `tls` in both places), and ElastiCache's certificate chains to
				// a public CA, so no CA bundle is needed.
				"secretTargetRef": pulumi.Array{pulumi.Map{
					"parameter": pulumi.String("password"),
					"name":      pulumi.String(secretName),
					"key":       pulumi.String(k.PasswordEnv),
				}},
			},
		},
	}, opts...)
	if err != nil {
		return err
	}
	triggers := pulumi.Array{}
	for _, q := range k.Queues {
		triggers = append(triggers, pulumi.Map{
			"type": pulumi.String("redis"),
			"name": pulumi.String(triggerName("bullmq", q)),
			"metadata": pulumi.StringMap{
				"address":    k.Address,
				"listName":   pulumi.String(BullMQWaitList(k.Prefix, q)),
				"listLength": pulumi.String(fmt.Sprint(k.ListLength)),
				"enableTLS":  pulumi.String(fmt.Sprint(!k.DisableTLS)),
			},
			"authenticationRef": pulumi.Map{"name": pulumi.String(authName)},
		})
	}
	return newScaledObject(ctx, name, a.Name, meta(a.Name), k.Min, k.Max, k.PollingInterval, k.CooldownPeriod, triggers,
		append(opts, pulumi.DependsOn([]pulumi.Resource{auth})))
}

func newScaledObject(ctx *pulumi.Context, name, target string, meta *metav1.ObjectMetaArgs, lo, hi, polling, cooldown int,
	triggers pulumi.Array, opts []pulumi.ResourceOption) error {
	_, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(kedaAPIVersion),
		Kind:       pulumi.String("ScaledObject"),
		Metadata:   meta,
		OtherFields: map[string]any{
			"spec": pulumi.Map{
				"scaleTargetRef":  scaleTarget(target),
				"minReplicaCount": pulumi.Int(lo),
				"maxReplicaCount": pulumi.Int(hi),
				"pollingInterval": pulumi.Int(polling),
				"cooldownPeriod":  pulumi.Int(cooldown),
				"advanced": pulumi.Map{
					"horizontalPodAutoscalerConfig": pulumi.Map{
						"behavior": pulumi.Map{
							// Scale in slowly: a removed worker drains its running task
							// for up to the grace period.
							"scaleDown": pulumi.Map{"stabilizationWindowSeconds": pulumi.Int(cooldown)},
						},
					},
				},
				"triggers": triggers,
			},
		},
	}, opts...)
	return err
}

// triggerName is a DNS-1123-ish trigger name from a queue name.
func triggerName(prefix, queue string) string {
	n := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, queue)
	return prefix + "-" + n
}
