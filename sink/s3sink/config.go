package s3sink

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/partitioner"
)

// Configuration keys, with the names and defaults of Confluent's S3 sink
// (S3SinkConnectorConfig, StorageSinkConnectorConfig and
// StorageCommonConfig). The partitioner's keys, directory.delim among them,
// come from [partitioner.ConfigDef].
const (
	BucketConfig              = "s3.bucket.name"
	RegionConfig              = "s3.region"
	StoreURLConfig            = "store.url"
	PathStyleConfig           = "s3.path.style.access.enabled"
	WANModeConfig             = "s3.wan.mode"
	TopicsDirConfig           = "topics.dir"
	FileDelimConfig           = "file.delim"
	ZeroPadWidthConfig        = "filename.offset.zero.pad.width"
	FlushSizeConfig           = "flush.size"
	RotateIntervalConfig      = "rotate.interval.ms"
	RotateScheduleConfig      = "rotate.schedule.interval.ms"
	RotateOnPartitionChange   = "rotate.file.on.partition.change"
	PartSizeConfig            = "s3.part.size"
	CompressionTypeConfig     = "s3.compression.type"
	CompressionLevelConfig    = "s3.compression.level"
	FormatClassConfig         = "format.class"
	ByteArrayExtensionConfig  = "format.bytearray.extension"
	ByteArraySeparatorConfig  = "format.bytearray.separator"
	JSONDecimalFormatConfig   = "json.decimal.format"
	NullValuesConfig          = "behavior.on.null.values"
	ReportNullsConfig         = "report.null.values.to.dlq"
	StoreKeysConfig           = "store.kafka.keys"
	StoreHeadersConfig        = "store.kafka.headers"
	KeysFormatClassConfig     = "keys.format.class"
	HeadersFormatClassConfig  = "headers.format.class"
	TombstonePartitionConfig  = "tombstone.encoded.partition"
	SSEAlgorithmConfig        = "s3.ssea.name"
	SSEKMSKeyIDConfig         = "s3.sse.kms.key.id"
	SSECustomerKeyConfig      = "s3.sse.customer.key"
	CannedACLConfig           = "s3.acl.canned"
	SendDigestConfig          = "s3.send.digest"
	PartRetriesConfig         = "s3.part.retries"
	RetryBackoffConfig        = "s3.retry.backoff.ms"
	TaskRetryBackoffConfig    = "retry.backoff.ms"
	AccessKeyIDConfig         = "aws.access.key.id"
	SecretAccessKeyConfig     = "aws.secret.access.key"
	CredentialsProviderConfig = "s3.credentials.provider.class"
	SchemaCompatibilityConfig = "schema.compatibility"
	StorageClassConfig        = "storage.class"
	ConditionalWritesConfig   = "enable.conditional.writes"
	UploadConcurrencyConfig   = "s3.upload.concurrency"

	// Extensions: Confluent's connector has no equivalent.
	RequestTimeoutConfig = "s3.request.timeout.ms"
	BufferMemoryConfig   = "s3.buffer.memory.bytes"

	// Accepted for compatibility; Go's HTTP client and the growing
	// buffers this connector always uses make them moot.
	ExpectContinueConfig      = "s3.http.send.expect.continue"
	ElasticBufferConfig       = "s3.elastic.buffer.enable"
	ElasticBufferInitCapacity = "s3.elastic.buffer.init.capacity"

	// Confluent features not supported yet: their default is accepted,
	// anything else is refused with a clear message.
	ObjectTaggingConfig  = "s3.object.tagging"
	ProxyURLConfig       = "s3.proxy.url"
	SchemaPartitionAffix = "s3.schema.partition.affix.type"
)

// Class names and aliases that Confluent's configuration files use.
const (
	ConnectorClass       = "io.confluent.connect.s3.S3SinkConnector"
	StorageClass         = "io.confluent.connect.s3.storage.S3Storage"
	JSONFormatClass      = "io.confluent.connect.s3.format.json.JsonFormat"
	ByteArrayFormatClass = "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"
	AvroFormatClass      = "io.confluent.connect.s3.format.avro.AvroFormat"
	ParquetFormatClass   = "io.confluent.connect.s3.format.parquet.ParquetFormat"
)

// The part size limits: S3 refuses parts under 5 MiB (but the last), and
// Confluent's int-typed key stops at 2^31-1.
const (
	minPartSize     = 5 << 20
	defaultPartSize = 25 << 20
)

// defaultBufferMemory is s3.buffer.memory.bytes' default: room for 50 open
// objects at S3's smallest part, the floor of what the budget can enforce.
const defaultBufferMemory = 256 << 20

