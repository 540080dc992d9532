package httpsource

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// Configuration keys, with the names and defaults of castorm's
// kafka-connect-http (HttpSourceConnectorConfig and the configs of its
// pipeline stages), then the keys this connector adds.
const (
	TopicConfig                    = "kafka.topic"
	OffsetInitialConfig            = "http.offset.initial"
	TimerConfig                    = "http.timer"
	TimerIntervalConfig            = "http.timer.interval.millis"
	TimerCatchupIntervalConfig     = "http.timer.catchup.interval.millis"
	ThrottlerIntervalConfig        = "http.throttler.interval.millis"         // deprecated alias
	ThrottlerCatchupIntervalConfig = "http.throttler.catchup.interval.millis" // deprecated alias
	RequestFactoryConfig           = "http.request.factory"
	URLConfig                      = "http.request.url"
	MethodConfig                   = "http.request.method"
	HeadersConfig                  = "http.request.headers"
	ParamsConfig                   = "http.request.params"
	BodyConfig                     = "http.request.body"
	TemplateFactoryConfig          = "http.request.template.factory"
	ClientConfig                   = "http.client"
	ConnectionTimeoutConfig        = "http.client.connection.timeout.millis"
	ReadTimeoutConfig              = "http.client.read.timeout.millis"
	// MaxResponseBytesConfig bounds a response body (not in castorm, which
	// read bodies whole); see [BodyTooLargeError].
	MaxResponseBytesConfig = "http.response.max.bytes"

	// SeenOffsetProperty is the source offset property in which a task
	// stores the identities of the last http.record.filter.seen.size
	// versions it produced, so that a restarted task drops them (see the
	// package documentation, Duplicates). castorm's offsets have no such
	// property, and castorm ignores it.
	SeenOffsetProperty           = "connectkit.seen"
	ConnectionTTLConfig          = "http.client.ttl.millis"
	MaxIdleConfig                = "http.client.max-idle"
	ProxyHostConfig              = "http.client.proxy.host"
	ProxyPortConfig              = "http.client.proxy.port"
	ProxyUserConfig              = "http.client.proxy.username"
	ProxyPasswordConfig          = "http.client.proxy.password"
	KeystoreConfig               = "http.client.keystore"
	KeystorePasswordConfig       = "http.client.keystore.password"
	AuthConfig                   = "http.auth"
	AuthTypeConfig               = "http.auth.type"
	AuthUserConfig               = "http.auth.user"
	AuthPasswordConfig           = "http.auth.password"
	ResponseParserConfig         = "http.response.parser"
	ResponsePolicyConfig         = "http.response.policy"
	CodesProcessConfig           = "http.response.policy.codes.process"
	CodesSkipConfig              = "http.response.policy.codes.skip"
	ResponsePolicyParserConfig   = "http.response.policy.parser"
	RecordParserConfig           = "http.response.record.parser"
	RecordMapperConfig           = "http.response.record.mapper"
	ListPointerConfig            = "http.response.list.pointer"
	RecordPointerConfig          = "http.response.record.pointer"
	OffsetPointerConfig          = "http.response.record.offset.pointer"
	KeyPointerConfig             = "http.response.record.key.pointer"       // deprecated
	TimestampPointerConfig       = "http.response.record.timestamp.pointer" // deprecated
	TimestampParserConfig        = "http.response.record.timestamp.parser"
	TimestampDelegateConfig      = "http.response.record.timestamp.parser.delegate"
	TimestampPatternConfig       = "http.response.record.timestamp.parser.pattern"
	TimestampZoneConfig          = "http.response.record.timestamp.parser.zone"
	TimestampRegexConfig         = "http.response.record.timestamp.parser.regex"
	TimestampRegexDelegateConfig = "http.response.record.timestamp.parser.regex.delegate"
	RecordSorterConfig           = "http.record.sorter"
	ListOrderConfig              = "http.response.list.order.direction"
	RecordFilterConfig           = "http.record.filter.factory"

	// Keys castorm does not have.

	// URLsConfig lists URL templates to poll, shared out among tasks.
	URLsConfig = "http.request.urls"
	// AuthTokenConfig is the token of http.auth.type=Bearer.
	AuthTokenConfig = "http.auth.token"
	// TLS settings, PEM files: castorm has only a PKCS12 keystore and no
	// truststore (its issue 213).
	TLSCAFileConfig   = "http.client.tls.ca.file"
	TLSCertFileConfig = "http.client.tls.cert.file"
	TLSKeyFileConfig  = "http.client.tls.key.file"
	// Pagination (castorm issue 88).
	NextPagePointerConfig   = "http.response.next.page.pointer"
	NextCursorPointerConfig = "http.response.next.cursor.pointer"
	NextPageLinkConfig      = "http.response.next.page.link"
	// Retries of 429, 5xx and network failures.
	RetryBackoffConfig    = "http.retry.backoff.millis"
	RetryBackoffMaxConfig = "http.retry.backoff.max.millis"
	// SeenSizeConfig bounds the identities of recent records kept to drop
	// repeats that the offset alone cannot tell apart.
	SeenSizeConfig = "http.record.filter.seen.size"
)

