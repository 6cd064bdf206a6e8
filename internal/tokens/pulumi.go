package tokens

// Tokens of the Pulumi engine itself (the stack, the default providers) and of
// pulumi-random v4.19.1.
const (
	ProviderAWS    = "pulumi:providers:aws"
	ProviderK8s    = "pulumi:providers:kubernetes"
	RandomID       = "random:index/randomId:RandomId"
	RandomPassword = "random:index/randomPassword:RandomPassword"
	RandomString   = "random:index/randomString:RandomString"
	Stack          = "pulumi:pulumi:Stack"
)
