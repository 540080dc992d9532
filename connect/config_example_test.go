package connect_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// exampleConfigDef is how a connector declares its settings: once, at init.
var exampleConfigDef = connect.NewConfigDef().Define(
	connect.ConfigKey{
		Name: "topics", Type: connect.ConfigList, Importance: connect.High,
		Doc: "Topics to read.", Validator: connect.NonEmpty(),
	},
	connect.ConfigKey{
		Name: "flush.size", Type: connect.ConfigInt, Default: 1000, Importance: connect.High,
		Doc: "Records per file.", Validator: connect.AtLeast(1),
	},
	connect.ConfigKey{
		Name: "rotate.interval.ms", Type: connect.ConfigDuration, Default: 10 * time.Minute, Importance: connect.Medium,
		Doc: "Longest time a file stays open.", Validator: connect.AtLeast(time.Second),
	},
	connect.ConfigKey{
		Name: "auth.mode", Type: connect.ConfigString, Default: "none", Importance: connect.Medium,
		Doc: "How to authenticate.", Validator: connect.OneOf("none", "static"),
	},
	connect.ConfigKey{
		Name: "auth.secret", Type: connect.ConfigPassword, Default: connect.NullDefault, Importance: connect.Medium,
		Doc: "The secret for auth.mode=static.",
	},
).RequiredWhen("auth.secret", func(c *connect.Config) bool {
	return c.String("auth.mode") == "static"
}, `auth.mode is "static"`)

func ExampleConfigDef_Parse() {
	c, err := exampleConfigDef.Parse(map[string]string{
		"topics":             "orders, payments",
		"rotate.interval.ms": "30000",
		"auth.mode":          "static",
		"auth.secret":        "hunter2",
		"producer.acks":      "all",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.List("topics"), c.Int("flush.size"), c.Duration("rotate.interval.ms"))
	fmt.Println(c.Password("auth.secret"), len(c.Password("auth.secret").Value()))
	fmt.Println("unused:", c.Unused())
	fmt.Println(c)
	// Output:
	// [orders payments] 1000 30s
	// [hidden] 7
	// unused: [producer.acks]
	// {auth.mode="static", auth.secret=[hidden], flush.size=1000, rotate.interval.ms=30s, topics=["orders" "payments"]}
}

func ExampleConfigError() {
	_, err := exampleConfigDef.Parse(map[string]string{
		"flush.size":         "0",
		"rotate.interval.ms": "soon",
		"auth.mode":          "static",
	})
	var ce *connect.ConfigError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Printf("%s: %s\n", p.Key, p.Message)
		}
	}
	// Output:
	// topics: missing required configuration, which has no default value
	// flush.size: invalid value 0: must be at least 1
	// rotate.interval.ms: invalid value "soon": expected a number of milliseconds or a duration such as "5s"
	// auth.secret: required when auth.mode is "static"
}

func ExampleConfigDef_WriteMarkdown() {
	if err := exampleConfigDef.WriteMarkdown(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// | Name | Type | Default | Valid values | Importance | Description |
	// | --- | --- | --- | --- | --- | --- |
	// | `topics` | list | required | non-empty | high | Topics to read. |
	// | `flush.size` | int | 1000 | [1,...] | high | Records per file. |
	// | `rotate.interval.ms` | long (ms) | 600000 | [1000,...] | medium | Longest time a file stays open. |
	// | `auth.mode` | string | none | [none, static] | medium | How to authenticate. |
	// | `auth.secret` | password | null |  | medium | The secret for auth.mode=static. |
}
