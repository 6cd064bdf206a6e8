package cost

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// Estimate is the modeled monthly cost of one plan.
type Estimate struct {
	// Items holds one entry per priced custom resource (free ones included, providers and
	// platform components excluded), in plan order.
	Items []Item
	// MonthlyUSD sums every priced part (unrounded; Table rounds to cents). When Unknown
	// is not empty it is a lower bound: unknown parts are left out, never counted as zero.
	MonthlyUSD float64
	// Unknown are the items with at least one part the table cannot price.
	Unknown []Item
	// ByComponent sums MonthlyUSD per owning platform component ("(stack)" for none).
	ByComponent map[string]float64
	// PriceDate is the date the table's prices were collected.
	PriceDate string
	// Region and Currency of the price table.
	Region, Currency string
	// Assumptions the estimate was made under.
	Assumptions Assumptions
	// Sources are the price entries the items used, sorted by key.
	Sources []Price
}

// Item is the modeled monthly cost of one resource.
type Item struct {
	URN, Type, Name string
	// Component is the name of the outermost platform component owning the resource,
	// "(stack)" when none does.
	Component string
	// MonthlyUSD is the priced part, unrounded (a lower bound when !Known).
	MonthlyUSD float64
	// Known is false when some part of the cost could not be priced; Reason says why.
	Known bool
	// PriceKeys are the prices.json keys used, so every figure is traceable to a source.
	PriceKeys []string
	// Formula shows the arithmetic: quantity x price [key] + ...
	Formula string
	// Reason explains an unknown part, or why a known item costs nothing.
	Reason string
}

// StackComponent is the Component of resources no platform component owns.
const StackComponent = "(stack)"

// model prices one resource into c.
type model func(e *estimator, r *plan.Resource, c *calc)

type estimator struct {
	t  *Table
	p  *plan.Plan
	a  Assumptions
	on time.Time // the day billed (support windows depend on it)
	// shared holds per-plan joins computed once (ALB groups, flow-log destinations...).
	shared map[string]any
}

// Estimate prices every resource of the plan under the assumptions as of the price
// date. Invalid assumptions make every item Unknown with the validation error as the reason.
func (t *Table) Estimate(p *plan.Plan, a Assumptions) *Estimate {
	on, _ := lifecycle.ParseDate(t.Collected) // validated on load
	return t.EstimateOn(p, a, on)
}

// EstimateOn prices the plan as billed on a day: a version past its end of standard
// support (internal/lifecycle) is priced at its extended-support rate from that day on.
func (t *Table) EstimateOn(p *plan.Plan, a Assumptions, on time.Time) *Estimate {
	e := &estimator{t: t, p: p, a: a, on: on, shared: map[string]any{}}
	out := &Estimate{ByComponent: map[string]float64{}, PriceDate: t.Collected, Region: t.Region,
		Currency: t.Currency, Assumptions: a}
	aerr := a.Validate()
	used := map[string]bool{}
	var total float64
	for _, r := range p.Resources {
		if skip(r) {
			continue
		}
		c := &calc{t: t, a: a}
		if aerr != nil {
			c.unknownf("%v", aerr)
		} else {
			e.price(r, c)
		}
		it := c.item(r)
		it.Component = StackComponent
		if owner := p.Component(r, "platform:"); owner != nil {
			it.Component = owner.Name
		}
		for _, k := range it.PriceKeys {
			used[k] = true
		}
		total += it.MonthlyUSD
		out.ByComponent[it.Component] += it.MonthlyUSD
		out.Items = append(out.Items, it)
		if !it.Known {
			out.Unknown = append(out.Unknown, it)
		}
	}
	out.MonthlyUSD = total
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if pr, ok := t.prices[k]; ok {
			out.Sources = append(out.Sources, pr)
		}
	}
	return out
}

// skip leaves out what is not billable: platform components (their children are
// priced) and provider resources.
func skip(r *plan.Resource) bool {
	if strings.HasPrefix(r.Type, "pulumi:providers:") || r.Type == tokens.Stack {
		return true
	}
	return !r.Custom && strings.HasPrefix(r.Type, "platform:")
}

func (e *estimator) price(r *plan.Resource, c *calc) {
	if !r.Custom {
		// A remote component (helm/v4 Chart) is not expanded offline: its rendered objects
		// (PersistentVolumeClaims, LoadBalancer Services) exist only under the engine.
		c.unknownf("remote component %s: its rendered objects are not visible offline, so their storage or load balancers are not priced", r.Type)
		return
	}
	if m, ok := models[r.Type]; ok {
		m(e, r, c)
		return
	}
	if why, ok := freeReason(r.Type); ok {
		c.free(why)
		return
	}
	c.unknownf("no price model for %s", r.Type)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
