package services

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Mirrors of the custom resources we create, limited to the fields we use and copied
// with their JSON names from the upstream Go API types, so strict decoding catches a
// misspelt field just as it does for the built-in kinds:
//   - External Secrets v2.9.0, apis/externalsecrets/v1 (externalsecret_types.go,
//     secretstore_types.go, secretstore_aws_types.go) and apis/meta/v1.
//   - KEDA v2.20, apis/keda/v1alpha1 (scaledobject_types.go, scaletriggers_types.go,
//     triggerauthentication_types.go).

type esSecretStore struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Provider *struct {
			AWS *struct {
				Service string `json:"service"`
				Region  string `json:"region"`
				Auth    struct {
					JWTAuth *struct {
						ServiceAccountRef *struct {
							Name      string   `json:"name"`
							Namespace *string  `json:"namespace,omitempty"`
							Audiences []string `json:"audiences,omitempty"`
						} `json:"serviceAccountRef,omitempty"`
					} `json:"jwt,omitempty"`
				} `json:"auth,omitempty"`
			} `json:"aws,omitempty"`
		} `json:"provider"`
	} `json:"spec"`
}

type esExternalSecret struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		RefreshInterval string `json:"refreshInterval,omitempty"`
		SecretStoreRef  struct {
			Name string `json:"name,omitempty"`
			Kind string `json:"kind,omitempty"`
		} `json:"secretStoreRef,omitempty"`
		Target struct {
			Name           string `json:"name,omitempty"`
			CreationPolicy string `json:"creationPolicy,omitempty"`
			DeletionPolicy string `json:"deletionPolicy,omitempty"`
			Template       *struct {
				Type          string            `json:"type,omitempty"`
				EngineVersion string            `json:"engineVersion,omitempty"`
				MergePolicy   string            `json:"mergePolicy,omitempty"`
				Data          map[string]string `json:"data,omitempty"`
			} `json:"template,omitempty"`
		} `json:"target,omitempty"`
		Data []struct {
			SecretKey string `json:"secretKey"`
			RemoteRef struct {
				Key      string `json:"key"`
				Property string `json:"property,omitempty"`
			} `json:"remoteRef"`
		} `json:"data,omitempty"`
	} `json:"spec"`
}

type kedaScaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		ScaleTargetRef *struct {
			Name       string `json:"name"`
			APIVersion string `json:"apiVersion,omitempty"`
			Kind       string `json:"kind,omitempty"`
		} `json:"scaleTargetRef"`
		PollingInterval *int32 `json:"pollingInterval,omitempty"`
		CooldownPeriod  *int32 `json:"cooldownPeriod,omitempty"`
		MinReplicaCount *int32 `json:"minReplicaCount,omitempty"`
		MaxReplicaCount *int32 `json:"maxReplicaCount,omitempty"`
		Advanced        *struct {
			HorizontalPodAutoscalerConfig *struct {
				Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
			} `json:"horizontalPodAutoscalerConfig,omitempty"`
		} `json:"advanced,omitempty"`
		Triggers []struct {
			Type              string            `json:"type"`
			Name              string            `json:"name,omitempty"`
			Metadata          map[string]string `json:"metadata"`
			AuthenticationRef *struct {
				Name string `json:"name"`
				Kind string `json:"kind,omitempty"`
			} `json:"authenticationRef,omitempty"`
		} `json:"triggers"`
	} `json:"spec"`
}

type kedaTriggerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		SecretTargetRef []struct {
			Parameter string `json:"parameter"`
			Name      string `json:"name"`
			Key       string `json:"key"`
		} `json:"secretTargetRef,omitempty"`
	} `json:"spec"`
}
