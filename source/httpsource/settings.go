package httpsource

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/connectkit/connectkit/connect"
)

// settings is a parsed configuration compiled for the task: templates,
// pointers and parsers, built once at Start (and by Validate, to report
// their problems before a task starts).
type settings struct {
	topic       string
	initial     offset
	adaptable   bool
	interval    time.Duration
	catchup     time.Duration
	backoff     time.Duration
	backoffMax  time.Duration
	method      string
	urls        []string // templates, one per endpoint
	partitioned bool     // source partitions {"url": template} rather than {}
	mode        templateMode
	funcs       template.FuncMap
	headers     []headerTemplate
	params      []paramTemplate
	body        *requestTemplate
	process     [][2]int
	skip        [][2]int
	mapper      string
	tapeDepth   int // how deep pointers reach into the body
	listPtr     pointer
	recordPtr   pointer
	offsetPtrs  []namedPointer
	keyPtrs     []pointer
	tsPtr       pointer
	hasTS       bool
	parseTS     func(string) (time.Time, error)
	order       string
	filter      filterKind
	seenSize    int
	maxBody     int64 // http.response.max.bytes
	nextPage    pointer
	nextCursor  pointer
	nextLink    bool
	paginated   bool
	tolerateAll bool
	loc         *time.Location
	cfg         *connect.Config
}

// filterKind is what http.record.filter.factory selects.
type filterKind int

const (
	filterOffset filterKind = iota
	filterTimestamp
	filterPassthrough
)

type headerTemplate struct {
	name  string
	value *requestTemplate
}

type paramTemplate struct {
	name, value *requestTemplate
}

type namedPointer struct {
	name string
	ptr  pointer
}

// compileSettings parses config and compiles what it describes; the error
// lists every problem, each naming its key.
func compileSettings(config map[string]string) (*settings, error) {
	cfg, err := configDef().Parse(config)
	if err != nil {
		return nil, err
	}
	var errs []error
	add := func(key string, err error) {
		if err != nil {
			errs = append(errs, connect.KeyError(key, err.Error()))
		}
	}
	s := &settings{cfg: cfg, topic: cfg.String(TopicConfig)}
	s.loc, _ = loadZone(cfg.String(TimestampZoneConfig)) // validated
	s.funcs = templateFuncs(s.loc)

	s.initial, err = parseInitialOffset(cfg.String(OffsetInitialConfig))
	add(OffsetInitialConfig, err)

	s.adaptable = classIs(cfg.Class(TimerConfig), AdaptableTimer)
	s.interval = deprecatedAlias(cfg, TimerIntervalConfig, ThrottlerIntervalConfig)
	s.catchup = deprecatedAlias(cfg, TimerCatchupIntervalConfig, ThrottlerCatchupIntervalConfig)
	s.backoff, s.backoffMax = cfg.Duration(RetryBackoffConfig), cfg.Duration(RetryBackoffMaxConfig)
	if s.backoffMax < s.backoff {
		s.backoffMax = s.backoff
	}

	s.method = strings.ToUpper(cfg.String(MethodConfig))
	if u := cfg.String(URLConfig); u != "" {
		s.urls = []string{u}
	} else {
		s.urls = cfg.List(URLsConfig)
		s.partitioned = true
	}
	switch tf := cfg.Class(TemplateFactoryConfig); {
	case classIs(tf, NoTemplates):
		s.mode = templatesOff
	case classIs(tf, FreeMarkerTemplates):
		s.mode = templatesOffsetOnly
	}
	for _, u := range s.urls {
		_, err := compileTemplate(URLConfig, u, ctxURL, s.mode, s.funcs)
		add(urlKey(s), err)
	}
	s.headers, err = compileHeaders(cfg.String(HeadersConfig), s.mode, s.funcs)
	add(HeadersConfig, err)
	s.params, err = compileParams(cfg.String(ParamsConfig), s.mode, s.funcs)
	add(ParamsConfig, err)
	s.body, err = compileTemplate(BodyConfig, cfg.String(BodyConfig), bodyContext(cfg.String(BodyConfig), s.headers), s.mode, s.funcs)
	add(BodyConfig, err)

	s.process, _ = codeRanges(cfg.String(CodesProcessConfig)) // validated
	s.skip, _ = codeRanges(cfg.String(CodesSkipConfig))
	s.mapper = simpleName(cfg.Class(RecordMapperConfig))

	s.listPtr, err = parsePointer(cfg.String(ListPointerConfig))
	add(ListPointerConfig, err)
	s.recordPtr, err = parsePointer(cfg.String(RecordPointerConfig))
	add(RecordPointerConfig, err)
	s.offsetPtrs, err = parseNamedPointers(cfg.String(OffsetPointerConfig))
	add(OffsetPointerConfig, err)
	for _, p := range strings.Split(cfg.String(KeyPointerConfig), ",") {
		if p = strings.TrimSpace(p); p != "" {
			ptr, err := parsePointer(p)
			add(KeyPointerConfig, err)
			s.keyPtrs = append(s.keyPtrs, ptr)
		}
	}
	if p := cfg.String(TimestampPointerConfig); p != "" {
		s.tsPtr, err = parsePointer(p)
		add(TimestampPointerConfig, err)
		s.hasTS = true
	}
	for _, np := range s.offsetPtrs {
		if np.name == "timestamp" {
			s.hasTS = true
		}
	}
	s.parseTS, err = timestampParser(cfg, s.loc)
	add(TimestampRegexConfig, err)
	s.order = strings.ToUpper(cfg.String(ListOrderConfig))
	switch f := cfg.Class(RecordFilterConfig); {
	case classIs(f, PassthroughFilter):
		s.filter = filterPassthrough
	case classIs(f, OffsetTimestampFilter):
		s.filter = filterTimestamp
	}
	s.seenSize = cfg.Int(SeenSizeConfig)
	s.maxBody = cfg.Long(MaxResponseBytesConfig)
	s.tapeDepth = s.pointerDepth()

	if p := cfg.String(NextPagePointerConfig); p != "" {
		s.nextPage, err = parsePointer(p)
		add(NextPagePointerConfig, err)
		s.paginated = true
	}
	if p := cfg.String(NextCursorPointerConfig); p != "" {
		s.nextCursor, err = parsePointer(p)
		add(NextCursorPointerConfig, err)
		s.paginated = true
	}
	s.nextLink = cfg.Bool(NextPageLinkConfig)
	s.paginated = s.paginated || s.nextLink
	s.tolerateAll = strings.EqualFold(strings.TrimSpace(config["errors.tolerance"]), "all")
	if len(errs) > 0 {
		return nil, connect.JoinConfigErrors(errs...)
	}
	return s, nil
}

