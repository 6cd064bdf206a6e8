package preflight

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/plainvalue"
)

// Placeholders that stand in for values the JSON must not (or cannot) show.
const (
	SecretValue  = "[secret]"
	UnknownValue = "[unknown]"
	AssetValue   = "[asset]"
	ArchiveValue = "[archive]"
)

// reportValues is how the JSON report shows values it must not (or cannot) show.
var reportValues = plainvalue.Placeholders{
	MaskSecrets: true, Secret: SecretValue, Unknown: UnknownValue, Asset: AssetValue, Archive: ArchiveValue,
}

// plainMap converts a property map into plain JSON values (the shape encoding/json
// decodes back, so a report read from disk compares equal to one built in memory). A
// secret is masked whole, even when it wraps a map: its shape can itself be sensitive.
func plainMap(m property.Map) map[string]any { return plainvalue.ConvertMap(m, reportValues) }
