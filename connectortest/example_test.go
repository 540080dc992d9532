package connectortest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/connectkit/connectkit/connectortest"
)

// A main package, such as a quickstart, starts a cluster with StartCluster
// and uses the helpers' Context variants; a test would call NewCluster and
// the testing.TB ones.
func ExampleStartCluster() {
	c, err := connectortest.StartCluster(connectortest.DefaultPartitions(2))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	if err := c.CreateTopicContext(ctx, "greetings", 0); err != nil {
		log.Fatal(err)
	}
	_, err = c.ProduceContext(ctx,
		connectortest.Record{Topic: "greetings", Partition: 1, Key: []byte("fr"), Value: []byte("bonjour")},
		connectortest.Record{Topic: "greetings", Partition: 0, Key: []byte("en"), Value: []byte("hello")},
		connectortest.Record{Topic: "greetings", Partition: 1, Key: []byte("de"), Value: nil},
	)
	if err != nil {
		log.Fatal(err)
	}
	// Point the code under test at c.BootstrapServers(); here we read back.
	records, err := c.ReadAllContext(ctx, "greetings")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range records {
		fmt.Printf("%s key=%s value=%q tombstone=%v\n", r, r.Key, r.Value, r.Value == nil)
	}
	// Output:
	// greetings-0@0 key=en value="hello" tombstone=false
	// greetings-1@0 key=fr value="bonjour" tombstone=false
	// greetings-1@1 key=de value="" tombstone=true
}
