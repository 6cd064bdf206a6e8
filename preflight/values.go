package preflight

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Placeholders that stand in for values the JSON must not (or cannot) show.
const (
	SecretValue  = "[secret]"
	UnknownValue = "[unknown]"
	AssetValue   = "[asset]"
	ArchiveValue = "[archive]"
)

// plainMap converts a property map into plain JSON values (map[string]any, []any,
// float64, string, bool, nil): the shape encoding/json decodes back, so a report read
// from disk compares equal to one built in memory.
func plainMap(m property.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		out[k] = plain(v)
	}
	return out
}

// plain converts one value. A secret is masked whole, even when it wraps a map: the
// shape of a secret can itself be sensitive.
func plain(v property.Value) any {
	switch {
	case v.Secret():
		return SecretValue
	case v.IsComputed():
		return UnknownValue
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		arr := v.AsArray()
		out := make([]any, 0, arr.Len())
		for _, e := range arr.All {
			out = append(out, plain(e))
		}
		return out
	case v.IsMap():
		return plainMap(v.AsMap())
	case v.IsAsset():
		return AssetValue
	case v.IsArchive():
		return ArchiveValue
	case v.IsResourceReference():
		return string(v.AsResourceReference().URN)
	}
	return nil
}