// defaultCredentialsProviders are the values of s3.credentials.provider.class
// that mean the default AWS credential chain, which is what this connector
// uses when no static keys are given.
var defaultCredentialsProviders = []string{
	"com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
	"software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
	"DefaultAWSCredentialsProviderChain",
	"DefaultCredentialsProvider",
}

var storageClasses = []string{StorageClass, "S3Storage"}

// configDef builds the connector's settings: its own keys, then the
// partitioner's. formats lists the classes format.class accepts.
func configDef(formats map[string]FormatFactory) *connect.ConfigDef {
	const (
		connector = "Connector"
		storage   = "Storage"
		s3g       = "S3"
	)
	own := connect.NewConfigDef().Define(
		// Connector: what is written, and when objects are rotated.
		connect.ConfigKey{Name: FormatClassConfig, Type: connect.ConfigClass, Importance: connect.High, Group: connector, OrderInGroup: 1,
			DisplayName: "Format class", Validator: formatValidator(formats),
			Doc: "The format of the objects: " + JSONFormatClass + " (one JSON value per line, extension .json) or " +
				ByteArrayFormatClass + " (raw bytes followed by format.bytearray.separator). The simple names JsonFormat and " +
				"ByteArrayFormat work too. Avro and Parquet are not supported yet."},
		connect.ConfigKey{Name: FlushSizeConfig, Type: connect.ConfigInt, Importance: connect.High, Group: connector, OrderInGroup: 2,
			DisplayName: "Flush size", Validator: connect.AtLeast(1),
			Doc: "Records of one Kafka partition written before its objects are committed. As in Confluent's connector, the count " +
				"spans all the partition's open objects (one per encoded partition), which are committed together; it is not " +
				"a count per object."},
		connect.ConfigKey{Name: RotateIntervalConfig, Type: connect.ConfigLong, Default: int64(-1), Importance: connect.High, Group: connector, OrderInGroup: 3,
			DisplayName: "Rotate interval (ms)",
			Doc: "Record-time rotation: the open objects of a Kafka partition are committed before a record whose time is this " +
				"many milliseconds or more after the time of the first record they hold, the time the time-based partitioner's " +
				"timestamp.extractor gives. Ignored, with a warning, with the default and field partitioners, as in Confluent's " +
				"connector. Unlike Confluent's " +
				"connector, objects are also committed once the partition has received no record for this long, so that the " +
				"last objects do not wait for new data. -1 disables it."},
		connect.ConfigKey{Name: RotateScheduleConfig, Type: connect.ConfigLong, Default: int64(-1), Importance: connect.Medium, Group: connector, OrderInGroup: 4,
			DisplayName: "Rotate schedule interval (ms)",
			Doc: "Wall-clock rotation: open objects are committed at every multiple of this interval counted from midnight in " +
				"timezone, whether or not records arrive. Object boundaries then depend on the clock, so a restart may write " +
				"some records twice (into different objects). Needs timezone. -1 disables it."},
		connect.ConfigKey{Name: RotateOnPartitionChange, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low, Group: connector, OrderInGroup: 5,
			DisplayName: "Rotate on partition change",
			Doc: "With rotate.interval.ms and a time-based partitioner, also commit the open objects when a record's encoded " +
				"partition differs from the previous record's, as Confluent's connector does."},
		connect.ConfigKey{Name: SchemaCompatibilityConfig, Type: connect.ConfigString, Default: "NONE", Importance: connect.High, Group: connector, OrderInGroup: 6,
			DisplayName: "Schema compatibility", Validator: connect.OneOfIgnoreCase("NONE", "BACKWARD", "FORWARD", "FULL"),
			Doc: "How value schema changes are handled. NONE commits the open objects when a record's value schema differs from " +
				"that of its object. BACKWARD, FORWARD and FULL (schema projection) are not supported yet."},
		connect.ConfigKey{Name: NullValuesConfig, Type: connect.ConfigString, Default: "fail", Importance: connect.Low, Group: connector, OrderInGroup: 7,
			DisplayName: "Behavior for null-valued records", Validator: connect.OneOfIgnoreCase("fail", "ignore", "write"),
			Doc: "What to do with a record whose value is null: fail reports it as a bad record (errors.tolerance then decides " +
				"between failing the task and the dead-letter queue); ignore skips it; write writes tombstones, which needs " +
				"store.kafka.keys=true: their keys (and headers) go to objects under tombstone.encoded.partition, with no " +
				"value object."},
		connect.ConfigKey{Name: ReportNullsConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low, Group: connector, OrderInGroup: 8,
			DisplayName: "Report null values to DLQ",
			Doc:         "With behavior.on.null.values=ignore and errors.tolerance=all, also send skipped null-valued records to the dead-letter queue."},
		connect.ConfigKey{Name: ZeroPadWidthConfig, Type: connect.ConfigInt, Default: 10, Importance: connect.Low, Group: connector, OrderInGroup: 9,
			DisplayName: "Filename offset zero pad width", Validator: connect.AtLeast(0),
			Doc: "Width to which the start offset in object names is padded with zeros. Longer offsets are not truncated."},
		connect.ConfigKey{Name: ByteArrayExtensionConfig, Type: connect.ConfigString, Default: ".bin", Importance: connect.Low, Group: connector, OrderInGroup: 10,
			DisplayName: "Extension for ByteArrayFormat",
			Doc:         "The object name extension of ByteArrayFormat."},
		connect.ConfigKey{Name: ByteArraySeparatorConfig, Type: connect.ConfigString, Default: connect.NullDefault, Importance: connect.Low, Group: connector, OrderInGroup: 11,
			DisplayName: "Line separator for ByteArrayFormat",
			Doc: "Bytes written after each record by ByteArrayFormat, taken exactly as given (white space included); " +
				"a newline when unset."},
		connect.ConfigKey{Name: JSONDecimalFormatConfig, Type: connect.ConfigString, Default: "BASE64", Importance: connect.Low, Group: connector, OrderInGroup: 12,
			DisplayName: "Decimal format", Validator: connect.OneOfIgnoreCase("BASE64", "NUMERIC"),
			Doc: "How JsonFormat writes Decimal values: BASE64 (their unscaled bytes) or NUMERIC (a JSON number)."},
		connect.ConfigKey{Name: StoreKeysConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: connector, OrderInGroup: 13,
			DisplayName: "Store Kafka keys",
			Doc: "Also write each record's key, line for line, to a .keys object beside its value object: the same name with " +
				".keys and the keys.format.class extension in place of the value extension, such as orders+0+0000000000.keys.json. " +
				"A record with a null key is then a bad record."},
		connect.ConfigKey{Name: KeysFormatClassConfig, Type: connect.ConfigClass, Default: AvroFormatClass, Importance: connect.Low, Group: connector, OrderInGroup: 14,
			DisplayName: "Keys format class",
			Doc: "The format of .keys objects: JsonFormat or ByteArrayFormat (or their " + JSONFormatClass + " and " +
				ByteArrayFormatClass + " class names). The default, AvroFormat as in Confluent's connector, is not supported " +
				"yet, so store.kafka.keys=true needs this key set."},
		connect.ConfigKey{Name: StoreHeadersConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: connector, OrderInGroup: 15,
			DisplayName: "Store Kafka headers",
			Doc: "Also write each record's headers, line for line, to a .headers object beside its value object, such as " +
				"orders+0+0000000000.headers.json. A record without headers is then a bad record."},
		connect.ConfigKey{Name: HeadersFormatClassConfig, Type: connect.ConfigClass, Default: AvroFormatClass, Importance: connect.Low, Group: connector, OrderInGroup: 16,
			DisplayName: "Headers format class",
			Doc: "The format of .headers objects: JsonFormat (or " + JSONFormatClass + "), which writes " +
				`{"headers":[{"key":"k","value":"v"}]} per record, each value as text as Kafka's Values.convertToString writes it. ` +
				"ByteArrayFormat cannot hold headers; the default, AvroFormat as in Confluent's connector, is not supported yet, " +
				"so store.kafka.headers=true needs this key set."},
		connect.ConfigKey{Name: TombstonePartitionConfig, Type: connect.ConfigString, Default: "tombstone", Importance: connect.Low, Group: connector, OrderInGroup: 17,
			DisplayName: "Tombstone encoded partition",
			Doc: "With behavior.on.null.values=write, the encoded partition (directory) of tombstones, in place of the " +
				"partitioner's, so that tombstones of topic orders go under topics/orders/tombstone/ by default."},
		connect.ConfigKey{Name: TaskRetryBackoffConfig, Type: connect.ConfigLong, Default: int64(5000), Importance: connect.Low, Group: connector, OrderInGroup: 18,
			DisplayName: "Retry backoff (ms)", Validator: connect.AtLeast(int64(0)),
			Doc: "How long the runtime waits before retrying a batch whose uploads failed after s3.part.retries retries. " +
				"The runtime retries until the uploads succeed, or for at most a positive errors.retry.timeout."},

		// Storage: where objects go and how they are named.
		connect.ConfigKey{Name: StorageClassConfig, Type: connect.ConfigClass, Default: StorageClass, Importance: connect.High, Group: storage, OrderInGroup: 2,
			DisplayName: "Storage class", Validator: oneOfNamed(storageClasses, "the only storage is "+StorageClass),
			Doc: "The storage, accepted for compatibility: " + StorageClass + " (or S3Storage), the default."},
		connect.ConfigKey{Name: TopicsDirConfig, Type: connect.ConfigString, Default: "topics", Importance: connect.High, Group: storage, OrderInGroup: 3,
			DisplayName: "Topics directory",
			Doc:         "The first directory of every object key. Empty means objects start with the partitioner's path."},
		connect.ConfigKey{Name: StoreURLConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: storage, OrderInGroup: 4,
			DisplayName: "Store URL",
			Doc:         "The endpoint of an S3-compatible store, such as MinIO or Ceph; https:// is assumed without a scheme. Empty means AWS."},
		connect.ConfigKey{Name: FileDelimConfig, Type: connect.ConfigString, Default: "+", Importance: connect.Medium, Group: storage, OrderInGroup: 5,
			DisplayName: "File delimiter",
			Doc:         "The separator between topic, partition and start offset in object names."},

		// S3: the bucket, the client and the uploads.
		connect.ConfigKey{Name: BucketConfig, Type: connect.ConfigString, Importance: connect.High, Group: s3g, OrderInGroup: 1,
			DisplayName: "S3 bucket", Validator: connect.NonEmpty(),
			Doc: "The bucket objects are written to. The task checks at start that it exists and that the credentials may use it."},
		connect.ConfigKey{Name: RegionConfig, Type: connect.ConfigString, Default: "us-west-2", Importance: connect.Medium, Group: s3g, OrderInGroup: 2,
			DisplayName: "AWS region", Doc: "The region of the bucket."},
		connect.ConfigKey{Name: PartSizeConfig, Type: connect.ConfigInt, Default: defaultPartSize, Importance: connect.High, Group: s3g, OrderInGroup: 3,
			DisplayName: "S3 part size", Validator: connect.Between(minPartSize, math.MaxInt32),
			Doc: "Objects larger than this are uploaded in parts of this many bytes while they are written; smaller ones in one " +
				"request when they are committed. Memory grows with the data not yet uploaded, never by a whole part per open object."},
		connect.ConfigKey{Name: PathStyleConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low, Group: s3g, OrderInGroup: 4,
			DisplayName: "Path-style access", Doc: "Address the bucket in the path (host/bucket/key) rather than in the host name."},
		connect.ConfigKey{Name: WANModeConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: s3g, OrderInGroup: 5,
			DisplayName: "S3 accelerated endpoint", Doc: "Use S3 Transfer Acceleration. Needs s3.path.style.access.enabled=false."},
		connect.ConfigKey{Name: CompressionTypeConfig, Type: connect.ConfigString, Default: "none", Importance: connect.Low, Group: s3g, OrderInGroup: 6,
			DisplayName: "Compression type", Validator: connect.OneOf("none", "gzip"),
			Doc: "Compress objects with gzip, which adds .gz to their names, or not (none)."},
		connect.ConfigKey{Name: CompressionLevelConfig, Type: connect.ConfigInt, Default: -1, Importance: connect.Low, Group: s3g, OrderInGroup: 7,
			DisplayName: "Compression level", Validator: connect.Between(-1, 9),
			Doc: "The gzip level: -1 for the default, 0 for none, 1 (fastest) to 9 (smallest)."},
		connect.ConfigKey{Name: SSEAlgorithmConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: s3g, OrderInGroup: 8,
			DisplayName: "S3 server-side encryption algorithm", Validator: connect.OneOf("", "AES256", "aws:kms", "aws:kms:dsse"),
			Doc: "Server-side encryption: AES256 (S3-managed keys, or the customer key in s3.sse.customer.key), aws:kms or " +
				"aws:kms:dsse (with s3.sse.kms.key.id), or empty for the bucket's default."},
		connect.ConfigKey{Name: SSECustomerKeyConfig, Type: connect.ConfigPassword, Default: connect.NullDefault, Importance: connect.Low, Group: s3g, OrderInGroup: 9,
			DisplayName: "S3 server-side encryption customer key",
			Doc:         "A base64-encoded 256-bit key for SSE-C, used with s3.ssea.name=AES256."},
		connect.ConfigKey{Name: SSEKMSKeyIDConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: s3g, OrderInGroup: 10,
			DisplayName: "S3 server-side encryption KMS key ID",
			Doc:         "The KMS key for s3.ssea.name=aws:kms or aws:kms:dsse; empty means the AWS-managed key."},
		connect.ConfigKey{Name: CannedACLConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: s3g, OrderInGroup: 11,
			DisplayName: "S3 canned ACL", Validator: connect.OneOf(cannedACLs()...),
			Doc: "A canned ACL for the objects, such as bucket-owner-full-control; empty sends none."},
		connect.ConfigKey{Name: SendDigestConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: s3g, OrderInGroup: 12,
			DisplayName: "S3 send digest", Doc: "Send the MD5 digest of each upload, so that S3 checks what it received."},
		connect.ConfigKey{Name: PartRetriesConfig, Type: connect.ConfigInt, Default: 3, Importance: connect.Medium, Group: s3g, OrderInGroup: 13,
			DisplayName: "S3 part retries", Validator: connect.AtLeast(0),
			Doc: "How many times a request that failed with throttling (503 SlowDown), a 5xx or a network error is retried " +
				"before the batch fails with a retriable error. Unlike Confluent's connector, which counts attempts, this " +
				"counts retries: 3 means up to 4 attempts."},
		connect.ConfigKey{Name: RetryBackoffConfig, Type: connect.ConfigLong, Default: int64(200), Importance: connect.Low, Group: s3g, OrderInGroup: 14,
			DisplayName: "S3 retry backoff (ms)", Validator: connect.AtLeast(int64(0)),
			Doc: "The first delay before a request is retried; it doubles with each retry, with jitter, up to 20 seconds."},
		connect.ConfigKey{Name: UploadConcurrencyConfig, Type: connect.ConfigInt, Default: 4, Importance: connect.Low, Group: s3g, OrderInGroup: 15,
			DisplayName: "Upload concurrency", Validator: connect.Between(1, 64),
			Doc: "How many objects or parts a task uploads at once. An extension: Confluent's connector uploads one at a time."},
		connect.ConfigKey{Name: ConditionalWritesConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low, Group: s3g, OrderInGroup: 16,
			DisplayName: "Enable conditional writes",
			Doc: "Create objects with If-None-Match: *, so that an object is never overwritten, not even by a task that lost " +
				"its partitions. Used only when object boundaries are deterministic (no rotate.schedule.interval.ms, no " +
				"Wallclock timestamps); turn it off for stores that refuse the header."},
		connect.ConfigKey{Name: CredentialsProviderConfig, Type: connect.ConfigClass, Default: defaultCredentialsProviders[0], Importance: connect.Low, Group: s3g, OrderInGroup: 17,
			DisplayName: "Credentials provider class",
			Validator:   oneOfNamed(defaultCredentialsProviders, "only the default AWS credential chain is supported; set aws.access.key.id and aws.secret.access.key for static keys"),
			Doc: "Accepted for compatibility: the default AWS credential chain (environment, shared files, web identity, " +
				"container and instance roles) is used unless aws.access.key.id and aws.secret.access.key are both set."},
		connect.ConfigKey{Name: AccessKeyIDConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: s3g, OrderInGroup: 18,
			DisplayName: "AWS access key ID", Doc: "A static access key, used with aws.secret.access.key."},
		connect.ConfigKey{Name: SecretAccessKeyConfig, Type: connect.ConfigPassword, Default: connect.NullDefault, Importance: connect.High, Group: s3g, OrderInGroup: 19,
			DisplayName: "AWS secret access key", Doc: "The secret of aws.access.key.id."},
		connect.ConfigKey{Name: ExpectContinueConfig, Type: connect.ConfigBoolean, Default: true, Importance: connect.Low, Group: s3g, OrderInGroup: 20,
			DisplayName: "S3 HTTP send expect continue", Doc: "Accepted for compatibility; it has no effect."},
		connect.ConfigKey{Name: ElasticBufferConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: s3g, OrderInGroup: 21,
			DisplayName: "Elastic buffer", Doc: "Accepted for compatibility; buffers always grow with the data instead of being allocated whole."},
		connect.ConfigKey{Name: ElasticBufferInitCapacity, Type: connect.ConfigInt, Default: 128 << 10, Importance: connect.Low, Group: s3g, OrderInGroup: 22,
			DisplayName: "Elastic buffer initial capacity", Validator: connect.AtLeast(4096),
			Doc: "Accepted for compatibility; it has no effect."},
		connect.ConfigKey{Name: ObjectTaggingConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Low, Group: s3g, OrderInGroup: 23,
			DisplayName: "S3 object tagging", Doc: "Tag objects with their offsets. Not supported yet: must be false."},
		connect.ConfigKey{Name: ProxyURLConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: s3g, OrderInGroup: 24,
			DisplayName: "S3 proxy URL", Doc: "Not supported yet: must be empty. The HTTPS_PROXY environment variable is honoured."},
		connect.ConfigKey{Name: SchemaPartitionAffix, Type: connect.ConfigString, Default: "NONE", Importance: connect.Low, Group: s3g, OrderInGroup: 25,
			DisplayName: "Schema partition affix type", Validator: connect.OneOfIgnoreCase("NONE", "PREFIX", "SUFFIX"),
			Doc: "Adding the schema name to object paths is not supported yet: must be NONE."},
		connect.ConfigKey{Name: RequestTimeoutConfig, Type: connect.ConfigLong, Default: int64(60000), Importance: connect.Low, Group: s3g, OrderInGroup: 26,
			DisplayName: "S3 request timeout (ms)", Validator: connect.AtLeast(int64(1)),
			Doc: "How long one S3 request (a part of up to s3.part.size, say) may take before it is cut off, logged with its " +
				"cause and retried under s3.part.retries. An extension: Confluent's connector relies on the HTTP client's " +
				"socket timeouts, and an S3 store that stops answering would otherwise hold the task until it answers again."},
		connect.ConfigKey{Name: BufferMemoryConfig, Type: connect.ConfigLong, Default: int64(defaultBufferMemory), Importance: connect.Medium, Group: s3g, OrderInGroup: 27,
			DisplayName: "Buffer memory (bytes)", Validator: connect.AtLeast(int64(0)),
			Doc: "The most object data that the S3 sink tasks of one process hold in memory, waiting for upload, all " +
				"connectors and tasks together (tasks configured with different values share a budget per value). Past it a " +
				"task uploads parts of its largest open objects early (at least 5 MiB each, S3's smallest part), which " +
				"changes no object's name or content. Open objects smaller than 5 MiB cannot be cut, so the budget cannot " +
				"go below about 5 MiB per open object; past that floor a warning is logged. 0 means no budget: each open " +
				"object holds up to s3.part.size. An extension: Confluent's connector has no equivalent."},
	).Check(checkSettings)
	return own.Merge(partitioner.ConfigDef())
}

