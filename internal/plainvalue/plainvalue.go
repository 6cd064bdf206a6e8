// Package plainvalue turns captured property values into plain JSON-shaped Go values
// (map[string]any, []any, float64, string, bool, nil), the one walk that the preflight's
// JSON report and the tests' strict decoding both need.
package plainvalue

import "github.com/pulumi/pulumi/sdk/v3/go/property"

// Placeholders say what stands in for values that have no plain form.
type Placeholders struct {
	// MaskSecrets replaces a secret value whole (even a map: its shape may be sensitive)
	// with Secret; otherwise secrets are unwrapped.
	MaskSecrets bool
	Secret      any
	// Unknown stands in for a value not known until apply (a preview).
	Unknown any
	// Asset and Archive stand in for assets and archives.
	Asset, Archive any
}

// Convert converts one value.
func Convert(v property.Value, p Placeholders) any {
	switch {
	case p.MaskSecrets && v.Secret():
		return p.Secret
	case v.IsComputed():
		return p.Unknown
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
			out = append(out, Convert(e, p))
		}
		return out
	case v.IsMap():
		return ConvertMap(v.AsMap(), p)
	case v.IsAsset():
		return p.Asset
	case v.IsArchive():
		return p.Archive
	case v.IsResourceReference():
		return string(v.AsResourceReference().URN)
	}
	return nil
}

// ConvertMap converts every entry of a map.
func ConvertMap(m property.Map, p Placeholders) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All {
		out[k] = Convert(v, p)
	}
	return out
}