// ClassName is the class name of castorm's connector, which this one
// replaces; configuration files naming it run unchanged.
const ClassName = "com.github.castorm.kafka.connect.http.HttpSourceConnector"

// castormPackage prefixes castorm's class names.
const castormPackage = "com.github.castorm.kafka.connect.http."

// Values of class keys, as castorm names them. Simple names work too.
const (
	AdaptableTimer          = castormPackage + "timer.AdaptableIntervalTimer"
	FixedTimer              = castormPackage + "timer.FixedIntervalTimer"
	TemplateRequestFactory  = castormPackage + "request.template.TemplateHttpRequestFactory"
	BackwardsCompatibleFM   = castormPackage + "request.template.freemarker.BackwardsCompatibleFreeMarkerTemplateFactory"
	FreeMarkerTemplates     = castormPackage + "request.template.freemarker.FreeMarkerTemplateFactory"
	NoTemplates             = castormPackage + "request.template.NoTemplateFactory"
	OkHTTPClient            = castormPackage + "client.okhttp.OkHttpClient"
	ConfigurableAuth        = castormPackage + "auth.ConfigurableHttpAuthenticator"
	PolicyResponseParser    = castormPackage + "response.PolicyHttpResponseParser"
	StatusCodePolicy        = castormPackage + "response.StatusCodeHttpResponsePolicy"
	KvResponseParser        = castormPackage + "response.KvHttpResponseParser"
	JacksonRecordParser     = castormPackage + "response.jackson.JacksonKvRecordHttpResponseParser"
	SchemedMapper           = castormPackage + "record.SchemedKvSourceRecordMapper"
	StringMapper            = castormPackage + "record.StringKvSourceRecordMapper"
	EpochOrDelegateParser   = castormPackage + "response.timestamp.EpochMillisOrDelegateTimestampParser"
	EpochParser             = castormPackage + "response.timestamp.EpochMillisTimestampParser"
	DateTimeFormatterParser = castormPackage + "response.timestamp.DateTimeFormatterTimestampParser"
	RegexParser             = castormPackage + "response.timestamp.RegexTimestampParser"
	OrderDirectionSorter    = castormPackage + "record.OrderDirectionSourceRecordSorter"
	OffsetFilter            = castormPackage + "record.OffsetRecordFilterFactory"
	OffsetTimestampFilter   = castormPackage + "record.OffsetTimestampRecordFilterFactory"
	PassthroughFilter       = castormPackage + "record.PassthroughRecordFilterFactory"
	JSONMapper              = "JsonRecordMapper"
)

// castormDefaultTimerMillis is castorm's http.timer.interval.millis.
const castormDefaultTimerMillis = 60000

// simpleName returns the part of a class name after its last dot.
func simpleName(class string) string { return class[strings.LastIndexByte(class, '.')+1:] }

// classIs reports whether value names class, by full or simple name.
func classIs(value, class string) bool {
	return value == class || value == simpleName(class)
}

// classValidator accepts the named classes, by full or simple name.
type classValidator []string