// checkSettings reports the rules that span keys, and the Confluent
// features this connector does not have yet.
func checkSettings(c *connect.Config) []error {
	var errs []error
	unsupported := func(key, what string) {
		errs = append(errs, connect.KeyError(key, what+" is not supported yet"))
	}
	if c.Bool(StoreKeysConfig) {
		errs = append(errs, checkSideFormat(c, KeysFormatClassConfig, StoreKeysConfig)...)
	}
	if c.Bool(StoreHeadersConfig) {
		errs = append(errs, checkSideFormat(c, HeadersFormatClassConfig, StoreHeadersConfig)...)
	}
	if strings.EqualFold(c.String(NullValuesConfig), "write") {
		if !c.Bool(StoreKeysConfig) {
			errs = append(errs, connect.KeyError(NullValuesConfig, "write needs store.kafka.keys=true, as in Confluent's connector: "+
				"a tombstone is written as its key only"))
		}
		if c.String(TombstonePartitionConfig) == "" {
			errs = append(errs, connect.KeyError(TombstonePartitionConfig, "must not be empty with behavior.on.null.values=write"))
		}
	}
	if m := c.String(SchemaCompatibilityConfig); !strings.EqualFold(m, "NONE") {
		unsupported(SchemaCompatibilityConfig, fmt.Sprintf("schema projection (%s); use NONE, which commits objects when the schema changes", m))
	}
	if c.Bool(ObjectTaggingConfig) {
		unsupported(ObjectTaggingConfig, "object tagging")
	}
	if c.String(ProxyURLConfig) != "" {
		unsupported(ProxyURLConfig, "a proxy setting (set HTTPS_PROXY in the environment instead)")
	}
	if !strings.EqualFold(c.String(SchemaPartitionAffix), "NONE") {
		unsupported(SchemaPartitionAffix, "adding the schema name to paths")
	}
	if c.Bool(WANModeConfig) && c.Bool(PathStyleConfig) {
		errs = append(errs, connect.KeyError(WANModeConfig, "S3 Transfer Acceleration cannot be used with path-style access: set s3.path.style.access.enabled=false"))
	}
	if c.Long(RotateScheduleConfig) > 0 && c.String("timezone") == "" {
		errs = append(errs, connect.KeyError(RotateScheduleConfig, "rotate.schedule.interval.ms needs a timezone, such as UTC"))
	}
	if key := c.Password(SSECustomerKeyConfig).Value(); key != "" {
		raw, err := base64.StdEncoding.DecodeString(key)
		switch {
		case err != nil || len(raw) != 32:
			errs = append(errs, connect.KeyError(SSECustomerKeyConfig, "must be a base64-encoded 256-bit key"))
		case c.String(SSEAlgorithmConfig) != "AES256":
			errs = append(errs, connect.KeyError(SSECustomerKeyConfig, "is used only with s3.ssea.name=AES256"))
		}
	}
	if c.String(SSEKMSKeyIDConfig) != "" && !strings.HasPrefix(c.String(SSEAlgorithmConfig), "aws:kms") {
		errs = append(errs, connect.KeyError(SSEKMSKeyIDConfig, "is used only with s3.ssea.name=aws:kms or aws:kms:dsse"))
	}
	if (c.String(AccessKeyIDConfig) == "") != (c.Password(SecretAccessKeyConfig).Value() == "") {
		errs = append(errs, connect.KeyError(AccessKeyIDConfig, "aws.access.key.id and aws.secret.access.key must be set together"))
	}
	return errs
}

