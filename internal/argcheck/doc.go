// Package argcheck holds the argument checks that several components' validate()
// functions share word for word, so their error messages stay the same everywhere.
package argcheck