func (v classValidator) Validate(key string, value any) error {
	s, _ := value.(string)
	for _, c := range v {
		if classIs(s, c) {
			return nil
		}
	}
	return connect.KeyError(key, fmt.Sprintf("%q is not supported; use one of %s", s, v.String()))
}

func (v classValidator) String() string {
	names := make([]string, len(v))
	for i, c := range v {
		names[i] = simpleName(c)
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// codeRanges reads castorm's status code lists: "200..299, 304".
func codeRanges(s string) ([][2]int, error) {
	var out [][2]int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "..")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%q is not a status code or a range such as 200..299", part)
		}
		if a > b {
			a, b = b, a
		}
		out = append(out, [2]int{a, b})
	}
	return out, nil
}

type codesValidator struct{}

func (codesValidator) Validate(key string, value any) error {
	if _, err := codeRanges(value.(string)); err != nil {
		return connect.KeyError(key, err.Error())
	}
	return nil
}

func (codesValidator) String() string { return "codes and ranges such as 200..299, 304" }

type patternValidator struct{}

func (patternValidator) Validate(key string, value any) error {
	if _, err := compileJavaPattern(value.(string)); err != nil {
		return connect.KeyError(key, err.Error())
	}
	return nil
}

func (patternValidator) String() string { return "a java.time pattern" }

type zoneValidator struct{}

func (zoneValidator) Validate(key string, value any) error {
	if _, err := loadZone(value.(string)); err != nil {
		return connect.KeyError(key, err.Error())
	}
	return nil
}

func (zoneValidator) String() string { return "a zone ID such as UTC or Europe/Paris" }

func loadZone(id string) (*time.Location, error) {
	switch id {
	case "", "UTC", "Z", "GMT":
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, fmt.Errorf("unknown zone %q", id)
	}
	return loc, nil
}