// checkSideFormat checks keys.format.class or headers.format.class (key),
// which store (store.kafka.keys or store.kafka.headers) turned on.
func checkSideFormat(c *connect.Config, key, store string) []error {
	use := JSONFormatClass + " or " + ByteArrayFormatClass
	if key == HeadersFormatClassConfig {
		use = JSONFormatClass
	}
	switch v := c.Class(key); v {
	case JSONFormatClass, "JsonFormat":
		return nil
	case ByteArrayFormatClass, "ByteArrayFormat":
		if key == HeadersFormatClassConfig {
			return []error{connect.KeyError(key, fmt.Sprintf("%s cannot hold headers, as in Confluent's connector: use %s", v, use))}
		}
		return nil
	case AvroFormatClass, ParquetFormatClass, "AvroFormat", "ParquetFormat":
		if _, set := c.Raw(key); !set {
			return []error{connect.KeyError(key, fmt.Sprintf("%s=true needs %s: its default, %s, is not supported yet; set it to %s",
				store, key, v, use))}
		}
		return []error{connect.KeyError(key, fmt.Sprintf("%s is not supported yet: use %s", v, use))}
	default:
		return []error{connect.KeyError(key, fmt.Sprintf("unknown format %q: use %s", v, use))}
	}
}

func cannedACLs() []string {
	out := []string{""}
	for _, v := range types.ObjectCannedACL("").Values() {
		out = append(out, string(v))
	}
	return out
}