// pointerDepth is how deep into a body the pointers reach: the list's
// elements and the values in them, the next page.
func (s *settings) pointerDepth() int {
	inElement := max(len(s.recordPtr), len(s.tsPtr))
	for _, np := range s.offsetPtrs {
		inElement = max(inElement, len(np.ptr))
	}
	for _, p := range s.keyPtrs {
		inElement = max(inElement, len(p))
	}
	return max(len(s.listPtr)+1+inElement, len(s.nextPage), len(s.nextCursor))
}

func urlKey(s *settings) string {
	if s.partitioned {
		return URLsConfig
	}
	return URLConfig
}

// deprecatedAlias reads key, or old when key has its default and old is
// set, as castorm does for its throttler keys.
func deprecatedAlias(cfg *connect.Config, key, old string) time.Duration {
	if _, set := cfg.Originals()[key]; !set {
		if _, oldSet := cfg.Originals()[old]; oldSet {
			return cfg.Duration(old)
		}
	}
	return cfg.Duration(key)
}

// offset is a source offset as castorm keeps it: string properties, key and
// timestamp (an ISO-8601 instant) among them. The connector adds page (the
// cursor of the page to request next) or page.url (its URL) during a walk
// through pages.
type offset map[string]string

// Offset properties with a meaning.
const (
	offsetKey       = "key"
	offsetTimestamp = "timestamp"
	offsetPage      = "page"
	offsetPageURL   = "page.url"
)

func parseInitialOffset(s string) (offset, error) {
	o := offset{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not a name=value pair", strings.TrimSpace(pair))
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == offsetTimestamp {
			t, err := parseInstant(v)
			if err != nil {
				return nil, fmt.Errorf("timestamp %q: %w", v, err)
			}
			v = formatInstant(t)
		}
		o[k] = v
	}
	return o, nil
}

// pointer is a parsed JSON Pointer (RFC 6901), except that "/" is the
// whole document, as in castorm.
type pointer []string

