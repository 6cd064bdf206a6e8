package cost

import (
	"fmt"
	"sync"
)

var defaultTable = sync.OnceValues(Load)

// DefaultAssumptions returns the embedded table's assumptions for a stack, for tests that
// price under the shipped figures. The table is checked by the package tests, so a broken
// file is a bug and panics.
func DefaultAssumptions(stack string) Assumptions {
	t, err := defaultTable()
	if err != nil {
		panic(fmt.Sprintf("cost: embedded price table is broken (please report): %v", err))
	}
	a, err := t.assumptionsFor(stack)
	if err != nil {
		panic(fmt.Sprintf("cost: embedded assumptions are broken (please report): %v", err))
	}
	return a
}