// oneOfNamed accepts the given names, explaining refusals with why.
func oneOfNamed(names []string, why string) connect.Validator {
	return namedValidator{names: names, why: why}
}

type namedValidator struct {
	names []string
	why   string
}

func (v namedValidator) Validate(key string, value any) error {
	s, _ := value.(string)
	if slices.Contains(v.names, s) {
		return nil
	}
	return connect.KeyError(key, fmt.Sprintf("unsupported value %q: %s", s, v.why))
}

func (v namedValidator) String() string { return strings.Join(v.names, ", ") }

// formatValidator accepts the format classes the connector knows.
func formatValidator(formats map[string]FormatFactory) connect.Validator {
	return formatNames(slices.Sorted(maps.Keys(formats)))
}

type formatNames []string

func (f formatNames) Validate(key string, value any) error {
	s, _ := value.(string)
	if slices.Contains(f, s) {
		return nil
	}
	switch s {
	case AvroFormatClass, ParquetFormatClass, "AvroFormat", "ParquetFormat":
		return connect.KeyError(key, fmt.Sprintf("%s is not supported yet: use %s or %s", s, JSONFormatClass, ByteArrayFormatClass))
	}
	return connect.KeyError(key, fmt.Sprintf("unknown format %q: use %s or %s", s, JSONFormatClass, ByteArrayFormatClass))
}

