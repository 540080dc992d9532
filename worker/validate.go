package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/runner"
	"github.com/connectkit/connectkit/sink"
	"github.com/connectkit/connectkit/source"
)

// workerGroup is the group of runtime keys that are worker settings, not
// a connector's; validation leaves them out, as Kafka Connect's does.
const workerGroup = "Worker"

// ValidateConfig implements [Herder]: it checks config as creating the
// connector would, against the runtime's keys and the connector's own
// (with its [connect.ConfigValidator] rules), and reports every key with
// its value (passwords hidden) and problems. A problem that names no key
// is filed under connector.class.
func (s *Standalone) ValidateConfig(ctx context.Context, class string, config map[string]string) (ConfigInfos, error) {
	if config[sink.ConnectorClassConfig] == "" {
		return ConfigInfos{}, badRequest("Connector config %s contains no connector type", s.maskPlain(config))
	}
	if class == "" {
		class = config[sink.ConnectorClassConfig]
	}
	p, err := s.reg.Lookup(class)
	if err != nil {
		return ConfigInfos{}, badRequest("%v", err)
	}
	conn := p.New()
	var runtimeDef *connect.ConfigDef
	isSink := false
	switch conn.(type) {
	case connect.SinkConnector:
		runtimeDef, isSink = sink.ConfigDef(), true
	case connect.SourceConnector:
		runtimeDef = source.ConfigDef()
	default:
		return ConfigInfos{}, badRequest("plugin %s makes neither a sink nor a source connector", p.Name)
	}

	var keys []connect.ConfigKey
	seen := map[string]bool{}
	for _, d := range []*connect.ConfigDef{runtimeDef, conn.ConfigDef()} {
		for _, k := range d.Keys() {
			if k.Group == workerGroup || seen[k.Name] {
				continue
			}
			seen[k.Name] = true
			keys = append(keys, k)
		}
	}
	problems := map[string][]string{}
	// Checked as it would run, placeholders resolved, as Kafka Connect's
	// herder validates; the values shown stay as written.
	resolved, err := s.runtimeConfig(ctx, config)
	if err != nil {
		return ConfigInfos{}, badRequest("%v", err)
	}
	_, _, err = runner.ParseConfig(conn, runtimeDef, s.wcfg, resolved)
	if err != nil {
		var ce *connect.ConfigError
		if !errors.As(err, &ce) {
			ce = &connect.ConfigError{Problems: []connect.ConfigProblem{{Message: err.Error()}}}
		}
		for _, pr := range ce.Problems {
			key := pr.Key
			if !seen[key] {
				key = sink.ConnectorClassConfig
			}
			problems[key] = append(problems[key], problemText(pr))
		}
	}
	if isSink {
		// Kafka Connect files a topics/topics.regex conflict under both
		// keys; so do we, so that error counts agree.
		for _, m := range problems[sink.TopicsConfig] {
			if strings.Contains(m, sink.TopicsRegexConfig) && !slices.Contains(problems[sink.TopicsRegexConfig], m) &&
				(strings.Contains(m, "one of") || strings.Contains(m, "mutually exclusive")) {
				problems[sink.TopicsRegexConfig] = append(problems[sink.TopicsRegexConfig], m)
			}
		}
	}

	defs := []*connect.ConfigDef{conn.ConfigDef(), runtimeDef}
	infos := ConfigInfos{Name: className(p), Groups: []string{}, Configs: []ConfigInfo{}}
	for _, k := range keys {
		if k.Group != "" && !slices.Contains(infos.Groups, k.Group) {
			infos.Groups = append(infos.Groups, k.Group)
		}
		errs := problems[k.Name]
		if errs == nil {
			errs = []string{}
		}
		infos.ErrorCount += len(errs)
		infos.Configs = append(infos.Configs, ConfigInfo{
			Definition: keyInfo(k),
			Value: ConfigValueInfo{Name: k.Name, Value: valueOf(defs, k, config),
				RecommendedValues: []string{}, Errors: errs, Visible: true},
		})
	}
	return infos, nil
}

// problemText is a problem as Kafka Connect words it: it names the key.
func problemText(p connect.ConfigProblem) string {
	if p.Key == "" {
		return p.Message
	}
	return fmt.Sprintf("Invalid value for configuration %s: %s", p.Key, p.Message)
}

// keyInfo is a key's definition in Kafka Connect's ConfigKeyInfo shape.
func keyInfo(k connect.ConfigKey) ConfigKeyInfo {
	info := ConfigKeyInfo{
		Name: k.Name, Type: javaType(k.Type), Required: k.Default == nil,
		Importance: strings.ToUpper(k.Importance.String()), Documentation: k.Doc,
		OrderInGroup: k.OrderInGroup, Width: "NONE", DisplayName: k.DisplayName,
		Dependents: slices.Clone(k.Dependents),
	}
	if info.Dependents == nil {
		info.Dependents = []string{}
	}
	if info.DisplayName == "" {
		info.DisplayName = k.Name
	}
	if k.Group != "" {
		g := k.Group
		info.Group = &g
	}
	if k.Default != nil && k.Default != connect.NullDefault {
		d := formatDefault(k)
		info.DefaultValue = &d
	}
	if k.OrderInGroup == 0 {
		info.OrderInGroup = -1
	}
	return info
}

// javaType is the name Kafka's ConfigDef.Type gives a type.
func javaType(t connect.ConfigType) string {
	if t == connect.ConfigDuration {
		return "LONG"
	}
	return strings.ToUpper(t.String())
}

// formatDefault writes a default as Kafka's ConfigDef.convertToString
// does: lists comma-separated, durations in milliseconds, passwords hidden.
func formatDefault(k connect.ConfigKey) string {
	switch v := k.Default.(type) {
	case string:
		if k.Type == connect.ConfigPassword && v != "" {
			return Hidden
		}
		return v
	case []string:
		return strings.Join(v, ",")
	case time.Duration:
		return strconv.FormatInt(v.Milliseconds(), 10)
	case connect.Password:
		return Hidden
	}
	return fmt.Sprint(k.Default)
}

// valueOf is a key's value for a validation report: the configured one
// (a password hidden unless it is a placeholder), else the default, else
// null.
func valueOf(defs []*connect.ConfigDef, k connect.ConfigKey, config map[string]string) *string {
	if v, ok := config[k.Name]; ok {
		v = maskWith(defs, map[string]string{k.Name: v})[k.Name]
		return &v
	}
	if k.Default == nil || k.Default == connect.NullDefault {
		return nil
	}
	d := formatDefault(k)
	return &d
}