func parsePointer(s string) (pointer, error) {
	if s == "" || s == "/" {
		return pointer{}, nil
	}
	if s[0] != '/' {
		return nil, fmt.Errorf("JSON Pointer %q must start with /", s)
	}
	parts := strings.Split(s[1:], "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func (p pointer) String() string {
	if len(p) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, t := range p {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

func parseNamedPointers(s string) ([]namedPointer, error) {
	var out []namedPointer
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		name, ptr, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not a name=/pointer pair", strings.TrimSpace(pair))
		}
		p, err := parsePointer(strings.TrimSpace(ptr))
		if err != nil {
			return nil, err
		}
		name = strings.TrimSpace(name)
		if name == offsetPage || name == offsetPageURL {
			return nil, fmt.Errorf("%q is the name of the page cursor; choose another", name)
		}
		out = append(out, namedPointer{name: name, ptr: p})
	}
	return out, nil
}

// splitUnescaped splits s on sep, except where sep is preceded by a
// backslash, which is dropped.
func splitUnescaped(s string, sep byte) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == sep:
			b.WriteByte(sep)
			i++
		case s[i] == sep:
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(s[i])
		}
	}
	return append(out, b.String())
}

// compileHeaders splits the headers before templating, unlike castorm, so
// that a value cannot add a header.
func compileHeaders(s string, mode templateMode, funcs template.FuncMap) ([]headerTemplate, error) {
	var out []headerTemplate
	for _, pair := range splitUnescaped(s, ',') {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		name, value, ok := strings.Cut(pair, ":")
		if !ok {
			return nil, fmt.Errorf("%q is not a Name: value pair", strings.TrimSpace(pair))
		}
		name = strings.TrimSpace(name)
		if !validHeaderName(name) {
			return nil, fmt.Errorf("%q is not a valid header name", name)
		}
		t, err := compileTemplate(HeadersConfig, strings.TrimSpace(value), ctxHeader, mode, funcs)
		if err != nil {
			return nil, err
		}
		out = append(out, headerTemplate{name: name, value: t})
	}
	return out, nil
}

var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func validHeaderName(s string) bool { return headerName.MatchString(s) }

func compileParams(s string, mode templateMode, funcs template.FuncMap) ([]paramTemplate, error) {
	var out []paramTemplate
	for _, pair := range strings.Split(s, "&") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		n, err := compileTemplate(ParamsConfig, strings.TrimSpace(name), ctxQuery, mode, funcs)
		if err != nil {
			return nil, err
		}
		v, err := compileTemplate(ParamsConfig, strings.TrimSpace(value), ctxQuery, mode, funcs)
		if err != nil {
			return nil, err
		}
		out = append(out, paramTemplate{name: n, value: v})
	}
	return out, nil
}

// bodyContext escapes template values as JSON in a JSON body and as form
// values in a form; other bodies get values unchanged.
func bodyContext(body string, headers []headerTemplate) textContext {
	for _, h := range headers {
		if !strings.EqualFold(h.name, "Content-Type") || h.value.t != nil && len(h.value.t.Tree.Root.Nodes) != 1 {
			continue
		}
		ct, _ := h.value.render(nil)
		switch {
		case strings.Contains(ct, "json"):
			return ctxJSON
		case strings.Contains(ct, "x-www-form-urlencoded"):
			return ctxQuery
		default:
			return ctxRaw
		}
	}
	if b := strings.TrimSpace(body); strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
		return ctxJSON
	}
	return ctxRaw
}

// timestampParser returns the parser http.response.record.timestamp.parser
// selects.
func timestampParser(cfg *connect.Config, loc *time.Location) (func(string) (time.Time, error), error) {
	pattern, err := compileJavaPattern(cfg.String(TimestampPatternConfig))
	if err != nil {
		return nil, err // validated already
	}
	formatted := func(s string) (time.Time, error) { return pattern.Parse(s, loc) }
	epoch := func(s string) (time.Time, error) {
		ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("timestamp %q is not epoch milliseconds", s)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	switch p := cfg.Class(TimestampParserConfig); {
	case classIs(p, EpochParser):
		return epoch, nil
	case classIs(p, DateTimeFormatterParser):
		return formatted, nil
	case classIs(p, RegexParser):
		re, err := regexp.Compile(cfg.String(TimestampRegexConfig))
		if err != nil {
			return nil, fmt.Errorf("invalid regex: %w", err)
		}
		if re.NumSubexp() < 1 {
			return nil, fmt.Errorf("regex %q needs a capture group around the timestamp", re)
		}
		inner := formatted
		if classIs(cfg.Class(TimestampRegexDelegateConfig), EpochParser) {
			inner = epoch
		}
		return func(s string) (time.Time, error) {
			m := re.FindStringSubmatch(s)
			if m == nil {
				return time.Time{}, fmt.Errorf("timestamp %q does not match regex %q", s, re)
			}
			return inner(m[1])
		}, nil
	}
	return func(s string) (time.Time, error) {
		if isDigits(strings.TrimSpace(s)) {
			return epoch(s)
		}
		return formatted(s)
	}, nil
}