func (f formatNames) String() string { return strings.Join(f, ", ") }

// settings is the parsed configuration of a task.
type settings struct {
	bucket, region, storeURL string
	pathStyle, wanMode       bool
	topicsDir                string
	dirDelim, fileDelim      string
	padWidth                 int
	flushSize                int
	rotateInterval           time.Duration // 0: off
	rotateSchedule           time.Duration // 0: off
	rotateOnPartitionChange  bool
	scheduleZone             *time.Location
	partSize                 int
	gzip                     bool
	gzipLevel                int
	nullValues               string // fail, ignore or write
	tombstonePartition       string
	storeKeys, storeHeaders  bool
	reportNulls              bool
	tolerateAll              bool
	taskBackoff              time.Duration
	partRetries              int
	retryBackoff             time.Duration
	concurrency              int
	requestTimeout           time.Duration
	bufferMemory             int64
	conditional              bool // enable.conditional.writes, before the determinism test
	wallclock                bool // timestamp.extractor is Wallclock (it matters only for time-based partitioners)
	sse                      sseSettings
	cannedACL                string
	sendDigest               bool
	accessKeyID              string
	secretAccessKey          connect.Password
}

type sseSettings struct {
	algorithm   string // s3.ssea.name, when no customer key
	kmsKeyID    string
	customerKey connect.Password // base64
	customerMD5 string           // base64 of the MD5 of the decoded key
}