const (
	groupRequest  = "Request"
	groupResponse = "Response"
	groupTimer    = "Timer"
	groupClient   = "Client"
	groupAuth     = "Auth"
	groupPages    = "Pagination"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// configDef returns the connector's settings.
func configDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	d.Define(
		connect.ConfigKey{Name: TopicConfig, Type: connect.ConfigString, Importance: connect.High, Validator: connect.NonEmpty(),
			Doc: "Topic the records are written to."},
		connect.ConfigKey{Name: OffsetInitialConfig, Type: connect.ConfigString, Default: "", Importance: connect.High,
			Doc: "Offset to start from when none is stored, as comma-separated name=value pairs, such as timestamp=2020-01-01T00:00:00Z. " +
				"A timestamp is an ISO-8601 instant or, unlike castorm, epoch milliseconds. Ignored once an offset is stored."},

		connect.ConfigKey{Name: URLConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: groupRequest,
			Doc: "URL to poll, a template (see the package doc). Required unless http.request.urls is set."},
		connect.ConfigKey{Name: URLsConfig, Type: connect.ConfigList, Default: "", Importance: connect.Medium, Group: groupRequest,
			Doc: "URL templates to poll, each its own source partition {\"url\": template}, shared out among up to tasks.max tasks so that no two tasks poll one URL. Replaces http.request.url."},
		connect.ConfigKey{Name: MethodConfig, Type: connect.ConfigString, Default: "GET", Importance: connect.High, Group: groupRequest,
			Validator: connect.OneOfIgnoreCase("GET", "HEAD", "POST", "PUT", "PATCH"),
			Doc:       "HTTP method."},
		connect.ConfigKey{Name: HeadersConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium, Group: groupRequest,
			Doc: "Headers as comma-separated Name: value pairs (\\, for a literal comma); a repeated name sends several values. Values are templates."},
		connect.ConfigKey{Name: ParamsConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium, Group: groupRequest,
			Doc: "Query parameters as &-separated name=value pairs, already URL-encoded; template values are encoded for you."},
		connect.ConfigKey{Name: BodyConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium, Group: groupRequest,
			Doc: "Request body template, sent with POST, PUT and PATCH. JSON bodies get JSON-escaped values."},
		connect.ConfigKey{Name: TemplateFactoryConfig, Type: connect.ConfigClass, Default: BackwardsCompatibleFM, Importance: connect.Low, Group: groupRequest,
			Validator: classValidator{BackwardsCompatibleFM, FreeMarkerTemplates, NoTemplates},
			Doc:       "BackwardsCompatibleFreeMarkerTemplateFactory: templates see offset.* and each offset property at the top level; FreeMarkerTemplateFactory: offset.* only; NoTemplateFactory: no templates. Templates are Go templates, with castorm's common FreeMarker expressions translated."},
		connect.ConfigKey{Name: RequestFactoryConfig, Type: connect.ConfigClass, Default: TemplateRequestFactory, Importance: connect.Low, Group: groupRequest,
			Validator: classValidator{TemplateRequestFactory}, Doc: "Accepted for compatibility; only the template factory exists."},

		connect.ConfigKey{Name: TimerConfig, Type: connect.ConfigClass, Default: AdaptableTimer, Importance: connect.Low, Group: groupTimer,
			Validator: classValidator{AdaptableTimer, FixedTimer},
			Doc:       "AdaptableIntervalTimer polls at the catch-up interval while the offset's timestamp moves and lags more than the interval behind now; FixedIntervalTimer always waits the interval."},
		connect.ConfigKey{Name: TimerIntervalConfig, Type: connect.ConfigDuration, Default: ms(castormDefaultTimerMillis), Importance: connect.High, Group: groupTimer,
			Validator: connect.AtLeast(time.Duration(0)),
			Doc:       "Time between polls. The first poll goes out at once, and the next pages of a paginated response without waiting."},
		connect.ConfigKey{Name: TimerCatchupIntervalConfig, Type: connect.ConfigDuration, Default: ms(30000), Importance: connect.Medium, Group: groupTimer,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "Time between polls while catching up (AdaptableIntervalTimer)."},
		connect.ConfigKey{Name: ThrottlerIntervalConfig, Type: connect.ConfigDuration, Default: ms(castormDefaultTimerMillis), Importance: connect.Low, Group: groupTimer,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "Deprecated name of http.timer.interval.millis, used when that key has its default."},
		connect.ConfigKey{Name: ThrottlerCatchupIntervalConfig, Type: connect.ConfigDuration, Default: ms(30000), Importance: connect.Low, Group: groupTimer,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "Deprecated name of http.timer.catchup.interval.millis, used when that key has its default."},
		connect.ConfigKey{Name: RetryBackoffConfig, Type: connect.ConfigDuration, Default: ms(1000), Importance: connect.Medium, Group: groupTimer,
			Validator: connect.AtLeast(time.Duration(0)),
			Doc:       "First wait before retrying a request that failed with 408, 429, a 5xx status, a network error or (under errors.tolerance=none) a malformed body; it doubles with each failure. A longer Retry-After wins."},
		connect.ConfigKey{Name: RetryBackoffMaxConfig, Type: connect.ConfigDuration, Default: ms(60000), Importance: connect.Low, Group: groupTimer,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "Longest wait between retries, unless Retry-After asks for more."},

		connect.ConfigKey{Name: ClientConfig, Type: connect.ConfigClass, Default: OkHTTPClient, Importance: connect.Low, Group: groupClient,
			Validator: classValidator{OkHTTPClient}, Doc: "Accepted for compatibility; the client is Go's net/http."},
		connect.ConfigKey{Name: ConnectionTimeoutConfig, Type: connect.ConfigDuration, Default: ms(2000), Importance: connect.Low, Group: groupClient,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "Timeout for establishing a connection."},
		connect.ConfigKey{Name: ReadTimeoutConfig, Type: connect.ConfigDuration, Default: ms(2000), Importance: connect.Low, Group: groupClient,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "Timeout waiting for the response's headers, and for each read of its body."},
		connect.ConfigKey{Name: MaxResponseBytesConfig, Type: connect.ConfigLong, Default: int64(64 << 20), Importance: connect.Low, Group: groupClient,
			Validator: connect.AtLeast(int64(1)), Doc: "The longest response body read, in bytes (64 MiB by default). A longer one fails the task, naming the request and this key, unless errors.tolerance=all, when it is logged and skipped; it is not retried. Bodies are held whole in memory while their records are produced, so this bounds the task's memory per page (pages are read ahead two at a time)."},
		connect.ConfigKey{Name: ConnectionTTLConfig, Type: connect.ConfigDuration, Default: ms(300000), Importance: connect.Low, Group: groupClient,
			Validator: connect.AtLeast(time.Duration(0)), Doc: "How long an idle connection is kept alive."},
		connect.ConfigKey{Name: MaxIdleConfig, Type: connect.ConfigInt, Default: 1, Importance: connect.Low, Group: groupClient,
			Validator: connect.AtLeast(0), Doc: "Idle connections kept per host."},
		connect.ConfigKey{Name: ProxyHostConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "HTTP proxy host; empty uses the HTTP_PROXY and HTTPS_PROXY environment variables."},
		connect.ConfigKey{Name: ProxyPortConfig, Type: connect.ConfigInt, Default: 3128, Importance: connect.Low, Group: groupClient,
			Validator: connect.Between(1, 65535), Doc: "HTTP proxy port."},
		connect.ConfigKey{Name: ProxyUserConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "Proxy user name."},
		connect.ConfigKey{Name: ProxyPasswordConfig, Type: connect.ConfigPassword, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "Proxy password. A password here, unlike castorm's plain string."},
		connect.ConfigKey{Name: KeystoreConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "castorm's PKCS12 client keystore: not supported; use http.client.tls.cert.file and http.client.tls.key.file."},
		connect.ConfigKey{Name: KeystorePasswordConfig, Type: connect.ConfigPassword, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "Password of http.client.keystore: not supported."},
		connect.ConfigKey{Name: TLSCAFileConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "PEM file of the certificate authorities to trust instead of the system's."},
		connect.ConfigKey{Name: TLSCertFileConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "PEM file of the client certificate, for mutual TLS."},
		connect.ConfigKey{Name: TLSKeyFileConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupClient,
			Doc: "PEM file of the client certificate's private key."},

		connect.ConfigKey{Name: AuthConfig, Type: connect.ConfigClass, Default: ConfigurableAuth, Importance: connect.Low, Group: groupAuth,
			Validator: classValidator{ConfigurableAuth}, Doc: "Accepted for compatibility."},
		connect.ConfigKey{Name: AuthTypeConfig, Type: connect.ConfigString, Default: "None", Importance: connect.High, Group: groupAuth,
			Validator: connect.OneOfIgnoreCase("None", "Basic", "Bearer"),
			Doc:       "None, Basic (http.auth.user and http.auth.password, sent with every request) or Bearer (http.auth.token)."},
		connect.ConfigKey{Name: AuthUserConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: groupAuth,
			Doc: "User name for Basic authentication."},
		connect.ConfigKey{Name: AuthPasswordConfig, Type: connect.ConfigPassword, Default: "", Importance: connect.High, Group: groupAuth,
			Doc: "Password for Basic authentication."},
		connect.ConfigKey{Name: AuthTokenConfig, Type: connect.ConfigPassword, Default: "", Importance: connect.High, Group: groupAuth,
			Doc: "Token for Bearer authentication, sent as Authorization: Bearer <token>."},

		connect.ConfigKey{Name: ResponseParserConfig, Type: connect.ConfigClass, Default: PolicyResponseParser, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{PolicyResponseParser}, Doc: "Accepted for compatibility."},
		connect.ConfigKey{Name: ResponsePolicyConfig, Type: connect.ConfigClass, Default: StatusCodePolicy, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{StatusCodePolicy}, Doc: "Accepted for compatibility."},
		connect.ConfigKey{Name: ResponsePolicyParserConfig, Type: connect.ConfigClass, Default: KvResponseParser, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{KvResponseParser}, Doc: "Accepted for compatibility."},
		connect.ConfigKey{Name: CodesProcessConfig, Type: connect.ConfigString, Default: "200..299", Importance: connect.Low, Group: groupResponse,
			Validator: codesValidator{}, Doc: "Status codes whose responses are turned into records."},
		connect.ConfigKey{Name: CodesSkipConfig, Type: connect.ConfigString, Default: "300..399", Importance: connect.Low, Group: groupResponse,
			Validator: codesValidator{}, Doc: "Status codes whose responses are logged and skipped. 408, 429 and 5xx not listed in either are retried; other codes fail the task, or are skipped under errors.tolerance=all."},
		connect.ConfigKey{Name: RecordParserConfig, Type: connect.ConfigClass, Default: JacksonRecordParser, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{JacksonRecordParser}, Doc: "Accepted for compatibility."},
		connect.ConfigKey{Name: RecordMapperConfig, Type: connect.ConfigClass, Default: SchemedMapper, Importance: connect.Medium, Group: groupResponse,
			Validator: classValidator{JSONMapper, SchemedMapper, StringMapper},
			Doc:       "SchemedKvSourceRecordMapper (castorm's default): castorm's Key and Value structs, with its schema names and docs, the record's JSON as text inside (fields in the API's order, as castorm's Jackson writes them) and timestamp set, so that its records are castorm's byte for byte. JsonRecordMapper: the value is the record's JSON itself, without a schema (castorm issue 19), the key its key as a string. StringKvSourceRecordMapper: key and value as strings."},
		connect.ConfigKey{Name: ListPointerConfig, Type: connect.ConfigString, Default: "/", Importance: connect.High, Group: groupResponse,
			Doc: "JSON Pointer to the list of records in the body; / is the whole body. An array gives its elements, null no record, anything else one record."},
		connect.ConfigKey{Name: RecordPointerConfig, Type: connect.ConfigString, Default: "/", Importance: connect.Medium, Group: groupResponse,
			Doc: "JSON Pointer, within each list element, to the record's value."},
		connect.ConfigKey{Name: OffsetPointerConfig, Type: connect.ConfigString, Default: "", Importance: connect.High, Group: groupResponse,
			Doc: "Offset properties as name=/pointer pairs, such as key=/id, timestamp=/updated, read from each list element. key is the record key; timestamp is parsed into the record and offset timestamp."},
		connect.ConfigKey{Name: KeyPointerConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupResponse,
			Doc: "Deprecated: pointers whose values, joined with +, make the key. Use key= in http.response.record.offset.pointer."},
		connect.ConfigKey{Name: TimestampPointerConfig, Type: connect.ConfigString, Default: "", Importance: connect.Low, Group: groupResponse,
			Doc: "Deprecated: pointer to the timestamp. Use timestamp= in http.response.record.offset.pointer."},
		connect.ConfigKey{Name: TimestampParserConfig, Type: connect.ConfigClass, Default: EpochOrDelegateParser, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{EpochOrDelegateParser, EpochParser, DateTimeFormatterParser, RegexParser},
			Doc:       "How timestamps are read: epoch milliseconds, else the delegate (default); epoch milliseconds only; the pattern only; or the first group of the regex, then the regex delegate."},
		connect.ConfigKey{Name: TimestampDelegateConfig, Type: connect.ConfigClass, Default: DateTimeFormatterParser, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{DateTimeFormatterParser}, Doc: "Parser for timestamps that are not epoch milliseconds."},
		connect.ConfigKey{Name: TimestampPatternConfig, Type: connect.ConfigString, Default: "yyyy-MM-dd'T'HH:mm:ss[.SSS]X", Importance: connect.Low, Group: groupResponse,
			Validator: patternValidator{},
			Doc:       "java.time pattern of timestamps. Any number of fraction digits is read after the seconds, and offsets with or without a colon."},
		connect.ConfigKey{Name: TimestampZoneConfig, Type: connect.ConfigString, Default: "UTC", Importance: connect.Low, Group: groupResponse,
			Validator: zoneValidator{}, Doc: "Zone of timestamps that carry no offset, and of formatTime in templates."},
		connect.ConfigKey{Name: TimestampRegexConfig, Type: connect.ConfigString, Default: "(.*)", Importance: connect.Low, Group: groupResponse,
			Doc: "RegexTimestampParser: its first capture group is the timestamp (castorm's default, .*, has none and always failed)."},
		connect.ConfigKey{Name: TimestampRegexDelegateConfig, Type: connect.ConfigClass, Default: DateTimeFormatterParser, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{DateTimeFormatterParser, EpochParser}, Doc: "Parser of the regex's capture."},
		connect.ConfigKey{Name: RecordSorterConfig, Type: connect.ConfigClass, Default: OrderDirectionSorter, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{OrderDirectionSorter}, Doc: "Accepted for compatibility."},
		connect.ConfigKey{Name: ListOrderConfig, Type: connect.ConfigString, Default: "IMPLICIT", Importance: connect.Low, Group: groupResponse,
			Validator: connect.OneOfIgnoreCase("ASC", "DESC", "IMPLICIT"),
			Doc:       "Order of the list: ASC (oldest first), DESC (records are reversed), or IMPLICIT: DESC when the first record's timestamp is later than the last's."},
		connect.ConfigKey{Name: RecordFilterConfig, Type: connect.ConfigClass, Default: OffsetFilter, Importance: connect.Low, Group: groupResponse,
			Validator: classValidator{OffsetFilter, OffsetTimestampFilter, PassthroughFilter},
			Doc:       "Which records are new. OffsetRecordFilterFactory: later than the offset's timestamp, or after the offset's record in the list; without timestamps, the records after the offset's record, and never one seen recently. OffsetTimestampRecordFilterFactory: by timestamp only. PassthroughRecordFilterFactory: every record."},
		connect.ConfigKey{Name: SeenSizeConfig, Type: connect.ConfigInt, Default: 10000, Importance: connect.Low, Group: groupResponse,
			Validator: connect.AtLeast(0), Doc: "Versions (key, timestamp and content) of the latest records produced that are remembered, with the source offsets, to drop them when the API returns them again, also after a restart; 0 turns this off. Each takes about 21 bytes of every stored offset."},

		connect.ConfigKey{Name: NextPagePointerConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium, Group: groupPages,
			Doc: "JSON Pointer to the next page's URL in the body (absolute or relative). Pages are fetched one after the other without waiting; a missing, null or empty value ends the walk."},
		connect.ConfigKey{Name: NextCursorPointerConfig, Type: connect.ConfigString, Default: "", Importance: connect.Medium, Group: groupPages,
			Doc: "JSON Pointer to the next page's cursor in the body, which templates read as {{.offset.page}}."},
		connect.ConfigKey{Name: NextPageLinkConfig, Type: connect.ConfigBoolean, Default: false, Importance: connect.Medium, Group: groupPages,
			Doc: "Follow the Link header's rel=\"next\" URL (RFC 8288), as GitHub's API paginates."},
	)
	d.Check(func(c *connect.Config) []error {
		var errs []error
		if c.String(URLConfig) == "" && len(c.List(URLsConfig)) == 0 {
			errs = append(errs, connect.KeyError(URLConfig, "missing required configuration (or set http.request.urls)"))
		}
		if c.String(URLConfig) != "" && len(c.List(URLsConfig)) > 0 {
			errs = append(errs, connect.KeyError(URLsConfig, "set either http.request.url or http.request.urls, not both"))
		}
		if c.String(KeystoreConfig) != "" {
			errs = append(errs, connect.KeyError(KeystoreConfig, "PKCS12 keystores are not supported; convert it to PEM and set http.client.tls.cert.file and http.client.tls.key.file"))
		}
		if (c.String(TLSCertFileConfig) == "") != (c.String(TLSKeyFileConfig) == "") {
			errs = append(errs, connect.KeyError(TLSKeyFileConfig, "http.client.tls.cert.file and http.client.tls.key.file go together"))
		}
		if strings.EqualFold(c.String(AuthTypeConfig), "Bearer") && c.Password(AuthTokenConfig).Value() == "" {
			errs = append(errs, connect.KeyError(AuthTokenConfig, `required when http.auth.type is "Bearer"`))
		}
		n := 0
		for _, k := range []string{NextPagePointerConfig, NextCursorPointerConfig} {
			if c.String(k) != "" {
				n++
			}
		}
		if c.Bool(NextPageLinkConfig) {
			n++
		}
		if n > 1 {
			errs = append(errs, connect.KeyError(NextPagePointerConfig, "choose one of http.response.next.page.pointer, http.response.next.cursor.pointer and http.response.next.page.link"))
		}
		return errs
	})
	return d
}
