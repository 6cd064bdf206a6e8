package registry

import (
	"encoding/json"
	"fmt"
)

// ECR lifecycle policy document (AmazonECR/latest/userguide/lifecycle_policy_parameters):
// rules are evaluated by ascending rulePriority; "untagged" rules must omit the tag lists,
// "tagged" rules must give tagPrefixList or tagPatternList ("*" matches every tag), and
// countUnit is only valid with countType sinceImagePushed.
type lifecycleDocument struct {
	Rules []lifecycleRule `json:"rules"`
}

type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       lifecycleAction    `json:"action"`
}

type lifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// lifecyclePolicy renders the policy: untagged images expire untaggedDays after push
// (they are superseded build layers nobody can deploy by tag), and only the keepTagged
// most recent tagged images are kept (rollback depth).
func lifecyclePolicy(untaggedDays, keepTagged int) (string, error) {
	doc := lifecycleDocument{Rules: []lifecycleRule{
		{
			RulePriority: 1,
			Description:  fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
			Selection: lifecycleSelection{
				TagStatus:   "untagged",
				CountType:   "sinceImagePushed",
				CountUnit:   "days",
				CountNumber: untaggedDays,
			},
			Action: lifecycleAction{Type: "expire"},
		},
		{
			RulePriority: 2,
			Description:  fmt.Sprintf("Keep the %d most recent tagged images", keepTagged),
			Selection: lifecycleSelection{
				TagStatus:      "tagged",
				TagPatternList: []string{"*"},
				CountType:      "imageCountMoreThan",
				CountNumber:    keepTagged,
			},
			Action: lifecycleAction{Type: "expire"},
		},
	}}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("registry: rendering the lifecycle policy (please report): %w", err)
	}
	return string(b), nil
}
