// Package bundled is the set of connectors that ship with connectkit: the
// file sink (Kafka's FileStreamSinkConnector), the Kafka sink (kakao's
// KafkaSinkConnector), the S3 sink (Confluent's S3SinkConnector) and the
// HTTP source (castorm's HttpSourceConnector), each registered under the
// Kafka Connect class name of the connector it replaces.
//
// It is a package of its own so that package worker does not import every
// connector and its dependencies (the AWS SDK among them): a program that
// wants them calls [Register] once, beside registering its own connectors,
// and a program that does not import this package does not carry them.
//
//	reg := worker.NewRegistry()
//	bundled.Register(reg)
//	reg.Register(worker.Plugin{Name: "MySink", New: ...})
//	err := worker.RunFiles(ctx, "worker.properties", files, worker.Options{Registry: reg})
//
// The converters of package converters need no registering; [Register]
// adds none. Transforms (SMTs) will be registered the same way when the
// runtimes apply them.
package bundled