func newSettings(c *connect.Config) (*settings, error) {
	s := &settings{
		bucket:                  c.String(BucketConfig),
		region:                  c.String(RegionConfig),
		storeURL:                c.String(StoreURLConfig),
		pathStyle:               c.Bool(PathStyleConfig),
		wanMode:                 c.Bool(WANModeConfig),
		topicsDir:               c.String(TopicsDirConfig),
		dirDelim:                c.String("directory.delim"),
		fileDelim:               c.String(FileDelimConfig),
		padWidth:                c.Int(ZeroPadWidthConfig),
		flushSize:               c.Int(FlushSizeConfig),
		rotateOnPartitionChange: c.Bool(RotateOnPartitionChange),
		partSize:                c.Int(PartSizeConfig),
		gzip:                    c.String(CompressionTypeConfig) == "gzip",
		gzipLevel:               c.Int(CompressionLevelConfig),
		nullValues:              strings.ToLower(c.String(NullValuesConfig)),
		reportNulls:             c.Bool(ReportNullsConfig),
		tombstonePartition:      c.String(TombstonePartitionConfig),
		storeKeys:               c.Bool(StoreKeysConfig),
		storeHeaders:            c.Bool(StoreHeadersConfig),
		taskBackoff:             time.Duration(c.Long(TaskRetryBackoffConfig)) * time.Millisecond,
		partRetries:             c.Int(PartRetriesConfig),
		retryBackoff:            time.Duration(c.Long(RetryBackoffConfig)) * time.Millisecond,
		concurrency:             c.Int(UploadConcurrencyConfig),
		requestTimeout:          time.Duration(c.Long(RequestTimeoutConfig)) * time.Millisecond,
		bufferMemory:            c.Long(BufferMemoryConfig),
		conditional:             c.Bool(ConditionalWritesConfig),
		cannedACL:               c.String(CannedACLConfig),
		sendDigest:              c.Bool(SendDigestConfig),
		accessKeyID:             c.String(AccessKeyIDConfig),
		secretAccessKey:         c.Password(SecretAccessKeyConfig),
	}
	// errors.tolerance belongs to the runtime; the task reads it only to know
	// whether a skipped null value may go to the dead-letter queue.
	if v, ok := c.Raw("errors.tolerance"); ok {
		s.tolerateAll = strings.EqualFold(strings.TrimSpace(v), "all")
	}
	if ms := c.Long(RotateIntervalConfig); ms > 0 {
		s.rotateInterval = time.Duration(ms) * time.Millisecond
	}
	if ms := c.Long(RotateScheduleConfig); ms > 0 {
		s.rotateSchedule = time.Duration(ms) * time.Millisecond
		loc, err := partitioner.LoadLocation(c.String("timezone"))
		if err != nil {
			return nil, connect.KeyError("timezone", err.Error())
		}
		s.scheduleZone = loc
	}
	switch c.String("timestamp.extractor") {
	case "Wallclock", partitioner.WallclockExtractorClass:
		s.wallclock = true
	}
	switch alg := c.String(SSEAlgorithmConfig); {
	case alg == "AES256" && c.Password(SSECustomerKeyConfig).Value() != "":
		key := c.Password(SSECustomerKeyConfig).Value()
		raw, _ := base64.StdEncoding.DecodeString(key) // checked by checkSettings
		sum := md5.Sum(raw)
		s.sse.customerKey = c.Password(SSECustomerKeyConfig)
		s.sse.customerMD5 = base64.StdEncoding.EncodeToString(sum[:])
	default:
		s.sse.algorithm = alg
		s.sse.kmsKeyID = c.String(SSEKMSKeyIDConfig)
	}
	return s, nil
}
