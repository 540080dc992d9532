package clientconfig_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/connectkit/connectkit/internal/clientconfig"
)

// The consumer.* settings of a worker file, prefix removed.
func ExampleMap() {
	res, err := clientconfig.Map(clientconfig.Consumer, map[string]string{
		"bootstrap.servers":       "kafka-1:9093",
		"security.protocol":       "SASL_SSL",
		"sasl.mechanism":          "SCRAM-SHA-512",
		"sasl.jaas.config":        `org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="s3cret";`,
		"ssl.truststore.type":     "PEM",
		"ssl.truststore.location": "/etc/kafka/ca.pem",
		"fetch.max.wait.ms":       "200",
		"max.poll.records":        "1000",
		"key.deserializer":        "org.apache.kafka.common.serialization.ByteArrayDeserializer",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range slices.Sorted(maps.Keys(res.Config)) {
		fmt.Printf("%s=%s\n", k, res.Config[k])
	}
	fmt.Println("batch size:", res.MaxPollRecords)
	for _, w := range res.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// bootstrap.servers=kafka-1:9093
	// fetch.wait.max.ms=200
	// sasl.mechanisms=SCRAM-SHA-512
	// sasl.password=s3cret
	// sasl.username=connect
	// security.protocol=SASL_SSL
	// ssl.ca.location=/etc/kafka/ca.pem
	// batch size: 1000
	// warning: key.deserializer: ignored: converters decode keys and values; the clients always read bytes
}

// Settings librdkafka cannot honour are reported together, each by its key.
func ExampleMapError() {
	_, err := clientconfig.Map(clientconfig.Producer, map[string]string{
		"security.protocol":       "SSL",
		"ssl.truststore.location": "/etc/kafka/truststore.jks",
		"partitioner.class":       "com.example.RegionPartitioner",
	})
	var me *clientconfig.MapError
	if errors.As(err, &me) {
		for _, ke := range me.Errors {
			fmt.Println(ke.Key)
		}
	}
	// Output:
	// partitioner.class
	// ssl.truststore.location
}
