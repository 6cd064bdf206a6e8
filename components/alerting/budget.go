package alerting

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newBudget creates the stack's monthly cost budget. It counts the cost of resources
// tagged environment=<the stack's environment>: the "environment" tag must be activated
// once as a cost allocation tag in the billing console (payer account), or the budget
// sees nothing. Alerts: actual cost past the warning percent -> warning topic, past the
// critical percent -> critical topic, and a forecast past 100 % -> warning topic, so a
// runaway month is seen before it is spent.
func (c *Alerting) newBudget(ctx *pulumi.Context, name string, a AlertingArgs) error {
	t := a.Thresholds
	physical := a.NamePrefix + "-monthly"
	notify := func(kind string, percent float64, severity string) *budgets.BudgetNotificationArgs {
		return &budgets.BudgetNotificationArgs{
			NotificationType:       pulumi.String(kind),
			ComparisonOperator:     pulumi.String("GREATER_THAN"),
			Threshold:              pulumi.Float64(percent),
			ThresholdType:          pulumi.String("PERCENTAGE"),
			SubscriberSnsTopicArns: pulumi.StringArray{c.topics[severity].Arn},
		}
	}
	b, err := budgets.NewBudget(ctx, name+"-budget", &budgets.BudgetArgs{
		Name:        pulumi.String(physical),
		BudgetType:  pulumi.String("COST"),
		LimitAmount: pulumi.String(fmt.Sprintf("%d", a.MonthlyBudgetUSD)),
		LimitUnit:   pulumi.String("USD"),
		TimeUnit:    pulumi.String("MONTHLY"),
		CostFilters: budgets.BudgetCostFilterArray{&budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String("user:environment$" + a.Tags["environment"])},
		}},
		Notifications: budgets.BudgetNotificationArray{
			notify("ACTUAL", t.BudgetWarningPercent, Warning),
			notify("ACTUAL", t.BudgetCriticalPercent, Critical),
			notify("FORECASTED", 100, Warning),
		},
		Tags: a.Tags.AWS(physical),
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	c.BudgetName = b.Name
	return nil
}
