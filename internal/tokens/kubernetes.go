package tokens

// Resource type tokens registered by pulumi-kubernetes v4.32.0, named K8s<Kind>
// (K8sHelm<Kind> for the Helm resources, whose kinds alone would be ambiguous).
const (
	K8sConfigMap               = "kubernetes:core/v1:ConfigMap"
	K8sCronJob                 = "kubernetes:batch/v1:CronJob"
	K8sDaemonSet               = "kubernetes:apps/v1:DaemonSet"
	K8sDeployment              = "kubernetes:apps/v1:Deployment"
	K8sHelmChart               = "kubernetes:helm.sh/v4:Chart"
	K8sHelmRelease             = "kubernetes:helm.sh/v3:Release"
	K8sHorizontalPodAutoscaler = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
	K8sIngress                 = "kubernetes:networking.k8s.io/v1:Ingress"
	K8sIngressClass            = "kubernetes:networking.k8s.io/v1:IngressClass"
	K8sJob                     = "kubernetes:batch/v1:Job"
	K8sNamespace               = "kubernetes:core/v1:Namespace"
	K8sNetworkPolicy           = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	K8sPersistentVolumeClaim   = "kubernetes:core/v1:PersistentVolumeClaim"
	K8sPod                     = "kubernetes:core/v1:Pod"
	K8sPodDisruptionBudget     = "kubernetes:policy/v1:PodDisruptionBudget"
	K8sReplicaSet              = "kubernetes:apps/v1:ReplicaSet"
	K8sSecret                  = "kubernetes:core/v1:Secret"
	K8sService                 = "kubernetes:core/v1:Service"
	K8sServiceAccount          = "kubernetes:core/v1:ServiceAccount"
	K8sStatefulSet             = "kubernetes:apps/v1:StatefulSet"
	K8sStorageClass            = "kubernetes:storage.k8s.io/v1:StorageClass"
)

// Custom resources of the CRDs the platform installs (External Secrets, KEDA, the
// Prometheus operator). apiextensions.CustomResource registers them as
// "kubernetes:<apiVersion>:<kind>", so they appear in no SDK source.
const (
	K8sClusterSecretStore    = "kubernetes:external-secrets.io/v1:ClusterSecretStore"
	K8sExternalSecret        = "kubernetes:external-secrets.io/v1:ExternalSecret"
	K8sPodMonitor            = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
	K8sPrometheusRule        = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
	K8sScaledObject          = "kubernetes:keda.sh/v1alpha1:ScaledObject"
	K8sSecretStore           = "kubernetes:external-secrets.io/v1:SecretStore"
	K8sServiceMonitor        = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
	K8sTriggerAuthentication = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication"
)
